"""Applying the print supplier's result files (domain notes, "The print supplier"): its confirmations make badges
ISSUED, its rejections put them back in front of a caseworker (REJECT, in the council table's PRINT_REJECTED queue).

A file is applied whole or not at all: it is parsed completely first (shared.services.blue_badge.domain.print_results), and a file that
cannot be read is **quarantined** - moved out of the supplier's inbox to RESULTS_QUARANTINE with its reason (object
metadata, and ``<name>.reason.txt`` beside it) - before any badge changes.

Each entry of a good file names a badge by number only. Where the badge lives comes from its owner item in the
deployment's badge-number table (BadgeNumbers.owner); the badge is then read from its council's table. Results apply
once, to a PROCESSED badge (one at the printer): a badge that is unknown, or in any other status (already ISSUED or
REJECT, re-ordered, cancelled), is skipped and logged, and counted in the outcome. So the same file applied twice
changes nothing the second time, and a result delivered twice by S3 does no harm.

- ``Cancellation no``: PROCESSED -> ISSUED, ``dispatched_on`` = DispatchedDate.
- ``Cancellation yes``: the notes name only the field. Read here as the supplier cancelling the print of that badge
  (it was not posted): PROCESSED -> REJECT with the reason in ``print_problem``, so a caseworker sees it in the
  rejections queue and orders it again (after checking with the supplier) or cancels it. Not ISSUED: nothing was
  posted, and the holder must not be told it was; not CANCELLED: that is final and the council's decision, with
  one of its cancel reasons, not the printer's.
- a rejection: PROCESSED -> REJECT with ``print_problem`` = the supplier's ErrorMessage.
Every change is BadgeStore.save_badge: conditional on the version read, audited on the badge's case (BADGE_ISSUED,
BADGE_REJECTED, naming the file).

Emails, once per case and file (an organisation's badges come together): a badge delivered HOME tells the applicant
it was posted (BADGE_POSTED); a badge for collection (deliver_to COUNCIL, the LA batch) tells the council's Blue
Badge team (BADGE_FOR_COLLECTION). The outcome is in the case's history, as for every notification.

The applied file then **moves** to RESULTS_PROCESSED (not deleted): it is the record of why those badges changed,
kept as long as the bucket keeps objects (its lifecycle rule, versions included). Both the processed and the
quarantine folders are outside the supplier's SFTP home ("supplier/"), so its inbox holds only what is unread, and
outside the inbox prefix, so a move does not notify this function again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from shared.core.adapters.case_store import CaseStore, StaleVersion
from shared.services.blue_badge.adapters.badge_store import BadgeStore
from shared.services.blue_badge.adapters.print_store import ResultFiles
from shared.services.blue_badge.domain.badge import Badge, BadgeStatus, DeliverTo
from shared.core.domain.case import AuditEntry
from shared.services.blue_badge.domain.notifications import NotificationKind, format_date
from shared.services.blue_badge.domain.print_results import (
    MAX_RESULT_FILE_BYTES,
    Confirmation,
    MalformedResultFile,
    Rejection,
    parse_results,
)
from shared.resources import RESULTS_PROCESSED, RESULTS_QUARANTINE, SUPPLIER_INBOX
from shared.services.blue_badge.logic.notify import Notifier

log = logging.getLogger(__name__)

RESULTS_ACTOR = "print-supplier"
SAVE_ATTEMPTS = 3  # a badge changed between read and write (another delivery of the same file): read it again
REASON_FILE_SUFFIX = ".reason.txt"
MAX_METADATA_REASON = 1800  # S3 user metadata is at most 2 KB, US-ASCII


class Owners(Protocol):
    def owner(self, badge_number: str) -> tuple[str, str] | None:
        """(council_code, case_id) of the badge, or None."""
        ...


@dataclass(frozen=True)
class ResultsDesk:
    """What applying a result file works with: the council tables, where each badge lives, the files, the emails."""

    store_for: Callable[[str], BadgeStore]
    owners: Owners
    files: ResultFiles
    notifier: Notifier


@dataclass(frozen=True)
class SkippedResult:
    badge_number: str
    reason: str


@dataclass
class ResultFileOutcome:
    filename: str  # as the supplier named it (the key under its inbox folder)
    moved_to: str  # the file's key now: under RESULTS_PROCESSED, or under RESULTS_QUARANTINE
    kind: str | None = None  # BadgePrintConfirmations or BadgePrintRejections; None when quarantined
    quarantined: str | None = None  # why the file could not be applied; nothing in it was
    issued: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # by a rejection, or cancelled by the supplier
    skipped: list[SkippedResult] = field(default_factory=list)

    def summary(self) -> dict:
        return {"file": self.filename, "moved_to": self.moved_to, "kind": self.kind, "quarantined": self.quarantined,
                "issued": len(self.issued), "rejected": len(self.rejected),
                "skipped": [{"badge_number": skip.badge_number, "reason": skip.reason} for skip in self.skipped]}


def result_filename(key: str) -> str:
    return key.removeprefix(SUPPLIER_INBOX)


def apply_result_file(desk: ResultsDesk, key: str, data: bytes, now: Callable[[], datetime]) -> ResultFileOutcome:
    """Apply one file from the supplier's inbox (`key`, its bytes), then move it out of the inbox."""
    name = result_filename(key)
    if len(data) > MAX_RESULT_FILE_BYTES:
        return _quarantine(desk, key, name, f"the file is larger than {MAX_RESULT_FILE_BYTES} bytes; result files are far smaller")
    try:
        results = parse_results(data)
    except MalformedResultFile as error:
        return _quarantine(desk, key, name, error.reason)
    outcome = ResultFileOutcome(filename=name, moved_to=RESULTS_PROCESSED + name, kind=results.kind.value)

    by_case: dict[tuple[str, str], list[Confirmation | Rejection]] = {}
    for entry in (*results.confirmations, *results.rejections):
        owner = desk.owners.owner(entry.badge_number)
        if owner is None:
            _skip(outcome, entry.badge_number, "no badge with this number was ordered in this deployment")
        else:
            by_case.setdefault(owner, []).append(entry)
    for (council_code, case_id), entries in by_case.items():
        store = desk.store_for(council_code)
        issued: list[Badge] = []
        repeated = False  # a badge this very file issued before (S3 delivered the file again after a failure)
        for entry in entries:
            applied = _apply(store, entry, name, now)
            if isinstance(applied, str):
                _skip(outcome, entry.badge_number, applied)
            elif isinstance(applied, AlreadyIssued):
                _skip(outcome, entry.badge_number, _not_at_the_printer(applied.badge))
                issued.append(applied.badge)
                repeated = True
            elif applied.status is BadgeStatus.ISSUED:
                outcome.issued.append(applied.badge_number)
                issued.append(applied)
            else:
                outcome.rejected.append(applied.badge_number)
        if not (repeated and _told(store, case_id, name)):
            _tell(desk, store, case_id, issued)
    desk.files.move(key, outcome.moved_to)
    log.info("print results %s applied: %d issued, %d rejected, %d skipped", name, len(outcome.issued), len(outcome.rejected),
             len(outcome.skipped))
    return outcome


def _skip(outcome: ResultFileOutcome, badge_number: str, reason: str) -> None:
    log.warning("print results %s: result for badge %s skipped: %s", outcome.filename, badge_number, reason)
    outcome.skipped.append(SkippedResult(badge_number, reason))


@dataclass(frozen=True)
class AlreadyIssued:
    """The badge this confirmation issued when an earlier delivery of the same file applied it."""

    badge: Badge


def _apply(store: BadgeStore, entry: Confirmation | Rejection, filename: str, now: Callable[[], datetime]) -> Badge | AlreadyIssued | str:
    """The badge as the result left it, or why the result was skipped."""
    for _ in range(SAVE_ATTEMPTS):
        badge = store.get_badge(entry.badge_number)
        if badge is None:
            return "the badge is not in its council's table"
        if badge.status is BadgeStatus.ISSUED and _issued_by(badge, entry):
            return AlreadyIssued(badge)  # an earlier delivery of the file applied it; its email may still be owed
        if badge.status is not BadgeStatus.PROCESSED:
            return _not_at_the_printer(badge)
        at = now()
        changed, action, after = _changed(badge, entry, filename, at)
        try:
            store.save_badge(changed, badge.version, AuditEntry(
                case_id=badge.case_id, at=at, actor=RESULTS_ACTOR, action=action,
                before={"badge": badge.badge_number, "status": badge.status.value, "batch": badge.batch_id}, after=after))
        except StaleVersion:
            continue
        return changed
    raise StaleVersion(f"badge {entry.badge_number} kept changing while {filename} was applied")


def _not_at_the_printer(badge: Badge) -> str:
    return f"the badge is {badge.status.value}, not PROCESSED: a result applies once, to a badge at the printer"


def _issued_by(badge: Badge, entry: Confirmation | Rejection) -> bool:
    """Whether the badge is ISSUED by this very confirmation (the same dispatch date)."""
    return isinstance(entry, Confirmation) and not entry.cancelled and badge.dispatched_on == entry.dispatched


def _told(store: CaseStore, case_id: str, filename: str) -> bool:
    """Whether the case's history records the email about the badges `filename` issued (sent, failed or not possible):
    asked only when the file comes again, so an invocation that died between the two still emails, and only once."""
    history = store.history(case_id)
    issued_at = [entry.at for entry in history if entry.action == "BADGE_ISSUED" and (entry.after or {}).get("file") == filename]
    kinds = {NotificationKind.BADGE_POSTED.value, NotificationKind.BADGE_FOR_COLLECTION.value}
    return bool(issued_at) and any(
        entry.action.startswith("NOTIFICATION") and (entry.after or {}).get("kind") in kinds and entry.at >= max(issued_at)
        for entry in history)


def _changed(badge: Badge, entry: Confirmation | Rejection, filename: str, at: datetime) -> tuple[Badge, str, dict]:
    if isinstance(entry, Confirmation) and not entry.cancelled:
        issued = badge.moved_to(BadgeStatus.ISSUED, at, at.date(), dispatched_on=entry.dispatched, print_problem=None)
        return issued, "BADGE_ISSUED", {"status": issued.status.value, "dispatched_on": entry.dispatched.isoformat(), "file": filename}
    if isinstance(entry, Confirmation):
        problem = (f"The print supplier cancelled this badge's print on {format_date(entry.dispatched)} (Cancellation yes in "
                   f"{filename}): it was not posted. Check with the supplier, then order it again or cancel it.")
    else:
        problem = entry.error
    rejected = badge.moved_to(BadgeStatus.REJECT, at, at.date(), print_problem=problem)
    after = {"status": rejected.status.value, "reason": problem, "file": filename}
    if isinstance(entry, Confirmation):
        after["cancelled_by_supplier"] = True
    return rejected, "BADGE_REJECTED", after


def _tell(desk: ResultsDesk, store: CaseStore, case_id: str, issued: list[Badge]) -> None:
    """One email per case and file: the applicant for badges posted home, the council for badges to collect."""
    if not issued:
        return
    case = store.get(case_id)
    if case is None:
        log.warning("case %s of badges %s is missing: nobody emailed", case_id, ", ".join(badge.badge_number for badge in issued))
        return
    for deliver_to, kind in ((DeliverTo.HOME, NotificationKind.BADGE_POSTED), (DeliverTo.COUNCIL, NotificationKind.BADGE_FOR_COLLECTION)):
        badges = [badge for badge in issued if badge.deliver_to is deliver_to]
        if badges:
            desk.notifier.notify(store, case, kind, badge_numbers=[badge.badge_number for badge in badges],
                                 dispatched_on=max(badge.dispatched_on for badge in badges if badge.dispatched_on))


def _metadata_text(reason: str) -> str:
    """S3 user metadata travels as an HTTP header: printable US-ASCII on one line, at most 2 KB in all."""
    text = "".join(character if " " <= character <= "~" else " " for character in reason.encode("ascii", "backslashreplace").decode("ascii"))
    return text if len(text) <= MAX_METADATA_REASON else text[:MAX_METADATA_REASON - 40] + f"... (in full in the {REASON_FILE_SUFFIX})"


def _quarantine(desk: ResultsDesk, key: str, name: str, reason: str) -> ResultFileOutcome:
    """Move the whole file out of the inbox, nothing in it applied, with the reason beside it."""
    target = RESULTS_QUARANTINE + name
    desk.files.put(target + REASON_FILE_SUFFIX, f"{name}: {reason}\n".encode(), "text/plain; charset=utf-8")
    desk.files.move(key, target, metadata={"reason": _metadata_text(reason), "received-as": _metadata_text(key)})
    log.warning("print results %s quarantined, nothing in it applied: %s", name, reason)
    return ResultFileOutcome(filename=name, moved_to=target, quarantined=reason)
