"""`python -m infra.local.reconciler`: check the cases at a person's step against their workflows now, against a running
`./dev run`.

EventBridge Scheduler never fires in moto, so this does what the hourly schedule does: invoke the reconciler through Lambda
(the local stack's bridge runs the real handler). Synchronously, so that the result, or the error, shows.
"""

from __future__ import annotations

import json

from infra.local.commands import command_parser, stack_clients
from shared.resources import RECONCILER_FUNCTION


def main(argv: list[str] | None = None) -> int:
    args = command_parser("reconciler", __doc__).parse_args(argv)
    response = stack_clients(args)("lambda").invoke(FunctionName=RECONCILER_FUNCTION.function_name, Payload=b"{}")
    print(json.dumps(json.loads(response["Payload"].read()), indent=2))
    return 1 if "FunctionError" in response else 0


if __name__ == "__main__":
    raise SystemExit(main())
