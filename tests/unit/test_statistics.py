"""The KPI clock and the dashboard figures, from cases built in memory."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from shared.services.blue_badge.domain.application import Application
from shared.core.domain.case import Case
from shared.services.blue_badge.domain.case import Decision, DecisionOutcome, Review, ReviewOutcome, Stage
from shared.core.domain.council import load_councils
from shared.services.blue_badge.domain.kpi import case_age
from shared.core.domain.working_days import working_days_between
from shared.core.domain.statistics import Period, percent
from shared.services.blue_badge.domain.statistics import compute_dashboard
from shared.services.blue_badge.domain.case import BadgeCase
from tests.factories import complete_application

NORTHSHIRE = load_councils().get("NORTHSHIRE")  # 30 working days, 5 for automatic routes
TODAY = date(2026, 6, 26)  # a Friday
WALKD = {"code": "WALKD", "walking": {"difficulties": ["PAIN"]}}


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def case(received: date, stage: Stage = Stage.DECISION, application: dict[str, Any] | None = None, **changes: Any) -> Case:
    opened = BadgeCase.open(Application.model_validate(complete_application(**(application or {}))), [], at(received))
    return opened.model_copy(update={"stage": stage, **changes})


def decided(received: date, on: date, outcome: DecisionOutcome = DecisionOutcome.APPROVE, stage: Stage | None = None,
            **changes: Any) -> Case:
    stage = stage or (Stage.ORDERED if outcome is DecisionOutcome.APPROVE else Stage.REFUSED)
    return case(received, stage, decision=Decision(outcome=outcome, reasons=["r"] if outcome is DecisionOutcome.REFUSE else [],
                                                   by="a@x.example", at=at(on)), **changes)


@pytest.mark.parametrize(("start", "end", "days"), [
    (date(2026, 6, 22), date(2026, 6, 22), 0),  # the day itself
    (date(2026, 6, 22), date(2026, 6, 26), 4),  # Monday to Friday
    (date(2026, 6, 26), date(2026, 6, 29), 1),  # Friday to Monday: the weekend does not count
    (date(2026, 6, 27), date(2026, 6, 28), 0),  # Saturday to Sunday
    (date(2026, 6, 1), date(2026, 6, 29), 20),  # four whole weeks
    (date(2026, 6, 29), date(2026, 6, 1), -20),  # backwards: minus the working days (a deadline passed)
    (date(2026, 5, 22), date(2026, 5, 26), 1),  # Friday to Tuesday over the spring bank holiday (Monday 25 May)
])
def test_working_days(start, end, days):
    assert working_days_between(start, end, "ENG") == days


def test_age_against_the_target_depends_on_route_and_stage():
    automatic = case_age(case(TODAY - timedelta(days=9), Stage.PROOF_CHECK), NORTHSHIRE, TODAY)  # 7 working days, target 5
    assert (automatic.working_days, automatic.target_days, automatic.overdue) == (7, 5, True)
    assessed = case_age(case(TODAY - timedelta(days=9), Stage.ASSESSMENT, {"eligibility": WALKD}), NORTHSHIRE, TODAY)
    assert (assessed.target_days, assessed.overdue, assessed.days_left) == (30, False, 23)
    waiting = case_age(case(TODAY - timedelta(days=90), Stage.AWAITING_INFORMATION), NORTHSHIRE, TODAY)
    assert waiting.clock_running is False and waiting.overdue is False


def test_percent_rounds_half_up_and_has_nothing_to_divide_by_zero():
    assert (percent(1, 3), percent(2, 3), percent(1, 8), percent(0, 0)) == (33, 67, 13, None)


def test_dashboard_figures():
    period = Period(date(2026, 6, 1), date(2026, 6, 26))
    before = date(2026, 5, 20)
    cases = [
        case(date(2026, 6, 2), Stage.SCREENING, {"channel": "PAPER"}),
        case(date(2026, 6, 3), Stage.DECISION, {"channel": "PHONE"}, information_due=at(date(2026, 6, 30))),  # was asked for more
        case(date(2026, 6, 4), Stage.AWAITING_INFORMATION, {"channel": "ONLINE"}, information_due=at(date(2026, 7, 2))),
        case(date(2026, 5, 31), Stage.DECISION),  # received before the period
        decided(date(2026, 6, 1), date(2026, 6, 5), badge_numbers=["N1"]),  # PIP: 4 working days, within 5
        decided(before, date(2026, 6, 10), badge_numbers=["N2", "N3"]),  # PIP: 15 working days: late
        decided(date(2026, 6, 1), date(2026, 6, 12), DecisionOutcome.REFUSE, application={"eligibility": WALKD}),  # within 30
        decided(before, date(2026, 5, 29)),  # decided before the period
        decided(before, date(2026, 5, 29), DecisionOutcome.REFUSE, stage=Stage.REVIEW,  # review asked for in the period
                review=Review(requested_at=at(date(2026, 6, 3)), requested_by="c@x.example", grounds="g")),
        decided(before, date(2026, 5, 25), DecisionOutcome.REFUSE, stage=Stage.ORDERED, badge_numbers=["N4"],  # overturned in it
                review=Review(requested_at=at(date(2026, 5, 27)), requested_by="c@x.example", grounds="g",
                              outcome=ReviewOutcome.OVERTURN, by="d@x.example", at=at(date(2026, 6, 8)))),
        case(date(2026, 6, 5), Stage.BADGE_CANCELLED, {"application_type": "CANCEL", "existing_badge_number": "123ABC",
                                                       "cancel_reason": "NOLONG"},
             decision=Decision(outcome=DecisionOutcome.APPROVE, by="a@x.example", at=at(date(2026, 6, 6)))),
    ]
    figures = compute_dashboard([*cases, cases[0]], NORTHSHIRE, period, TODAY)  # a case read twice counts once

    assert {figure.label: figure.count for figure in figures.received_by_channel} == {"ONLINE": 4, "PAPER": 1, "PHONE": 1, "INPERSON": 0}
    assert figures.received == 6 and figures.complete_first_time == 4  # not the one asked for more, nor the one waiting
    automatic, other = figures.decided_on_time
    assert (automatic.target_days, automatic.decided, automatic.within_target) == (5, 2, 1)
    assert (other.target_days, other.decided, other.within_target) == (30, 1, 1)
    assert [(row.label, row.approved, row.refused) for row in figures.outcomes_by_route] == [("PIP", 2, 0), ("Walking difficulty", 0, 1)]
    assert (figures.reviews.requested, figures.reviews.upheld, figures.reviews.overturned) == (1, 0, 1)
    assert figures.badges_ordered == 4  # N1, N2, N3 and the overturned refusal's N4
    # By the route they qualified on, as councils report to DfT (all four are PIP awards here).
    assert [(row.label, row.count) for row in figures.badges_by_route] == [("PIP", 4)]
    # Open today, in working days: screening (18), decision (17), awaiting information (16), decision (20) and the
    # review (26: received 20 May, before the spring bank holiday, which does not count).
    assert {figure.label: figure.count for figure in figures.backlog_by_age} == {
        "Under 5 working days": 0, "5 to 10 working days": 0, "10 to 20 working days": 3, "20 to 40 working days": 2,
        "40 to 60 working days": 0, "60 working days or more": 0}
    assert figures.backlog_overdue == 3  # the three PIP cases at screening and decision (past 5 working days)


def test_badges_ordered_are_counted_by_the_route_they_qualified_on():
    period = Period(date(2026, 6, 1), date(2026, 6, 26))
    cases = [decided(date(2026, 6, 1), date(2026, 6, 5), badge_numbers=["N1"]),
             decided(date(2026, 6, 1), date(2026, 6, 8), badge_numbers=["W1", "W2"], application={"eligibility": WALKD}),
             decided(date(2026, 6, 1), date(2026, 6, 9), DecisionOutcome.REFUSE, application={"eligibility": WALKD}),
             decided(date(2026, 5, 1), date(2026, 5, 5), badge_numbers=["OLD"])]  # ordered before the period
    figures = compute_dashboard(cases, NORTHSHIRE, period, TODAY)
    assert [(row.label, row.count) for row in figures.badges_by_route] == [("PIP", 1), ("Walking difficulty", 2)]
    assert figures.badges_ordered == 3


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Period(date(2026, 6, 2), date(2026, 6, 1))
