"""The daily information-reminder schedule and the reminders function's narrow permissions."""

from __future__ import annotations

import json

import pytest

from shared.resources import REMINDER_SCHEDULE, REMINDERS_FUNCTION, SCHEDULE_TIMEZONE, TENANT_ROLE_NAME

pytestmark = pytest.mark.slow


def _logical_id(synthesised, resource_type: str, **properties) -> str:
    [logical_id] = [k for k, r in synthesised.resources(resource_type).items() if properties.items() <= r["Properties"].items()]
    return logical_id


def _statements(synthesised, role_logical_id: str) -> list[dict]:
    return [
        statement
        for policy in synthesised.resources("AWS::IAM::Policy").values()
        if {"Ref": role_logical_id} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def _actions(statement: dict) -> list[str]:
    return statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]


def test_a_daily_schedule_in_uk_time_invokes_only_the_reminders_function(synthesised):
    function = _logical_id(synthesised, "AWS::Lambda::Function", FunctionName=REMINDERS_FUNCTION.function_name)
    [schedule] = [
        r["Properties"] for r in synthesised.resources("AWS::Scheduler::Schedule").values()
        if r["Properties"]["ScheduleExpression"] == REMINDER_SCHEDULE
    ]
    assert schedule["ScheduleExpressionTimezone"] == SCHEDULE_TIMEZONE == "Europe/London"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert schedule["Target"]["RetryPolicy"]["MaximumRetryAttempts"] > 0
    assert json.loads(schedule["Target"]["Input"]) == {"scheduled_time": "<aws.scheduler.scheduled-time>"}
    assert schedule["Target"]["Arn"] == {"Fn::Join": ["", [{"Fn::GetAtt": [function, "Arn"]}, ":$LATEST"]]}
    # The schedule's role may invoke that function and otherwise only put an undeliverable run in its dead-letter queue.
    statements = _statements(synthesised, schedule["Target"]["RoleArn"]["Fn::GetAtt"][0])
    [statement] = [s for s in statements if "lambda:InvokeFunction" in _actions(s)]
    assert {action.split(":")[0] for s in statements for action in _actions(s)} == {"lambda", "sqs", "kms"}
    assert _actions(statement) == ["lambda:InvokeFunction"]
    assert statement["Resource"] == schedule["Target"]["Arn"]


def test_the_reminders_function_reaches_council_tables_only_through_the_council_data_role(synthesised):
    role = _logical_id(synthesised, "AWS::IAM::Role", Description=f"Execution role of {REMINDERS_FUNCTION.function_name}")
    statements = _statements(synthesised, role)
    actions = {action for statement in statements for action in _actions(statement)}
    assert {"sts:AssumeRole", "sts:TagSession", "ses:SendEmail"} <= actions
    assert not [action for action in actions if action.startswith(("dynamodb:", "s3:"))]
    [assume] = [s for s in statements if "sts:AssumeRole" in _actions(s)]
    assert assume["Resource"] == {"Fn::GetAtt": [_logical_id(synthesised, "AWS::IAM::Role", RoleName=TENANT_ROLE_NAME), "Arn"]}