"""The public adult social care referral form, its confirmation by route, and booking and cancelling a hub appointment.

Driven as a browser without JavaScript would: every form is a POST answered with a redirect. Referrals go through
`receive_referral` into the council's table on the local stack (moto), as the form sends them.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from html import unescape


from shared.bootstrap import council_client, councils, store_for
from shared.core.domain.council import CouncilRegistry
from shared.resources import council_table_name
from shared.services.asc_triage.adapters.hub_bookings import HubBookings
from shared.services.asc_triage.domain.business_hours import LONDON
from shared.services.asc_triage.domain.case import ReferralCase
from shared.services.asc_triage.domain.questions import default_question_set
from shared.services.asc_triage.domain.referral import AnswerError
from shared.services.asc_triage.domain.settings import triage_settings
from shared.services.asc_triage.domain.signposting import HubVisitor
from shared.services.asc_triage.domain.triage import TriageRoute
from tests.integration.conftest import emails_to, wait_until
from web.asc_referral_journey import (
    ADULT_OUTCOME_PAGES,
    CARER_OUTCOME_PAGES,
    STEPS_BY_SLUG,
    refused_errors,
)
from web.intake_journey import Answers

NORTHSHIRE = "/adult-social-care/northshire"
EMERGENCY = "If someone is in immediate danger, call 999"
URGENT_IDS = [question.id for question in default_question_set().urgent]
ADULT_OUTCOMES = [id_ for _, _, ids in ADULT_OUTCOME_PAGES for id_ in ids]


class Referrer:
    """A person filling in the form: every page it sees must carry the 999 warning and post to itself."""

    def __init__(self, browser, council: str = "northshire"):
        self.browser = browser
        self.base = f"/adult-social-care/{council}"

    def get(self, path: str):
        page = self.browser.get(path if path.startswith("/") else f"{self.base}/{path}")
        if page.status == 200:
            assert EMERGENCY in page.text, f"no 999 warning on {path}"
            for action in re.findall(r'<form method="post" action="([^"]+)"', page.html):
                assert action.startswith(self.base), action
        return page

    def answer(self, slug: str, fields: dict, expect: int = 303):
        path = f"{self.base}/refer/{slug}"
        token = self.get(path).csrf_token
        page = self.browser.post(path, {**fields, "csrf_token": token})
        assert page.status == expect, (slug, page.status, page.text[:2000])
        return page

    def send(self):
        token = self.get(f"{self.base}/refer/check").csrf_token
        page = self.browser.post(f"{self.base}/refer/check", {"csrf_token": token})
        assert page.status == 303 and page.location == f"{self.base}/refer/confirmation", page.text[:2000]
        return self.get(page.location)


def no_urgent(**yes: str) -> dict:
    return {f"urgent-{id_}": yes.get(id_, "no") for id_ in URGENT_IDS}


def outcomes(prefix: str, ids: tuple[str, ...], unable: dict[str, list[str]]) -> dict:
    return {f"{prefix}-{id_}": unable.get(id_, ["NONE"]) for id_ in ids}


PERSON = {"person-given-name": "Ada", "person-family-name": "Lovelace", "person-dob-day": "10", "person-dob-month": "12",
          "person-dob-year": "1950", "person-nhs-number": "943 476 5919"}
ADDRESS = {"address-line1": "1 Harbour Row", "address-town": "Northby", "address-postcode": "ne1 4xf"}


def adult_journey(referrer: Referrer, *, urgent: dict | None = None, unable: dict[str, list[str]] | None = None,
                  wellbeing: str = "SIGNIFICANT", myself: bool = False, email: str | None = None) -> None:
    referrer.answer("urgent", urgent or no_urgent())
    if myself:
        referrer.answer("referrer", {"referrer-kind": "SELF"})
    else:
        referrer.answer("referrer", {"referrer-kind": "FAMILY_OR_FRIEND"})
        referrer.answer("referrer-details", {"referrer-name": "Charles Babbage", "referrer-phone": "01632 960 002"})
    referrer.answer("referral-for", {"referral-for": "ADULT_NEEDS"})
    referrer.answer("person", PERSON)
    referrer.answer("address", ADDRESS)
    referrer.answer("contact", {"contact-phone": "01632 960 001", "contact-email": email or ""})
    if not myself:
        referrer.answer("consent", {"consent-given": "YES"})
    referrer.answer("impairment", {"impairment": "yes", "impairment-description": "Arthritis in both hands"})
    unable = unable if unable is not None else {"nutrition": ["NEEDS_ASSISTANCE"], "personal_hygiene": ["NEEDS_ASSISTANCE", "ENDANGERS_SAFETY"]}
    for slug, _, ids in ADULT_OUTCOME_PAGES:
        referrer.answer(slug, outcomes("outcome", ids, unable))
    description = {"wellbeing-description": "They are not eating and feel low"} if wellbeing != "NONE" else {}
    last = referrer.answer("wellbeing", {"wellbeing": wellbeing, **description})
    assert last.location == f"{referrer.base}/refer/check"


def case_of(page, council: str = "NORTHSHIRE") -> ReferralCase:
    reference = re.search(r"Your reference number (\S+)", page.text).group(1)
    case = store_for(council).get(reference)
    assert isinstance(case, ReferralCase)
    return case


# ---------------------------------------------------------------- each route, start to finish


def test_a_likely_eligible_referral_from_start_to_confirmation(browser):
    referrer = Referrer(browser)
    start = referrer.get("refer")
    assert start.status == 200 and "Who can refer" in start.text and "24 working hours" in start.text
    adult_journey(referrer)
    check = referrer.get("refer/check")
    assert "Ada" in check.text and "They need help, or reminding, to do it" in check.text and "Charles Babbage" in check.text

    page = referrer.send()
    case = case_of(page)
    assert case.recommendation.route is TriageRoute.LIKELY_ELIGIBLE
    assert case.application.question_set_version == default_question_set().version
    assert case.application.adult.nhs_number == "9434765919" and case.application.referrer.name == "Charles Babbage"
    assert "likely to be eligible" in page.text and "the adult social care team will contact you within 24 working hours" in page.text.lower()
    due = case.routing_due.astimezone(LONDON)
    assert f"{due.day} {due:%B %Y}, {due.hour % 12 or 12}:{due:%M}" in page.text
    assert "The council will still look at your referral" in page.text
    assert case.recommendation.reasons[0] in page.text
    assert "Support you can get now" not in page.text
    # Sending again (a second click, or Back then send) makes no second case: the same confirmation.
    again = browser.post(f"{NORTHSHIRE}/refer/check", {"csrf_token": browser.cookies["asc_form_token"]})
    assert again.status == 303 and case_of(referrer.get(again.location)).case_id == case.case_id


def test_an_urgent_referral_tells_the_safeguarding_team_now(browser):
    referrer = Referrer(browser)
    adult_journey(referrer, urgent=no_urgent(abuse_or_neglect_suspected="yes"), unable={}, wellbeing="NONE")
    page = referrer.send()
    case = case_of(page)
    assert case.recommendation.route is TriageRoute.URGENT
    assert case.team == triage_settings(councils().get("NORTHSHIRE")).safeguarding_team
    assert "If anyone is in immediate danger, call 999 now" in page.text
    assert "The safeguarding team has been told now" in page.text


def test_support_needs_signposts_at_once_and_offers_a_hub_appointment_to_book_and_cancel(browser):
    email = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    referrer = Referrer(browser)
    adult_journey(referrer, myself=True, unable={"nutrition": ["NEEDS_ASSISTANCE"]}, wellbeing="SOME", email=email)
    page = referrer.send()
    case = case_of(page)
    assert case.recommendation.route is TriageRoute.SUPPORT_NEEDS
    assert case.application.referrer.kind == "SELF" and case.application.consent.given == "YES"
    assert "may not be eligible" in page.text and "The council will still look at your referral" in page.text
    assert "Northby Meals at Home" in page.text  # helps with nutrition, everywhere
    assert "Northby Age Friends" in page.text  # general help, in NE1
    assert "Work and Learning Support" not in page.text  # helps only with what they can do
    assert f'href="{NORTHSHIRE}/hubs/town-hub"' in page.html

    hub = referrer.get("hubs/town-hub")
    assert 'value="Ada Lovelace"' in hub.html and f'value="{email}"' in hub.html  # from the referral
    slot = re.search(r'name="slot" type="radio" value="([^"]+)"', hub.html).group(1)
    booked = browser.post(f"{NORTHSHIRE}/hubs/town-hub", {"slot": slot, "name": "Ada Lovelace", "contact": email,
                                                          "csrf_token": hub.csrf_token})
    assert booked.status == 303
    confirmation = referrer.get(booked.location)
    assert confirmation.status == 200 and "Appointment booked" in confirmation.text and "We have emailed you" in confirmation.text
    cancel_link = re.search(r'href="(https?://[^"]+/cancel\?token=[^"]+)"', confirmation.html).group(1)
    booking_id = booked.location.rsplit("/", 1)[-1]
    bookings = HubBookings(council_client("dynamodb", "NORTHSHIRE"), council_table_name("NORTHSHIRE"))
    booking = bookings.booking(booking_id)
    assert booking.visitor.referral_reference == case.case_id and booking.slot_start == datetime.fromisoformat(slot)
    # The booking's own email, whenever the workflow's acknowledgement of the referral arrives beside it.
    link = cancel_link.replace("&amp;", "&")
    wait_until(lambda: next((sent for sent in emails_to(email) if link in sent.body), None), what="the booking email with its link")

    cancel_path = cancel_link[cancel_link.index("/adult-social-care/"):].replace("&amp;", "&")
    ask = referrer.get(cancel_path)
    assert ask.status == 200 and "Cancel the appointment" in ask.text
    token = re.search(r'name="token" value="([^"]+)"', ask.html).group(1)
    done = browser.post(cancel_path.split("?")[0], {"token": token, "csrf_token": ask.csrf_token})
    assert done.status == 303
    cancelled = referrer.get(done.location)
    assert cancelled.status == 200 and "Appointment cancelled" in cancelled.text
    assert bookings.booking(booking_id).status == "CANCELLED"
    again = browser.post(cancel_path.split("?")[0], {"token": token, "csrf_token": ask.csrf_token})
    assert again.status == 409 and "already cancelled" in again.text


def test_a_carer_referral_asks_the_carer_questions(browser):
    referrer = Referrer(browser)
    referrer.answer("urgent", no_urgent())
    referrer.answer("referrer", {"referrer-kind": "PROFESSIONAL"})
    referrer.answer("referrer-details", {"referrer-name": "Dr Mary Somerville", "referrer-organisation": "Northby Surgery",
                                         "referrer-role": "GP", "referrer-email": "mary@surgery.example.org"})
    referrer.answer("referral-for", {"referral-for": "CARER"})
    referrer.answer("person", PERSON)
    referrer.answer("address", ADDRESS)
    referrer.answer("contact", {})
    referrer.answer("consent", {"consent-given": "NOT_ASKED", "consent-reason": "They were not at the appointment"})
    assert referrer.get("refer/impairment").status == 303  # not asked of a carer
    referrer.answer("carer", {"carer-needs": "yes", "carer-health": "yes", "carer-caring-for": "Her husband, who has dementia"})
    for slug, _, ids in CARER_OUTCOME_PAGES:
        page = referrer.get(f"refer/{slug}")
        assert "takes much longer" not in page.text  # not a way a carer is unable (regulation 3(3))
        referrer.answer(slug, outcomes("carer-outcome", ids, {"recreation": ["SIGNIFICANT_PAIN_DISTRESS_ANXIETY"]}))
    referrer.answer("wellbeing", {"wellbeing": "SIGNIFICANT", "wellbeing-description": "Exhausted"})
    case = case_of(referrer.send())
    assert case.application.referral_for == "CARER" and case.application.referrer.organisation == "Northby Surgery"
    assert case.recommendation.route is TriageRoute.LIKELY_ELIGIBLE


# ---------------------------------------------------------------- errors name their fields


def errors_on(page) -> dict[str, str]:
    """The error summary: link target -> message."""
    assert page.status == 400 and page.title.startswith("Error: "), page.text[:500]
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page.html, flags=re.DOTALL).group(0)
    return {target: unescape(re.sub(r"\s+", " ", text).strip()) for target, text in re.findall(r'href="#([^"]+)">([^<]+)</a>', summary)}


def test_each_page_names_the_field_of_each_error(browser):
    referrer = Referrer(browser)
    found = errors_on(referrer.answer("urgent", {}, expect=400))
    assert set(found) == {f"urgent-{id_}" for id_ in URGENT_IDS}
    assert found["urgent-immediate_danger"] == "Select yes or no: Is the person, or anyone else, in danger right now?"
    assert errors_on(referrer.answer("referrer", {}, expect=400)) == {"referrer-kind": "Select who is making this referral"}
    referrer.answer("referrer", {"referrer-kind": "PROFESSIONAL"})
    assert errors_on(referrer.answer("referrer-details", {}, expect=400)) == {
        "referrer-name": "Enter your full name", "referrer-organisation": "Enter the name of your organisation",
        "referrer-role": "Enter your job title or role", "referrer-phone": "Enter your phone number or your email address",
    }
    assert errors_on(referrer.answer("referrer-details", {"referrer-name": "A", "referrer-organisation": "B", "referrer-role": "C",
                                                          "referrer-email": "not-an-email"}, expect=400)) == {
        "referrer-email": "Enter an email address in the correct format, like name@example.com"}
    assert errors_on(referrer.answer("person", {}, expect=400)) == {
        "person-given-name": "Enter their first name", "person-family-name": "Enter their last name",
        "person-dob-day": "Enter their date of birth"}
    wrong = {**PERSON, "person-dob-year": "2015", "person-nhs-number": "943 476 5918"}
    found = errors_on(referrer.answer("person", wrong, expect=400))
    assert found == {"person-dob-day": "The person must be 18 or over. Contact children's services about a child",
                     "person-nhs-number": "Enter a real NHS number of 10 digits, like 943 476 5919"}
    assert errors_on(referrer.answer("person", {**PERSON, "person-dob-month": "13"}, expect=400)) == {
        "person-dob-day": "Date of birth must be a real date"}
    assert errors_on(referrer.answer("address", {"address-postcode": "NE1 XYZ"}, expect=400)) == {
        "address-line1": "Enter address line 1, typically the building and street", "address-postcode": "Enter a full UK postcode, like NE1 4XF"}
    too_long = errors_on(referrer.answer("address", {"address-postcode": "NOT A POSTCODE"}, expect=400))
    assert too_long["address-postcode"] == "Enter a full UK postcode, like NE1 4XF"  # what is wrong is the format, not its length
    assert errors_on(referrer.answer("contact", {"contact-phone": "call me"}, expect=400)) == {
        "contact-phone": "Enter a telephone number, like 01632 960 001 or +44 7700 900 982"}
    assert errors_on(referrer.answer("consent", {"consent-given": "NO"}, expect=400)) == {
        "consent-reason": "Tell us why the person does not agree or has not been asked"}
    referrer.answer("referral-for", {"referral-for": "ADULT_NEEDS"})
    assert errors_on(referrer.answer("impairment", {"impairment": "yes"}, expect=400)) == {
        "impairment-description": "Enter the condition, illness or disability"}
    slug, _, ids = ADULT_OUTCOME_PAGES[0]
    found = errors_on(referrer.answer(slug, {}, expect=400))
    assert set(found) == {f"outcome-{id_}" for id_ in ids}
    assert found["outcome-nutrition"].endswith(": Can they get, make and eat enough food and drink?")
    both = {**outcomes("outcome", ids, {}), "outcome-nutrition": ["NONE", "NEEDS_ASSISTANCE"]}
    assert "not both" in errors_on(referrer.answer(slug, both, expect=400))["outcome-nutrition"]
    assert errors_on(referrer.answer("wellbeing", {"wellbeing": "SOME"}, expect=400)) == {
        "wellbeing-description": "Enter how their wellbeing is affected"}


def test_a_self_referral_needs_a_way_to_contact_them(browser):
    referrer = Referrer(browser)
    referrer.answer("referrer", {"referrer-kind": "SELF"})
    assert errors_on(referrer.answer("contact", {}, expect=400)) == {"contact-phone": "Enter your phone number or your email address"}
    assert referrer.get("refer/consent").status == 303  # referring yourself is agreeing to it


def test_check_your_answers_lists_what_is_missing_with_links_to_the_pages(browser):
    referrer = Referrer(browser)
    referrer.answer("urgent", no_urgent())
    check = referrer.get("refer/check")
    assert "Send the referral" not in check.text
    links = re.findall(r'href="(/adult-social-care/northshire/refer/[^"#]+)#([^"]+)"', check.html)
    assert (f"{NORTHSHIRE}/refer/referrer?from=check", "referrer-kind") in links
    sent = browser.post(f"{NORTHSHIRE}/refer/check", {"csrf_token": browser.cookies["asc_form_token"]})
    assert sent.status == 400 and "Select who is making this referral" in sent.text


def test_refused_answers_are_given_back_to_the_page_that_asks_them():
    questions = default_question_set()
    answers = Answers({"referral-for": ["ADULT_NEEDS"], "referrer-kind": ["FAMILY_OR_FRIEND"]})
    errors = refused_errors([AnswerError("answers.outcomes.nutrition", "not answered: managing nutrition"),
                             AnswerError("answers.urgent.immediate_danger", "not answered")], answers, questions)
    assert errors["daily-living"].by_field == {"outcome-nutrition": "Can they get, make and eat enough food and drink?: "
                                                                    "not answered: managing nutrition"}
    assert set(errors["urgent"].by_field) == {"urgent-immediate_danger"}
    every_outcome = {id_ for slug, _, _ in ADULT_OUTCOME_PAGES for id_ in [f.name for f in STEPS_BY_SLUG[slug].fields(answers, questions)]}
    assert every_outcome == {f"outcome-{id_}" for id_ in ADULT_OUTCOMES}  # every statutory outcome is asked, once


def test_a_form_posted_without_its_token_is_not_taken(browser):
    referrer = Referrer(browser)
    referrer.get("refer/urgent")
    page = browser.post(f"{NORTHSHIRE}/refer/urgent", no_urgent())
    assert page.status == 400 and "This form has expired" in page.text and EMERGENCY in page.text


# ---------------------------------------------------------------- councils


def test_a_council_that_does_not_run_the_service_or_is_unknown_is_not_found(browser, monkeypatch):
    import web.pages.asc_referral as pages

    assert browser.get("/adult-social-care/nowhere/refer").status == 404
    assert browser.get("/adult-social-care/NORTHSHIRE/refer").status == 404  # codes are lower case in addresses
    northshire = councils().get("NORTHSHIRE")
    without = northshire.model_copy(update={"services": {key: value for key, value in northshire.services.items() if key != "asc-triage"}})
    monkeypatch.setattr(pages, "councils", lambda: CouncilRegistry([without, councils().get("VALEWYE")]))
    for path in ("refer", "refer/urgent", "hubs/town-hub"):
        page = browser.get(f"{NORTHSHIRE}/{path}")
        assert page.status == 404 and "Page not found" in page.text, path


def test_a_journey_belongs_to_its_council(browser):
    referrer = Referrer(browser)
    referrer.answer("urgent", no_urgent())
    valewye = Referrer(browser, "valewye")
    assert valewye.get("refer/check").location == "/adult-social-care/valewye/refer"  # Northshire's answers are not Valewye's
    adult_journey(valewye, myself=True, unable={"nutrition": ["NEEDS_ASSISTANCE"]}, wellbeing="SOME")
    page = valewye.send()
    case = case_of(page, "VALEWYE")
    assert case.council_code == "VALEWYE" and "Wyeford Meals at Home" in page.text and "Northby" not in page.text
    assert store_for("NORTHSHIRE").get(case.case_id) is None
    assert "Wyeford Community Hub" in valewye.get("hubs/town-hub").text


# ---------------------------------------------------------------- hubs


def hub_bookings(council: str = "NORTHSHIRE") -> HubBookings:
    return HubBookings(council_client("dynamodb", council), council_table_name(council))


def test_a_full_slot_is_not_offered_and_cannot_be_booked(browser):
    referrer = Referrer(browser)
    page = referrer.get("hubs/town-hub")
    slots = re.findall(r'name="slot" type="radio" value="([^"]+)"', page.html)
    full = slots[-1]
    hub = triage_settings(councils().get("NORTHSHIRE")).directory.hub("town-hub")
    for name in ("First visitor", "Second visitor"):  # two seats a slot
        hub_bookings().book(hub, datetime.fromisoformat(full), HubVisitor(name=name, contact="01632 960 003"), datetime.now(UTC))
    again = referrer.get("hubs/town-hub")
    assert f'value="{full}"' not in again.html
    taken = browser.post(f"{NORTHSHIRE}/hubs/town-hub", {"slot": full, "name": "Late", "contact": "01632 960 004",
                                                         "csrf_token": again.csrf_token})
    assert taken.status == 409
    assert errors_on_any(taken) == {"slot": "The time you chose has just been booked by someone else. Select another time"}


def errors_on_any(page) -> dict[str, str]:
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page.html, flags=re.DOTALL).group(0)
    return {target: unescape(text.strip()) for target, text in re.findall(r'href="#([^"]+)">([^<]+)</a>', summary)}


def test_booking_errors_name_their_fields(browser):
    referrer = Referrer(browser)
    page = referrer.get("hubs/town-hub")
    sent = browser.post(f"{NORTHSHIRE}/hubs/town-hub", {"slot": "2020-01-01T09:00:00+00:00", "name": "", "contact": "me@",
                                                        "csrf_token": page.csrf_token})
    assert errors_on(sent) == {
        "slot": "Select an appointment time", "name": "Enter the name of the person the appointment is for",
        "contact": "Enter an email address in the correct format, like name@example.com, or a phone number"}


def test_a_booking_by_phone_shows_its_cancel_link_and_a_wrong_token_is_not_found(browser):
    referrer = Referrer(browser)
    page = referrer.get("hubs/town-hub")
    slot = re.search(r'name="slot" type="radio" value="([^"]+)"', page.html).group(1)
    booked = browser.post(f"{NORTHSHIRE}/hubs/town-hub", {"slot": slot, "name": "Grace Hopper", "contact": "01632 960 005",
                                                          "csrf_token": page.csrf_token})
    confirmation = referrer.get(booked.location)
    assert "We have not emailed it to you" in confirmation.text and "/cancel?token=" in confirmation.text
    booking_id = booked.location.rsplit("/", 1)[-1]
    unknown = browser.post(f"{NORTHSHIRE}/hubs/bookings/HB-000000-00000000/cancel", {"token": "x" * 43, "csrf_token": page.csrf_token})
    wrong = browser.post(f"{NORTHSHIRE}/hubs/bookings/{booking_id}/cancel", {"token": "x" * 43, "csrf_token": page.csrf_token})
    assert unknown.status == wrong.status == 404 and unknown.text == wrong.text
    other_council = browser.post(f"/adult-social-care/valewye/hubs/bookings/{booking_id}/cancel",
                                 {"token": "x" * 43, "csrf_token": page.csrf_token})
    assert other_council.status == 404
    assert hub_bookings().booking(booking_id).status == "BOOKED"
    # The confirmation is for the browser that booked: another one sees "not found".
    browser.cookies.pop("asc_booked")
    assert browser.get(booked.location).status == 404


def test_another_councils_booking_is_not_found(browser):
    """A Northshire booking, its real cancel token used at Vale of Wye's addresses: not found, and still booked."""
    referrer = Referrer(browser)
    page = referrer.get("hubs/town-hub")
    slot = re.search(r'name="slot" type="radio" value="([^"]+)"', page.html).group(1)
    booked = browser.post(f"{NORTHSHIRE}/hubs/town-hub", {"slot": slot, "name": "Ada Lovelace", "contact": "01632 960 006",
                                                          "csrf_token": page.csrf_token})
    confirmation = referrer.get(booked.location)
    token = re.search(r"/cancel\?token=([A-Za-z0-9_-]+)", confirmation.html).group(1)
    booking_id = booked.location.rsplit("/", 1)[-1]
    vale = f"/adult-social-care/valewye/hubs/bookings/{booking_id}"
    for path in (vale, f"{vale}/cancelled"):
        assert browser.get(path).status == 404, path
    # The cancel page asks to confirm whatever the link (it checks nothing until sent), and so shows nothing of the booking.
    asked = browser.get(f"{vale}/cancel?token={token}")
    assert "Ada Lovelace" not in asked.text and "Northby" not in asked.text
    refused = browser.post(f"{vale}/cancel", {"token": token, "csrf_token": page.csrf_token})
    assert refused.status == 404 and "Ada Lovelace" not in refused.text
    assert hub_bookings().booking(booking_id).status == "BOOKED"
