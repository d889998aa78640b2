"""The response watch: a schedule every 15 minutes, council data only through the council data role, and for every
service that declares response targets one alarm on its cases near the target (before it is missed) and one on those
past it, on the alarm topic, each naming its runbook section."""

from __future__ import annotations

import pytest

from infra.constructs.dashboards import COUNCIL_DASHBOARD, COUNCIL_PLACEHOLDER, OVERVIEW_DASHBOARD
from infra.constructs.functions import METRICS_NAMESPACE
from infra.constructs.response_watch import RESPONSE_TARGETS, _warning_hours, response_alarm_names
from infra.constructs.service_alarms import RUNBOOK
from shared.core.domain.council import CouncilRegistry, load_councils
from shared.resources import (
    RESPONSE_WATCH_EVERY_MINUTES,
    RESPONSE_WATCH_FUNCTION,
    RESPONSE_WATCH_SCHEDULE,
    TENANT_ROLE_NAME,
    Env,
)
from shared.services.asc_triage.spec import ASC_TRIAGE
from shared.services.family_front_door.domain.settings import front_door_settings
from shared.services.family_front_door.spec import FAMILY_FRONT_DOOR
from shared.services.registry import SERVICES
from tests.infra.test_dashboards_and_alarms import _dashboards
from tests.infra.test_housekeeping import _actions, _logical_id, _statements

COUNCILS = load_councils()


def _alarms(synthesised) -> dict[str, dict]:
    return {r["Properties"]["AlarmName"]: r["Properties"] for r in synthesised.resources("AWS::CloudWatch::Alarm").values()}


@pytest.mark.slow
def test_a_schedule_every_15_minutes_invokes_only_the_response_watch_without_retries(synthesised):
    function = _logical_id(synthesised, "AWS::Lambda::Function", FunctionName=RESPONSE_WATCH_FUNCTION.function_name)
    [schedule] = [r["Properties"] for r in synthesised.resources("AWS::Scheduler::Schedule").values()
                  if r["Properties"]["Name"] == RESPONSE_WATCH_FUNCTION.function_name]
    assert schedule["ScheduleExpression"] == RESPONSE_WATCH_SCHEDULE == "rate(15 minutes)"
    assert schedule["Target"]["Arn"] == {"Fn::Join": ["", [{"Fn::GetAtt": [function, "Arn"]}, ":$LATEST"]]}
    assert schedule["Target"]["RetryPolicy"]["MaximumRetryAttempts"] == 0 and "DeadLetterConfig" not in schedule["Target"]
    [statement] = _statements(synthesised, schedule["Target"]["RoleArn"]["Fn::GetAtt"][0])
    assert _actions(statement) == ["lambda:InvokeFunction"] and statement["Resource"] == schedule["Target"]["Arn"]


@pytest.mark.slow
def test_the_response_watch_reaches_council_tables_only_through_the_council_data_role(synthesised):
    role = _logical_id(synthesised, "AWS::IAM::Role", Description=f"Execution role of {RESPONSE_WATCH_FUNCTION.function_name}")
    statements = _statements(synthesised, role)
    actions = {action for statement in statements for action in _actions(statement)}
    assert not [a for a in actions if a.startswith(("dynamodb:", "s3:", "states:", "ses:", "events:"))]
    [assume] = [s for s in statements if "sts:AssumeRole" in _actions(s)]
    assert assume["Resource"] == {"Fn::GetAtt": [_logical_id(synthesised, "AWS::IAM::Role", RoleName=TENANT_ROLE_NAME), "Arn"]}
    [function] = [r["Properties"] for r in synthesised.resources("AWS::Lambda::Function").values()
                  if r["Properties"].get("FunctionName") == RESPONSE_WATCH_FUNCTION.function_name]
    assert Env.TENANT_ROLE_ARN.value in function["Environment"]["Variables"]


@pytest.mark.slow
@pytest.mark.parametrize(("spec", "due_soon_says", "overdue_says"), [
    (ASC_TRIAGE, "a referral is within 4 business hours of its routing target", "a referral has passed its routing target"),
    (FAMILY_FRONT_DOOR, "a contact is within 1 business hour of its level of need's response target",
     "a contact has passed its level of need's response target"),
])
def test_each_watched_service_has_an_alarm_before_its_target_is_missed_and_one_after(synthesised, spec, due_soon_says, overdue_says):
    alarms = _alarms(synthesised)
    due_soon_name, overdue_name = response_alarm_names(spec)
    assert (due_soon_name, overdue_name) == (f"casework-{spec.key}-cases-due-soon", f"casework-{spec.key}-cases-overdue")
    topic = {"Ref": _logical_id(synthesised, "AWS::SNS::Topic", TopicName="casework-alarms")}
    for name, metric_name, says in ((due_soon_name, "CasesDueSoon", due_soon_says), (overdue_name, "CasesOverdue", overdue_says)):
        alarm = alarms[name]
        # The service's total over its councils (dimension scheme alone): every run emits it, zero included.
        assert (alarm["Namespace"], alarm["MetricName"]) == (METRICS_NAMESPACE, metric_name)
        assert alarm["Dimensions"] == [{"Name": "scheme", "Value": spec.key}]
        assert alarm["Statistic"] == "Maximum" and alarm["Period"] == 2 * RESPONSE_WATCH_EVERY_MINUTES * 60
        assert alarm["EvaluationPeriods"] == 1 and alarm["TreatMissingData"] == "notBreaching"
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold" and alarm["Threshold"] == 0
        assert says in alarm["AlarmDescription"] and spec.name in alarm["AlarmDescription"]
        assert f"Runbook: {RUNBOOK}#{RESPONSE_TARGETS.anchor}" in alarm["AlarmDescription"]
        assert alarm["AlarmActions"] == [topic] and alarm["OKActions"] == [topic]


@pytest.mark.slow
def test_the_dashboards_show_every_watched_service_by_council_and_its_alarms(synthesised):
    dashboards = _dashboards(synthesised)
    for name in ("casework", OVERVIEW_DASHBOARD, COUNCIL_DASHBOARD):
        widgets = [w["properties"] for w in dashboards[name]["widgets"] if w["type"] == "metric"]
        # One line per service and council from one SEARCH each: a service declaring a watch shows up with nothing to add.
        [graph] = [w for w in widgets if "response target" in w.get("title", "")]
        expressions = [item for line in graph["metrics"] for item in line if isinstance(item, dict) and "expression" in item]
        assert [e["expression"].split("'")[1] for e in expressions] == [
            '{Casework,council,scheme} MetricName="CasesDueSoon"' + (f' council="{COUNCIL_PLACEHOLDER}"' if name == COUNCIL_DASHBOARD else ""),
            '{Casework,council,scheme} MetricName="CasesOverdue"' + (f' council="{COUNCIL_PLACEHOLDER}"' if name == COUNCIL_DASHBOARD else "")]
        assert all("${PROP('Dim.scheme')}" in e["label"] for e in expressions), name
    for name in ("casework", OVERVIEW_DASHBOARD):  # the alarms' states beside the others'
        [status] = [w["properties"] for w in dashboards[name]["widgets"]
                    if w["type"] == "alarm" and w["properties"]["title"].startswith("Response targets")]
        assert len(status["alarms"]) == 2 * len([spec for spec in SERVICES if spec.response_watch is not None]) == 4


def test_the_runbook_has_the_section_the_alarms_name():
    from shared.resources import PROJECT_ROOT

    headings = {line[3:].strip() for line in (PROJECT_ROOT / RUNBOOK).read_text(encoding="utf-8").splitlines() if line.startswith("## ")}
    assert RESPONSE_TARGETS.title in headings
    assert RESPONSE_TARGETS.anchor == "cases-near-or-past-their-response-target"


def test_a_warning_no_longer_than_one_run_of_the_watch_is_refused_as_the_alarm_could_miss_it():
    northshire = COUNCILS.get("NORTHSHIRE")

    def warned(hours: float) -> CouncilRegistry:
        settings = front_door_settings(northshire).model_copy(update={"warn_within_hours": hours})
        return CouncilRegistry([northshire.model_copy(update={"services": {**northshire.services, "family-front-door": settings}})])

    assert _warning_hours(FAMILY_FRONT_DOOR, COUNCILS) == "1"
    assert _warning_hours(FAMILY_FRONT_DOOR, warned(0.5)) == "0.5"
    with pytest.raises(ValueError, match="NORTHSHIRE family-front-door warn_within_hours: 0.25 business hours is within one run"):
        _warning_hours(FAMILY_FRONT_DOOR, warned(RESPONSE_WATCH_EVERY_MINUTES / 60))
    mixed = CouncilRegistry([*warned(2), COUNCILS.get("VALEWYE")])
    assert _warning_hours(FAMILY_FRONT_DOOR, mixed) == "1 to 2"
