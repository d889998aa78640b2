"""Step Functions state machines from the ASL files, and the nightly print-dispatch schedule."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import RemovalPolicy, Stack, TimeZone
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as scheduler_targets
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.constructs.monitoring import DeadLetterQueue
from shared.resources import (
    PRINT_DISPATCH_SCHEDULE,
    PRINT_DISPATCH_SCHEDULE_DLQ_NAME,
    PRINT_DISPATCH_TIMEZONE,
    WORKFLOWS,
    WORKFLOWS_BY_KEY,
    WorkflowKey,
    WorkflowSpec,
)

# Workflows that carry a case (started by ingest and the API); print dispatch is started by its schedule.
CASE_WORKFLOWS = tuple(workflow.key for workflow in WORKFLOWS if workflow.per_case)


def _pascal(key: str) -> str:
    return "".join(part.capitalize() for part in key.split("-"))


class Workflows(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        task_functions: Mapping[str, lambda_.IFunction],
        key: kms.IKey,
        log_retention: logs.RetentionDays,
    ) -> None:
        """`task_functions` maps an ASL placeholder (FunctionSpec.substitution_key) to the function it names."""
        super().__init__(scope, construct_id)

        self.state_machines: dict[WorkflowKey, sfn.StateMachine] = {}
        for spec in WORKFLOWS:
            name = _pascal(spec.key.value)
            # Substitute (and grant) only the task functions this definition references.
            used = {p: f for p, f in task_functions.items() if _references(spec, p)}
            log_group = logs.LogGroup(
                self,
                f"{name}Logs",
                # The /aws/vendedlogs/ prefix keeps the CloudWatch Logs resource policy small.
                log_group_name=f"/aws/vendedlogs/states/{spec.state_machine_name}",
                retention=log_retention,
                encryption_key=key,
                removal_policy=RemovalPolicy.RETAIN,
            )
            state_machine = sfn.StateMachine(
                self,
                name,
                state_machine_name=spec.state_machine_name,
                state_machine_type=sfn.StateMachineType.STANDARD,
                definition_body=sfn.DefinitionBody.from_file(str(spec.definition_path)),
                definition_substitutions={p: f.function_arn for p, f in used.items()} or None,
                # Every event is logged, without execution data: applications carry health information,
                # which stays in the (access-controlled) execution history and the case tables.
                logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=False),
                tracing_enabled=True,
            )
            # Invoke permission only for the functions this definition actually references, and only on
            # the unqualified ARN it uses (no ":*" version wildcard).
            if used:
                state_machine.add_to_role_policy(
                    iam.PolicyStatement(
                        actions=["lambda:InvokeFunction"], resources=[f.function_arn for f in used.values()]
                    )
                )
            self.state_machines[spec.key] = state_machine

        print_dispatch = self.state_machines[WorkflowKey.PRINT_DISPATCH]
        # The target grants the role states:StartExecution on the print-dispatch state machine and sqs:SendMessage
        # to the schedule's DLQ; the DLQ, the key actions for its encryption.
        self.print_schedule_role = scheduler_role(
            self, "PrintDispatchScheduleRole", description="Lets the print-dispatch schedule start the print-dispatch state machine"
        )
        self.print_schedule_dead_letter_queue = DeadLetterQueue(
            self,
            "PrintDispatchScheduleDeadLetterQueue",
            queue_name=PRINT_DISPATCH_SCHEDULE_DLQ_NAME,
            key=key,
            holds="Nightly print runs the scheduler could not start",
        )
        self.print_schedule_dead_letter_queue.grant_key_use(self.print_schedule_role)
        self.print_schedule = scheduler.Schedule(
            self,
            "PrintDispatchSchedule",
            schedule_name=WORKFLOWS_BY_KEY[WorkflowKey.PRINT_DISPATCH].state_machine_name,
            description="Starts the nightly print batch for the badge supplier",
            schedule=scheduler.ScheduleExpression.expression(PRINT_DISPATCH_SCHEDULE, TimeZone.of(PRINT_DISPATCH_TIMEZONE)),
            time_window=scheduler.TimeWindow.off(),
            target=scheduler_targets.StepFunctionsStartExecution(
                print_dispatch,
                input=scheduler.ScheduleTargetInput.from_object(
                    {"scheduled_time": scheduler.ContextAttribute.scheduled_time}
                ),
                role=self.print_schedule_role,
                retry_attempts=3,
                dead_letter_queue=self.print_schedule_dead_letter_queue.queue,
            ),
        )

    @property
    def case_workflows(self) -> list[sfn.StateMachine]:
        return [self.state_machines[key] for key in CASE_WORKFLOWS]


def scheduler_role(scope: Construct, construct_id: str, *, description: str) -> iam.Role:
    """A role for a schedule's target, assumable by EventBridge Scheduler for this account only."""
    return iam.Role(
        scope,
        construct_id,
        assumed_by=iam.ServicePrincipal("scheduler.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": Stack.of(scope).account}}),
        description=description,
    )


def _references(spec: WorkflowSpec, placeholder: str) -> bool:
    return "${" + placeholder + "}" in spec.definition_path.read_text(encoding="utf-8")
