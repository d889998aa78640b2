"""The routing clock, as the engine's response watch reads it (shared.core.domain.response_watch): a referral is open
while a person owes it a step, at screening or waiting on its referrer (the clock does not stop for the referrer), and
is timed as its case and the queue show it: the council's routing target in business hours from when it was received,
due soon when fewer than the council's warning hours are left.
"""

from __future__ import annotations

from datetime import datetime

from shared.core.domain.business_hours import ClockState, RoutingClock
from shared.core.domain.council import CouncilConfig
from shared.core.domain.response_watch import ResponseWatch
from shared.services.asc_triage.domain.case import ReferralCase, ReferralStage
from shared.services.asc_triage.domain.queue_row import ReferralQueueRow
from shared.services.asc_triage.domain.settings import triage_settings

WATCHED_STAGES = (ReferralStage.SCREENING, ReferralStage.AWAITING_INFORMATION)


def routing_clock(case: ReferralCase | ReferralQueueRow, council: CouncilConfig) -> RoutingClock:
    """The referral's clock with its council's target and warning (the clock starts when the referral was received)."""
    settings = triage_settings(council)
    return RoutingClock(received_at=case.received_at, nation=council.nation.value, target_hours=settings.routing_target_hours,
                        warn_within_hours=settings.warn_within_hours)


def routing_clock_state(row: ReferralQueueRow, council: CouncilConfig, now: datetime) -> ClockState:
    return routing_clock(row, council).state(now)


ASC_RESPONSE_WATCH = ResponseWatch(
    stages=WATCHED_STAGES,
    clock_state=routing_clock_state,
    warn_within_hours=lambda council: triage_settings(council).warn_within_hours,
    case_noun="referral",
    target="routing target",
)
