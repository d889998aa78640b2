"""The ASC front door team's dashboard figures for one council and one period, computed from its referrals alone.

Pure: the referrals come from shared.services.asc_triage.logic.statistics (which reads them with Queries). Dates are
UTC days, as on the Blue Badge dashboard. What each figure counts:
- by referrer, organisation and recommendation: referrals received in the period;
- outcomes, overrides and the inappropriate-referral rate: screening decisions (route, signpost or close) made in the
  period; asking the referrer for more is not a decision. A decision is an override when the screening officer
  decided other than the triage recommendation proposed (RECOMMENDED_OUTCOME);
- routing: referrals routed in the period, on time when routed by their routing_due, and the business hours each
  took from receipt to routing.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from shared.core.domain.council import CouncilConfig
from shared.services.asc_triage.domain.business_hours import business_hours_between
from shared.services.asc_triage.domain.case import ReferralCase, Screening, ScreeningOutcome
from shared.services.asc_triage.domain.referral import ReferrerKind
from shared.services.asc_triage.domain.settings import triage_settings
from shared.services.asc_triage.domain.triage import TriageRoute
# Service-neutral pieces of the Blue Badge dashboard (a period of UTC days, whole per cents, one version per case).
from shared.core.domain.statistics import Figure, Period, latest_versions

DECISIONS = frozenset({ScreeningOutcome.ROUTE, ScreeningOutcome.SIGNPOST, ScreeningOutcome.CLOSE})


class DecisionKind(StrEnum):
    ROUTED = "ROUTED"
    SIGNPOSTED = "SIGNPOSTED"
    CLOSED_NO_FURTHER_ACTION = "CLOSED_NO_FURTHER_ACTION"
    CLOSED_LINKED = "CLOSED_LINKED"  # joined to a case the person already has: not an inappropriate referral

    @classmethod
    def of(cls, screening: Screening) -> DecisionKind:
        if screening.outcome is ScreeningOutcome.ROUTE:
            return cls.ROUTED
        if screening.outcome is ScreeningOutcome.SIGNPOST:
            return cls.SIGNPOSTED
        return cls.CLOSED_LINKED if screening.linked_case_id else cls.CLOSED_NO_FURTHER_ACTION


INAPPROPRIATE = frozenset({DecisionKind.SIGNPOSTED, DecisionKind.CLOSED_NO_FURTHER_ACTION})


@dataclass(frozen=True)
class Override:
    recommended: TriageRoute
    decided: ScreeningOutcome
    count: int


@dataclass(frozen=True)
class RoutingTimes:
    """Referrals routed in the period, against the routing target, in business hours from receipt."""

    route: TriageRoute | None  # None: every referral routed
    routed: int
    within_target: int
    median_hours: float | None  # None: nothing routed
    ninetieth_percentile_hours: float | None


@dataclass(frozen=True)
class TriageDashboard:
    period: Period
    target_hours: float
    by_referrer: list[Figure]
    by_organisation: list[Figure]  # professional referrers only
    by_recommendation: list[Figure]
    decisions: list[Figure]  # one per DecisionKind, by its value
    overrides: list[Override]  # only the directions that happened, most frequent first
    routing: list[RoutingTimes]  # by recommendation, then all routed together

    @property
    def received(self) -> int:
        return sum(figure.count for figure in self.by_referrer)

    @property
    def decided(self) -> int:
        return sum(figure.count for figure in self.decisions)

    @property
    def overridden(self) -> int:
        return sum(override.count for override in self.overrides)

    def decisions_of(self, kind: DecisionKind) -> int:
        return next(figure.count for figure in self.decisions if figure.label == kind.value)

    @property
    def inappropriate(self) -> int:
        """Signposted, or closed with no further action: referrals that did not need the front door."""
        return sum(self.decisions_of(kind) for kind in INAPPROPRIATE)

    @property
    def all_routed(self) -> RoutingTimes:
        return self.routing[-1]


def nearest_rank(values: list[float], share: float) -> float | None:
    """The value that `share` of them are at or below (the nearest-rank percentile: always one of the values)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


def routing_times(route: TriageRoute | None, routed: list[ReferralCase], nation: str) -> RoutingTimes:
    hours = [business_hours_between(case.received_at, case.routed_at, nation) for case in routed]
    return RoutingTimes(
        route=route,
        routed=len(routed),
        within_target=sum(case.routed_at <= case.routing_due for case in routed),
        median_hours=statistics.median(hours) if hours else None,
        ninetieth_percentile_hours=nearest_rank(hours, 0.9),
    )


def organisation_counts(referrals: Iterable[ReferralCase]) -> list[Figure]:
    """Professional referrals by organisation, most first. The name is typed by the referrer, so names that differ only
    in case or spacing are one organisation, shown as its most used spelling."""
    spellings: dict[str, Counter[str]] = {}
    for case in referrals:
        referrer = case.application.referrer
        if referrer.kind is ReferrerKind.PROFESSIONAL and referrer.organisation:
            name = " ".join(referrer.organisation.split())
            spellings.setdefault(name.casefold(), Counter())[name] += 1
    figures = [Figure(min(names, key=lambda name: (-names[name], name)), names.total()) for names in spellings.values()]
    return sorted(figures, key=lambda figure: (-figure.count, figure.label.casefold()))


def compute_triage_dashboard(cases: Iterable[ReferralCase], council: CouncilConfig, period: Period) -> TriageDashboard:
    cases = latest_versions(cases)
    received = [case for case in cases if period.holds(case.received_at)]
    decided = [case for case in cases
               if case.screening is not None and case.screening.outcome in DECISIONS and period.holds(case.screening.at)]
    routed = [case for case in cases if period.holds(case.routed_at)]

    referrers = Counter(case.application.referrer.kind for case in received)
    recommendations = Counter(case.recommendation.route for case in received)
    kinds = Counter(DecisionKind.of(case.screening) for case in decided)
    directions = Counter((case.recommendation.route, case.screening.outcome)
                         for case in decided if case.screening.overrides_recommendation)
    return TriageDashboard(
        period=period,
        target_hours=triage_settings(council).routing_target_hours,
        by_referrer=[Figure(kind.value, referrers[kind]) for kind in ReferrerKind],
        by_organisation=organisation_counts(received),
        by_recommendation=[Figure(route.value, recommendations[route]) for route in TriageRoute],
        decisions=[Figure(kind.value, kinds[kind]) for kind in DecisionKind],
        overrides=[Override(recommended, decided_outcome, count)
                   for (recommended, decided_outcome), count in sorted(
                       directions.items(), key=lambda item: (-item[1], item[0][0], item[0][1]))],
        routing=[
            *(routing_times(route, [case for case in routed if case.recommendation.route is route], council.nation)
              for route in TriageRoute),
            routing_times(None, routed, council.nation),
        ],
    )
