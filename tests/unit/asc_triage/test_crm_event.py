"""The `Referral Accepted` event, its published schema, a council's CRM endpoint, and the record the CRM is sent."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from pydantic import ValidationError

from shared.core.domain.crm import event_json_schema
from shared.services.asc_triage.domain.crm import (
    CASE_ID_FIELD,
    REFERRAL_ACCEPTED,
    SCHEMA_FILE,
    CrmEndpoint,
    ReferralAccepted,
    crm_endpoints_from_json,
    crm_record,
)


def accepted_referral(**overrides: Any) -> ReferralAccepted:
    detail = {
        "event_id": str(uuid.uuid4()),
        "council_code": "NORTHSHIRE",
        "case_id": "NORTHSHIRE-261123-ABC234",
        "reference": "ASC-2026-0042",
        "accepted_at": "2026-11-23T10:15:00+00:00",
        "team": "Adult Social Care Front Door",
        "adult": {"given_name": "Ada", "family_name": "Lovelace", "date_of_birth": "1941-12-10", "nhs_number": "9434765919",
                  "postcode": "NE1 4XF"},
        "triage": {"route": "CARE_ACT_ASSESSMENT",
                   "reasons": ["Unable to achieve 3 outcomes: nutrition, personal hygiene, using the home safely",
                               "Significant impact on wellbeing"]},
        "source": {"kind": "PROFESSIONAL", "organisation": "Quayside Medical Practice"},
        **overrides,
    }
    return ReferralAccepted.model_validate(detail)


def endpoint(**overrides: Any) -> dict:
    return {
        "api_url": "https://northshire.crm11.dynamics.com/api/data/v9.2/cw_referrals",
        "token_url": "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token",
        "client_id": "11111111-2222-3333-4444-555555555555",
        "scope": "https://northshire.crm11.dynamics.com/.default",
        "secret_name": "casework/crm/northshire",
        **overrides,
    }


def test_published_json_schema_is_current():
    """schemas/events/referral-accepted.schema.json is what other systems build against; regenerate with
    `python -m shared.services.asc_triage.domain.crm`."""
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == event_json_schema(ReferralAccepted, REFERRAL_ACCEPTED)


def test_the_schema_names_the_event_it_describes_and_forbids_fields_it_does_not_list():
    schema = event_json_schema(ReferralAccepted, REFERRAL_ACCEPTED)
    assert schema["x-eventbridge"] == {"source": "casework.asc-triage", "detail-type": "Referral Accepted"}
    assert schema["additionalProperties"] is False and schema["$defs"]["Adult"]["additionalProperties"] is False


def test_the_crm_record_carries_the_case_id_as_its_alternate_key_and_only_what_the_crm_needs():
    record = crm_record(accepted_referral(accepted_at="2026-06-01T09:30:00+01:00"))
    assert record == {
        CASE_ID_FIELD: "NORTHSHIRE-261123-ABC234",
        "cw_referralreference": "ASC-2026-0042",
        "cw_acceptedon": "2026-06-01T08:30:00Z",
        "cw_team": "Adult Social Care Front Door",
        "cw_firstname": "Ada",
        "cw_lastname": "Lovelace",
        "cw_birthdate": "1941-12-10",
        "cw_nhsnumber": "9434765919",
        "cw_postcode": "NE1 4XF",
        "cw_triageroute": "CARE_ACT_ASSESSMENT",
        "cw_triagereasons": "Unable to achieve 3 outcomes: nutrition, personal hygiene, using the home safely\n"
                            "Significant impact on wellbeing",
        "cw_referralsource": "PROFESSIONAL",
        "cw_referrerorganisation": "Quayside Medical Practice",
    }


def test_what_the_event_does_not_hold_is_left_out_of_the_record_rather_than_sent_empty():
    event = accepted_referral(adult={"given_name": "Ada", "family_name": "Lovelace", "date_of_birth": "1941-12-10",
                                     "postcode": "NE1 4XF"}, source={"kind": "SELF"})
    assert {"cw_nhsnumber", "cw_referrerorganisation"}.isdisjoint(crm_record(event))


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"adult": {"given_name": "Ada", "family_name": "Lovelace", "date_of_birth": "1941-12-10", "postcode": "NE1 4XF",
                    "phone": "0191 000 0000"}}, "adult.phone"),  # personal data the CRM is not sent has no place in the event
        ({"adult": {"given_name": "Ada", "family_name": "Lovelace", "date_of_birth": "1941-12-10", "postcode": "NE1 4XF",
                    "nhs_number": "9434765918"}}, "adult.nhs_number"),
        ({"source": {"kind": "PROFESSIONAL", "name": "Dr Jones"}}, "source.name"),  # never the referrer's own name
        ({"accepted_at": "2026-11-23T10:15:00"}, "accepted_at"),
        ({"council_code": "northshire"}, "council_code"),
        ({"event_id": "x"}, "event_id"),
        ({"triage": {"route": "CARE_ACT_ASSESSMENT", "reasons": []}}, "triage.reasons"),
    ],
)
def test_an_event_outside_the_schema_is_refused_with_the_field_named(override, field):
    with pytest.raises(ValidationError) as caught:
        accepted_referral(**override)
    assert field in {".".join(str(part) for part in error["loc"]) for error in caught.value.errors()}


def test_a_crm_endpoint_is_https_with_plain_http_only_to_loopback_for_local_runs():
    assert CrmEndpoint.model_validate(endpoint()).timeout_seconds == 10
    assert CrmEndpoint.model_validate(endpoint(api_url="http://127.0.0.1:8765/api/data/v9.2/cw_referrals"))
    for url in ("http://northshire.crm11.dynamics.com/api/data/v9.2/cw_referrals", "ftp://127.0.0.1/x",
                "https://user:pass@northshire.crm11.dynamics.com/api", "/api/data/v9.2/cw_referrals"):
        with pytest.raises(ValidationError, match="api_url"):
            CrmEndpoint.model_validate(endpoint(api_url=url))
    with pytest.raises(ValidationError, match="token_url"):
        CrmEndpoint.model_validate(endpoint(token_url="http://login.microsoftonline.com/token"))


def test_a_crm_endpoint_names_a_secret_under_the_crm_prefix_and_never_holds_one():
    with pytest.raises(ValidationError, match="secret_name"):
        CrmEndpoint.model_validate(endpoint(secret_name="casework/print-supplier-sftp-key"))
    with pytest.raises(ValidationError, match="client_secret"):
        CrmEndpoint.model_validate(endpoint(client_secret="s3cret"))


def test_councils_without_a_crm_are_simply_absent_from_the_configuration():
    assert crm_endpoints_from_json("") == {}
    configured = crm_endpoints_from_json(json.dumps({"NORTHSHIRE": endpoint()}))
    assert list(configured) == ["NORTHSHIRE"] and configured["NORTHSHIRE"].secret_name == "casework/crm/northshire"
    with pytest.raises(ValidationError):
        crm_endpoints_from_json(json.dumps({"northshire": endpoint()}))
