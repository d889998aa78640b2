"""The reconciler's schedule, its Step Functions permissions and the alarm on the cases it flags: it checks the cases at a
person's step against their workflow executions (shared/core/logic/reconciler.py)."""

from __future__ import annotations

from aws_cdk import ArnFormat, Duration, Stack
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from constructs import Construct

from infra.constructs.functions import METRICS_NAMESPACE
from infra.constructs.monitoring import notifying_alarm
from infra.constructs.schedules import schedule_function
from infra.constructs.workflows import CASE_WORKFLOWS
from infra.nag import NAG, acknowledge
from shared.resources import RECONCILE_SCHEDULE, RECONCILER_FUNCTION, RECONCILER_METRIC_FLAGGED, WORKFLOWS_BY_KEY

# What it reads of an execution, and the renewal's stop (StartExecution comes with WORKFLOW_ARNS, as for every starter).
EXECUTION_ACTIONS = ["states:DescribeExecution", "states:GetExecutionHistory", "states:StopExecution"]


class Reconciler(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, reconciler: lambda_.Function, alarm_topic: sns.ITopic, dashboard: cw.Dashboard,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        # By name (a concrete string, as the acknowledgements need), not the state machines' tokens.
        names = [WORKFLOWS_BY_KEY[key].state_machine_name for key in CASE_WORKFLOWS]
        executions = [stack.format_arn(service="states", resource="execution", arn_format=ArnFormat.COLON_RESOURCE_NAME,
                                       resource_name=f"{name}:*") for name in names]
        reconciler.add_to_role_policy(iam.PolicyStatement(actions=EXECUTION_ACTIONS, resources=executions))
        for name in names:
            acknowledge(
                reconciler.role,
                f"{NAG}-IAM5[Resource::arn:<AWS::Partition>:states:{stack.region}:<AWS::AccountId>:execution:{name}:*]",
                "Executions are named after cases at run time (<case id>, <case id>--r<n>), so the grant covers the "
                "executions of one case workflow: describe, read history and stop only.",
            )
        # No retries and no dead-letter queue, as the resume sweeper: the next run is the retry.
        self.schedule = schedule_function(
            self, "Schedule", function=reconciler, spec=RECONCILER_FUNCTION, expression=RECONCILE_SCHEDULE,
            description="Starts again the case workflows that stopped; flags cases out of step with their workflow",
        ).schedule
        self.flagged_alarm = notifying_alarm(
            self, "FlaggedAlarm", topic=alarm_topic, name="cases-out-of-step-with-workflow",
            metric=cw.Metric(namespace=METRICS_NAMESPACE, metric_name=RECONCILER_METRIC_FLAGGED,
                             dimensions_map={"service": RECONCILER_FUNCTION.function_name}, period=Duration.hours(1), statistic="Sum"),
            description="The reconciler flagged cases whose workflow is out of step with them: each needs a person",
        )
        dashboard.add_widgets(cw.AlarmStatusWidget(title="Workflow reconciler", alarms=[self.flagged_alarm], width=8, height=3))
