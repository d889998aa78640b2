"""Caseworker actions on a case that are not workflow steps: reading it (logged) and who works it."""

from __future__ import annotations

from datetime import datetime

from shared.adapters.case_store import CaseStore
from shared.domain.case import AuditEntry, Case
from shared.resources import Role
from shared.service.tenancy import Caller

# Who may give a case to someone else; everyone who edits cases may claim or release their own.
ALLOCATING_ROLES = (Role.TEAM_LEADER, Role.COUNCIL_ADMIN)
EDITING_ROLES = (Role.CASEWORKER, Role.TEAM_LEADER, Role.COUNCIL_ADMIN)


class AssignmentNotAllowed(PermissionError):
    pass


def view_case(store: CaseStore, case_id: str, caller: Caller, now: datetime) -> tuple[Case, list[AuditEntry]] | None:
    """The case and its history; the read itself is logged (who viewed what, for complaints and audits)."""
    case = store.get(case_id)
    if case is None:
        return None
    store.append_audit(AuditEntry(case_id=case_id, at=now, actor=caller.actor, action="CASE_VIEWED"))
    return case, store.history(case_id)


def assign(store: CaseStore, case_id: str, assignee: str | None, expected_version: int, caller: Caller, now: datetime) -> Case | None:
    """Claim, release or (team leaders) allocate a case; conditional on the version the caller saw."""
    case = store.get(case_id)
    if case is None:
        return None
    if not caller.has_any(*ALLOCATING_ROLES):
        if not caller.has_any(*EDITING_ROLES):
            raise AssignmentNotAllowed("working on cases needs the caseworker, team leader or council admin role")
        if assignee not in (None, caller.user) or case.assignee not in (None, caller.user):
            raise AssignmentNotAllowed("only a team leader can give a case to someone else or take it from them")
    updated = case.changed(now, assignee=assignee)
    audit = AuditEntry(case_id=case_id, at=now, actor=caller.actor, action="ASSIGNED",
                       before={"assignee": case.assignee}, after={"assignee": assignee})
    store.save(updated, expected_version=expected_version, audit=audit)
    return updated
