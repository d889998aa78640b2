import json
from datetime import date, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from shared.services.asc_triage.domain.questions import ADULT_OUTCOME_IDS, CARER_OUTCOME_IDS, LocalAnswerKind, LocalQuestion, default_question_set
from shared.services.asc_triage.domain.referral import SCHEMA_FILE, Referral, answer_errors, referral_json_schema
from tests.factories import REMOVE, set_path

URGENT_IDS = [question.id for question in default_question_set().urgent]


def referral_data(**overrides: Any) -> dict[str, Any]:
    """A complete referral from a GP about an adult who meets the threshold, with what a test changes named
    by path ('answers__outcomes__nutrition')."""
    data: dict[str, Any] = {
        "referral_id": "REF-20261120-0001",
        "council_code": "NORTHSHIRE",
        "question_set_version": 1,
        "submitted_at": "2026-11-20T09:30:00Z",
        "referral_for": "ADULT_NEEDS",
        "referrer": {"kind": "PROFESSIONAL", "name": "Dr Grace Hopper", "organisation": "Mill Lane Surgery", "role": "GP",
                     "email": "grace.hopper@nhs.example"},
        "adult": {"given_name": "Ada", "family_name": "Lovelace", "date_of_birth": "1950-12-10", "nhs_number": "943 476 5919",
                  "address": {"line1": "12 Mill Lane", "town": "Northby", "postcode": "ne1 4xf"}},
        "consent": {"given": "YES"},
        "answers": {
            "impairment": {"has_impairment": True, "description": "Parkinson's disease"},
            "outcomes": {outcome: [] for outcome in ADULT_OUTCOME_IDS}
            | {"nutrition": ["NEEDS_ASSISTANCE"], "personal_hygiene": ["SIGNIFICANT_PAIN_DISTRESS_ANXIETY"]},
            "wellbeing": {"impact": "SIGNIFICANT", "description": "Has lost weight and is anxious about falling"},
            "urgent": {question: False for question in URGENT_IDS},
        },
    }
    for path, value in overrides.items():
        set_path(data, path, value)
    return data


def carer_referral_data(**overrides: Any) -> dict[str, Any]:
    """A complete referral of a carer who meets the carer's test because caring puts their health at risk."""
    data = referral_data(referral_for="CARER", answers__impairment=REMOVE, answers__outcomes=REMOVE)
    data["answers"]["carer"] = {"needs_from_caring": True, "health_at_risk": True,
                                "outcomes": {outcome: [] for outcome in CARER_OUTCOME_IDS},
                                "caring_for": "Her husband, who has dementia, day and night"}
    for path, value in overrides.items():
        set_path(data, path, value)
    return data


def errors_of(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        Referral.model_validate(data)
    return {".".join(str(part) for part in error["loc"]): error["msg"] for error in caught.value.errors()}


def answer_error_fields(data: dict[str, Any], question_set=None) -> dict[str, str]:
    referral = Referral.model_validate(data)
    return {error.field: error.message for error in answer_errors(referral, question_set or default_question_set())}


def test_complete_referral_is_valid_and_tidied():
    referral = Referral.model_validate(referral_data(
        adult__given_name="  Ada ", answers__outcomes__clothing=["TAKES_SIGNIFICANTLY_LONGER", "NEEDS_ASSISTANCE"]))
    assert referral.adult.nhs_number == "9434765919"
    assert referral.adult.address.postcode == "NE1 4XF"
    assert referral.adult.given_name == "Ada"
    assert referral.answers.outcomes["clothing"] == ["NEEDS_ASSISTANCE", "TAKES_SIGNIFICANTLY_LONGER"]
    assert answer_errors(referral, default_question_set()) == []


def test_nhs_number_check_digit():
    assert Referral.model_validate(referral_data(adult__nhs_number="9434765919")).adult.nhs_number == "9434765919"
    assert Referral.model_validate(referral_data(adult__nhs_number="943-476-5919")).adult.nhs_number == "9434765919"
    assert "not a valid NHS number" in errors_of(referral_data(adult__nhs_number="9434765918"))["adult.nhs_number"]
    assert "10 digits" in errors_of(referral_data(adult__nhs_number="943476591"))["adult.nhs_number"]
    assert Referral.model_validate(referral_data(adult__nhs_number=REMOVE)).adult.nhs_number is None


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"referrer__organisation": REMOVE}, "referrer.organisation", "organisation is required for a professional"),
        ({"referrer__role": REMOVE}, "referrer.role", "role is required for a professional"),
        ({"referrer__email": REMOVE}, "referrer.phone", "phone number or an email address"),
        ({"referrer__email": "not-an-email"}, "referrer.email", ""),
        ({"consent": {"given": "NOT_ASKED"}}, "consent.reason", "reason is required"),
        ({"consent": {"given": "NO"}}, "consent.reason", "reason is required"),
        ({"adult__date_of_birth": "2999-01-01"}, "adult.date_of_birth", "in the future"),
        ({"adult__date_of_birth": "1899-12-31"}, "adult.date_of_birth", "before 1900"),
        ({"adult__date_of_birth": "2015-06-01"}, "adult.date_of_birth", "under 18"),
        ({"adult__address__postcode": "NOT A CODE"}, "adult.address.postcode", "not a UK postcode"),
        ({"adult__given_name": "Ada\u202eecalevoL"}, "adult.given_name", "bidirectional"),
        ({"council_code": "nope"}, "council_code", ""),
        ({"referral_id": "short"}, "referral_id", ""),
        ({"submitted_at": "2026-11-20T09:30:00"}, "submitted_at", "timezone"),
        ({"referral_for": "CHILD"}, "referral_for", ""),
        ({"answers__impairment__description": REMOVE}, "answers.impairment.description", "description is required"),
        ({"answers__wellbeing__description": REMOVE}, "answers.wellbeing.description", "description is required"),
        ({"answers__outcomes__nutrition": ["HUNGRY"]}, "answers.outcomes.nutrition.0", ""),
        ({"answers__outcomes__nutrition": ["ENDANGERS_SAFETY"] * 2}, "answers.outcomes.nutrition", "more than once"),
        ({"unexpected": "field"}, "unexpected", ""),
    ],
)
def test_malformed_fields_are_named(override, field, message):
    errors = errors_of(referral_data(**override))
    assert field in errors
    assert message in errors[field]


def test_professional_without_organisation_names_the_field():
    assert list(errors_of(referral_data(referrer__organisation=REMOVE))) == ["referrer.organisation"]


def test_family_and_self_referrers_need_no_organisation():
    for kind in ("SELF", "FAMILY_OR_FRIEND"):
        referral = Referral.model_validate(referral_data(referrer={"kind": kind, "name": "Ada Lovelace", "phone": "0191 496 0000"}))
        assert referral.referrer.organisation is None


def test_an_adult_is_eighteen_from_their_birthday():
    today = date.today()
    try:
        eighteenth_birthday_today = today.replace(year=today.year - 18)
    except ValueError:  # today is 29 February: someone born on 28 February turns 18 today
        eighteenth_birthday_today = today.replace(year=today.year - 18, day=28)
    assert Referral.model_validate(referral_data(adult__date_of_birth=eighteenth_birthday_today.isoformat()))
    too_young = (eighteenth_birthday_today + timedelta(days=1)).isoformat()
    assert "under 18" in errors_of(referral_data(adult__date_of_birth=too_young))["adult.date_of_birth"]


def test_consent_given_needs_no_reason():
    assert Referral.model_validate(referral_data(consent={"given": "YES"})).consent.reason is None


def test_unknown_and_missing_outcomes_are_named():
    errors = answer_error_fields(referral_data(answers__outcomes__nutrition=REMOVE, answers__outcomes__flying=["NEEDS_ASSISTANCE"]))
    assert errors == {"answers.outcomes.nutrition": "not answered: managing nutrition",
                      "answers.outcomes.flying": "not a question in this question set"}


def test_adult_referral_needs_the_impairment_answer_and_no_carer_answers():
    errors = answer_error_fields(referral_data(answers__impairment=REMOVE, answers__carer={"needs_from_caring": True, "health_at_risk": False}))
    assert set(errors) == {"answers.impairment", "answers.carer"}


def test_every_urgent_question_must_be_answered():
    errors = answer_error_fields(referral_data(answers__urgent__abuse_or_neglect_suspected=REMOVE, answers__urgent__lonely=True))
    assert set(errors) == {"answers.urgent.abuse_or_neglect_suspected", "answers.urgent.lonely"}


def test_answers_to_another_version_are_not_checked_further():
    errors = answer_error_fields(referral_data(question_set_version=2, answers__outcomes={}))
    assert list(errors) == ["question_set_version"]


def test_carer_referral_answers():
    assert answer_error_fields(carer_referral_data()) == {}
    assert list(answer_error_fields(carer_referral_data(answers__carer=REMOVE))) == ["answers.carer"]
    errors = answer_error_fields(carer_referral_data(answers__carer__outcomes__recreation=REMOVE,
                                                     answers__carer__outcomes__nutrition=["TAKES_SIGNIFICANTLY_LONGER"],
                                                     answers__outcomes={"nutrition": []}))
    assert set(errors) == {"answers.carer.outcomes.recreation", "answers.carer.outcomes.nutrition", "answers.outcomes"}
    assert "not a way a carer can be unable" in errors["answers.carer.outcomes.nutrition"]


def test_local_questions_are_checked_against_their_kind():
    question_set = default_question_set().model_copy(update={"local": (
        LocalQuestion(id="gp_surgery", wording="Which GP surgery are they registered with?", answer_kind=LocalAnswerKind.TEXT, required=True),
        LocalQuestion(id="known_to_us", wording="Are they already known to adult social care?", answer_kind=LocalAnswerKind.YES_NO),
    )})
    assert answer_error_fields(referral_data(answers__local={"gp_surgery": "Mill Lane"}), question_set) == {}
    errors = answer_error_fields(referral_data(answers__local={"known_to_us": "perhaps", "shoe_size": "9"}), question_set)
    assert errors == {"answers.local.gp_surgery": "not answered: Which GP surgery are they registered with?",
                      "answers.local.known_to_us": "the answer should be yes or no",
                      "answers.local.shoe_size": "not a question in this question set"}


def test_published_json_schema_is_current():
    """schemas/asc-referral.schema.json is what referrers build against; regenerate with
    `python -m shared.services.asc_triage.domain.referral`."""
    assert json.loads(SCHEMA_FILE.read_text()) == referral_json_schema()
