"""Caseworker actions on Blue Badge badges that are not workflow steps: cancelling a badge, ordering again a badge the
printer rejected, and replacing a badge (a new replacement case)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.core.adapters.case_store import StaleVersion
from shared.core.domain.case import AuditEntry, ExpectedVersion, ParkReason
from shared.core.domain.evidence import EvidenceRefused, case_evidence_prefix, refused_keys
from shared.core.logic.casework import EDITING_ROLES, require
from shared.core.logic.tenancy import Caller
from shared.services.blue_badge.adapters.badge_store import BadgeStore
from shared.services.blue_badge.domain.application import CancelReason, Holder
from shared.services.blue_badge.domain.badge import Badge, BadgeRuleError, BadgeStatus, is_expired
from shared.services.blue_badge.logic.intake import IntakeOutcome, IntakeService, reasons_from
from shared.services.blue_badge.logic.replacement import ReplaceBadgeInput, replacement_application


class CancelBadgeInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expected_version: ExpectedVersion = Field(description="The badge version the caller saw; a newer one answers 409")
    reason: CancelReason


class BadgeNotChangeable(ValueError):
    def __init__(self, error: BadgeRuleError):
        super().__init__(str(error))
        self.field, self.reason = error.field, error.reason


def cancel_badge(store: BadgeStore, badge_number: str, given: CancelBadgeInput, caller: Caller, now: datetime) -> Badge | None:
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


def reorder_badge(store: BadgeStore, badge_number: str, given: ReorderBadgeInput, caller: Caller, now: datetime) -> Badge | None:
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
    store: BadgeStore, intake: IntakeService, badge_number: str, given: ReplaceBadgeInput, caller: Caller, now: datetime,
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
