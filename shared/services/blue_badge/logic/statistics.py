"""The team leaders' dashboard: read a council's cases with Queries, then compute (shared.services.blue_badge.domain.statistics).

Cost of one dashboard: one Query per stage (12) on the stage index, followed over its 1 MB pages. Stages
with open work are read whole (today's backlog: every case waiting, however old); the stages where cases
end up (ordered, refused, cancelled, withdrawn) only for cases received from a year before the period
up to its end, the index's sort key starting with the time received. So the read grows with the backlog
and with a year's decided cases, not with the council's whole history: a council deciding 5,000
applications a year (case items of 3-4 KB) reads about 10-20 MB, some 2,500 read units. A decision in
the period on a case received more than DECISION_LOOKBACK before it is not counted.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from shared.core.adapters.case_store import CaseStore, every_item
from shared.core.domain.case import Case
from shared.services.blue_badge.domain.badge import REJECTED_QUEUE, Badge
from shared.services.blue_badge.domain.case import Stage
from shared.core.domain.council import CouncilConfig
from shared.core.domain.statistics import Period, of_team
from shared.services.blue_badge.domain.statistics import BACKLOG_STAGES, Dashboard, compute_dashboard

DECISION_LOOKBACK = timedelta(days=365)


def council_dashboard(store: CaseStore, council: CouncilConfig, period: Period, now: datetime, team: str | None = None) -> Dashboard:
    """The council's figures for the period, or one team's (`team`: its cases only, backlog included)."""
    start = datetime.combine(period.first, time.min, UTC)
    end = datetime.combine(period.last + timedelta(days=1), time.min, UTC)
    cases: list[Case] = []
    for stage in Stage:
        if stage in BACKLOG_STAGES:
            cases += store.received_at_stage(stage, since=None, before=max(end, now + timedelta(minutes=1)))
        else:
            cases += store.received_at_stage(stage, since=start - DECISION_LOOKBACK, before=end)
    figures = compute_dashboard(of_team(cases, team), council, period, now.astimezone(UTC).date())
    return replace(figures, rejected_by_printer=rejected_by_printer(store))


def rejected_by_printer(store: CaseStore) -> int:
    """The council's badges on the printer's rejected queue (one Query a page of them)."""
    return sum(1 for _ in every_item(lambda after: store.record_queue(Badge, REJECTED_QUEUE, 100, after)))
