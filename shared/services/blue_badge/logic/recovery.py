"""How Blue Badge's workflows are started again after their execution ended badly or vanished, as the engine's
recovery and reconciler read it (shared.core.logic.recovery, shared.core.logic.reconciler): the state each stage
waits at, where a restart begins, and the refusals whose workflow ends while the case stays REFUSED."""

from __future__ import annotations

from datetime import datetime

from shared.core.domain.case import Case
from shared.core.domain.council import CouncilConfig
from shared.core.domain.recovery import WorkflowRecovery
from shared.services.blue_badge.domain.application import ApplicationType
from shared.services.blue_badge.domain.case import DecisionOutcome, ReviewOutcome, Stage
from shared.services.blue_badge.domain.ordering import fee_due
from shared.services.blue_badge.logic.intake import workflow_input

# The workflow state that waits for people at each stage (the ASL's waitForTaskToken tasks).
WAIT_STATE_FOR_STAGE: dict[Stage, str] = {
    Stage.AWAITING_INFORMATION: "RequestInformation",
    Stage.PROOF_CHECK: "ProofCheck",
    Stage.ASSESSMENT: "Assessment",
    Stage.DECISION: "Decision",
    Stage.AWAITING_PAYMENT: "AwaitPayment",
    Stage.REFUSED: "Refused",
    Stage.REVIEW: "Review",
}

# A refusal's wait is timed by the state before it, which reads what is left of the review window from the case.
REVIEW_DEADLINE = "ReviewDeadline"


def resume_at(case: Case, council: CouncilConfig) -> str | None:
    """The workflow state a restart begins at, from what the case records (None: from the start, where a case still
    RECEIVED is opened by OpenCase).

    A step a person already recorded is not asked for again: an approval goes on to the payment or the order."""
    cancellation = case.application.application_type is ApplicationType.CANCEL
    decided = case.decision.outcome if case.decision else None
    reviewed = case.review.outcome if case.review else None
    match case.stage:
        case Stage.RECEIVED:
            return None
        case Stage.AWAITING_INFORMATION:
            return "RecheckInformation"  # asks again for what is still missing, or moves on
        case Stage.SCREENING:
            return "Screen"
        case Stage.DECISION if decided is DecisionOutcome.APPROVE:
            return "CancelBadge" if cancellation else _order_or_payment(case, council)
        case Stage.DECISION if decided is DecisionOutcome.REFUSE:
            return "CloseRefused" if cancellation else REVIEW_DEADLINE
        case Stage.REVIEW if reviewed is ReviewOutcome.OVERTURN:
            return _order_or_payment(case, council)
        case Stage.REVIEW if reviewed is ReviewOutcome.UPHOLD:
            return "UpholdRefusal"
        case Stage.AWAITING_PAYMENT:
            return _order_or_payment(case, council)
        case Stage.REFUSED:
            return REVIEW_DEADLINE
    return WAIT_STATE_FOR_STAGE[case.stage]


def _order_or_payment(case: Case, council: CouncilConfig) -> str:
    return "AwaitPayment" if fee_due(case.application, council) else "OrderBadge"


def refusal_final(case: Case, now: datetime) -> bool:
    """A refusal whose review window closed stays REFUSED for good, its workflow over."""
    return case.stage is Stage.REFUSED and case.review_due is not None and case.review_due < now.date()


BLUE_BADGE_RECOVERY = WorkflowRecovery(
    wait_states=WAIT_STATE_FOR_STAGE,
    resume_at=resume_at,
    workflow_input=workflow_input,
    may_end_at=frozenset({Stage.REFUSED}),  # a refusal that stood ends its workflow at REFUSED
    settled=refusal_final,
)
