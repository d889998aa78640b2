"""Daily jobs that keep cases moving without a person: the reminder before missing information is due."""

from __future__ import annotations

from aws_cdk import TimeZone
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as scheduler_targets
from constructs import Construct

from infra.constructs.storage import council_tables_statement
from shared.resources import REMINDER_SCHEDULE, REMINDERS_FUNCTION, SCHEDULE_TIMEZONE

# All the reminders do in a council table: Query the stage index, save the case with its audit entry (a
# transaction of two Puts; IAM has no TransactWriteItems action, each Put is authorised as PutItem) and
# append the notification's audit entry (PutItem). No Scan, no GetItem, no Update or Delete.
REMINDER_TABLE_ACTIONS = ("dynamodb:PutItem", "dynamodb:Query")


class Housekeeping(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, reminders: lambda_.Function) -> None:
        super().__init__(scope, construct_id)
        # The council tables by name prefix, as for the other functions, with only the actions above.
        reminders.add_to_role_policy(
            iam.PolicyStatement(actions=list(REMINDER_TABLE_ACTIONS), resources=council_tables_statement(self).resources)
        )
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
            ),
        )
