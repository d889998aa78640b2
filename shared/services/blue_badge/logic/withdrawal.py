"""Staff withdraw an application (say, one of two duplicates): the case closes as WITHDRAWN, as when the missing
information never arrives, with the reason in its history; its workflow, which waits for a person, is stopped."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shared.core.adapters.case_store import CaseStore
from shared.core.adapters.workflows import Workflows
from shared.core.domain.case import AuditEntry, Case, ExpectedVersion
from shared.core.domain.formats import OneLine
from shared.core.logic.recovery import RUNNING
from shared.core.logic.steps import InvalidStep
from shared.core.logic.tenancy import Caller
from shared.services.blue_badge.domain.case import WITHDRAWABLE_STAGES, Stage
from shared.services.blue_badge.domain.national import completion_owed

WITHDRAWN_BY_STAFF = "CASE_WITHDRAWN"


class WithdrawalInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    expected_version: ExpectedVersion
    reason: Annotated[str, Field(min_length=1, max_length=500), OneLine] = Field(description="Why, as the history shows it")


def withdraw_case(store: CaseStore, workflows: Workflows, case_id: str, given: WithdrawalInput, caller: Caller, now: datetime) -> Case | None:
    """Close the case as WITHDRAWN (conditional on the version the caller saw, audited), then stop its workflow.

    None when there is no such case in the caller's council table. InvalidStep when it cannot be withdrawn at its stage.
    Asked again after the stop failed, it stops the workflow of the case it withdrew then."""
    case = store.get(case_id)
    if case is None:
        return None
    if case.stage is Stage.WITHDRAWN and _withdrawn_by(store, case_id) == caller.actor:
        _stop(workflows, case, caller.actor)
        return case
    if case.stage not in WITHDRAWABLE_STAGES:
        raise InvalidStep("stage", "This application cannot be withdrawn: it has been decided, or it is closed")
    case.moved_to(Stage.WITHDRAWN, now)  # refuses a move the stage table does not allow
    withdrawn = case.changed(now, stage=Stage.WITHDRAWN, task_token=None, assignee=None, needs_attention=None)
    audit = AuditEntry(case_id=case_id, at=now, actor=caller.actor, action=WITHDRAWN_BY_STAFF,
                       before={"stage": case.stage.value}, after={"stage": Stage.WITHDRAWN.value, "reason": given.reason})
    store.save(withdrawn, expected_version=given.expected_version, audit=audit, records=completion_owed(case.application, case_id, now))
    _stop(workflows, case, caller.actor)  # after the save: a workflow stopped for a case left open would strand it
    return withdrawn


def _stop(workflows: Workflows, case: Case, actor: str) -> None:
    """Stop the case's execution if it still runs (one that failed or was never started has nothing to stop)."""
    execution = workflows.execution(case.workflow, case.execution_name)
    if execution is not None and execution.status == RUNNING:
        workflows.stop(case.workflow, case.execution_name, cause=f"Withdrawn by {actor}")


def _withdrawn_by(store: CaseStore, case_id: str) -> str | None:
    return next((entry.actor for entry in reversed(store.history(case_id)) if entry.action == WITHDRAWN_BY_STAFF), None)
