"""The resume sweeper: a schedule every few minutes, and permissions to complete waiting workflow tasks, nothing more."""

from __future__ import annotations

import pytest

from shared.resources import RESUME_SWEEP_SCHEDULE, RESUME_SWEEPER_FUNCTION, TENANT_ROLE_NAME, WORKFLOWS, WorkflowKey
from tests.infra.test_housekeeping import _actions, _logical_id, _statements

pytestmark = pytest.mark.slow


def test_a_schedule_every_few_minutes_invokes_only_the_sweeper(synthesised):
    function = _logical_id(synthesised, "AWS::Lambda::Function", FunctionName=RESUME_SWEEPER_FUNCTION.function_name)
    [schedule] = [r["Properties"] for r in synthesised.resources("AWS::Scheduler::Schedule").values()
                  if r["Properties"]["ScheduleExpression"] == RESUME_SWEEP_SCHEDULE]
    assert schedule["Target"]["Arn"] == {"Fn::Join": ["", [{"Fn::GetAtt": [function, "Arn"]}, ":$LATEST"]]}
    [statement] = _statements(synthesised, schedule["Target"]["RoleArn"]["Fn::GetAtt"][0])
    assert _actions(statement) == ["lambda:InvokeFunction"] and statement["Resource"] == schedule["Target"]["Arn"]


def test_the_sweeper_completes_case_workflow_tasks_and_reaches_council_tables_only_through_the_council_data_role(synthesised):
    role = _logical_id(synthesised, "AWS::IAM::Role", Description=f"Execution role of {RESUME_SWEEPER_FUNCTION.function_name}")
    statements = _statements(synthesised, role)
    actions = {action for statement in statements for action in _actions(statement)}
    assert "states:SendTaskSuccess" in actions and not [a for a in actions if a.startswith(("dynamodb:", "s3:", "states:Start"))]
    resumable = {s["Resource"]["Ref"] for s in statements if "states:SendTaskSuccess" in _actions(s)}
    assert resumable == {_logical_id(synthesised, "AWS::StepFunctions::StateMachine", StateMachineName=spec.state_machine_name)
                         for spec in WORKFLOWS if spec.key is not WorkflowKey.PRINT_DISPATCH}
    [assume] = [s for s in statements if "sts:AssumeRole" in _actions(s)]
    assert assume["Resource"] == {"Fn::GetAtt": [_logical_id(synthesised, "AWS::IAM::Role", RoleName=TENANT_ROLE_NAME), "Arn"]}
