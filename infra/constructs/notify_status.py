"""The read-back of GOV.UK Notify's statuses (functions/notify_status): its schedule. It reads the council tables through
the council data role, and the Notify councils' API keys only, as every function given NOTIFY_COUNCILS (infra/stack.py)."""

from __future__ import annotations

from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.constructs.schedules import schedule_function
from shared.resources import NOTIFY_STATUS_FUNCTION, NOTIFY_STATUS_SCHEDULE


class NotifyStatusReadBack(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, reader: lambda_.Function) -> None:
        super().__init__(scope, construct_id)
        # No retries and no dead-letter queue: a failed run leaves each council's watermark where it was, and the next
        # run reads the same notifications again (recording a status is idempotent).
        self.schedule = schedule_function(
            self, "Schedule", function=reader, spec=NOTIFY_STATUS_FUNCTION, expression=NOTIFY_STATUS_SCHEDULE,
            description="Reads back from GOV.UK Notify what became of each Notify council's emails, letters and texts",
        ).schedule
