"""The service dashboards and alarms, on the synthesised templates: every business metric a widget or an alarm reads is
a series the code emits (the catalogue's name and exact dimensions), each new alarm is there with its threshold and
names a runbook section that exists, and the council dashboard offers every council."""

from __future__ import annotations

import json
import re

import pytest

from infra.constructs.dashboards import COUNCIL_DASHBOARD, COUNCIL_PLACEHOLDER, OVERVIEW_DASHBOARD
from infra.constructs.response_watch import RESPONSE_TARGETS, response_alarm_names, watched_services
from infra.constructs.service_alarms import (
    ATTENTION_MAX_AGE_HOURS,
    PARKED_MAX_AGE_HOURS,
    PRINT_NIGHT_GRACE_HOURS,
    RESULTS_PERIOD,
    RUNBOOK,
    SECTIONS,
    SUPPLIER_RESULTS_WITHIN_DAYS,
    council_alarm_names,
)
from shared.core.adapters.metrics import all_metrics
from shared.core.domain.council import load_councils
from shared.core.domain.metrics import NAMESPACE
from shared.resources import PROJECT_ROOT

pytestmark = pytest.mark.slow
SEARCH = re.compile(r"SEARCH\('\{([^}]*)\} MetricName=\"(\w+)\"")


def _text(value) -> str:
    """A template value as text, with CloudFormation functions (region, account) as placeholders."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(_text(part) for part in parts)
    return "<token>"


def _dashboards(synthesised) -> dict[str, dict]:
    return {resource["Properties"]["DashboardName"]: json.loads(_text(resource["Properties"]["DashboardBody"]))
            for resource in synthesised.resources("AWS::CloudWatch::Dashboard").values()}


def _all_alarms(synthesised) -> dict[str, dict]:
    alarms = {r["Properties"]["AlarmName"]: r["Properties"] for r in synthesised.resources("AWS::CloudWatch::Alarm").values()}
    alarms.update({r["Properties"]["AlarmName"]: r["Properties"] for r in synthesised.shard_resources("AWS::CloudWatch::Alarm").values()})
    return alarms


def _series_of_dashboard(body: dict) -> set[tuple[str, frozenset[str]]]:
    """(metric name, dimension names) of every business metric a dashboard's widgets read."""
    found = set()
    for widget in body["widgets"]:
        for line in widget.get("properties", {}).get("metrics", []):
            for item in line:
                if isinstance(item, dict) and "expression" in item:
                    for schema, name in SEARCH.findall(item["expression"]):
                        namespace, *dimensions = schema.split(",")
                        if namespace == NAMESPACE:
                            found.add((name, frozenset(dimensions)))
            if line and line[0] == NAMESPACE:  # ["Casework", name, dim, value, dim, value, ..., {options}]
                plain = [item for item in line[2:] if isinstance(item, str)]
                found.add((line[1], frozenset(plain[0::2])))
    return found


def _series_of_alarm(alarm: dict) -> set[tuple[str, frozenset[str]]]:
    metrics = [alarm] if "MetricName" in alarm else [query["MetricStat"]["Metric"] for query in alarm.get("Metrics", []) if "MetricStat" in query]
    return {(metric["MetricName"], frozenset(d["Name"] for d in metric.get("Dimensions", [])))
            for metric in metrics if metric.get("Namespace") == NAMESPACE}


def test_the_overview_and_the_council_dashboard_exist_with_plain_titles(synthesised):
    dashboards = _dashboards(synthesised)
    assert {OVERVIEW_DASHBOARD, COUNCIL_DASHBOARD} <= set(dashboards)
    assert "casework" in dashboards  # the plumbing's dashboard stays
    for name in (OVERVIEW_DASHBOARD, COUNCIL_DASHBOARD):
        graphs = [w for w in dashboards[name]["widgets"] if w["type"] == "metric"]
        assert len(graphs) >= 8, name
        for widget in graphs:
            title = widget["properties"]["title"]
            assert title[0].isupper() and not re.search(r"[a-z][A-Z]", title), title  # words, not metric names


def test_every_business_metric_a_widget_or_an_alarm_reads_is_one_the_code_emits(synthesised):
    emitted = all_metrics().series()
    read = set()
    for body in _dashboards(synthesised).values():
        read |= _series_of_dashboard(body)
    for alarm in _all_alarms(synthesised).values():
        read |= _series_of_alarm(alarm)
    assert len(read) >= 20
    assert read - emitted == set()
    # And the service dashboards show every metric of the catalogue.
    shown = {name for body in _dashboards(synthesised).values() for name, _ in _series_of_dashboard(body)}
    assert {metric.name for metric in all_metrics()} - shown == set()


def test_the_council_dashboard_lists_the_councils_from_their_metrics_and_swaps_the_code_in_every_search(synthesised):
    body = _dashboards(synthesised)[COUNCIL_DASHBOARD]
    [variable] = body["variables"]
    assert variable["type"] == "pattern" and variable["pattern"] == COUNCIL_PLACEHOLDER and variable["defaultValue"] == "__FIRST"
    # The choices come from a metric every council emits every hour: no council is named in the parent stack.
    assert variable["search"] == '{Casework,council} MetricName="ParkedApplicationsWaiting"' and variable["populateFrom"] == "council"
    assert ("ParkedApplicationsWaiting", frozenset({"council"})) in all_metrics().series()
    searches = [item["expression"] for widget in body["widgets"] for line in widget.get("properties", {}).get("metrics", [])
                for item in line if isinstance(item, dict) and "expression" in item]
    assert len(searches) >= 10 and all(f'council="{COUNCIL_PLACEHOLDER}"' in search for search in searches)
    everything = json.dumps(_dashboards(synthesised))
    assert not [council.code for council in load_councils() if council.code in everything]


def test_each_council_has_its_service_alarms_in_its_shard_with_the_thresholds(synthesised):
    alarms = _all_alarms(synthesised)
    for council in load_councils():
        stem = f"casework-{council.code.lower()}"
        shard_alarms = {r["Properties"]["AlarmName"]: r["Properties"] for r in synthesised.shard_of(council.code).resources("AWS::CloudWatch::Alarm").values()}
        assert set(council_alarm_names(council)) <= set(shard_alarms)
        quiet = alarms[f"{stem}-no-applications"]
        # Working-day aware: the reconciler's hourly reading of working hours since the newest application.
        assert (quiet["MetricName"], quiet["Dimensions"]) == ("WorkingHoursWithoutApplications", [{"Name": "council", "Value": council.code}])
        assert quiet["Statistic"] == "Maximum" and quiet["Period"] == 3600 and quiet["EvaluationPeriods"] == 1
        assert quiet["ComparisonOperator"] == "GreaterThanThreshold" and quiet["Threshold"] == council.no_applications_alarm_hours
        assert quiet["TreatMissingData"] == "notBreaching" and "bank holidays not counted" in quiet["AlarmDescription"]
        parked = alarms[f"{stem}-parked-applications-waiting"]
        assert (parked["MetricName"], parked["Statistic"], parked["Threshold"]) == ("OldestParkedApplicationHours", "Maximum", PARKED_MAX_AGE_HOURS)
        attention = alarms[f"{stem}-cases-needing-attention"]
        assert (attention["MetricName"], attention["Threshold"]) == ("OldestCaseNeedingAttentionHours", ATTENTION_MAX_AGE_HOURS)
        late = alarms[f"{stem}-decision-target-missed"]
        assert late["MetricName"] == "DecisionsMade" and late["Statistic"] == "Sum" and late["Threshold"] == 0
        assert {d["Name"]: d["Value"] for d in late["Dimensions"]} == {"council": council.code, "timeliness": "PAST_TARGET"}
        for name in council_alarm_names(council):
            assert alarms[name]["AlarmActions"] and alarms[name]["OKActions"], name  # tell the topic


def test_a_council_without_a_daily_intake_has_no_applications_alarm():
    council = next(iter(load_councils())).model_copy(update={"no_applications_alarm_hours": None})
    assert not [name for name in council_alarm_names(council) if name.endswith("no-applications")]


def test_the_print_night_and_the_suppliers_results_are_alarmed_when_they_stop(synthesised):
    alarms = _all_alarms(synthesised)
    night = alarms["casework-print-batch-not-delivered"]
    assert (night["MetricName"], night.get("Dimensions", [])) == ("PrintBatchesCompleted", [])
    assert night["EvaluationPeriods"] == night["DatapointsToAlarm"] == 24 + PRINT_NIGHT_GRACE_HOURS and night["Period"] == 3600
    assert night["ComparisonOperator"] == "LessThanThreshold" and night["TreatMissingData"] == "breaching"
    results = alarms["casework-no-supplier-results"]
    assert (results["MetricName"], results.get("Dimensions", [])) == ("ResultFilesApplied", [])
    assert results["EvaluationPeriods"] * results["Period"] == SUPPLIER_RESULTS_WITHIN_DAYS * 86400
    assert results["Period"] == RESULTS_PERIOD.to_seconds()


def test_each_new_alarm_names_a_runbook_section_that_exists(synthesised):
    runbook = (PROJECT_ROOT / RUNBOOK).read_text(encoding="utf-8")
    headings = {line[3:].strip() for line in runbook.splitlines() if line.startswith("## ")}
    assert {section.title for section in (*SECTIONS, RESPONSE_TARGETS)} <= headings
    alarms = _all_alarms(synthesised)
    expected = {"casework-print-batch-not-delivered", "casework-no-supplier-results",
                *(name for council in load_councils() for name in council_alarm_names(council)),
                *(name for spec in watched_services() for name in response_alarm_names(spec))}
    assert {name for name, alarm in alarms.items() if "Runbook:" in alarm.get("AlarmDescription", "")} == expected
    service_alarms = [alarms[name] for name in expected]
    anchors = {section.anchor for section in (*SECTIONS, RESPONSE_TARGETS)}
    for alarm in service_alarms:
        [anchor] = re.findall(rf"Runbook: {re.escape(RUNBOOK)}#([a-z-]+)", alarm["AlarmDescription"])
        assert anchor in anchors, alarm["AlarmName"]
