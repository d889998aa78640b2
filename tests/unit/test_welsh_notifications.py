"""What a Welsh council's emails and letters say in Welsh (issue 16): the missing items' names, the council's standard
refusal reasons in its admin's Welsh wording, the council's and its teams' Welsh names, the hub booking email, and the
Family Front Door's emails to partners; and the config checks on the Welsh names and wordings."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest

from shared.core.domain.council import COUNCILS_FILE, CouncilConfigError, CouncilSettingsInvalid, load_councils, parse_councils
from shared.core.domain.council_settings import overlay
from shared.core.domain.email import BILINGUAL_DIVIDER, EmailMessage
from shared.services.asc_triage.domain.notifications import ReferralEmail, referrer_email as referral_email
from shared.services.asc_triage.domain.settings import triage_settings
from shared.services.blue_badge.domain.completeness import DESCRIPTIONS, MissingCode, MissingItem
from shared.services.blue_badge.domain.notifications import NotificationKind, compose
from shared.services.blue_badge.domain.welsh_notifications import WELSH_DESCRIPTIONS
from shared.services.blue_badge.logic.decisions import RequestedItem
from shared.services.family_front_door.domain.case import ContactCase, ContactOutcome, InformationAsk, Outcome
from shared.services.family_front_door.domain.notifications import ContactEmail, referrer_email
from shared.services.family_front_door.domain.submission import Submission
from shared.services.family_front_door.domain.welsh_notifications import WELSH_OUTCOME_NAMES, WELSH_TEMPLATES
from shared.services.registry import SERVICES
from tests.factories import with_badge_settings
from tests.unit.asc_triage.test_screening_rules import referral_case
from tests.unit.test_ffd_forms import complete
from tests.unit.test_notifications import REPLY_BY, make_case

COUNCILS = load_councils()
NORTHSHIRE, VALEWYE = COUNCILS.get("NORTHSHIRE"), COUNCILS.get("VALEWYE")
NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)  # a Monday


def halves(message) -> tuple[str, str]:
    welsh, english = message.body_text.split(f"\n{BILINGUAL_DIVIDER}\n\n")
    return welsh, english


# ---------------------------------------------------------------- Blue Badge
def test_every_missing_item_has_its_own_welsh_name():
    assert set(WELSH_DESCRIPTIONS) == set(MissingCode)
    assert not {code for code in MissingCode if WELSH_DESCRIPTIONS[code] == DESCRIPTIONS[code]}
    assert len(set(WELSH_DESCRIPTIONS.values())) == len(MissingCode)


def test_the_missing_items_are_named_in_welsh_with_the_caseworkers_note_as_written():
    noted = RequestedItem(code=MissingCode.PROOF_OF_ADDRESS, note="The bill you sent is over 3 months old").as_missing()
    message = compose(NotificationKind.INFORMATION_REQUESTED, VALEWYE, make_case("VALEWYE"),
                      missing=[MissingItem.of(MissingCode.PHOTO), noted], reply_by=REPLY_BY)
    welsh, english = halves(message)
    assert "- Llun diweddar o ddeiliad y bathodyn, yn null llun pasbort\n- Prawf o gyfeiriad: The bill you sent is over 3 months old\n" in welsh
    assert DESCRIPTIONS[MissingCode.PHOTO] not in welsh and "Proof of address" not in welsh
    assert f"- {DESCRIPTIONS[MissingCode.PHOTO]}\n- Proof of address: The bill you sent is over 3 months old\n" in english


def test_a_standard_refusal_reason_goes_in_the_admins_welsh_wording_and_a_typed_one_as_written():
    council = with_badge_settings(VALEWYE, refusal_reasons=("Your award does not qualify.",),
                                  welsh_refusal_reasons={"Your award does not qualify.": "Nid yw eich dyfarniad yn gymwys."})
    typed = "You told us you can walk 200 metres."
    for kind, extra in ((NotificationKind.DECISION_REFUSED, {"reply_by": REPLY_BY}), (NotificationKind.REVIEW_UPHELD, {})):
        welsh, english = halves(compose(kind, council, make_case("VALEWYE"), reasons=["Your award does not qualify.", typed], **extra))
        assert f"- Nid yw eich dyfarniad yn gymwys.\n- {typed}\n" in welsh and "does not qualify" not in welsh
        assert f"- Your award does not qualify.\n- {typed}\n" in english


def test_the_welsh_text_gives_the_councils_welsh_name_and_the_english_its_english_name():
    welsh, english = halves(compose(NotificationKind.RECEIVED, VALEWYE, make_case("VALEWYE")))
    assert "cysylltwch â Cyngor Bro Gwy:" in welsh and welsh.endswith("\n\nCyngor Bro Gwy\n") and "Vale of Wye" not in welsh
    assert english.endswith("\n\nVale of Wye Council\n")


def test_without_a_welsh_name_the_welsh_text_gives_the_council_name():
    council = VALEWYE.model_copy(update={"welsh_name": None})
    welsh, _ = halves(compose(NotificationKind.RECEIVED, council, make_case("VALEWYE")))
    assert welsh.endswith("\n\nVale of Wye Council\n")


# ---------------------------------------------------------------- adult social care
def test_the_routed_email_names_the_team_in_welsh_where_it_has_a_welsh_name():
    case = referral_case()
    welsh, english = halves(referral_email(ReferralEmail.ROUTED, VALEWYE, case, team_name="Community OT"))
    assert "wedi'i anfon at ein tîm therapi galwedigaethol cymunedol." in welsh and "Community OT" not in welsh
    assert "passed it to our Community OT team." in english
    unnamed, _ = halves(referral_email(ReferralEmail.ROUTED, VALEWYE, case, team_name="Adult safeguarding"))
    assert "ein tîm Adult safeguarding." in unnamed  # no Welsh name given: as the council names it


def test_the_hub_booking_email_is_welsh_first_at_a_welsh_council(monkeypatch):
    from web.pages import asc_referral

    sent: list[EmailMessage] = []

    class Channels:
        def channel_for(self, code):
            return type("Channel", (), {"email": type("Email", (), {"send": staticmethod(sent.append)})()})()

    monkeypatch.setattr(asc_referral, "notification_channels", Channels)
    visitor = asc_referral.HubVisitor(name="Ada Lovelace", contact="ada@example.com")
    slot = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)  # 2:30pm in London
    for council in (VALEWYE, NORTHSHIRE):
        hub = triage_settings(council).directory.hubs[0]
        assert asc_referral._email_booking(council, hub, "HB-123", slot, visitor, "https://casework.example/cancel")
    welsh_email, english_email = sent
    hub = triage_settings(VALEWYE).directory.hubs[0]
    welsh, english = halves(welsh_email)
    assert welsh_email.subject == f"Eich apwyntiad yn {hub.name} / Your appointment at {hub.name}"
    assert welsh.startswith(f"Annwyl Ada Lovelace,\n\nMae eich apwyntiad yn {hub.name} wedi'i drefnu am 2:30yh ddydd Llun 23 Tachwedd 2026.")
    assert "Cyfeirnod yr apwyntiad: HB-123" in welsh and welsh.endswith("Cyngor Bro Gwy\n01632 960002\n")
    assert english.startswith("Dear Ada Lovelace,\n\nYour appointment at") and "Monday 23 November 2026 at 2:30pm" in english
    assert BILINGUAL_DIVIDER not in english_email.body_text and english_email.subject.startswith("Your appointment at")


# ---------------------------------------------------------------- Family Front Door
def contact(council_code: str, **fields) -> ContactCase:
    submission = Submission(submission_id="sub-0000001", council_code=council_code, submitted_at=NOW,
                            submitter={"user_id": "p1", "email": "p1@school.example", "name": "P One", "agency_id": "school",
                                       "agency_name": "School"}, form=complete())
    return ContactCase.open(f"{council_code}-261123-ABCDEF", submission, "green", 34, "family-front-door", NOW,
                            NOW).model_copy(update=fields)


def test_every_front_door_email_and_outcome_has_its_welsh():
    assert set(WELSH_TEMPLATES) == {kind.value for kind in ContactEmail}
    assert set(WELSH_OUTCOME_NAMES) == set(ContactOutcome)


@pytest.mark.parametrize("kind", list(ContactEmail))
def test_a_welsh_councils_front_door_emails_are_welsh_first(kind):
    case = contact("VALEWYE", information_requests=[InformationAsk(question="Siblings?", by="o", at=NOW, due=NOW)],
                   outcome=Outcome(outcome=ContactOutcome.EARLY_HELP, reply="Early help will call.", by="o", at=NOW))
    message = referrer_email(kind, VALEWYE, case, "https://casework.example")
    welsh, english = halves(message)
    assert welsh.startswith("Annwyl P One,\n") and english.startswith("Dear P One,\n") and "$" not in message.body_text
    assert welsh.endswith(f"Nodwch y cyfeirnod {case.reference} wrth gysylltu â ni.\n\nCyngor Bro Gwy\n")
    assert "Os yw plentyn mewn perygl uniongyrchol, ffoniwch 999." in welsh
    assert message.subject.endswith(f" / {referrer_email(kind, NORTHSHIRE, contact('NORTHSHIRE'), None).subject.split(' - ')[0]}"
                                    f" - reference {case.reference}")


def test_the_welsh_front_door_times_and_outcome_are_in_welsh():
    case = contact("VALEWYE", outcome=Outcome(outcome=ContactOutcome.REFER_TO_CSC, reply="A social worker will call.", by="o", at=NOW))
    received, _ = halves(referrer_email(ContactEmail.RECEIVED, VALEWYE, case, None))
    assert "ymateb erbyn 10yb ddydd Llun 23 Tachwedd 2026." in received
    outcome, english = halves(referrer_email(ContactEmail.OUTCOME, VALEWYE, case, None))
    assert "Canlyniad: Wedi'i atgyfeirio at ofal cymdeithasol plant\n\nA social worker will call.\n" in outcome
    assert "Outcome: Referred to children's social care" in english


def test_an_english_councils_front_door_emails_stay_english_only():
    message = referrer_email(ContactEmail.RECEIVED, NORTHSHIRE, contact("NORTHSHIRE"), None)
    assert BILINGUAL_DIVIDER not in message.body_text and "Annwyl" not in message.body_text


# ---------------------------------------------------------------- config checks
def entries() -> list[dict]:
    return copy.deepcopy(json.loads(COUNCILS_FILE.read_text(encoding="utf-8")))


def test_a_welsh_name_outside_wales_is_refused_naming_the_field():
    for change, field in ((lambda entry: entry.update(welsh_name="Cyngor Gogledd"), "welsh_name"),
                          (lambda entry: entry["teams"][0].update(welsh_name="Bathodyn Glas"), "teams")):
        config = entries()
        change(config[0])
        with pytest.raises(CouncilConfigError, match=rf"council 'NORTHSHIRE': field '{field}': .*only for a council in Wales"):
            parse_councils(config)


def test_a_welsh_refusal_reason_must_be_of_a_standard_reason():
    config = entries()
    config[1]["services"]["blue-badge"] |= {"refusal_reasons": ["No qualifying award."],
                                            "welsh_refusal_reasons": {"No award.": "Dim dyfarniad."}}
    with pytest.raises(CouncilConfigError, match=r"field 'services.blue-badge.welsh_refusal_reasons': .*'No award.' is not one of"):
        parse_councils(config)


@pytest.mark.parametrize(("service", "name"), [("family-front-door", "warn_within_hours"), ("asc-triage", "warn_within_hours"),
                                               ("asc-triage", "crm"), ("family-front-door", "team")])
def test_what_the_deployment_relies_on_is_not_a_council_admins_to_change(service, name):
    """The response watch's warning is checked against its schedule at deployment; teams and connectors are infrastructure."""
    with pytest.raises(CouncilSettingsInvalid, match=rf"field 'services.{service}.{name}': is not a setting a council admin may change"):
        overlay(VALEWYE, {"services": {service: {name: 6}}}, SERVICES)
    welsh = overlay(VALEWYE, {"welsh_name": "Cyngor Bro Gwy Newydd", "services": {service: {"welsh_email_templates": {}}}}, SERVICES)
    assert welsh.welsh_name == "Cyngor Bro Gwy Newydd"
