"""From a complete case to an ordered badge or a refusal and its review, through the real ASL on moto and the API."""

from __future__ import annotations

import json
import random
import time
from datetime import date, timedelta

import pytest

from shared.bootstrap import badge_store_for, councils, store_for
from shared.services.blue_badge.adapters.badge_store import badges_of
from shared.services.blue_badge.domain.application import Application
from shared.services.blue_badge.domain.badge import BadgeStatus, is_issuable
from shared.core.domain.case import AuditEntry, Case, utcnow
from shared.services.blue_badge.domain.case import Stage
from shared.services.blue_badge.domain.completeness import missing_items
from shared.services.blue_badge.domain.settings import FeeTiming
from shared.core.domain.evidence import case_evidence_prefix
from shared.resources import Role, WorkflowKey
from shared.services.blue_badge.domain.case import BadgeCase
from tests.factories import with_badge_settings, REMOVE, case_file, complete_application
from tests.integration.conftest import case_actions, emails_to, wait_for_execution, upload_intake_files, wait_for_step, wait_until

CASEWORKER = "alex.caseworker@northshire.example.gov.uk"
SECOND_CASEWORKER = "sam.caseworker@northshire.example.gov.uk"
ASSESSOR = "olu.assessor@northshire.example.gov.uk"
NORTHSHIRE = "NORTHSHIRE"


def someone_new(**overrides) -> dict:
    """A complete application for a person nobody else in the test run is (one badge per person)."""
    tag = "".join(random.choices("ABCDEFGHJKLMNPRSTUVWXYZ", k=8))
    nino = f"JK{random.randint(0, 999999):06d}A"
    email = f"{tag.lower()}@example.com"
    return complete_application(NORTHSHIRE, channel="PAPER", holder__surname=f"Tester{tag.title()}", holder__nino=nino,
                                contact__email=email, **overrides)


@pytest.fixture
def caseworker(api_as):
    return api_as(NORTHSHIRE, Role.CASEWORKER, user=CASEWORKER)


@pytest.fixture
def second_caseworker(api_as):
    return api_as(NORTHSHIRE, Role.CASEWORKER, user=SECOND_CASEWORKER)


def key_in(api, application: dict) -> str:
    status, body = api.call("POST", "/applications", upload_intake_files(application))
    assert status == 201, body
    return body["case_id"]


def at(case_id: str, stage: Stage) -> Case:
    return wait_for_step(store_for(NORTHSHIRE), case_id, stage)


def act(api, case_id: str, step: str, body: dict, expected: int = 200) -> dict:
    """POST a step with the version the caller sees now."""
    version = store_for(NORTHSHIRE).get(case_id).version
    status, answer = api.call("POST", f"/cases/{case_id}/{step}", {"expected_version": version, **body})
    assert status == expected, answer
    return answer


def execution_status(stack, clients, workflow: WorkflowKey, case_id: str) -> str:
    return wait_for_execution(clients["stepfunctions"], stack.state_machine_arns[workflow], case_id)["status"]


def order_a_badge(api, application: dict, order: dict | None = None) -> tuple[str, dict]:
    """Drive an automatic-route application to an ordered badge; the case id and its badge."""
    case_id = key_in(api, application)
    at(case_id, Stage.PROOF_CHECK)
    act(api, case_id, "proof-check", {"confirmed": True, "notes": "PIP letter seen, 10 points moving around"})
    at(case_id, Stage.DECISION)
    act(api, case_id, "decision", {"outcome": "APPROVE", "order": order or {"deliver_to": "HOME", "delivery_option": "STANDARD"}})
    at(case_id, Stage.ORDERED)
    status, body = api.call("GET", f"/cases/{case_id}")
    assert status == 200
    [badge] = body["badges"]
    return case_id, badge


def test_automatic_route_goes_from_proof_check_to_an_ordered_badge(caseworker, stack, clients):
    application = someone_new()
    case_id, badge = order_a_badge(caseworker, application, {"deliver_to": "HOME", "delivery_option": "FAST"})

    assert execution_status(stack, clients, WorkflowKey.APPLICATION, case_id) == "SUCCEEDED"
    assert is_issuable(badge["badge_number"]) and badge["status"] == "ORDERED"
    assert badge["batch_type"] == "FASTTRACK"
    assert badge["start_date"] == date.today().isoformat()
    assert badge["expiry_date"] == "2028-01-01"  # the PIP award ends before 3 years are up
    assert badge["photo_key"] == f"{case_evidence_prefix(NORTHSHIRE, case_id)}04-photo.jpg"  # the copy in the case's own folder
    assert badge["holder"]["nino"] == application["holder"]["nino"]
    case = store_for(NORTHSHIRE).get(case_id)
    assert case.badge_numbers == [badge["badge_number"]] and case.proof_check.confirmed and case.decision.by == CASEWORKER
    assert [action for action in case_actions(store_for(NORTHSHIRE), case_id) if action != "CASE_VIEWED"][-5:] == [
        "STAGE_CHANGED", "PROOF_CHECKED", "STAGE_CHANGED", "DECIDED", "BADGE_ORDERED"]
    subjects = [mail.subject for mail in emails_to(application["contact"]["email"])]
    assert [subject.split(" - ")[0] for subject in subjects] == [
        "We have received your Blue Badge application", "Your Blue Badge application has been approved and your badge ordered"]  # one email, not two
    # The badge is found by its number.
    status, body = caseworker.call("POST", "/search", {"kind": "BADGE", "value": badge["badge_number"].lower()})
    assert status == 200 and [result["case_id"] for result in body["results"]] == [case_id]


def test_badge_numbers_are_unique_when_many_are_ordered_at_once(stack):
    from concurrent.futures import ThreadPoolExecutor

    from shared.bootstrap import badge_numbers

    with ThreadPoolExecutor(max_workers=8) as pool:
        batches = list(pool.map(lambda _: badge_numbers().issue(25), range(8)))
    numbers = [number for batch in batches for number in batch]
    assert len(numbers) == 200 and len(set(numbers)) == 200 and all(is_issuable(number) for number in numbers)


def test_further_assessment_by_a_referred_assessor_then_refusal_review_overturns_to_an_order(
    caseworker, second_caseworker, api_as, stack, clients,
):
    application = someone_new(eligibility={"code": "WALKD", "walking": {"difficulties": ["PAIN"], "speed": "SLOW", "length_of_time": "FEWMIN"}})
    case_id = key_in(caseworker, application)
    at(case_id, Stage.ASSESSMENT)
    assessor = api_as(NORTHSHIRE, Role.ASSESSOR, user=ASSESSOR)
    other_assessor = api_as(NORTHSHIRE, Role.ASSESSOR, user="someone.else@northshire.example.gov.uk")

    # Before the referral the assessor cannot see the case; after it, only they can, and it is in their queue.
    assert assessor.call("GET", f"/cases/{case_id}")[0] == 404
    act(caseworker, case_id, "referral", {"assessor": ASSESSOR})
    assert assessor.call("GET", f"/cases/{case_id}")[0] == 200
    assert other_assessor.call("GET", f"/cases/{case_id}")[0] == 404
    status, queue = assessor.call("GET", "/cases")
    assert status == 200 and [entry["case_id"] for entry in queue["cases"]] == [case_id]
    assert other_assessor.call("GET", "/cases")[1]["cases"] == []
    act(other_assessor, case_id, "assessment", {"outcome": "ELIGIBLE", "summary": "x"}, expected=404)
    assert assessor.call("POST", "/search", {"kind": "NINO", "value": application["holder"]["nino"]})[0] == 403
    act(assessor, case_id, "decision", {"outcome": "APPROVE"}, expected=403)

    act(assessor, case_id, "assessment", {"outcome": "NOT_ELIGIBLE", "summary": "Walks 200 m without pain on the day"})
    at(case_id, Stage.DECISION)
    act(caseworker, case_id, "decision", {"outcome": "REFUSE"}, expected=422)  # a refusal needs reasons
    act(caseworker, case_id, "decision", {"outcome": "REFUSE", "reasons": ["You can walk more than 80 metres without severe pain."]})
    at(case_id, Stage.REFUSED)
    # The workflow saves the case, then sends the email: wait for the email rather than read it at once.
    [refusal] = wait_until(
        lambda: [mail for mail in emails_to(application["contact"]["email"]) if mail.subject.startswith("Decision")],
        what="the refusal email")
    assert "You can walk more than 80 metres without severe pain." in refusal.body and "review" in refusal.body

    act(caseworker, case_id, "review-request", {"grounds": "My consultant's letter shows I cannot walk 50 m."})
    at(case_id, Stage.REVIEW)
    status, body = caseworker.call("POST", f"/cases/{case_id}/review", {
        "expected_version": store_for(NORTHSHIRE).get(case_id).version, "outcome": "OVERTURN"})
    assert status == 403 and "different caseworker" in body["message"]
    act(second_caseworker, case_id, "review", {"outcome": "OVERTURN", "order": {"deliver_to": "COUNCIL"}})
    case = at(case_id, Stage.ORDERED)
    assert execution_status(stack, clients, WorkflowKey.APPLICATION, case_id) == "SUCCEEDED"
    assert case.review.by == SECOND_CASEWORKER and case.review.outcome.value == "OVERTURN"
    badge = badge_store_for(NORTHSHIRE).get_badge(case.badge_numbers[0])
    assert badge.batch_type.value == "LA" and badge.eligibility.value == "WALKD"
    assert badge.expiry_date.year == date.today().year + 3  # no award to end it sooner


def test_a_review_that_upholds_the_refusal_closes_the_case(caseworker, second_caseworker, stack, clients):
    application = someone_new()
    case_id = key_in(caseworker, application)
    at(case_id, Stage.PROOF_CHECK)
    act(caseworker, case_id, "proof-check", {"confirmed": False, "notes": "The letter is for the daily living component only"})
    at(case_id, Stage.DECISION)
    act(caseworker, case_id, "decision", {"outcome": "REFUSE", "reasons": ["Your PIP award does not include the mobility points needed."]})
    at(case_id, Stage.REFUSED)
    act(caseworker, case_id, "review-request", {"grounds": "I have appealed the PIP decision."})
    at(case_id, Stage.REVIEW)
    act(second_caseworker, case_id, "review", {"outcome": "UPHOLD"}, expected=422)  # upholding needs reasons
    act(second_caseworker, case_id, "review", {"outcome": "UPHOLD", "reasons": ["The PIP award letter still shows 4 points."]})
    assert execution_status(stack, clients, WorkflowKey.APPLICATION, case_id) == "SUCCEEDED"
    case = store_for(NORTHSHIRE).get(case_id)
    assert case.stage is Stage.REFUSED and case.task_token is None and case.badge_numbers == []
    [upheld] = [mail for mail in emails_to(application["contact"]["email"]) if mail.subject.startswith("The review")]
    assert "The PIP award letter still shows 4 points." in upheld.body
    # No second review: the workflow is over.
    act(caseworker, case_id, "review-request", {"grounds": "Again"}, expected=409)


def test_no_review_request_within_the_window_leaves_the_refusal_final(stack, clients, caseworker, monkeypatch):
    """The real ASL with a 1-second review window (the deadline step made to close it a second from now): the callback
    times out and the execution ends."""
    from shared.services.blue_badge.logic import workflow_steps

    monkeypatch.setattr(workflow_steps, "review_window_closes", lambda store, council, case_id: utcnow() + timedelta(seconds=1))
    council = councils().get(NORTHSHIRE)
    application = Application.model_validate(someone_new())
    now = utcnow()
    case = BadgeCase.open(application, missing_items(application, council), now)
    store_for(NORTHSHIRE).create(case, AuditEntry(case_id=case.case_id, at=now, actor="test", action="CASE_OPENED"))
    arn = stack.state_machine_arns[WorkflowKey.APPLICATION]
    clients["stepfunctions"].start_execution(stateMachineArn=arn, name=case.case_id, input=json.dumps(
        {"council_code": NORTHSHIRE, "case_id": case.case_id}))
    at(case.case_id, Stage.PROOF_CHECK)
    act(caseworker, case.case_id, "proof-check", {"confirmed": False})
    at(case.case_id, Stage.DECISION)
    act(caseworker, case.case_id, "decision", {"outcome": "REFUSE", "reasons": ["No qualifying award."]})
    assert wait_for_execution(clients["stepfunctions"], arn, case.case_id, timeout=30)["status"] == "SUCCEEDED"
    assert store_for(NORTHSHIRE).get(case.case_id).stage is Stage.REFUSED


def test_two_caseworkers_deciding_at_once_one_wins_and_the_other_gets_409(caseworker, second_caseworker):
    case_id = key_in(caseworker, someone_new())
    at(case_id, Stage.PROOF_CHECK)
    act(caseworker, case_id, "proof-check", {"confirmed": True})
    case = at(case_id, Stage.DECISION)
    approve = {"expected_version": case.version, "outcome": "APPROVE"}
    refuse = {"expected_version": case.version, "outcome": "REFUSE", "reasons": ["No."]}
    first = caseworker.call("POST", f"/cases/{case_id}/decision", approve)
    second = second_caseworker.call("POST", f"/cases/{case_id}/decision", refuse)
    assert (first[0], second[0]) == (200, 409), (first, second)
    at(case_id, Stage.ORDERED)
    assert [entry.action for entry in store_for(NORTHSHIRE).history(case_id)].count("DECIDED") == 1


def test_another_councils_staff_get_404_on_every_case_endpoint(caseworker, api_as):
    case_id = key_in(caseworker, someone_new())
    case = at(case_id, Stage.PROOF_CHECK)
    other = api_as("VALEWYE", Role.TEAM_LEADER, Role.CASEWORKER)
    body = {"expected_version": case.version}
    for method, path, extra in [
        ("GET", f"/cases/{case_id}", None), ("GET", f"/cases/{case_id}/person", None),
        ("POST", f"/cases/{case_id}/proof-check", {"confirmed": True}),
        ("POST", f"/cases/{case_id}/assessment", {"outcome": "ELIGIBLE", "summary": "x"}),
        ("POST", f"/cases/{case_id}/decision", {"outcome": "APPROVE"}),
        ("POST", f"/cases/{case_id}/payment", {"amount_pence": 1000, "reference": "X"}),
        ("POST", f"/cases/{case_id}/review-request", {"grounds": "x"}),
        ("POST", f"/cases/{case_id}/review", {"outcome": "OVERTURN"}),
        ("POST", f"/cases/{case_id}/assignment", {"assignee": None}),
        ("POST", f"/cases/{case_id}/priority", {"priority": 90}),
        ("POST", f"/cases/{case_id}/referral", {"assessor": None}),
        ("POST", f"/cases/{case_id}/supplied", {}),
        ("POST", f"/cases/{case_id}/notes", None),
    ]:
        payload = {"text": "x"} if path.endswith("/notes") else (None if method == "GET" else body | (extra or {}))
        status, answer = other.call(method, path, payload)
        assert status == 404, (path, status, answer)
    assert store_for(NORTHSHIRE).get(case_id).version == case.version


def test_fee_taken_on_approval_waits_for_payment_before_the_order(caseworker, monkeypatch):
    registry = councils()
    northshire = registry.get(NORTHSHIRE)
    monkeypatch.setitem(registry._by_code, NORTHSHIRE, with_badge_settings(northshire, fee_taken_on=FeeTiming.APPROVAL))
    case_id = key_in(caseworker, someone_new(payment=REMOVE))
    assert store_for(NORTHSHIRE).get(case_id).missing == []  # the fee is not a missing item for this council
    at(case_id, Stage.PROOF_CHECK)
    act(caseworker, case_id, "proof-check", {"confirmed": True})
    at(case_id, Stage.DECISION)
    act(caseworker, case_id, "decision", {"outcome": "APPROVE"})
    at(case_id, Stage.AWAITING_PAYMENT)
    answer = act(caseworker, case_id, "payment", {"amount_pence": 500, "reference": "PAY-9"}, expected=422)
    assert answer["errors"][0]["field"] == "amount_pence"
    act(caseworker, case_id, "payment", {"amount_pence": 1000, "reference": "PAY-9"})
    case = at(case_id, Stage.ORDERED)
    assert case.application.payment.paid and case.application.payment.reference == "PAY-9"
    # The fee came between the approval and the order, so each was told on its own (the order's email follows the
    # ORDERED stage in the same workflow step, so wait for it).
    address, deadline = str(case.application.contact.email), time.monotonic() + 20
    while len(emails_to(address)) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [mail.subject.split(" - ")[0] for mail in emails_to(address)] == [
        "We have received your Blue Badge application", "Your Blue Badge application has been approved", "Your Blue Badge has been ordered"]


def issue(badge_number: str) -> None:
    """What the print supplier's confirmation will do (issue 5): ORDERED -> PROCESSED -> ISSUED."""
    store = badge_store_for(NORTHSHIRE)
    badge = store.get_badge(badge_number)
    now = utcnow()
    for status in (BadgeStatus.PROCESSED, BadgeStatus.ISSUED):
        moved = badge.moved_to(status, now, now.date())
        store.save_badge(moved, badge.version, AuditEntry(case_id=badge.case_id, at=now, actor="test:printer", action="BADGE_" + status.value))
        badge = moved


def test_replacement_of_a_stolen_badge_gets_a_new_number_with_the_same_expiry(caseworker, stack, clients):
    case_id, old = order_a_badge(caseworker, someone_new())
    number = old["badge_number"]
    status, body = caseworker.call("POST", f"/badges/{number}/replace", {"reason": "STOLE"})
    assert status == 422 and "crime_reference" in json.dumps(body)
    # An ORDERED badge is not replaced (it is not printed yet): the decision says why.
    # The council charges its fee again for a replacement, taken with the request.
    status, body = caseworker.call("POST", f"/badges/{number}/replace", {
        "reason": "STOLE", "crime_reference": "CR/2026/777", "payment": {"amount_pence": 1000, "paid": True, "reference": "PAY-R1"}})
    assert status == 201, body
    replacement_id = body["case_id"]
    case = at(replacement_id, Stage.DECISION)
    answer = act(caseworker, replacement_id, "decision", {"outcome": "APPROVE"}, expected=422)
    assert "ORDERED" in answer["errors"][0]["message"]

    issue(number)
    act(caseworker, replacement_id, "decision", {"outcome": "APPROVE"})
    replaced_case = at(replacement_id, Stage.ORDERED)
    assert execution_status(stack, clients, WorkflowKey.REPLACEMENT, replacement_id) == "SUCCEEDED"
    [new_number] = replaced_case.badge_numbers
    new, old_now = badge_store_for(NORTHSHIRE).get_badge(new_number), badge_store_for(NORTHSHIRE).get_badge(number)
    assert new_number != number and new.replaces == number
    assert new.start_date == date.today() and new.expiry_date.isoformat() == old["expiry_date"]
    assert old_now.status is BadgeStatus.REPLACED and old_now.status_reason == "STOLE" and old_now.replaced_by == new_number
    assert case.application.holder.surname == old["holder"]["surname"]  # nothing re-keyed


def test_cancelling_a_badge_directly_and_through_a_cancellation_request(caseworker, api_as, stack, clients):
    _, first = order_a_badge(caseworker, someone_new())
    status, body = api_as(NORTHSHIRE, Role.READ_ONLY).call("POST", f"/badges/{first['badge_number']}/cancel", {"expected_version": 1, "reason": "REVOKE"})
    assert status == 403
    status, body = caseworker.call("POST", f"/badges/{first['badge_number']}/cancel", {"expected_version": 1, "reason": "NOTAREASON"})
    assert status == 422 and body["errors"][0]["field"] == "reason"
    status, body = caseworker.call("POST", f"/badges/{first['badge_number']}/cancel", {"expected_version": 1, "reason": "REVOKE"})
    assert status == 200 and body["badge"]["status"] == "CANCELLED" and body["badge"]["status_reason"] == "REVOKE"
    status, body = caseworker.call("POST", f"/badges/{first['badge_number']}/cancel", {"expected_version": 2, "reason": "REVOKE"})
    assert status == 422 and "from CANCELLED" in body["errors"][0]["message"]

    _, second = order_a_badge(caseworker, someone_new())
    request = complete_application(NORTHSHIRE, application_type="CANCEL", cancel_reason="DECEASE",
                                   existing_badge_number=second["badge_number"], evidence=[], eligibility=REMOVE)
    case_id = key_in(caseworker, request)
    at(case_id, Stage.DECISION)
    act(caseworker, case_id, "decision", {"outcome": "APPROVE"})
    at(case_id, Stage.BADGE_CANCELLED)
    assert execution_status(stack, clients, WorkflowKey.CANCELLATION, case_id) == "SUCCEEDED"
    badge = badge_store_for(NORTHSHIRE).get_badge(second["badge_number"])
    assert badge.status is BadgeStatus.CANCELLED and badge.status_reason == "DECEASE"
    # Whoever asked is told that the badge can no longer be used and goes back (domain notes, Badge lifecycle).
    [notice] = wait_until(lambda: [mail for mail in emails_to(request["contact"]["email"])
                                   if mail.subject == f"Blue Badge {second['badge_number']} has been cancelled - reference {case_id}"] or None,
                          what="the cancellation notice")
    assert "can no longer be used. Please return it to us" in notice.body
    assert caseworker.call("GET", "/badges/000000")[0] == 404

    # A request to cancel a badge that is already cancelled is refused at the decision, saying why.
    again = complete_application(NORTHSHIRE, application_type="CANCEL", cancel_reason="NOLONG",
                                 existing_badge_number=first["badge_number"], evidence=[], eligibility=REMOVE)
    case_id = key_in(caseworker, again)
    at(case_id, Stage.DECISION)
    answer = act(caseworker, case_id, "decision", {"outcome": "APPROVE"}, expected=422)
    assert answer["errors"][0]["field"] == "existing_badge_number" and "CANCELLED" in answer["errors"][0]["message"]
    act(caseworker, case_id, "decision", {"outcome": "REFUSE", "reasons": ["The badge is already cancelled."]})
    assert execution_status(stack, clients, WorkflowKey.CANCELLATION, case_id) == "SUCCEEDED"
    closed = store_for(NORTHSHIRE).get(case_id)
    assert closed.stage is Stage.REFUSED and closed.task_token is None  # no review of a cancellation request


def test_the_one_badge_rule_refuses_a_second_badge_for_the_same_person(caseworker):
    person = someone_new()
    order_a_badge(caseworker, person)
    again = complete_application(NORTHSHIRE, channel="PAPER", holder=person["holder"], contact=person["contact"])
    case_id = key_in(caseworker, again)
    at(case_id, Stage.PROOF_CHECK)
    act(caseworker, case_id, "proof-check", {"confirmed": True})
    at(case_id, Stage.DECISION)
    answer = act(caseworker, case_id, "decision", {"outcome": "APPROVE"}, expected=422)
    assert answer["errors"][0]["field"] == "existing_badges" and "already has a live badge" in answer["errors"][0]["message"]
    answer = act(caseworker, case_id, "decision", {"outcome": "APPROVE", "order": {"start_date": "2020-01-01"}}, expected=422)
    # The view of the person shows the earlier case and badge, and flags nothing closed as a duplicate.
    status, person_view = caseworker.call("GET", f"/cases/{case_id}/person")
    assert status == 200 and len(person_view["applications"]) == 1 and len(person_view["badges"]) == 1
    assert person_view["possible_duplicates"] == []


def test_a_step_that_fails_marks_the_case_as_needing_attention(caseworker, stack, clients, monkeypatch):
    from shared.services.blue_badge.adapters.badge_numbers import BadgeNumbers

    def unavailable(self, count=1):
        raise RuntimeError("badge number counter unavailable")

    case_id = key_in(caseworker, someone_new())
    at(case_id, Stage.PROOF_CHECK)
    act(caseworker, case_id, "proof-check", {"confirmed": True})
    at(case_id, Stage.DECISION)
    monkeypatch.setattr(BadgeNumbers, "issue", unavailable)
    act(caseworker, case_id, "decision", {"outcome": "APPROVE"})
    assert execution_status(stack, clients, WorkflowKey.APPLICATION, case_id) == "FAILED"
    case = store_for(NORTHSHIRE).get(case_id)
    assert case.stage is Stage.DECISION and "badge number counter unavailable" in case.needs_attention
    status, queue = caseworker.call("GET", "/cases?stage=DECISION&limit=100")
    assert [entry["needs_attention"] for entry in queue["cases"] if entry["case_id"] == case_id] == [case.needs_attention]


def test_decision_input_is_checked_field_by_field(caseworker):
    case_id = key_in(caseworker, someone_new())
    at(case_id, Stage.PROOF_CHECK)
    act(caseworker, case_id, "decision", {"outcome": "APPROVE"}, expected=409)  # not at the decision yet
    act(caseworker, case_id, "proof-check", {"confirmed": True})
    at(case_id, Stage.DECISION)
    for body, field in [
        ({"outcome": "MAYBE"}, "outcome"),
        ({"outcome": "APPROVE", "order": {"deliver_to": "COUNCIL", "delivery_option": "FAST"}}, "order"),
        ({"outcome": "APPROVE", "order": {"start_date": "2020-01-01"}}, "order.start_date"),
        ({"outcome": "APPROVE", "colour": "blue"}, "colour"),
    ]:
        answer = act(caseworker, case_id, "decision", body, expected=422)
        assert answer["errors"][0]["field"].startswith(field), answer
    status, answer = caseworker.call("POST", f"/cases/{case_id}/decision", "not json")
    assert status == 422
    assert store_for(NORTHSHIRE).get(case_id).stage is Stage.DECISION
    future = (date.today() + timedelta(days=10)).isoformat()
    act(caseworker, case_id, "decision", {"outcome": "APPROVE", "order": {"start_date": future}})
    assert at(case_id, Stage.ORDERED)


def test_an_organisation_order_larger_than_one_transaction_gets_every_badge(caseworker):
    application = complete_application(
        NORTHSHIRE, channel="PAPER", party="ORG", holder=REMOVE, eligibility=REMOVE, evidence=[],
        organisation={"name": f"Dial-a-Ride {random.randint(0, 10**6)}", "number_of_badges": 120,
                      "address": {"line1": "1 Depot Road", "town": "Northby", "postcode": "NE1 4XF"}},
        payment={"amount_pence": 120 * 1000, "paid": True, "reference": "PAY-120"})  # the fee is per badge
    case_id = key_in(caseworker, application)
    at(case_id, Stage.DECISION)
    act(caseworker, case_id, "decision", {"outcome": "APPROVE", "order": {"deliver_to": "COUNCIL"}})
    case = at(case_id, Stage.ORDERED)
    loaded = store_for(NORTHSHIRE).load(case_id)
    assert len(case.badge_numbers) == 120 == len(set(case.badge_numbers)) == len(badges_of(loaded))
    assert {badge.organisation_name for badge in badges_of(loaded)} == {application["organisation"]["name"]}
    assert all(badge.holder is None and badge.batch_type.value == "LA" for badge in badges_of(loaded))


def test_a_caseworker_asks_for_more_and_the_answered_case_is_screened_again(caseworker, api_as):
    """Information asked for after screening runs the same loop as at intake: the email, the reply, the recheck, screening."""
    application = someone_new()
    email = application["contact"]["email"]
    case_id = key_in(caseworker, application)
    at(case_id, Stage.PROOF_CHECK)
    act(api_as(NORTHSHIRE, Role.READ_ONLY), case_id, "information-request", {"items": [{"code": "PHOTO"}]}, expected=403)
    for items in ([], [{"code": "SHOE_SIZE"}], [{"code": "PHOTO"}, {"code": "PHOTO"}]):
        act(caseworker, case_id, "information-request", {"items": items}, expected=422)

    act(caseworker, case_id, "information-request", {"items": [{"code": "PROOF_OF_ELIGIBILITY", "note": "Page 2 of the award letter is missing."}]})
    case = at(case_id, Stage.AWAITING_INFORMATION)
    assert case.missing_codes == ["PROOF_OF_ELIGIBILITY"] and case.information_due is not None
    assert case.information_request.at_stage is Stage.PROOF_CHECK and case.information_request.by == CASEWORKER
    def asking() -> list:
        return [mail for mail in emails_to(email) if mail.subject.startswith("We need more information")]

    [asked] = wait_until(asking, what="the missing-information email")  # sent just after the case is saved
    assert "Proof of eligibility, such as the benefit award letter: Page 2 of the award letter is missing." in asked.body

    act(caseworker, case_id, "supplied", {"evidence": [case_file(case_id, "PROOF_ELIG", "reply-letter-2.pdf")]})
    at(case_id, Stage.PROOF_CHECK)  # screened again: the automatic route comes back to the proof check
    act(caseworker, case_id, "proof-check", {"confirmed": True})
    at(case_id, Stage.DECISION)
    act(caseworker, case_id, "information-request", {"items": [{"code": "PHOTO", "note": "Your face must be uncovered."}]})
    at(case_id, Stage.AWAITING_INFORMATION)
    act(caseworker, case_id, "supplied", {"evidence": [case_file(case_id, "PHOTO", "reply-photo-2.jpg")]})
    at(case_id, Stage.PROOF_CHECK)
    actions = case_actions(store_for(NORTHSHIRE), case_id)
    assert actions.count("INFORMATION_ASKED_FOR") == 2 and actions.count("INFORMATION_REQUESTED") == 2
    assert len(wait_until(lambda: len(asking()) == 2 and asking(), what="the second missing-information email")) == 2
    # Not once the case is decided.
    act(caseworker, case_id, "proof-check", {"confirmed": True})
    at(case_id, Stage.DECISION)
    act(caseworker, case_id, "decision", {"outcome": "REFUSE", "reasons": ["No."]})
    at(case_id, Stage.REFUSED)
    act(caseworker, case_id, "information-request", {"items": [{"code": "PHOTO"}]}, expected=409)
    assert store_for(NORTHSHIRE).get(case_id).stage is Stage.REFUSED


def test_information_asked_for_at_an_assessment_comes_back_to_the_assessment(caseworker):
    application = someone_new(eligibility={"code": "WALKD", "walking": {"difficulties": ["PAIN"], "speed": "SLOW", "length_of_time": "FEWMIN"}})
    case_id = key_in(caseworker, application)
    at(case_id, Stage.ASSESSMENT)
    act(caseworker, case_id, "information-request", {"items": [{"code": "WALKING_DETAILS", "note": "How far can you walk?"}]})
    at(case_id, Stage.AWAITING_INFORMATION)
    act(caseworker, case_id, "supplied", {"changes": {"eligibility": {"walking": {"length_of_time": "LESSMIN"}}}})
    case = at(case_id, Stage.ASSESSMENT)
    assert case.application.eligibility.walking.length_of_time.value == "LESSMIN" and case.missing == []
