"""A caseworker's day in fewer steps (issue 17): actions end back on the case with a success banner; automatic routes
are approved and ordered from one page and its check your answers; the header's search box goes straight to a case;
queue rows name the applicant and the route; cases are given or referred only to the council's staff."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest

from shared.bootstrap import store_for
from shared.core.domain.case import AuditEntry, utcnow
from shared.resources import Role
from shared.services.blue_badge.domain.case import Stage
from tests.integration.conftest import case_actions
from tests.web.asc_triage.test_screening_pages import receive
from tests.web.case_fixtures import NORTHSHIRE, at, case_now, error_summary, open_case, send
from tests.web.conftest import Browser
from tests.web.queue_cases import put_case

VALEWYE = "VALEWYE"
NOBODY = "nobody@elsewhere.example"


# ------------------------------------------------------------------ back to the case, with a banner
def test_an_action_ends_on_the_case_with_its_banner_whose_words_never_come_from_the_address(signed_in):
    case_id = open_case()
    at(case_id, Stage.PROOF_CHECK)
    browser = signed_in()
    added = browser.submit(f"/cases/{case_id}/notes", {"text": "Rang the applicant."})
    assert added.status == 303 and added.location == f"/cases/{case_id}?done=note"
    page = browser.get(added.location)
    assert page.status == 200 and page.title.startswith(f"Case {case_id}")
    assert 'govuk-notification-banner--success' in page.html and 'role="alert"' in page.html
    assert "Note added" in page.text and "The note is on the case." in page.text
    assert "Return to the case" not in page.text

    for made_up in ("<script>alert(1)</script>", "Decision%20sent", "__class__", "NOTE"):
        shown = browser.get(f"/cases/{case_id}?done={made_up}")
        assert shown.status == 200 and "govuk-notification-banner--success" not in shown.html, made_up
        assert "<script>alert" not in shown.html
    # The replacement a badge's Replace opened is shown only as a case id.
    replaced = browser.get(f"/cases/{case_id}?done=badge-replaced&new=<b>x</b>")
    assert "Replacement opened" in replaced.text and "<b>x</b>" not in replaced.html and "The replacement is case" not in replaced.text
    assert browser.get(f"/cases/{case_id}/done/note").status == 404  # the confirmation pages are gone


# ------------------------------------------------------------------ proof confirmed: approve and order
def test_proof_confirmed_approve_and_order_is_one_page_then_check_your_answers(signed_in):
    case_id = open_case()
    seen = at(case_id, Stage.PROOF_CHECK)
    browser = signed_in()
    case_page = browser.get(f"/cases/{case_id}")
    # The main button of a proof check on an automatic route; the proof check on its own is still offered.
    buttons = re.findall(r'href="/cases/[^"]+/([\w-]+)" role="button"[^>]*class="govuk-button( govuk-button--secondary)?"', case_page.html)
    assert buttons[:2] == [("approve", ""), ("proof-check", " govuk-button--secondary")]
    assert "Proof confirmed – approve and order" in case_page.text

    path = f"/cases/{case_id}/approve"
    nothing = send(browser, path, {})
    assert nothing.status == 400
    assert error_summary(nothing) == ["Select the box to confirm the proof shows the applicant meets the criterion"]
    assert 'href="#confirmed"' in nothing.html
    past = date.today() - timedelta(days=3)
    in_the_past = send(browser, path, {"confirmed": "yes", "start-date-day": past.day, "start-date-month": past.month,
                                       "start-date-year": past.year})
    assert in_the_past.status == 400 and 'href="#start-date-day"' in in_the_past.html and 'id="start-date-day"' in in_the_past.html
    fast_to_council = send(browser, path, {"confirmed": "yes", "deliver-to": "COUNCIL", "delivery-option": "FAST"})
    assert error_summary(fast_to_council) == ["Fast track is only for badges sent to the holder's home"]

    start = date.today() + timedelta(days=5)
    chosen = send(browser, path, {"confirmed": "yes", "notes": "PIP letter, 10 points", "start-date-day": start.day,
                                  "start-date-month": start.month, "start-date-year": start.year, "deliver-to": "HOME",
                                  "delivery-option": "FAST"})
    assert chosen.status == 303 and chosen.location == f"{path}/check"
    check = browser.get(chosen.location)
    assert check.status == 200 and check.title.startswith("Check your answers - Case ")
    assert "PIP letter, 10 points" in check.text and "The holder's home, fast track" in check.text
    assert f'href="{path}">Change<span class="govuk-visually-hidden"> when the badge starts' in check.html
    assert f'value="{start.day}"' in browser.get(path).html  # changing keeps the answers
    assert case_now(case_id).version == seen.version and case_now(case_id).proof_check is None  # nothing sent before the check

    sent = send(browser, f"{path}/check", {})
    assert sent.status == 303 and sent.location == f"/cases/{case_id}?done=approved"
    banner = browser.get(sent.location)
    assert "Proof confirmed and application approved" in banner.text
    ordered = at(case_id, Stage.ORDERED)
    # The same steps as one by one, each audited as the caseworker's, the badge ordered by the workflow.
    assert ordered.proof_check.confirmed and ordered.proof_check.notes == "PIP letter, 10 points"
    assert ordered.decision.order.start_date == start and ordered.decision.order.delivery_option.value == "FAST"
    steps = case_actions(store_for(NORTHSHIRE), case_id)
    assert steps.index("PROOF_CHECKED") < steps.index("DECIDED") < steps.index("BADGE_ORDERED")
    people = {entry.action: entry.actor for entry in store_for(NORTHSHIRE).history(case_id)}
    assert people["PROOF_CHECKED"] == people["DECIDED"] and people["DECIDED"].startswith("user:")
    assert browser.get(f"{path}/check").status == 303  # the answers are gone once sent


def test_approve_and_order_on_a_case_changed_meanwhile_shows_the_case_has_changed_page(signed_in):
    case_id = open_case()
    case = at(case_id, Stage.PROOF_CHECK)
    browser = signed_in()
    send(browser, f"/cases/{case_id}/approve", {"confirmed": "yes"})
    store_for(NORTHSHIRE).save(case.changed(utcnow(), priority=90), case.version, AuditEntry(
        case_id=case_id, at=utcnow(), actor="user:someone.else", action="PRIORITY_CHANGED"))
    page = send(browser, f"/cases/{case_id}/approve/check", {})
    assert page.status == 409 and "This case has changed since you opened it" in page.text
    assert case_now(case_id).stage is Stage.PROOF_CHECK and case_now(case_id).proof_check is None


def test_approve_and_order_is_for_editors_of_the_council_only(browser, staff):
    case_id = open_case()
    at(case_id, Stage.PROOF_CHECK)
    browser.sign_in(staff(NORTHSHIRE, Role.READ_ONLY))
    assert browser.get(f"/cases/{case_id}/approve").status == 403
    other = Browser()
    other.sign_in(staff(VALEWYE, Role.CASEWORKER))
    assert other.get(f"/cases/{case_id}/approve").status == 404


# ------------------------------------------------------------------ the header's search box
def quick(browser: Browser, typed: str):
    """Type into the header's box and press Enter: the post, and where it leads."""
    posted = browser.post("/search/quick", {"q": typed, "csrf_token": browser.get("/").csrf_token})
    return posted, (browser.get(posted.location) if posted.status == 303 else posted)


def nino() -> str:
    return f"JK{uuid.uuid4().int % 1_000_000:06d}B"


def test_the_header_search_goes_straight_to_a_single_match(signed_in):
    browser = signed_in()
    assert 'action="/search/quick"' in browser.get("/").html and 'id="header-search"' in browser.get("/").html
    badge_number = f"{uuid.uuid4().int % 1_000_000:06d}"
    person = nino()
    replacing = put_case(application={"application_type": "REPLACE", "replace_reason": "LOST", "existing_badge_number": badge_number,
                                      "holder.nino": person})
    for typed in (badge_number, f"  {badge_number.lower()} "):
        posted, _ = quick(browser, typed)
        assert posted.status == 303 and posted.location == f"/cases/{replacing.case_id}", typed
    posted, _ = quick(browser, f"{person[:2]} {person[2:4]} {person[4:6]} {person[6:8]} {person[8]}".lower())
    assert posted.location == f"/cases/{replacing.case_id}"
    posted, _ = quick(browser, replacing.case_id.lower())
    assert posted.location == f"/cases/{replacing.case_id}"
    referral = receive(NORTHSHIRE)
    posted, _ = quick(browser, referral.case_id)
    assert posted.location == f"/referrals/{referral.case_id}"  # a referral's reference opens the referral

    # Two cases: the results page, reached without what was typed in its address.
    second = put_case(application={"holder.nino": person})
    posted, results = quick(browser, person)
    assert re.fullmatch(r"/search\?results=[\w-]{20,}", posted.location) and person not in posted.location
    assert "2 cases found" in results.text and f'href="/cases/{second.case_id}"' in results.html


def test_the_header_search_says_what_it_can_read(signed_in):
    browser = signed_in()
    for typed, message in (("", "Enter a badge number, National Insurance number, postcode or case reference"),
                           ("not a thing", "Enter a badge number (like 1A2B3C), National Insurance number")):
        posted, page = quick(browser, typed)
        assert posted.status == 400 and page.title.startswith("Error: ")
        assert error_summary(page)[0].startswith(message) and 'href="#q"' in page.html and 'id="q"' in page.html
    posted, page = quick(browser, "NORTHSHIRE-000000-ZZZZZZ")
    assert posted.status == 303 and "0 cases found" in page.text


def test_the_header_search_never_finds_another_councils_case_badge_or_referral(signed_in):
    badge_number, person = f"{uuid.uuid4().int % 1_000_000:06d}", nino()
    theirs = put_case(VALEWYE, application={"application_type": "REPLACE", "replace_reason": "LOST",
                                            "existing_badge_number": badge_number, "holder.nino": person})
    their_referral = receive(VALEWYE)
    browser = signed_in()
    for typed in (badge_number, person, theirs.case_id, their_referral.case_id):
        posted, page = quick(browser, typed)
        assert posted.status == 303 and posted.location.startswith("/search?results="), typed
        assert "0 cases found" in page.text and theirs.case_id not in page.html and their_referral.case_id not in page.html


def test_the_header_search_is_not_offered_to_assessors(signed_in):
    assessor = signed_in(NORTHSHIRE, Role.ASSESSOR)
    assert 'action="/search/quick"' not in assessor.get("/").html
    assert assessor.post("/search/quick", {"q": "1A2B3C", "csrf_token": assessor.get("/").csrf_token}).status == 403


# ------------------------------------------------------------------ queue rows
def test_queue_rows_name_the_applicant_and_the_route_and_come_before_the_filters(leader):
    surname = f"Queueperson{uuid.uuid4().hex[:6]}"
    walking = {"code": "WALKD", "walking": {"difficulties": ["PAIN"], "speed": "SLOW", "length_of_time": "FEWMIN"}}
    case = put_case(stage=Stage.DECISION, application={"holder.surname": surname, "eligibility": walking}, priority=100)
    page = leader.get("/queue?stage=DECISION&sort=priority")
    row = re.search(rf'<tr class="govuk-table__row[^"]*">(?:(?!</tr>).)*?/cases/{case.case_id}".*?</tr>', page.html, flags=re.S).group(0)
    assert f">Ada {surname}</a>" in row and f"Case {case.case_id}" in row
    assert "Walking difficulty" in row and "WALKD" not in row
    main = page.html.split("<main", 1)[1]
    assert main.index('id="cases-caption"') < main.index("Filter and sort") < main.index("Saved views")


def test_my_work_rows_name_the_applicant(browser, staff):
    email = staff(NORTHSHIRE, Role.CASEWORKER, email=f"mywork-{uuid.uuid4().hex[:6]}@example.gov.uk")
    surname = f"Mine{uuid.uuid4().hex[:6]}"
    case = put_case(stage=Stage.DECISION, application={"holder.surname": surname}, assignee=email)
    browser.sign_in(email)
    page = browser.get("/")
    row = re.search(rf'<tr class="govuk-table__row[^"]*">(?:(?!</tr>).)*?/cases/{case.case_id}".*?</tr>', page.html, flags=re.S).group(0)
    assert f">Ada {surname}</a>" in row and f"Case {case.case_id}" in row and "Blue Badge, PIP" in re.sub(r"\s+", " ", row)


# ------------------------------------------------------------------ the assignee picker
@pytest.fixture
def caseworker_email(staff) -> str:
    """One of Northshire's caseworkers (not the one `signed_in` signs in as)."""
    return staff(NORTHSHIRE, Role.CASEWORKER, email="picked.caseworker@example.gov.uk")


def test_a_team_leader_gives_a_case_to_someone_on_the_list_and_nobody_else(leader, staff, caseworker_email):
    vale_worker = staff(VALEWYE, Role.CASEWORKER)
    case = put_case(stage=Stage.DECISION, team="blue-badge")
    page = leader.get(f"/cases/{case.case_id}")
    picker = re.search(r'<select class="govuk-select app-staff-picker" id="assignee" name="assignee".*?</select>', page.html, flags=re.S).group(0)
    assert f'value="{caseworker_email}"' in picker and vale_worker not in picker and NOBODY not in picker

    for stranger in (NOBODY, vale_worker, "", "not an email"):
        refused = leader.post(f"/cases/{case.case_id}/assignment", {"csrf_token": page.csrf_token, "expected_version": case.version,
                                                                   "give": "yes", "assignee": stranger})
        assert refused.status == 400 and 'href="#assignee"' in refused.html, stranger
        assert error_summary(refused) == ["Choose who to give the case to" if not stranger else "Choose a member of staff from the list"]
    assert case_now(case.case_id).assignee is None

    given = leader.post(f"/cases/{case.case_id}/assignment", {"csrf_token": page.csrf_token, "expected_version": case.version,
                                                             "give": "yes", "assignee": caseworker_email.upper()})
    assert given.status == 303 and given.location == f"/cases/{case.case_id}?done=assigned"
    assert f"The case is in {caseworker_email}'s work." in leader.get(given.location).text
    assert case_now(case.case_id).assignee == caseworker_email


def test_a_caseworker_is_offered_no_picker_and_cannot_give_a_case_away(signed_in, caseworker_email):
    browser = signed_in()
    case = put_case(stage=Stage.DECISION)
    page = browser.get(f"/cases/{case.case_id}")
    assert 'id="assignee"' not in page.html
    taken = browser.post(f"/cases/{case.case_id}/assignment", {"csrf_token": page.csrf_token, "expected_version": case.version,
                                                              "give": "yes", "assignee": caseworker_email})
    # The button a caseworker has takes the case for themselves: nobody else is ever given it.
    assert taken.status == 303 and case_now(case.case_id).assignee != caseworker_email


def test_a_team_leader_gives_a_referral_to_someone_on_the_list_and_nobody_else(leader, caseworker_email):
    referral = receive(NORTHSHIRE)
    page = leader.get(f"/referrals/{referral.case_id}")
    assert f'<option value="{caseworker_email}"' in page.html
    fields = {"csrf_token": page.csrf_token, "expected_version": referral.version, "give": "yes"}
    refused = leader.post(f"/referrals/{referral.case_id}/assignment", {**fields, "assignee": NOBODY})
    assert refused.status == 400 and error_summary(refused) == ["Choose a member of staff from the list"]
    assert store_for(NORTHSHIRE).get(referral.case_id).assignee is None
    given = leader.post(f"/referrals/{referral.case_id}/assignment", {**fields, "assignee": caseworker_email})
    assert given.status == 303 and given.location == f"/referrals/{referral.case_id}?assigned=yes"
    assert f"The referral is in {caseworker_email}'s work." in leader.get(given.location).text
    assert store_for(NORTHSHIRE).get(referral.case_id).assignee == caseworker_email
