"""The daily information-reminder schedule and the reminders function's narrow permissions."""

from __future__ import annotations

import json

import pytest

from shared.resources import COUNCIL_TABLE_PREFIX, REMINDER_SCHEDULE, REMINDERS_FUNCTION, SCHEDULE_TIMEZONE

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
    # The schedule's role may invoke that function and nothing else.
    [statement] = _statements(synthesised, schedule["Target"]["RoleArn"]["Fn::GetAtt"][0])
    assert _actions(statement) == ["lambda:InvokeFunction"]
    assert statement["Resource"] == schedule["Target"]["Arn"]


def test_the_reminders_function_queries_and_writes_council_tables_and_sends_email_but_never_scans(synthesised):
    role = _logical_id(synthesised, "AWS::IAM::Role", Description=f"Execution role of {REMINDERS_FUNCTION.function_name}")
    statements = _statements(synthesised, role)
    actions = {action for statement in statements for action in _actions(statement)}
    assert {"dynamodb:Query", "dynamodb:PutItem", "ses:SendEmail", "kms:Decrypt"} <= actions
    assert not [action for action in actions if action.startswith("dynamodb:") and action not in ("dynamodb:Query", "dynamodb:PutItem")]
    # Only the council tables (by name prefix, with their indexes): not the unrouted or idempotency tables.
    [tables] = [s for s in statements if "dynamodb:Query" in _actions(s)]
    names = [json.dumps(resource).split(":table/")[1].split('"')[0] for resource in tables["Resource"]]
    assert names == [f"{COUNCIL_TABLE_PREFIX}*", f"{COUNCIL_TABLE_PREFIX}*/index/*"]
