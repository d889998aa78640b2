"""A case: one application being worked by one council, its stage, and its audit trail."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.domain.application import Application, LongText, Text
from shared.domain.badge import DeliverTo, DeliveryOption, batch_type
from shared.domain.completeness import MissingItem
from shared.resources import WORKFLOW_FOR_APPLICATION_TYPE, WorkflowKey


class Stage(StrEnum):
    RECEIVED = "RECEIVED"  # written by intake, workflow not yet at its first step
    AWAITING_INFORMATION = "AWAITING_INFORMATION"  # the applicant has been asked for the missing items
    SCREENING = "SCREENING"  # complete: the workflow routes it by eligibility
    PROOF_CHECK = "PROOF_CHECK"  # automatic route: a caseworker checks the proof of eligibility
    ASSESSMENT = "ASSESSMENT"  # further-assessment route: a caseworker or an assessor assesses
    DECISION = "DECISION"  # a caseworker approves or refuses
    AWAITING_PAYMENT = "AWAITING_PAYMENT"  # approved; the council's fee is not paid yet
    ORDERED = "ORDERED"  # closed: the badge is ordered for the nightly print batch
    REFUSED = "REFUSED"  # refused; a review may be asked for within the review window
    REVIEW = "REVIEW"  # a different caseworker reconsiders the refusal
    BADGE_CANCELLED = "BADGE_CANCELLED"  # closed: a cancellation request was carried out
    WITHDRAWN = "WITHDRAWN"  # closed: the missing information did not arrive in time


# Which stage may follow which (the workflows drive the moves; this table refuses any other).
TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    Stage.RECEIVED: frozenset({Stage.AWAITING_INFORMATION, Stage.SCREENING}),
    Stage.AWAITING_INFORMATION: frozenset({Stage.SCREENING, Stage.WITHDRAWN}),
    Stage.SCREENING: frozenset({Stage.PROOF_CHECK, Stage.ASSESSMENT, Stage.DECISION}),
    # A caseworker at a proof check, assessment or decision may ask the applicant for more (InformationRequest).
    Stage.PROOF_CHECK: frozenset({Stage.DECISION, Stage.AWAITING_INFORMATION}),
    Stage.ASSESSMENT: frozenset({Stage.DECISION, Stage.AWAITING_INFORMATION}),
    Stage.DECISION: frozenset({Stage.AWAITING_PAYMENT, Stage.ORDERED, Stage.REFUSED, Stage.BADGE_CANCELLED, Stage.AWAITING_INFORMATION}),
    Stage.AWAITING_PAYMENT: frozenset({Stage.ORDERED}),
    Stage.REFUSED: frozenset({Stage.REVIEW}),
    Stage.REVIEW: frozenset({Stage.REFUSED, Stage.AWAITING_PAYMENT, Stage.ORDERED}),
    Stage.ORDERED: frozenset(),
    Stage.BADGE_CANCELLED: frozenset(),
    Stage.WITHDRAWN: frozenset(),
}
# Where a caseworker may send a case back to the applicant for missing items.
CASE_ID_PATTERN = r"^[A-Z0-9-]{6,64}$"  # what the API and the pages accept as a case id in a path

INFORMATION_REQUEST_STAGES = frozenset({Stage.PROOF_CHECK, Stage.ASSESSMENT, Stage.DECISION})
# Stages at which a person must act (each a workflow callback task whose token the case holds).
HUMAN_STAGES = frozenset({
    Stage.AWAITING_INFORMATION, Stage.PROOF_CHECK, Stage.ASSESSMENT, Stage.DECISION,
    Stage.AWAITING_PAYMENT, Stage.REFUSED, Stage.REVIEW,
})
CLOSED_STAGES = frozenset({Stage.ORDERED, Stage.BADGE_CANCELLED, Stage.WITHDRAWN})


class TransitionNotAllowed(ValueError):
    pass


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_case_id(council_code: str, now: datetime) -> str:
    """Short, readable and unique: council, date received, random part (base-32 without look-alikes)."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    suffix = "".join(secrets.choice(alphabet) for _ in range(6))
    return f"{council_code}-{now:%y%m%d}-{suffix}"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ProofCheck(_Record):
    """Automatic routes: a caseworker looked at the proof of eligibility (award letter, sight register)."""

    confirmed: bool
    notes: LongText | None = None
    by: str
    at: datetime


class AssessmentOutcome(StrEnum):
    ELIGIBLE = "ELIGIBLE"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"


class Assessment(_Record):
    """Further-assessment routes: the desk or mobility assessment and its recommendation."""

    outcome: AssessmentOutcome
    summary: LongText
    by: str
    at: datetime


class BadgeOrder(_Record):
    """How the approved badge is to be ordered."""

    start_date: date | None = Field(default=None, description="First day of the badge; today when not given. Never in the past")
    deliver_to: DeliverTo = DeliverTo.HOME
    delivery_option: DeliveryOption = DeliveryOption.STANDARD

    @model_validator(mode="after")
    def deliverable(self) -> BadgeOrder:
        batch_type(self.deliver_to, self.delivery_option)  # refuses fast delivery to the council
        return self


class DecisionOutcome(StrEnum):
    APPROVE = "APPROVE"
    REFUSE = "REFUSE"


Reasons = Annotated[list[Text], Field(max_length=10)]


class Decision(_Record):
    outcome: DecisionOutcome
    reasons: Reasons = Field(default_factory=list)
    order: BadgeOrder | None = None
    by: str
    at: datetime


class ReviewOutcome(StrEnum):
    UPHOLD = "UPHOLD"  # the refusal stands
    OVERTURN = "OVERTURN"  # the badge is approved after all


class Review(_Record):
    """The review of a refusal: asked for by the applicant, decided by a caseworker other than the one who refused."""

    requested_at: datetime
    requested_by: str
    grounds: LongText
    outcome: ReviewOutcome | None = None
    reasons: Reasons = Field(default_factory=list)
    order: BadgeOrder | None = None
    by: str | None = None
    at: datetime | None = None


class InformationRequest(_Record):
    """A caseworker asked the applicant for more after screening (the items are the case's `missing` until answered)."""

    items: list[MissingItem]
    at_stage: Stage
    by: str
    at: datetime


# What a caller sends back of the version it read; bounded so that nothing beyond a DynamoDB number reaches a condition.
ExpectedVersion = Annotated[int, Field(ge=1, le=2**53, description="The version the caller saw; a newer one answers 409")]


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
    reminder_sent_at: datetime | None = None
    referred_to: str | None = Field(default=None, description="The assessor the case is referred to")
    proof_check: ProofCheck | None = None
    assessment: Assessment | None = None
    decision: Decision | None = None
    review_due: date | None = None
    review: Review | None = None
    information_request: InformationRequest | None = Field(default=None, description="The last request for more made by a caseworker")
    badge_numbers: list[str] = Field(default_factory=list)
    needs_attention: str | None = Field(default=None, description="Why the workflow stopped; cleared when it moves on")
    workflow_restarts: int = Field(default=0, ge=0, description="How often the workflow was started again after it stopped")

    @classmethod
    def open(cls, application: Application, missing: list[MissingItem], now: datetime, case_id: str | None = None) -> Case:
        return cls(
            case_id=case_id or new_case_id(application.council_code, now),
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

    @property
    def execution_name(self) -> str:
        """The name of the case's current workflow execution: the case id, with `--r<n>` after its n-th restart
        (a name is never used twice, so each restart needs its own)."""
        return f"{self.case_id}--r{self.workflow_restarts}" if self.workflow_restarts else self.case_id

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

    @staticmethod
    def new_id(now: datetime) -> str:
        return f"P-{now:%y%m%d%H%M%S}-{secrets.token_hex(3).upper()}"
