"""`python -m infra.local.reminders`: run the daily information reminders now, against a running `./dev run`.

EventBridge Scheduler never fires in moto, so this does what the schedule does: invoke the reminders
function through Lambda (the local stack's bridge runs the real handler) with the schedule's input.
--days-ahead runs it as if later: the seeded cases are due 21 (Vale of Wye) or 28 days (Northshire) after
seeding, and each council reminds 7 days before, so 16 reminds Vale of Wye's applicants and 23 Northshire's.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from infra.local.__main__ import DUMMY_CREDENTIALS, parse_args as stack_args
from shared.resources import DEFAULT_REGION, REMINDERS_FUNCTION


def run_reminders(lambda_client: Any, at: datetime) -> dict:
    """Invoke the reminders function with the schedule's input and return its result. Synchronously (the
    schedule invokes asynchronously) so that the result, or the error, can be shown."""
    response = lambda_client.invoke(
        FunctionName=REMINDERS_FUNCTION.function_name, Payload=json.dumps({"scheduled_time": at.isoformat()})
    )
    result = json.loads(response["Payload"].read())
    if "FunctionError" in response:
        raise RuntimeError(f"{REMINDERS_FUNCTION.function_name} failed: {result.get('errorMessage')}")
    return result


def main(argv: list[str] | None = None) -> int:
    stack = stack_args([])  # the local stack's defaults
    parser = argparse.ArgumentParser(prog="python -m infra.local.reminders", description=__doc__.splitlines()[0])
    parser.add_argument("--days-ahead", type=float, default=0, help="run as if this many days from now (default 0)")
    parser.add_argument("--moto-port", type=int, default=stack.moto_port, help=f"moto port of the local stack (default {stack.moto_port})")
    parser.add_argument("--host", default=stack.host, help=f"host of the local stack (default {stack.host})")
    args = parser.parse_args(argv)
    client = boto3.client(
        "lambda",
        endpoint_url=f"http://{args.host}:{args.moto_port}",
        region_name=DEFAULT_REGION,
        aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    result = run_reminders(client, datetime.now(UTC) + timedelta(days=args.days_ahead))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
