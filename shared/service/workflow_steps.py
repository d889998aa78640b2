"""Case changes made by workflow task states (the Step Functions side of a case).

Each step is safe to repeat: a retried task finds the case already changed and changes nothing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from shared.adapters.case_store import CaseStore
from shared.domain.case import AuditEntry, Case, Stage
from shared.domain.notifications import NotificationKind
from shared.service.notify import Notifier

WORKFLOW_ACTOR = "workflow"


class CaseNotFound(LookupError):
    pass


def _load(store: CaseStore, case_id: str) -> Case:
    case = store.get(case_id)
    if case is None:
        raise CaseNotFound(f"case {case_id} is not in {store.table_name}")
    return case


def _move(store: CaseStore, case: Case, stage: Stage, now: datetime) -> Case:
    moved = case.moved_to(stage, now)
    audit = AuditEntry(case_id=case.case_id, at=now, actor=WORKFLOW_ACTOR, action="STAGE_CHANGED",
                       before={"stage": case.stage.value}, after={"stage": stage.value})
    store.save(moved, expected_version=case.version, audit=audit)
    return moved


def open_case(store: CaseStore, notifier: Notifier, case_id: str, now: datetime) -> Case:
    """Move a RECEIVED case to its first working stage and tell the applicant it arrived."""
    case = _load(store, case_id)
    if case.stage is not Stage.RECEIVED:
        return case
    opened = _move(store, case, case.first_working_stage(), now)
    notifier.notify(store, opened, NotificationKind.RECEIVED)
    return opened


def request_information(
    store: CaseStore, notifier: Notifier, case_id: str, task_token: str, timeout_seconds: int, now: datetime
) -> Case:
    """Record that the workflow waits for the missing items (with the token that resumes it and the date
    due), and ask the applicant for each of them."""
    case = _load(store, case_id)
    if case.stage is not Stage.AWAITING_INFORMATION:
        raise ValueError(f"case {case_id} is at {case.stage.value}, not waiting for information")
    due = now + timedelta(seconds=timeout_seconds)
    waiting = case.changed(now, task_token=task_token, information_due=due)
    audit = AuditEntry(case_id=case_id, at=now, actor=WORKFLOW_ACTOR, action="INFORMATION_REQUESTED",
                       after={"missing": case.missing_codes, "due": due.isoformat()})
    store.save(waiting, expected_version=case.version, audit=audit)
    notifier.notify(store, waiting, NotificationKind.INFORMATION_REQUESTED, reply_by=due.date())
    return waiting


def recheck_information(store: CaseStore, case_id: str, now: datetime) -> Case:
    """After something was supplied: move on to screening if nothing is missing any more."""
    case = _load(store, case_id)
    if case.stage is Stage.AWAITING_INFORMATION and not case.missing:
        return _move(store, case, Stage.SCREENING, now)
    return case


def withdraw(store: CaseStore, notifier: Notifier, case_id: str, now: datetime) -> Case:
    """The information did not arrive in time: close the case as withdrawn and tell the applicant."""
    case = _load(store, case_id)
    if case.stage is Stage.WITHDRAWN:
        return case
    withdrawn = _move(store, case, Stage.WITHDRAWN, now)
    notifier.notify(store, withdrawn, NotificationKind.WITHDRAWN, reply_by=(case.information_due or now).date())
    return withdrawn
