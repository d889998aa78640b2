"""An accepted referral on its way to the council's CRM: the `Referral Accepted` event, where each council's CRM takes
it, and the record the CRM is sent (Dynamics 365 Web API style). Pure: no AWS, no HTTP.

The event carries only what the CRM needs to open or find the adult's record and route the work; the full referral
stays on the case. `python -m shared.services.asc_triage.domain.crm` writes the event's published JSON Schema.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PastDate

from shared.core.domain.council import CouncilCode
# Where each council's system takes accepted cases: the core's, shared by every service's hand-over (re-exported).
from shared.core.domain.crm import (  # noqa: F401
    CASE_ID_FIELD,
    CRM_SECRET_PREFIX,
    LOOPBACK_HOSTS,
    CrmEndpoint,
    CrmRecordId,
    crm_endpoints_from_json,
)
from shared.core.domain.crm import dynamics_time, write_event_schema
from shared.core.domain.formats import OneLine, Text
from shared.resources import PROJECT_ROOT, EventSpec
from shared.services.asc_triage.domain.referral import NhsNumber, Postcode, ReferrerKind

REFERRAL_ACCEPTED = EventSpec(source="casework.asc-triage", detail_type="Referral Accepted")
SCHEMA_FILE = PROJECT_ROOT / "schemas" / "events" / "referral-accepted.schema.json"

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


def crm_record(event: ReferralAccepted) -> dict[str, str]:
    """The record the CRM is sent, keyed by its columns (a Dynamics custom table's, publisher prefix cw_)."""
    adult, source = event.adult, event.source
    record = {
        CASE_ID_FIELD: event.case_id,
        "cw_referralreference": event.reference,
        "cw_acceptedon": dynamics_time(event.accepted_at),
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


def main() -> None:
    write_event_schema(ReferralAccepted, REFERRAL_ACCEPTED, SCHEMA_FILE)


if __name__ == "__main__":
    main()
