"""Print batches: which ORDERED badges a night's run sent to the supplier, in which file, and how far it got.

A batch moves CLAIMING -> CLAIMED -> DELIVERED -> COMPLETE, and each step is safe to run again:
- CLAIMING: badges are taken into the batch one by one (each a conditional write on the badge), so a
  second run, or another batch, can never take the same badge;
- CLAIMED: every badge is taken; the extract is written from exactly those badges and delivered;
- DELIVERED: the file is with the supplier; the badges are marked PROCESSED;
- COMPLETE: nothing left to do. A re-run of the same batch id does nothing.
A run that fails part-way is resumed by running it again with the same batch id: the file is never sent
twice for one batch, and no badge is left PROCESSED without having been in a delivered file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.badge import PrintBatchType


class BatchStatus(StrEnum):
    CLAIMING = "CLAIMING"
    CLAIMED = "CLAIMED"
    DELIVERED = "DELIVERED"
    COMPLETE = "COMPLETE"


class SkippedBadge(BaseModel):
    model_config = ConfigDict(frozen=True)

    council_code: str
    badge_number: str
    reason: str


class PrintBatch(BaseModel):
    batch_id: str
    batch_type: PrintBatchType
    run_id: str
    status: BatchStatus = BatchStatus.CLAIMING
    filename: str | None = None
    claimed: dict[str, int] = Field(default_factory=dict, description="Badges taken per council")
    written: dict[str, int] = Field(default_factory=dict, description="Badges in the delivered file per council")
    skipped: list[SkippedBadge] = Field(default_factory=list)
    re_extracts: list[str] = Field(default_factory=list, description="Files sent again on demand (ReExtract yes)")
    updated_at: datetime
    version: int = 1

    @property
    def sent_file(self) -> str | None:
        """The extract's name, once a batch that took any badge has delivered it."""
        delivered = self.status in (BatchStatus.DELIVERED, BatchStatus.COMPLETE) and self.claimed
        return self.filename if delivered else None

    def moved_to(self, status: BatchStatus, now: datetime, **fields) -> PrintBatch:
        return self.model_copy(update=fields | {"status": status, "updated_at": now, "version": self.version + 1})


def run_id_for(scheduled_time: datetime) -> str:
    """A scheduled run is named by its scheduled time, so running that night again resumes the same batches."""
    return f"{scheduled_time.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def batch_id_for(run_id: str, batch_type: PrintBatchType) -> str:
    """Stable for one run (a retry or a redrive resumes the same batches); another run makes new batches,
    which can only take badges that no batch has taken."""
    return f"{run_id}-{batch_type.value}"
