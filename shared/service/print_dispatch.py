"""The nightly print dispatch: one extract per batch type for every council's ORDERED badges, delivered to
the supplier's folder, the badges then marked PROCESSED. Each step is safe to repeat (shared.domain.printing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.adapters.case_store import CaseStore, StaleVersion
from shared.adapters.print_store import Photos, PrintBatches, S3Upload
from shared.domain.badge import Badge, BadgeStatus, PrintBatchType
from shared.domain.case import AuditEntry
from shared.domain.council import CouncilConfig, CouncilRegistry
from shared.domain.print_extract import PrintItem, extract_filename, write_extract
from shared.domain.printing import BatchStatus, PrintBatch, SkippedBadge, batch_id_for
from shared.resources import SUPPLIER_OUTBOX

DISPATCH_ACTOR = "print-dispatch"
PAGE = 100


@dataclass(frozen=True)
class PrintDesk:
    """What a dispatch works with: the councils, their tables, the batch records, the drop bucket and photos."""

    councils: CouncilRegistry
    store_for: Callable[[str], CaseStore]
    batches: PrintBatches
    open_upload: Callable[[str], S3Upload]  # object key -> a stream that becomes the object on close
    exists: Callable[[str], bool]  # object key -> already in the bucket
    photos: Photos


def _pages(fetch: Callable[..., tuple[list[Any], str | None]], *args: Any) -> Iterator[Any]:
    cursor: str | None = None
    while True:
        items, cursor = fetch(*args, limit=PAGE, after=cursor)
        yield from items
        if cursor is None:
            return


def dispatch(desk: PrintDesk, batch_type: PrintBatchType, run_id: str, now: Callable[[], datetime]) -> PrintBatch:
    """Run (or resume) the batch of this type for the run `run_id`."""
    at = now()
    # The file name is fixed when the batch is made, so that a resumed run can tell it was delivered.
    batch = desk.batches.create(PrintBatch(batch_id=batch_id_for(run_id, batch_type), batch_type=batch_type, run_id=run_id,
                                           filename=extract_filename(at, batch_type), updated_at=at))
    if batch.status is BatchStatus.CLAIMING:
        batch = _claim(desk, batch, now())
    if batch.status is BatchStatus.CLAIMED:
        batch = _deliver(desk, batch, now)
    if batch.status is BatchStatus.DELIVERED:
        batch = _mark_processed(desk, batch, now)
    return batch


def _claim(desk: PrintDesk, batch: PrintBatch, now: datetime) -> PrintBatch:
    """Take every ORDERED badge of the batch type that no batch has taken: one conditional write per badge."""
    claimed = dict(batch.claimed)
    for council in desk.councils:
        store = desk.store_for(council.code)
        for badge in _pages(store.print_queue, batch.batch_type):
            try:
                store.put_badge(badge.model_copy(update={"batch_id": batch.batch_id, "version": badge.version + 1, "updated_at": now}),
                                badge.version)
            except StaleVersion:
                continue  # changed since the queue was read (cancelled, or taken by another run)
            claimed[council.code] = claimed.get(council.code, 0) + 1
    status = BatchStatus.CLAIMED if claimed else BatchStatus.COMPLETE  # nothing to print: no file
    updated = batch.moved_to(status, now, claimed=claimed)
    desk.batches.save(updated, batch.version)
    return updated


def _items(desk: PrintDesk, store: CaseStore, batch_id: str, wanted: Callable[[Badge], bool]) -> Iterator[PrintItem]:
    """The batch's badges with their photos (fetched one at a time, so memory stays flat)."""
    organisation_addresses: dict[str, Any] = {}
    for badge in _pages(store.batch_badges, batch_id):
        if not wanted(badge):
            continue
        letter_address = None
        if badge.organisation_name is not None:
            if badge.case_id not in organisation_addresses:
                case = store.get(badge.case_id)
                organisation = case.application.organisation if case else None
                organisation_addresses[badge.case_id] = organisation.address if organisation else None
            letter_address = organisation_addresses[badge.case_id]
        photo = desk.photos.get(badge.photo_key) if badge.photo_key else None
        yield PrintItem(badge=badge, photo=photo, letter_address=letter_address)


def _write(desk: PrintDesk, batch: PrintBatch, key: str, filename: str, re_extract: bool, wanted: Callable[[Badge], bool],
           before_close: Callable[[list[SkippedBadge]], None]) -> list[SkippedBadge]:
    councils: list[tuple[CouncilConfig, Iterator[PrintItem]]] = [
        (council, _items(desk, desk.store_for(council.code), batch.batch_id, wanted)) for council in desk.councils
    ]
    with desk.open_upload(key) as upload:
        report = write_extract(upload, filename, re_extract, councils)
        before_close(report.skipped)
    return report.skipped


def _deliver(desk: PrintDesk, batch: PrintBatch, now: Callable[[], datetime]) -> PrintBatch:
    """Write the extract into the supplier's folder. Skipped badges go back to the queue, with the reason, before
    the file appears, so that the badges left in the batch are exactly those in the file."""
    filename = batch.filename
    key = SUPPLIER_OUTBOX + filename
    skipped = batch.skipped
    if not desk.exists(key):  # else an earlier attempt delivered it and stopped before recording that
        skipped = _write(desk, batch, key, filename, False, lambda badge: badge.status is BadgeStatus.ORDERED,
                         lambda found: _release(desk, batch, found, now()))
    updated = batch.moved_to(BatchStatus.DELIVERED, now(), filename=filename, skipped=skipped)
    desk.batches.save(updated, batch.version)
    return updated


def _release(desk: PrintDesk, batch: PrintBatch, skipped: list[SkippedBadge], now: datetime) -> None:
    """A badge that cannot be printed leaves the batch and waits, ORDERED, with the reason for a caseworker."""
    for item in skipped:
        store = desk.store_for(item.council_code)
        badge = store.get_badge(item.badge_number)
        if badge is None or badge.batch_id != batch.batch_id:
            continue
        released = badge.model_copy(update={"batch_id": None, "print_problem": item.reason, "version": badge.version + 1, "updated_at": now})
        store.save_badge(released, badge.version, AuditEntry(
            case_id=badge.case_id, at=now, actor=DISPATCH_ACTOR, action="PRINT_SKIPPED",
            after={"badge": badge.badge_number, "batch": batch.batch_id, "reason": item.reason}))


def _mark_processed(desk: PrintDesk, batch: PrintBatch, now: Callable[[], datetime]) -> PrintBatch:
    written: dict[str, int] = {}
    for council in desk.councils:
        store = desk.store_for(council.code)
        for badge in _pages(store.batch_badges, batch.batch_id):
            if badge.status is BadgeStatus.ORDERED:
                at = now()
                processed = badge.moved_to(BadgeStatus.PROCESSED, at, at.date(), print_problem=None)
                store.save_badge(processed, badge.version, AuditEntry(
                    case_id=badge.case_id, at=at, actor=DISPATCH_ACTOR, action="BADGE_PROCESSED",
                    before={"badge": badge.badge_number, "status": badge.status.value},
                    after={"status": processed.status.value, "batch": batch.batch_id, "file": batch.filename}))
            written[council.code] = written.get(council.code, 0) + 1
    updated = batch.moved_to(BatchStatus.COMPLETE, now(), written=written)
    desk.batches.save(updated, batch.version)
    return updated


class NotResendable(ValueError):
    pass


def resend(desk: PrintDesk, batch_id: str, now: Callable[[], datetime]) -> PrintBatch | None:
    """Send a delivered batch again as a new file marked ReExtract yes (the supplier lost or could not read it)."""
    batch = desk.batches.get(batch_id)
    if batch is None:
        return None
    if batch.sent_file is None:
        raise NotResendable(f"print batch {batch_id} is {batch.status.value}: only a delivered batch can be sent again")
    at = now()
    # File names carry the second they were made: one made in the same second as another takes the next free one.
    filename = next(name for offset in range(60)
                    if not desk.exists(SUPPLIER_OUTBOX + (name := extract_filename(at + timedelta(seconds=offset), batch.batch_type))))
    _write(desk, batch, SUPPLIER_OUTBOX + filename, filename, True,
           lambda badge: badge.status in (BadgeStatus.ORDERED, BadgeStatus.PROCESSED), lambda found: None)
    updated = batch.model_copy(update={"re_extracts": [*batch.re_extracts, filename], "updated_at": at, "version": batch.version + 1})
    desk.batches.save(updated, batch.version)
    return updated
