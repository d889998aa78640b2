"""The human steps of a case workflow, caseworker side: each records what a person decided on the case
(conditionally, audited, with the workflow resume it owes) and resumes the workflow task waiting at that stage.
If the resume is not taken, the step stands; sending the same step again resumes (shared.core.logic.resumes).

Each returns None when the case is not in the caller's council table (the API answers 404).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.core.adapters.case_store import CaseStore
from shared.core.adapters.workflows import Workflows
from shared.services.blue_badge.adapters.badge_store import BadgeStore
from shared.services.blue_badge.domain.application import ApplicationType, JourneysDescriptor, LongText, Payment, PaymentMethod, Text
from shared.services.blue_badge.domain.badge import BadgeRuleError, BadgeStatus, ExistingBadge, ensure_one_badge
from shared.core.domain.case import AuditEntry, Case, ExpectedVersion
from shared.services.blue_badge.domain.case import Assessment, AssessmentOutcome, BadgeOrder, Decision, DecisionOutcome, INFORMATION_REQUEST_STAGES, InformationRequest, ProofCheck, Reasons, Review, ReviewOutcome, Stage
from shared.services.blue_badge.domain.completeness import DESCRIPTIONS, MissingCode, MissingItem, fee_for, stolen_without_crime_reference
from shared.services.blue_badge.domain.pip import AWARD_LETTER_FIELD, PipPoints, application_pip_points, award_letter_problem, pip_qualification
from shared.core.domain.council import CouncilConfig
from shared.services.blue_badge.domain.ordering import badge_terms
from shared.core.domain.pending_resume import PendingResume
from shared.core.domain.records import CaseRecord
from shared.services.blue_badge.domain.national import completion_owed
from shared.resources import Role
from shared.core.logic.casework import EDITING_ROLES, ActionNotAllowed, can_see, require
from shared.services.blue_badge.logic.people import badges_of_person
from shared.core.logic.resumes import record_and_resume, resend_retried
from shared.core.logic.tenancy import Caller
from shared.services.blue_badge.domain.settings import badge_settings
from shared.core.logic.steps import InvalidStep, StepNotOpen


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    expected_version: ExpectedVersion


class ProofCheckInput(_Input):
    confirmed: bool = Field(description="The proof shows the automatic criterion is met")
    notes: LongText | None = None
    pip_moving_around_points: int | None = Field(default=None, ge=0, le=12, description="PIP: the moving around points on the award letter")
    pip_planning_journeys_descriptor: JourneysDescriptor | None = Field(
        default=None, description="PIP: the planning and following journeys descriptor on the award letter (E qualifies)")
    pip_award_letter_date: date | None = Field(
        default=None, description="PIP: the award letter's date (default: the application's); under 12 months old to confirm")


class AssessmentInput(_Input):
    outcome: AssessmentOutcome
    summary: LongText = Field(description="What the assessment found and why")


class _OutcomeInput(_Input):
    """A decision or a review: refusing needs reasons (the applicant is told them); approving orders a badge."""

    reasons: Reasons = Field(default_factory=list, description="Required to refuse: each is emailed to the applicant")
    order: BadgeOrder = Field(default_factory=BadgeOrder, description="Start date and delivery of the badge, when approving")

    def refusing(self) -> bool:
        raise NotImplementedError

    @model_validator(mode="after")
    def refusal_has_reasons(self) -> _OutcomeInput:
        if self.refusing() and not self.reasons:
            raise ValueError("reasons: at least one reason is required to refuse (the applicant is told them)")
        return self


class DecisionInput(_OutcomeInput):
    outcome: DecisionOutcome

    def refusing(self) -> bool:
        return self.outcome is DecisionOutcome.REFUSE


class PaymentInput(_Input):
    amount_pence: int = Field(ge=1, le=2_000_000)
    reference: Text
    method: PaymentMethod = "CARD"


class ReviewRequestInput(_Input):
    grounds: LongText = Field(description="Why the applicant thinks the refusal is wrong")


class ReviewInput(_OutcomeInput):
    outcome: ReviewOutcome = Field(description="UPHOLD keeps the refusal (reasons required); OVERTURN approves (order)")

    def refusing(self) -> bool:
        return self.outcome is ReviewOutcome.UPHOLD


# What the workflow's Choice states read from a human step's output to send the case back for more information.
REQUEST_INFORMATION = "REQUEST_INFORMATION"
INFORMATION_ASKED_FOR = "INFORMATION_ASKED_FOR"


class RequestedItem(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: MissingCode
    note: Text | None = Field(default=None, description="What the applicant needs to know about this item, in plain English")

    def as_missing(self) -> MissingItem:
        """The item as the applicant's email and reply page list it: the standard wording, then the caseworker's note."""
        standard = DESCRIPTIONS[self.code]
        return MissingItem(code=self.code, description=f"{standard}: {self.note}" if self.note else standard)


class InformationRequestInput(_Input):
    items: list[RequestedItem] = Field(min_length=1, max_length=len(MissingCode), description="What the applicant is asked for")

    @model_validator(mode="after")
    def each_item_once(self) -> InformationRequestInput:
        codes = [item.code for item in self.items]
        if len(set(codes)) != len(codes):
            raise ValueError("items: ask for each item once")
        return self


def _retry_or_refuse(
    store: CaseStore, workflows: Workflows, case: Case, expected_version: int, caller: Caller, now: datetime, action: str, refusal: str,
) -> Case:
    """A step that is not open: the caller's own retry of it, whose workflow resume is still owed, or StepNotOpen."""
    resent = resend_retried(store, workflows, case, expected_version, caller.actor, action, now)
    if resent is None:
        raise StepNotOpen(refusal)
    return resent


def _complete(
    store: CaseStore, workflows: Workflows, case: Case, stage: Stage, expected_version: int, caller: Caller, now: datetime,
    action: str, record: dict[str, Any], output: dict[str, Any], audited: dict[str, Any] | None = None,
    records: Sequence[CaseRecord] = (),
) -> Case:
    """Save what was decided at `stage` (conditional on the version the caller saw) and resume the workflow.

    The audit entry holds `record` (or `audited`, where the record is larger than what changed)."""
    if case.stage is not stage or not case.task_token:
        return _retry_or_refuse(store, workflows, case, expected_version, caller, now, action,
                                f"case {case.case_id} is at {case.stage.value}, not waiting for {stage.value.lower().replace('_', ' ')}")
    updated = case.changed(now, task_token=None, **record)
    audit = AuditEntry(case_id=case.case_id, at=now, actor=caller.actor, action=action,
                       before={"stage": case.stage.value},
                       after={name: value.model_dump(mode="json") if isinstance(value, BaseModel) else value
                              for name, value in (audited or record).items()})
    resume = PendingResume(case_id=case.case_id, task_token=case.task_token, output=output, action=action, actor=caller.actor,
                           expected_version=expected_version, at=now)
    return record_and_resume(store, workflows, updated, expected_version, audit, resume, records)


def record_proof_check(store: CaseStore, workflows: Workflows, case_id: str, given: ProofCheckInput, caller: Caller, now: datetime) -> Case | None:
    require(caller, EDITING_ROLES, "checking proof of eligibility")
    case = store.get(case_id)
    if case is None:
        return None
    seen, letter_date = check_proof(case, given, now.date())
    check = ProofCheck(confirmed=given.confirmed, notes=given.notes, pip_moving_around_points=seen.moving_around,
                       pip_planning_journeys_descriptor=seen.journeys_descriptor, pip_award_letter_date=letter_date,
                       by=caller.user, at=now)
    audited = {"confirmed": given.confirmed, "outcome": "CONFIRMED" if given.confirmed else "NOT_CONFIRMED"}
    if seen.given:
        audited |= {"pip_moving_around_points": seen.moving_around, "pip_planning_journeys_descriptor": seen.journeys_descriptor}
    if letter_date is not None:
        audited[AWARD_LETTER_FIELD] = letter_date.isoformat()
    return _complete(store, workflows, case, Stage.PROOF_CHECK, given.expected_version, caller, now, "PROOF_CHECKED",
                     {"proof_check": check}, audited)


def check_proof(case: Case, given: ProofCheckInput, today: date) -> tuple[PipPoints, date | None]:
    """The PIP rules of a proof check (InvalidStep naming the field): the points seen, and a confirmation only on an award
    letter less than 12 months old (domain notes, Eligibility). Returns the points and the letter's date seen: those
    entered, or (none entered) those the application gave, which confirming says the letter shows."""
    seen = _pip_points_seen(case, given)
    if application_pip_points(case.application) is None:
        if given.pip_award_letter_date is not None:
            raise InvalidStep(AWARD_LETTER_FIELD, "The PIP award letter's date is recorded only for an application on the PIP route")
        return seen, None
    award = case.application.eligibility.benefit
    letter_date = given.pip_award_letter_date or (award.award_letter_date if award is not None else None)
    if given.confirmed and (problem := award_letter_problem(letter_date, today)):
        raise InvalidStep(AWARD_LETTER_FIELD, problem)
    return seen, letter_date


def _pip_points_seen(case: Case, given: ProofCheckInput) -> PipPoints:
    """A PIP proof check records the points on the award letter: those entered, or (none entered) those the application
    gave, which confirming says the letter shows. It confirms the automatic route only when they qualify."""
    entered = PipPoints(given.pip_moving_around_points, None, given.pip_planning_journeys_descriptor)
    applied = application_pip_points(case.application)
    if applied is None:
        if entered.given:
            raise InvalidStep("pip_moving_around_points", "PIP points are recorded only for an application on the PIP route")
        return entered
    seen = entered if entered.given else PipPoints(applied.moving_around, None, applied.journeys_descriptor)
    if given.confirmed and not seen.given:
        raise InvalidStep("pip_moving_around_points", "Enter the points on the PIP award letter: moving around, or the "
                                                      "planning and following journeys descriptor")
    if given.confirmed and not pip_qualification(seen).qualifies:
        raise InvalidStep("pip_moving_around_points", "The points on the award letter do not meet the automatic criterion "
                                                      "(8 or more for moving around, or descriptor E of planning and following "
                                                      "journeys): record that the proof does not confirm it")
    return seen


def record_assessment(store: CaseStore, workflows: Workflows, case_id: str, given: AssessmentInput, caller: Caller, now: datetime) -> Case | None:
    """Caseworkers assess any case; an assessor only the cases referred to them."""
    require(caller, (*EDITING_ROLES, Role.ASSESSOR), "recording an assessment")
    case = store.get(case_id)
    if case is None or not can_see(caller, case):
        return None
    assessment = Assessment(outcome=given.outcome, summary=given.summary, by=caller.user, at=now)
    return _complete(store, workflows, case, Stage.ASSESSMENT, given.expected_version, caller, now, "ASSESSED",
                     {"assessment": assessment}, {"outcome": given.outcome.value})


def check_order(store: BadgeStore, case: Case, order: BadgeOrder, now: datetime, field: str) -> None:
    """Refuse an approval whose badge could not be ordered, now rather than in the night's workflow."""
    application = case.application
    if stolen_without_crime_reference(application):
        raise InvalidStep("crime_reference", "A stolen badge is replaced only with the crime reference number: ask the "
                                             "applicant for it (request information) before approving")
    if application.application_type is ApplicationType.CANCEL:
        badge = store.get_badge(application.existing_badge_number)
        if badge is None:
            raise InvalidStep("existing_badge_number", f"badge {application.existing_badge_number} is not a badge of this council")
        try:  # the rules the cancellation workflow will apply (BadgeStatus, expiry, print batch, reason)
            badge.moved_to(BadgeStatus.CANCELLED, now, now.date(), reason=application.cancel_reason)
        except BadgeRuleError as error:
            raise InvalidStep("existing_badge_number", error.reason) from None
        return
    replacing = store.get_badge(application.existing_badge_number) if application.application_type is ApplicationType.REPLACE else None
    try:
        badge_terms(application, order, now.date(), replacing)
        if application.application_type is not ApplicationType.REPLACE:
            others = [ExistingBadge(badge_number=badge.badge_number, status=badge.status, expiry_date=badge.expiry_date)
                      for badge in badges_of_person(store, case)]
            ensure_one_badge(others, now.date())
    except BadgeRuleError as error:
        raise InvalidStep(error.field if error.field in ("existing_badges", "existing_badge_number") else f"{field}.{error.field}",
                          error.reason) from None


def decide(store: BadgeStore, workflows: Workflows, case_id: str, given: DecisionInput, caller: Caller, now: datetime) -> Case | None:
    require(caller, EDITING_ROLES, "deciding a case")
    case = store.get(case_id)
    if case is None:
        return None
    approving = given.outcome is DecisionOutcome.APPROVE
    if approving and case.stage is Stage.DECISION:
        check_order(store, case, given.order, now, "order")
    decision = Decision(outcome=given.outcome, reasons=given.reasons, order=given.order if approving else None, by=caller.user, at=now)
    # A pulled national application owes its national API COMPLETED: an outbox record in the decision's transaction,
    # sent by the council's next pull (logic/national_pull.py), never a call from here.
    return _complete(store, workflows, case, Stage.DECISION, given.expected_version, caller, now, "DECIDED",
                     {"decision": decision}, {"outcome": given.outcome.value}, records=completion_owed(case.application, case.case_id, now))


def record_payment(
    store: CaseStore, workflows: Workflows, council: CouncilConfig, case_id: str, given: PaymentInput, caller: Caller, now: datetime,
) -> Case | None:
    require(caller, EDITING_ROLES, "recording a payment")
    case = store.get(case_id)
    if case is None:
        return None
    due = fee_for(case.application, council)
    if given.amount_pence < due:
        raise InvalidStep("amount_pence", f"{given.amount_pence} is less than the fee of {due} pence ({badge_settings(council).badge_fee_pence} per badge)")
    payment = Payment(amount_pence=given.amount_pence, reference=given.reference, paid=True, method=given.method)
    application = case.application.model_copy(update={"payment": payment})
    return _complete(store, workflows, case, Stage.AWAITING_PAYMENT, given.expected_version, caller, now, "PAYMENT_RECORDED",
                     {"application": application}, {"amount_pence": given.amount_pence}, audited={"payment": payment})


def request_review(store: CaseStore, workflows: Workflows, case_id: str, given: ReviewRequestInput, caller: Caller, now: datetime) -> Case | None:
    """The applicant asked (by phone, letter or email) for the refusal to be looked at again."""
    require(caller, EDITING_ROLES, "recording a review request")
    case = store.get(case_id)
    if case is None:
        return None
    review = Review(requested_at=now, requested_by=caller.user, grounds=given.grounds)
    return _complete(store, workflows, case, Stage.REFUSED, given.expected_version, caller, now, "REVIEW_REQUESTED",
                     {"review": review}, {"requested": True})


def review(store: BadgeStore, workflows: Workflows, case_id: str, given: ReviewInput, caller: Caller, now: datetime) -> Case | None:
    """A caseworker other than the one who refused upholds or overturns the refusal."""
    require(caller, EDITING_ROLES, "reviewing a refusal")
    case = store.get(case_id)
    if case is None:
        return None
    if case.decision is not None and case.decision.by == caller.user:
        raise ActionNotAllowed(f"{caller.user} refused this case; a different caseworker must review it")
    if case.review is None or case.stage is not Stage.REVIEW:
        raise StepNotOpen(f"case {case_id} is at {case.stage.value}, not waiting for review")
    overturning = given.outcome is ReviewOutcome.OVERTURN
    if overturning:
        check_order(store, case, given.order, now, "order")
    reviewed = case.review.model_copy(update={
        "outcome": given.outcome, "reasons": given.reasons, "order": given.order if overturning else None, "by": caller.user, "at": now,
    })
    return _complete(store, workflows, case, Stage.REVIEW, given.expected_version, caller, now, "REVIEWED",
                     {"review": reviewed}, {"outcome": given.outcome.value}, records=completion_owed(case.application, case.case_id, now))



def request_information(
    store: CaseStore, workflows: Workflows, case_id: str, given: InformationRequestInput, caller: Caller, now: datetime,
) -> Case | None:
    """Send a case at a proof check, assessment or decision back to the applicant for the items chosen.

    The case moves to AWAITING_INFORMATION with those items missing; the workflow then runs its missing-information
    loop (the email, the reply, the recheck) and screens the case again once the applicant has answered."""
    require(caller, EDITING_ROLES, "asking the applicant for information")
    case = store.get(case_id)
    if case is None:
        return None
    if case.stage not in INFORMATION_REQUEST_STAGES:  # at AWAITING_INFORMATION already, when this is a retry
        return _retry_or_refuse(store, workflows, case, given.expected_version, caller, now, INFORMATION_ASKED_FOR,
                                f"case {case_id} is at {case.stage.value}; information can be asked for at a proof check, assessment or decision")
    if case.application.application_type is ApplicationType.CANCEL:
        raise ActionNotAllowed("a cancellation request has no missing-information step: refuse it, with reasons, instead")
    items = [item.as_missing() for item in given.items]
    request = InformationRequest(items=items, at_stage=case.stage, by=caller.user, at=now)
    case.moved_to(Stage.AWAITING_INFORMATION, now)  # the stage table allows it from these stages only
    return _complete(store, workflows, case, case.stage, given.expected_version, caller, now, INFORMATION_ASKED_FOR,
                     {"stage": Stage.AWAITING_INFORMATION, "missing": items, "information_request": request,
                      "information_due": None, "reminder_sent_at": None},
                     {"outcome": REQUEST_INFORMATION},
                     audited={"stage": Stage.AWAITING_INFORMATION.value, "missing": [item.code.value for item in items],
                              "notes": {item.code.value: item.note for item in given.items if item.note}})
