"""`python -m infra.local.print_dispatch`: run the nightly print dispatch now, against a running `./dev run`.

EventBridge Scheduler never fires in moto, so this starts the print-dispatch state machine as an operator
would (a run on demand), waits for it, and prints each batch, where its extract landed in the supplier's folder
and on the supplier's own SFTP server (which `./dev run` stands in for on loopback). `--resend BATCH_ID` sends a
delivered batch again as a new file marked ReExtract yes, and pushes that file too.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any


from infra.local.commands import command_parser, stack_clients
from shared.resources import (
    PRINT_DISPATCH_FUNCTION,
    PRINT_DROP_BUCKET_LOCAL_NAME,
    PRINT_PUSH_FUNCTION,
    SUPPLIER_OUTBOX,
    WORKFLOWS_BY_KEY,
    FunctionSpec,
    WorkflowKey,
)


def run_dispatch(sfn: Any, timeout_seconds: float = 300) -> dict:
    """Start the print-dispatch state machine and return its output once it ends."""
    name = WORKFLOWS_BY_KEY[WorkflowKey.PRINT_DISPATCH].state_machine_name
    [machine] = [m for m in sfn.list_state_machines()["stateMachines"] if m["name"] == name]
    execution_arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], name=f"on-demand-{datetime.now(UTC):%Y%m%dT%H%M%S}",
                                        input="{}")["executionArn"]
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        execution = sfn.describe_execution(executionArn=execution_arn)
        if execution["status"] != "RUNNING":
            if execution["status"] != "SUCCEEDED":
                raise RuntimeError(f"print dispatch {execution['status']}: {execution.get('error')} {execution.get('cause')}")
            return json.loads(execution["output"])
        time.sleep(0.5)
    raise RuntimeError(f"print dispatch still running after {timeout_seconds} s")


def _invoke(lambda_client: Any, function: FunctionSpec, payload: dict) -> tuple[dict, bool]:
    response = lambda_client.invoke(FunctionName=function.function_name, Payload=json.dumps(payload))
    return json.loads(response["Payload"].read()), "FunctionError" in response


def resend(lambda_client: Any, batch_id: str) -> int:
    """Send the batch again (a new file), then push that file where the supplier runs its own server."""
    answer, failed = _invoke(lambda_client, PRINT_DISPATCH_FUNCTION, {"action": "resend", "batch_id": batch_id})
    if not failed and answer["to_push"]:
        answer, failed = _invoke(lambda_client, PRINT_PUSH_FUNCTION, {"batch_id": batch_id})
    print(json.dumps(answer, indent=2))
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("print_dispatch", __doc__)
    parser.add_argument("--resend", metavar="BATCH_ID", help="send this delivered batch again (ReExtract yes)")
    args = parser.parse_args(argv)
    clients = stack_clients(args)
    if args.resend:
        return resend(clients("lambda"), args.resend)
    output = run_dispatch(clients("stepfunctions"))
    for batch in output["batches"]:
        where = f"s3://{PRINT_DROP_BUCKET_LOCAL_NAME}/{SUPPLIER_OUTBOX}{batch['filename']}" if batch["filename"] else "(nothing to print)"
        print(f"{batch['batch_id']:32} {batch['status']:9} {batch['written']:5} sent {batch['skipped']:3} skipped  {where}")
        for remote_path in batch["pushed"]:
            print(f"{'':32} pushed to the supplier's server: {remote_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
