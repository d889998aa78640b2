"""The workflows' timed waits are set from the council's working-day calendar by the step before each wait
(statemachines/blue-badge-*.asl.json InformationDeadline and ReviewDeadline), on the real ASL and handler."""

from __future__ import annotations

import time

from datetime import UTC, datetime, timedelta

from shared.bootstrap import councils, store_for
from shared.core.domain.case import AuditEntry, utcnow
from shared.core.domain.working_days import end_of_day, working_days_between, working_days_later
from shared.resources import WORKFLOW_STEP_FUNCTION, Role
from shared.services.blue_badge.domain.application import Application
from shared.services.blue_badge.domain.case import BadgeCase, Decision, DecisionOutcome, Stage, review_due
from shared.services.blue_badge.domain.completeness import missing_items
from tests.integration.conftest import emails_to, invoke
from tests.integration.test_decisions import CASEWORKER, NORTHSHIRE, act, at, key_in, someone_new


def refused_case(refused_working_days_ago: int) -> str:
    """A case refused that many working days ago (written as the decision step writes it; no workflow)."""
    council = councils().get(NORTHSHIRE)
    application = Application.model_validate(someone_new())
    now = utcnow()
    refused_at = working_days_later(now, -refused_working_days_ago, council.nation)
    case = BadgeCase.open(application, missing_items(application, council), refused_at).model_copy(update={
        "stage": Stage.DECISION, "decision": Decision(outcome=DecisionOutcome.REFUSE, reasons=["No award."], by="x@y.example", at=refused_at)})
    store_for(NORTHSHIRE).create(case, AuditEntry(case_id=case.case_id, at=refused_at, actor="test", action="CASE_OPENED"))
    return case.case_id


def step(action: str, case_id: str) -> dict:
    answer, failed = invoke(WORKFLOW_STEP_FUNCTION, {"action": action, "council_code": NORTHSHIRE, "case_id": case_id})
    assert not failed, answer
    return answer


def test_the_information_deadline_step_gives_twenty_working_days_and_the_seconds_to_them(stack):
    before = utcnow()
    answer = step("information_deadline", "B-ANY")
    due = datetime.fromisoformat(answer["due"])
    assert working_days_between(before.date(), due.date(), "ENG") == 20  # Northshire's information_request_days
    assert abs(answer["seconds"] - (due - before).total_seconds()) < 5


def test_the_review_window_closes_twenty_working_days_after_the_refusal(stack):
    fresh, closed = refused_case(0), refused_case(25)
    answer = step("review_deadline", fresh)
    closes = end_of_day(review_due(store_for(NORTHSHIRE).get(fresh).decision.at, "ENG"), UTC)
    assert datetime.fromisoformat(answer["closes"]) == closes
    assert timedelta(days=25) < timedelta(seconds=answer["seconds"]) <= timedelta(days=35)
    assert step("review_deadline", closed)["seconds"] == 1  # the window closed while no workflow waited: at once


def test_a_refusal_records_the_last_day_for_a_review_and_the_email_names_it(api_as, stack):
    caseworker = api_as(NORTHSHIRE, Role.CASEWORKER, user=CASEWORKER)
    application = someone_new()
    case_id = key_in(caseworker, application)
    at(case_id, Stage.PROOF_CHECK)
    act(caseworker, case_id, "proof-check", {"confirmed": False})
    at(case_id, Stage.DECISION)
    act(caseworker, case_id, "decision", {"outcome": "REFUSE", "reasons": ["No qualifying award."]})
    refused = at(case_id, Stage.REFUSED)
    assert refused.review_due == review_due(refused.decision.at, "ENG")
    assert working_days_between(refused.decision.at.date(), refused.review_due, "ENG") == 20
    deadline = time.monotonic() + 30  # the refusal email is sent by the workflow's step after the case is REFUSED
    while not (decided := [mail for mail in emails_to(application["contact"]["email"]) if mail.subject.startswith("Decision")]):
        assert time.monotonic() < deadline, "no decision email"
        time.sleep(0.3)
    [email] = decided
    last_day = f"{refused.review_due.day} {refused.review_due:%B %Y}"
    assert f"within 20 working days of the date of this email, by {last_day}." in email.body
