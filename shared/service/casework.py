"""Caseworker actions on a case that are not workflow steps: reading it (logged), who works it, its
priority, notes, referral to an assessor, cancelling a badge, and ordering again a badge the printer rejected."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.adapters.case_store import CaseFile, CaseStore, StaleVersion
from shared.domain.application import CancelReason, Holder, LongText
from shared.domain.badge import Badge, BadgeRuleError, BadgeStatus, is_expired
from shared.domain.case import CASE_ID_PATTERN, AuditEntry, Case, ExpectedVersion, Note, ParkReason, Stage
from shared.domain.evidence import EvidenceRefused, case_evidence_prefix, refused_keys
from shared.domain.formats import Email
from shared.resources import Role
from shared.service.intake import IntakeOutcome, IntakeService, reasons_from
from shared.service.replacement import ReplaceBadgeInput, replacement_application
from shared.service.tenancy import Caller

# Who may give a case to someone else or change its priority; everyone who edits cases may claim or release their own.
ALLOCATING_ROLES = (Role.TEAM_LEADER, Role.COUNCIL_ADMIN)
EDITING_ROLES = (Role.CASEWORKER, Role.TEAM_LEADER, Role.COUNCIL_ADMIN)
MAX_BULK = 100


class ActionNotAllowed(PermissionError):
    pass


def can_see(caller: Caller, case: Case) -> bool:
    """Assessors see only the cases referred to them; everyone else in the council sees all its cases."""
    if caller.has_any(*EDITING_ROLES, Role.READ_ONLY):
        return True
    return caller.has_any(Role.ASSESSOR) and case.referred_to == caller.user


def require(caller: Caller, roles: tuple[Role, ...], doing: str) -> None:
    if not caller.has_any(*roles):
        raise ActionNotAllowed(f"{doing} needs one of the roles: {', '.join(role.value for role in roles)}")


def visible_case(store: CaseStore, case_id: str, caller: Caller) -> Case | None:
    """The case if it is in this council's table and the caller may see it (None answers 404 either way)."""
    case = store.get(case_id)
    return case if case is not None and can_see(caller, case) else None


def view_case(store: CaseStore, case_id: str, caller: Caller, now: datetime) -> CaseFile | None:
    """The case with its history, notes and badges; the read itself is logged (who viewed what)."""
    loaded = store.load(case_id)
    if loaded is None or not can_see(caller, loaded.case):
        return None
    viewed = AuditEntry(case_id=case_id, at=now, actor=caller.actor, action="CASE_VIEWED")
    store.append_audit(viewed)
    loaded.history.append(viewed)
    return loaded


def _change(store: CaseStore, case: Case, expected_version: int, caller: Caller, now: datetime, action: str, **fields) -> Case:
    updated = case.changed(now, **fields)
    audit = AuditEntry(case_id=case.case_id, at=now, actor=caller.actor, action=action,
                       before={name: getattr(case, name) for name in fields}, after=fields)
    store.save(updated, expected_version=expected_version, audit=audit)
    return updated


def assign(store: CaseStore, case_id: str, assignee: str | None, expected_version: int, caller: Caller, now: datetime) -> Case | None:
    """Claim, release or (team leaders) allocate a case; conditional on the version the caller saw."""
    case = store.get(case_id)
    if case is None:
        return None
    if not caller.has_any(*ALLOCATING_ROLES):
        require(caller, EDITING_ROLES, "working on cases")
        if assignee not in (None, caller.user) or case.assignee not in (None, caller.user):
            raise ActionNotAllowed("only a team leader can give a case to someone else or take it from them")
    return _change(store, case, expected_version, caller, now, "ASSIGNED", assignee=assignee)


class AssignmentInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expected_version: ExpectedVersion
    assignee: Email | None = Field(description="Who works the case (their sign-in email); null releases it")


class ReferralInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expected_version: ExpectedVersion
    assessor: Email | None = Field(description="The assessor's sign-in email; null withdraws the referral")


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


def assign_many(store: CaseStore, request: BulkAssignment, caller: Caller, now: datetime) -> list[BulkResult]:
    """Team leaders reassign a caseload; each case is its own conditional write, so one stale case fails alone."""
    require(caller, ALLOCATING_ROLES, "reassigning cases in bulk")
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


def refer(store: CaseStore, case_id: str, assessor: str | None, expected_version: int, caller: Caller, now: datetime) -> Case | None:
    """Refer a case to an assessor (who then sees it and may record the assessment), or withdraw the referral."""
    require(caller, EDITING_ROLES, "referring a case to an assessor")
    case = store.get(case_id)
    if case is None:
        return None
    if assessor is not None and case.stage is not Stage.ASSESSMENT:
        raise ActionNotAllowed(f"case {case_id} is at {case.stage.value}; only a case at ASSESSMENT can be referred")
    return _change(store, case, expected_version, caller, now, "REFERRED", referred_to=assessor)


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


class CancelBadgeInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expected_version: ExpectedVersion = Field(description="The badge version the caller saw; a newer one answers 409")
    reason: CancelReason


class BadgeNotChangeable(ValueError):
    def __init__(self, error: BadgeRuleError):
        super().__init__(str(error))
        self.field, self.reason = error.field, error.reason


def cancel_badge(store: CaseStore, badge_number: str, given: CancelBadgeInput, caller: Caller, now: datetime) -> Badge | None:
    """Cancel a badge straight away (misuse, death reported, no longer needed), audited on the case that ordered it."""
    require(caller, EDITING_ROLES, "cancelling a badge")
    badge = store.get_badge(badge_number)
    if badge is None:
        return None
    try:
        cancelled = badge.moved_to(BadgeStatus.CANCELLED, now, now.date(), reason=given.reason.value)
    except BadgeRuleError as error:
        raise BadgeNotChangeable(error) from None
    store.save_badge(cancelled, given.expected_version, AuditEntry(
        case_id=badge.case_id, at=now, actor=caller.actor, action="BADGE_CANCELLED",
        before={"badge": badge_number, "status": badge.status.value}, after={"status": cancelled.status.value, "reason": given.reason.value}))
    return cancelled


class ReorderBadgeInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expected_version: ExpectedVersion = Field(description="The badge version the caller saw; a newer one answers 409")
    holder: Holder | None = Field(default=None, description="Corrections to the holder's details printed on the badge: only the "
                                  "fields given change (within address too); null clears a field")


def _corrected_holder(badge: Badge, corrections: Holder | None) -> tuple[Holder | None, dict]:
    """The badge's holder with the corrections applied, and what changed (field -> new value)."""
    if corrections is None:
        return badge.holder, {}
    given = corrections.model_dump(exclude_unset=True)
    if not given:
        return badge.holder, {}
    if badge.holder is None:
        raise BadgeNotChangeable(BadgeRuleError("holder", "an organisation's badge has no holder to correct"))
    merged = badge.holder.model_dump()
    for name, value in given.items():
        merged[name] = {**merged["address"], **value} if name == "address" and merged.get("address") and value else value
    holder = Holder.model_validate(merged)
    changed = {name: value for name, value in holder.model_dump(mode="json").items()
               if value != badge.holder.model_dump(mode="json").get(name)}
    return holder, changed


def reorder_badge(store: CaseStore, badge_number: str, given: ReorderBadgeInput, caller: Caller, now: datetime) -> Badge | None:
    """A badge the printer rejected, corrected and ordered again: REJECT -> ORDERED, out of its old batch and back in
    the print queue for the next night's run, the printer's problem cleared; audited on the case that ordered it."""
    require(caller, EDITING_ROLES, "ordering a badge again")
    badge = store.get_badge(badge_number)
    if badge is None:
        return None
    if badge.version != given.expected_version:
        raise StaleVersion(f"badge {badge_number} is at version {badge.version}, not {given.expected_version}: reload it and try again")
    if badge.status is BadgeStatus.REJECT and is_expired(badge.expiry_date, now.date()):
        raise BadgeNotChangeable(BadgeRuleError("expiry_date", f"the badge expired on {badge.expiry_date}; order a renewal instead"))
    holder, corrected = _corrected_holder(badge, given.holder)
    try:
        reordered = badge.moved_to(BadgeStatus.ORDERED, now, now.date(), batch_id=None, print_problem=None, holder=holder)
    except BadgeRuleError as error:
        raise BadgeNotChangeable(error) from None
    store.save_badge(reordered, given.expected_version, AuditEntry(
        case_id=badge.case_id, at=now, actor=caller.actor, action="BADGE_REORDERED",
        before={"badge": badge_number, "status": badge.status.value, "print_problem": badge.print_problem, "batch": badge.batch_id},
        after={"status": reordered.status.value, "corrected": corrected}))
    return reordered


class ReplacementNotPossible(ValueError):
    """The badge's case lacks what a replacement application needs (HTTP 422, each reason naming its field)."""

    def __init__(self, reasons: list[ParkReason]):
        super().__init__("; ".join(f"{reason.field}: {reason.message}" for reason in reasons))
        self.reasons = reasons


def replace_badge(
    store: CaseStore, intake: IntakeService, badge_number: str, given: ReplaceBadgeInput, caller: Caller, now: datetime,
) -> IntakeOutcome | None:
    """Open a replacement case for a badge of this council, built from the badge and the case that ordered it."""
    require(caller, EDITING_ROLES, "replacing a badge")
    badge = store.get_badge(badge_number)
    if badge is None:
        return None
    # Documents given with the request must already be the case's own (e.g. an applicant's upload to it): named by
    # their place in the request, before they join the original case's documents.
    refused = refused_keys([item.key for item in given.evidence], [case_evidence_prefix(badge.council_code, badge.case_id)])
    if refused:
        raise EvidenceRefused(refused)
    try:
        application = replacement_application(badge, store.get(badge.case_id), given, now)
    except ValidationError as error:
        raise ReplacementNotPossible(reasons_from(error)) from None
    # The documents of the case that ordered the badge may be copied into the replacement's own folder.
    return intake.accept(application, actor=caller.actor, carried_from_case=badge.case_id)
