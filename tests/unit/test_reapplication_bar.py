"""The optional bar on reapplying soon after a refusal (domain notes: "some councils bar reapplying for 3 months"): a
council setting, off by default and validated; when on, a new application from a person refused within the bar is parked
with the reason (never opened, never dropped), and a replay keeps it parked until the bar has run out."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta

import boto3
import pytest
from moto import mock_aws

from shared.core.domain.case import AuditEntry
from shared.core.domain.council import COUNCILS_FILE, CouncilConfigError, parse_councils
from shared.resources import DEFAULT_REGION
from shared.services.blue_badge import SERVICE_KEY
from shared.services.blue_badge.adapters.badge_store import BadgeStore
from shared.services.blue_badge.domain.application import Application
from shared.services.blue_badge.domain.case import BadgeCase, Decision, DecisionOutcome, Stage
from shared.services.blue_badge.domain.reapplication import BAR_FIELD, months_after, reapplication_barred
from shared.services.blue_badge.domain.settings import badge_settings
from shared.services.blue_badge.logic.intake import IntakeService, IntakeStatus
from tests.factories import create_council_table, complete_application

ENTRIES = json.loads(COUNCILS_FILE.read_text())
REFUSED_AT = datetime(2026, 9, 10, 14, tzinfo=UTC)


def councils(months=None):
    entries = copy.deepcopy(ENTRIES)
    if months is not None:
        entries[0]["services"][SERVICE_KEY]["reapply_bar_months"] = months
    return parse_councils(entries)


def test_the_bar_is_off_by_default_and_validated():
    assert badge_settings(councils().get("NORTHSHIRE")).reapply_bar_months == 0
    assert badge_settings(councils(3).get("NORTHSHIRE")).reapply_bar_months == 3
    for wrong in (-1, 13, "3", True):
        with pytest.raises(CouncilConfigError, match="reapply_bar_months"):
            councils(wrong)


def test_months_after_keeps_the_day_or_takes_the_months_last():
    assert months_after(date(2026, 9, 10), 3) == date(2026, 12, 10)
    assert months_after(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert months_after(date(2027, 11, 30), 3) == date(2028, 2, 29)


def refused(stage: Stage = Stage.REFUSED, outcome: DecisionOutcome = DecisionOutcome.REFUSE, at: datetime = REFUSED_AT) -> BadgeCase:
    case = BadgeCase.open(Application.model_validate(complete_application()), [], at - timedelta(days=20))
    decision = Decision(outcome=outcome, reasons=["Your PIP award does not meet the criteria."], by="cw@example.gov.uk", at=at)
    return case.model_copy(update={"stage": stage, "decision": decision})


APPLYING = Application.model_validate(complete_application())


@pytest.mark.parametrize(("today", "barred"), [
    (date(2026, 12, 9), True),   # the last day of the bar
    (date(2026, 12, 10), False),  # 3 months on: they may apply again
])
def test_a_new_application_within_3_months_of_a_standing_refusal_is_barred(today, barred):
    reason = reapplication_barred(APPLYING, [refused()], 3, today)
    assert (reason is not None) is barred
    if barred:
        assert reason.field == BAR_FIELD
        assert "refused a Blue Badge on 10/09/2026" in reason.message and "apply again from 10/12/2026" in reason.message


def test_only_a_standing_refusal_bars_and_only_new_applications_and_renewals():
    today = date(2026, 10, 1)
    assert reapplication_barred(APPLYING, [refused(Stage.REVIEW)], 3, today) is not None  # refused, review under way
    assert reapplication_barred(APPLYING, [refused(Stage.ORDERED, DecisionOutcome.APPROVE)], 3, today) is None
    assert reapplication_barred(APPLYING, [refused()], 0, today) is None  # the council does not bar
    renewal = APPLYING.model_copy(update={"application_type": "RENEW"})
    assert reapplication_barred(renewal, [refused()], 3, today) is not None
    replacement = Application.model_validate(complete_application(application_type="REPLACE", existing_badge_number="AB12CD",
                                                                  replace_reason="LOST"))
    assert reapplication_barred(replacement, [refused()], 3, today) is None


# ---------------------------------------------------------------- at intake, on a council table (moto)
class Started:
    """The workflows intake starts and the applicants it tells their application arrived (it does both for a case)."""

    def __init__(self):
        self.started = []
        self.told = []

    def start(self, workflow, case_id, given):
        self.started.append(case_id)

    def notify(self, store, case, kind):
        self.told.append(case.case_id)


class CopiedFiles:
    def copy(self, source, target):
        from shared.core.adapters.evidence_files import CopyOutcome

        return CopyOutcome.COPIED


@pytest.fixture
def store(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", DEFAULT_REGION)
    with mock_aws():
        client = boto3.client("dynamodb", region_name=DEFAULT_REGION)
        name = create_council_table(client)
        yield BadgeStore(client, name)


def intake(store, months, now: datetime) -> tuple[IntakeService, Started]:
    workflows = Started()
    return IntakeService(councils(months), lambda code: store, workflows, lambda code: CopiedFiles(), lambda code: None,
                         workflows, clock=lambda: now), workflows


def test_a_barred_application_is_parked_with_the_reason_and_a_replay_keeps_it_parked_until_the_bar_ends(store):
    earlier = refused()
    store.create(earlier, AuditEntry(case_id=earlier.case_id, at=REFUSED_AT, actor="test", action="REFUSED"))
    again = Application.model_validate(complete_application())  # the same person (NI number, name and date of birth)

    unbarred, started = intake(store, 0, REFUSED_AT + timedelta(days=30))
    unbarred_application = Application.model_validate(complete_application(application_id="APP-UNBARRED"))
    assert unbarred.accept(unbarred_application, actor="user:test").status is IntakeStatus.CREATED

    service, started = intake(store, 3, REFUSED_AT + timedelta(days=30))
    outcome = service.accept(again, actor="user:test")
    assert outcome.status is IntakeStatus.PARKED and outcome.case_id is None and started.started == started.told == []
    [reason] = outcome.reasons
    assert f"case {earlier.case_id}" in reason.message and "apply again from 10/12/2026" in reason.message
    assert store.get_parked(outcome.parked_id).reasons == [reason]

    attempts = store.get_parked(outcome.parked_id).attempts
    still, _ = intake(store, 3, datetime(2026, 12, 9, 9, tzinfo=UTC))
    replayed = still.replay(store, outcome.parked_id, None, actor="user:test")
    assert (replayed.status, replayed.parked_id) == (IntakeStatus.PARKED, outcome.parked_id)
    assert store.get_parked(outcome.parked_id).attempts == attempts + 1  # the same parked item, tried again

    after, started = intake(store, 3, datetime(2026, 12, 10, 9, tzinfo=UTC))
    opened = after.replay(store, outcome.parked_id, None, actor="user:test")
    assert opened.status is IntakeStatus.CREATED and started.started == started.told == [opened.case_id]
