"""A replacement asked for at the counter or by phone: a REPLACE application built from the badge and the
case that ordered it, so nobody re-keys the holder's details. It then goes through intake and the
replacement workflow like any other application."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.services.blue_badge.domain.application import (
    Application,
    ApplicationType,
    Channel,
    CrimeReference,
    EvidenceRef,
    EvidenceType,
    Party,
    Payment,
    ReplaceReason,
)
from shared.services.blue_badge.domain.badge import Badge
from shared.core.domain.case import Case


class ReplaceBadgeInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: ReplaceReason
    crime_reference: CrimeReference | None = Field(default=None, description="Required when the badge was stolen")
    channel: Channel = Field(default=Channel.PHONE, description="How the request reached the council")
    payment: Payment | None = Field(default=None, description="The fee, where the council charges one and it was paid")
    evidence: list[EvidenceRef] = Field(default_factory=list, max_length=20, description="E.g. a new photo")

    @model_validator(mode="after")
    def stolen_has_crime_reference(self) -> ReplaceBadgeInput:
        if self.reason is ReplaceReason.STOLE and not self.crime_reference:
            raise ValueError("crime_reference is required when the badge was stolen")
        return self


def replacement_application(badge: Badge, ordered_by: Case | None, request: ReplaceBadgeInput, now: datetime) -> Application:
    """The holder, contact and documents come from the case that ordered the badge; a new photo or proof
    given with the request is added. The id is stable for a second, so a double submit is one case."""
    original = ordered_by.application if ordered_by is not None else None
    evidence = list(original.evidence) if original else []
    if badge.photo_key and not any(item.type is EvidenceType.PHOTO for item in evidence):
        evidence.append(EvidenceRef(type=EvidenceType.PHOTO, key=badge.photo_key))
    return Application(
        application_id=f"R-{badge.badge_number}-{now:%Y%m%d%H%M%S}",
        application_type=ApplicationType.REPLACE,
        party=Party.ORG if badge.organisation_name else Party.PERSON,
        channel=request.channel,
        council_code=badge.council_code,
        submitted_at=now,
        holder=original.holder if original else badge.holder,
        organisation=original.organisation if original else None,
        contact=original.contact if original else None,
        evidence=(evidence + request.evidence)[-50:],
        payment=request.payment,
        existing_badge_number=badge.badge_number,
        replace_reason=request.reason,
        crime_reference=request.crime_reference,
    )
