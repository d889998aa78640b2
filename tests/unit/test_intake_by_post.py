"""The keying-in journey's "by post" choice (contact.by_post), and an applicant a letter reaches needing no email or
phone (the missing-item rule)."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.core.domain.council import load_councils
from shared.services.blue_badge.domain.completeness import MissingCode, missing_items
from web.intake_journey import STEPS, Answers, Checked, check, shown_fields

NORTHSHIRE = load_councils().get("NORTHSHIRE")
KEYED_AT = datetime(2026, 11, 2, 10, tzinfo=UTC)
ANSWERS = {
    "application-id": "PAPER-NORTHSHIRE-20261102-0A1B2C3D", "application-type": "NEW", "party": "PERSON", "channel": "PAPER",
    "holder-forenames": "Grace", "holder-surname": "Hopper", "holder-dob-day": "9", "holder-dob-month": "12",
    "holder-dob-year": "1956", "holder-nino": "AB123456C",
    "address-line1": "1 Harbour Row", "address-town": "Northby", "address-postcode": "NE1 4XF",
    "eligibility-code": "BLIND", "fee-paid": "no",
}


def keyed(**fields: str) -> Checked:
    return check(Answers({name: [value] for name, value in (ANSWERS | fields).items()}), NORTHSHIRE, KEYED_AT)


def test_the_contact_step_offers_letters_by_post():
    address_step = next(step for step in STEPS if step.slug == "address")
    [by_post] = [item for item in shown_fields(address_step, Answers()) if item.name == "contact-by-post"]
    assert by_post.kind == "CHECKBOXES" and by_post.locations == ("contact.by_post",)


def test_ticking_by_post_asks_for_letters_and_leaving_it_does_not():
    ticked = keyed(**{"contact-email": "grace@example.com", "contact-by-post": "yes"})
    assert ticked.errors == {} and ticked.application.contact.by_post is True
    unticked = keyed(**{"contact-email": "grace@example.com"})
    assert unticked.application.contact.by_post is False


def test_a_keyed_in_applicant_with_only_an_address_and_by_post_is_reachable():
    application = keyed(**{"contact-by-post": "yes"}).application
    assert application.contact.email is None and application.contact.phone is None
    assert MissingCode.CONTACT not in [item.code for item in missing_items(application, NORTHSHIRE)]
