"""Each service's email catalogue, a council's own wording of its emails in council config, and the checks that stop a
mistyped template at config loading."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest

from shared.core.domain.council import COUNCILS_FILE, CouncilConfigError, ServiceSettings, parse_councils
from shared.core.domain.email import BILINGUAL_DIVIDER, WELSH_MONTHS, EmailCatalogue, EmailTemplate
from shared.services.asc_triage.domain.business_hours import LONDON
from shared.services.asc_triage.domain.case import ScreeningOutcome
from shared.services.asc_triage.domain.notifications import REFERRER_EMAILS, ReferralEmail, referrer_email
from shared.services.asc_triage.domain.signposting import signposts_for
from shared.services.blue_badge.domain.notifications import BLUE_BADGE_EMAILS, NotificationKind, compose
from shared.services.registry import SERVICES
from tests.unit.asc_triage.test_screening_rules import NOW, SETTINGS, referral_case, screened
from tests.unit.test_notifications import make_case

ENTRIES = json.loads(COUNCILS_FILE.read_text())
SHIPPED = parse_councils(ENTRIES)
NORTHSHIRE, VALEWYE = SHIPPED.get("NORTHSHIRE"), SHIPPED.get("VALEWYE")
FOOTER = """
If you have any questions, contact Northshire County Council:
Phone: 01632 960001
Email: bluebadge@northshire.example.gov.uk
Website: https://northshire.example.gov.uk/blue-badge

Please quote the reference {reference}.

Northshire County Council
"""


def councils_with_templates(service: str, templates: dict) -> list[dict]:
    """The shipped council entries, NORTHSHIRE and VALEWYE each with their own wording of some of a service's emails."""
    entries = copy.deepcopy(ENTRIES)
    for entry in entries:
        entry["services"][service]["email_templates"] = templates
    return entries


def test_each_service_declares_a_catalogue_of_every_kind_it_sends():
    assert BLUE_BADGE_EMAILS.kinds == set(NotificationKind)
    assert REFERRER_EMAILS.kinds == set(ReferralEmail)
    assert SERVICES.get("blue-badge").emails is BLUE_BADGE_EMAILS
    assert SERVICES.get("asc-triage").emails is REFERRER_EMAILS
    assert all(issubclass(spec.settings_model, ServiceSettings) for spec in SERVICES)  # each has email_templates


def test_a_default_template_with_a_placeholder_nobody_fills_fails_at_once():
    with pytest.raises(ValueError, match=r"SENT.body: unknown placeholder \$nmae"):
        EmailCatalogue(templates={"SENT": EmailTemplate(subject="Hi", body="Dear $nmae")}, placeholders=("name",))


# The referrer emails' default wording, as the f-strings that wrote them before templates did.
def test_the_acknowledgement_reads_as_before():
    case = referral_case()
    message = referrer_email(ReferralEmail.RECEIVED, NORTHSHIRE, case)
    assert message.subject == f"We have received your referral - reference {case.reference}"
    assert message.body_text == (
        "Dear Dr Grace Hopper,\n\n"
        f"We have received your referral to adult social care for Ada Lovelace. The reference is {case.reference}.\n\n"
        "Someone from our team will read it and decide what happens next. We aim to do this by 6:15pm on Monday "
        "23 November 2026. We will email you when we have.\n\n"
        "If you think someone is in immediate danger, call 999.\n"
    ) + FOOTER.format(reference=case.reference)


@pytest.mark.parametrize("online", [True, False], ids=["with link", "without link"])
def test_the_question_reads_as_before(online):
    case = referral_case()
    link = {"reply_url": "https://casework.example/reply/abc", "reply_by": NOW + timedelta(days=28)} if online else {}
    message = referrer_email(ReferralEmail.QUESTION, NORTHSHIRE, case,
                             question="Who helps her now?", **link)
    assert message.subject == f"We need more information about your referral - reference {case.reference}"
    answer_online = ("Answer online by 21 December 2026:\nhttps://casework.example/reply/abc\n\nThe link works once.\n\n"
                     if online else "")
    assert message.body_text == (
        "Dear Dr Grace Hopper,\n\n"
        "We need more information before we can decide what happens with your referral for Ada Lovelace.\n\n"
        "Our question:\nWho helps her now?\n\n"
        f"{answer_online}You can also call us on 01632 960001.\n\n"
        f"If we do not hear from you{' by 21 December 2026' if online else ''}, we will decide using the information "
        "we already have.\n"
    ) + FOOTER.format(reference=case.reference)


def test_the_routed_email_reads_as_before():
    case = referral_case()
    message = referrer_email(ReferralEmail.ROUTED, NORTHSHIRE, case, team_name="Community OT")
    assert message.subject == f"We have passed your referral to our Community OT team - reference {case.reference}"
    assert message.body_text == (
        "Dear Dr Grace Hopper,\n\n"
        "We have read your referral for Ada Lovelace and passed it to our Community OT team.\n\n"
        "They will contact Ada Lovelace to talk about what support they need.\n"
    ) + FOOTER.format(reference=case.reference)


@pytest.mark.parametrize("listed", [True, False], ids=["services listed", "none listed"])
def test_the_signposting_email_reads_as_before(listed):
    case = referral_case(answers__outcomes__personal_hygiene=[])
    entries = signposts_for(SETTINGS.directory, ["nutrition"], "NE1 4XF") if listed else []
    message = referrer_email(ReferralEmail.SIGNPOSTED, NORTHSHIRE, case, signposts=entries)
    assert message.subject == f"Support for Ada Lovelace in the community - reference {case.reference}"
    support = (
        "These services can help:\n\n"
        "Northby Meals at Home\nHot meals delivered, and help with shopping and cooking at home.\nPhone: 01632 960101\n\n"
        "Northby Age Friends\nBefriending calls and visits, lunch clubs and help getting out to local groups.\n"
        "Phone: 01632 960102\nWebsite: https://agefriends.northshire.example.org.uk/\n\n"
    ) if listed else "Call us and we will talk through the support available in the community.\n\n"
    assert message.body_text == (
        "Dear Dr Grace Hopper,\n\n"
        "We have read your referral for Ada Lovelace. We think support in the community is the best help for them at "
        f"the moment.\n\n{support}"
        "If their needs change, or you think we have got this wrong, contact us and we will look again.\n"
    ) + FOOTER.format(reference=case.reference)


@pytest.mark.parametrize("linked", [True, False], ids=["joined to an existing case", "no further action"])
def test_the_closing_email_reads_as_before(linked):
    record = {"overrides_recommendation": True, "reason": "Known", "linked_case_id": "NORTHSHIRE-250101-ABCDEF"} \
        if linked else {"overrides_recommendation": False}
    case = screened(referral_case(), ScreeningOutcome.CLOSE, **record)
    message = referrer_email(ReferralEmail.CLOSED, NORTHSHIRE, case)
    assert message.subject == f"We have closed your referral - reference {case.reference}"
    why = ("Ada Lovelace is already known to us, so we have added your referral to their existing record." if linked
           else "We will not be taking any further action.")
    assert message.body_text == (
        f"Dear Dr Grace Hopper,\n\nWe have read your referral for Ada Lovelace and closed it. {why}\n\n"
        "If their needs change, or you think we have got this wrong, contact us and we will look again.\n"
    ) + FOOTER.format(reference=case.reference)


def test_a_welsh_council_writes_welsh_first_then_the_english_as_before():
    case = screened(referral_case(), ScreeningOutcome.CLOSE, overrides_recommendation=False)
    message = referrer_email(ReferralEmail.CLOSED, VALEWYE, case)
    welsh, english = message.body_text.split(f"\n{BILINGUAL_DIVIDER}\n\n")
    assert welsh.startswith("Annwyl Dr Grace Hopper,\n\nRydym wedi darllen eich atgyfeiriad ar gyfer Ada Lovelace ac "
                            "wedi'i gau. Ni fyddwn yn cymryd unrhyw gamau pellach.\n")
    assert welsh.endswith(f"Nodwch y cyfeirnod {case.reference} wrth gysylltu â ni.\n\nCyngor Bro Gwy\n")  # its Welsh name
    assert english.startswith("Dear Dr Grace Hopper,\n\nWe have read your referral")
    assert english.endswith(f"Please quote the reference {case.reference}.\n\nVale of Wye Council\n")
    assert message.subject == f"Rydym wedi cau eich atgyfeiriad - cyfeirnod {case.reference} / We have closed your referral - reference {case.reference}"


def test_the_welsh_acknowledgement_gives_the_screening_time_in_welsh():
    case = referral_case()
    welsh = referrer_email(ReferralEmail.RECEIVED, VALEWYE, case).body_text.split(BILINGUAL_DIVIDER)[0]
    due = case.routing_due.astimezone(LONDON)
    hour = due.strftime("%I:%M%p").lstrip("0").lower().replace(":00", "").replace("am", "yb").replace("pm", "yh")
    weekday = ("Llun", "Mawrth", "Mercher", "Iau", "Gwener", "Sadwrn", "Sul")[due.weekday()]
    assert f"Ein nod yw gwneud hyn erbyn {hour} ddydd {weekday} {due.day} {WELSH_MONTHS[due.month - 1]} {due.year}." in welsh


def test_a_councils_own_wording_in_config_reaches_the_blue_badge_email():
    councils = parse_councils(councils_with_templates("blue-badge", {
        "RECEIVED": {"subject": "Thanks from $council_name - $case_reference", "body": "Hello $name.\nRing $council_phone."},
    }))
    case = make_case()
    received = compose(NotificationKind.RECEIVED, councils.get("NORTHSHIRE"), case)
    assert (received.subject, received.body_text) == (f"Thanks from Northshire County Council - {case.case_id}",
                                                      "Hello Ada Lovelace.\nRing 01632 960001.\n")
    approved = compose(NotificationKind.DECISION_APPROVED, councils.get("NORTHSHIRE"), case)
    assert approved == compose(NotificationKind.DECISION_APPROVED, NORTHSHIRE, case)


def test_a_councils_own_wording_in_config_reaches_the_referrer_email():
    councils = parse_councils(councils_with_templates("asc-triage", {
        "REFERRAL_ROUTED": {"subject": "Referral $reference: with $team_name",
                            "body": "Dear $referrer_name,\n\n$team_name will phone $person.\n\n$council_name\n"},
    }))
    case = referral_case()
    routed = referrer_email(ReferralEmail.ROUTED, councils.get("NORTHSHIRE"), case, team_name="Community OT")
    assert (routed.subject, routed.body_text) == (
        f"Referral {case.reference}: with Community OT",
        "Dear Dr Grace Hopper,\n\nCommunity OT will phone Ada Lovelace.\n\nNorthshire County Council\n",
    )
    welsh = referrer_email(ReferralEmail.ROUTED, councils.get("VALEWYE"), case, team_name="Community OT").body_text
    assert welsh.startswith("Annwyl Dr Grace Hopper,\n\nRydym wedi darllen eich atgyfeiriad ar gyfer Ada Lovelace ac "
                            "wedi'i anfon at ein tîm therapi galwedigaethol cymunedol.")  # the Welsh default, with the team's Welsh name: the council reworded the English only
    assert welsh.endswith("Community OT will phone Ada Lovelace.\n\nVale of Wye Council\n")
    received = referrer_email(ReferralEmail.RECEIVED, councils.get("NORTHSHIRE"), case)
    assert received == referrer_email(ReferralEmail.RECEIVED, NORTHSHIRE, case)


@pytest.mark.parametrize(
    ("service", "templates", "message"),
    [
        ("asc-triage", {"REFERRAL_ROUTED": {"subject": "Passed on", "body": "Dear $tem_name"}},
         "field 'services.asc-triage.email_templates.REFERRAL_ROUTED.body': unknown placeholder $tem_name"),
        ("blue-badge", {"RECEIVED": {"subject": "Received $nmae", "body": "Dear $name"}},
         "field 'services.blue-badge.email_templates.RECEIVED.subject': unknown placeholder $nmae"),
        ("blue-badge", {"REFERRAL_RECEIVED": {"subject": "Received", "body": "Dear $name"}},
         "field 'services.blue-badge.email_templates.REFERRAL_RECEIVED': unknown kind"),
        ("blue-badge", {"RECEIVED": {"subject": "Received", "body": "It costs $10"}},
         "field 'services.blue-badge.email_templates.RECEIVED.body': a $ that starts no placeholder"),
        ("asc-triage", {"REFERRAL_CLOSED": {"subject": "Closed"}},
         "field 'services.asc-triage.email_templates.REFERRAL_CLOSED.body': Field required"),
    ],
    ids=["unknown placeholder", "in the subject", "another service's kind", "a stray dollar", "no body"],
)
def test_a_mistyped_template_fails_council_loading_naming_the_path(service, templates, message):
    # (the cases below, for the English wording)
    with pytest.raises(CouncilConfigError) as refused:
        parse_councils(councils_with_templates(service, templates))
    assert str(refused.value).startswith("council 'NORTHSHIRE': ")
    assert message in str(refused.value)


def test_a_welsh_councils_own_welsh_wording_reaches_the_welsh_part():
    entries = copy.deepcopy(ENTRIES)
    for entry in entries:
        entry["services"]["blue-badge"]["welsh_email_templates"] = {
            "RECEIVED": {"subject": "Diolch - $case_reference", "body": "Annwyl $name.\nFfoniwch $council_phone."}}
    councils = parse_councils(entries)
    case = make_case("VALEWYE")
    message = compose(NotificationKind.RECEIVED, councils.get("VALEWYE"), case)
    assert message.subject == f"Diolch - {case.case_id} / We have received your Blue Badge application - reference {case.case_id}"
    assert message.body_text.startswith(f"Annwyl Ada Lovelace.\nFfoniwch 01632 960002.\n\n{BILINGUAL_DIVIDER}\n\nDear Ada Lovelace,")


@pytest.mark.parametrize(
    ("templates", "message"),
    [
        ({"RECEIVED": {"subject": "Diolch", "body": "Annwyl $enw"}},
         "field 'services.blue-badge.welsh_email_templates.RECEIVED.body': unknown placeholder $enw"),
        ({"BADGE_FOR_COLLECTION": {"subject": "Bathodyn", "body": "Annwyl dîm"}},
         "field 'services.blue-badge.welsh_email_templates.BADGE_FOR_COLLECTION': no Welsh version is sent of this kind"),
        ({"REFERRAL_RECEIVED": {"subject": "Diolch", "body": "Annwyl $name"}},
         "field 'services.blue-badge.welsh_email_templates.REFERRAL_RECEIVED': unknown kind"),
    ],
    ids=["unknown placeholder", "a kind only staff get", "another service's kind"],
)
def test_a_mistyped_welsh_template_fails_council_loading_naming_the_path(templates, message):
    entries = copy.deepcopy(ENTRIES)
    for entry in entries:
        entry["services"]["blue-badge"]["welsh_email_templates"] = templates
    with pytest.raises(CouncilConfigError) as refused:
        parse_councils(entries)
    assert message in str(refused.value)
