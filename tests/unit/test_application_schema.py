import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from shared.services.blue_badge.domain.application import Application
from tests.factories import REMOVE, complete_application

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schemas" / "application.schema.json"


def errors_of(**overrides) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        Application.model_validate(complete_application(**overrides))
    return {".".join(str(p) for p in error["loc"]): error["msg"] for error in caught.value.errors()}


def test_complete_application_is_valid_and_tidied():
    application = Application.model_validate(complete_application(holder__nino="ab 12 34 56 c"))
    assert application.holder.address.postcode == "NE1 4XF"
    assert application.holder.nino == "AB123456C"


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"eligibility__code": "FLYING"}, "eligibility.code"),
        ({"application_type": "RENEWAL"}, "application_type"),
        ({"channel": "FAX"}, "channel"),
        ({"council_code": "nope"}, "council_code"),
        ({"holder__date_of_birth": "2999-01-01"}, "holder.date_of_birth"),
        ({"holder__date_of_birth": "10/12/1958"}, "holder.date_of_birth"),
        ({"application_id": REMOVE}, "application_id"),
        ({"existing_badge_number": "ABCDEI"}, "existing_badge_number"),
        ({"evidence": [{"type": "PHOTO", "key": "../../etc/passwd x"}]}, "evidence.0.key"),
        ({"unexpected": "field"}, "unexpected"),
        ({"contact__email": "not-an-email"}, "contact.email"),
    ],
)
def test_malformed_fields_are_named(override, field):
    assert field in errors_of(**override)


def test_cross_field_rules_explain_themselves():
    assert "replace_reason is required" in " ".join(errors_of(application_type="REPLACE", existing_badge_number="AB12CD").values())
    assert "organisation is required" in " ".join(errors_of(party="ORG").values())
    assert "time zone" in " ".join(errors_of(submitted_at="2026-11-20T09:30:00").values())
    assert "award_end is before award_start" in " ".join(
        errors_of(eligibility__benefit={"award_start": "2026-01-01", "award_end": "2025-01-01"}).values())


def test_published_json_schema_is_current():
    """The JSON Schema in schemas/ is what partners build against; regenerate with `python -m shared.schemas`."""
    assert json.loads(SCHEMA_FILE.read_text()) == Application.model_json_schema()


def test_published_openapi_document_is_current():
    """schemas/openapi.json is generated from the API routes; regenerate with `python -m functions.api.openapi`."""
    from functions.api.openapi import OPENAPI_FILE, document

    assert json.loads(OPENAPI_FILE.read_text()) == document()
