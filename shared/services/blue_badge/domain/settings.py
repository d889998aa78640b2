"""A council's Blue Badge settings (council config `services.blue-badge`): the fee and when it is taken, the badge's
print clock, where badges are collected, the decision targets and the team that works the cases; and, like every service's, its own wording of the
emails (ServiceSettings.email_templates)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationInfo, field_validator

from shared.core.domain.council import TEAM_KEY_PATTERN, CouncilConfig, Nation, PostalAddress, ServiceSettings

from shared.services.blue_badge import SERVICE_KEY


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


class KpiTargets(_Strict):
    days_to_decision: int = Field(gt=0, le=120, description="Working days from complete application to decision")
    days_to_decision_automatic: int = Field(gt=0, le=60, description="Target for automatic-eligibility routes")


class BlueBadgeSettings(ServiceSettings):
    team: str = Field(pattern=TEAM_KEY_PATTERN, description="The team whose queues new cases join")
    collection_address: PostalAddress
    badge_fee_pence: int = Field(ge=0)
    takes_online_payment: bool = False
    fee_taken_on: FeeTiming = FeeTiming.APPLICATION
    clock_type: ClockType = ClockType.STANDARD
    signpost_url: HttpUrl
    kpi: KpiTargets

    def queued_teams(self) -> list[str]:
        return [self.team]

    @field_validator("team")
    @classmethod
    def one_of_the_councils_teams(cls, team: str, info: ValidationInfo) -> str:
        """Checked against the council when parse_councils gives it (as validation context)."""
        council: CouncilConfig | None = (info.context or {}).get("council")
        if council is not None and team not in council.team_keys:
            raise ValueError(f"team {team!r} is not one of the council's teams ({', '.join(council.team_keys)})")
        return team

    @field_validator("badge_fee_pence")
    @classmethod
    def within_the_nations_limit(cls, fee: int, info: ValidationInfo) -> int:
        council: CouncilConfig | None = (info.context or {}).get("council")
        if council is not None and fee > (limit := MAX_FEE_PENCE[council.nation]):
            raise ValueError(f"badge_fee_pence {fee} exceeds the {council.nation.value} maximum of {limit}")
        return fee

    @property
    def charges_fee(self) -> bool:
        return self.badge_fee_pence > 0


def badge_settings(council: CouncilConfig) -> BlueBadgeSettings:
    """The council's Blue Badge settings (KeyError when it does not run Blue Badge)."""
    return council.settings_for(SERVICE_KEY)


def language_code(council: CouncilConfig) -> str:
    """Language printed on the badge: Welsh councils print bilingual badges."""
    return "EW" if council.nation is Nation.WLS else "E"
