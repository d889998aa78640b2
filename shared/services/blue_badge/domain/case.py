"""A Blue Badge case: the core case with a Blue Badge application, the scheme's stages and the records its steps
write (proof check, assessment, decision, review, the badges ordered)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from shared.core.domain.case import Case, CaseStage, Record, new_case_id
from shared.core.domain.formats import LongText, Text
from shared.core.domain.working_days import add_working_days
from shared.resources import WORKFLOW_FOR_APPLICATION_TYPE, WorkflowKey
from shared.services.blue_badge.domain.application import Application, JourneysDescriptor
from shared.services.blue_badge.domain.badge import DeliverTo, DeliveryOption, batch_type
from shared.services.blue_badge.domain.completeness import MissingItem

from shared.services.blue_badge import SERVICE_KEY


class Stage(CaseStage):
    @classmethod
    def service_key(cls) -> str:
        return SERVICE_KEY

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
    WITHDRAWN = "WITHDRAWN"  # closed: the missing information did not arrive in time, or staff withdrew it (a duplicate)


# Which stage may follow which (the workflows drive the moves; this table refuses any other).
TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    Stage.RECEIVED: frozenset({Stage.AWAITING_INFORMATION, Stage.SCREENING}),
    Stage.AWAITING_INFORMATION: frozenset({Stage.SCREENING, Stage.WITHDRAWN}),
    Stage.SCREENING: frozenset({Stage.PROOF_CHECK, Stage.ASSESSMENT, Stage.DECISION}),
    # A caseworker at a proof check, assessment or decision may ask the applicant for more (InformationRequest).
    Stage.PROOF_CHECK: frozenset({Stage.DECISION, Stage.AWAITING_INFORMATION, Stage.WITHDRAWN}),
    Stage.ASSESSMENT: frozenset({Stage.DECISION, Stage.AWAITING_INFORMATION, Stage.WITHDRAWN}),
    Stage.DECISION: frozenset({Stage.AWAITING_PAYMENT, Stage.ORDERED, Stage.REFUSED, Stage.BADGE_CANCELLED, Stage.AWAITING_INFORMATION,
                               Stage.WITHDRAWN}),
    Stage.AWAITING_PAYMENT: frozenset({Stage.ORDERED, Stage.WITHDRAWN}),
    Stage.REFUSED: frozenset({Stage.REVIEW}),
    Stage.REVIEW: frozenset({Stage.REFUSED, Stage.AWAITING_PAYMENT, Stage.ORDERED}),
    Stage.ORDERED: frozenset(),
    Stage.BADGE_CANCELLED: frozenset(),
    Stage.WITHDRAWN: frozenset(),
}
# Where staff may withdraw an application (say, a duplicate): while it waits for a person, before a badge or a refusal.
WITHDRAWABLE_STAGES = frozenset({Stage.AWAITING_INFORMATION, Stage.PROOF_CHECK, Stage.ASSESSMENT, Stage.DECISION, Stage.AWAITING_PAYMENT})
# Where a caseworker may send a case back to the applicant for missing items.
INFORMATION_REQUEST_STAGES = frozenset({Stage.PROOF_CHECK, Stage.ASSESSMENT, Stage.DECISION})
# Stages at which a person must act (each a workflow callback task whose token the case holds).
HUMAN_STAGES = frozenset({
    Stage.AWAITING_INFORMATION, Stage.PROOF_CHECK, Stage.ASSESSMENT, Stage.DECISION,
    Stage.AWAITING_PAYMENT, Stage.REFUSED, Stage.REVIEW,
})
CLOSED_STAGES = frozenset({Stage.ORDERED, Stage.BADGE_CANCELLED, Stage.WITHDRAWN})


class ProofCheck(Record):
    """Automatic routes: a caseworker looked at the proof of eligibility (award letter, sight register)."""

    confirmed: bool
    notes: LongText | None = None
    # PIP: the points seen on the award letter (the national form carries none, so they are confirmed here).
    pip_moving_around_points: int | None = Field(default=None, ge=0, le=12)
    pip_planning_journeys_descriptor: JourneysDescriptor | None = None
    pip_award_letter_date: date | None = None  # PIP: the award letter's date (it must be less than 12 months old)
    by: str
    at: datetime


class AssessmentOutcome(StrEnum):
    ELIGIBLE = "ELIGIBLE"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"


class Assessment(Record):
    """Further-assessment routes: the desk or mobility assessment and its recommendation."""

    outcome: AssessmentOutcome
    summary: LongText
    by: str
    at: datetime


class BadgeOrder(Record):
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


class Decision(Record):
    outcome: DecisionOutcome
    reasons: Reasons = Field(default_factory=list)
    order: BadgeOrder | None = None
    by: str
    at: datetime


class ReviewOutcome(StrEnum):
    UPHOLD = "UPHOLD"  # the refusal stands
    OVERTURN = "OVERTURN"  # the badge is approved after all


class Review(Record):
    """The review of a refusal: asked for by the applicant, decided by a caseworker other than the one who refused."""

    requested_at: datetime
    requested_by: str
    grounds: LongText
    outcome: ReviewOutcome | None = None
    reasons: Reasons = Field(default_factory=list)
    order: BadgeOrder | None = None
    by: str | None = None
    at: datetime | None = None


class InformationRequest(Record):
    """A caseworker asked the applicant for more after screening (the items are the case's `missing` until answered)."""

    items: list[MissingItem]
    at_stage: Stage
    by: str
    at: datetime


class BadgeCase(Case):
    """A Blue Badge application (new, renewal, replacement or cancellation) being worked."""

    TRANSITIONS: ClassVar = TRANSITIONS
    HUMAN_STAGES: ClassVar = HUMAN_STAGES
    CLOSED_STAGES: ClassVar = CLOSED_STAGES
    ASSESSOR_STAGES: ClassVar = frozenset({Stage.ASSESSMENT})

    service: Literal[SERVICE_KEY] = SERVICE_KEY  # cases stored before there were services have none: Blue Badge's
    application: Application
    workflow: WorkflowKey
    stage: Stage = Stage.RECEIVED
    missing: list[MissingItem] = Field(default_factory=list)
    proof_check: ProofCheck | None = None
    assessment: Assessment | None = None
    decision: Decision | None = None
    review_due: date | None = None
    review: Review | None = None
    information_request: InformationRequest | None = Field(default=None, description="The last request for more made by a caseworker")
    route_reason: LongText | None = Field(default=None, description="Why screening sent the case where it went, in words "
                                                                      "(e.g. a PIP award whose points do not qualify)")
    badge_numbers: list[str] = Field(default_factory=list)

    @classmethod
    def open(cls, application: Application, missing: list[MissingItem], now: datetime, case_id: str | None = None,
             team: str | None = None) -> BadgeCase:
        return cls(
            team=team,
            case_id=case_id or new_case_id(application.council_code, now),
            council_code=application.council_code,
            application=application,
            workflow=WORKFLOW_FOR_APPLICATION_TYPE[application.application_type.value],
            missing=missing,
            received_at=now,
            updated_at=now,
        )

    def first_working_stage(self) -> Stage:
        return Stage.AWAITING_INFORMATION if self.missing else Stage.SCREENING

    def opened(self) -> BadgeCase:
        """This new case at its first working stage, as intake writes it (a case stored RECEIVED, before intake opened
        cases, is moved there by its workflow's OpenCase step)."""
        return self.model_copy(update={"stage": self.first_working_stage()})


# A refusal's review is asked for within this many working days of the refusal (the domain notes' usual 28 days,
# counted as the council's working days like every other deadline: four weeks of them).
REVIEW_WORKING_DAYS = 20


def review_due(refused_at: datetime, nation: str) -> date:
    """The last day a review of a refusal made at `refused_at` may be asked for (the window closes at its end)."""
    return add_working_days(refused_at.date(), REVIEW_WORKING_DAYS, nation)


def approved_order(case: Case) -> BadgeOrder:
    """The order details of the approval that stands: the review's when it overturned the refusal."""
    if case.review is not None and case.review.outcome is ReviewOutcome.OVERTURN and case.review.order is not None:
        return case.review.order
    if case.decision is not None and case.decision.outcome is DecisionOutcome.APPROVE and case.decision.order is not None:
        return case.decision.order
    raise ValueError(f"case {case.case_id} has no approval to order a badge from")
