"""The data lifecycle (UK GDPR): the daily erasure run's schedule and dead-letter queues. The run erases cases and
expires intake files and exports by each council's retention schedule (shared/core/domain/council.py); nothing here is per
council, so the platform stack does not change as councils are added."""

from __future__ import annotations

from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.constructs.schedules import KeptRuns, schedule_function
from shared.resources import ERASURE_DLQ_NAME, ERASURE_FUNCTION, ERASURE_SCHEDULE, ERASURE_SCHEDULE_DLQ_NAME


class DataLifecycle(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, erasure: lambda_.Function, key: kms.IKey) -> None:
        super().__init__(scope, construct_id)
        scheduled = schedule_function(
            self, "Schedule", function=erasure, spec=ERASURE_FUNCTION, expression=ERASURE_SCHEDULE,
            description="Erases the cases kept past their council's retention period",
            kept=KeptRuns(key=key, schedule_queue_name=ERASURE_SCHEDULE_DLQ_NAME, failed_queue_name=ERASURE_DLQ_NAME,
                          what="Daily erasure runs"),
        )
        self.schedule = scheduled.schedule
        self.dead_letter_queues = scheduled.dead_letter_queues
