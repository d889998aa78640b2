"""Print batches: which ORDERED badges a night's run sent to the supplier, in which file, and how far it got.

A batch moves CLAIMING -> DELIVERED [-> PUSHED] -> COMPLETE, and each step is safe to run again:
- CLAIMING: badges are taken into the batch PROCESSED, with their audit entries (conditional writes on the badges,
  a transaction per fifty; where the file must also reach the supplier's own server, they are taken ORDERED and
  marked once it has), so a second run, or another batch, can never take the same badge; the extract is written
  from exactly the badges taken, as they are taken, and appears in the supplier's folder only once complete. An
  attempt that dies here leaves no file: the next one reads back the badges already taken and takes the rest
  (CLAIMED, a batch that had taken every badge before writing, as earlier versions left it, is finished the same way);
- DELIVERED: the file is in the supplier's folder. Where the supplier runs its own server (`push_required`,
  fixed when the batch is made), the file must also reach that server;
- PUSHED: the file is on the supplier's own server;
- then COMPLETE: nothing left to do (a batch an earlier version took, `marked_when_taken` false, has its badges,
  left ORDERED in the batch until now, marked PROCESSED first). A re-run of the same batch id does nothing.
A run that fails part-way is resumed by running it again with the same batch id: the file is never sent twice for
one batch. A PROCESSED badge whose batch is not yet DELIVERED (or PUSHED) is on its way to the printer: it cannot be
cancelled, and it reaches the supplier when the batch is resumed.
A batch a dead run left unfinished is resumed by a later run (`unfinished_batch_ids` names it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shared.services.blue_badge.domain.badge import PrintBatchType


class BatchStatus(StrEnum):
    CLAIMING = "CLAIMING"
    CLAIMED = "CLAIMED"
    DELIVERED = "DELIVERED"
    PUSHED = "PUSHED"
    COMPLETE = "COMPLETE"


# A batch untouched this long belongs to a run that died (an attempt takes at most 15 minutes, and the state
# machine's retries wait minutes), so another run may finish it without racing its own run.
ABANDONED_AFTER = timedelta(hours=3)


class SkippedBadge(BaseModel):
    model_config = ConfigDict(frozen=True)

    council_code: str
    badge_number: str
    reason: str


class PushedFile(BaseModel):
    """An extract as the supplier's own server acknowledged it."""

    model_config = ConfigDict(frozen=True)

    filename: str
    remote_path: str
    bytes_written: int
    sha256: str | None = Field(default=None, description="None when an earlier attempt had pushed it already")
    at: datetime


class PrintBatch(BaseModel):
    batch_id: str
    batch_type: PrintBatchType
    run_id: str
    status: BatchStatus = BatchStatus.CLAIMING
    push_required: bool = Field(default=False, description="The supplier runs its own server: the file must reach it before the badges are marked")
    filename: str | None = None
    claimed: dict[str, int] = Field(default_factory=dict, description="Badges taken per council")
    written: dict[str, int] = Field(default_factory=dict, description="Badges in the delivered file per council")
    skipped: list[SkippedBadge] = Field(default_factory=list)
    marked_when_taken: bool = Field(default=False, description="Its badges became PROCESSED in the write that took them "
                                    "(a batch taken by an earlier version has them marked once the supplier has the file)")
    re_extracts: list[str] = Field(default_factory=list, description="Files sent again on demand (ReExtract yes)")
    pushed: list[PushedFile] = Field(default_factory=list, description="Files on the supplier's own server")
    updated_at: datetime
    version: int = 1

    @property
    def sent_file(self) -> str | None:
        """The extract's name, once a batch that took any badge has delivered it."""
        delivered = self.status in (BatchStatus.DELIVERED, BatchStatus.PUSHED, BatchStatus.COMPLETE) and self.claimed
        return self.filename if delivered else None

    @property
    def awaiting_push(self) -> bool:
        return self.status is BatchStatus.DELIVERED and self.push_required

    @property
    def ready_to_mark(self) -> bool:
        """The supplier has the file: in its folder, and on its own server where it runs one."""
        return self.status is BatchStatus.PUSHED or (self.status is BatchStatus.DELIVERED and not self.push_required)

    def files_to_push(self) -> list[str]:
        """Files in the supplier's folder that its own server does not have yet: the batch's extract while the badges
        wait for it, then any re-sent file."""
        pushed = {file.filename for file in self.pushed}
        extract = [self.filename] if self.awaiting_push and self.filename else []
        resent = self.re_extracts if self.push_required else []
        return [name for name in [*extract, *resent] if name not in pushed]

    def with_pushed(self, file: PushedFile, now: datetime) -> PrintBatch:
        """Record a file as on the supplier's server; the batch's own extract moves the batch to PUSHED."""
        status = BatchStatus.PUSHED if self.awaiting_push and file.filename == self.filename else self.status
        return self.moved_to(status, now, pushed=[*self.pushed, file])

    def moved_to(self, status: BatchStatus, now: datetime, **fields) -> PrintBatch:
        return self.model_copy(update=fields | {"status": status, "updated_at": now, "version": self.version + 1})


def run_id_for(scheduled_time: datetime) -> str:
    """A scheduled run is named by its scheduled time, so running that night again resumes the same batches."""
    return f"{scheduled_time.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def batch_id_for(run_id: str, batch_type: PrintBatchType) -> str:
    """Stable for one run (a retry or a redrive resumes the same batches); another run makes new batches,
    which can only take badges that no batch has taken."""
    return f"{run_id}-{batch_type.value}"


def unfinished_batch_ids(batches: Iterable[PrintBatch], run_id: str, now: datetime) -> list[str]:
    """Batches another run left unfinished and has stopped working on, oldest first: this run finishes them."""
    abandoned = [batch for batch in batches
                 if batch.status is not BatchStatus.COMPLETE and batch.run_id != run_id and batch.updated_at <= now - ABANDONED_AFTER]
    return [batch.batch_id for batch in sorted(abandoned, key=lambda batch: batch.updated_at)]
