"""`python -m infra.local.national_pull`: pull each council's new applications from the stand-in national Applications
API now, against a running `./dev run`.

EventBridge Scheduler never fires in moto, so this does what the 15-minute schedule does: invoke the national pull through
Lambda (the local stack's bridge runs the real handler, in the `./dev run` process, which points the pulls at its
stand-in). Synchronously, so that each council's report, or the error, shows.
"""

from __future__ import annotations

import json

from infra.local.commands import command_parser, stack_clients
from shared.resources import NATIONAL_PULL_FUNCTION


def main(argv: list[str] | None = None) -> int:
    args = command_parser("national_pull", __doc__).parse_args(argv)
    response = stack_clients(args)("lambda").invoke(FunctionName=NATIONAL_PULL_FUNCTION.function_name, Payload=b"{}")
    print(json.dumps(json.loads(response["Payload"].read()), indent=2))
    return 1 if "FunctionError" in response else 0


if __name__ == "__main__":
    raise SystemExit(main())
