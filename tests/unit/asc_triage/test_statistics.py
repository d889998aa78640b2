"""The ASC front door dashboard's figures, from referrals built in memory, and how the logic reads them."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from shared.core.domain.council import load_councils
from shared.services.asc_triage.domain.business_hours import add_business_hours
from shared.services.asc_triage.domain.case import (
    RECOMMENDED_OUTCOME,
    ReferralCase,
    ReferralStage,
    Screening,
    ScreeningOutcome,
)
from shared.services.asc_triage.domain.referral import Referral
from shared.services.asc_triage.domain.statistics import DecisionKind, compute_triage_dashboard, nearest_rank
from shared.services.asc_triage.domain.triage import Recommendation, TriageRoute
from shared.services.asc_triage.logic.statistics import DECISION_LOOKBACK, council_triage_dashboard
from shared.core.domain.statistics import Period
from tests.unit.asc_triage.test_referral import referral_data

NORTHSHIRE = load_councils().get("NORTHSHIRE")  # England, 24 business hours to route
WEEK = Period(date(2026, 2, 2), date(2026, 2, 8))  # Monday to Sunday, no bank holiday


def at(day: int, hour: int = 10, month: int = 2) -> datetime:
    """A time in February 2026, when London keeps UTC."""
    return datetime(2026, month, day, hour, tzinfo=UTC)


def referral(received: datetime, route: TriageRoute = TriageRoute.LIKELY_ELIGIBLE, kind: str = "PROFESSIONAL",
             organisation: str = "Mill Lane Surgery", council: str = "NORTHSHIRE", **changes: Any) -> ReferralCase:
    """A referral received at `received` (each with its own referral id, so a store keeps them all)."""
    referrer = {"kind": kind, "name": "Sam Referrer", "email": "sam@example.org"}
    if kind == "PROFESSIONAL":
        referrer |= {"organisation": organisation, "role": "GP"}
    opened = ReferralCase.open(
        Referral.model_validate(referral_data(referral_id=f"REF-{secrets.token_hex(8)}", council_code=council, referrer=referrer)),
        Recommendation(route=route, reasons=[], rules_version="1", question_set_version=1),
        team="asc-front-door", routing_due=add_business_hours(received, 24, "ENG"), now=received,
    )
    return opened.model_copy(update=changes)


def screened(received: datetime, outcome: ScreeningOutcome, on: datetime, route: TriageRoute = TriageRoute.LIKELY_ELIGIBLE,
             linked_case_id: str | None = None, **changes: Any) -> ReferralCase:
    overrides = RECOMMENDED_OUTCOME[route] is not outcome
    screening = Screening(
        outcome=outcome, team="community-ot" if outcome is ScreeningOutcome.ROUTE else None, overrides_recommendation=overrides,
        reason="Known to the OT team" if overrides else None, linked_case_id=linked_case_id, by="so@northshire.example", at=on,
    )
    stage = {ScreeningOutcome.ROUTE: ReferralStage.ROUTED, ScreeningOutcome.SIGNPOST: ReferralStage.SIGNPOSTED,
             ScreeningOutcome.CLOSE: ReferralStage.CLOSED, ScreeningOutcome.ASK_REFERRER: ReferralStage.AWAITING_INFORMATION}[outcome]
    routed = {"routed_at": on} if outcome is ScreeningOutcome.ROUTE else {}
    return referral(received, route, screening=screening, stage=stage, **routed | changes)


def counts(figures: list) -> dict[str, int]:
    return {figure.label: figure.count for figure in figures}


def test_received_by_referrer_organisation_and_recommendation():
    figures = compute_triage_dashboard([
        referral(at(2), kind="SELF"),
        referral(at(3), TriageRoute.SUPPORT_NEEDS, kind="FAMILY_OR_FRIEND"),
        referral(at(3), TriageRoute.URGENT, organisation="Mill Lane Surgery"),
        referral(at(4), organisation="mill lane  surgery"),  # the same organisation, typed differently
        referral(at(5), organisation="Mill Lane Surgery "),
        referral(at(6), TriageRoute.SUPPORT_NEEDS, organisation="Northby Hospital"),
        referral(at(9), organisation="Late Hospital"),  # the day after the period
        referral(at(1), kind="SELF"),  # the day before
    ], NORTHSHIRE, WEEK)

    assert figures.received == 6
    assert counts(figures.by_referrer) == {"SELF": 1, "FAMILY_OR_FRIEND": 1, "PROFESSIONAL": 4}
    # Most first, named by the spelling used most.
    assert [(row.label, row.count) for row in figures.by_organisation] == [("Mill Lane Surgery", 3), ("Northby Hospital", 1)]
    assert counts(figures.by_recommendation) == {"LIKELY_ELIGIBLE": 3, "SUPPORT_NEEDS": 2, "URGENT": 1}


def test_decisions_in_the_period_and_the_inappropriate_referral_rate():
    figures = compute_triage_dashboard([
        screened(at(2), ScreeningOutcome.ROUTE, at(3)),
        screened(at(2), ScreeningOutcome.SIGNPOST, at(3), TriageRoute.SUPPORT_NEEDS),
        screened(at(2), ScreeningOutcome.SIGNPOST, at(4), TriageRoute.SUPPORT_NEEDS),
        screened(at(3), ScreeningOutcome.CLOSE, at(4)),  # no further action
        screened(at(3), ScreeningOutcome.CLOSE, at(4), linked_case_id="NORTHSHIRE-260101-ABCDEF"),  # joins an existing case
        screened(at(3), ScreeningOutcome.ASK_REFERRER, at(4)),  # asking for more is not a decision
        screened(datetime(2026, 1, 20, 10, tzinfo=UTC), ScreeningOutcome.ROUTE, at(30, month=1)),  # decided before the period
        screened(at(6), ScreeningOutcome.CLOSE, at(9)),  # decided after it
    ], NORTHSHIRE, WEEK)

    assert counts(figures.decisions) == {"ROUTED": 1, "SIGNPOSTED": 2, "CLOSED_NO_FURTHER_ACTION": 1, "CLOSED_LINKED": 1}
    assert figures.decided == 5
    assert figures.inappropriate == 3  # signposted, or closed with no further action
    assert figures.decisions_of(DecisionKind.CLOSED_NO_FURTHER_ACTION) == 1


def test_overrides_by_direction_most_frequent_first():
    figures = compute_triage_dashboard([
        screened(at(2), ScreeningOutcome.ROUTE, at(3), TriageRoute.SUPPORT_NEEDS),
        screened(at(2), ScreeningOutcome.ROUTE, at(3), TriageRoute.SUPPORT_NEEDS),
        screened(at(2), ScreeningOutcome.SIGNPOST, at(3), TriageRoute.LIKELY_ELIGIBLE),
        screened(at(2), ScreeningOutcome.ROUTE, at(3), TriageRoute.LIKELY_ELIGIBLE),  # as recommended
        screened(at(2), ScreeningOutcome.SIGNPOST, at(3), TriageRoute.SUPPORT_NEEDS),  # as recommended
    ], NORTHSHIRE, WEEK)

    assert [(row.recommended, row.decided, row.count) for row in figures.overrides] == [
        (TriageRoute.SUPPORT_NEEDS, ScreeningOutcome.ROUTE, 2),
        (TriageRoute.LIKELY_ELIGIBLE, ScreeningOutcome.SIGNPOST, 1),
    ]
    assert (figures.overridden, figures.decided) == (3, 5)


def test_routing_within_target_and_time_to_route_in_business_hours():
    monday = at(2)  # 10:00: due 24 business hours later, Thursday 10:00
    figures = compute_triage_dashboard([
        screened(monday, ScreeningOutcome.ROUTE, at(2, 15)),  # 5 hours
        screened(monday, ScreeningOutcome.ROUTE, at(3, 12), TriageRoute.URGENT),  # 7 + 3 = 10 hours
        screened(monday, ScreeningOutcome.ROUTE, at(6, 10)),  # Friday: 32 hours, late
        screened(at(3, 9), ScreeningOutcome.ROUTE, at(3, 11)),  # 2 hours
        screened(monday, ScreeningOutcome.ROUTE, at(9, 10)),  # routed after the period
    ], NORTHSHIRE, WEEK)

    every, likely, support, urgent = figures.all_routed, *figures.routing[:3]
    assert (every.route, every.routed, every.within_target) == (None, 4, 3)
    assert (every.median_hours, every.ninetieth_percentile_hours) == (7.5, 32.0)
    assert (likely.route, likely.routed, likely.within_target, likely.median_hours) == (TriageRoute.LIKELY_ELIGIBLE, 3, 2, 5.0)
    assert (urgent.route, urgent.routed, urgent.median_hours, urgent.ninetieth_percentile_hours) == (TriageRoute.URGENT, 1, 10.0, 10.0)
    assert (support.routed, support.median_hours, support.ninetieth_percentile_hours) == (0, None, None)
    assert figures.target_hours == 24


def test_the_routing_target_is_the_referrals_own_due_time():
    case = screened(at(2), ScreeningOutcome.ROUTE, at(3, 11))
    on_the_dot = case.model_copy(update={"routing_due": case.routed_at})
    a_minute_short = case.model_copy(update={"routing_due": case.routed_at - timedelta(minutes=1)})
    assert compute_triage_dashboard([on_the_dot], NORTHSHIRE, WEEK).all_routed.within_target == 1
    assert compute_triage_dashboard([a_minute_short], NORTHSHIRE, WEEK).all_routed.within_target == 0


def test_a_referral_read_twice_while_it_moved_stage_counts_once():
    waiting = referral(at(2), stage=ReferralStage.SCREENING)
    moved = screened(at(2), ScreeningOutcome.ROUTE, at(3)).model_copy(update={"case_id": waiting.case_id, "version": 3})
    figures = compute_triage_dashboard([waiting, moved], NORTHSHIRE, WEEK)
    assert figures.received == 1 and figures.decided == 1 and figures.all_routed.routed == 1


def test_an_empty_period_has_nothing_to_divide():
    figures = compute_triage_dashboard([], NORTHSHIRE, WEEK)
    assert figures.received == figures.decided == figures.inappropriate == 0
    assert figures.by_organisation == [] and figures.overrides == []
    assert figures.all_routed.median_hours is None and figures.all_routed.ninetieth_percentile_hours is None


@pytest.mark.parametrize(("values", "share", "expected"), [
    ([], 0.9, None),
    ([4.0], 0.9, 4.0),
    ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 0.9, 9.0),
    ([10.0, 1.0, 2.0], 0.5, 2.0),
    ([3.0, 1.0], 0.0, 1.0),
])
def test_nearest_rank_is_always_one_of_the_values(values, share, expected):
    assert nearest_rank(values, share) == expected


class RecordingStore:
    """Answers received_at_stage like the stage index, and records each Query asked."""

    def __init__(self, cases: list[ReferralCase]):
        self.cases = cases
        self.queries: list[tuple[ReferralStage, datetime | None, datetime]] = []

    def received_at_stage(self, stage, since, before):
        self.queries.append((stage, since, before))
        return [case for case in self.cases
                if case.stage is stage and (since is None or since <= case.received_at) and case.received_at < before]


def test_the_logic_queries_each_referral_stage_over_the_period_and_its_lookback():
    store = RecordingStore([
        screened(at(2) - timedelta(days=60), ScreeningOutcome.ROUTE, at(4)),  # waited two months: still counted
        referral(at(5), stage=ReferralStage.AWAITING_INFORMATION),
    ])
    figures = council_triage_dashboard(store, NORTHSHIRE, WEEK)

    start, end = at(2, 0), at(9, 0)
    assert store.queries == [(stage, start - DECISION_LOOKBACK, end) for stage in ReferralStage]
    assert figures.all_routed.routed == 1 and figures.received == 1
