"""Caseworker actions on a case of any service that are not workflow steps: reading it (logged), who works it, its
priority, notes, and referral to an assessor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.core.adapters.case_store import CaseFile, CaseStore, StaleVersion
from shared.core.domain.case import CASE_ID_PATTERN, AuditEntry, Case, ExpectedVersion, Note
from shared.core.domain.formats import Email, LongText
from shared.resources import Role, needs_role
from shared.core.logic.tenancy import Caller
from shared.core.domain.council import TEAM_KEY_PATTERN, CouncilConfig
from shared.core.logic.steps import InvalidStep

# Who may give a case to someone else or change its priority; everyone who edits cases may claim or release their own.
ALLOCATING_ROLES = (Role.TEAM_LEADER, Role.COUNCIL_ADMIN)
EDITING_ROLES = (Role.CASEWORKER, Role.TEAM_LEADER, Role.COUNCIL_ADMIN)
MAX_BULK = 100


class ActionNotAllowed(PermissionError):
    pass


# Whether an email is one of the council's staff who may be given the case (the caller's adapter lists them, only if asked).
StaffCheck = Callable[[str], bool]


def can_see(caller: Caller, case: Case) -> bool:
    """Assessors see only the cases referred to them; everyone else in the council sees all its cases."""
    if caller.has_any(*EDITING_ROLES, Role.READ_ONLY):
        return True
    return caller.has_any(Role.ASSESSOR) and case.referred_to == caller.user


def require(caller: Caller, roles: tuple[Role, ...], doing: str) -> None:
    if not caller.has_any(*roles):
        raise ActionNotAllowed(needs_role(doing, roles))


def visible_case(store: CaseStore, case_id: str, caller: Caller) -> Case | None:
    """The case if it is in this council's table and the caller may see it (None answers 404 either way)."""
    case = store.get(case_id)
    return case if case is not None and can_see(caller, case) else None


def view_case(store: CaseStore, case_id: str, caller: Caller, now: datetime) -> CaseFile | None:
    """The case with its history, notes and records; the read itself is logged (who viewed what)."""
    loaded = store.load(case_id)
    if loaded is None or not can_see(caller, loaded.case):
        return None
    viewed = AuditEntry(case_id=case_id, at=now, actor=caller.actor, action="CASE_VIEWED")
    store.record_view(viewed)  # into the case's view log, which later reads of the case do not load
    loaded.history.append(viewed)
    return loaded


def _change(store: CaseStore, case: Case, expected_version: int, caller: Caller, now: datetime, action: str, **fields) -> Case:
    updated = case.changed(now, **fields)
    audit = AuditEntry(case_id=case.case_id, at=now, actor=caller.actor, action=action,
                       before={name: getattr(case, name) for name in fields}, after=fields)
    store.save(updated, expected_version=expected_version, audit=audit)
    return updated


def ensure_staff(field: str, person: str | None, caller: Caller, is_staff: StaffCheck | None) -> None:
    """A case goes to someone else only if they are one of the council's staff who may take it (InvalidStep on `field`:
    a 422). Taking it yourself needs no look-up: you signed in as the council's staff."""
    if person is not None and is_staff is not None and person.lower() != caller.user.lower() and not is_staff(person):
        raise InvalidStep(field, f"{person} is not a member of your council's staff who can be given this case")


def assign(store: CaseStore, case_id: str, assignee: str | None, expected_version: int, caller: Caller, now: datetime,
           is_staff: StaffCheck | None = None) -> Case | None:
    """Claim, release or (team leaders) allocate a case; conditional on the version the caller saw."""
    case = store.get(case_id)
    if case is None:
        return None
    if not caller.has_any(*ALLOCATING_ROLES):
        require(caller, EDITING_ROLES, "working on cases")
        if assignee not in (None, caller.user) or case.assignee not in (None, caller.user):
            raise ActionNotAllowed("only a team leader can give a case to someone else or take it from them")
    ensure_staff("assignee", assignee, caller, is_staff)
    return _change(store, case, expected_version, caller, now, "ASSIGNED", assignee=assignee)


class AssignmentInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expected_version: ExpectedVersion
    assignee: Email | None = Field(description="Who works the case (their sign-in email); null releases it")


class ReferralInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expected_version: ExpectedVersion
    assessor: Email | None = Field(description="The assessor's sign-in email; null withdraws the referral")


class TeamInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expected_version: ExpectedVersion
    team: str = Field(pattern=TEAM_KEY_PATTERN, description="The team of the council whose queues the case joins")


class CaseVersion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_id: str = Field(pattern=CASE_ID_PATTERN)
    expected_version: ExpectedVersion


class BulkAssignment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assignee: Email | None = Field(description="Who works the cases; null releases them")
    cases: list[CaseVersion] = Field(min_length=1, max_length=MAX_BULK)


class BulkResult(BaseModel):
    case_id: str
    status: int  # 200 done, 404 no such case, 409 changed since read
    message: str | None = None


def assign_many(store: CaseStore, request: BulkAssignment, caller: Caller, now: datetime, is_staff: StaffCheck | None = None) -> list[BulkResult]:
    """Team leaders reassign a caseload; each case is its own conditional write, so one stale case fails alone."""
    require(caller, ALLOCATING_ROLES, "reassigning cases in bulk")
    ensure_staff("assignee", request.assignee, caller, is_staff)
    results = []
    for item in request.cases:
        try:
            case = assign(store, item.case_id, request.assignee, item.expected_version, caller, now)
            results.append(BulkResult(case_id=item.case_id, status=200) if case else
                           BulkResult(case_id=item.case_id, status=404, message=f"no case {item.case_id}"))
        except StaleVersion as error:
            results.append(BulkResult(case_id=item.case_id, status=409, message=str(error)))
    return results


def set_priority(store: CaseStore, case_id: str, priority: int, expected_version: int, caller: Caller, now: datetime) -> Case | None:
    require(caller, ALLOCATING_ROLES, "overriding priority")
    case = store.get(case_id)
    return _change(store, case, expected_version, caller, now, "PRIORITY_CHANGED", priority=priority) if case else None


def refer(store: CaseStore, case_id: str, assessor: str | None, expected_version: int, caller: Caller, now: datetime,
          is_staff: StaffCheck | None = None) -> Case | None:
    """Refer a case to an assessor (who then sees it and may record the assessment), or withdraw the referral."""
    require(caller, EDITING_ROLES, "referring a case to an assessor")
    case = store.get(case_id)
    if case is None:
        return None
    if assessor is not None and case.stage not in case.ASSESSOR_STAGES:
        at = ", ".join(sorted(stage.value for stage in case.ASSESSOR_STAGES)) or "no stage of its service"
        raise ActionNotAllowed(f"case {case_id} is at {case.stage.value}; only a case at {at} can be referred")
    ensure_staff("assessor", assessor, caller, is_staff)
    return _change(store, case, expected_version, caller, now, "REFERRED", referred_to=assessor)


def move_to_team(store: CaseStore, council: CouncilConfig, case_id: str, team: str, expected_version: int, caller: Caller,
                 now: datetime) -> Case | None:
    """Team leaders give a case to another of the council's teams: it leaves one team's queues for the other's."""
    require(caller, ALLOCATING_ROLES, "moving a case to another team")
    case = store.get(case_id)
    if case is None:
        return None
    if team not in council.team_keys:
        raise InvalidStep("team", f"{team} is not one of the council's teams ({', '.join(council.team_keys)})")
    return _change(store, case, expected_version, caller, now, "MOVED_TO_TEAM", team=team)


class NoteInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: LongText


def add_note(store: CaseStore, case_id: str, text: str, caller: Caller, now: datetime) -> Note | None:
    """Staff who work the case (and an assessor it is referred to) add notes; read-only staff do not."""
    require(caller, (*EDITING_ROLES, Role.ASSESSOR), "adding notes")
    case = visible_case(store, case_id, caller)
    if case is None:
        return None
    note = Note(case_id=case_id, at=now, by=caller.user, text=text)
    store.add_note(note, AuditEntry(case_id=case_id, at=now, actor=caller.actor, action="NOTE_ADDED", after={"length": len(text)}))
    return note
