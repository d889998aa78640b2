"""`python -m infra.local.routing_watch`: count the referrals near and past their routing target now, against a running
`./dev run`.

EventBridge Scheduler never fires in moto, so this does what the 15-minute schedule does: invoke the routing watch through
Lambda (the local stack's bridge runs the real handler). Synchronously, so that the counts, or the error, show.
"""

from __future__ import annotations

import json

from infra.local.commands import command_parser, stack_clients
from shared.resources import ASC_ROUTING_WATCH_FUNCTION


def main(argv: list[str] | None = None) -> int:
    args = command_parser("routing_watch", __doc__).parse_args(argv)
    response = stack_clients(args)("lambda").invoke(FunctionName=ASC_ROUTING_WATCH_FUNCTION.function_name, Payload=b"{}")
    print(json.dumps(json.loads(response["Payload"].read()), indent=2))
    return 1 if "FunctionError" in response else 0


if __name__ == "__main__":
    raise SystemExit(main())
