"""The team leaders' dashboard figures for one council and one period, computed from its cases alone.

Pure: the cases come from shared.services.blue_badge.logic.statistics (which reads them with Queries). Dates are UTC days.
What each figure counts:
- received by channel, complete at first submission: cases received in the period;
- decided within target, approvals and refusals by route: first decisions made in the period, on
  applications for a badge (cancellation requests are not decisions about a badge);
- reviews: requests made in the period, and reviews decided in it by outcome;
- badges ordered: badges of the approvals (or overturned refusals) made in the period that have been ordered;
- backlog: cases open today (not yet decided, or under review), by age.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from shared.services.blue_badge.domain.application import ApplicationType, Channel, EligibilityCode
from shared.core.domain.case import Case
from shared.services.blue_badge.domain.case import DecisionOutcome, ReviewOutcome, Stage
from shared.core.domain.council import CouncilConfig
from shared.core.domain.statistics import utc_day
from shared.services.blue_badge.domain.kpi import case_age, decision_target_days
from shared.core.domain.working_days import working_days_between
from shared.services.blue_badge.domain.pip import routes_automatically
from shared.services.blue_badge.domain.settings import badge_settings
from shared.core.domain.statistics import Figure, Period, latest_versions

# Open work: a decision (or a review's) is still to be made, or the approved badge waits for its fee.
BACKLOG_STAGES = frozenset({
    Stage.RECEIVED, Stage.AWAITING_INFORMATION, Stage.SCREENING, Stage.PROOF_CHECK, Stage.ASSESSMENT,
    Stage.DECISION, Stage.AWAITING_PAYMENT, Stage.REVIEW,
})


@dataclass(frozen=True)
class AgeBand:
    label: str
    from_days: int  # working days since received (the council's nation's calendar)
    below_days: int | None  # None: no upper limit


# Working days, as the targets count; the last band is DfT's 12-week guideline end to end (60 working days).
AGE_BANDS = (
    AgeBand("Under 5 working days", 0, 5),
    AgeBand("5 to 10 working days", 5, 10),
    AgeBand("10 to 20 working days", 10, 20),
    AgeBand("20 to 40 working days", 20, 40),
    AgeBand("40 to 60 working days", 40, 60),
    AgeBand("60 working days or more", 60, None),
)


@dataclass(frozen=True)
class OnTime:
    label: str
    target_days: int
    decided: int
    within_target: int


@dataclass(frozen=True)
class RouteOutcomes:
    label: str
    approved: int
    refused: int


@dataclass(frozen=True)
class Reviews:
    requested: int
    upheld: int
    overturned: int


@dataclass(frozen=True)
class Dashboard:
    period: Period
    received_by_channel: list[Figure]
    complete_first_time: int
    decided_on_time: list[OnTime]
    outcomes_by_route: list[RouteOutcomes]
    reviews: Reviews
    badges_ordered: int
    badges_by_route: list[Figure]  # the badges ordered, by eligibility route (what councils report to DfT)
    backlog_by_age: list[Figure]
    backlog_overdue: int
    rejected_by_printer: int = 0  # today, the whole council's: badges the printer rejected, waiting to be corrected

    @property
    def received(self) -> int:
        return sum(figure.count for figure in self.received_by_channel)

    @property
    def backlog(self) -> int:
        return sum(figure.count for figure in self.backlog_by_age)


def complete_at_first_submission(case: Case) -> bool:
    """Never asked for anything: nothing missing now, and no information ever requested (its due date stays)."""
    return case.information_due is None and not case.missing


def approval_time(case: Case) -> datetime | None:
    """When the approval that stands was given: the first decision's, or the review's that overturned a refusal."""
    if case.review is not None and case.review.outcome is ReviewOutcome.OVERTURN:
        return case.review.at
    if case.decision is not None and case.decision.outcome is DecisionOutcome.APPROVE:
        return case.decision.at
    return None


def route_label(code: EligibilityCode | None) -> str:
    return code.words if code is not None else "No eligibility route (replacements)"


def compute_dashboard(cases: Iterable[Case], council: CouncilConfig, period: Period, today: date) -> Dashboard:
    cases = latest_versions(cases)
    received = [case for case in cases if period.holds(case.received_at)]
    by_channel = {channel: 0 for channel in Channel}
    for case in received:
        by_channel[case.application.channel] += 1

    badge_cases = [case for case in cases if case.application.application_type is not ApplicationType.CANCEL]
    decided = [case for case in badge_cases if case.decision is not None and period.holds(case.decision.at)]
    on_time = {True: [0, 0], False: [0, 0]}  # automatic route? -> [decided, within target]
    outcomes: dict[EligibilityCode | None, list[int]] = {}  # route -> [approved, refused]
    for case in decided:
        eligibility = case.application.eligibility
        automatic = routes_automatically(case.application)
        days = working_days_between(utc_day(case.received_at), utc_day(case.decision.at), council.nation)
        on_time[automatic][0] += 1
        on_time[automatic][1] += days <= decision_target_days(council, case.application)
        counts = outcomes.setdefault(eligibility.code if eligibility else None, [0, 0])
        counts[case.decision.outcome is DecisionOutcome.REFUSE] += 1

    ordered_by_route: dict[EligibilityCode | None, int] = {}
    for case in badge_cases:
        if case.badge_numbers and period.holds(approval_time(case)):
            eligibility = case.application.eligibility
            route = eligibility.code if eligibility else None
            ordered_by_route[route] = ordered_by_route.get(route, 0) + len(case.badge_numbers)

    reviews = [case.review for case in cases if case.review is not None]
    backlog = [case for case in cases if case.stage in BACKLOG_STAGES]
    return Dashboard(
        period=period,
        received_by_channel=[Figure(channel.value, count) for channel, count in by_channel.items()],
        complete_first_time=sum(complete_at_first_submission(case) for case in received),
        decided_on_time=[
            OnTime("Automatic routes", badge_settings(council).kpi.days_to_decision_automatic, *on_time[True]),
            OnTime("Further assessment and other applications", badge_settings(council).kpi.days_to_decision, *on_time[False]),
        ],
        outcomes_by_route=[
            RouteOutcomes(route_label(route), *outcomes[route])
            for route in [*EligibilityCode, None] if route in outcomes
        ],
        reviews=Reviews(
            requested=sum(period.holds(review.requested_at) for review in reviews),
            upheld=sum(review.outcome is ReviewOutcome.UPHOLD and period.holds(review.at) for review in reviews),
            overturned=sum(review.outcome is ReviewOutcome.OVERTURN and period.holds(review.at) for review in reviews),
        ),
        badges_ordered=sum(ordered_by_route.values()),
        badges_by_route=[Figure(route_label(route), ordered_by_route[route]) for route in [*EligibilityCode, None] if route in ordered_by_route],
        backlog_by_age=[Figure(band.label, sum(_in_band(case, band, today, council) for case in backlog)) for band in AGE_BANDS],
        backlog_overdue=sum(case_age(case, council, today).overdue for case in backlog),
    )


def _in_band(case: Case, band: AgeBand, today: date, council: CouncilConfig) -> bool:
    age = working_days_between(utc_day(case.received_at), today, council.nation)
    return band.from_days <= age and (band.below_days is None or age < band.below_days)
