"""A case: one application being worked by one council, its stage, and its audit trail."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.application import Application
from shared.domain.completeness import MissingItem
from shared.resources import WORKFLOW_FOR_APPLICATION_TYPE, WorkflowKey


class Stage(StrEnum):
    RECEIVED = "RECEIVED"  # written by intake, workflow not yet at its first step
    AWAITING_INFORMATION = "AWAITING_INFORMATION"  # the applicant has been asked for the missing items
    SCREENING = "SCREENING"  # complete: eligibility screening, assessment and decision follow
    WITHDRAWN = "WITHDRAWN"  # closed: the missing information did not arrive in time


# Which stage may follow which; the assessment and decision stages extend this table.
TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    Stage.RECEIVED: frozenset({Stage.AWAITING_INFORMATION, Stage.SCREENING}),
    Stage.AWAITING_INFORMATION: frozenset({Stage.SCREENING, Stage.WITHDRAWN}),
    Stage.SCREENING: frozenset(),
    Stage.WITHDRAWN: frozenset(),
}


class TransitionNotAllowed(ValueError):
    pass


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_case_id(council_code: str, now: datetime) -> str:
    """Short, readable and unique: council, date received, random part (base-32 without look-alikes)."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    suffix = "".join(secrets.choice(alphabet) for _ in range(6))
    return f"{council_code}-{now:%y%m%d}-{suffix}"


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_id: str
    council_code: str
    application: Application
    workflow: WorkflowKey
    stage: Stage = Stage.RECEIVED
    missing: list[MissingItem] = Field(default_factory=list)
    received_at: datetime
    updated_at: datetime
    version: int = 1
    assignee: str | None = None
    priority: int = Field(default=50, ge=0, le=100)
    # The callback token of the workflow step waiting on this case (e.g. for missing information);
    # internal to the platform, never shown to users.
    task_token: str | None = Field(default=None, repr=False)
    information_due: datetime | None = None

    @classmethod
    def open(cls, application: Application, missing: list[MissingItem], now: datetime) -> Case:
        return cls(
            case_id=new_case_id(application.council_code, now),
            council_code=application.council_code,
            application=application,
            workflow=WORKFLOW_FOR_APPLICATION_TYPE[application.application_type.value],
            missing=missing,
            received_at=now,
            updated_at=now,
        )

    def moved_to(self, stage: Stage, now: datetime) -> Case:
        if stage not in TRANSITIONS[self.stage]:
            raise TransitionNotAllowed(f"case {self.case_id} cannot move from {self.stage.value} to {stage.value}")
        return self.changed(now, stage=stage, task_token=None)

    def changed(self, now: datetime, **fields: Any) -> Case:
        """A copy with `fields` changed, one version on (what a conditional save expects)."""
        return self.model_copy(update=fields | {"updated_at": now, "version": self.version + 1})

    @property
    def missing_codes(self) -> list[str]:
        return [item.code.value for item in self.missing]

    def first_working_stage(self) -> Stage:
        return Stage.AWAITING_INFORMATION if self.missing else Stage.SCREENING


class AuditEntry(BaseModel):
    """Who did what to a case and when, with the values before and after."""

    model_config = ConfigDict(frozen=True)

    case_id: str
    at: datetime
    actor: str
    action: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


class ParkReason(BaseModel):
    model_config = ConfigDict(frozen=True)

    field: str
    message: str


class ParkedStatus(StrEnum):
    PARKED = "PARKED"
    REPLAYED = "REPLAYED"


class ParkedApplication(BaseModel):
    """An application that could not become a case, kept with the exact reasons until it is replayed."""

    parked_id: str
    council_code: str | None
    payload: Any
    reasons: list[ParkReason]
    source: str
    parked_at: datetime
    status: ParkedStatus = ParkedStatus.PARKED
    attempts: int = 1
    replayed_case_id: str | None = None
    version: int = 1

    @staticmethod
    def new_id(now: datetime) -> str:
        return f"P-{now:%y%m%d%H%M%S}-{secrets.token_hex(3).upper()}"
