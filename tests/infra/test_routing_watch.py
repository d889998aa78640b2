"""The ASC routing watch: a schedule every 15 minutes, council data only through the council data role, and one alarm
each on referrals near and past their routing target, on the alarm topic."""

from __future__ import annotations

import pytest

from infra.constructs.functions import METRICS_NAMESPACE
from shared.resources import (
    ASC_METRIC_DUE_SOON,
    ASC_METRIC_OVERDUE,
    ASC_ROUTING_WATCH_FUNCTION,
    ASC_ROUTING_WATCH_SCHEDULE,
    TENANT_ROLE_NAME,
    Env,
)
from tests.infra.test_housekeeping import _actions, _logical_id, _statements

pytestmark = pytest.mark.slow


def test_a_schedule_every_15_minutes_invokes_only_the_routing_watch_without_retries(synthesised):
    function = _logical_id(synthesised, "AWS::Lambda::Function", FunctionName=ASC_ROUTING_WATCH_FUNCTION.function_name)
    [schedule] = [r["Properties"] for r in synthesised.resources("AWS::Scheduler::Schedule").values()
                  if r["Properties"]["Name"] == ASC_ROUTING_WATCH_FUNCTION.function_name]
    assert schedule["ScheduleExpression"] == ASC_ROUTING_WATCH_SCHEDULE == "rate(15 minutes)"
    assert schedule["Target"]["Arn"] == {"Fn::Join": ["", [{"Fn::GetAtt": [function, "Arn"]}, ":$LATEST"]]}
    assert schedule["Target"]["RetryPolicy"]["MaximumRetryAttempts"] == 0 and "DeadLetterConfig" not in schedule["Target"]
    [statement] = _statements(synthesised, schedule["Target"]["RoleArn"]["Fn::GetAtt"][0])
    assert _actions(statement) == ["lambda:InvokeFunction"] and statement["Resource"] == schedule["Target"]["Arn"]


def test_the_routing_watch_reaches_council_tables_only_through_the_council_data_role(synthesised):
    role = _logical_id(synthesised, "AWS::IAM::Role", Description=f"Execution role of {ASC_ROUTING_WATCH_FUNCTION.function_name}")
    statements = _statements(synthesised, role)
    actions = {action for statement in statements for action in _actions(statement)}
    assert not [a for a in actions if a.startswith(("dynamodb:", "s3:", "states:", "ses:", "events:"))]
    [assume] = [s for s in statements if "sts:AssumeRole" in _actions(s)]
    assert assume["Resource"] == {"Fn::GetAtt": [_logical_id(synthesised, "AWS::IAM::Role", RoleName=TENANT_ROLE_NAME), "Arn"]}
    [function] = [r["Properties"] for r in synthesised.resources("AWS::Lambda::Function").values()
                  if r["Properties"].get("FunctionName") == ASC_ROUTING_WATCH_FUNCTION.function_name]
    assert Env.TENANT_ROLE_ARN.value in function["Environment"]["Variables"]


@pytest.mark.parametrize(("metric_name", "alarm_name", "says"), [
    (ASC_METRIC_DUE_SOON, "casework-asc-referrals-due-soon", "within 4 business hours of its routing target"),
    (ASC_METRIC_OVERDUE, "casework-asc-referrals-overdue", "passed its routing target"),
])
def test_one_alarm_on_the_alarm_topic_for_referrals_due_soon_and_one_for_overdue(synthesised, metric_name, alarm_name, says):
    [alarm] = [r["Properties"] for r in synthesised.resources("AWS::CloudWatch::Alarm").values()
               if r["Properties"].get("MetricName") == metric_name]
    assert alarm["AlarmName"] == alarm_name and says in alarm["AlarmDescription"]
    # The total over the councils (the function's own dimension); every run emits it, zero included.
    assert alarm["Namespace"] == METRICS_NAMESPACE
    assert alarm["Dimensions"] == [{"Name": "service", "Value": ASC_ROUTING_WATCH_FUNCTION.function_name}]
    assert alarm["Statistic"] == "Maximum" and alarm["Period"] == 1800 and alarm["EvaluationPeriods"] == 1
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold" and alarm["Threshold"] == 0
    topic = {"Ref": _logical_id(synthesised, "AWS::SNS::Topic", TopicName="casework-alarms")}
    assert alarm["AlarmActions"] == [topic] and alarm["OKActions"] == [topic]
