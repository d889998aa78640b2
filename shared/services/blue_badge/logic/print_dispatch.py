"""The nightly print dispatch: one extract per batch type for every council's ORDERED badges, delivered to
the supplier's folder (and pushed to its own server where it runs one), the badges then marked PROCESSED.
Each step is safe to repeat (shared.services.blue_badge.domain.printing).

One pass does the work a night needs, at the floor of requests: per council one Query of its print queue, the
photos read side by side, each badge rendered, then one transaction per 50 badges that takes the printable ones into
the batch as PROCESSED and leaves the others in the queue with the reason, each with its audit entry (a council's
credentials reach its own table only, so a transaction never spans councils). Several councils are worked on at
once, each rendering its part of the file into a spool of its own; the file joins them in council order and reaches
the supplier's folder only when complete. Nothing is read twice: the file is written from the badges as taken.

Exactly once: a badge is taken by one batch only (conditional writes), and a batch's file is written once (its name
is reserved; a resumed batch whose file is there takes nothing more). A badge PROCESSED in a batch whose file the
supplier does not have yet is "at the printer" as an ORDERED badge in a batch was before: it cannot be cancelled,
and a resumed attempt reads it back from the batch and writes it into the file (or, if it can no longer be printed,
leaves it ORDERED in the queue with the reason). Where the supplier runs its own server (`push_required`), the
file can wait there for hours, so its badges are taken ORDERED (unaudited bookkeeping) and marked PROCESSED, with
their audit entries, once the push lands: one more transaction per council and 50 badges.
"""

from __future__ import annotations

import itertools
import logging
import shutil
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from tempfile import SpooledTemporaryFile
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
from shared.services.blue_badge.domain.badge import Badge, BadgeRuleError, BadgeStatus, PrintBatchType
from shared.services.blue_badge.domain.print_extract import (
    CouncilBlock,
    Node,
    PrintItem,
    Unprintable,
    extract_document,
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
PHOTOS_AHEAD = 32  # photo reads in flight (a re-sent file: or waiting for the file; memory holds at most this many)
TAKEN_PER_TRANSACTION = 50  # a badge and its audit entry each: DynamoDB's limit of 100 items in a transaction
SPOOL_IN_MEMORY = 4 * 2**20  # a council's part of the file beyond this waits on local disk (Lambda's /tmp)
IN_A_BATCH = (BadgeStatus.ORDERED, BadgeStatus.PROCESSED)  # ORDERED: taken by an earlier version, not yet marked

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


@dataclass
class _CouncilPart:
    """One council's part of a batch, as the worker that took its badges left it: its block of the file (in a spool
    of its own until the file takes it), the badges in that block, and those it could not print."""

    council: CouncilConfig
    spool: SpooledTemporaryFile
    block: CouncilBlock
    taken: list[Badge] = field(default_factory=list)
    skipped: list[SkippedBadge] = field(default_factory=list)

    @classmethod
    def open(cls, council: CouncilConfig, batch_type: PrintBatchType) -> _CouncilPart:
        spool = SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
        return cls(council, spool, CouncilBlock(council, batch_type, spool))  # type: ignore[arg-type]


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
        if batch.status in (BatchStatus.CLAIMING, BatchStatus.CLAIMED):
            batch = _take_and_deliver(desk, pools, batch, now, resuming)
        if batch.ready_to_mark:
            batch = _mark_processed(desk, pools, batch, now)
    return batch


def _take_and_deliver(desk: PrintDesk, pools: _Pools, batch: PrintBatch, now: Callable[[], datetime], resuming: bool) -> PrintBatch:
    """Take every printable ORDERED badge of the batch type that no batch has taken (PROCESSED, or ORDERED in the batch
    until a push lands: _taken), and write the extract from them as they are taken, into the supplier's folder; a
    badge that cannot be printed stays in the queue with the reason. The file appears only when complete, holding exactly the badges in the batch. A resumed batch takes
    the badges an earlier attempt took as well; one whose file is there already takes nothing more."""
    key = SUPPLIER_OUTBOX + batch.filename
    if resuming and desk.exists(key):  # an earlier attempt delivered it and stopped before recording that
        claimed = {code: len(badges) for code, badges in _batch_badges(desk, pools, batch, lambda status: True).items()}
        delivered = batch.moved_to(BatchStatus.DELIVERED, now(), claimed=claimed)
        desk.batches.save(delivered, batch.version)
        return delivered

    def take(council: CouncilConfig) -> _CouncilPart:
        store = desk.store_for(council.code)
        part = _CouncilPart.open(council, batch.batch_type)
        earlier = _read_all(store.batch_badges, batch.batch_id, IN_A_BATCH.__contains__) if resuming else []
        queued = (chunk for page in _pages(store.print_queue, batch.batch_type) for chunk in _chunks(page, TAKEN_PER_TRANSACTION))
        for chunk in itertools.chain(_chunks(earlier, TAKEN_PER_TRANSACTION), queued):
            _take(desk, pools, store, batch, part, chunk, now())
        part.block.finish()
        return part

    claimed: dict[str, int] = {}
    written: dict[str, int] = {}
    skipped: list[SkippedBadge] = []
    with ExitStack() as delivery:
        upload: S3Upload | None = None
        for part in _in_order(pools.councils, take, desk.councils):
            with part.spool:
                if not (part.taken or part.skipped):
                    continue
                if upload is None:  # the first council with anything: the file is made (even if nothing in it prints)
                    upload = delivery.enter_context(desk.open_upload(key))
                    delivery.enter_context(extract_document(upload, batch.filename, False))
                part.spool.seek(0)
                shutil.copyfileobj(part.spool, upload)
            claimed[part.council.code] = len(part.taken) + len(part.skipped)
            if part.taken:
                written[part.council.code] = len(part.taken)
            skipped += part.skipped
    if upload is None:  # nothing to print: no file
        complete = batch.moved_to(BatchStatus.COMPLETE, now(), claimed={})
        desk.batches.save(complete, batch.version)
        return complete
    delivered = batch.moved_to(BatchStatus.DELIVERED, now(), claimed=claimed, written=written, skipped=skipped,
                                 marked_when_taken=not batch.push_required)
    desk.batches.save(delivered, batch.version)
    return delivered


def _take(desk: PrintDesk, pools: _Pools, store: BadgeStore, batch: PrintBatch, part: _CouncilPart, chunk: list[Badge],
          at: datetime) -> None:
    """Render the chunk's badges (photos read side by side), then in one transaction take the printable ones into the
    batch PROCESSED and leave the others in the queue with the reason, each with its audit entry; then write into
    the council's block the badges whose write held (one changed meanwhile is left as it is)."""
    photos = _photo_reads(desk, pools, chunk)
    letter_addresses = _letter_addresses(store, chunk)
    printable: list[tuple[Badge, Node, bool]] = []  # with whether it is taken by this chunk's write
    unprintable: dict[str, str] = {}
    changes: list[tuple[Badge, int, AuditEntry | None]] = []
    for badge, photo in zip(chunk, photos, strict=True):
        item = PrintItem(badge=badge, photo=photo.result() if photo else None,
                         letter_address=letter_addresses.get(badge.case_id) if badge.organisation_name is not None else None)
        try:
            details = part.block.render(item)
        except (Unprintable, BadgeRuleError) as problem:
            unprintable[badge.badge_number] = str(problem)
            changes.append(_left_in_queue(badge, batch, str(problem), at))
            continue
        # (one an earlier attempt took needs no write, unless it was left ORDERED by an earlier version)
        write = badge.batch_id != batch.batch_id or (badge.status is BadgeStatus.ORDERED and not batch.push_required)
        if write:
            changes.append(_taken(badge, batch, at))
        printable.append((badge, details, write))
    held = _save_each(store, changes)
    for badge, details, write in printable:
        if not write or badge.badge_number in held:
            part.block.add(badge.badge_number, details)
            part.taken.append(badge)
    part.skipped += [SkippedBadge(council_code=part.council.code, badge_number=number, reason=reason)
                     for number, reason in unprintable.items() if number in held]


def _taken(badge: Badge, batch: PrintBatch, at: datetime) -> tuple[Badge, int, AuditEntry | None]:
    """The badge in the batch, PROCESSED with its audit entry. Where the supplier runs its own server, a file can wait
    there for hours (retries, a changed host key): its badges stay ORDERED in the batch, unaudited bookkeeping, until
    the push lands, and are marked then (_mark_processed), so PROCESSED always means the supplier has the file."""
    if batch.push_required and badge.status is BadgeStatus.ORDERED and badge.batch_id is None:
        return badge.model_copy(update={"batch_id": batch.batch_id, "print_problem": None, "version": badge.version + 1,
                                        "updated_at": at}), badge.version, None
    processed = badge.moved_to(BadgeStatus.PROCESSED, at, at.date(), print_problem=None, batch_id=batch.batch_id)
    return processed, badge.version, AuditEntry(
        case_id=badge.case_id, at=at, actor=DISPATCH_ACTOR, action="BADGE_PROCESSED",
        before={"badge": badge.badge_number, "status": badge.status.value},
        after={"status": BadgeStatus.PROCESSED.value, "batch": batch.batch_id, "file": batch.filename})


def _left_in_queue(badge: Badge, batch: PrintBatch, reason: str, at: datetime) -> tuple[Badge, int, AuditEntry | None]:
    """A badge that cannot be printed waits, ORDERED, with the reason for a caseworker. One an earlier attempt took
    into this batch leaves it again: its file was never delivered, so it never reached the printer."""
    released = badge.model_copy(update={"status": BadgeStatus.ORDERED, "batch_id": None, "print_problem": reason,
                                         "version": badge.version + 1, "updated_at": at})
    return released, badge.version, AuditEntry(
        case_id=badge.case_id, at=at, actor=DISPATCH_ACTOR, action="PRINT_SKIPPED",
        after={"badge": badge.badge_number, "batch": batch.batch_id, "reason": reason})


def _save_each(store: BadgeStore, changes: list[tuple[Badge, int, AuditEntry | None]]) -> set[str]:
    """The changes in one transaction (each on condition of the version read, with its audit entry); if any badge
    changed meanwhile (cancelled, or taken by another run), the others one by one. The badge numbers saved."""
    if not changes:
        return set()
    try:
        store.save_badges([(badge, version) for badge, version, _ in changes], [audit for _, _, audit in changes if audit])
        return {badge.badge_number for badge, _, _ in changes}
    except StaleVersion:
        pass
    held = set()
    for badge, version, audit in changes:
        try:
            store.save_badges([(badge, version)], [audit] if audit else [])
        except StaleVersion:
            logger.warning("badge %s changed while its batch was sent; left as it is", badge.badge_number)
            continue
        held.add(badge.badge_number)
    return held


def _read_all(fetch: Callable[..., tuple[list[Badge], str | None]], batch_id: str, wanted: Callable[[BadgeStatus], bool]) -> list[Badge]:
    return [badge for page in _pages(fetch, batch_id) for badge in page if wanted(badge.status)]


def _batch_badges(desk: PrintDesk, pools: _Pools, batch: PrintBatch, wanted: Callable[[BadgeStatus], bool]) -> dict[str, list[Badge]]:
    """The batch's badges per council (councils read side by side): for a batch resumed in a later invocation."""
    def read(council: CouncilConfig) -> tuple[str, list[Badge]]:
        return council.code, _read_all(desk.store_for(council.code).batch_badges, batch.batch_id, wanted)

    return {code: badges for code, badges in _in_order(pools.councils, read, desk.councils) if badges}


def _letter_addresses(store: BadgeStore, badges: list[Badge]) -> dict[str, Any]:
    """Where an organisation's letter goes, by case (its application's organisation address; a person's letter goes
    to the holder's address on the badge): one GetItem per organisation case."""
    addresses: dict[str, Any] = {}
    for badge in badges:
        if badge.organisation_name is not None and badge.case_id not in addresses:
            case = store.get(badge.case_id)
            organisation = case.application.organisation if case else None
            addresses[badge.case_id] = organisation.address if organisation else None
    return addresses


def _with_letter_addresses(store: BadgeStore, badges: list[Badge]) -> list[tuple[Badge, Any]]:
    addresses = _letter_addresses(store, badges)
    return [(badge, addresses.get(badge.case_id) if badge.organisation_name is not None else None) for badge in badges]


def _photo_reads(desk: PrintDesk, pools: _Pools, badges: list[Badge]) -> list[Future[bytes | None] | None]:
    """Each badge's photo read, side by side (None: a badge without a photo key); consecutive badges of one case
    naming the same photo share one read."""
    reads: list[Future[bytes | None] | None] = []
    last_key, last_read = None, None
    for badge in badges:
        key = (badge.council_code, badge.case_id, badge.photo_key)  # the read checks the key is the case's own
        if badge.photo_key is not None and key != last_key:
            last_key, last_read = key, pools.photos.submit(_photo, desk, badge)
        reads.append(last_read if badge.photo_key is not None else None)
    return reads


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


def _mark_processed(desk: PrintDesk, pools: _Pools, batch: PrintBatch, now: Callable[[], datetime]) -> PrintBatch:
    """Finish a batch whose file the supplier has: COMPLETE. Its badges became PROCESSED as they were taken; those of a
    pushed batch (left ORDERED in the batch until the supplier's server had the file), of a batch an earlier version
    of the dispatch took, or whose delivery was found rather than recorded, are read back and marked, each with its
    audit entry."""
    written = batch.written
    if not batch.marked_when_taken:
        in_batch = _batch_badges(desk, pools, batch, IN_A_BATCH.__contains__)

        def mark(badges: list[Badge]) -> None:
            store = desk.store_for(badges[0].council_code)
            for chunk in _chunks([badge for badge in badges if badge.status is BadgeStatus.ORDERED], TAKEN_PER_TRANSACTION):
                at = now()
                _save_each(store, [_taken(badge, batch, at) for badge in chunk])

        list(pools.councils.map(mark, in_batch.values()))  # list(): raise the first failure here
        written = {code: len(badges) for code, badges in in_batch.items()}
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
