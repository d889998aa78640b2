"""The nightly print dispatch: one extract per batch type for every council's ORDERED badges, delivered to
the supplier's folder (and pushed to its own server where it runs one), the badges then marked PROCESSED.
Each step is safe to repeat (shared.services.blue_badge.domain.printing).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, BinaryIO, Protocol

from shared.core.adapters.case_store import StaleVersion
from shared.services.blue_badge.adapters.badge_store import BadgeStore
from shared.services.blue_badge.adapters.print_store import ExtractFiles, Photos, PrintBatches, S3Upload
from shared.services.blue_badge.domain.badge import Badge, BadgeStatus, PrintBatchType
from shared.core.domain.case import AuditEntry
from shared.core.domain.council import CouncilConfig, CouncilRegistry
from shared.core.domain.evidence import case_evidence_prefix, is_within
from shared.services.blue_badge.domain.print_extract import PrintItem, extract_filename, write_extract
from shared.services.blue_badge.domain.printing import (
    ABANDONED_AFTER,
    BatchStatus,
    PrintBatch,
    PushedFile,
    SkippedBadge,
    batch_id_for,
    unfinished_batch_ids,
)
from shared.resources import SUPPLIER_OUTBOX

logger = logging.getLogger(__name__)

DISPATCH_ACTOR = "print-dispatch"
PAGE = 100
WORKERS = 16  # requests in flight: each badge costs a few small DynamoDB and S3 calls, so a run waits on I/O
CLAIMS_PER_TRANSACTION = 100  # DynamoDB's limit of items in a transaction
MARKS_PER_TRANSACTION = 50  # a badge and its audit entry each


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[start:start + size] for start in range(0, len(items), size)]


@dataclass(frozen=True)
class PrintDesk:
    """What a dispatch works with: the councils, their tables, the batch records, the drop bucket and photos."""

    councils: CouncilRegistry
    store_for: Callable[[str], BadgeStore]
    batches: PrintBatches
    open_upload: Callable[[str], S3Upload]  # object key -> a stream that becomes the object on close
    exists: Callable[[str], bool]  # object key -> already in the bucket
    photos_for: Callable[[str], Photos]  # council code -> its photos, read with its scoped credentials


def _pages(fetch: Callable[..., tuple[list[Any], str | None]], *args: Any) -> Iterator[list[Any]]:
    cursor: str | None = None
    while True:
        items, cursor = fetch(*args, limit=PAGE, after=cursor)
        yield items
        if cursor is None:
            return


def dispatch(desk: PrintDesk, batch_type: PrintBatchType, run_id: str, now: Callable[[], datetime], *,
             push_required: bool = False) -> PrintBatch:
    """Run (or resume) the batch of this type for the run `run_id`. With `push_required` (fixed when the batch is
    made) it stops at DELIVERED until the file is on the supplier's own server (push), then a resume finishes it."""
    batch_id = batch_id_for(run_id, batch_type)
    batch = desk.batches.get(batch_id)
    if batch is None:
        # The file name is fixed (and reserved) when the batch is made, so that a resumed run can tell its own
        # file was delivered - and no other batch made in the same second can take that name.
        at = now()
        batch = desk.batches.create(PrintBatch(batch_id=batch_id, batch_type=batch_type, run_id=run_id, push_required=push_required,
                                               filename=_free_filename(desk, at, batch_type, batch_id), updated_at=at))
    return _advance(desk, batch, now)


def resume(desk: PrintDesk, batch_id: str, now: Callable[[], datetime]) -> PrintBatch | None:
    """Take an existing batch as far as it can go (after its push, or one a dead run left)."""
    batch = desk.batches.get(batch_id)
    return _advance(desk, batch, now) if batch is not None else None


def unfinished(desk: PrintDesk, run_id: str, now: datetime) -> list[str]:
    """Batches earlier runs left unfinished (a run that died and was never run again): this run finishes them first.
    A nightly Query of the print batches' sparse index of unfinished batches, never a Scan."""
    return unfinished_batch_ids(desk.batches.unfinished(updated_before=now - ABANDONED_AFTER), run_id, now)


def _advance(desk: PrintDesk, batch: PrintBatch, now: Callable[[], datetime]) -> PrintBatch:
    with ThreadPoolExecutor(WORKERS) as pool:
        if batch.status is BatchStatus.CLAIMING:
            batch = _claim(desk, pool, batch, now())
        if batch.status is BatchStatus.CLAIMED:
            batch = _deliver(desk, pool, batch, now)
        if batch.ready_to_mark:
            batch = _mark_processed(desk, pool, batch, now)
    return batch


def _claim(desk: PrintDesk, pool: ThreadPoolExecutor, batch: PrintBatch, now: datetime) -> PrintBatch:
    """Take every ORDERED badge of the batch type that no batch has taken: one conditional write per badge."""
    claimed = dict(batch.claimed)
    for council in desk.councils:
        store = desk.store_for(council.code)

        def taken(badge: Badge) -> Badge:
            return badge.model_copy(update={"batch_id": batch.batch_id, "version": badge.version + 1, "updated_at": now})

        def take(badge: Badge) -> bool:
            try:
                store.put_badge(taken(badge), badge.version)
            except StaleVersion:
                return False  # changed since the queue was read (cancelled, or taken by another run)
            return True

        def take_all(chunk: list[Badge]) -> int:
            try:  # one transaction for the chunk; if any badge changed meanwhile, badge by badge
                store.save_badges([(taken(badge), badge.version) for badge in chunk])
                return len(chunk)
            except StaleVersion:
                return sum(map(take, chunk))

        for page in _pages(store.print_queue, batch.batch_type):
            count = sum(pool.map(take_all, _chunks(page, CLAIMS_PER_TRANSACTION)))
            if count:
                claimed[council.code] = claimed.get(council.code, 0) + count
    status = BatchStatus.CLAIMED if claimed else BatchStatus.COMPLETE  # nothing to print: no file
    updated = batch.moved_to(status, now, claimed=claimed)
    desk.batches.save(updated, batch.version)
    return updated


def _items(desk: PrintDesk, pool: ThreadPoolExecutor, store: BadgeStore, batch_id: str, wanted: Callable[[Badge], bool]) -> Iterator[PrintItem]:
    """The batch's badges with their photos, a page at a time (photos fetched side by side, in order), so
    memory holds one page of photos at most."""
    organisation_addresses: dict[str, Any] = {}

    def letter_address(badge: Badge) -> Any:
        if badge.organisation_name is None:
            return None
        if badge.case_id not in organisation_addresses:
            case = store.get(badge.case_id)
            organisation = case.application.organisation if case else None
            organisation_addresses[badge.case_id] = organisation.address if organisation else None
        return organisation_addresses[badge.case_id]

    for page in _pages(store.batch_badges, batch_id):
        badges = [badge for badge in page if wanted(badge)]
        photos = pool.map(lambda badge: _photo(desk, badge), badges)
        for badge, photo in zip(badges, photos, strict=True):
            yield PrintItem(badge=badge, photo=photo, letter_address=letter_address(badge))


def _photo(desk: PrintDesk, badge: Badge) -> bytes | None:
    """The badge's photo, read only from its own case's folder (a key elsewhere prints as no photo: skipped)."""
    if not badge.photo_key or not is_within(badge.photo_key, case_evidence_prefix(badge.council_code, badge.case_id)):
        return None
    return desk.photos_for(badge.council_code).get(badge.photo_key)


def _write(desk: PrintDesk, pool: ThreadPoolExecutor, batch: PrintBatch, key: str, filename: str, re_extract: bool,
           wanted: Callable[[Badge], bool], before_close: Callable[[list[SkippedBadge]], None]) -> list[SkippedBadge]:
    councils: list[tuple[CouncilConfig, Iterator[PrintItem]]] = [
        (council, _items(desk, pool, desk.store_for(council.code), batch.batch_id, wanted)) for council in desk.councils
    ]
    with desk.open_upload(key) as upload:
        report = write_extract(upload, filename, re_extract, councils)
        before_close(report.skipped)
    return report.skipped


def _deliver(desk: PrintDesk, pool: ThreadPoolExecutor, batch: PrintBatch, now: Callable[[], datetime]) -> PrintBatch:
    """Write the extract into the supplier's folder. Skipped badges go back to the queue, with the reason, before
    the file appears, so that the badges left in the batch are exactly those in the file."""
    filename = batch.filename
    key = SUPPLIER_OUTBOX + filename
    skipped = batch.skipped
    if not desk.exists(key):  # else an earlier attempt delivered it and stopped before recording that
        skipped = _write(desk, pool, batch, key, filename, False, lambda badge: badge.status is BadgeStatus.ORDERED,
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


def _mark_processed(desk: PrintDesk, pool: ThreadPoolExecutor, batch: PrintBatch, now: Callable[[], datetime]) -> PrintBatch:
    written: dict[str, int] = {}
    for council in desk.councils:
        store = desk.store_for(council.code)

        def mark(chunk: list[Badge]) -> None:
            at = now()
            changes, audits = [], []
            for badge in chunk:
                if badge.status is not BadgeStatus.ORDERED:
                    continue  # marked by an earlier attempt
                changes.append((badge.moved_to(BadgeStatus.PROCESSED, at, at.date(), print_problem=None), badge.version))
                audits.append(AuditEntry(case_id=badge.case_id, at=at, actor=DISPATCH_ACTOR, action="BADGE_PROCESSED",
                                         before={"badge": badge.badge_number, "status": badge.status.value},
                                         after={"status": BadgeStatus.PROCESSED.value, "batch": batch.batch_id, "file": batch.filename}))
            if not changes:
                return
            try:
                store.save_badges(changes, audits)
            except StaleVersion:  # one was changed meanwhile: the others, one by one
                for change, audit in zip(changes, audits, strict=True):
                    try:
                        store.save_badges([change], [audit])
                    except StaleVersion:
                        logger.warning("badge %s changed while its batch was sent; left as it is", change[0].badge_number)

        for page in _pages(store.batch_badges, batch.batch_id):
            list(pool.map(mark, _chunks(page, MARKS_PER_TRANSACTION)))  # list(): raise the first failure here
            if page:
                written[council.code] = written.get(council.code, 0) + len(page)
    updated = batch.moved_to(BatchStatus.COMPLETE, now(), written=written)
    desk.batches.save(updated, batch.version)
    return updated


def summary(batch: PrintBatch) -> dict[str, Any]:
    """What the print-dispatch state machine sees of a batch (its Choice reads awaiting_push)."""
    return {"batch_id": batch.batch_id, "status": batch.status.value, "filename": batch.sent_file,
            "written": sum(batch.written.values()), "skipped": len(batch.skipped), "awaiting_push": batch.awaiting_push,
            "pushed": [file.remote_path for file in batch.pushed], "to_push": batch.files_to_push()}


def _free_filename(desk: PrintDesk, at: datetime, batch_type: PrintBatchType, batch_id: str) -> str:
    """File names carry the second they were made: a file made in the same second as another takes the next free one."""
    for offset in range(3600):
        name = extract_filename(at + timedelta(seconds=offset), batch_type)
        if desk.batches.reserve_filename(name, batch_id):
            return name
    raise RuntimeError(f"no free {batch_type.value} extract name in the hour after {at}")


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
    filename = _free_filename(desk, at, batch.batch_type, batch.batch_id)
    with ThreadPoolExecutor(WORKERS) as pool:
        _write(desk, pool, batch, SUPPLIER_OUTBOX + filename, filename, True,
               lambda badge: badge.status in (BadgeStatus.ORDERED, BadgeStatus.PROCESSED), lambda found: None)
    updated = batch.model_copy(update={"re_extracts": [*batch.re_extracts, filename], "updated_at": at, "version": batch.version + 1})
    desk.batches.save(updated, batch.version)
    return updated


class SupplierServer(Protocol):
    """The supplier's own SFTP server (shared.services.blue_badge.adapters.sftp.SftpPush)."""

    def push(self, source: BinaryIO, remote_name: str) -> Any:
        """A receipt (remote_path, bytes_written, sha256); raises FileExistsError if the name is taken."""

    def remote_size(self, remote_name: str) -> int | None: ...

    def remote_path(self, remote_name: str) -> str: ...


class NotOurFile(Exception):
    """The server has another file under an extract's name: not ours, so never overwritten nor retried."""


@dataclass(frozen=True)
class PushDesk:
    """What a push works with: the batch records, the extracts in the supplier's folder, the supplier's server."""

    batches: PrintBatches
    extracts: ExtractFiles
    server: SupplierServer


def push(desk: PushDesk, batch_id: str, now: Callable[[], datetime]) -> tuple[PrintBatch, list[PushedFile]]:
    """Put the batch's files that the supplier's server lacks there (the extract, then any re-sent file), recording
    each as it lands; safe to repeat: a file an earlier attempt pushed is found on the server and not sent again.
    Returns the batch and the files this call pushed."""
    batch = desk.batches.get(batch_id)
    if batch is None:
        raise LookupError(f"no print batch {batch_id}")
    pushed = []
    for filename in batch.files_to_push():
        file = _push_file(desk, filename, now)
        updated = batch.with_pushed(file, now())
        desk.batches.save(updated, batch.version)
        batch = updated
        pushed.append(file)
    return batch, pushed


def _push_file(desk: PushDesk, filename: str, now: Callable[[], datetime]) -> PushedFile:
    with desk.extracts.open(SUPPLIER_OUTBOX + filename) as (body, size):
        try:
            receipt = desk.server.push(body, filename)
        except FileExistsError:
            # The push renames a whole file into place, so a file of the extract's size under its unique name is an
            # earlier attempt's, which stopped before recording it. Anything else is not ours to overwrite.
            found = desk.server.remote_size(filename)
            if found != size:
                raise NotOurFile(f"{desk.server.remote_path(filename)} on the supplier's server is {found} bytes, "
                                       f"the extract {size}: not this batch's file; resolve with the supplier") from None
            logger.info("%s was pushed by an earlier attempt", filename)
            return PushedFile(filename=filename, remote_path=desk.server.remote_path(filename), bytes_written=size, at=now())
    return PushedFile(filename=filename, remote_path=receipt.remote_path, bytes_written=receipt.bytes_written,
                      sha256=receipt.sha256, at=now())
