"""Starting a case's workflow again after its execution ended badly (failed, timed out, aborted) or vanished.

Step Functions never reuses an execution name, so a restart is a new execution named after the case's restart count
(`Case.execution_name`) that begins at the state matching where the case stands (`resume_at`, read by the first Choice
of each case workflow). The count goes up in the same conditional, audited save that clears the flag, so two clicks
on the same version start one execution: the second answers 409.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from shared.core.adapters.case_store import CaseStore
from shared.core.adapters.workflows import Execution, Workflows
from shared.services.blue_badge.domain.application import ApplicationType
from shared.core.domain.case import AuditEntry, Case, ExpectedVersion
from shared.services.blue_badge.domain.case import CLOSED_STAGES, DecisionOutcome, ReviewOutcome, Stage
from shared.core.domain.council import CouncilConfig
from shared.services.blue_badge.domain.ordering import fee_due
from shared.resources import Role
from shared.core.logic.casework import require
from shared.services.blue_badge.logic.intake import workflow_input
from shared.core.logic.tenancy import Caller

RESTARTED = "WORKFLOW_RESTARTED"
RUNNING, SUCCEEDED = "RUNNING", "SUCCEEDED"
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


class NothingToRecover(Exception):
    """The case's workflow is running, finished as it should, or the case is closed: HTTP 409."""


class RecoveryInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expected_version: ExpectedVersion


def resume_at(case: Case, council: CouncilConfig) -> str | None:
    """The workflow state a restart begins at, from what the case records (None: from the start, OpenCase).

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
            return "CloseRefused" if cancellation else "Refused"
        case Stage.REVIEW if reviewed is ReviewOutcome.OVERTURN:
            return _order_or_payment(case, council)
        case Stage.REVIEW if reviewed is ReviewOutcome.UPHOLD:
            return "UpholdRefusal"
        case Stage.AWAITING_PAYMENT:
            return _order_or_payment(case, council)
    return WAIT_STATE_FOR_STAGE[case.stage]


def _order_or_payment(case: Case, council: CouncilConfig) -> str:
    return "AwaitPayment" if fee_due(case.application, council) else "OrderBadge"


def restart(store: CaseStore, workflows: Workflows, council: CouncilConfig, case: Case, expected_version: int, actor: str,
            reason: str, now: datetime) -> Case:
    """Save the restart (flag cleared, count up: conditional, audited), then start the execution it names.

    If the start is lost after the save, the reconciler finds the case without a running execution and starts it
    (the name makes a second start a no-op)."""
    resuming_at = resume_at(case, council)
    restarted = case.changed(now, workflow_restarts=case.workflow_restarts + 1, needs_attention=None, task_token=None)
    store.save(restarted, expected_version=expected_version, audit=AuditEntry(
        case_id=case.case_id, at=now, actor=actor, action=RESTARTED,
        before={"execution": case.execution_name, "needs_attention": case.needs_attention},
        after={"execution": restarted.execution_name, "resume_at": resuming_at or "OpenCase", "reason": reason}))
    start_execution(workflows, council, restarted)
    return restarted


def start_execution(workflows: Workflows, council: CouncilConfig, case: Case) -> bool:
    """Start the case's current execution where the case stands; False where it exists already."""
    at = resume_at(case, council)
    return workflows.start(case.workflow, case.execution_name, workflow_input(case, council) | ({"resume_at": at} if at else {}))


def why_stopped(case: Case, execution: Execution | None) -> str | None:
    """Why the case's workflow needs starting again (its execution ended badly or is missing), or None."""
    if case.stage in CLOSED_STAGES:
        return None
    if execution is None:
        return "the workflow execution is missing"
    if execution.status in (RUNNING, SUCCEEDED):  # a refusal that stood ends SUCCEEDED at REFUSED
        return None
    return f"the workflow execution ended {execution.status}"


def recover(
    store: CaseStore, workflows: Workflows, council: CouncilConfig, case_id: str, given: RecoveryInput, caller: Caller, now: datetime,
) -> Case | None:
    """A council administrator starts the case's workflow again from where the case stands (None: not in this council)."""
    require(caller, (Role.COUNCIL_ADMIN,), "resuming a case's workflow")
    case = store.get(case_id)
    if case is None:
        return None
    why = why_stopped(case, workflows.execution(case.workflow, case.execution_name))
    if why is None:
        raise NothingToRecover(f"case {case_id} has no stopped workflow to resume")
    return restart(store, workflows, council, case, given.expected_version, caller.actor, why, now)
