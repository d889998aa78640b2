"""The response watch of one council and one service: the service's open cases read as their queue lines, one Query per
watched stage on the stage-by-priority index the work queues use (followed over its pages; never a Scan, never a whole
case), then counted against their targets (shared.core.domain.response_watch)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from shared.core.adapters.case_store import CaseStore, QueueFilter, QueueOrder, every_item
from shared.core.domain.council import CouncilConfig
from shared.core.domain.queue_row import QueueRow
from shared.core.domain.response_watch import ResponseCounts, ResponseWatch, count_response_clocks

PAGE_SIZE = 100


def watch_responses(store: CaseStore, watch: ResponseWatch, council: CouncilConfig, now: datetime) -> ResponseCounts:
    """`store`: the council's store serving the watched service."""
    return count_response_clocks(_open_rows(store, watch), watch, council, now)


def _open_rows(store: CaseStore, watch: ResponseWatch) -> Iterator[QueueRow]:
    for stage in watch.stages:
        by_priority = QueueFilter(stage=stage, order=QueueOrder.PRIORITY)
        yield from every_item(lambda after, by_priority=by_priority: store.queue(by_priority, limit=PAGE_SIZE, after=after))
