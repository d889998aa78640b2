"""Steps every service's workflow takes on a case: load it for a step, flag it when a step failed on every retry, and
escalate a person's step nobody acted on in its time."""

from __future__ import annotations

from datetime import datetime

from shared.core.adapters.case_store import CaseStore
from shared.core.domain.case import WORKFLOW_ACTOR, AuditEntry, Case, CaseStage


class CaseNotFound(LookupError):
    pass


def load_case(store: CaseStore, case_id: str) -> Case:
    case = store.get(case_id)
    if case is None:
        raise CaseNotFound(f"case {case_id} is not in {store.table_name}")
    return case


def flag_attention(store: CaseStore, case_id: str, error: str, cause: str, now: datetime) -> Case:
    """A step failed after its retries: mark the case so it shows as needing attention, where it stands."""
    case = load_case(store, case_id)
    reason = f"{error}: {cause}"[:1000]
    flagged = case.changed(now, needs_attention=reason, task_token=None)
    store.save(flagged, expected_version=case.version, audit=AuditEntry(
        case_id=case_id, at=now, actor=WORKFLOW_ACTOR, action="NEEDS_ATTENTION", after={"reason": reason}))
    return flagged


def escalate(store: CaseStore, case_id: str, stage: CaseStage, now: datetime) -> Case:
    """Nobody acted at a person's step in its time: flag the case for a team leader (the workflow then waits again)."""
    case = load_case(store, case_id)
    reason = f"Nobody has acted at {stage.value.lower().replace('_', ' ')} in the time allowed: a team leader should look"
    flagged = case.changed(now, needs_attention=reason, task_token=None)
    store.save(flagged, expected_version=case.version, audit=AuditEntry(
        case_id=case_id, at=now, actor=WORKFLOW_ACTOR, action="WAIT_ESCALATED", after={"stage": stage.value, "reason": reason}))
    return flagged
