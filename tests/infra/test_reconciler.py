"""The reconciler: an hourly schedule, the Step Functions permissions to read, start and stop case executions, and the
alarms on executions that end badly and on the cases it flags."""

from __future__ import annotations

import pytest

from infra.constructs.reconciler import EXECUTION_ACTIONS
from shared.resources import (
    RECONCILE_SCHEDULE,
    RECONCILER_FUNCTION,
    RECONCILER_METRIC_FLAGGED,
    TENANT_ROLE_NAME,
    WORKFLOWS,
    WorkflowKey,
)
from tests.infra.test_housekeeping import _actions, _logical_id, _statements

pytestmark = pytest.mark.slow

CASE_WORKFLOWS = [spec for spec in WORKFLOWS if spec.key is not WorkflowKey.PRINT_DISPATCH]


def test_an_hourly_schedule_invokes_only_the_reconciler(synthesised):
    function = _logical_id(synthesised, "AWS::Lambda::Function", FunctionName=RECONCILER_FUNCTION.function_name)
    [schedule] = [r["Properties"] for r in synthesised.resources("AWS::Scheduler::Schedule").values()
                  if r["Properties"]["ScheduleExpression"] == RECONCILE_SCHEDULE]
    assert schedule["Target"]["Arn"] == {"Fn::Join": ["", [{"Fn::GetAtt": [function, "Arn"]}, ":$LATEST"]]}
    [statement] = _statements(synthesised, schedule["Target"]["RoleArn"]["Fn::GetAtt"][0])
    assert _actions(statement) == ["lambda:InvokeFunction"] and statement["Resource"] == schedule["Target"]["Arn"]


def test_the_reconciler_reads_starts_and_stops_case_executions_and_reaches_council_tables_only_through_the_council_data_role(
    synthesised,
):
    role = _logical_id(synthesised, "AWS::IAM::Role", Description=f"Execution role of {RECONCILER_FUNCTION.function_name}")
    statements = _statements(synthesised, role)
    actions = {action for statement in statements for action in _actions(statement)}
    assert not [a for a in actions if a.startswith(("dynamodb:", "s3:"))]
    startable = {s["Resource"]["Ref"] for s in statements if "states:StartExecution" in _actions(s)}
    assert startable == {_logical_id(synthesised, "AWS::StepFunctions::StateMachine", StateMachineName=spec.state_machine_name)
                         for spec in CASE_WORKFLOWS}
    [executions] = [s for s in statements if _actions(s) == sorted(EXECUTION_ACTIONS) or _actions(s) == EXECUTION_ACTIONS]
    resources = executions["Resource"] if isinstance(executions["Resource"], list) else [executions["Resource"]]
    named = [str(resource) for resource in resources]
    assert len(named) == len(CASE_WORKFLOWS)
    assert all(any(f":execution:{spec.state_machine_name}:*" in arn for arn in named) for spec in CASE_WORKFLOWS)
    [assume] = [s for s in statements if "sts:AssumeRole" in _actions(s)]
    assert assume["Resource"] == {"Fn::GetAtt": [_logical_id(synthesised, "AWS::IAM::Role", RoleName=TENANT_ROLE_NAME), "Arn"]}


def test_every_workflow_alarms_on_failed_timed_out_and_aborted_executions(synthesised):
    alarms = [r["Properties"] for r in synthesised.resources("AWS::CloudWatch::Alarm").values()]
    for spec in WORKFLOWS:
        for metric in ("ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"):
            [alarm] = [a for a in alarms if a.get("MetricName") == metric and a["Namespace"] == "AWS/States"
                       and a["Dimensions"][0]["Value"]["Ref"] == _logical_id(
                           synthesised, "AWS::StepFunctions::StateMachine", StateMachineName=spec.state_machine_name)]
            assert alarm["AlarmActions"] and alarm["Threshold"] == 0


def test_cases_flagged_by_the_reconciler_raise_an_alarm(synthesised):
    [alarm] = [r["Properties"] for r in synthesised.resources("AWS::CloudWatch::Alarm").values()
               if r["Properties"].get("MetricName") == RECONCILER_METRIC_FLAGGED]
    assert alarm["Dimensions"] == [{"Name": "service", "Value": RECONCILER_FUNCTION.function_name}]
    assert alarm["Statistic"] == "Sum" and alarm["Threshold"] == 0 and alarm["AlarmActions"] and alarm["OKActions"]
