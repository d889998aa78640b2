"""Keying in a paper / phone / in-person application: each page's checks, drafts, check your answers, the case made."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from unittest import mock

import pytest

from shared.bootstrap import store_for
from shared.core.domain.case import utcnow
from shared.resources import Role
from shared.services.blue_badge.domain.pip import routes_automatically
from web.intake_journey import JOURNEY
from web.security import draft_store
from web.sessions import SESSION_IDLE

TYPE, BADGE, HOLDER, ADDRESS = f"{JOURNEY}/type", f"{JOURNEY}/badge", f"{JOURNEY}/holder", f"{JOURNEY}/address"
ELIGIBILITY, DETAILS, FEE, CHECK = f"{JOURNEY}/eligibility", f"{JOURNEY}/eligibility-details", f"{JOURNEY}/fee", f"{JOURNEY}/check"
DOCUMENTS = f"{JOURNEY}/documents"

PERSON = {
    "holder-title": "Mrs", "holder-forenames": "Grace", "holder-surname": "Hopper",
    "holder-dob-day": "9", "holder-dob-month": "12", "holder-dob-year": "1956", "holder-gender": "FEMALE", "holder-nino": "ab 12 34 56 c",
}
ADDRESS_AND_CONTACT = {
    "address-line1": "1 Harbour Row", "address-town": "Northby", "address-postcode": "ne1 4xf",
    "contact-relationship": "SELF", "contact-phone": "01632 960 001",
}
PIP_AWARD = {
    "award-start-day": "1", "award-start-month": "4", "award-start-year": "2025",
    "award-end-day": "1", "award-end-month": "4", "award-end-year": "2028", "pip-moving-points": "10",
}


@pytest.fixture
def keyer(browser, staff):
    """A browser signed in as a caseworker of their own (drafts are per person, so tests do not share them)."""
    def make(council: str = "NORTHSHIRE", role: Role = Role.CASEWORKER):
        email = staff(council, role, email=f"keyer-{uuid.uuid4().hex[:8]}@{council.lower()}.example.gov.uk")
        assert browser.sign_in(email).status == 303
        browser.email = email
        return browser
    return make


def send(browser, path: str, fields: dict) -> object:
    return browser.submit(path, {**fields, "action": "continue"})


def key_in(browser, *pages: tuple[str, dict]) -> None:
    for path, fields in pages:
        page = send(browser, path, fields)
        assert page.status == 303, (path, page.text)


def person_pip(channel: str = "PHONE") -> list[tuple[str, dict]]:
    return [
        (TYPE, {"application-type": "NEW", "party": "PERSON", "channel": channel}),
        (HOLDER, PERSON),
        (ADDRESS, ADDRESS_AND_CONTACT),
        (ELIGIBILITY, {"eligibility-code": "PIP", "eligibility-conditions": "Arthritis in both knees"}),
        (DETAILS, PIP_AWARD),
        (FEE, {"fee-paid": "yes", "fee-amount": "10.00", "fee-method": "card", "fee-reference": "TILL-42"}),
    ]


def test_read_only_staff_and_assessors_cannot_key_in(keyer):
    for role in (Role.READ_ONLY, Role.ASSESSOR):
        browser = keyer("NORTHSHIRE", role)
        assert browser.get(JOURNEY).status == 403
        assert browser.get(TYPE).status == 403
        token = browser.get("/").csrf_token
        assert browser.post(TYPE, {"application-type": "NEW", "csrf_token": token}).status == 403
        assert draft_store().load(browser.email, JOURNEY) is None
        assert 'href="/applications/new"' not in browser.get("/").html  # not in the navigation either


def test_first_page_names_each_missing_answer(keyer):
    page = send(keyer(), TYPE, {})
    assert page.status == 400
    assert page.title.startswith("Error: About the application")
    for message, field_id in (
        ("Select the type of application", "application-type"), ("Select who the badge is for", "party"),
        ("Select how the application arrived", "channel"),
    ):
        assert message in page.text
        assert f'href="#{field_id}"' in page.html


def test_badge_page_asks_for_the_badge_and_reason_of_a_replacement(keyer):
    browser = keyer()
    assert send(browser, TYPE, {"application-type": "REPLACE", "party": "PERSON", "channel": "PAPER"}).location == BADGE
    missing = send(browser, BADGE, {})
    assert missing.status == 400
    assert "Enter the number of the badge to replace" in missing.text and "Select why the badge is being replaced" in missing.text
    malformed = send(browser, BADGE, {"existing-badge-number": "12-OOPS", "replace-reason": "STOLE"})
    assert "Enter a badge number of 6 characters" in malformed.text
    assert 'href="#existing-badge-number"' in malformed.html
    assert send(browser, BADGE, {"existing-badge-number": "1a2b3c", "replace-reason": "STOLE", "crime-reference": "CR/1"}).location == HOLDER


def test_date_of_birth_is_checked_as_gov_uk_date_inputs_are(keyer):
    browser = keyer()
    key_in(browser, (TYPE, {"application-type": "NEW", "party": "PERSON", "channel": "PAPER"}))
    tomorrow = date.today() + timedelta(days=1)
    for typed, message in (
        ({"holder-dob-day": "9", "holder-dob-month": "12"}, "Date of birth must include a year"),
        ({"holder-dob-day": "31", "holder-dob-month": "2", "holder-dob-year": "1970"}, "Date of birth must be a real date"),
        ({"holder-dob-day": "x", "holder-dob-month": "2", "holder-dob-year": "1970"}, "Date of birth must be a real date"),
        ({"holder-dob-day": "1", "holder-dob-month": "2", "holder-dob-year": "70"}, "Year must include 4 numbers"),
        ({"holder-dob-day": str(tomorrow.day), "holder-dob-month": str(tomorrow.month), "holder-dob-year": str(tomorrow.year)},
         "Date of birth must be in the past"),
    ):
        page = send(browser, HOLDER, {**PERSON, **typed, "holder-dob-year": typed.get("holder-dob-year", "")})
        assert page.status == 400, typed
        assert message in page.text, (typed, page.text)
        assert 'href="#holder-dob-day"' in page.html
        assert 'value="Hopper"' in page.html  # what was typed stays on the page
    long_name = send(browser, HOLDER, {**PERSON, "holder-surname": "x" * 201})
    assert "Last name must be 200 characters or fewer" in long_name.text


def test_control_and_bidi_characters_are_refused_on_the_page_that_took_them(keyer):
    browser = keyer()
    key_in(browser, (TYPE, {"application-type": "NEW", "party": "PERSON", "channel": "PAPER"}))
    spoofed = send(browser, HOLDER, {**PERSON, "holder-surname": "Hop\u202eper", "holder-forenames": "Gr\x07ace"})
    assert spoofed.status == 400
    assert "Last name: contains a bidirectional text control (U+202E RIGHT-TO-LEFT OVERRIDE)" in spoofed.text
    assert "First names: contains a control character (U+0007)" in spoofed.text
    assert 'href="#holder-surname"' in spoofed.html and 'href="#holder-forenames"' in spoofed.html
    assert send(browser, HOLDER, PERSON).status == 303
    # A text area takes the lines a browser sends (CRLF), not an escape sequence.
    escaped = send(browser, ELIGIBILITY, {"eligibility-code": "PIP", "eligibility-conditions": "Arthritis\r\nin both knees\x1b[2J"})
    assert escaped.status == 400 and "contains a control character (U+001B)" in escaped.text
    assert 'href="#eligibility-conditions"' in escaped.html
    assert send(browser, ELIGIBILITY, {"eligibility-code": "PIP", "eligibility-conditions": "Arthritis\r\nin both knees"}).location == DETAILS


def test_an_organisation_is_asked_its_name_and_number_of_badges(keyer):
    browser = keyer()
    key_in(browser, (TYPE, {"application-type": "NEW", "party": "ORG", "channel": "PAPER"}))
    assert "The organisation" in browser.get(HOLDER).title
    missing = send(browser, HOLDER, {})
    assert "Enter the organisation's name" in missing.text and "Enter how many badges the organisation needs" in missing.text
    malformed = send(browser, HOLDER, {"organisation-name": "Dial-a-Ride", "organisation-badges": "lots"})
    assert "Number of badges needed must be a whole number" in malformed.text
    too_many = send(browser, HOLDER, {"organisation-name": "Dial-a-Ride", "organisation-badges": "1000"})
    assert "Number of badges needed must be 999 or fewer" in too_many.text
    # No personal eligibility for an organisation: after the address comes the fee.
    assert send(browser, HOLDER, {"organisation-name": "Dial-a-Ride", "organisation-badges": "3"}).location == ADDRESS
    assert send(browser, ADDRESS, {"address-line1": "Depot Road", "address-postcode": "NE2 1AA"}).location == FEE


def test_contact_details_in_the_wrong_format_are_named(keyer):
    browser = keyer()
    key_in(browser, (TYPE, {"application-type": "NEW", "party": "PERSON", "channel": "PAPER"}))
    page = send(browser, ADDRESS, {**ADDRESS_AND_CONTACT, "contact-email": "not an email", "contact-phone": "call me"})
    assert page.status == 400
    assert "Enter an email address in the correct format, like name@example.com" in page.text
    assert "Enter a telephone number, like 01632 960 001" in page.text
    assert 'href="#contact-email"' in page.html and 'href="#contact-phone"' in page.html


def test_eligibility_needs_a_route_and_award_dates_that_make_sense(keyer):
    browser = keyer()
    key_in(browser, (TYPE, {"application-type": "NEW", "party": "PERSON", "channel": "PAPER"}))
    assert "Select the reason for applying, or that the form does not say" in send(browser, ELIGIBILITY, {}).text
    assert send(browser, ELIGIBILITY, {"eligibility-code": "PIP"}).location == DETAILS
    backwards = send(browser, DETAILS, {**PIP_AWARD, "award-end-year": "2024"})
    assert "Award end date must be after the award start date" in backwards.text
    points = send(browser, DETAILS, {**PIP_AWARD, "pip-moving-points": "13"})
    assert "PIP points for moving around must be 12 or fewer" in points.text
    # A route with nothing more to ask goes straight on, to the documents that came with the paper form;
    # "not stated" is a choice the caseworker makes.
    assert send(browser, ELIGIBILITY, {"eligibility-code": "BLIND"}).location == DOCUMENTS
    assert send(browser, ELIGIBILITY, {"eligibility-code": "NOT_STATED"}).location == DOCUMENTS


def test_fee_page_asks_whether_paid_and_how_much(keyer):
    browser = keyer()
    key_in(browser, (TYPE, {"application-type": "NEW", "party": "PERSON", "channel": "PAPER"}))
    assert "Select whether the fee has been paid" in send(browser, FEE, {}).text
    assert "Enter the amount paid" in send(browser, FEE, {"fee-paid": "yes"}).text
    assert "Amount paid must be an amount of money, like 10.00" in send(browser, FEE, {"fee-paid": "yes", "fee-amount": "ten"}).text
    assert send(browser, FEE, {"fee-paid": "no"}).location == CHECK


def test_a_free_council_has_no_fee_page(keyer):
    browser = keyer("VALEWYE")
    key_in(browser, (TYPE, {"application-type": "NEW", "party": "PERSON", "channel": "PAPER"}))
    assert send(browser, ELIGIBILITY, {"eligibility-code": "BLIND"}).location == DOCUMENTS
    assert send(browser, DOCUMENTS, {"documents-seen": ["PROOF_ID", "PROOF_ADD", "PROOF_ELIG"]}).location == CHECK
    assert browser.get(FEE).status == 303


def test_whole_journey_makes_the_case_as_the_api_would(keyer):
    browser = keyer()
    key_in(browser, *person_pip("PHONE"))
    check = browser.get(CHECK)
    assert check.status == 200
    assert "Grace" in check.text and "9 December 1956" in check.text and "£10.00" in check.text
    # Keyed in without documents: the caseworker sees before creating the case what the applicant will be asked for.
    assert "This application is incomplete" in check.text and "A recent passport-style photo of the badge holder" in check.text
    created = browser.submit(CHECK, {})
    assert created.status == 303
    case_id = created.location.removeprefix(f"{JOURNEY}/confirmation/")
    case = store_for("NORTHSHIRE").get(case_id)
    assert case is not None and case.council_code == "NORTHSHIRE"
    application = case.application
    assert application.channel.value == "PHONE" and application.application_id.startswith("PAPER-NORTHSHIRE-")
    assert application.holder.nino == "AB123456C" and application.holder.address.postcode == "NE1 4XF"
    assert application.eligibility.benefit.pip_moving_around_points == 10
    assert application.payment.amount_pence == 1000 and application.payment.paid
    assert "PHOTO" in case.missing_codes and "FEE" not in case.missing_codes and "NINO" not in case.missing_codes

    confirmation = browser.get(created.location)
    assert confirmation.status == 200
    assert "Application keyed in" in confirmation.text and case_id in confirmation.text
    assert "The applicant will be asked for" in confirmation.text
    assert f'href="/cases/{case_id}"' in confirmation.html
    # Sent: the answers are gone, and a second click does not make another case.
    assert draft_store().load(browser.email, JOURNEY) is None
    assert browser.post(CHECK, {"csrf_token": confirmation.csrf_token}).location == JOURNEY


def test_the_same_application_sent_twice_is_one_case(keyer):
    browser = keyer()
    key_in(browser, *person_pip())
    kept = draft_store().load(browser.email, JOURNEY)[0]
    first = browser.submit(CHECK, {})
    draft_store().save(browser.email, JOURNEY, kept)  # as if the answers were sent again (e.g. from another tab)
    again = browser.submit(CHECK, {})
    assert again.location == first.location + "?duplicate=1"
    assert "This application was already keyed in" in browser.get(again.location).text


def test_check_your_answers_has_change_links_that_come_back(keyer):
    browser = keyer()
    key_in(browser, *person_pip())
    check = browser.get(CHECK)
    for link in (f"{TYPE}?from=check#application-type", f"{HOLDER}?from=check#holder-surname", f"{HOLDER}?from=check#holder-dob-day",
                 f"{ADDRESS}?from=check#address-postcode", f"{DETAILS}?from=check#award-start-day", f"{FEE}?from=check#fee-paid"):
        assert f'href="{link}"' in check.html, link
    assert 'Change<span class="govuk-visually-hidden"> last name</span>' in check.html
    change = browser.get(f"{HOLDER}?from=check")
    assert 'action="/applications/new/holder?from=check"' in change.html
    changed = browser.post(f"{HOLDER}?from=check", {**PERSON, "holder-surname": "Hopper-Murray", "action": "continue", "csrf_token": change.csrf_token})
    assert changed.location == CHECK
    assert "Hopper-Murray" in browser.get(CHECK).text


def test_check_your_answers_sends_back_to_pages_left_incomplete(keyer):
    browser = keyer()
    key_in(browser, (TYPE, {"application-type": "NEW", "party": "PERSON", "channel": "PAPER"}))
    check = browser.get(CHECK)
    assert check.title.startswith("Error: ")
    assert "Reason for applying: Select the reason for applying" in check.text
    assert f'href="{ELIGIBILITY}?from=check#eligibility-code"' in check.html
    assert "Create the case" not in check.text
    assert browser.submit(CHECK, {}).status == 400


def test_save_and_come_back_later(keyer):
    browser = keyer()
    key_in(browser, (TYPE, {"application-type": "NEW", "party": "PERSON", "channel": "INPERSON"}))
    saved = browser.submit(HOLDER, {"holder-surname": "Half-done", "holder-dob-day": "1", "action": "save"})
    assert saved.location == f"{JOURNEY}?saved=1"  # saved without being checked: finishing it later is checked
    start = browser.get(saved.location)
    assert "Your answers have been saved" in start.text and "You have an application in progress" in start.text
    assert f'href="{HOLDER}"' in start.html  # continue where something is left to fix
    assert 'value="Half-done"' in browser.get(HOLDER).html
    # Starting again throws the draft away.
    assert browser.post(JOURNEY, {"csrf_token": start.csrf_token}).location == TYPE
    assert 'value="Half-done"' not in browser.get(HOLDER).html


def test_a_page_sent_after_the_session_timed_out_is_kept(keyer):
    browser = keyer()
    key_in(browser, (TYPE, {"application-type": "NEW", "party": "PERSON", "channel": "PAPER"}))
    token = browser.get(HOLDER).csrf_token
    later = utcnow() + SESSION_IDLE + timedelta(minutes=1)
    with mock.patch("web.security.utcnow", return_value=later):
        posted = browser.post(HOLDER, {**PERSON, "holder-surname": "Typed-before-timeout", "action": "continue", "csrf_token": token})
    assert posted.location == f"/sign-in?next={HOLDER}&timed_out=1"
    assert browser.sign_in(browser.email, next_path=HOLDER).location == HOLDER
    page = browser.get(HOLDER)
    assert "You were signed out before this page was sent" in page.text
    assert 'value="Typed-before-timeout"' in page.html
    assert send(browser, HOLDER, {**PERSON, "holder-surname": "Typed-before-timeout"}).location == ADDRESS
    check_text = browser.get(CHECK).text
    assert "Typed-before-timeout" in check_text and "Paper form" in check_text  # the earlier page's answers are still there


def test_pages_carry_the_autosave_hooks(keyer):
    page = keyer().get(TYPE)
    assert f'data-autosave-url="/drafts?path={TYPE}"' in page.html
    assert re.search(r'data-autosave-status[^>]*aria-live="polite"', page.html)
    assert 'style="' not in page.html


def test_another_councils_case_is_never_shown_on_the_confirmation_page(keyer):
    browser = keyer()
    key_in(browser, *person_pip())
    confirmation = browser.submit(CHECK, {}).location
    other = keyer("VALEWYE")
    assert other.get(confirmation).status == 404


# ---------------------------------------------------------------- the PIP planning and following journeys descriptor
# Asked, not only points: D and E both score 10 and only E routes automatically (shared/services/blue_badge/domain/pip.py).
def keyed_in(browser, details: dict) -> object:
    pages = [(path, details if path == DETAILS else fields) for path, fields in person_pip("PHONE")]
    key_in(browser, *pages)
    created = browser.submit(CHECK, {})
    assert created.status == 303, created.text
    return store_for("NORTHSHIRE").get(created.location.removeprefix(f"{JOURNEY}/confirmation/"))


def test_the_details_page_offers_each_descriptor_in_words_with_its_points(keyer):
    browser = keyer()
    key_in(browser, *person_pip("PHONE")[:4])
    page = browser.get(DETAILS)
    assert 'name="pip-planning-descriptor"' in page.html and 'name="pip-planning-points"' not in page.html
    text = " ".join(page.text.split())
    assert "E: cannot undertake any journey because it would cause overwhelming psychological distress (10 points)" in text
    assert "D: cannot follow the route of an unfamiliar journey without another person" in text
    refused = send(browser, DETAILS, {**PIP_AWARD, "pip-planning-descriptor": "G"})
    assert refused.status == 400 and 'href="#pip-planning-descriptor"' in refused.html


def test_descriptor_e_routes_automatically_and_d_goes_to_further_assessment(keyer):
    low_moving = {**PIP_AWARD, "pip-moving-points": "4"}
    case_e = keyed_in(keyer(), {**low_moving, "pip-planning-descriptor": "E"})
    benefit = case_e.application.eligibility.benefit
    assert (benefit.pip_planning_journeys_descriptor, benefit.pip_planning_journeys_points) == ("E", 10)
    assert "PIP_POINTS" not in case_e.missing_codes
    check = keyer().get(f"/cases/{case_e.case_id}")
    assert "10 points, descriptor E" in check.text

    assert routes_automatically(case_e.application)
    case_d = keyed_in(keyer(), {**low_moving, "pip-planning-descriptor": "D"})
    assert case_d.application.eligibility.benefit.pip_planning_journeys_points == 10
    assert not routes_automatically(case_d.application)  # further assessment, with the reason on the case


def test_no_descriptor_and_no_moving_points_asks_the_applicant_for_them(keyer):
    no_points = {name: value for name, value in PIP_AWARD.items() if name != "pip-moving-points"}
    case = keyed_in(keyer(), no_points)
    assert "PIP_POINTS" in case.missing_codes


@pytest.mark.parametrize(("application_type", "replacement_fee", "asked"), [
    ("REPLACE", True, True), ("REPLACE", False, False), ("NEW", False, True), ("CANCEL", True, False)])
def test_the_fee_page_follows_the_councils_choice_about_replacements(application_type, replacement_fee, asked):
    """Keying in asks for the fee only where fee_for would charge one: a council may not charge for replacements."""
    from types import SimpleNamespace

    from shared.bootstrap import councils
    from shared.services.blue_badge.domain.application import ApplicationType
    from tests.factories import with_badge_settings
    from web.intake_journey import _needs_fee

    council = with_badge_settings(councils().get("NORTHSHIRE"), replacement_fee=replacement_fee)
    assert _needs_fee(SimpleNamespace(application_type=ApplicationType(application_type)), council) is asked
