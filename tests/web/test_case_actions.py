"""Each action on a case as its own page: validation messages, check your answers, confirmation, and a stale version."""

from __future__ import annotations

import re
from datetime import date, timedelta

from shared.bootstrap import badge_store_for, councils, store_for, workflows
from shared.services.blue_badge.domain.application import EvidenceRef, EvidenceType
from shared.services.blue_badge.domain.badge import BadgeStatus
from shared.core.domain.case import AuditEntry, utcnow
from shared.services.blue_badge.domain.case import Stage
from shared.services.blue_badge.domain.settings import FeeTiming
from shared.core.domain.evidence import case_evidence_prefix
from shared.resources import Role
from shared.services.blue_badge.logic.information import SuppliedInformation, record_supplied
from tests.factories import with_badge_settings, REMOVE
from tests.web.case_fixtures import NORTHSHIRE, at, case_now, error_summary, open_case, send, someone_new
from tests.web.conftest import Browser


def test_proof_check_names_what_is_missing_then_moves_the_case_on(signed_in):
    case_id = open_case()
    at(case_id, Stage.PROOF_CHECK)
    browser = signed_in()
    page = browser.get(f"/cases/{case_id}")
    assert "Record the proof check" in page.text and f'href="/cases/{case_id}/proof-check"' in page.html

    empty = send(browser, f"/cases/{case_id}/proof-check", {"notes": "Looked"})
    assert empty.status == 400 and error_summary(empty) == ["Select yes if the proof shows the applicant meets the criterion"]
    assert 'href="#confirmed"' in empty.html and "Looked" in empty.html  # what was typed stays
    too_long = send(browser, f"/cases/{case_id}/proof-check", {"confirmed": "yes", "notes": "x" * 4001})
    assert too_long.status == 400 and "4000 characters" in error_summary(too_long)[0]

    done = send(browser, f"/cases/{case_id}/proof-check", {"confirmed": "yes", "notes": "PIP letter, 10 points"})
    assert done.status == 303 and done.location == f"/cases/{case_id}?done=proof-check"  # back to the case, with a banner
    banner = browser.get(done.location)
    assert "govuk-notification-banner--success" in banner.html and "Proof check recorded" in banner.text and case_id in banner.text
    case = at(case_id, Stage.DECISION)
    assert case.proof_check.confirmed and case.proof_check.notes == "PIP letter, 10 points"


def test_a_stale_version_shows_the_case_has_changed_page(signed_in):
    case_id = open_case()
    case = at(case_id, Stage.PROOF_CHECK)
    browser = signed_in()
    form = browser.get(f"/cases/{case_id}/proof-check")
    # Someone else changes the case meanwhile.
    store_for(NORTHSHIRE).save(case.changed(utcnow(), priority=90), case.version, AuditEntry(
        case_id=case_id, at=utcnow(), actor="user:someone.else", action="PRIORITY_CHANGED"))
    page = browser.post(f"/cases/{case_id}/proof-check", {"csrf_token": form.csrf_token, "expected_version": case.version, "confirmed": "yes"})
    assert page.status == 409 and "This case has changed since you opened it" in page.text
    assert f'href="/cases/{case_id}">Go back to the case</a>' in page.html  # the link goes where the page says
    assert case_now(case_id).stage is Stage.PROOF_CHECK and case_now(case_id).proof_check is None


def test_deciding_to_approve_goes_through_the_order_and_check_your_answers(signed_in):
    case_id = open_case()
    at(case_id, Stage.PROOF_CHECK)
    browser = signed_in()
    send(browser, f"/cases/{case_id}/proof-check", {"confirmed": "yes"})
    case = at(case_id, Stage.DECISION)

    nothing = send(browser, f"/cases/{case_id}/decision", {})
    assert nothing.status == 400 and error_summary(nothing) == ["Select the outcome"] and 'href="#outcome"' in nothing.html
    chosen = send(browser, f"/cases/{case_id}/decision", {"outcome": "APPROVE"})
    assert chosen.status == 303 and chosen.location == f"/cases/{case_id}/decision/order"
    order_page = f"/cases/{case_id}/decision/order"
    for fields, message, field_id in (
        ({"start-date-day": "31", "start-date-month": "2", "start-date-year": "2030"}, "Start date must be a real date", "start-date-day"),
        ({"start-date-day": "1", "start-date-month": "1", "start-date-year": "2020"}, "Start date must be today or in the future", "start-date-day"),
        ({"deliver-to": "COUNCIL", "delivery-option": "FAST"}, "ast", "delivery-option"),
    ):
        refused = send(browser, order_page, fields)
        assert refused.status == 400 and message in " ".join(error_summary(refused)), (fields, error_summary(refused))
        assert f'href="#{field_id}"' in refused.html  # a date's error leads to its Day field
    start = date.today() + timedelta(days=7)
    details = send(browser, order_page, {"start-date-day": str(start.day), "start-date-month": str(start.month),
                                         "start-date-year": str(start.year), "deliver-to": "HOME", "delivery-option": "FAST"})
    assert details.status == 303 and details.location == f"/cases/{case_id}/decision/check"

    check = browser.get(details.location)
    assert check.status == 200 and check.title == f"Check your answers - Case {case_id} - Blue Badge casework"
    text = check.text
    assert "Outcome Approve and order the badge" in text and f"Badge starts {start.day} {start:%B %Y}" in text
    assert "The holder's home, fast track" in text
    assert f'href="/cases/{case_id}/decision/order">Change<span class="govuk-visually-hidden"> when the badge starts' in check.html
    # Going back to change keeps the answers.
    assert f'value="{start.day}"' in browser.get(order_page).html
    assert case_now(case_id).stage is Stage.DECISION  # nothing is sent before the check

    sent = send(browser, f"/cases/{case_id}/decision/check", {})
    assert sent.status == 303 and sent.location == f"/cases/{case_id}?done=decision"
    assert "Decision sent" in browser.get(sent.location).text
    ordered = at(case_id, Stage.ORDERED)
    assert ordered.decision.order.start_date == start and ordered.decision.order.delivery_option.value == "FAST"
    assert ordered.version > case.version
    # The journey's drafts are gone: a new decision would start afresh.
    assert browser.get(f"/cases/{case_id}/decision/check").status == 303


def test_refusing_needs_reasons_and_the_review_is_checked_then_sent_by_someone_else(signed_in, staff):
    case_id = open_case()
    at(case_id, Stage.PROOF_CHECK)
    browser = signed_in()
    send(browser, f"/cases/{case_id}/proof-check", {"confirmed": "no"})
    at(case_id, Stage.DECISION)
    assert send(browser, f"/cases/{case_id}/decision", {"outcome": "REFUSE"}).location == f"/cases/{case_id}/decision/reasons"
    empty = send(browser, f"/cases/{case_id}/decision/reasons", {"reasons": "\n \n"})
    assert empty.status == 400 and error_summary(empty) == ["Enter the reasons, which the applicant is told"]
    too_many = send(browser, f"/cases/{case_id}/decision/reasons", {"reasons": "\n".join(f"Reason {n}" for n in range(11))})
    assert too_many.status == 400 and "up to 10 reasons" in error_summary(too_many)[0]
    send(browser, f"/cases/{case_id}/decision/reasons", {"reasons": "Your PIP award has no mobility points.\nThe letter is out of date."})
    check = browser.get(f"/cases/{case_id}/decision/check")
    assert "Outcome Refuse" in check.text and "Your PIP award has no mobility points." in check.text and "The letter is out of date." in check.text
    assert send(browser, f"/cases/{case_id}/decision/check", {}).location == f"/cases/{case_id}?done=decision"
    refused = at(case_id, Stage.REFUSED)
    assert refused.decision.reasons == ["Your PIP award has no mobility points.", "The letter is out of date."]

    assert send(browser, f"/cases/{case_id}/review-request", {"grounds": ""}).status == 400
    assert send(browser, f"/cases/{case_id}/review-request", {"grounds": "I have a new award letter."}).status == 303
    at(case_id, Stage.REVIEW)
    # The caseworker who refused may not review: the page is refused even when posted directly.
    send(browser, f"/cases/{case_id}/review", {"outcome": "UPHOLD"})
    send(browser, f"/cases/{case_id}/review/reasons", {"reasons": "Still no points."})
    assert send(browser, f"/cases/{case_id}/review/check", {}).status == 403

    reviewer = Browser()
    reviewer.sign_in(staff("NORTHSHIRE", Role.TEAM_LEADER))
    assert send(reviewer, f"/cases/{case_id}/review", {"outcome": "OVERTURN"}).location == f"/cases/{case_id}/review/order"
    send(reviewer, f"/cases/{case_id}/review/order", {"deliver-to": "COUNCIL", "delivery-option": "STANDARD"})
    check = reviewer.get(f"/cases/{case_id}/review/check")
    assert "Overturn the refusal and order the badge" in check.text and "The council, for collection, standard" in check.text
    assert send(reviewer, f"/cases/{case_id}/review/check", {}).location == f"/cases/{case_id}?done=review"
    case = at(case_id, Stage.ORDERED)
    assert case.review.outcome.value == "OVERTURN" and case.review.order.deliver_to.value == "COUNCIL"


def test_asking_for_information_sends_the_case_round_the_loop_and_back_through_screening(signed_in):
    case_id = open_case()
    at(case_id, Stage.PROOF_CHECK)
    browser = signed_in()
    page = browser.get(f"/cases/{case_id}/information-request")
    assert 'name="items" type="checkbox" value="PHOTO"' in page.html and 'name="note-PHOTO"' in page.html

    nothing = send(browser, f"/cases/{case_id}/information-request", {})
    assert nothing.status == 400 and error_summary(nothing) == ["Select what the applicant needs to send"]
    long_note = send(browser, f"/cases/{case_id}/information-request", {"items": "PHOTO", "note-PHOTO": "x" * 201})
    assert long_note.status == 400 and 'href="#note-PHOTO"' in long_note.html

    done = send(browser, f"/cases/{case_id}/information-request",
                {"items": ["PHOTO", "PROOF_OF_ADDRESS"], "note-PHOTO": "Your face must not be covered.", "note-PROOF_OF_ADDRESS": ""})
    assert done.status == 303 and "Information asked for" in browser.get(done.location).text
    case = at(case_id, Stage.AWAITING_INFORMATION)
    assert case.missing_codes == ["PHOTO", "PROOF_OF_ADDRESS"]
    assert case.missing[0].description == "A recent passport-style photo of the badge holder: Your face must not be covered."
    shown = browser.get(f"/cases/{case_id}")
    assert "Your face must not be covered." in shown.text and "Last asked for by" in shown.text and "at the proof check" in shown.text

    # The applicant answers (through the reply page or a caseworker recording it); screening sends it back to the proof check.
    record_supplied(store_for(NORTHSHIRE), councils().get(NORTHSHIRE), workflows(), case_id, SuppliedInformation(
        expected_version=case.version, evidence=[EvidenceRef(type=EvidenceType.PHOTO, key=f"{case_evidence_prefix(NORTHSHIRE, case_id)}reply-photo-1.jpg")]),
        "applicant", utcnow())
    back = at(case_id, Stage.PROOF_CHECK)
    assert back.missing == []
    answered = browser.get(f"/cases/{case_id}")
    assert re.search(r"Your face must not be covered\.\s*</div>\s*</div>\s*<div class=\"govuk-task-list__status\"[^>]*>\s*Answered", answered.html)


def test_referral_and_assessment_by_the_referred_assessor(signed_in, staff):
    application = someone_new(eligibility={"code": "WALKD", "walking": {"difficulties": ["PAIN"], "speed": "SLOW", "length_of_time": "FEWMIN"}})
    case_id = open_case(application)
    at(case_id, Stage.ASSESSMENT)
    browser = signed_in()
    # The assessor is chosen from the council's assessors: anyone else is refused.
    assessor_email = staff("NORTHSHIRE", Role.ASSESSOR, email="olu.assessor@example.gov.uk")
    for typed in ("not an email", "nobody@elsewhere.example"):
        bad = send(browser, f"/cases/{case_id}/referral", {"assignee": typed})
        assert bad.status == 400 and 'href="#assignee"' in bad.html and error_summary(bad) == ["Choose a member of staff from the list"]
    assert f'<option value="{assessor_email}"' in bad.html
    assert send(browser, f"/cases/{case_id}/referral", {"assignee": assessor_email}).status == 303
    assert case_now(case_id).referred_to == assessor_email

    assessor = Browser()
    assessor.sign_in(assessor_email)
    page = assessor.get(f"/cases/{case_id}")
    assert "Record the assessment" in page.text and "Refer to an assessor" not in page.text and "Decide" not in page.text
    missing = send(assessor, f"/cases/{case_id}/assessment", {})
    assert error_summary(missing) == ["Select whether the applicant is eligible", "Enter what the assessment found and why"]
    assert send(assessor, f"/cases/{case_id}/assessment", {"outcome": "ELIGIBLE", "summary": "Cannot walk 50 m."}).status == 303
    case = at(case_id, Stage.DECISION)
    assert case.assessment.by == assessor_email
    assert assessor.get(f"/cases/{case_id}/decision").status == 403


def test_claim_and_release(signed_in):
    case_id = open_case()
    at(case_id, Stage.PROOF_CHECK)
    browser = signed_in()
    page = browser.get(f"/cases/{case_id}")
    taken = browser.post(f"/cases/{case_id}/assignment", {"csrf_token": page.csrf_token, "expected_version": re.search(
        r'name="expected_version" value="(\d+)"', page.html).group(1)})
    assert taken.status == 303 and taken.location == f"/cases/{case_id}?done=claimed"
    me = case_now(case_id).assignee
    assert me and "Release this case" in browser.get(f"/cases/{case_id}").text
    assert send(browser, f"/cases/{case_id}/assignment", {}).location == f"/cases/{case_id}?done=released"
    assert case_now(case_id).assignee is None


def test_payment_when_the_fee_is_taken_on_approval(signed_in, monkeypatch):
    registry = councils()
    monkeypatch.setitem(registry._by_code, NORTHSHIRE, with_badge_settings(registry.get(NORTHSHIRE), fee_taken_on=FeeTiming.APPROVAL))
    case_id = open_case(someone_new(payment=REMOVE))
    at(case_id, Stage.PROOF_CHECK)
    browser = signed_in()
    send(browser, f"/cases/{case_id}/proof-check", {"confirmed": "yes"})
    at(case_id, Stage.DECISION)
    send(browser, f"/cases/{case_id}/decision", {"outcome": "APPROVE"})
    send(browser, f"/cases/{case_id}/decision/order", {})
    send(browser, f"/cases/{case_id}/decision/check", {})
    at(case_id, Stage.AWAITING_PAYMENT)
    assert "Record the payment" in browser.get(f"/cases/{case_id}").text
    for amount, message in (("ten", "Enter the amount paid in pounds and pence"), ("5.00", "less than the fee of £10.00")):
        refused = send(browser, f"/cases/{case_id}/payment", {"amount": amount, "reference": "PAY-7"})
        assert refused.status == 400 and message in error_summary(refused)[0], error_summary(refused)
    assert send(browser, f"/cases/{case_id}/payment", {"amount": "£10", "reference": "PAY-7", "method": "CASH"}).status == 303
    case = at(case_id, Stage.ORDERED)
    assert case.application.payment.amount_pence == 1000 and case.application.payment.method == "CASH"


def ordered_badge(browser) -> tuple[str, str]:
    case_id = open_case()
    at(case_id, Stage.PROOF_CHECK)
    send(browser, f"/cases/{case_id}/proof-check", {"confirmed": "yes"})
    at(case_id, Stage.DECISION)
    send(browser, f"/cases/{case_id}/decision", {"outcome": "APPROVE"})
    send(browser, f"/cases/{case_id}/decision/order", {})
    send(browser, f"/cases/{case_id}/decision/check", {})
    return case_id, at(case_id, Stage.ORDERED).badge_numbers[0]


def move_badge(number: str, *statuses: BadgeStatus, **fields) -> None:
    store = badge_store_for(NORTHSHIRE)
    for status in statuses:
        badge = store.get_badge(number)
        now = utcnow()
        store.save_badge(badge.moved_to(status, now, now.date(), **fields), badge.version,
                         AuditEntry(case_id=badge.case_id, at=now, actor="test:printer", action="BADGE_" + status.value))


def test_badges_are_cancelled_replaced_and_reordered_from_the_case(signed_in):
    browser = signed_in()
    case_id, number = ordered_badge(browser)
    page = browser.get(f"/cases/{case_id}")
    assert f'href="/cases/{case_id}/badges/{number}/cancel"' in page.html and "/replace" not in page.html
    no_reason = send(browser, f"/cases/{case_id}/badges/{number}/cancel", {})
    assert no_reason.status == 400 and error_summary(no_reason) == ["Select why the badge is cancelled"]
    assert send(browser, f"/cases/{case_id}/badges/{number}/cancel", {"reason": "REVOKE"}).location == f"/cases/{case_id}?done=badge-cancelled"
    assert badge_store_for(NORTHSHIRE).get_badge(number).status is BadgeStatus.CANCELLED
    assert browser.get(f"/cases/{case_id}/badges/000000/cancel").status == 404

    case_id, number = ordered_badge(browser)
    move_badge(number, BadgeStatus.PROCESSED, BadgeStatus.ISSUED)
    stolen = send(browser, f"/cases/{case_id}/badges/{number}/replace", {"reason": "STOLE", "channel": "PHONE"})
    assert stolen.status == 400 and error_summary(stolen) == ["Enter the crime reference the police gave"]
    opened = send(browser, f"/cases/{case_id}/badges/{number}/replace", {"reason": "STOLE", "crime-reference": "CR/1/26", "channel": "PHONE",
                                                                         "amount": "10.00", "reference": "PAY-R"})
    assert opened.status == 303 and f"/cases/{case_id}?done=badge-replaced&new=" in opened.location
    new_case = opened.location.split("new=")[1]
    confirmation = browser.get(opened.location)
    assert f'href="/cases/{new_case}"' in confirmation.text or f'href="/cases/{new_case}"' in confirmation.html
    assert case_now(new_case).application.existing_badge_number == number

    case_id, number = ordered_badge(browser)
    move_badge(number, BadgeStatus.PROCESSED)
    move_badge(number, BadgeStatus.REJECT, print_problem="Surname too long for the card")
    page = browser.get(f"/cases/{case_id}/badges/{number}/reorder")
    assert "Surname too long for the card" in page.text
    assert send(browser, f"/cases/{case_id}/badges/{number}/reorder", {"forenames": "Ada", "surname": "x" * 201, "line1": "12 Mill Lane",
                                                                       "town": "Northby", "postcode": "NE1 4XF"}).status == 400
    current = case_now(case_id).application.holder
    done = send(browser, f"/cases/{case_id}/badges/{number}/reorder", {"forenames": "Ada", "surname": "Short", "line1": "12 Mill Lane",
                                                                       "line2": "", "town": "Northby", "postcode": current.address.postcode})
    assert done.status == 303, error_summary(done)
    badge = badge_store_for(NORTHSHIRE).get_badge(number)
    assert badge.status is BadgeStatus.ORDERED and badge.holder.surname == "Short" and badge.print_problem is None
