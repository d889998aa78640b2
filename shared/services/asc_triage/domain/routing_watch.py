"""The routing clock's alarm: how many of a council's open referrals are near their routing target, and how many past it.

A referral is open while a person owes it a step: at screening, or waiting on its referrer (the clock does not stop
for the referrer). Each is timed as its case and the queue show it: the council's routing target in business hours
from when it was received, warning when fewer than the council's warning hours are left.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from shared.core.domain.council import CouncilConfig
from shared.services.asc_triage.domain.business_hours import ClockState, RoutingClock
from shared.services.asc_triage.domain.queue_row import ReferralQueueRow
from shared.services.asc_triage.domain.case import ReferralCase, ReferralStage
from shared.services.asc_triage.domain.settings import triage_settings

WATCHED_STAGES = (ReferralStage.SCREENING, ReferralStage.AWAITING_INFORMATION)


@dataclass(frozen=True)
class RoutingCounts:
    due_soon: int = 0
    overdue: int = 0


def routing_clock(case: ReferralCase | ReferralQueueRow, council: CouncilConfig) -> RoutingClock:
    """The referral's clock with its council's target and warning (the clock starts when the referral was received)."""
    settings = triage_settings(council)
    return RoutingClock(received_at=case.received_at, nation=council.nation.value, target_hours=settings.routing_target_hours,
                        warn_within_hours=settings.warn_within_hours)


def count_routing_clocks(referrals: Iterable[ReferralCase], council: CouncilConfig, now: datetime) -> RoutingCounts:
    """The council's open referrals due soon and overdue at `now`; referrals at any other stage are not counted."""
    states: list[ClockState] = []
    for case in referrals:
        if case.council_code != council.code:
            raise ValueError(f"council_code: referral {case.case_id} is of {case.council_code}, not {council.code}")
        if case.stage in WATCHED_STAGES:
            states.append(routing_clock(case, council).state(now))
    return RoutingCounts(due_soon=states.count(ClockState.DUE_SOON), overdue=states.count(ClockState.OVERDUE))
