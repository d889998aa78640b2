"""The daily renewal-reminder schedule and the renewal reminders function's narrow permissions."""

from __future__ import annotations

import json

import pytest

from shared.resources import RENEWAL_REMINDER_SCHEDULE, RENEWAL_REMINDERS_FUNCTION, SCHEDULE_TIMEZONE, TENANT_ROLE_NAME
from tests.infra.test_housekeeping import _actions, _logical_id, _statements

pytestmark = pytest.mark.slow


def test_a_daily_schedule_in_uk_time_invokes_only_the_renewal_reminders_function(synthesised):
    function = _logical_id(synthesised, "AWS::Lambda::Function", FunctionName=RENEWAL_REMINDERS_FUNCTION.function_name)
    [schedule] = [
        r["Properties"] for r in synthesised.resources("AWS::Scheduler::Schedule").values()
        if r["Properties"]["ScheduleExpression"] == RENEWAL_REMINDER_SCHEDULE
    ]
    assert schedule["ScheduleExpressionTimezone"] == SCHEDULE_TIMEZONE
    assert schedule["Target"]["RetryPolicy"]["MaximumRetryAttempts"] > 0
    assert json.loads(schedule["Target"]["Input"]) == {"scheduled_time": "<aws.scheduler.scheduled-time>"}
    assert schedule["Target"]["Arn"] == {"Fn::Join": ["", [{"Fn::GetAtt": [function, "Arn"]}, ":$LATEST"]]}
    statements = _statements(synthesised, schedule["Target"]["RoleArn"]["Fn::GetAtt"][0])
    assert {action.split(":")[0] for s in statements for action in _actions(s)} == {"lambda", "sqs", "kms"}
    [invoke] = [s for s in statements if "lambda:InvokeFunction" in _actions(s)]
    assert _actions(invoke) == ["lambda:InvokeFunction"] and invoke["Resource"] == schedule["Target"]["Arn"]


def test_the_renewal_reminders_reach_council_tables_only_through_the_council_data_role(synthesised):
    role = _logical_id(synthesised, "AWS::IAM::Role", Description=f"Execution role of {RENEWAL_REMINDERS_FUNCTION.function_name}")
    statements = _statements(synthesised, role)
    actions = {action for statement in statements for action in _actions(statement)}
    assert {"sts:AssumeRole", "sts:TagSession", "ses:SendEmail"} <= actions
    assert not [action for action in actions if action.startswith(("dynamodb:", "s3:", "states:"))]
    [assume] = [s for s in statements if "sts:AssumeRole" in _actions(s)]
    assert assume["Resource"] == {"Fn::GetAtt": [_logical_id(synthesised, "AWS::IAM::Role", RoleName=TENANT_ROLE_NAME), "Arn"]}
