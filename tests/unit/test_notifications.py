from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.services.blue_badge.domain.application import Application
from shared.core.domain.case import Case
from shared.services.blue_badge.domain.completeness import MissingCode, MissingItem
from shared.core.domain.council import load_councils
from shared.services.blue_badge.domain.notifications import (
    COUNCIL_KINDS,
    DEFAULT_TEMPLATES,
    ORDER_KINDS,
    EmailTemplate,
    NotificationKind,
    approval_email,
    compose,
    format_date,
    ordered_email,
)
from shared.services.blue_badge.domain.case import Stage
from shared.services.blue_badge.domain.badge import DeliverTo
from shared.services.blue_badge.domain.case import BadgeCase, BadgeOrder, Decision, DecisionOutcome
from shared.core.domain.email import BILINGUAL_DIVIDER, EmailMessage
from shared.core.domain.notify import Letter
from shared.services.blue_badge.domain.welsh_notifications import WELSH_TEMPLATES
from tests.factories import REMOVE, complete_application

COUNCILS = load_councils()
NORTHSHIRE = COUNCILS.get("NORTHSHIRE")
VALEWYE = COUNCILS.get("VALEWYE")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
REPLY_BY = date(2026, 12, 23)
DISPATCHED = date(2026, 11, 21)
APPLICANT_KINDS = [kind for kind in NotificationKind if kind not in COUNCIL_KINDS]


def make_case(council_code: str = "NORTHSHIRE", missing: list[MissingItem] | None = None, **overrides) -> Case:
    application = Application.model_validate(complete_application(council_code, **overrides))
    return BadgeCase.open(application, missing or [], NOW)


def approved(case: Case, deliver_to: DeliverTo = DeliverTo.HOME) -> Case:
    order = BadgeOrder(deliver_to=deliver_to)
    return case.model_copy(update={"decision": Decision(outcome=DecisionOutcome.APPROVE, order=order, by="cw@example.gov.uk", at=NOW)})


def compose_any(kind: NotificationKind, council=NORTHSHIRE, case: Case | None = None, **kwargs):
    """compose() with the inputs each kind needs."""
    case = case or make_case(council.code)
    if kind in ORDER_KINDS and case.decision is None:
        case = approved(case)
    defaults = {
        NotificationKind.INFORMATION_REQUESTED: {"missing": [MissingItem.of(MissingCode.PHOTO)], "reply_by": REPLY_BY},
        NotificationKind.INFORMATION_REMINDER: {"missing": [MissingItem.of(MissingCode.PHOTO)], "reply_by": REPLY_BY},
        NotificationKind.WITHDRAWN: {"reply_by": REPLY_BY},
        NotificationKind.DECISION_REFUSED: {"reasons": ["You do not get the qualifying rate of PIP."], "reply_by": REPLY_BY},
        NotificationKind.REVIEW_UPHELD: {"reasons": ["Your walking assessment does not meet the criteria."]},
        NotificationKind.BADGE_POSTED: {"badge_numbers": ["AB12CD"], "dispatched_on": DISPATCHED},
        NotificationKind.BADGE_FOR_COLLECTION: {"badge_numbers": ["AB12CD"], "dispatched_on": DISPATCHED},
        NotificationKind.RENEWAL_REMINDER: {"badge_numbers": ["AB12CD"], "expires_on": DISPATCHED},
        NotificationKind.BADGE_CANCELLED: {"badge_numbers": ["AB12CD"]},
    }.get(kind, {})
    return compose(kind, council, case, **{**defaults, **kwargs})


EXPECTED_SUBJECT = {
    NotificationKind.RECEIVED: "We have received your Blue Badge application",
    NotificationKind.INFORMATION_REQUESTED: "We need more information for your Blue Badge application",
    NotificationKind.INFORMATION_REMINDER: "Reminder: we still need information",
    NotificationKind.WITHDRAWN: "Your Blue Badge application has been closed",
    NotificationKind.DECISION_APPROVED: "Your Blue Badge application has been approved",
    NotificationKind.DECISION_REFUSED: "Decision on your Blue Badge application",
    NotificationKind.BADGE_ORDERED: "Your Blue Badge has been ordered",
    NotificationKind.APPROVED_AND_ORDERED: "Your Blue Badge application has been approved and your badge ordered",
    NotificationKind.REVIEW_UPHELD: "The review of your Blue Badge decision",
    NotificationKind.BADGE_POSTED: "Your Blue Badge has been posted",
    NotificationKind.BADGE_FOR_COLLECTION: "Blue Badge for collection posted to Northshire County Council",
    NotificationKind.RENEWAL_REMINDER: "Your Blue Badge expires on",
    NotificationKind.BADGE_CANCELLED: "Blue Badge AB12CD has been cancelled",
}


def test_every_kind_has_a_default_template():
    assert set(DEFAULT_TEMPLATES) == set(NotificationKind)


@pytest.mark.parametrize("kind", APPLICANT_KINDS)
def test_each_kind_composes_with_subject_and_personalisation(kind):
    case = make_case()
    message = compose_any(kind, case=case)

    assert message.subject.startswith(EXPECTED_SUBJECT[kind])
    assert case.case_id in message.subject
    assert message.to == "ada@example.com"
    assert message.sender == message.reply_to == "bluebadge@northshire.example.gov.uk"
    body = message.body_text
    assert body.startswith("Dear Ada Lovelace,\n")
    assert case.case_id in body
    assert "Northshire County Council" in body
    assert "01632 960001" in body
    assert "https://northshire.example.gov.uk/blue-badge" in body
    assert "$" not in body and "$" not in message.subject  # every placeholder was filled
    assert BILINGUAL_DIVIDER not in body and "Annwyl" not in body


@pytest.mark.parametrize("kind", sorted(ORDER_KINDS))
def test_the_badge_ordered_email_says_how_the_badge_comes_posted_or_to_collect(kind):
    posted = compose(kind, NORTHSHIRE, approved(make_case())).body_text
    assert "sent to you by post" in posted and "not arrived within 3 weeks" in posted and "collect" not in posted
    collected = compose(kind, NORTHSHIRE, approved(make_case(), DeliverTo.COUNCIL)).body_text
    assert "sent to us for you to collect" in collected and "contact you when it is ready" in collected
    assert "by post" not in collected and "not arrived" not in collected
    with pytest.raises(ValueError):  # nothing approved: no order to say how it comes
        compose(kind, NORTHSHIRE, make_case())


def test_an_approval_ordered_at_once_is_one_email_and_one_that_waits_for_the_fee_is_two():
    # No fee to wait for: nothing at the approval, and the order's email says both.
    assert approval_email(fee_due=False) is None
    assert ordered_email(Stage.DECISION) is ordered_email(Stage.REVIEW) is NotificationKind.APPROVED_AND_ORDERED
    both = compose(NotificationKind.APPROVED_AND_ORDERED, NORTHSHIRE, approved(make_case())).body_text
    assert "has been approved, and we have ordered your badge" in both and "We will email you again" not in both
    # The fee comes between: the approval is told at once, the order later on its own.
    assert approval_email(fee_due=True) is NotificationKind.DECISION_APPROVED
    assert ordered_email(Stage.AWAITING_PAYMENT) is NotificationKind.BADGE_ORDERED


def test_a_council_may_word_the_combined_email_its_own_way():
    override = {NotificationKind.APPROVED_AND_ORDERED: EmailTemplate(subject="Approved and ordered ($case_reference)",
                                                                    body="Dear $name. Your badge is on its way. $delivery")}
    message = compose(NotificationKind.APPROVED_AND_ORDERED, NORTHSHIRE, approved(make_case(), DeliverTo.COUNCIL), templates=override)
    assert message.subject.startswith("Approved and ordered (") and "sent to us for you to collect" in message.body_text


def test_information_requested_lists_each_missing_item_and_the_reply_by_date():
    missing = [MissingItem.of(MissingCode.PHOTO), MissingItem.of(MissingCode.NINO), MissingItem.of(MissingCode.PROOF_OF_ADDRESS)]
    message = compose(NotificationKind.INFORMATION_REQUESTED, NORTHSHIRE, make_case(), missing=missing, reply_by=REPLY_BY)

    lines = message.body_text.splitlines()
    for item in missing:
        assert f"- {item.description}" in lines
    bullets = [line for line in lines if line.startswith("- ")]
    assert bullets == [f"- {item.description}" for item in missing]
    assert "by 23 December 2026" in message.body_text


def test_information_requested_defaults_to_the_cases_missing_items():
    case = make_case(missing=[MissingItem.of(MissingCode.FEE)])
    message = compose(NotificationKind.INFORMATION_REQUESTED, NORTHSHIRE, case, reply_by=REPLY_BY)
    assert "- Payment of the badge fee" in message.body_text.splitlines()


def test_reminder_lists_missing_items_and_date():
    message = compose_any(NotificationKind.INFORMATION_REMINDER, missing=[MissingItem.of(MissingCode.PHOTO)])
    assert "- A recent passport-style photo of the badge holder" in message.body_text.splitlines()
    assert "23 December 2026" in message.body_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [(date(2026, 12, 23), "23 December 2026"), (date(2027, 1, 5), "5 January 2027"), (date(2026, 3, 1), "1 March 2026")],
)
def test_dates_are_written_gov_uk_style(value, expected):
    assert format_date(value) == expected


def test_refusal_lists_reasons_and_explains_review_and_signpost():
    reasons = ["You do not get the qualifying rate of PIP.", "The assessment found you can walk safely."]
    message = compose(NotificationKind.DECISION_REFUSED, NORTHSHIRE, make_case(), reasons=reasons, reply_by=REPLY_BY)

    lines = message.body_text.splitlines()
    for reason in reasons:
        assert f"- {reason}" in lines
    assert "review" in message.body_text
    # The review window in the council's working days, and its last day.
    assert "within 20 working days of the date of this email, by 23 December 2026." in message.body_text
    assert "https://northshire.example.gov.uk/parking-support" in message.body_text


def test_withdrawn_says_why_and_how_to_reapply():
    message = compose(NotificationKind.WITHDRAWN, NORTHSHIRE, make_case(), reply_by=REPLY_BY)
    body = message.body_text
    assert "closed your Blue Badge application" in body
    assert "did not get the information we asked for by 23 December 2026" in body
    assert "apply again" in body


@pytest.mark.parametrize(
    "overrides",
    [{"contact__email": REMOVE}, {"contact": REMOVE}],
    ids=["no email", "no contact"],
)
def test_no_contact_email_means_a_letter_to_the_holders_address(overrides):
    case = make_case(**overrides)
    letter = compose(NotificationKind.RECEIVED, NORTHSHIRE, case)
    assert isinstance(letter, Letter)
    assert letter.address.lines[0] == case.application.holder.address.line1
    assert letter.address.postcode == case.application.holder.address.postcode
    assert letter.subject.startswith(EXPECTED_SUBJECT[NotificationKind.RECEIVED])


def test_no_email_and_no_usable_address_means_nothing_to_send():
    case = make_case(contact__email=REMOVE, holder__address__postcode="ZZ9 9ZZZ")
    assert compose(NotificationKind.RECEIVED, NORTHSHIRE, case) is None


def test_an_applicant_who_asked_for_post_gets_a_letter_even_with_an_email_address():
    case = make_case(contact__by_post=True)
    assert isinstance(compose(NotificationKind.RECEIVED, NORTHSHIRE, case), Letter)
    # The council's own team is always emailed.
    collection = compose_any(NotificationKind.BADGE_FOR_COLLECTION, case=case)
    assert isinstance(collection, EmailMessage) and collection.to == "bluebadge@northshire.example.gov.uk"


def test_organisation_application_addresses_the_organisation():
    case = make_case(
        party="ORG",
        holder=REMOVE,
        eligibility=REMOVE,
        evidence=[],
        organisation={"name": "Northby Community Transport", "number_of_badges": 4,
                      "address": {"line1": "1 Depot Road", "town": "Northby", "postcode": "NE1 4XF"}},
        contact={"full_name": "Sam Driver", "email": "transport@example.org"},
    )
    message = compose(NotificationKind.DECISION_APPROVED, NORTHSHIRE, case)
    assert message.to == "transport@example.org"
    assert message.body_text.startswith("Dear Northby Community Transport,\n")


def test_falls_back_to_the_holders_name_without_a_contact_name():
    case = make_case(contact={"email": "rep@example.com"}, holder__forenames="Grace", holder__surname="Hopper")
    assert compose(NotificationKind.RECEIVED, NORTHSHIRE, case).body_text.startswith("Dear Grace Hopper,\n")


def test_a_template_override_replaces_only_that_kind():
    override = {NotificationKind.RECEIVED: EmailTemplate(
        subject="Thanks from $council_name ($case_reference)",
        body="Hello $name. Ring $council_phone.",
    )}
    case = make_case()

    received = compose(NotificationKind.RECEIVED, NORTHSHIRE, case, templates=override)
    approved = compose(NotificationKind.DECISION_APPROVED, NORTHSHIRE, case, templates=override)

    assert received.subject == f"Thanks from Northshire County Council ({case.case_id})"
    assert received.body_text == "Hello Ada Lovelace. Ring 01632 960001.\n"
    assert approved.subject.startswith(EXPECTED_SUBJECT[NotificationKind.DECISION_APPROVED])


def test_an_override_with_an_unknown_placeholder_fails_loudly():
    override = {NotificationKind.RECEIVED: EmailTemplate(subject="Hi", body="Dear $nmae")}
    with pytest.raises(KeyError):
        compose(NotificationKind.RECEIVED, NORTHSHIRE, make_case(), templates=override)


@pytest.mark.parametrize("kind", APPLICANT_KINDS)
def test_welsh_councils_write_in_welsh_then_english(kind):
    case = make_case("VALEWYE")
    message = compose_any(kind, council=VALEWYE, case=case)
    welsh, english = message.body_text.split(f"\n{BILINGUAL_DIVIDER}\n\n")
    assert welsh.startswith("Annwyl Ada Lovelace,\n") and english.startswith("Dear Ada Lovelace,\n")
    assert welsh.endswith(f"Nodwch eich cyfeirnod {case.case_id} wrth gysylltu â ni.\n\nCyngor Bro Gwy\n")  # its Welsh name
    assert english.endswith(f"Please quote your reference {case.case_id}.\n\nVale of Wye Council\n")
    assert "$" not in message.body_text and "$" not in message.subject  # every placeholder filled, in both languages
    welsh_subject, english_subject = message.subject.split(" / ")
    assert welsh_subject.endswith(f"cyfeirnod {case.case_id}") and english_subject.startswith(EXPECTED_SUBJECT[kind])
    assert message.sender == "bathodynlas@valewye.example.gov.uk"


def test_every_applicant_kind_has_welsh_wording_and_the_councils_team_gets_english_only():
    assert set(WELSH_TEMPLATES) == {kind.value for kind in APPLICANT_KINDS}
    collection = compose_any(NotificationKind.BADGE_FOR_COLLECTION, council=VALEWYE, case=make_case("VALEWYE"))
    assert BILINGUAL_DIVIDER not in collection.body_text


def test_welsh_dates_and_paragraphs_are_in_welsh():
    case = approved(make_case("VALEWYE"), DeliverTo.COUNCIL)
    ordered = compose(NotificationKind.APPROVED_AND_ORDERED, VALEWYE, case).body_text
    assert "Bydd yn cael ei argraffu a'i anfon atom ni i chi ei gasglu." in ordered.split(BILINGUAL_DIVIDER)[0]
    asked = compose_any(NotificationKind.INFORMATION_REQUESTED, council=VALEWYE, case=make_case("VALEWYE"),
                        reply_url="https://casework.example/reply/abc").body_text
    welsh = asked.split(BILINGUAL_DIVIDER)[0]
    assert "Anfonwch hyn atom erbyn 23 Rhagfyr 2026." in welsh
    assert "Gallwch ei anfon atom ar-lein:\nhttps://casework.example/reply/abc\n" in welsh and ", tan 23 Rhagfyr 2026." in welsh
    refused = compose_any(NotificationKind.DECISION_REFUSED, council=VALEWYE, case=make_case("VALEWYE")).body_text
    assert "cyn pen 20 diwrnod gwaith ar ôl dyddiad yr e-bost hwn, erbyn 23 Rhagfyr 2026." in refused


@pytest.mark.parametrize(
    ("kind", "kwargs"),
    [
        (NotificationKind.INFORMATION_REQUESTED, {"missing": [MissingItem.of(MissingCode.PHOTO)]}),  # no reply_by
        (NotificationKind.INFORMATION_REQUESTED, {"reply_by": REPLY_BY}),  # nothing missing
        (NotificationKind.WITHDRAWN, {}),
        (NotificationKind.DECISION_REFUSED, {"reasons": ["  "], "reply_by": REPLY_BY}),
        (NotificationKind.DECISION_REFUSED, {"reasons": ["No qualifying award."]}),  # no last day to ask for a review
        (NotificationKind.REVIEW_UPHELD, {"reasons": []}),
        (NotificationKind.BADGE_POSTED, {"badge_numbers": ["AB12CD"]}),  # no dispatch date
        (NotificationKind.BADGE_FOR_COLLECTION, {"dispatched_on": DISPATCHED}),  # no badge
    ],
)
def test_required_inputs_are_checked(kind, kwargs):
    with pytest.raises(ValueError):
        compose(kind, NORTHSHIRE, make_case(), **kwargs)


def test_badge_posted_says_when_and_which_badge():
    message = compose_any(NotificationKind.BADGE_POSTED, badge_numbers=["AB12CD", "AB12CE"])
    assert "posted to you on 21 November 2026" in message.body_text
    assert "Badge number: AB12CD, AB12CE" in message.body_text.splitlines()


@pytest.mark.parametrize("council", [NORTHSHIRE, VALEWYE], ids=lambda council: council.code)
def test_a_badge_for_collection_goes_to_the_councils_own_team(council):
    case = make_case(council.code, contact=REMOVE)  # sent whether or not the applicant has an email address
    message = compose_any(NotificationKind.BADGE_FOR_COLLECTION, council=council, case=case)
    assert message.to == message.sender == message.reply_to == str(council.contact.email)
    assert message.subject == f"Blue Badge for collection posted to {council.name} - case {case.case_id}"
    lines = message.body_text.splitlines()
    assert lines[0] == "Dear Blue Badge team,"  # staff wording: no Welsh-version note, no applicant footer
    assert "Badge number: AB12CD" in lines and f"Case: {case.case_id}" in lines and "Applicant: Ada Lovelace" in lines
    assert "on 21 November 2026" in message.body_text and "$" not in message.body_text


def test_a_council_may_word_the_collection_email_its_own_way():
    override = {NotificationKind.BADGE_FOR_COLLECTION: EmailTemplate(subject="Collect $badge_numbers", body="For $name, posted $dispatched_on.")}
    message = compose_any(NotificationKind.BADGE_FOR_COLLECTION, templates=override)
    assert (message.subject, message.body_text) == ("Collect AB12CD", "For Ada Lovelace, posted 21 November 2026.\n")
