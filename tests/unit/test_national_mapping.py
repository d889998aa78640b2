"""The national format (domain/national.py): its reading (with the document's slips fixed), its mapping onto our
application, the declaration that covers every national field, and the README's table made from it."""

from __future__ import annotations

import copy
import re
import types
import typing
from datetime import UTC, date, datetime

import pytest
from pydantic import BaseModel

from infra.local.national_api import demo_records
from shared.core.domain.council import load_councils
from shared.resources import PROJECT_ROOT
from shared.services.blue_badge.domain.application import NationalFormat
from shared.services.blue_badge.domain.completeness import MissingCode, missing_items
from shared.services.blue_badge.domain.national import (
    MAPPING,
    NationalApplication,
    Treatment,
    Unmappable,
    coverage,
    fetched_artifact_keys,
    mapping_table,
    read_national,
    to_application,
)
from shared.services.blue_badge.domain.pip import routes_automatically

NORTHSHIRE = load_councils().get("NORTHSHIRE")
RECORDS = demo_records("NSHIRE", datetime(2026, 11, 20, 9, 0, tzinfo=UTC), "0a0b0c0d")
for _record in RECORDS:
    for _index, _artifact in enumerate(_record.get("artifacts") or []):
        _artifact["link"] = f"councils/northshire/intake/{_record['applicationId']}/{_index}.pdf"


def record(route: str | None = None) -> dict:
    found = next(r for r in RECORDS if (r.get("eligibility") or {}).get("typeCode") == route) if route else RECORDS[-1]
    return copy.deepcopy(found)


def mapped(payload: dict):
    return to_application(read_national(payload), "NORTHSHIRE", 1000)


def reasons(payload: dict, *, mapping: bool = False) -> list[tuple[str, str]]:
    with pytest.raises(Unmappable) as refused:
        mapped(payload) if mapping else read_national(payload)
    return [(reason.field, reason.message) for reason in refused.value.reasons]


# ---------------------------------------------------------------- the declaration and the README
def national_fields(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every leaf field of the national model, as MAPPING names it (list items as [])."""
    fields = set()
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = info.annotation
        optional = typing.get_origin(annotation) in (typing.Union, types.UnionType)
        inner = next(arg for arg in typing.get_args(annotation) if arg is not type(None)) if optional else annotation
        is_list = typing.get_origin(inner) is list
        item = typing.get_args(inner)[0] if is_list else inner
        item = typing.get_args(item)[0] if typing.get_origin(item) is typing.Annotated else item
        if isinstance(item, type) and issubclass(item, BaseModel):
            fields |= national_fields(item, f"{path}{'[]' if is_list else ''}.")
        else:
            fields.add(f"{path}[]" if is_list else path)
    return fields


def test_every_national_field_is_declared_once():
    declared = [row.national for row in MAPPING]
    assert len(declared) == len(set(declared))
    assert set(declared) == national_fields(NationalApplication)


def test_the_readme_table_is_the_declaration():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- national-mapping:start -->\n(.*?)\n<!-- national-mapping:end -->", readme, re.S)
    assert match, "README.md lacks the national mapping table's markers"
    assert match.group(1) == mapping_table()


def test_coverage_counts_every_field():
    counts = coverage()
    assert counts[Treatment.MAPPED] + counts[Treatment.KEPT] == len(MAPPING)
    assert counts[Treatment.KEPT] == 11


# ---------------------------------------------------------------- the document's slips, fixed
def test_breathlessness_needs_type_codes_not_the_missing_type_code():
    payload = record("WALKD")
    payload["eligibility"]["walkingDifficulty"]["breathlessness"] = {"typeCodes": []}
    assert reasons(payload) == [("eligibility.walkingDifficulty.breathlessness.typeCodes", "List should have at least 1 item after validation, not 0")]
    payload["eligibility"]["walkingDifficulty"]["breathlessness"] = {"typeCodes": ["UPHILL"]}  # no `typeCode` needed
    assert mapped(payload).eligibility.walking.breathlessness == ["UPHILL"]


def test_an_ni_number_in_any_case_is_normalised():
    payload = record("PIP")
    payload["party"]["person"]["nino"] = "ns 12 34 56 a"
    assert mapped(payload).holder.nino == "NS123456A"
    payload["party"]["person"]["nino"] = "ZZ123456A"
    assert reasons(payload) == [("party.person.nino", "'ZZ123456A' is not a National Insurance number")]


@pytest.mark.parametrize("postcode, expected", [("w1a 0ax", "W1A 0AX"), ("EC1A1BB", "EC1A 1BB"), ("", None)])
def test_a_whole_uk_postcode_in_any_case(postcode, expected):
    payload = record("BLIND")
    payload["party"]["contact"]["postCode"] = postcode  # W1A: the document's pattern reads [AZa-z] and refuses it
    assert mapped(payload).holder.address.postcode == expected


def test_text_around_a_postcode_is_refused_though_the_documents_pattern_lets_it_through():
    payload = record("BLIND")
    payload["party"]["contact"]["postCode"] = "not NE1 4XF"
    # JSON Schema patterns are not implicitly anchored: the document's matches a postcode anywhere after its first "|".
    assert re.search(r"^$|^([Gg][Ii][Rr] 0[Aa]{2})|((([A-Za-z][0-9]{1,2})|(([A-Za-z][A-Ha-hJ-Yj-y][0-9]{1,2})|(([AZa-z][0-9][A-Za-z])|"
                    r"([A-Za-z][A-Ha-hJ-Yj-y][0-9]?[A-Za-z]))))[\s]*[0-9][A-Za-z]{2})$", "not NE1 4XF")
    assert reasons(payload) == [("party.contact.postCode", "'not NE1 4XF' is not a UK postcode")]


# ---------------------------------------------------------------- mapping each route, and what parks
@pytest.mark.parametrize("route", ["PIP", "DLA", "WPMS", "AFRFCS", "BLIND", "WALKD", "ARMS", "CHILDBULK", "CHILDVEHIC"])
def test_each_eligibility_type_maps(route):
    application = mapped(record(route))
    assert application.eligibility.code.value == route
    assert application.channel.value == "ONLINE" and application.national_format is NationalFormat.SENT
    assert application.holder.surname == "Example" and application.holder.forenames == "Pat"
    assert application.holder.gender.value == "UNSPECIFIED"
    assert application.payment.paid and application.payment.amount_pence == 1000
    assert [item.type.value for item in application.evidence] == ["PROOF_ID", "PROOF_ADD", "PHOTO"]
    assert application.pip_points_at_proof_check is (route == "PIP")


def test_the_walking_details_map_field_by_field():
    walking = mapped(record("WALKD")).eligibility.walking
    assert walking.difficulties == ["PAIN", "BREATH", "SOMELSE"] and walking.other_difficulty == "Dizzy spells"
    assert (walking.length_of_time, walking.speed) == ("LESSMIN", "SLOW")
    assert walking.aids[0].model_dump() == {"provided_by": "PRESCRIBE", "description": "Walking stick", "usage": "Always"}
    assert walking.treatments[0].model_dump() == {"description": "Physiotherapy", "when": "Weekly"}
    assert walking.medications[0].model_dump() == {"name": "Paracetamol", "prescribed": True, "quantity": "1g", "frequency": "Twice daily"}
    assert walking.breathlessness == ["UPHILL", "OTHER"]
    assert walking.healthcare_professionals[0].model_dump() == {"name": "Dr Ada Jones", "location": "Northby Surgery"}


def test_arms_and_child_details_map():
    arms = mapped(record("ARMS")).eligibility.arms
    assert (arms.drives_regularly, arms.adapted_vehicle) == (True, True)
    child = mapped(record("CHILDBULK")).eligibility.child
    assert child.bulky_equipment == ["OXYADMIN", "SUCTION"] and child.other_equipment == "Oxygen cylinders"


def test_an_organisation_maps_and_pays_per_badge():
    payload = record()
    payload["paymentTaken"], payload["paymentReference"] = True, "PAYORG"
    application = mapped(payload)
    assert application.party.value == "ORG" and application.holder is None
    assert application.organisation.name == "Northby Community Transport"
    assert application.organisation.number_of_badges == 3 and application.organisation.charity_number == "1234567"
    assert application.organisation.address.postcode == "NE1 4XF"
    assert application.payment.amount_pence == 3000


def test_a_payment_of_unknown_status_is_not_paid():
    payload = record("BLIND")
    payload["paymentTaken"], payload["paymentReference"] = False, "Unknown"
    assert mapped(payload).payment.paid is False


def test_an_unknown_code_parks_naming_the_national_field():
    payload = record("WALKD")
    payload["eligibility"]["walkingDifficulty"]["typeCodes"] = ["PAIN", "XYZ"]
    assert reasons(payload) == [("eligibility.walkingDifficulty.typeCodes[1]", "'XYZ' is not a national walking difficulty code")]
    payload = record("PIP")
    payload["eligibility"]["typeCode"] = "TERMILL"  # named by the national validators, not in the document's list
    assert reasons(payload)[0] == ("eligibility.typeCode", "'TERMILL' is not a national eligibility type code")


def test_a_value_our_model_refuses_parks_naming_the_national_field():
    payload = record("BLIND")
    payload["party"]["contact"]["primaryPhoneNumber"] = "ring after 6"
    assert reasons(payload, mapping=True)[0][0] == "party.contact.primaryPhoneNumber"
    payload = record()
    payload["party"]["organisation"]["numberOfBadges"] = 1000
    assert reasons(payload, mapping=True) == [("party.organisation.numberOfBadges", "Input should be less than or equal to 999")]


def test_a_field_outside_the_document_parks():
    payload = record("BLIND")
    payload["party"]["person"]["favouriteColour"] = "blue"
    assert reasons(payload) == [("party.person.favouriteColour", "Extra inputs are not permitted")]


def test_the_validators_cross_field_rules():
    payload = record("BLIND")
    payload["eligibility"]["benefit"] = {"isIndefinite": True}
    assert reasons(payload) == [("eligibility", "Value error, benefit must be absent for eligibility type BLIND".removeprefix("Value error, "))]
    payload = record()
    payload["eligibility"] = {"typeCode": "BLIND"}
    assert reasons(payload) == [("(application)", "eligibility must be absent when party.typeCode is ORG")]
    payload = record("WALKD")
    payload["eligibility"]["walkingDifficulty"]["walkingLengthOfTimeCode"] = "CANTWALK"
    assert reasons(payload)[0][0] == "eligibility.walkingDifficulty"


def test_no_id_or_submission_time_parks():
    payload = record("BLIND")
    del payload["applicationId"], payload["submissionDate"]
    assert [field for field, _ in reasons(payload, mapping=True)] == ["applicationId", "submissionDate"]


# ---------------------------------------------------------------- what the national format lacks
def test_a_national_replacement_asks_for_its_reason():
    payload = record("BLIND")
    payload["applicationTypeCode"], payload["existingBadgeNumber"] = "REPLACE", "ab12cd"
    application = mapped(payload)
    assert application.replace_reason is None and application.existing_badge_number == "AB12CD"
    assert MissingCode.REPLACE_REASON in [item.code for item in missing_items(application, NORTHSHIRE)]


def test_a_national_pip_application_routes_as_automatic_without_points():
    application = mapped(record("PIP"))
    assert routes_automatically(application)
    assert MissingCode.PIP_POINTS not in [item.code for item in missing_items(application, NORTHSHIRE)]
    assert MissingCode.AWARD_DATES in [item.code for item in missing_items(application, NORTHSHIRE)]  # no award start


def test_pulled_artifacts_not_fetched_are_left_out():
    payload = record("AFRFCS")
    prefix = "councils/northshire/intake/x/"
    keys = fetched_artifact_keys([f"{prefix}artifact-01.pdf", f"{prefix}artifact-02.pdf", f"{prefix}other.txt"], prefix, 3)
    assert keys == [f"{prefix}artifact-01.pdf", f"{prefix}artifact-02.pdf", None]
    application = to_application(read_national(payload), "NORTHSHIRE", 1000, keys)
    assert [item.type.value for item in application.evidence] == ["PROOF_ID", "PROOF_ADD"]
    assert application.national_format is NationalFormat.PULLED


def test_dates_are_kept_as_dates():
    assert mapped(record("BLIND")).holder.date_of_birth == date(1958, 3, 27)
