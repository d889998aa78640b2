"""A council (tenant) as deployment configuration: one validated entry per council, with its teams and the settings
of each service it runs."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, ValidationInfo, field_validator, model_validator

from shared.core.domain.email import EmailTemplate
from shared.core.domain.formats import Email, UK_POSTCODE_PATTERN
from shared.core.domain.notify import NotificationSettings

if TYPE_CHECKING:
    from shared.core.domain.services import ServiceRegistry

COUNCIL_CODE_PATTERN = r"^[A-Z][A-Z0-9]{2,9}$"
CouncilCode = Annotated[str, Field(pattern=COUNCIL_CODE_PATTERN, description="Short upper-case council code")]


class Nation(StrEnum):
    ENG = "ENG"
    WLS = "WLS"
    SCO = "SCO"
    NIR = "NIR"


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


class RetentionSchedule(_Strict):
    """How long the council keeps what it holds (UK GDPR storage limitation): the erasure job, S3 lifecycle rules
    and DynamoDB TTL enforce it, and the privacy page states it."""

    case_years: int = Field(
        default=2, ge=1, le=10,
        description="Years a closed case and its documents are kept after its retention period starts (each service "
                    "says when: e.g. a Blue Badge when the badge expires, a referral when it closes)",
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


TEAM_KEY_PATTERN = r"^[a-z][a-z0-9-]{1,39}$"


class Team(_Strict):
    """A team of the council's staff (e.g. "Blue Badge", "ASC front door"): queues, allocation and dashboards work per
    team; a person may belong to several."""

    key: str = Field(pattern=TEAM_KEY_PATTERN)
    name: str = Field(min_length=2, max_length=60)
    welsh_name: str | None = Field(default=None, min_length=2, max_length=60,
                                   description="Its name in Welsh, for a Welsh council's letters (e.g. naming the team a referral went to)")


class ServiceSettings(_Strict):
    """What the settings model of every service (council config `services.<key>`) has besides its own fields."""

    # The fields a council admin may change in the web UI without a redeploy (shared/core/domain/council_settings.py);
    # each service's model adds its own.
    COUNCIL_EDITABLE: ClassVar[tuple[str, ...]] = ("email_templates", "welsh_email_templates")

    email_templates: dict[str, EmailTemplate] = Field(
        default_factory=dict,
        description="The council's own wording of the service's emails, by kind; kinds not given keep the service's "
                    "default wording. Checked against the service's EmailCatalogue when the councils are loaded",
    )
    welsh_email_templates: dict[str, EmailTemplate] = Field(
        default_factory=dict,
        description="A Welsh council's own Welsh wording of the service's emails and letters, by kind (they are sent "
                    "Welsh first, then English); kinds not given keep the service's Welsh default",
    )

    def queued_teams(self) -> list[str]:
        """The council's teams whose queues hold this service's cases (each service's settings name them)."""
        raise NotImplementedError


class CouncilConfig(_Strict):
    """A council's own settings, and the settings of each service it runs (`services`, by service key, each
    validated by its service's settings model: see parse_councils)."""

    code: CouncilCode
    name: str = Field(min_length=3, max_length=100)
    nation: Nation
    welsh_name: str | None = Field(default=None, min_length=3, max_length=100,
                                   description="A council in Wales: its name in Welsh, used in the Welsh text of its emails and letters")
    contact: Contact
    teams: list[Team] = Field(min_length=1, max_length=50)
    services: dict[str, Any] = Field(min_length=1, description="Service key -> that service's settings for this council")
    # Both in working days of the council's nation (shared.core.domain.working_days), as every deadline is.
    information_request_days: int = Field(default=20, ge=5, le=65, description="Working days to wait for missing information")
    information_reminder_days: int = Field(default=7, ge=1, le=30, description="Working days before the information deadline that the sender is reminded")
    retention: RetentionSchedule = Field(default_factory=RetentionSchedule)
    notifications: NotificationSettings = Field(
        default_factory=NotificationSettings,
        description="How people hear about their cases: SES email (the default) or GOV.UK Notify (email, text, letters)")
    # The council's "no applications" alarm fires after this many hours of its working days without one (weekends and
    # its nation's bank holidays do not count; None: no such alarm, for a council too small to expect one every day).
    no_applications_alarm_hours: int | None = Field(
        default=24, ge=6, le=168,
        description="Hours of working days without an application before the council's alarm fires (null: none)")

    @model_validator(mode="after")
    def reminder_before_deadline(self) -> CouncilConfig:
        if self.information_reminder_days >= self.information_request_days:
            raise ValueError(
                f"information_reminder_days {self.information_reminder_days} must be smaller than "
                f"information_request_days {self.information_request_days}"
            )
        return self

    @field_validator("welsh_name", "teams")
    @classmethod
    def welsh_names_only_in_wales(cls, value: Any, info: ValidationInfo) -> Any:
        """Only a council in Wales writes in Welsh: a Welsh name elsewhere would never be used, so it is a mistake."""
        nation = info.data.get("nation")
        named = any(team.welsh_name for team in value) if isinstance(value, list) else value is not None
        if named and nation is not None and nation is not Nation.WLS:
            raise ValueError(f"a Welsh name is only for a council in Wales (this council's nation is {nation.value})")
        return value

    @model_validator(mode="after")
    def unique_teams(self) -> CouncilConfig:
        keys = [team.key for team in self.teams]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            raise ValueError(f"team {repeated[0]!r} appears more than once")
        return self

    @property
    def in_wales(self) -> bool:
        """Its emails and letters to the public are bilingual, Welsh first (Welsh Language Standards)."""
        return self.nation is Nation.WLS

    @property
    def team_keys(self) -> list[str]:
        return [team.key for team in self.teams]

    def runs(self, service_key: str) -> bool:
        return service_key in self.services

    def settings_for(self, service_key: str) -> Any:
        """The council's settings for a service it runs (its service's settings model); KeyError if it does not."""
        return self.services[service_key]


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


class CouncilSettingsInvalid(ValueError):
    """Settings the models refuse, each problem by its field's dotted path (e.g. services.blue-badge.badge_fee_pence)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"field '{field}': {message}" for field, message in problems))


def field_problems(error: ValidationError, prefix: str = "") -> list[tuple[str, str]]:
    return [(f"{prefix}{'.'.join(str(part) for part in problem['loc']) or '(entry)'}", problem["msg"]) for problem in error.errors()]


def _problems(error: ValidationError, prefix: str = "") -> str:
    return str(CouncilSettingsInvalid(field_problems(error, prefix)))


def with_service_settings(council: CouncilConfig, services: ServiceRegistry) -> CouncilConfig:
    """The council with each service's settings validated by that service's model, which may check them against the
    council (its nation, its teams) through the validation context, and its email templates checked against the
    service's catalogue; errors name `services.<key>.<field>`."""
    settings: dict[str, Any] = {}
    for key, raw in council.services.items():
        if key not in services:
            raise CouncilSettingsInvalid([(f"services.{key}", f"no such service (this deployment has {', '.join(services.keys)})")])
        spec = services.get(key)
        try:
            settings[key] = spec.settings_model.model_validate(raw, context={"council": council})
        except ValidationError as error:
            raise CouncilSettingsInvalid(field_problems(error, prefix=f"services.{key}.")) from None
        if problems := spec.emails.check_overrides(settings[key].email_templates):
            raise CouncilSettingsInvalid([(f"services.{key}.email_templates.{problem.path}", problem.message)
                                          for problem in problems])
        if problems := spec.emails.check_welsh_overrides(settings[key].welsh_email_templates):
            raise CouncilSettingsInvalid([(f"services.{key}.welsh_email_templates.{problem.path}", problem.message)
                                          for problem in problems])
    notify = council.notifications.notify
    if notify is not None and (problems := notify.templates.unknown_kinds(
            kind for key in council.services for kind in services.get(key).emails.kinds)):
        raise CouncilSettingsInvalid(problems)
    return council.model_copy(update={"services": settings})


def parse_councils(entries: object, services: ServiceRegistry | None = None) -> CouncilRegistry:
    """Validate raw config entries; raise CouncilConfigError naming the council and field of the first problem."""
    if services is None:
        from shared.services.registry import SERVICES  # the deployment's services; imported here, the registry imports the core

        services = SERVICES
    if not isinstance(entries, list) or not entries:
        raise CouncilConfigError("council config must be a non-empty list of council entries")
    councils: list[CouncilConfig] = []
    for position, entry in enumerate(entries, start=1):
        label = entry.get("code") if isinstance(entry, dict) and entry.get("code") else f"entry {position}"
        try:
            councils.append(with_service_settings(CouncilConfig.model_validate(entry), services))
        except ValidationError as error:
            raise CouncilConfigError(f"council {label!r}: {_problems(error)}") from None
        except ValueError as error:
            raise CouncilConfigError(f"council {label!r}: {error}") from None
    codes = [council.code for council in councils]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise CouncilConfigError(f"council {duplicates[0]!r}: field 'code': appears more than once")
    return CouncilRegistry(councils)


COUNCILS_FILE = Path(__file__).resolve().parents[2] / "config" / "councils.json"


def load_councils(path: Path = COUNCILS_FILE) -> CouncilRegistry:
    return parse_councils(json.loads(path.read_text(encoding="utf-8")))
