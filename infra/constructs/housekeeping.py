"""Daily jobs that keep cases moving without a person: the reminder before missing information is due."""

from __future__ import annotations

from aws_cdk import TimeZone
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as scheduler_targets
from constructs import Construct

from infra.constructs.monitoring import DeadLetterQueue
from infra.constructs.workflows import scheduler_role
from shared.resources import (
    REMINDER_SCHEDULE,
    REMINDER_SCHEDULE_DLQ_NAME,
    REMINDERS_DLQ_NAME,
    REMINDERS_FUNCTION,
    SCHEDULE_TIMEZONE,
)


class Housekeeping(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, reminders: lambda_.Function, key: kms.IKey) -> None:
        super().__init__(scope, construct_id)
        # The council tables: through the council data role, as for the other functions (infra/constructs/tenancy.py).
        # A run the scheduler cannot start waits in one DLQ; a run that fails (the scheduler invokes asynchronously),
        # after Lambda's retries, in the other.
        self.schedule_dead_letter_queue = DeadLetterQueue(
            self, "ScheduleDeadLetterQueue", queue_name=REMINDER_SCHEDULE_DLQ_NAME, key=key,
            holds="Daily reminder runs the scheduler could not start",
        )
        self.dead_letter_queue = DeadLetterQueue(
            self, "DeadLetterQueue", queue_name=REMINDERS_DLQ_NAME, key=key, holds="Daily reminder runs that failed every retry",
        )
        self.dead_letter_queue.keep_failed_invocations(reminders)
        # The target grants the role lambda:InvokeFunction and sqs:SendMessage to the DLQ; the DLQ, its key actions.
        self.schedule_role = scheduler_role(self, "ScheduleRole", description="Lets the reminder schedule invoke the reminders function")
        self.schedule_dead_letter_queue.grant_key_use(self.schedule_role)
        self.reminder_schedule = scheduler.Schedule(
            self,
            "ReminderSchedule",
            schedule_name=REMINDERS_FUNCTION.function_name,
            description="Reminds applicants, once, before their missing information is due",
            schedule=scheduler.ScheduleExpression.expression(REMINDER_SCHEDULE, TimeZone.of(SCHEDULE_TIMEZONE)),
            time_window=scheduler.TimeWindow.off(),
            # $LATEST-qualified, so the target's role may invoke exactly that ARN: for the unqualified
            # function CDK would also grant "<arn>:*" (every version and alias), a wildcard cdk-nag refuses.
            target=scheduler_targets.LambdaInvoke(
                reminders.latest_version,
                input=scheduler.ScheduleTargetInput.from_object({"scheduled_time": scheduler.ContextAttribute.scheduled_time}),
                retry_attempts=3,
                role=self.schedule_role,
                dead_letter_queue=self.schedule_dead_letter_queue.queue,
            ),
        )
