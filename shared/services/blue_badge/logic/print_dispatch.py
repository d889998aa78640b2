"""The nightly print dispatch: one extract per batch type for every council's ORDERED badges, delivered to
the supplier's folder (and pushed to its own server where it runs one), the badges then marked PROCESSED.
Each step is safe to repeat (shared.services.blue_badge.domain.printing).

One pass does the work a night needs, at the floor of requests: per council one Query of its print queue, one
transaction per 100 badges to take them into the batch, the photos read side by side while the file is written
from the badges the claim returned (never read again), then one transaction per 50 badges marking them PROCESSED
with their audit entries. Several councils are worked on at once; the file still lists them in order.
"""

from __future__ import annotations

import itertools
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, BinaryIO, Protocol, TypeVar

from shared.core.adapters.case_store import StaleVersion
from shared.core.domain.case import AuditEntry
from shared.core.domain.council import CouncilConfig, CouncilRegistry
from shared.core.domain.evidence import case_evidence_prefix, is_within
from shared.resources import SUPPLIER_OUTBOX
from shared.services.blue_badge.adapters.badge_store import BadgeStore
from shared.services.blue_badge.adapters.print_store import (
    ExtractFiles,
    Photos,
    PrintBatches,
    S3Upload,
)
from shared.services.blue_badge.domain.badge import Badge, BadgeStatus, PrintBatchType
from shared.services.blue_badge.domain.print_extract import (
    PrintItem,
    extract_filename,
    write_extract,
)
from shared.services.blue_badge.domain.printing import (
    ABANDONED_AFTER,
    BatchStatus,
    PrintBatch,
    PushedFile,
    SkippedBadge,
    batch_id_for,
    unfinished_batch_ids,
)

logger = logging.getLogger(__name__)

DISPATCH_ACTOR = "print-dispatch"
PAGE = 100
COUNCILS_AT_ONCE = 8  # councils worked on side by side (each waits on its own Queries and transactions)
PHOTOS_AHEAD = 32  # photo reads in flight or waiting for the file: memory holds at most this many photos
CLAIMS_PER_TRANSACTION = 100  # DynamoDB's limit of items in a transaction
MARKS_PER_TRANSACTION = 50  # a badge and its audit entry each

Result = TypeVar("Result")


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


@dataclass(frozen=True)
class _Pools:
    councils: ThreadPoolExecutor
    photos: ThreadPoolExecutor


@dataclass(frozen=True)
class _CouncilBadges:
    """One council's badges in the batch, as last written, each with its letter address (organisations)."""

    council: CouncilConfig
    badges: list[tuple[Badge, Any]]


def _pages(fetch: Callable[..., tuple[list[Any], str | None]], *args: Any) -> Iterator[list[Any]]:
    cursor: str | None = None
    while True:
        items, cursor = fetch(*args, limit=PAGE, after=cursor)
        yield items
        if cursor is None:
            return


def _in_order(pool: ThreadPoolExecutor, work: Callable[[CouncilConfig], Result], councils: Iterable[CouncilConfig]) -> Iterator[Result]:
    """work(council) for each council, run side by side, the results in council order: at most COUNCILS_AT_ONCE
    ahead of the one being used, so memory holds a few councils' badges, not the whole batch."""
    ahead: deque[Future[Result]] = deque()
    for council in councils:
        ahead.append(pool.submit(work, council))
        if len(ahead) > COUNCILS_AT_ONCE:
            yield ahead.popleft().result()
    while ahead:
        yield ahead.popleft().result()


def dispatch(desk: PrintDesk, batch_type: PrintBatchType, run_id: str, now: Callable[[], datetime], *,
             push_required: bool = False) -> PrintBatch:
    """Run (or resume) the batch of this type for the run `run_id`. With `push_required` (fixed when the batch is
    made) it stops at DELIVERED until the file is on the supplier's own server (push), then a resume finishes it."""
    batch_id = batch_id_for(run_id, batch_type)
    batch = desk.batches.get(batch_id)
    made_now = False
    if batch is None:
        # The file name is fixed (and reserved) when the batch is made, so that a resumed run can tell its own
        # file was delivered - and no other batch made in the same second can take that name.
        at = now()
        batch, made_now = desk.batches.create(PrintBatch(
            batch_id=batch_id, batch_type=batch_type, run_id=run_id, push_required=push_required,
            filename=_free_filename(desk, at, batch_type, batch_id), updated_at=at))
    return _advance(desk, batch, now, resuming=not made_now)


def resume(desk: PrintDesk, batch_id: str, now: Callable[[], datetime]) -> PrintBatch | None:
    """Take an existing batch as far as it can go (after its push, or one a dead run left)."""
    batch = desk.batches.get(batch_id)
    return _advance(desk, batch, now, resuming=True) if batch is not None else None


def unfinished(desk: PrintDesk, run_id: str, now: datetime) -> list[str]:
    """Batches earlier runs left unfinished (a run that died and was never run again): this run finishes them first.
    A nightly Query of the print batches' sparse index of unfinished batches, never a Scan."""
    return unfinished_batch_ids(desk.batches.unfinished(updated_before=now - ABANDONED_AFTER), run_id, now)


def _advance(desk: PrintDesk, batch: PrintBatch, now: Callable[[], datetime], resuming: bool) -> PrintBatch:
    """`resuming`: an earlier attempt may have taken badges into the batch, so they are read back as well."""
    with ThreadPoolExecutor(COUNCILS_AT_ONCE) as councils, ThreadPoolExecutor(PHOTOS_AHEAD) as photos:
        pools = _Pools(councils, photos)
        taken: dict[str, list[Badge]] | None = None  # the badges in the delivered file, as this attempt wrote them
        if batch.status in (BatchStatus.CLAIMING, BatchStatus.CLAIMED):
            batch, taken = _claim_and_deliver(desk, pools, batch, now, resuming)
        if batch.ready_to_mark:
            batch = _mark_processed(desk, pools, batch, now, taken)
    return batch


def _claim_and_deliver(desk: PrintDesk, pools: _Pools, batch: PrintBatch, now: Callable[[], datetime],
                       resuming: bool) -> tuple[PrintBatch, dict[str, list[Badge]] | None]:
    """Take every ORDERED badge of the batch type that no batch has taken (conditional writes: a badge is taken by one
    batch only) and write the extract from them as they are taken, into the supplier's folder. The file appears only
    when complete, after the badges it could not carry left the batch (with the reason), so that the badges left in the
    batch are exactly those in the file. A resumed batch whose file is there already takes nothing more."""
    key = SUPPLIER_OUTBOX + batch.filename
    if resuming and desk.exists(key):  # an earlier attempt delivered it and stopped before recording that
        claimed = {code: len(badges) for code, badges in _batch_badges(desk, pools, batch, lambda status: True).items()}
        delivered = batch.moved_to(BatchStatus.DELIVERED, now(), claimed=claimed)
        desk.batches.save(delivered, batch.version)
        return delivered, None

    def take(council: CouncilConfig) -> _CouncilBadges:
        store = desk.store_for(council.code)
        badges = _read_all(store.batch_badges, batch.batch_id, BadgeStatus.ORDERED.__eq__) if resuming else []
        for page in _pages(store.print_queue, batch.batch_type):
            for chunk in _chunks(page, CLAIMS_PER_TRANSACTION):
                badges += _claim(store, batch, chunk, now())
        return _CouncilBadges(council, _with_letter_addresses(store, badges))

    taken: dict[str, list[Badge]] = {}

    def remember(found: Iterator[_CouncilBadges]) -> Iterator[_CouncilBadges]:
        for council_badges in found:
            if council_badges.badges:
                taken[council_badges.council.code] = [badge for badge, _ in council_badges.badges]
            yield council_badges

    found = remember(_in_order(pools.councils, take, desk.councils))
    first = next((council_badges for council_badges in found if council_badges.badges), None)
    if first is None:  # nothing to print: no file
        complete = batch.moved_to(BatchStatus.COMPLETE, now(), claimed={})
        desk.batches.save(complete, batch.version)
        return complete, None
    with desk.open_upload(key) as upload:
        report = write_extract(upload, batch.filename, False, _with_photos(desk, pools, itertools.chain([first], found)))
        _release(desk, batch, report.skipped, now())
    skipped = {item.badge_number for item in report.skipped}
    delivered = batch.moved_to(BatchStatus.DELIVERED, now(), claimed={code: len(badges) for code, badges in taken.items()},
                               skipped=report.skipped)
    desk.batches.save(delivered, batch.version)
    return delivered, {code: [badge for badge in badges if badge.badge_number not in skipped] for code, badges in taken.items()}


def _claim(store: BadgeStore, batch: PrintBatch, chunk: list[Badge], now: datetime) -> list[Badge]:
    """The chunk's badges taken into the batch (one transaction; if any changed meanwhile, badge by badge), as written."""
    taken = [badge.model_copy(update={"batch_id": batch.batch_id, "version": badge.version + 1, "updated_at": now}) for badge in chunk]
    try:
        store.save_badges([(badge, badge.version - 1) for badge in taken])
        return taken
    except StaleVersion:
        pass
    kept = []
    for badge in taken:
        try:
            store.put_badge(badge, badge.version - 1)
        except StaleVersion:
            continue  # changed since the queue was read (cancelled, or taken by another run)
        kept.append(badge)
    return kept


def _read_all(fetch: Callable[..., tuple[list[Badge], str | None]], batch_id: str, wanted: Callable[[BadgeStatus], bool]) -> list[Badge]:
    return [badge for page in _pages(fetch, batch_id) for badge in page if wanted(badge.status)]


def _batch_badges(desk: PrintDesk, pools: _Pools, batch: PrintBatch, wanted: Callable[[BadgeStatus], bool]) -> dict[str, list[Badge]]:
    """The batch's badges per council (councils read side by side): for a batch resumed in a later invocation."""
    def read(council: CouncilConfig) -> tuple[str, list[Badge]]:
        return council.code, _read_all(desk.store_for(council.code).batch_badges, batch.batch_id, wanted)

    return {code: badges for code, badges in _in_order(pools.councils, read, desk.councils) if badges}


def _with_letter_addresses(store: BadgeStore, badges: list[Badge]) -> list[tuple[Badge, Any]]:
    """Each badge with where an organisation's letter goes (its application's organisation address; a person's
    letter goes to the holder's address on the badge): one GetItem per organisation case."""
    addresses: dict[str, Any] = {}
    for badge in badges:
        if badge.organisation_name is not None and badge.case_id not in addresses:
            case = store.get(badge.case_id)
            organisation = case.application.organisation if case else None
            addresses[badge.case_id] = organisation.address if organisation else None
    return [(badge, addresses.get(badge.case_id) if badge.organisation_name is not None else None) for badge in badges]


def _with_photos(desk: PrintDesk, pools: _Pools, councils: Iterator[_CouncilBadges]) -> Iterator[tuple[CouncilConfig, Iterator[PrintItem]]]:
    """The extract's councils, each with its print items: photos read side by side across councils, in file order, at
    most PHOTOS_AHEAD ahead of the writer; consecutive badges of one case naming the same photo share one read."""
    def reads() -> Iterator[tuple[CouncilConfig, Badge, Any, Future[bytes | None]]]:
        last_key, last_read = None, None
        for council_badges in councils:
            for badge, letter_address in council_badges.badges:
                key = (badge.council_code, badge.case_id, badge.photo_key)  # the read checks the key is the case's own
                if badge.photo_key is None or key != last_key:
                    last_key, last_read = key, pools.photos.submit(_photo, desk, badge)
                yield council_badges.council, badge, letter_address, last_read

    def prefetched() -> Iterator[tuple[CouncilConfig, PrintItem]]:
        ahead: deque[tuple[CouncilConfig, Badge, Any, Future[bytes | None]]] = deque()
        for read in reads():
            ahead.append(read)
            if len(ahead) > PHOTOS_AHEAD:
                council, badge, letter_address, photo = ahead.popleft()
                yield council, PrintItem(badge=badge, photo=photo.result(), letter_address=letter_address)
        while ahead:
            council, badge, letter_address, photo = ahead.popleft()
            yield council, PrintItem(badge=badge, photo=photo.result(), letter_address=letter_address)

    for council, items in itertools.groupby(prefetched(), key=lambda pair: pair[0]):
        yield council, (item for _, item in items)


def _photo(desk: PrintDesk, badge: Badge) -> bytes | None:
    """The badge's photo, read only from its own case's folder (a key elsewhere prints as no photo: skipped)."""
    if not badge.photo_key or not is_within(badge.photo_key, case_evidence_prefix(badge.council_code, badge.case_id)):
        return None
    return desk.photos_for(badge.council_code).get(badge.photo_key)


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


def _mark_processed(desk: PrintDesk, pools: _Pools, batch: PrintBatch, now: Callable[[], datetime],
                    taken: dict[str, list[Badge]] | None) -> PrintBatch:
    """Mark the badges in the delivered file PROCESSED, each with its audit entry, 50 to a transaction: the badges this
    attempt took and wrote, or (a batch resumed later: after its push, or after a failure) the batch's badges read back."""
    if taken is None:
        taken = _batch_badges(desk, pools, batch, lambda status: status in (BadgeStatus.ORDERED, BadgeStatus.PROCESSED))

    def mark(badges: list[Badge]) -> None:
        store = desk.store_for(badges[0].council_code)
        for chunk in _chunks([badge for badge in badges if badge.status is BadgeStatus.ORDERED], MARKS_PER_TRANSACTION):
            _mark(store, batch, chunk, now())  # (already PROCESSED: marked by an earlier attempt)

    list(pools.councils.map(mark, taken.values()))  # list(): raise the first failure here
    updated = batch.moved_to(BatchStatus.COMPLETE, now(), written={code: len(badges) for code, badges in taken.items()})
    desk.batches.save(updated, batch.version)
    return updated


def _mark(store: BadgeStore, batch: PrintBatch, chunk: list[Badge], at: datetime) -> None:
    changes = [(badge.moved_to(BadgeStatus.PROCESSED, at, at.date(), print_problem=None), badge.version) for badge in chunk]
    audits = [AuditEntry(case_id=badge.case_id, at=at, actor=DISPATCH_ACTOR, action="BADGE_PROCESSED",
                         before={"badge": badge.badge_number, "status": badge.status.value},
                         after={"status": BadgeStatus.PROCESSED.value, "batch": batch.batch_id, "file": batch.filename})
              for badge in chunk]
    try:
        store.save_badges(changes, audits)
    except StaleVersion:  # one was changed meanwhile: the others, one by one
        for change, audit in zip(changes, audits, strict=True):
            try:
                store.save_badges([change], [audit])
            except StaleVersion:
                logger.warning("badge %s changed while its batch was sent; left as it is", change[0].badge_number)


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
    with ThreadPoolExecutor(COUNCILS_AT_ONCE) as councils, ThreadPoolExecutor(PHOTOS_AHEAD) as photos:
        pools = _Pools(councils, photos)

        def sent(council: CouncilConfig) -> _CouncilBadges:
            store = desk.store_for(council.code)
            badges = _read_all(store.batch_badges, batch.batch_id, lambda status: status in (BadgeStatus.ORDERED, BadgeStatus.PROCESSED))
            return _CouncilBadges(council, _with_letter_addresses(store, badges))

        with desk.open_upload(SUPPLIER_OUTBOX + filename) as upload:
            write_extract(upload, filename, True, _with_photos(desk, pools, _in_order(pools.councils, sent, desk.councils)))
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
