"""A council (tenant) as deployment configuration: one validated entry per council."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, model_validator

from shared.domain.formats import Email, UK_POSTCODE_PATTERN

COUNCIL_CODE_PATTERN = r"^[A-Z][A-Z0-9]{2,9}$"
CouncilCode = Annotated[str, Field(pattern=COUNCIL_CODE_PATTERN, description="Short upper-case council code")]


class Nation(StrEnum):
    ENG = "ENG"
    WLS = "WLS"
    SCO = "SCO"
    NIR = "NIR"


class FeeTiming(StrEnum):
    APPLICATION = "APPLICATION"  # paid with the application: an unpaid fee is a missing item
    APPROVAL = "APPROVAL"  # asked for once approved, so nobody pays for a refusal


class ClockType(StrEnum):
    STANDARD = "Standard"
    WALLET = "Wallet"


# The most a council of each nation may charge for a badge, in pence (DfT / devolved guidance).
MAX_FEE_PENCE = {Nation.ENG: 1000, Nation.SCO: 2000, Nation.WLS: 0, Nation.NIR: 1000}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Contact(_Strict):
    phone: str = Field(pattern=r"^\+?[0-9 ]{10,16}$")
    email: Email
    web: HttpUrl


class PostalAddress(_Strict):
    line1: str = Field(min_length=1, max_length=100)
    line2: str | None = Field(default=None, max_length=100)
    town: str = Field(min_length=1, max_length=60)
    postcode: str = Field(pattern=UK_POSTCODE_PATTERN)


class KpiTargets(_Strict):
    days_to_decision: int = Field(gt=0, le=120, description="Working days from complete application to decision")
    days_to_decision_automatic: int = Field(gt=0, le=60, description="Target for automatic-eligibility routes")


class RetentionSchedule(_Strict):
    """How long the council keeps what it holds (UK GDPR storage limitation): the erasure job, S3 lifecycle rules
    and DynamoDB TTL enforce it, and the privacy page states it."""

    case_years: int = Field(
        default=2, ge=1, le=10,
        description="Years a case and its documents are kept after the badge expires, the refusal becomes final, "
                    "or the case is withdrawn or its cancellation done",
    )
    intake_file_days: int = Field(
        default=90, ge=30, le=365,
        description="Days a file uploaded for an application stays in the intake folder (intake copies it into the "
                    "case; a parked application needs it until it is replayed)",
    )
    export_days: int = Field(default=1, ge=1, le=7, description="Days a subject access export stays downloadable")
    erasure_request_days: int = Field(
        default=14, ge=1, le=60, description="Days an erasure request waits for a second council admin to confirm it"
    )
    parked_days: int = Field(
        default=90, ge=7, le=365, description="Days a parked application is kept once it has been replayed into a case"
    )


class CouncilConfig(_Strict):
    code: CouncilCode
    name: str = Field(min_length=3, max_length=100)
    nation: Nation
    contact: Contact
    collection_address: PostalAddress
    badge_fee_pence: int = Field(ge=0)
    takes_online_payment: bool = False
    fee_taken_on: FeeTiming = FeeTiming.APPLICATION
    clock_type: ClockType = ClockType.STANDARD
    signpost_url: HttpUrl
    kpi: KpiTargets
    information_request_days: int = Field(default=28, ge=7, le=90, description="How long to wait for missing information")
    information_reminder_days: int = Field(default=7, ge=1, le=30, description="Days before the information deadline that the applicant is reminded")
    retention: RetentionSchedule = Field(default_factory=RetentionSchedule)

    @model_validator(mode="after")
    def fee_within_nation_limit(self) -> CouncilConfig:
        limit = MAX_FEE_PENCE[self.nation]
        if self.badge_fee_pence > limit:
            raise ValueError(f"badge_fee_pence {self.badge_fee_pence} exceeds the {self.nation.value} maximum of {limit}")
        return self

    @model_validator(mode="after")
    def reminder_before_deadline(self) -> CouncilConfig:
        if self.information_reminder_days >= self.information_request_days:
            raise ValueError(
                f"information_reminder_days {self.information_reminder_days} must be smaller than "
                f"information_request_days {self.information_request_days}"
            )
        return self

    @property
    def charges_fee(self) -> bool:
        return self.badge_fee_pence > 0

    @property
    def language_code(self) -> str:
        """Language printed on the badge: Welsh councils print bilingual badges."""
        return "EW" if self.nation is Nation.WLS else "E"


class CouncilConfigError(ValueError):
    """A council entry is invalid; the message names the council and the field."""


class CouncilRegistry:
    """The deployment's councils, keyed by code."""

    def __init__(self, councils: list[CouncilConfig]):
        self._by_code = {council.code: council for council in councils}

    def get(self, code: str) -> CouncilConfig | None:
        return self._by_code.get(code)

    def __iter__(self):
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    @property
    def codes(self) -> list[str]:
        return list(self._by_code)


def parse_councils(entries: object) -> CouncilRegistry:
    """Validate raw config entries; raise CouncilConfigError naming the council and field of the first problem."""
    if not isinstance(entries, list) or not entries:
        raise CouncilConfigError("council config must be a non-empty list of council entries")
    councils: list[CouncilConfig] = []
    for position, entry in enumerate(entries, start=1):
        label = entry.get("code") if isinstance(entry, dict) and entry.get("code") else f"entry {position}"
        try:
            councils.append(CouncilConfig.model_validate(entry))
        except ValidationError as error:
            problems = "; ".join(
                f"field '{'.'.join(str(part) for part in problem['loc']) or '(entry)'}': {problem['msg']}"
                for problem in error.errors()
            )
            raise CouncilConfigError(f"council {label!r}: {problems}") from None
    codes = [council.code for council in councils]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise CouncilConfigError(f"council {duplicates[0]!r}: field 'code': appears more than once")
    return CouncilRegistry(councils)


COUNCILS_FILE = Path(__file__).resolve().parent.parent / "config" / "councils.json"


def load_councils(path: Path = COUNCILS_FILE) -> CouncilRegistry:
    return parse_councils(json.loads(path.read_text(encoding="utf-8")))
