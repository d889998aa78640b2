"""A council's Blue Badge settings (council config `services.blue-badge`): the fee and when it is taken, the badge's
print clock, where badges are collected, the decision targets and the team that works the cases; and, like every service's, its own wording of the
emails (ServiceSettings.email_templates)."""

from __future__ import annotations

from enum import StrEnum

import json
from collections.abc import Iterable
from typing import Annotated, ClassVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, AwareDatetime, BaseModel, TypeAdapter, ConfigDict, Field, HttpUrl, ValidationInfo, field_validator

from shared.core.domain.council import TEAM_KEY_PATTERN, CouncilConfig, Nation, PostalAddress, ServiceSettings
from shared.core.domain.formats import Text

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


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def _https_or_loopback_http(url: str) -> str:
    parts = urlsplit(url)
    if not parts.hostname or parts.username or parts.password or parts.fragment or parts.query:
        raise ValueError("must be an absolute URL with a host, and no credentials, query or fragment")
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return url.rstrip("/")
    raise ValueError("must use https (plain http only to a loopback host, for local runs)")


NationalApiUrl = Annotated[str, Field(max_length=500), AfterValidator(_https_or_loopback_http)]


class NationalPull(_Strict):
    """Where a council's applications are pulled from: a national-style Applications API (its `findApplications`,
    `retrieveApplication` and `updateApplication`; shared/services/blue_badge/domain/national.py), signed in with OAuth 2.0
    client credentials whose secret is in Secrets Manager (shared.resources.national_api_secret_name)."""

    api_url: NationalApiUrl = Field(description="The API's base, e.g. https://api.example.gov.uk/bluebadge (then /applications)")
    token_url: NationalApiUrl
    client_id: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._:-]+$")]
    page_size: int = Field(default=50, ge=1, le=200, description="Applications per findApplications page (the API allows 1-200)")
    pull_from: AwareDatetime = Field(description="Submission time the first pull starts from (later pulls: the watermark)")
    timeout_seconds: float = Field(default=10, gt=0, le=30)


class NationalApplications(_Strict):
    """The council as the national Blue Badge service knows it, and whether its applications are pulled from its API
    (otherwise they arrive on the bus or the API in the national format)."""

    local_authority_code: str = Field(pattern=r"^[A-Z0-9]{2,10}$", description="The national service's code for the council, e.g. BIRM")
    pull: NationalPull | None = None


class BlueBadgeSettings(ServiceSettings):
    team: str = Field(pattern=TEAM_KEY_PATTERN, description="The team whose queues new cases join")
    collection_address: PostalAddress
    badge_fee_pence: int = Field(ge=0)
    takes_online_payment: bool = False
    fee_taken_on: FeeTiming = FeeTiming.APPLICATION
    clock_type: ClockType = ClockType.STANDARD
    signpost_url: HttpUrl
    kpi: KpiTargets
    national: NationalApplications | None = Field(default=None, description="The council in the national service's own format")
    refusal_reasons: tuple[Text, ...] = Field(  # each as a decision's reason is (one line, 200 characters)
        default=(), max_length=30, description="Standard reasons for a refusal, which caseworkers pick from (they may also type their own)")
    welsh_refusal_reasons: dict[str, Text] = Field(
        default_factory=dict, description="A Welsh council's Welsh wording of standard reasons, keyed by the reason as in "
                                          "refusal_reasons; a reason without one is given as written")
    # Domain notes: "some councils bar reapplying for 3 months" after a refusal (domain/reapplication.py). Off by default.
    reapply_bar_months: int = Field(default=0, ge=0, le=12, strict=True, description=(
        "Months after a refusal in which a new application from the same person is parked with the reason (0: no bar)"))
    # Domain notes, Replacement: "Councils may charge the fee again" - their choice, so charging stays the default.
    replacement_fee: bool = Field(default=True, strict=True, description="Whether a replacement badge costs the council's fee again")
    # Domain notes, Party types: "councils often set a local minimum number of eligible people carried" by an organisation.
    organisation_min_people_carried: int = Field(default=0, ge=0, le=1000, strict=True, description=(
        "The fewest eligible people an organisation must carry for a badge; screening states it for the decision (0: no minimum)"))

    COUNCIL_EDITABLE: ClassVar[tuple[str, ...]] = (
        *ServiceSettings.COUNCIL_EDITABLE, "badge_fee_pence", "kpi", "signpost_url", "refusal_reasons", "welsh_refusal_reasons",
        "reapply_bar_months", "replacement_fee", "organisation_min_people_carried")

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

    @field_validator("welsh_refusal_reasons")
    @classmethod
    def of_the_standard_reasons(cls, welsh: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        standard = info.data.get("refusal_reasons", ())
        if unknown := [reason for reason in welsh if reason not in standard]:
            raise ValueError(f"{unknown[0]!r} is not one of the standard refusal reasons (give each Welsh wording by its reason)")
        return welsh

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


_PULLS = TypeAdapter(dict[str, NationalPull])


def national_pulls_from_json(text: str) -> dict[str, NationalPull]:
    """Council code -> where its applications are pulled from (Env.NATIONAL_PULLS); empty text: no council pulls."""
    return _PULLS.validate_json(text) if text.strip() else {}


def national_pulls(councils: Iterable[CouncilConfig]) -> str:
    """Env.NATIONAL_PULLS from the council config: each council that runs Blue Badge and pulls."""
    return json.dumps({council.code: pull.model_dump(mode="json") for council in councils if council.runs(SERVICE_KEY)
                       and (national := badge_settings(council).national) is not None and (pull := national.pull) is not None})


def badge_settings(council: CouncilConfig) -> BlueBadgeSettings:
    """The council's Blue Badge settings (KeyError when it does not run Blue Badge)."""
    return council.settings_for(SERVICE_KEY)


def language_code(council: CouncilConfig) -> str:
    """Language printed on the badge: Welsh councils print bilingual badges."""
    return "EW" if council.nation is Nation.WLS else "E"
