"""The resume sweeper's schedule and its one Step Functions permission: it completes the waiting tasks of the case
workflows (SendTaskSuccess) for steps people recorded whose resume was not taken at the time."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.constructs.schedules import schedule_function
from shared.resources import RESUME_SWEEP_SCHEDULE, RESUME_SWEEPER_FUNCTION


class ResumeSweeper(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, sweeper: lambda_.Function, case_workflows: Sequence[sfn.StateMachine],
    ) -> None:
        super().__init__(scope, construct_id)
        for state_machine in case_workflows:
            state_machine.grant_task_response(sweeper)
        # No retries and no dead-letter queue: what is owed stays in the council tables, and the next run is the retry.
        self.schedule = schedule_function(
            self, "Schedule", function=sweeper, spec=RESUME_SWEEPER_FUNCTION, expression=RESUME_SWEEP_SCHEDULE,
            description="Resumes case workflows that missed the resume of a step people recorded",
        ).schedule
