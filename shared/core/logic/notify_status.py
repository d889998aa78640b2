"""What became of each GOV.UK Notify council's emails, letters and texts, read back from Notify on a schedule
(functions/notify_status).

Notify lists a service's notifications newest first (GET /v2/notifications). Each run reads back to the council's
watermark: the creation time of the oldest notification still under way at the last run (or, when none was, of the
newest seen), never further back than Notify keeps them. Our reference on each (shared.core.domain.notify.
notification_reference) names its case and kind, so a final status is recorded on the case: a NotificationStatus record,
conditional, with its audit entry. An email or letter that did not arrive goes on the letter-needed path (its text in
the case's history, for staff to write another way) and, where the case's workflow waits for a person, on the
needing-attention list with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shared.core.adapters.case_store import CaseStore, StaleVersion
from shared.core.adapters.metrics import emit
from shared.core.adapters.notify import NotifyStatusReader, StatusWatermark
from shared.core.domain.case import AuditEntry, Case, is_case_id_of
from shared.core.domain.metrics import NOTIFICATION_STATUSES
from shared.core.domain.notify import (
    NOTIFY_RETENTION_DAYS,
    DeliveryOutcome,
    Medium,
    NotificationReport,
    NotificationStatus,
    reference_parts,
)

READER_ACTOR = "GOV.UK Notify status read-back"
STATUS_ACTION = "NOTIFICATION_STATUS"
# The case history's name for each medium (shared.core.logic.emails: "text" for a text message).
HISTORY_CHANNEL = {Medium.EMAIL: "email", Medium.LETTER: "letter", Medium.SMS: "text"}
FLAG_TRIES = 3  # a case saved by someone else meanwhile is read again, this often


@dataclass
class StatusReadBack:
    """One council's run: how many final statuses were recorded, which cases a failure was recorded on."""

    council_code: str
    delivered: int = 0
    failed: list[str] = field(default_factory=list)  # case ids
    under_way: int = 0  # still being sent: read again next run
    not_ours: int = 0  # no case reference (a hub booking), or the case is no longer here
    already_recorded: int = 0
    pages: int = 0
    read_from: datetime | None = None  # the watermark the run left


def read_back_statuses(council_code: str, store: CaseStore, reader: NotifyStatusReader, watermark: StatusWatermark,
                       now: datetime) -> StatusReadBack:
    done = StatusReadBack(council_code)
    kept_for = now - timedelta(days=NOTIFY_RETENTION_DAYS)
    newest = oldest_open = None
    for report in reader.since(max(watermark.get() or kept_for, kept_for)):
        newest = newest or report.created_at  # newest first
        if report.outcome is None:
            done.under_way += 1
            oldest_open = report.created_at
            continue
        try:
            _record(store, report, now, done)
        except StaleVersion:  # recorded by a run at the same time: the next run reads it again
            oldest_open = report.created_at
    done.pages = reader.pages
    done.read_from = oldest_open or newest
    if done.read_from is not None:
        watermark.advance(done.read_from)
    return done


def _ours(council_code: str, reference: str | None) -> tuple[str, str] | None:
    """(case id, kind) when the reference names one of this council's case ids. Another sender on the council's Notify
    service may set any reference: one naming another council's case, or too long to be a key (which DynamoDB would
    refuse, failing every run until Notify forgets it), is never looked up."""
    parts = reference_parts(reference)
    if parts is None or not is_case_id_of(council_code, parts[0]):
        return None
    return parts


def _record(store: CaseStore, report: NotificationReport, now: datetime, done: StatusReadBack) -> None:
    parts = _ours(done.council_code, report.reference)
    case = store.get(parts[0]) if parts else None
    if parts is None or case is None:
        done.not_ours += 1
        return
    kind = parts[1]
    existing = store.case_record(NotificationStatus, case.case_id, report.id)
    if existing is not None and existing.status == report.status:
        done.already_recorded += 1
        return
    outcome = report.outcome
    record = NotificationStatus(case_id=case.case_id, version=existing.version + 1 if existing else 1, notification_id=report.id,
                                kind=kind, medium=report.type, status=report.status, completed_at=report.completed_at, read_at=now)
    store.save_record(record, existing.version if existing else 0, AuditEntry(
        case_id=case.case_id, at=now, actor=READER_ACTOR, action=STATUS_ACTION,
        before={"status": existing.status} if existing else None,
        after={"kind": kind, "channel": HISTORY_CHANNEL[report.type], "message_id": report.id, "status": report.status,
               "outcome": outcome.value}))
    emit(NOTIFICATION_STATUSES, council=case.council_code, scheme=case.service, channel=report.type.value, outcome=outcome.value)
    if outcome is DeliveryOutcome.DELIVERED:
        done.delivered += 1
    elif report.type is not Medium.SMS:  # a text that failed leaves the email or letter that staff may still send
        _write_another_way(store, case, kind, report, now)
        done.failed.append(case.case_id)


def _write_another_way(store: CaseStore, case: Case, kind: str, report: NotificationReport, now: datetime) -> None:
    """The letter-needed path for an email or letter Notify could not deliver, and the needing-attention list where the
    case's workflow waits for a person."""
    medium = HISTORY_CHANNEL[report.type]
    reason = f"GOV.UK Notify could not deliver the {medium} ({report.status}): write to them another way"
    sent = next((entry.after for entry in store.history(case.case_id) if entry.action == "NOTIFICATION_SENT"
                 and (entry.after or {}).get("message_id") == report.id), None) or {}
    store.append_audit(AuditEntry(case_id=case.case_id, at=now, actor=READER_ACTOR, action="NOTIFICATION_NOT_SENT", after={
        "kind": kind, "channel": medium, "reason": reason, "subject": sent.get("subject"), "body": sent.get("body")}))
    for _ in range(FLAG_TRIES):
        if case.task_token is None or case.needs_attention is not None:
            return  # no person's step to flag (the history says what to do), or flagged already: its reason stays
        try:
            store.save(case.changed(now, needs_attention=reason), expected_version=case.version, audit=AuditEntry(
                case_id=case.case_id, at=now, actor=READER_ACTOR, action="NEEDS_ATTENTION", after={"reason": reason}))
            return
        except StaleVersion:
            case = store.get(case.case_id)
            if case is None:
                return
