"""The routing watch of one council: its open referrals read with one Query per watched stage (on the stage index,
followed over its pages, never a Scan), then counted (shared.services.asc_triage.domain.routing_watch)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from shared.core.adapters.case_store import CaseStore
from shared.core.domain.council import CouncilConfig
from shared.services.asc_triage.domain.case import ReferralCase
from shared.services.asc_triage.domain.routing_watch import (
    WATCHED_STAGES,
    RoutingCounts,
    count_routing_clocks,
)

PAGE_SIZE = 100


def watch_routing(store: CaseStore, council: CouncilConfig, now: datetime) -> RoutingCounts:
    """`store`: the council's store serving asc-triage."""
    return count_routing_clocks(_open_referrals(store), council, now)


def _open_referrals(store: CaseStore) -> Iterator[ReferralCase]:
    for stage in WATCHED_STAGES:
        cursor: str | None = None
        while True:
            cases, cursor = store.by_stage(stage, limit=PAGE_SIZE, after=cursor)
            yield from cases
            if cursor is None:
                break
