"""Daily jobs that keep cases moving without a person: the reminder before missing information is due, and the badge
holders' reminder to renew before their badge expires."""

from __future__ import annotations

from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.constructs.schedules import KeptRuns, schedule_function
from shared.resources import (
    REMINDER_SCHEDULE, REMINDER_SCHEDULE_DLQ_NAME, REMINDERS_DLQ_NAME, REMINDERS_FUNCTION, RENEWAL_REMINDER_SCHEDULE,
    RENEWAL_REMINDER_SCHEDULE_DLQ_NAME, RENEWAL_REMINDERS_DLQ_NAME, RENEWAL_REMINDERS_FUNCTION,
)


class Housekeeping(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, reminders: lambda_.Function, renewal_reminders: lambda_.Function,
                 key: kms.IKey) -> None:
        super().__init__(scope, construct_id)
        # The council tables: through the council data role, as for the other functions (infra/constructs/tenancy.py).
        scheduled = schedule_function(
            self, "ReminderSchedule", function=reminders, spec=REMINDERS_FUNCTION, expression=REMINDER_SCHEDULE,
            description="Reminds applicants, once, before their missing information is due",
            kept=KeptRuns(key=key, schedule_queue_name=REMINDER_SCHEDULE_DLQ_NAME, failed_queue_name=REMINDERS_DLQ_NAME,
                          what="Daily reminder runs"),
        )
        # A scope of its own: each schedule's role and queues have the same construct ids.
        renewals = schedule_function(
            Construct(self, "Renewals"), "RenewalReminderSchedule", function=renewal_reminders, spec=RENEWAL_REMINDERS_FUNCTION,
            expression=RENEWAL_REMINDER_SCHEDULE, description="Reminds badge holders, once a badge, to renew 12 weeks before it expires",
            kept=KeptRuns(key=key, schedule_queue_name=RENEWAL_REMINDER_SCHEDULE_DLQ_NAME, failed_queue_name=RENEWAL_REMINDERS_DLQ_NAME,
                          what="Daily renewal reminder runs"),
        )
        self.reminder_schedule = scheduled.schedule
        self.renewal_reminder_schedule = renewals.schedule
        self.dead_letter_queues = [*scheduled.dead_letter_queues, *renewals.dead_letter_queues]
