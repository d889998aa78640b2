"""The data lifecycle (UK GDPR): the daily erasure run's schedule and dead-letter queues. The run erases cases and
expires intake files and exports by each council's retention schedule (shared/domain/council.py); nothing here is per
council, so the platform stack does not change as councils are added."""

from __future__ import annotations

from aws_cdk import TimeZone
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as scheduler_targets
from constructs import Construct

from infra.constructs.monitoring import DeadLetterQueue
from infra.constructs.workflows import scheduler_role
from shared.resources import ERASURE_DLQ_NAME, ERASURE_FUNCTION, ERASURE_SCHEDULE, ERASURE_SCHEDULE_DLQ_NAME, SCHEDULE_TIMEZONE


class DataLifecycle(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, erasure: lambda_.Function, key: kms.IKey,
    ) -> None:
        super().__init__(scope, construct_id)
        # A run the scheduler cannot start waits in one DLQ; a run that fails every retry (asynchronous), in the other.
        self.schedule_dead_letter_queue = DeadLetterQueue(
            self, "ScheduleDeadLetterQueue", queue_name=ERASURE_SCHEDULE_DLQ_NAME, key=key,
            holds="Daily erasure runs the scheduler could not start",
        )
        self.dead_letter_queue = DeadLetterQueue(
            self, "DeadLetterQueue", queue_name=ERASURE_DLQ_NAME, key=key, holds="Daily erasure runs that failed every retry",
        )
        self.dead_letter_queue.keep_failed_invocations(erasure)
        self.schedule_role = scheduler_role(self, "ScheduleRole", description="Lets the erasure schedule invoke the erasure function")
        self.schedule_dead_letter_queue.grant_key_use(self.schedule_role)
        self.schedule = scheduler.Schedule(
            self,
            "Schedule",
            schedule_name=ERASURE_FUNCTION.function_name,
            description="Erases the cases kept past their council's retention period",
            schedule=scheduler.ScheduleExpression.expression(ERASURE_SCHEDULE, TimeZone.of(SCHEDULE_TIMEZONE)),
            time_window=scheduler.TimeWindow.off(),
            # $LATEST-qualified: the role may invoke exactly that ARN, not "<arn>:*" (see Housekeeping).
            target=scheduler_targets.LambdaInvoke(
                erasure.latest_version,
                input=scheduler.ScheduleTargetInput.from_object({"scheduled_time": scheduler.ContextAttribute.scheduled_time}),
                retry_attempts=3,
                role=self.schedule_role,
                dead_letter_queue=self.schedule_dead_letter_queue.queue,
            ),
        )

    @property
    def dead_letter_queues(self) -> list[DeadLetterQueue]:
        return [self.schedule_dead_letter_queue, self.dead_letter_queue]
