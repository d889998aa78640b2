"""The routing clock's alarm: adult social care's declaration of its response watch (shared.core.domain.response_watch),
a council's open referrals counted as due soon and overdue at a frozen moment, and how the engine's logic reads them
(one Query per watched stage on the stage-by-priority index, queue lines only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from shared.core.adapters.case_store import QueueFilter, QueueOrder
from shared.core.domain.council import CouncilConfig, load_councils
from shared.core.domain.response_watch import ResponseCounts as RoutingCounts
from shared.core.domain.response_watch import count_response_clocks
from shared.core.logic.response_watch import watch_responses
from shared.services.asc_triage.domain.business_hours import LONDON
from shared.services.asc_triage.domain.case import ReferralCase, ReferralStage
from shared.services.asc_triage.domain.queue_row import ReferralQueueRow
from shared.services.asc_triage.domain.routing_watch import ASC_RESPONSE_WATCH, routing_clock
from shared.services.asc_triage.domain.settings import triage_settings
from shared.services.asc_triage.spec import ASC_TRIAGE
from tests.unit.asc_triage.test_statistics import referral

COUNCILS = load_councils()
NORTHSHIRE = COUNCILS.get("NORTHSHIRE")  # England: 24 business hours to route, warned 4 hours before
VALEWYE = COUNCILS.get("VALEWYE")  # Wales: the same target and warning
# June 2026 has no bank holiday in England or Wales; London keeps BST (UTC+1).
NOW = datetime(2026, 6, 17, 15, tzinfo=LONDON)  # a Wednesday, 15:00


def london(day: int, hour: int) -> datetime:
    return datetime(2026, 6, day, hour, tzinfo=LONDON)


# Due Monday 10:00: 19 business hours left.
ON_TIME = london(17, 10)
# Friday 16:00 + 24 business hours = Wednesday 16:00: 1 business hour left, fewer than the 4 warned of.
DUE_SOON = london(12, 16)
# Thursday 10:00 + 24 business hours = Tuesday 10:00: 5 business hours overdue.
OVERDUE = london(11, 10)


def open_referral(received: datetime, stage: ReferralStage = ReferralStage.SCREENING, council: str = "NORTHSHIRE",
                  **changes: Any) -> ReferralCase:
    return referral(received, council=council, stage=stage, **changes)


def count_routing_clocks(referrals: list[ReferralCase], council: CouncilConfig, now: datetime) -> RoutingCounts:
    """The referrals counted as the engine counts them: by their queue lines."""
    return count_response_clocks([ReferralQueueRow.of(case) for case in referrals], ASC_RESPONSE_WATCH, council, now)


def test_the_service_declares_its_watch_through_its_spec():
    assert ASC_TRIAGE.response_watch is ASC_RESPONSE_WATCH
    assert ASC_RESPONSE_WATCH.warn_within_hours(NORTHSHIRE) == triage_settings(NORTHSHIRE).warn_within_hours == 4


def warned_earlier(council: CouncilConfig, hours: float) -> CouncilConfig:
    settings = triage_settings(council).model_copy(update={"warn_within_hours": hours})
    return council.model_copy(update={"services": {**council.services, "asc-triage": settings}})


def test_the_clocks_are_the_ones_the_case_and_queue_show():
    assert routing_clock(open_referral(DUE_SOON), NORTHSHIRE).due_at == london(17, 16)
    assert routing_clock(open_referral(OVERDUE), NORTHSHIRE).due_at == london(16, 10)
    assert routing_clock(open_referral(ON_TIME), NORTHSHIRE).due_at == london(22, 10)


def test_a_referral_on_time_is_not_counted():
    assert count_routing_clocks([open_referral(ON_TIME)], NORTHSHIRE, NOW) == RoutingCounts(due_soon=0, overdue=0)


def test_due_soon_and_overdue_are_counted_apart():
    referrals = [open_referral(ON_TIME), open_referral(DUE_SOON), open_referral(OVERDUE), open_referral(OVERDUE)]
    assert count_routing_clocks(referrals, NORTHSHIRE, NOW) == RoutingCounts(due_soon=1, overdue=2)


def test_the_clock_runs_on_while_the_referrer_is_asked():
    referrals = [open_referral(DUE_SOON, ReferralStage.AWAITING_INFORMATION), open_referral(OVERDUE, ReferralStage.AWAITING_INFORMATION)]
    assert count_routing_clocks(referrals, NORTHSHIRE, NOW) == RoutingCounts(due_soon=1, overdue=1)


def test_the_warning_starts_exactly_the_warning_hours_before_the_target():
    referral_ = open_referral(DUE_SOON)
    assert count_routing_clocks([referral_], NORTHSHIRE, london(17, 12)) == RoutingCounts()  # 4 hours left: not yet
    assert count_routing_clocks([referral_], NORTHSHIRE, london(17, 12).replace(second=1)) == RoutingCounts(due_soon=1)
    assert count_routing_clocks([referral_], NORTHSHIRE, london(17, 16)) == RoutingCounts(due_soon=1)  # due now: not yet missed
    assert count_routing_clocks([referral_], NORTHSHIRE, london(17, 16).replace(second=1)) == RoutingCounts(overdue=1)


@pytest.mark.parametrize("stage", [ReferralStage.RECEIVED, ReferralStage.ROUTED, ReferralStage.SIGNPOSTED, ReferralStage.CLOSED])
def test_referrals_at_other_stages_are_not_counted(stage):
    assert count_routing_clocks([open_referral(OVERDUE, stage), open_referral(DUE_SOON, stage)], NORTHSHIRE, NOW) == RoutingCounts()


def test_each_council_is_counted_with_its_own_settings():
    northshire = [open_referral(DUE_SOON), open_referral(ON_TIME)]
    valewye = [open_referral(DUE_SOON, council="VALEWYE"), open_referral(ON_TIME, council="VALEWYE"),
               open_referral(OVERDUE, council="VALEWYE")]
    assert count_routing_clocks(northshire, NORTHSHIRE, NOW) == RoutingCounts(due_soon=1)
    assert count_routing_clocks(valewye, VALEWYE, NOW) == RoutingCounts(due_soon=1, overdue=1)
    # A council warned 20 business hours ahead sees the referral due Monday 10:00 (19 hours left) as due soon too.
    assert count_routing_clocks(valewye, warned_earlier(VALEWYE, 20), NOW) == RoutingCounts(due_soon=2, overdue=1)
    assert count_routing_clocks(northshire, NORTHSHIRE, london(22, 11)) == RoutingCounts(overdue=2)


class PagedStore:
    """CaseStore.queue as the stage-by-priority index answers it: one stage's queue lines, page by page (each page a
    Query)."""

    def __init__(self, cases: list[ReferralCase], page_size: int):
        self.cases, self.page_size, self.queries = cases, page_size, []

    def queue(self, wanted: QueueFilter, limit: int = 50, after: str | None = None) -> tuple[list[ReferralQueueRow], str | None]:
        assert wanted.order is QueueOrder.PRIORITY and not wanted.filters and wanted.team is None  # the holding area's index
        self.queries.append(wanted.stage)
        at_stage = [ReferralQueueRow.of(case) for case in self.cases if case.stage is wanted.stage]
        start = int(after or 0)
        end = start + min(limit, self.page_size)
        return at_stage[start:end], str(end) if end < len(at_stage) else None


def test_the_logic_reads_each_watched_stage_over_its_pages_and_no_other():
    cases = [open_referral(OVERDUE) for _ in range(5)] + [open_referral(DUE_SOON, ReferralStage.AWAITING_INFORMATION)]
    store = PagedStore(cases + [open_referral(OVERDUE, ReferralStage.ROUTED)], page_size=2)
    counts = watch_responses(store, ASC_RESPONSE_WATCH, NORTHSHIRE, NOW)  # type: ignore[arg-type] - the store's one read used here
    assert counts == RoutingCounts(due_soon=1, overdue=5)
    assert store.queries == [ReferralStage.SCREENING] * 3 + [ReferralStage.AWAITING_INFORMATION]
