"""The business metric catalogue (shared.core.domain.metrics and each service's metrics.py) and its emission
(shared.core.adapters.metrics): names once, dimensions exactly as declared, counts rolled up and levels not, the stage
entered and the decision recorded counted where the case store writes a case, and the local EMF extraction."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from infra.constructs.functions import METRICS_NAMESPACE
from infra.local.metrics import EmfTee, emf_document, figures, report
from infra.local.provision import METRICS_NAMESPACE as LOCAL_METRICS_NAMESPACE
from shared.core.adapters.metrics import all_metrics, case_written, emit
from shared.core.domain.council import load_councils
from shared.core.domain.metrics import (
    APPLICATIONS_RECEIVED,
    CASES_DUE_SOON,
    CASES_ENTERED_STAGE,
    DECISIONS_MADE,
    ENGINE_METRICS,
    FUNCTION,
    INFORMATION_REMINDERS_SENT,
    NAMESPACE,
    PARKED_APPLICATIONS,
    Metric,
    MetricCatalogue,
    Timeliness,
    Unit,
)
from shared.core.logic.emails import NOTIFICATION_RESULTS
from shared.services.asc_triage.metrics import screening_outcome
from shared.services.blue_badge.domain.application import Application
from shared.services.blue_badge.domain.case import BadgeCase, Decision, DecisionOutcome, Stage
from shared.services.blue_badge.metrics import badge_decision
from shared.services.registry import SERVICES
from tests.factories import complete_application

RECEIVED = datetime(2026, 11, 2, 9, tzinfo=UTC)  # a Monday


def printed(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]


def series(record: dict) -> tuple[str, tuple[str, ...]]:
    [directive] = record["_aws"]["CloudWatchMetrics"]
    [metric] = directive["Metrics"]
    [names] = directive["Dimensions"]
    assert directive["Namespace"] == NAMESPACE
    return metric["Name"], tuple(names)


def badge_case(**changes) -> BadgeCase:
    application = Application.model_validate(complete_application())
    return BadgeCase.open(application, [], RECEIVED, team="blue-badge").model_copy(update=changes)


def test_the_catalogue_holds_the_engine_and_every_service_each_name_once():
    catalogue = all_metrics()
    names = [metric.name for metric in catalogue]
    assert len(names) == len(set(names))
    assert set(ENGINE_METRICS) <= set(catalogue)
    for spec in SERVICES:
        assert spec.metrics.metrics and set(spec.metrics.metrics) <= set(catalogue), spec.key
    with pytest.raises(ValueError, match="declared twice"):
        MetricCatalogue([APPLICATIONS_RECEIVED, APPLICATIONS_RECEIVED])


def test_the_namespace_is_the_one_the_functions_and_the_local_stack_are_given():
    assert NAMESPACE == METRICS_NAMESPACE == LOCAL_METRICS_NAMESPACE


@pytest.mark.parametrize(("name", "sets", "message"), [
    ("applicationsReceived", ((),), "PascalCase"),
    ("Twice", ((), ()), "each once"),
    ("Repeats", (("council", "council"),), "repeats a name"),
])
def test_a_malformed_metric_is_refused(name, sets, message):
    with pytest.raises(ValueError, match=message):
        Metric(name, Unit.COUNT, sets, "a metric")


def test_a_count_is_written_under_every_dimension_set_it_declares(capsys):
    emit(APPLICATIONS_RECEIVED, council="NORTHSHIRE", scheme="blue-badge", channel="PAPER", outcome="CREATED")
    records = printed(capsys)
    assert [series(record) for record in records] == [("ApplicationsReceived", names) for names in APPLICATIONS_RECEIVED.dimension_sets]
    assert all(record["ApplicationsReceived"] == [1.0] for record in records)
    assert records[0]["channel"] == "PAPER" and records[1] == {**records[1], "council": "NORTHSHIRE"} and "council" not in records[2]


def test_a_level_is_written_under_the_one_set_its_dimensions_make(capsys, monkeypatch):
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "casework-response-watch")
    emit(CASES_DUE_SOON, 3, council="VALEWYE", scheme="family-front-door")
    emit(CASES_DUE_SOON, 5, scheme="family-front-door")
    per_council, total = printed(capsys)
    assert series(per_council) == ("CasesDueSoon", ("council", "scheme")) and per_council["CasesDueSoon"] == [3.0]
    assert series(total) == ("CasesDueSoon", ("scheme",)) and total["scheme"] == "family-front-door" and total["CasesDueSoon"] == [5.0]
    with pytest.raises(ValueError, match="takes dimensions"):
        emit(CASES_DUE_SOON, 1, council="VALEWYE")  # a level by council alone would be neither series
    # The function's own dimension is filled in from its name where a metric declares it.
    emit(INFORMATION_REMINDERS_SENT, 2)
    [reminders] = printed(capsys)
    assert series(reminders) == ("InformationRemindersSent", (FUNCTION,)) and reminders[FUNCTION] == "casework-response-watch"


@pytest.mark.parametrize(("metric", "dimensions", "message"), [
    (APPLICATIONS_RECEIVED, {"council": "NORTHSHIRE"}, "takes dimensions"),
    (APPLICATIONS_RECEIVED, {"council": "X", "scheme": "blue-badge", "channel": "", "outcome": "PARKED"}, "channel needs a value"),
    (PARKED_APPLICATIONS, {}, "takes dimensions"),
    (CASES_ENTERED_STAGE, {"council": "X", "scheme": "blue-badge", "stage": "RECEIVED", "team": "a"}, "takes dimensions"),
])
def test_an_emission_with_other_dimensions_is_refused_before_anything_is_written(metric, dimensions, message, capsys):
    with pytest.raises(ValueError, match=message):
        emit(metric, **dimensions)
    assert printed(capsys) == []


def test_a_case_write_counts_the_stage_it_entered_once_and_a_new_case_its_first_stage(capsys):
    case = badge_case()
    case_written(case, SERVICES.for_case(case), created=True)
    screening = case.moved_to(Stage.SCREENING, RECEIVED)
    case_written(screening, SERVICES.for_case(case))
    case_written(screening, SERVICES.for_case(case))  # the same copy written again: not entered again
    case_written(screening.changed(RECEIVED, priority=80), SERVICES.for_case(case))  # a change that stays at the stage
    entered = [record["stage"] for record in printed(capsys) if series(record)[0] == "CasesEnteredStage"]
    assert entered == ["RECEIVED", "SCREENING"]


def test_a_decision_is_counted_by_the_write_that_records_it_against_the_councils_target():
    council = load_councils().get("NORTHSHIRE")
    target = council.services["blue-badge"].kpi.days_to_decision  # the longer of its two targets
    on_time = RECEIVED + timedelta(days=1)
    decided = badge_case(decision=Decision(outcome=DecisionOutcome.APPROVE, by="cw@northshire.example", at=on_time), updated_at=on_time)
    assert badge_decision(decided, council, None).outcome == "APPROVE"
    assert badge_decision(decided, council, None).timeliness is Timeliness.WITHIN_TARGET
    late = RECEIVED + timedelta(days=7 * (target // 5 + 2))
    overdue = decided.model_copy(update={"decision": decided.decision.model_copy(update={"at": late}), "updated_at": late})
    assert badge_decision(overdue, council, None).timeliness is Timeliness.PAST_TARGET
    assert badge_decision(decided, None, None).timeliness is Timeliness.NO_TARGET
    # A later write of a decided case (a note, a payment) records no new decision.
    assert badge_decision(decided.model_copy(update={"updated_at": late}), council, None) is None


def test_a_referral_closing_is_its_decision_against_the_routing_target():
    from shared.services.asc_triage.domain.case import ReferralStage

    class Referral:
        updated_at = RECEIVED
        routing_due = RECEIVED + timedelta(hours=24)

    assert screening_outcome(Referral(), None, ReferralStage.SIGNPOSTED).timeliness is Timeliness.WITHIN_TARGET
    Referral.updated_at = RECEIVED + timedelta(hours=25)
    assert screening_outcome(Referral(), None, ReferralStage.ROUTED).outcome == "ROUTED"
    assert screening_outcome(Referral(), None, ReferralStage.ROUTED).timeliness is Timeliness.PAST_TARGET
    assert screening_outcome(Referral(), None, ReferralStage.SCREENING) is None
    assert screening_outcome(Referral(), None, None) is None


def test_each_notification_outcome_has_a_result():
    assert set(NOTIFICATION_RESULTS.values()) == {"SENT", "FAILED", "LETTER_NEEDED"}


def test_the_local_stack_reads_emf_lines_as_cloudwatch_logs_does(capsys):
    documents: list[dict] = []
    tee = EmfTee(__import__("io").StringIO(), documents.append)
    tee.write('{"level": "INFO", "message": "not a metric"}\n')
    emit(DECISIONS_MADE, council="NORTHSHIRE", scheme="blue-badge", outcome="REFUSE", timeliness="PAST_TARGET")
    for line in capsys.readouterr().out.splitlines(keepends=True):
        tee.write(line[:10])  # in pieces, as print writes
        tee.write(line[10:])
    assert len(documents) == len(DECISIONS_MADE.dimension_sets)
    assert emf_document('{"_aws": "not emf"}') is None and emf_document("plain text") is None
    # Added up series by series: counts summed, levels the latest reading.
    emit(DECISIONS_MADE, council="NORTHSHIRE", scheme="blue-badge", outcome="REFUSE", timeliness="PAST_TARGET")
    emit(PARKED_APPLICATIONS, 3, council="NORTHSHIRE")
    emit(PARKED_APPLICATIONS, 2, council="NORTHSHIRE")
    documents += [emf_document(line) for line in capsys.readouterr().out.splitlines()]
    found = figures(documents, datetime.now(UTC) - timedelta(minutes=1))
    assert found["NORTHSHIRE"] == {("DecisionsMade", "outcome=REFUSE, scheme=blue-badge, timeliness=PAST_TARGET"): 2.0,
                                   ("DecisionsMade", "timeliness=PAST_TARGET"): 2.0, ("ParkedApplicationsWaiting", ""): 2.0}
    assert figures(documents, datetime.now(UTC) + timedelta(minutes=1)) == {}
    text = report(found | {None: {("BadgesIssued", ""): 4.0}})
    assert text.index("NORTHSHIRE:") < text.index("Platform (all councils):") and "4" in text


@pytest.mark.parametrize(("hours", "accepted"), [(None, True), (24, True), (168, True), (5, False), (169, False), ("a day", False)])
def test_the_no_applications_alarm_hours_are_checked_in_the_council_configuration(hours, accepted):
    from shared.core.domain.council import COUNCILS_FILE, CouncilConfigError, parse_councils

    entries = json.loads(COUNCILS_FILE.read_text(encoding="utf-8"))
    entries[0]["no_applications_alarm_hours"] = hours
    if accepted:
        assert next(iter(parse_councils(entries))).no_applications_alarm_hours == hours
    else:
        with pytest.raises(CouncilConfigError, match="no_applications_alarm_hours"):
            parse_councils(entries)
