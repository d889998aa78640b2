"""An accepted referral on its way to the council's CRM: the `Referral Accepted` event, where each council's CRM takes
it, and the record the CRM is sent (Dynamics 365 Web API style). Pure: no AWS, no HTTP.

The event carries only what the CRM needs to open or find the adult's record and route the work; the full referral
stays on the case. `python -m shared.services.asc_triage.domain.crm` writes the event's published JSON Schema.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, PastDate, TypeAdapter
from pydantic_core import PydanticCustomError

from shared.core.domain.council import CouncilCode
from shared.core.domain.formats import OneLine, Text
from shared.resources import PREFIX, PROJECT_ROOT, EventSpec
from shared.services.asc_triage.domain.referral import NhsNumber, Postcode, ReferrerKind

REFERRAL_ACCEPTED = EventSpec(source="casework.asc-triage", detail_type="Referral Accepted")
SCHEMA_FILE = PROJECT_ROOT / "schemas" / "events" / "referral-accepted.schema.json"
# Each council's CRM client secret lives under this prefix; the connector may read nothing else in Secrets Manager.
CRM_SECRET_PREFIX = f"{PREFIX}/crm/"
# Plain http is for the local stand-in only: these hosts never leave the machine (or the Lambda sandbox).
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

# The CRM's alternate key: it refuses a second record for one case, so a retried or repeated delivery cannot duplicate.
CASE_ID_FIELD = "cw_casereference"

Code = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{1,49}$")]
Name = Annotated[str, Field(min_length=1, max_length=100), OneLine]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Adult(_Strict):
    """The adult the referral is about: enough for the CRM to match or open their record, nothing more."""

    given_name: Name
    family_name: Name
    date_of_birth: PastDate
    nhs_number: NhsNumber | None = None
    postcode: Postcode


class Triage(_Strict):
    """Why the referral was accepted: the route triage recommended and a professional confirmed, with its reasons."""

    route: Code = Field(description="e.g. CARE_ACT_ASSESSMENT")
    reasons: list[Annotated[str, Field(min_length=1, max_length=300), OneLine]] = Field(min_length=1, max_length=20)


class ReferralSource(_Strict):
    """Who referred: the kind of referrer and their organisation, never the referrer's own name."""

    kind: ReferrerKind
    organisation: Text | None = Field(default=None, description="The professional referrer's organisation, e.g. a GP practice")


class ReferralAccepted(_Strict):
    """Detail of the `Referral Accepted` event (source casework.asc-triage): an adult social care referral a
    professional accepted, for the council's CRM."""

    model_config = ConfigDict(title="Referral Accepted")

    event_id: str = Field(pattern=r"^[A-Za-z0-9-]{8,64}$", description="Unique per event; deliveries are idempotent on it")
    council_code: CouncilCode
    case_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{2,63}$")
    reference: Text = Field(description="The referral's reference as staff and the referrer know it")
    accepted_at: AwareDatetime
    team: Text = Field(description="The team the referral is routed to")
    adult: Adult
    triage: Triage
    source: ReferralSource


def _https_or_loopback_http(url: str) -> str:
    parts = urlsplit(url)
    if not parts.hostname or parts.username or parts.password or parts.fragment:
        raise PydanticCustomError("crm_url", "must be an absolute URL with a host, no credentials and no fragment")
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return url
    raise PydanticCustomError("crm_url", "must use https (plain http only to a loopback host, for local runs)")


CrmUrl = Annotated[str, Field(max_length=500), AfterValidator(_https_or_loopback_http)]


class CrmEndpoint(_Strict):
    """Where one council's CRM takes accepted referrals, and how the connector signs in (OAuth 2.0 client credentials).
    Deployment configuration: it names the secret, never holds it."""

    api_url: CrmUrl = Field(description="The entity set, e.g. https://org.crm11.dynamics.com/api/data/v9.2/cw_referrals")
    token_url: CrmUrl = Field(description="e.g. https://login.microsoftonline.com/<tenant id>/oauth2/v2.0/token")
    client_id: Text
    scope: Text = Field(description="e.g. https://org.crm11.dynamics.com/.default")
    secret_name: str = Field(pattern=rf"^{re.escape(CRM_SECRET_PREFIX)}[A-Za-z0-9/_+=.@-]{{1,200}}$",
                             description=f"The Secrets Manager secret holding the client secret, under {CRM_SECRET_PREFIX}")
    timeout_seconds: float = Field(default=10, gt=0, le=30, description="For each request, token or record")
    id_field: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,99}$",
                                 description="The record's key column (e.g. cw_referralid), for a CRM that answers with the "
                                             "record in the body rather than an OData-EntityId header")


@dataclass(frozen=True)
class CrmRecordId:
    """The CRM's id of the record it holds for a case."""

    id: str
    already_existed: bool  # the CRM held it before this delivery (a repeated delivery, answered as a duplicate)


_ENDPOINTS = TypeAdapter(dict[CouncilCode, CrmEndpoint])


def crm_endpoints_from_json(text: str) -> dict[str, CrmEndpoint]:
    """Council code -> its CRM endpoint, from deployment configuration (JSON); empty text: no council has a CRM."""
    return _ENDPOINTS.validate_json(text) if text.strip() else {}


def crm_record(event: ReferralAccepted) -> dict[str, str]:
    """The record the CRM is sent, keyed by its columns (a Dynamics custom table's, publisher prefix cw_)."""
    adult, source = event.adult, event.source
    record = {
        CASE_ID_FIELD: event.case_id,
        "cw_referralreference": event.reference,
        "cw_acceptedon": _utc_iso(event.accepted_at),
        "cw_team": event.team,
        "cw_firstname": adult.given_name,
        "cw_lastname": adult.family_name,
        "cw_birthdate": adult.date_of_birth.isoformat(),
        "cw_postcode": adult.postcode,
        "cw_triageroute": event.triage.route,
        "cw_triagereasons": "\n".join(event.triage.reasons),
        "cw_referralsource": source.kind,
    }
    # Absent rather than null: null would clear a value the CRM already holds for the adult.
    if adult.nhs_number is not None:
        record["cw_nhsnumber"] = adult.nhs_number
    if source.organisation is not None:
        record["cw_referrerorganisation"] = source.organisation
    return record


def _utc_iso(moment: datetime) -> str:
    """Dynamics' Edm.DateTimeOffset, in UTC with a Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def referral_accepted_json_schema() -> dict:
    """The published schema of the event's detail, with the envelope fields EventBridge routes it by."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **ReferralAccepted.model_json_schema(),
        "x-eventbridge": {"source": REFERRAL_ACCEPTED.source, "detail-type": REFERRAL_ACCEPTED.detail_type},
    }


def main() -> None:
    SCHEMA_FILE.parent.mkdir(parents=True, exist_ok=True)
    SCHEMA_FILE.write_text(json.dumps(referral_accepted_json_schema(), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {SCHEMA_FILE.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
