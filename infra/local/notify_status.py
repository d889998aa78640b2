"""`python -m infra.local.notify_status`: read back the Notify councils' statuses now, against a running `./dev run`.

From the local GOV.UK Notify stand-in: what became of each Notify council's emails, letters and texts.

EventBridge Scheduler never fires in moto, so this does what the half-hourly schedule does: invoke the read-back through
Lambda (the local stack's bridge runs the real handler in the `./dev run` process, which points the Notify councils at
its stand-in). Synchronously, so that each council's figures, or the error, show. On the stand-in a notification stays
"created" (a letter "accepted") until its status is set, as Notify's receipts would: `--set <id>=<status>` (the ids are in
the stand-in's /received.json) with `--notify-url` (the address `./dev run` prints), or NotifyStandIn.set_status in a test.
"""

from __future__ import annotations

import json

import requests

from infra.local.commands import command_parser, stack_clients
from infra.local.notify_api import STATUS_PATH
from shared.resources import NOTIFY_STATUS_FUNCTION


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("notify_status", __doc__)
    parser.add_argument("--notify-url", help="the stand-in's address, as `./dev run` prints it (needed with --set)")
    parser.add_argument("--set", action="append", default=[], metavar="ID=STATUS",
                        help="first give a notification a status, as Notify's receipt would (e.g. <id>=returned-letter); repeatable")
    args = parser.parse_args(argv)
    if args.set and not args.notify_url:
        parser.error("--set needs --notify-url")
    for change in args.set:
        notification_id, _, status = change.partition("=")
        answer = requests.post(f"{args.notify_url.rstrip('/')}{STATUS_PATH}", json={"id": notification_id, "status": status}, timeout=10)
        if not answer.ok:
            print(f"{change}: {answer.text}")
            return 1
    response = stack_clients(args)("lambda").invoke(FunctionName=NOTIFY_STATUS_FUNCTION.function_name, Payload=b"{}")
    print(json.dumps(json.loads(response["Payload"].read()), indent=2))
    return 1 if "FunctionError" in response else 0


if __name__ == "__main__":
    raise SystemExit(main())
