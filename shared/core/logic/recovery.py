"""Starting a case's workflow again after its execution ended badly (failed, timed out, aborted) or vanished, for every
service that declares how (its ServiceSpec's `recovery`, shared.core.domain.recovery).

Step Functions never reuses an execution name, so a restart is a new execution named after the case's restart count
(`Case.execution_name`) that begins at the state matching where the case stands (the service's `resume_at`, read by
the first Choice of each case workflow). The count goes up in the same conditional, audited save that clears the flag,
so two clicks on the same version start one execution: the second answers 409.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from shared.core.adapters.case_store import CaseStore
from shared.core.adapters.workflows import Execution, Workflows
from shared.core.domain.case import AuditEntry, Case, ExpectedVersion
from shared.core.domain.council import CouncilConfig
from shared.core.domain.recovery import WorkflowRecovery
from shared.core.logic.casework import require
from shared.core.logic.tenancy import Caller
from shared.resources import Role

RESTARTED = "WORKFLOW_RESTARTED"
RUNNING, SUCCEEDED = "RUNNING", "SUCCEEDED"


class NothingToRecover(Exception):
    """The case's workflow is running, finished as it should, or the case is closed: HTTP 409."""


class RecoveryInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expected_version: ExpectedVersion


def recovery_of(case: Case) -> WorkflowRecovery | None:
    """How the case's service restarts its workflow (None: the service declares no recovery)."""
    from shared.services.registry import SERVICES  # the deployment's services (the registry imports the core)

    return SERVICES.for_case(case).recovery


def _declared(case: Case) -> WorkflowRecovery:
    recovery = recovery_of(case)
    if recovery is None:
        raise NothingToRecover(f"case {case.case_id}: its service does not restart workflows")
    return recovery


def restart(store: CaseStore, workflows: Workflows, council: CouncilConfig, case: Case, expected_version: int, actor: str,
            reason: str, now: datetime) -> Case:
    """Save the restart (flag cleared, count up: conditional, audited), then start the execution it names.

    If the start is lost after the save, the reconciler finds the case without a running execution and starts it
    (the name makes a second start a no-op)."""
    resuming_at = _declared(case).resume_input(case, council, now).get("resume_at")
    restarted = case.changed(now, workflow_restarts=case.workflow_restarts + 1, needs_attention=None, task_token=None)
    store.save(restarted, expected_version=expected_version, audit=AuditEntry(
        case_id=case.case_id, at=now, actor=actor, action=RESTARTED,
        before={"execution": case.execution_name, "needs_attention": case.needs_attention},
        after={"execution": restarted.execution_name, "resume_at": resuming_at or "the start", "reason": reason}))
    start_execution(workflows, council, restarted, now)
    return restarted


def start_execution(workflows: Workflows, council: CouncilConfig, case: Case, now: datetime) -> bool:
    """Start the case's current execution where the case stands; False where it exists already."""
    return workflows.start(case.workflow, case.execution_name, _declared(case).resume_input(case, council, now))


def why_stopped(case: Case, execution: Execution | None) -> str | None:
    """Why the case's workflow needs starting again (its execution ended badly or is missing), or None."""
    if case.is_closed:
        return None
    if execution is None:
        return "the workflow execution is missing"
    if execution.status in (RUNNING, SUCCEEDED):  # a workflow may end SUCCEEDED at a wait stage (a refusal that stood)
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
