"""The routing watch on the local stack: referrals received at frozen times and waiting at screening, the handler run
at a frozen moment, and the per-council metrics it prints (CloudWatch embedded metric format) that the alarms read."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from shared.bootstrap import council_client, councils, store_for, workflows
from shared.resources import (
    ASC_METRIC_DUE_SOON,
    ASC_METRIC_OVERDUE,
    ASC_ROUTING_WATCH_FUNCTION,
    council_table_name,
)
from shared.services.asc_triage.adapters.question_sets import QuestionSets
from shared.services.asc_triage.domain.business_hours import LONDON
from shared.services.asc_triage.domain.case import ReferralCase, ReferralStage
from shared.services.asc_triage.domain.referral import Referral
from shared.services.asc_triage.logic.referrals import receive_referral
from tests.integration.asc_triage.test_referral_workflow import (
    NORTHSHIRE,
    VALEWYE,
    new_referral,
    waiting_at,
)
from tests.integration.conftest import invoke

# June 2026: no bank holiday in England (Northshire) or Wales (Valewye); both route within 24 business hours, warned 4
# hours before. The watch runs on Wednesday 17 June at 15:00.
NOW = datetime(2026, 6, 17, 15, tzinfo=LONDON)
ON_TIME = datetime(2026, 6, 17, 10, tzinfo=LONDON)  # due Monday 10:00
DUE_SOON = datetime(2026, 6, 12, 16, tzinfo=LONDON)  # due Wednesday 16:00: 1 business hour left
OVERDUE = datetime(2026, 6, 11, 10, tzinfo=LONDON)  # due Tuesday 10:00


def received_at(referral: Referral, at: datetime) -> ReferralCase:
    council = councils().get(referral.council_code)
    questions = QuestionSets(council_client("dynamodb", council.code), council_table_name(council.code))
    case = receive_referral(referral, council, store_for(council.code), questions, workflows(), "test", at).case
    return waiting_at(case.case_id, ReferralStage.SCREENING, council.code)


def watch(capsys) -> tuple[dict, dict[str, dict[str, int]]]:
    """Run the handler as its schedule does; its result and the per-council metrics it printed."""
    capsys.readouterr()
    result, failed = invoke(ASC_ROUTING_WATCH_FUNCTION, {})
    assert not failed, result
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    emf = [record for record in printed if "_aws" in record]

    def count(record: dict, name: str) -> int:
        [value] = record[name]  # EMF: the values of the metric in this record
        assert value == int(value)
        return int(value)
    by_council: dict[str, dict[str, int]] = {}
    for record in emf:
        if "council" in record:
            [directive] = record["_aws"]["CloudWatchMetrics"]
            assert directive["Dimensions"] == [["council", "service"]]  # the function's name, as on the totals
            [metric] = directive["Metrics"]
            by_council.setdefault(record["council"], {})[metric["Name"]] = count(record, metric["Name"])
    # The totals: one EMF record per metric (shared.core.adapters.metrics writes each metric on its own line).
    totals = [record for record in emf if "council" not in record]
    assert len(totals) == 2, totals
    by_council["total"] = {name: count(record, name) for record in totals for name in (ASC_METRIC_DUE_SOON, ASC_METRIC_OVERDUE)
                           if name in record}
    return result, by_council


@pytest.fixture
def at_now(monkeypatch):
    monkeypatch.setattr("functions.asc_routing_watch.handler.utcnow", lambda: NOW)


def test_every_council_gets_its_counts_even_when_nothing_is_due(stack, at_now, capsys):
    result, metrics = watch(capsys)
    assert set(result) == {NORTHSHIRE, VALEWYE}
    for code in (NORTHSHIRE, VALEWYE, "total"):
        assert set(metrics[code]) == {ASC_METRIC_DUE_SOON, ASC_METRIC_OVERDUE}  # zeros too: the alarms always have data
        assert all(count >= 0 for count in metrics[code].values())


def test_referrals_near_and_past_their_target_are_counted_per_council(stack, at_now, capsys):
    # Referrals other tests left open count too: compare with a run before these arrive.
    _, before = watch(capsys)
    received_at(new_referral(NORTHSHIRE), ON_TIME)
    received_at(new_referral(NORTHSHIRE), DUE_SOON)
    received_at(new_referral(NORTHSHIRE), OVERDUE)
    received_at(new_referral(VALEWYE), OVERDUE)
    received_at(new_referral(VALEWYE), OVERDUE)

    result, after = watch(capsys)

    added = {code: {name: after[code][name] - before[code][name] for name in after[code]} for code in after}
    assert added == {
        NORTHSHIRE: {ASC_METRIC_DUE_SOON: 1, ASC_METRIC_OVERDUE: 1},
        VALEWYE: {ASC_METRIC_DUE_SOON: 0, ASC_METRIC_OVERDUE: 2},
        "total": {ASC_METRIC_DUE_SOON: 1, ASC_METRIC_OVERDUE: 3},
    }
    assert result[NORTHSHIRE] == {"due_soon": after[NORTHSHIRE][ASC_METRIC_DUE_SOON], "overdue": after[NORTHSHIRE][ASC_METRIC_OVERDUE]}
