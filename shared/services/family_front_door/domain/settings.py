"""A council's Family Front Door settings (council config `services.family-front-door`): its front-door team, its levels
of need with their response targets in business hours, how a referrer's urgency maps to them, its threshold guidance,
what partners may see of their colleagues' submissions, how long a partner has to answer a question, and the social
care record system accepted contacts are pushed to, if it has one; and, like every service's, its own wording of the
emails (ServiceSettings.email_templates)."""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationInfo, field_validator, model_validator

from shared.core.domain.council import TEAM_KEY_PATTERN, CouncilConfig, ServiceSettings
from shared.core.domain.crm import CrmEndpoint
from shared.services.family_front_door import SERVICE_KEY
from shared.services.family_front_door.domain.submission import Urgency

LEVEL_KEY_PATTERN = r"^[a-z][a-z0-9-]{1,19}$"


class NeedLevel(BaseModel):
    """A level of need (a priority), e.g. red: respond within 2 business hours."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=LEVEL_KEY_PATTERN)
    name: str = Field(min_length=1, max_length=40)
    response_hours: float = Field(gt=0, le=240, description="Business hours from receipt to the team's response")


DEFAULT_LEVELS = [
    NeedLevel(key="red", name="Red", response_hours=2),
    NeedLevel(key="amber", name="Amber", response_hours=6),
    NeedLevel(key="green", name="Green", response_hours=24),
]
DEFAULT_URGENCY_LEVELS = {Urgency.TODAY: "red", Urgency.WITHIN_DAYS: "amber", Urgency.ROUTINE: "green"}


class FamilyFrontDoorSettings(ServiceSettings):
    team: str = Field(pattern=TEAM_KEY_PATTERN, description="The front-door team: every contact joins its holding area")
    levels: list[NeedLevel] = Field(default_factory=lambda: list(DEFAULT_LEVELS), min_length=1, max_length=6,
                                    description="Levels of need, most urgent first (the holding area's order)")
    urgency_levels: dict[Urgency, str] = Field(default_factory=lambda: dict(DEFAULT_URGENCY_LEVELS),
                                               description="The level each referrer's urgency starts at")
    warn_within_hours: float = Field(default=1, gt=0, le=24, description="The holding area warns when this little is left")
    threshold_guidance_url: HttpUrl = Field(description="The council's threshold guidance, linked in every outcome email")
    colleagues_see_agency_submissions: bool = Field(
        default=False, description="Whether a partner sees the submissions of colleagues at the same agency")
    reminder_after_hours: int = Field(default=24, ge=1, le=168, description="Hours before a partner who has not answered is reminded")
    answer_within_hours: int = Field(default=72, ge=2, le=720, description="Hours a partner has to answer before the team decides without it")
    crm: CrmEndpoint | None = Field(default=None, description="Where accepted contacts are pushed; none: not pushed")

    # What its council admin may change without a redeploy (read at each step: a contact's clock is set when it arrives;
    # not warn_within_hours, which the deployment checks against the response watch's schedule and its alarms state).
    COUNCIL_EDITABLE: ClassVar[tuple[str, ...]] = (
        *ServiceSettings.COUNCIL_EDITABLE, "levels", "threshold_guidance_url", "colleagues_see_agency_submissions",
        "reminder_after_hours", "answer_within_hours")

    def queued_teams(self) -> list[str]:
        return [self.team]

    @field_validator("team")
    @classmethod
    def one_of_the_councils_teams(cls, value: str, info: ValidationInfo) -> str:
        """Checked against the council when parse_councils gives it (as validation context)."""
        council: CouncilConfig | None = (info.context or {}).get("council")
        if council is not None and value not in council.team_keys:
            raise ValueError(f"team {value!r} is not one of the council's teams ({', '.join(council.team_keys)})")
        return value

    @model_validator(mode="after")
    def consistent(self) -> Self:
        keys = [level.key for level in self.levels]
        if len(set(keys)) != len(keys):
            raise ValueError(f"levels: each key once ({', '.join(keys)})")
        for urgency in Urgency:
            if self.urgency_levels.get(urgency) not in keys:
                raise ValueError(f"urgency_levels.{urgency.value}: give one of the levels ({', '.join(keys)})")
        if self.reminder_after_hours >= self.answer_within_hours:
            raise ValueError("reminder_after_hours must be smaller than answer_within_hours")
        return self

    def level(self, key: str) -> NeedLevel | None:
        return next((level for level in self.levels if level.key == key), None)

    def priority_of(self, key: str) -> int:
        """The level's place as the engine's 0-100 priority (most urgent highest): the holding area's priority order."""
        position = [level.key for level in self.levels].index(key)
        return 100 - position * (100 // len(self.levels))


def front_door_settings(council: CouncilConfig) -> FamilyFrontDoorSettings:
    """The council's Family Front Door settings (KeyError when it does not run the service)."""
    return council.settings_for(SERVICE_KEY)
