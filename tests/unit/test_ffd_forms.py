"""The Family Front Door's forms: what must be given before a form can be sent (named as GOV.UK error messages), only
the sections a concern's categories ask, the council settings, and the published schemas."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from shared.core.domain.council import load_councils, parse_councils, COUNCILS_FILE
from shared.core.domain.council import CouncilConfigError
from shared.core.domain.crm import event_json_schema
from shared.services.family_front_door.domain import accepted, submission
from shared.services.family_front_door.domain.submission import (
    CauseForConcern,
    Child,
    ChildAddress,
    ConcernCategory,
    Consent,
    InformationRequest,
    Injuries,
    MissingDetails,
    Urgency,
    missing_information,
)


def complete(**changes) -> CauseForConcern:
    return CauseForConcern(
        categories=[ConcernCategory.NEGLECT], concern="Often hungry and in the same clothes.", actions_taken="Spoke to mum.",
        child=Child(given_name="Ava", family_name="Jones", date_of_birth=date(2018, 2, 3),
                    address=ChildAddress(line1="4 Park Road", postcode="ne1 4xf")),
        consent=Consent(sought=True, given=False), urgency=Urgency.ROUTINE,
        neglect={"areas": ["FOOD", "CLOTHING"], "how_long": "Since September"},
    ).model_copy(update=changes)


def codes(form) -> list[str]:
    return [item.code for item in missing_information(form)]


def test_a_complete_form_misses_nothing_and_its_postcode_is_normalised():
    form = complete()
    assert missing_information(form) == [] and form.child.address.postcode == "NE1 4XF"


def test_an_empty_cause_for_concern_names_every_common_field_in_the_forms_order():
    assert codes(CauseForConcern()) == [
        "categories", "child.given_name", "child.family_name", "child.date_of_birth", "child.address.line1",
        "child.address.postcode", "concern", "actions_taken", "consent.sought", "urgency"]
    assert missing_information(CauseForConcern())[0].description == "Select what the concern is about"


@pytest.mark.parametrize(("category", "expected"), [
    (ConcernCategory.PHYSICAL_ABUSE, ["injuries.description", "injuries.medical_attention"]),
    (ConcernCategory.SEXUAL_ABUSE, ["disclosure.child_disclosed", "disclosure.alleged_abuser_has_contact"]),
    (ConcernCategory.MISSING_CHILD, ["missing.missing_since", "missing.last_seen", "missing.police_reference"]),
    (ConcernCategory.CHILD_CRIMINAL_EXPLOITATION, ["exploitation.indicators", "exploitation.missing_episodes",
                                                   "exploitation.police_informed"]),
    (ConcernCategory.ONLINE_HARM, ["online_harm.platforms", "online_harm.images_shared", "online_harm.police_informed"]),
    (ConcernCategory.EMOTIONAL_ABUSE, []),
    (ConcernCategory.OTHER, ["other_category"]),
])
def test_each_category_asks_only_its_own_section(category, expected):
    assert codes(complete(categories=[category], neglect=None)) == expected


def test_answers_to_sections_no_category_asks_are_dropped_when_sent():
    form = complete(injuries=Injuries(description="A bruise"), other_category="Something else")
    assert form.relevant_only().injuries is None and form.relevant_only().other_category is None
    assert form.relevant_only().neglect is not None


def test_consent_not_sought_needs_the_reason_and_safeguarding_goes_ahead_without_consent():
    assert codes(complete(consent=Consent(sought=False))) == ["consent.not_sought_reason"]
    assert codes(complete(consent=Consent(sought=True))) == ["consent.given"]
    assert codes(complete(consent=Consent(sought=True, given=False))) == []


def test_an_unborn_child_has_an_expected_date_and_a_child_is_under_18():
    unborn = complete(child=complete().child.model_copy(update={"unborn": True, "date_of_birth": None}))
    assert codes(unborn) == ["child.expected_date_of_birth"]
    with pytest.raises(ValidationError, match="The child must be under 18"):
        Child(date_of_birth=date(2000, 1, 1))
    with pytest.raises(ValidationError, match="Date of birth must be today or in the past"):
        Child(date_of_birth=date.today() + timedelta(days=1))
    with pytest.raises(ValidationError, match="Enter a real postcode"):
        ChildAddress(postcode="NOT A CODE")


def test_a_missing_child_needs_the_police_reference():
    form = complete(categories=[ConcernCategory.MISSING_CHILD], neglect=None,
                    missing=MissingDetails(missing_since=datetime(2026, 11, 1, tzinfo=UTC), last_seen="The park"))
    assert [(item.code, item.description) for item in missing_information(form)] == [
        ("missing.police_reference", "Enter the police reference: report a missing child to the police first")]


def test_a_request_for_information_needs_the_child_what_and_why():
    assert codes(InformationRequest(child=complete().child)) == ["information_wanted", "reason", "urgency"]


def test_the_demo_councils_run_the_service_and_a_level_the_council_does_not_have_is_refused():
    for council in load_councils():
        settings = council.settings_for("family-front-door")
        assert [level.response_hours for level in settings.levels] == [2, 6, 24]
        assert settings.priority_of("red") > settings.priority_of("amber") > settings.priority_of("green")
    entries = json.loads(COUNCILS_FILE.read_text())
    entries[0]["services"]["family-front-door"]["urgency_levels"] = {"TODAY": "purple", "WITHIN_DAYS": "red", "ROUTINE": "red"}
    with pytest.raises(CouncilConfigError, match="urgency_levels.TODAY: give one of the levels"):
        parse_councils(entries)
    entries = json.loads(COUNCILS_FILE.read_text())
    entries[0]["services"]["family-front-door"]["team"] = "nobody"
    with pytest.raises(CouncilConfigError, match="team 'nobody' is not one of the council's teams"):
        parse_councils(entries)


def test_the_published_schemas_are_up_to_date():
    """Regenerate with python -m shared.services.family_front_door.domain.submission (and .accepted)."""
    assert json.loads(submission.SCHEMA_FILE.read_text()) == submission.submission_json_schema()
    assert json.loads(accepted.SCHEMA_FILE.read_text()) == event_json_schema(accepted.ContactAccepted, accepted.CONTACT_ACCEPTED)
