"""A Lambda function run on an EventBridge Scheduler schedule: the one shape the reminders, the erasure run, the resume
sweeper and the reconciler share, so each says only what differs (when, and whether a failed run is kept)."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import TimeZone
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as scheduler_targets
from constructs import Construct

from infra.constructs.monitoring import DeadLetterQueue
from infra.constructs.workflows import scheduler_role
from shared.resources import SCHEDULE_TIMEZONE, FunctionSpec


@dataclass(frozen=True)
class KeptRuns:
    """A daily run that must not be lost: a run the scheduler cannot start waits in one queue, and a run that fails
    every retry (the scheduler invokes asynchronously) in the other."""

    key: kms.IKey
    schedule_queue_name: str
    failed_queue_name: str
    what: str  # e.g. "Daily reminder runs", for the queues' alarms


@dataclass(frozen=True)
class ScheduledFunction:
    schedule: scheduler.Schedule
    dead_letter_queues: list[DeadLetterQueue]


def schedule_function(
    scope: Construct, schedule_id: str, *, function: lambda_.Function, spec: FunctionSpec, expression: str, description: str,
    kept: KeptRuns | None = None,
) -> ScheduledFunction:
    """Without `kept`, no retries and no dead-letter queue: what the run works on stays in the tables and the next run
    (minutes later) is the retry. With it, UK local time, the schedule's time as input, 3 retries and both queues."""
    role = scheduler_role(scope, "ScheduleRole", description=f"Lets the {spec.function_name} schedule invoke it")
    queues: list[DeadLetterQueue] = []
    if kept is not None:
        queues = [
            DeadLetterQueue(scope, "ScheduleDeadLetterQueue", queue_name=kept.schedule_queue_name, key=kept.key,
                            holds=f"{kept.what} the scheduler could not start"),
            DeadLetterQueue(scope, "DeadLetterQueue", queue_name=kept.failed_queue_name, key=kept.key,
                            holds=f"{kept.what} that failed every retry"),
        ]
        queues[1].keep_failed_invocations(function)
        queues[0].grant_key_use(role)
    schedule = scheduler.Schedule(
        scope,
        schedule_id,
        schedule_name=spec.function_name,
        description=description,
        schedule=scheduler.ScheduleExpression.expression(expression, TimeZone.of(SCHEDULE_TIMEZONE) if kept else None),
        time_window=scheduler.TimeWindow.off(),
        # $LATEST-qualified, so the role may invoke exactly that ARN: for the unqualified function CDK would also grant
        # "<arn>:*" (every version and alias), a wildcard cdk-nag refuses. The target grants lambda:InvokeFunction and,
        # with a dead-letter queue, sqs:SendMessage to it.
        target=scheduler_targets.LambdaInvoke(
            function.latest_version,
            input=scheduler.ScheduleTargetInput.from_object({"scheduled_time": scheduler.ContextAttribute.scheduled_time}) if kept else None,
            retry_attempts=3 if kept else 0,
            role=role,
            dead_letter_queue=queues[0].queue if kept else None,
        ),
    )
    return ScheduledFunction(schedule, queues)
