"""The ASC front door dashboard: read a council's referrals with Queries, then compute
(shared.services.asc_triage.domain.statistics).

Cost of one dashboard: one Query per referral stage (6) on the stage index, followed over its 1 MB pages, each for
the referrals received from DECISION_LOOKBACK before the period up to its end (the index's sort key starts with the
time received). Referrals are screened and routed within days, but one may wait on its referrer (up to 90 days of
information requests) or be left unscreened: DECISION_LOOKBACK still catches its decision or routing in the period.
So the read grows with the period plus the lookback: a council receiving 650 referrals a month (items of about
4 KB) reads some 2,600 referrals (10 MB, 1,300 read units) for 28 days, some 9,800 (40 MB, 5,000 units) for a year.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from shared.core.adapters.case_store import CaseStore
from shared.core.domain.council import CouncilConfig
from shared.services.asc_triage.domain.case import ReferralStage
from shared.services.asc_triage.domain.statistics import TriageDashboard, compute_triage_dashboard
from shared.core.domain.statistics import Period, of_team

DECISION_LOOKBACK = timedelta(days=91)


def council_triage_dashboard(store: CaseStore, council: CouncilConfig, period: Period, team: str | None = None) -> TriageDashboard:
    """The council's referral figures for the period, or one team's (`team`: the referrals in its queues now)."""
    start = datetime.combine(period.first, time.min, UTC)
    end = datetime.combine(period.last + timedelta(days=1), time.min, UTC)
    referrals = [
        case
        for stage in ReferralStage
        for case in store.received_at_stage(stage, since=start - DECISION_LOOKBACK, before=end)
    ]
    return compute_triage_dashboard(of_team(referrals, team), council, period)
