"""`python -m infra.local.resume_sweeper`: send the workflow resumes still owed now, against a running `./dev run`.

EventBridge Scheduler never fires in moto, so this does what the five-minute schedule does: invoke the resume sweeper
through Lambda (the local stack's bridge runs the real handler). Synchronously, so that the result, or the error, shows.
"""

from __future__ import annotations

import json

from infra.local.commands import command_parser, stack_clients
from shared.resources import RESUME_SWEEPER_FUNCTION


def main(argv: list[str] | None = None) -> int:
    args = command_parser("resume_sweeper", __doc__).parse_args(argv)
    response = stack_clients(args)("lambda").invoke(FunctionName=RESUME_SWEEPER_FUNCTION.function_name, Payload=b"{}")
    result = json.loads(response["Payload"].read())
    print(json.dumps(result, indent=2))
    return 1 if "FunctionError" in response else 0


if __name__ == "__main__":
    raise SystemExit(main())
