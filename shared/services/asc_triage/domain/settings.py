"""A council's adult social care triage settings (council config `services.asc-triage`): its teams for the front door,
safeguarding and routing, the routing clock, its community directory and hubs, and its CRM, if it has one; and, like every service's, its own wording of the emails
(ServiceSettings.email_templates)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, ValidationInfo, field_validator

from shared.core.domain.council import TEAM_KEY_PATTERN, CouncilConfig, ServiceSettings
from shared.services.asc_triage import SERVICE_KEY
from shared.services.asc_triage.domain.business_hours import ROUTING_TARGET_HOURS
from shared.services.asc_triage.domain.crm import CrmEndpoint
from shared.services.asc_triage.domain.signposting import CommunityDirectory

TeamKey = str


class AscTriageSettings(ServiceSettings):
    team: TeamKey = Field(pattern=TEAM_KEY_PATTERN, description="The front-door team: new referrals join its queue")
    safeguarding_team: TeamKey = Field(pattern=TEAM_KEY_PATTERN, description="Urgent and safeguarding referrals join its queue at once")
    routing_teams: list[TeamKey] = Field(min_length=1, max_length=20, description="The teams a screening officer routes a referral to")
    routing_target_hours: float = Field(default=ROUTING_TARGET_HOURS, gt=0, le=120, description="Business hours from receipt to routing")
    warn_within_hours: float = Field(default=4, gt=0, le=24, description="The queue and the alarm warn when this little is left")
    directory: CommunityDirectory = Field(default_factory=CommunityDirectory)
    crm: CrmEndpoint | None = Field(default=None, description="Where accepted referrals are pushed; none: not pushed")

    # What its council admin may change without a redeploy (not warn_within_hours: the deployment checks it against the
    # response watch's schedule, and its alarms state it).
    COUNCIL_EDITABLE: ClassVar[tuple[str, ...]] = (
        *ServiceSettings.COUNCIL_EDITABLE, "routing_teams", "routing_target_hours", "directory")

    def queued_teams(self) -> list[str]:
        """The front door, safeguarding and the routing teams: each has a referrals queue."""
        return list(dict.fromkeys([self.team, self.safeguarding_team, *self.routing_teams]))

    @field_validator("team", "safeguarding_team", "routing_teams")
    @classmethod
    def one_of_the_councils_teams(cls, value: str | list[str], info: ValidationInfo) -> str | list[str]:
        """Checked against the council when parse_councils gives it (as validation context)."""
        council: CouncilConfig | None = (info.context or {}).get("council")
        if council is not None:
            for team in [value] if isinstance(value, str) else value:
                if team not in council.team_keys:
                    raise ValueError(f"team {team!r} is not one of the council's teams ({', '.join(council.team_keys)})")
        return value


def triage_settings(council: CouncilConfig) -> AscTriageSettings:
    """The council's ASC triage settings (KeyError when it does not run the service)."""
    return council.settings_for(SERVICE_KEY)
