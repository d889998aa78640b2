"""`python -m infra.local.reminders`: run the daily information reminders now, against a running `./dev run`.

EventBridge Scheduler never fires in moto, so this does what the schedule does: invoke the reminders
function through Lambda (the local stack's bridge runs the real handler) with the schedule's input.
--days-ahead runs it as if later: the seeded cases are due 15 (Vale of Wye) or 20 working days (Northshire) after
seeding, and each council reminds 7 working days before, so 16 (calendar days) reminds Vale of Wye's applicants and
23 Northshire's.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any


from infra.local.commands import command_parser, stack_clients
from shared.resources import REMINDERS_FUNCTION, FunctionSpec


def run_reminders(lambda_client: Any, at: datetime, function: FunctionSpec = REMINDERS_FUNCTION) -> dict:
    """Invoke the reminders function (or another daily run, e.g. the renewal reminders) with the schedule's input and
    return its result. Synchronously (the schedule invokes asynchronously) so that the result, or the error, can be shown."""
    response = lambda_client.invoke(
        FunctionName=function.function_name, Payload=json.dumps({"scheduled_time": at.isoformat()})
    )
    result = json.loads(response["Payload"].read())
    if "FunctionError" in response:
        raise RuntimeError(f"{function.function_name} failed: {result.get('errorMessage')}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("reminders", __doc__)
    parser.add_argument("--days-ahead", type=float, default=0, help="run as if this many days from now (default 0)")
    args = parser.parse_args(argv)
    result = run_reminders(stack_clients(args)("lambda"), datetime.now(UTC) + timedelta(days=args.days_ahead))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
