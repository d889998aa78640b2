import pytest

from shared.services.blue_badge.domain.application import Application
from shared.services.blue_badge.domain.completeness import MissingCode, missing_items
from shared.core.domain.council import load_councils
from tests.factories import with_badge_settings, REMOVE, complete_application

COUNCILS = load_councils()
ENGLISH = COUNCILS.get("NORTHSHIRE")  # charges £10
WELSH = COUNCILS.get("VALEWYE")  # free


def missing(council=ENGLISH, **overrides) -> list[MissingCode]:
    application = Application.model_validate(complete_application(council.code, **overrides))
    return [item.code for item in missing_items(application, council)]


def test_complete_application_lacks_nothing():
    assert missing() == []


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"holder__surname": REMOVE}, MissingCode.HOLDER_NAME),
        ({"holder__date_of_birth": REMOVE}, MissingCode.DATE_OF_BIRTH),
        ({"holder__address__line1": REMOVE}, MissingCode.ADDRESS),
        ({"holder__address__postcode": "XX99 9XXX"}, MissingCode.POSTCODE),
        ({"holder__nino": REMOVE}, MissingCode.NINO),
        ({"holder__nino": "AB12345"}, MissingCode.NINO),
        ({"eligibility": REMOVE}, MissingCode.ELIGIBILITY_CODE),
        ({"eligibility__benefit": REMOVE}, MissingCode.AWARD_DATES),
        ({"payment": REMOVE}, MissingCode.FEE),
        ({"payment__paid": False}, MissingCode.FEE),
        ({"payment__amount_pence": 500}, MissingCode.FEE),
    ],
)
def test_each_gap_is_named(override, expected):
    assert missing(**override) == [expected]


@pytest.mark.parametrize(
    ("evidence_type", "expected"),
    [("PROOF_ELIG", MissingCode.PROOF_OF_ELIGIBILITY), ("PROOF_ID", MissingCode.PROOF_OF_IDENTITY),
     ("PROOF_ADD", MissingCode.PROOF_OF_ADDRESS), ("PHOTO", MissingCode.PHOTO)],
)
def test_each_missing_document_is_named(evidence_type, expected):
    evidence = [item for item in complete_application()["evidence"] if item["type"] != evidence_type]
    assert missing(evidence=evidence) == [expected]


def test_an_applicant_a_letter_can_reach_needs_no_email_or_phone():
    assert missing(contact=REMOVE) == []  # the holder's home address: a letter reaches them
    assert missing(contact__email=REMOVE, contact__phone=REMOVE, contact__by_post=True) == []
    assert missing(contact=REMOVE, holder__address__postcode="XX99 9XXX") == [MissingCode.POSTCODE, MissingCode.CONTACT]
    assert missing(contact=REMOVE, holder__address__line1=REMOVE) == [MissingCode.ADDRESS, MissingCode.CONTACT]


def test_indefinite_award_needs_no_end_date():
    assert missing(eligibility__benefit={"award_start": "2020-01-01", "indefinite": True}) == []


def test_blind_route_needs_no_ni_number_or_award_dates():
    assert missing(eligibility={"code": "BLIND"}, holder__nino=REMOVE) == []


def test_walking_route_needs_walking_details_but_no_proof_of_eligibility():
    base = {"eligibility": {"code": "WALKD"}, "holder__nino": REMOVE}
    assert missing(**base) == [MissingCode.WALKING_DETAILS]
    with_details = {"eligibility": {"code": "WALKD", "walking": {"difficulties": ["PAIN"], "speed": "SLOW"}}, "holder__nino": REMOVE}
    assert missing(**with_details) == []


def test_arms_and_child_routes_need_their_details():
    assert missing(eligibility={"code": "ARMS"}) == [MissingCode.ARMS_DETAILS]
    assert missing(eligibility={"code": "CHILDBULK", "child": {"bulky_equipment": []}}) == [MissingCode.CHILD_EQUIPMENT]
    assert missing(eligibility={"code": "CHILDVEHIC"}) == []


def test_free_council_needs_no_payment():
    assert missing(WELSH, payment=REMOVE) == []


def test_several_gaps_are_listed_in_a_stable_order():
    assert missing(evidence=[], payment=REMOVE, holder__nino=REMOVE) == [
        MissingCode.PROOF_OF_IDENTITY, MissingCode.PROOF_OF_ADDRESS, MissingCode.PHOTO,
        MissingCode.NINO, MissingCode.PROOF_OF_ELIGIBILITY, MissingCode.FEE,
    ]


def test_organisation_needs_address_not_photo_or_personal_eligibility():
    organisation = {"name": "Northby Community Transport", "number_of_badges": 4,
                    "address": {"line1": "1 Depot Road", "town": "Northby", "postcode": "NE2 1AB"}}
    base = {"party": "ORG", "holder": REMOVE, "evidence": [], "eligibility": REMOVE, "organisation": organisation,
            "payment__amount_pence": 4000}
    assert missing(**base) == []
    assert missing(**base | {"organisation__address": REMOVE}) == [MissingCode.ORGANISATION_ADDRESS]


def test_the_fee_is_per_badge():
    organisation = {"name": "Northby Community Transport", "number_of_badges": 4,
                    "address": {"line1": "1 Depot Road", "town": "Northby", "postcode": "NE2 1AB"}}
    base = {"party": "ORG", "holder": REMOVE, "evidence": [], "eligibility": REMOVE, "organisation": organisation}
    assert missing(**base | {"payment__amount_pence": 3999}) == [MissingCode.FEE]
    assert missing(**base | {"payment__amount_pence": 4000}) == []


def test_a_council_that_takes_the_fee_on_approval_does_not_ask_for_it_first():
    from shared.services.blue_badge.domain.settings import FeeTiming
    from shared.services.blue_badge.domain.ordering import fee_due

    on_approval = with_badge_settings(ENGLISH, fee_taken_on=FeeTiming.APPROVAL)
    assert missing(on_approval, payment=REMOVE) == []
    unpaid = Application.model_validate(complete_application(payment=REMOVE))
    assert fee_due(unpaid, on_approval) and not fee_due(unpaid, WELSH)
    assert not fee_due(Application.model_validate(complete_application()), on_approval)


def test_replacement_needs_a_photo_but_no_fresh_proofs():
    base = {"application_type": "REPLACE", "replace_reason": "LOST", "existing_badge_number": "AB12CD",
            "evidence": [{"type": "PHOTO", "key": "uploads/photo.jpg"}], "eligibility": REMOVE}
    assert missing(**base) == []
    assert missing(**base | {"evidence": []}) == [MissingCode.PHOTO]


def test_cancellation_needs_nothing_more():
    assert missing(application_type="CANCEL", cancel_reason="DECEASE", existing_badge_number="AB12CD",
                   evidence=[], payment=REMOVE) == []


def test_descriptions_are_plain_english():
    application = Application.model_validate(complete_application(evidence=[]))
    descriptions = [item.description for item in missing_items(application, ENGLISH)]
    assert "A recent passport-style photo of the badge holder" in descriptions
