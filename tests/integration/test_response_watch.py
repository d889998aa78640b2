"""The response watch on the local stack, for every service that declares response targets: adult social care referrals
and Family Front Door contacts received at frozen times and waiting for the team, the handler run at a frozen moment,
and the metrics it prints (CloudWatch embedded metric format) per council and service, and per service (what the
alarms read)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from shared.bootstrap import council_client, councils, store_for, workflows
from shared.core.domain.case import CaseStage
from shared.core.domain.metrics import CASES_DUE_SOON, CASES_OVERDUE
from shared.core.logic import response_watch
from shared.resources import RESPONSE_WATCH_FUNCTION, council_table_name
from shared.services.asc_triage.adapters.question_sets import QuestionSets
from shared.services.asc_triage.domain.business_hours import LONDON
from shared.services.asc_triage.domain.case import ReferralStage
from shared.services.asc_triage.domain.referral import Referral
from shared.services.asc_triage.logic.referrals import receive_referral
from shared.services.family_front_door.domain.case import ContactStage
from shared.services.family_front_door.domain.submission import Urgency
from shared.services.family_front_door.logic import contacts
from tests.integration.asc_triage.test_referral_workflow import NORTHSHIRE, VALEWYE, new_referral
from tests.integration.asc_triage.test_referral_workflow import waiting_at as referral_waiting_at
from tests.integration.conftest import invoke
from tests.integration.family_front_door.test_contact_workflow import concern, submitter
from tests.integration.family_front_door.test_contact_workflow import store as contact_store
from tests.integration.family_front_door.test_contact_workflow import waiting_at as contact_waiting_at

ASC, FFD = "asc-triage", "family-front-door"
NAMES = (CASES_DUE_SOON.name, CASES_OVERDUE.name)
# June 2026: no bank holiday in England (Northshire) or Wales (Valewye). Referrals are routed within 24 business hours,
# warned 4 hours before; contacts answered within their level's target (red 2, green 24), warned 1 hour before. The
# watch runs on Wednesday 17 June at 15:00.
NOW = datetime(2026, 6, 17, 15, tzinfo=LONDON)
REFERRAL_ON_TIME = datetime(2026, 6, 17, 10, tzinfo=LONDON)  # due Monday 10:00
REFERRAL_DUE_SOON = datetime(2026, 6, 12, 16, tzinfo=LONDON)  # due Wednesday 16:00: 1 business hour left
REFERRAL_OVERDUE = datetime(2026, 6, 11, 10, tzinfo=LONDON)  # due Tuesday 10:00
RED_ON_TIME = datetime(2026, 6, 17, 14, 30, tzinfo=LONDON)  # due 16:30
RED_DUE_SOON = datetime(2026, 6, 17, 13, 30, tzinfo=LONDON)  # due 15:30: half an hour left
GREEN_OVERDUE = datetime(2026, 6, 12, 14, 30, tzinfo=LONDON)  # due Wednesday 14:30


def referral_received_at(referral: Referral, at: datetime) -> None:
    council = councils().get(referral.council_code)
    questions = QuestionSets(council_client("dynamodb", council.code), council_table_name(council.code))
    case = receive_referral(referral, council, store_for(council.code), questions, workflows(), "test", at).case
    referral_waiting_at(case.case_id, ReferralStage.SCREENING, council.code)


def contact_received_at(urgency: Urgency, at: datetime, council: str = NORTHSHIRE) -> None:
    case = contacts.submit(contact_store(council), workflows(), councils().get(council), submitter(), concern(urgency=urgency), at)
    contact_waiting_at(case.case_id, ContactStage.SCREENING, council)


def watch(capsys) -> tuple[dict, dict[tuple[str, str], dict[str, int]]]:
    """Run the handler as its schedule does; its result and the metrics it printed, by (service, council or "total")."""
    capsys.readouterr()
    result, failed = invoke(RESPONSE_WATCH_FUNCTION, {})
    assert not failed, result
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for record in printed:
        if "_aws" not in record:
            continue
        [directive] = record["_aws"]["CloudWatchMetrics"]
        [metric] = directive["Metrics"]
        if metric["Name"] not in NAMES:
            continue
        [dimensions] = directive["Dimensions"]
        assert dimensions in (["council", "scheme"], ["scheme"])  # exactly the catalogue's sets
        [value] = record[metric["Name"]]
        assert value == int(value)
        counts.setdefault((record["scheme"], record.get("council", "total")), {})[metric["Name"]] = int(value)
    return result, counts


@pytest.fixture
def at_now(monkeypatch):
    monkeypatch.setattr("functions.response_watch.handler.utcnow", lambda: NOW)


def test_every_council_of_every_watched_service_gets_its_counts_even_when_nothing_is_due(stack, at_now, capsys):
    result, metrics = watch(capsys)
    assert set(result) == {ASC, FFD} and all(set(result[service]) == {NORTHSHIRE, VALEWYE} for service in result)
    assert set(metrics) == {(service, code) for service in (ASC, FFD) for code in (NORTHSHIRE, VALEWYE, "total")}
    for figures in metrics.values():
        assert set(figures) == set(NAMES) and all(count >= 0 for count in figures.values())  # zeros too: the alarms have data


def test_referrals_and_contacts_near_and_past_their_target_are_counted_per_service_and_council(stack, at_now, capsys, dynamodb_calls):
    # Cases other tests left open count too: compare with a run before these arrive.
    _, before = watch(capsys)
    referral_received_at(new_referral(NORTHSHIRE), REFERRAL_ON_TIME)
    referral_received_at(new_referral(NORTHSHIRE), REFERRAL_DUE_SOON)
    referral_received_at(new_referral(NORTHSHIRE), REFERRAL_OVERDUE)
    referral_received_at(new_referral(VALEWYE), REFERRAL_OVERDUE)
    contact_received_at(Urgency.TODAY, RED_ON_TIME)
    contact_received_at(Urgency.TODAY, RED_DUE_SOON)
    contact_received_at(Urgency.ROUTINE, GREEN_OVERDUE)
    contact_received_at(Urgency.ROUTINE, GREEN_OVERDUE, council=VALEWYE)

    dynamodb_calls.clear()
    result, after = watch(capsys)

    added = {key: {name: after[key][name] - before[key][name] for name in NAMES} for key in after}
    assert added == {
        (ASC, NORTHSHIRE): {"CasesDueSoon": 1, "CasesOverdue": 1},
        (ASC, VALEWYE): {"CasesDueSoon": 0, "CasesOverdue": 1},
        (ASC, "total"): {"CasesDueSoon": 1, "CasesOverdue": 2},
        (FFD, NORTHSHIRE): {"CasesDueSoon": 1, "CasesOverdue": 1},
        (FFD, VALEWYE): {"CasesDueSoon": 0, "CasesOverdue": 1},
        (FFD, "total"): {"CasesDueSoon": 1, "CasesOverdue": 2},
    }
    assert result[FFD][NORTHSHIRE] == {"due_soon": after[(FFD, NORTHSHIRE)]["CasesDueSoon"],
                                       "overdue": after[(FFD, NORTHSHIRE)]["CasesOverdue"]}
    # Queries only: a page per watched stage and council (more only for a queue longer than a page), never a Scan; and
    # each council's live settings, one GetItem each.
    assert set(dynamodb_calls) <= {"Query", "GetItem"} and dynamodb_calls["GetItem"] <= 2, dynamodb_calls
    pages = sum(len(spec_stages) for spec_stages in _watched_stages()) * 2  # two councils
    assert pages <= dynamodb_calls["Query"] < pages + 10


def _watched_stages() -> list[tuple[CaseStage, ...]]:
    from shared.services.registry import SERVICES

    return [spec.response_watch.stages for spec in SERVICES if spec.response_watch is not None]


def test_the_queue_is_read_page_by_page(stack, at_now, capsys, monkeypatch):
    """A queue longer than a page is followed over its cursor: the counts are the same with pages of one."""
    _, whole = watch(capsys)
    monkeypatch.setattr(response_watch, "PAGE_SIZE", 1)
    _, paged = watch(capsys)
    assert paged == whole
