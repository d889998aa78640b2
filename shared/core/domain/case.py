"""A case: one application or referral being worked by one council for one of its services, its stage, and its
audit trail. The core knows the fields every service shares; a service's case model (a subclass) adds its intake
model as `application`, its stages and their transitions, and the records its steps write."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

CASE_ID_PATTERN = r"^[A-Z0-9-]{6,64}$"  # what the API and the pages accept as a case id in a path
WORKFLOW_ACTOR = "workflow"  # who a case workflow's own steps are audited as
# Case fields that are the platform's workflow plumbing, never shown to staff nor given to the person (task_token,
# owed_resume): the API's view of a case and a subject-access export leave them out.
WORKFLOW_INTERNAL = frozenset({"task_token", "owed_resume"})


class CaseStage(StrEnum):
    """The base of every service's stage list: a service's stages name their service, so that work queues of two
    services never share a key even when two services use the same stage name."""

    @classmethod
    def service_key(cls) -> str:
        raise NotImplementedError


class TransitionNotAllowed(ValueError):
    pass


def utcnow() -> datetime:
    return datetime.now(UTC)


def is_case_id_of(council_code: str, case_id: str) -> bool:
    """Whether `case_id` has the form of the council's case ids (new_case_id): anything else, e.g. a reference typed into
    an address or set by another sender, is no case of the council's and is never looked up (a key too long for
    DynamoDB would fail the request)."""
    return bool(re.fullmatch(CASE_ID_PATTERN, case_id)) and case_id.startswith(f"{council_code}-")


def new_case_id(council_code: str, now: datetime) -> str:
    """Short, readable and unique: council, date received, random part (base-32 without look-alikes)."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    suffix = "".join(secrets.choice(alphabet) for _ in range(6))
    return f"{council_code}-{now:%y%m%d}-{suffix}"


class Record(BaseModel):
    """A step's record on a case: written once, never edited."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class MissingItem(BaseModel):
    """Something the sender must still supply; a service narrows `code` to its own list."""

    model_config = ConfigDict(frozen=True)

    code: str
    description: str


# What a caller sends back of the version it read; bounded so that nothing beyond a DynamoDB number reaches a condition.
ExpectedVersion = Annotated[int, Field(ge=1, le=2**53, description="The version the caller saw; a newer one answers 409")]


class Case(BaseModel):
    """The fields every service's case has. A service subclasses it, narrowing `service`, `application`,
    `workflow`, `stage` and `missing`, and sets TRANSITIONS, HUMAN_STAGES and CLOSED_STAGES."""

    model_config = ConfigDict(extra="forbid")

    # Which stage may follow which (the workflows drive the moves; this table refuses any other).
    TRANSITIONS: ClassVar[Mapping[Any, frozenset[Any]]] = {}
    # Stages at which a person must act (each a workflow callback task whose token the case holds).
    HUMAN_STAGES: ClassVar[frozenset[Any]] = frozenset()
    CLOSED_STAGES: ClassVar[frozenset[Any]] = frozenset()
    # Stages at which a case may be referred to an assessor (who then sees it: see casework.can_see).
    ASSESSOR_STAGES: ClassVar[frozenset[Any]] = frozenset()

    case_id: str
    council_code: str
    service: str
    application: BaseModel
    workflow: str
    stage: CaseStage
    missing: list[MissingItem] = Field(default_factory=list)
    received_at: datetime
    updated_at: datetime
    version: int = 1
    team: str | None = Field(default=None, description="The council team whose queues hold the case")
    assignee: str | None = None
    priority: int = Field(default=50, ge=0, le=100)
    # The callback token of the workflow step waiting on this case (e.g. for missing information);
    # internal to the platform, never shown to users.
    task_token: str | None = Field(default=None, repr=False)
    # The resume a person's step owes the workflow (its outbox item, named by the token's digest: pending_resume), until
    # the workflow next writes the case: that write deletes the outbox item, so the step's own request need not.
    owed_resume: str | None = Field(default=None, repr=False)
    information_due: datetime | None = None
    reminder_sent_at: datetime | None = None
    referred_to: str | None = Field(default=None, description="The assessor the case is referred to")
    needs_attention: str | None = Field(default=None, description="Why the workflow stopped; cleared when it moves on")
    workflow_restarts: int = Field(default=0, ge=0, description="How often the workflow was started again after it stopped")
    # Set by changed() when the stage changes, read by the case store when it writes the case: never stored.
    _stage_entered: CaseStage | None = PrivateAttr(default=None)

    def moved_to(self, stage: CaseStage, now: datetime) -> Case:
        if stage not in self.TRANSITIONS[self.stage]:
            raise TransitionNotAllowed(f"case {self.case_id} cannot move from {self.stage.value} to {stage.value}")
        return self.changed(now, stage=stage, task_token=None)

    def changed(self, now: datetime, **fields: Any) -> Case:
        """A copy with `fields` changed, one version on (what a conditional save expects)."""
        copy = self.model_copy(update=fields | {"updated_at": now, "version": self.version + 1})
        if "stage" in fields and fields["stage"] != self.stage:
            copy._stage_entered = fields["stage"]
        return copy

    def take_stage_entered(self) -> CaseStage | None:
        """The stage this case entered since it was read or last written (the store's metrics), and forget it, so that
        a second write of the same copy does not count it again."""
        entered, self._stage_entered = self._stage_entered, None
        return entered

    @property
    def missing_codes(self) -> list[str]:
        return [str(item.code) for item in self.missing]

    @property
    def execution_name(self) -> str:
        """The name of the case's current workflow execution: the case id, with `--r<n>` after its n-th restart
        (a name is never used twice, so each restart needs its own)."""
        return f"{self.case_id}--r{self.workflow_restarts}" if self.workflow_restarts else self.case_id

    @property
    def is_closed(self) -> bool:
        return self.stage in self.CLOSED_STAGES

    @property
    def waits_for_a_person(self) -> bool:
        return self.stage in self.HUMAN_STAGES


class AuditEntry(BaseModel):
    """Who did what to a case and when, with the values before and after."""

    model_config = ConfigDict(frozen=True)

    case_id: str
    at: datetime
    actor: str
    action: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


class Note(BaseModel):
    """A caseworker's note on a case (kept beside the case, never edited: a correction is a new note)."""

    model_config = ConfigDict(frozen=True)

    case_id: str
    at: datetime
    by: str
    text: str


class ParkReason(BaseModel):
    model_config = ConfigDict(frozen=True)

    field: str
    message: str


class ParkedStatus(StrEnum):
    PARKED = "PARKED"
    REPLAYED = "REPLAYED"


class StoredPayload(BaseModel):
    """Where a payload too large for its parked item is kept (an object in the evidence bucket), and what a person
    sees of it at a glance."""

    key: str
    size_bytes: int
    top_level_keys: list[str] = Field(description="The first few keys of the payload, each cut short")
    top_level_key_count: int
    application_id: str | None = None
    council_code: str | None = None


class ParkedApplication(BaseModel):
    """An application that could not become a case, kept with the exact reasons until it is replayed."""

    parked_id: str
    council_code: str | None
    payload: Any = Field(description="As delivered; null in a list when kept apart (stored_payload), filled in when opened")
    stored_payload: StoredPayload | None = None
    reasons: list[ParkReason]
    source: str
    parked_at: datetime
    status: ParkedStatus = ParkedStatus.PARKED
    attempts: int = 1
    replayed_case_id: str | None = None
    expires_at: datetime | None = Field(default=None, description="Once replayed: when the record goes (the council's retention)")
    version: int = 1
