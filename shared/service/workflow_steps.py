"""Case changes made by workflow task states (the Step Functions side of a case)."""

from __future__ import annotations

from datetime import datetime

from shared.adapters.case_store import CaseStore
from shared.domain.case import AuditEntry, Case, Stage

WORKFLOW_ACTOR = "workflow"


class CaseNotFound(LookupError):
    pass


def open_case(store: CaseStore, case_id: str, now: datetime) -> Case:
    """Move a RECEIVED case to its first working stage. Safe to repeat: a retried task changes nothing twice."""
    case = store.get(case_id)
    if case is None:
        raise CaseNotFound(f"case {case_id} is not in {store.table_name}")
    if case.stage is not Stage.RECEIVED:
        return case
    moved = case.moved_to(case.first_working_stage(), now)
    audit = AuditEntry(
        case_id=case_id, at=now, actor=WORKFLOW_ACTOR, action="STAGE_CHANGED",
        before={"stage": case.stage.value}, after={"stage": moved.stage.value},
    )
    store.save(moved, expected_version=case.version, audit=audit)
    return moved
