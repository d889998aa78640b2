"""The staff side of adult social care triage in the web UI: the screening queue of each team with its routing clock,
the referral page, and the screening form (confirm or override the recommendation, ask the referrer).

Referrals are received with the real intake logic (receive_referral) on the package's moto stack; the workflow is not
started (its steps are another test's concern), so each case is put at its stage by a conditional, audited save, with a
task token at SCREENING as the workflow's wait step leaves it.
"""

from __future__ import annotations

import random
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.bootstrap import councils, store_for
from shared.core.domain.case import AuditEntry, utcnow
from shared.core.domain.council import CouncilRegistry
from shared.resources import Role
from shared.services.asc_triage import SERVICE_KEY
from shared.services.asc_triage.domain.case import ReferralCase, ReferralStage, ScreeningOutcome
from shared.services.asc_triage.domain.questions import default_question_set
from shared.services.asc_triage.domain.referral import Referral, nhs_number_check_digit
from shared.services.asc_triage.logic.referrals import receive_referral
from tests.unit.asc_triage.test_referral import referral_data
from tests.web.case_fixtures import error_summary, send
from tests.web.queue_cases import put_case
from web.pages import asc_screening

NORTHSHIRE, VALEWYE = "NORTHSHIRE", "VALEWYE"
# A week of November 2024 without bank holidays; London is on UTC then.
WEDNESDAY_2PM = datetime(2024, 11, 13, 14, 0, tzinfo=UTC)


class NoWorkflow:
    """Stands in for Step Functions at intake: the referral's workflow is not started."""

    def start(self, *_: Any) -> bool:
        return True


def nhs_number() -> str:
    while True:
        first_nine = "".join(random.choices("0123456789", k=9))
        if (check := nhs_number_check_digit(first_nine)) is not None:
            return first_nine + str(check)


def surname() -> str:
    return "Tester" + "".join(random.choices("abcdefghjkmnpqrstuvwxyz", k=8))


def receive(council: str = NORTHSHIRE, *, at: datetime | None = None, stage: ReferralStage = ReferralStage.SCREENING,
            questions: Any = None, **overrides: Any) -> ReferralCase:
    """A referral received at `at` (now by default) and put at `stage`, waiting there for a person."""
    person = {"adult__family_name": surname(), "adult__nhs_number": nhs_number()}  # nobody else's, unless the test says
    data = referral_data(referral_id=f"REF-{uuid.uuid4().hex[:12]}", council_code=council, **(person | overrides))
    store = store_for(council)
    received = receive_referral(Referral.model_validate(data), councils().get(council), store,
                                questions or asc_screening.question_sets_for(council), NoWorkflow(), "test", at or utcnow()).case
    moved_at = received.received_at + timedelta(seconds=1)
    moved = received.changed(moved_at, stage=stage, task_token=f"token-{uuid.uuid4().hex}" if stage in received.HUMAN_STAGES else None)
    store.save(moved, expected_version=received.version,
               audit=AuditEntry(case_id=moved.case_id, at=moved_at, actor="workflow", action="STAGE_CHANGED",
                                before={"stage": received.stage.value}, after={"stage": stage.value}))
    return moved


def row_of(page, case_id: str) -> str:
    match = re.search(rf'<tr class="govuk-table__row">(?:(?!</tr>).)*?href="/referrals/{case_id}".*?</tr>', page.html, flags=re.S)
    assert match, f"no row for {case_id}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))).strip()


def referral_ids(page) -> list[str]:
    return re.findall(r'<td class="govuk-table__cell"><a class="govuk-link" href="/referrals/([A-Z0-9-]+)"', page.html)


def screening_of(case_id: str) -> ReferralCase:
    return store_for(NORTHSHIRE).get(case_id)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(asc_screening, "utcnow", lambda: WEDNESDAY_2PM)
    return WEDNESDAY_2PM


# ------------------------------------------------------------------ the queue
def test_the_front_door_queue_shows_each_referral_with_its_routing_clock(signed_in, frozen):
    on_time = receive(at=datetime(2024, 11, 13, 9, 0, tzinfo=UTC))  # due Friday 5pm: 19 business hours left
    due_soon = receive(at=datetime(2024, 11, 11, 9, 0, tzinfo=UTC))  # due today 5pm: 3 left, under the 4-hour warning
    overdue = receive(at=datetime(2024, 11, 8, 9, 0, tzinfo=UTC),  # due Tuesday 5pm: 5 business hours ago
                      referrer__kind="SELF", referrer__organisation=None, referrer__role=None)
    page = signed_in(NORTHSHIRE, Role.CASEWORKER).get("/referrals")
    assert page.status == 200, page.text
    assert page.title == "Referrals - Adult social care referrals"
    assert "ASC front door, screening, oldest first" in page.text
    assert row_of(page, on_time.case_id).endswith("Professional Likely eligible Nobody 15 November 2024, 5:00pm On time 19 business hours left")
    assert row_of(page, due_soon.case_id).endswith("13 November 2024, 5:00pm Due soon 3 business hours left")
    assert row_of(page, overdue.case_id) == (f"{overdue.case_id} 8 November 2024, 9:00am The person themselves Likely eligible Nobody "
                                             "12 November 2024, 5:00pm Overdue 5 business hours overdue")
    ids = referral_ids(page)
    assert ids.index(overdue.case_id) < ids.index(due_soon.case_id) < ids.index(on_time.case_id)  # oldest first
    assert re.search(rf'{overdue.case_id}.*?govuk-tag--red">\s*Overdue', page.html, flags=re.S)
    assert "within 24 business hours" in page.text


def test_each_team_stage_and_recommendation_has_its_own_queue(signed_in, frozen):
    urgent = receive(at=datetime(2024, 11, 13, 10, 0, tzinfo=UTC), answers__urgent__abuse_or_neglect_suspected=True)
    support = receive(at=datetime(2024, 11, 13, 10, 0, tzinfo=UTC), answers__wellbeing__impact="SOME")
    waiting = receive(at=datetime(2024, 11, 13, 10, 0, tzinfo=UTC), stage=ReferralStage.AWAITING_INFORMATION)
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)

    def shown(query: str) -> list[str]:
        page = browser.get(f"/referrals?{query}")
        assert page.status == 200, page.text
        return referral_ids(page)

    front_door = shown("")
    assert support.case_id in front_door and urgent.case_id not in front_door and waiting.case_id not in front_door
    assert urgent.case_id in shown("team=safeguarding") and support.case_id not in shown("team=safeguarding")
    assert 'Urgent' in row_of(browser.get("/referrals?team=safeguarding"), urgent.case_id)
    assert re.search(rf'{urgent.case_id}.*?govuk-tag--red">\s*Urgent', browser.get("/referrals?team=safeguarding").html, flags=re.S)
    assert waiting.case_id in shown("stage=AWAITING_INFORMATION") and support.case_id not in shown("stage=AWAITING_INFORMATION")
    # The chooser lists the teams ASC uses, not the Blue Badge team.
    page = browser.get("/referrals")
    assert re.findall(r'<option value="([a-z-]+)"', page.html.split('id="stage"')[0]) == ["asc-front-door", "safeguarding", "community-ot"]


def test_a_teams_queue_narrowed_by_recommendation(signed_in, frozen):
    support = receive(at=datetime(2024, 11, 13, 10, 0, tzinfo=UTC), answers__wellbeing__impact="SOME")
    likely = receive(at=datetime(2024, 11, 13, 10, 0, tzinfo=UTC))
    page = signed_in(NORTHSHIRE, Role.CASEWORKER).get("/referrals?team=asc-front-door&recommendation=SUPPORT_NEEDS")
    assert support.case_id in referral_ids(page) and likely.case_id not in referral_ids(page)
    assert "ASC front door, screening, support needs, oldest first" in page.text


def test_a_queue_that_is_not_one_is_named_in_the_error_summary(signed_in):
    page = signed_in(NORTHSHIRE, Role.CASEWORKER).get("/referrals?team=blue-badge&stage=RECEIVED&recommendation=MAYBE")
    assert page.status == 400 and page.title.startswith("Error: ")
    assert error_summary(page) == ["Choose one of the teams listed", "Choose one of the stages listed", "Choose one of the recommendations listed"]
    assert 'href="#team"' in page.html and 'href="#stage"' in page.html and 'href="#recommendation"' in page.html


def test_paging_follows_the_cursor_and_closed_referrals_have_no_clock(signed_in, frozen, monkeypatch):
    monkeypatch.setattr(asc_screening, "PAGE_SIZE", 2)
    made = [receive(at=datetime(2001, 3, 5 + day, 10, 0, tzinfo=UTC), stage=ReferralStage.CLOSED).case_id for day in range(3)]
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    first = browser.get("/referrals?stage=CLOSED")
    assert referral_ids(first) == made[:2]
    assert "Clock stopped" in row_of(first, made[0]) and "business hours" not in row_of(first, made[0])
    next_link = re.search(r'govuk-pagination__next">\s*<a class="[^"]*" href="([^"]+)"', first.html).group(1).replace("&amp;", "&")
    second = browser.get(next_link)
    assert referral_ids(second)[0] == made[2] and "(page 2)" in second.text
    previous = re.search(r'govuk-pagination__prev">\s*<a class="[^"]*" href="([^"]+)"', second.html).group(1).replace("&amp;", "&")
    assert referral_ids(browser.get(previous)) == made[:2]
    assert referral_ids(browser.get("/referrals?stage=CLOSED&cursor=not-a-cursor")) == made[:2]


# ------------------------------------------------------------------ the referral page
def test_the_referral_page_shows_the_referral_its_recommendation_clock_and_answers(signed_in, frozen):
    case = receive(at=datetime(2024, 11, 11, 9, 0, tzinfo=UTC), consent__given="NOT_ASKED", consent__reason="Lacks capacity to decide")
    page = signed_in(NORTHSHIRE, Role.CASEWORKER).get(f"/referrals/{case.case_id}")
    assert page.status == 200, page.text
    adult = case.application.adult
    assert page.title == f"Referral {case.case_id} - Adult social care referrals"
    assert re.search(rf'<h1 class="govuk-heading-l">Ada {adult.family_name}</h1>', page.html)
    for words in ("Referred by Professional", "Name Dr Grace Hopper", "Organisation Mill Lane Surgery", "Role GP",
                  f"NHS number {adult.nhs_number[:3]} {adult.nhs_number[3:6]} {adult.nhs_number[6:]}", "Date of birth 10 December 1950",
                  "Address 12 Mill Lane, Northby, NE1 4XF", "Consent Not asked: Lacks capacity to decide",
                  "Likely eligible", "Unable to achieve 2 of the 10 outcomes: managing nutrition, personal hygiene.",
                  "Made by triage rules asc-triage-1 from version 1 of the questions",
                  "Route by 13 November 2024, 5:00pm", "Due soon", "3 business hours left", "As asked in version 1 of the questions",
                  "Can they get, make and eat enough food and drink? They need help, or reminding, to do it",
                  "Can they keep themselves clean? They can do it, but it causes a lot of pain, distress or anxiety",
                  "Can they use the toilet and manage their continence? They can do this",
                  "Are their needs caused by, or linked to, a physical or mental health condition, illness or disability? Yes: Parkinson's disease",
                  "How much do these difficulties affect their wellbeing? A lot, or it is likely to soon: Has lost weight",
                  "Do you think the person is being abused or neglected, or is at risk of it? No"):
        assert words in page.text, words
    assert f'href="/referrals/{case.case_id}/screening"' in page.html  # a caseworker may screen it
    history = page.html.split('id="history"')[1]
    assert history.index("The referral moved") < history.index("Referral received. Triage recommends: likely eligible") \
        and "Case viewed" not in history


def test_the_answers_are_shown_against_the_version_of_the_questions_they_were_given_on(signed_in, monkeypatch):
    reworded = default_question_set().model_copy(update={"version": 2, "impairment": default_question_set().impairment.model_copy(
        update={"wording": "Does a health condition cause their needs?"})})

    class Versions:
        def version(self, number: int):
            return {1: default_question_set(), 2: reworded}.get(number)

    monkeypatch.setattr(asc_screening, "question_sets_for", lambda council_code: Versions())
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    second = receive(questions=Versions(), question_set_version=2)
    first = receive()
    assert "Does a health condition cause their needs? Yes" in browser.get(f"/referrals/{second.case_id}").text
    assert "Does a health condition cause their needs?" not in browser.get(f"/referrals/{first.case_id}").text


def test_the_existing_customer_check_links_the_same_persons_other_referrals(signed_in):
    nhs, family_name = nhs_number(), surname()
    case = receive(adult__nhs_number=nhs, adult__family_name=family_name)
    by_nhs_number = receive(adult__nhs_number=nhs, adult__family_name=surname())
    by_name_and_birth = receive(adult__nhs_number=None, adult__family_name=family_name.upper())
    someone_else = receive(adult__family_name=family_name, adult__date_of_birth="1951-01-01")
    page = signed_in(NORTHSHIRE, Role.CASEWORKER).get(f"/referrals/{case.case_id}")
    check = page.html.split('id="existing"')[1].split("</ul>")[0]
    linked = re.findall(r'href="/referrals/([A-Z0-9-]+)"', check)
    assert sorted(linked) == sorted([by_nhs_number.case_id, by_name_and_birth.case_id])
    assert someone_else.case_id not in check and case.case_id not in linked
    alone = signed_in(NORTHSHIRE, Role.CASEWORKER).get(f"/referrals/{someone_else.case_id}")
    assert "No other referral has this NHS number, or this surname and date of birth." in alone.text


# ------------------------------------------------------------------ screening
def screen(browser, case_id: str, fields: dict[str, str], version: int | None = None):
    return send(browser, f"/referrals/{case_id}/screening", fields, version)


def test_confirming_the_recommendation_routes_the_referral_to_the_team_chosen(signed_in):
    case = receive()
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    form = browser.get(f"/referrals/{case.case_id}/screening")
    assert "Route to a team (recommended)" in form.text and 'name="expected_version" value="2"' in form.html
    assert "Required if you decide something other than the recommendation (route to a team)" in form.text
    assert re.findall(r'<option value="([a-z-]+)"', form.html) == ["asc-front-door", "community-ot", "safeguarding"]
    # What is filled in under another outcome (all are shown without JavaScript) is not sent with this one.
    done = screen(browser, case.case_id, {"outcome": "ROUTE", "team": "community-ot", "question": "Left over", "reason": ""})
    assert done.status == 303 and done.location == f"/referrals/{case.case_id}?screened=ROUTE"
    page = browser.get(done.location)
    assert "Screening recorded" in page.text and "The referral is routed to Community OT." in page.text
    assert "Decision Route to a team (as recommended)" in page.text and "Team Community OT" in page.text
    assert "Screen the referral" not in page.text  # decided: the workflow moves it on
    stored = screening_of(case.case_id)
    assert stored.screening.outcome is ScreeningOutcome.ROUTE and not stored.screening.overrides_recommendation
    assert stored.team == "community-ot" and stored.task_token is None and stored.questions == []


def test_overriding_the_recommendation_needs_a_reason(signed_in):
    case = receive()
    other = receive()
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    refused = screen(browser, case.case_id, {"outcome": "CLOSE", "linked_case_id": other.case_id, "reason": " "})
    assert refused.status == 400 and refused.title.startswith("Error: ")
    assert error_summary(refused) == ["Enter why you are not following the recommendation"] and 'href="#reason"' in refused.html
    assert other.case_id in refused.html  # what was typed is kept
    done = screen(browser, case.case_id, {"outcome": "CLOSE", "linked_case_id": other.case_id, "reason": "Already open as the other referral"})
    assert done.status == 303, done.text
    page = browser.get(done.location)
    assert "The referral is closed." in page.text and "(overrides the recommendation)" in page.text
    assert "Reason Already open as the other referral" in page.text and f'href="/referrals/{other.case_id}"' in page.html
    stored = screening_of(case.case_id).screening
    assert stored.overrides_recommendation and stored.reason == "Already open as the other referral" and stored.linked_case_id == other.case_id


def test_each_outcome_asks_for_what_it_needs(signed_in):
    case = receive()
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    assert error_summary(screen(browser, case.case_id, {})) == ["Select what happens to the referral"]
    no_team = screen(browser, case.case_id, {"outcome": "ROUTE"})
    assert error_summary(no_team) == ["Select the team the referral goes to"] and 'href="#team"' in no_team.html
    not_a_routing_team = screen(browser, case.case_id, {"outcome": "ROUTE", "team": "blue-badge"})
    assert 'href="#team"' in not_a_routing_team.html and "is not a team referrals are routed to" in not_a_routing_team.text
    no_question = screen(browser, case.case_id, {"outcome": "ASK_REFERRER", "question": ""})
    assert error_summary(no_question) == ["Enter what you want to ask the referrer"] and 'href="#question"' in no_question.html
    bad_link = screen(browser, case.case_id, {"outcome": "CLOSE", "linked_case_id": "not a case", "reason": "Duplicate"})
    assert bad_link.status == 400 and 'href="#linked_case_id"' in bad_link.html
    asked = screen(browser, case.case_id, {"outcome": "ASK_REFERRER", "question": "Who lives with her?"})
    assert asked.status == 303
    assert "The referrer is asked for more information." in browser.get(asked.location).text
    assert [question.question for question in screening_of(case.case_id).questions] == ["Who lives with her?"]


def test_a_read_only_user_sees_the_referral_but_cannot_screen_it(signed_in):
    case = receive()
    browser = signed_in(NORTHSHIRE, Role.READ_ONLY)
    page = browser.get(f"/referrals/{case.case_id}")
    assert page.status == 200 and "/screening" not in page.html
    assert browser.get(f"/referrals/{case.case_id}/screening").status == 403
    refused = browser.post(f"/referrals/{case.case_id}/screening", {"csrf_token": page.csrf_token, "outcome": "ROUTE",
                                                                      "team": "community-ot", "expected_version": str(case.version)})
    assert refused.status == 403 and screening_of(case.case_id).screening is None


def test_a_referral_changed_since_the_form_was_opened_is_not_overwritten(signed_in):
    case = receive()
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    store = store_for(NORTHSHIRE)
    store.save(case.changed(utcnow(), priority=90), expected_version=case.version,
               audit=AuditEntry(case_id=case.case_id, at=utcnow(), actor="user:someone", action="PRIORITY_CHANGED"))
    stale = screen(browser, case.case_id, {"outcome": "ROUTE", "team": "community-ot"}, version=case.version)
    assert stale.status == 409 and "This referral has changed since you opened it" in stale.text
    assert f'href="/referrals/{case.case_id}"' in stale.html and screening_of(case.case_id).screening is None


def test_a_referral_not_waiting_for_screening_has_no_form(signed_in):
    case = receive(stage=ReferralStage.AWAITING_INFORMATION)
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    assert "/screening" not in browser.get(f"/referrals/{case.case_id}").html
    page = browser.get(f"/referrals/{case.case_id}/screening")
    assert page.status == 409 and "This referral is not waiting for screening" in page.text
    sent = browser.post(f"/referrals/{case.case_id}/screening", {"csrf_token": page.csrf_token, "outcome": "ROUTE",
                                                                   "team": "community-ot", "expected_version": str(case.version)})
    assert sent.status == 409 and screening_of(case.case_id).screening is None


# ------------------------------------------------------------------ whose pages
def test_another_councils_referral_and_a_blue_badge_case_are_not_found(signed_in):
    theirs = receive(VALEWYE)
    badge_case = put_case(NORTHSHIRE)
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    token = browser.get("/referrals").csrf_token
    for case_id in (theirs.case_id, badge_case.case_id, "NORTHSHIRE-000000-ZZZZZZ"):
        assert browser.get(f"/referrals/{case_id}").status == 404
        assert browser.get(f"/referrals/{case_id}/screening").status == 404
        posted = browser.post(f"/referrals/{case_id}/screening", {"csrf_token": token, "outcome": "ROUTE", "team": "community-ot",
                                                                  "expected_version": "2"})
        assert posted.status == 404
    assert theirs.case_id not in browser.get("/referrals").html
    assert store_for(VALEWYE).get(theirs.case_id).screening is None


def test_a_council_that_does_not_run_the_service_has_none_of_these_pages(signed_in, monkeypatch):
    case = receive()
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    token = browser.get("/referrals").csrf_token
    without = [council.model_copy(update={"services": {key: value for key, value in council.services.items() if key != SERVICE_KEY}})
               if council.code == NORTHSHIRE else council for council in councils()]
    monkeypatch.setattr(asc_screening, "councils", lambda: CouncilRegistry(without))
    for path in ("/referrals", f"/referrals/{case.case_id}", f"/referrals/{case.case_id}/screening"):
        page = browser.get(path)
        assert page.status == 404 and page.title.startswith("Page not found"), path
    posted = browser.post(f"/referrals/{case.case_id}/screening", {"csrf_token": token, "outcome": "ROUTE", "team": "community-ot",
                                                                   "expected_version": str(case.version)})
    assert posted.status == 404 and screening_of(case.case_id).screening is None
