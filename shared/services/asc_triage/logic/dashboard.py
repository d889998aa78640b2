"""The ASC front door dashboard's tables (its `ServiceSpec.dashboard`): referrals, screening and routing for a period,
each a Table that both the page (web/pages/asc_dashboard.py) and its CSV download are drawn from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from shared.core.adapters.case_store import CaseStore
from shared.core.domain.council import CouncilConfig
from shared.core.domain.statistics import Cell, Period, Table, share
from shared.services.asc_triage.domain.case import ScreeningOutcome
from shared.services.asc_triage.domain.referral import ReferrerKind
from shared.services.asc_triage.domain.statistics import (
    DecisionKind,
    RoutingTimes,
    TriageDashboard,
)
from shared.services.asc_triage.domain.triage import TriageRoute
from shared.services.asc_triage.logic.statistics import council_triage_dashboard

REFERRER_LABELS = {
    ReferrerKind.SELF: "The person themselves",
    ReferrerKind.FAMILY_OR_FRIEND: "Family member or friend",
    ReferrerKind.PROFESSIONAL: "Professional",
}
RECOMMENDATION_LABELS = {
    TriageRoute.LIKELY_ELIGIBLE: "Likely eligible",
    TriageRoute.SUPPORT_NEEDS: "Support needs (signpost)",
    TriageRoute.URGENT: "Urgent",
}
OUTCOME_LABELS = {
    ScreeningOutcome.ROUTE: "Route to a team",
    ScreeningOutcome.SIGNPOST: "Signpost",
    ScreeningOutcome.CLOSE: "Close",
}
DECISION_LABELS = {
    DecisionKind.ROUTED: "Routed to a team",
    DecisionKind.SIGNPOSTED: "Signposted to community support",
    DecisionKind.CLOSED_NO_FURTHER_ACTION: "Closed with no further action",
    DecisionKind.CLOSED_LINKED: "Closed and linked to an existing case",
}


def hours(value: float | None) -> str | None:
    return None if value is None else f"{value:.1f}"


def key_figures(figures: TriageDashboard) -> Table:
    routed = figures.all_routed
    return Table(
        "key-figures", "At a glance", "", ("Figure", "Number", "Out of", "Per cent"), [
            ("Referrals received", figures.received, None, None),
            ("Screening decisions", figures.decided, None, None),
            ("Inappropriate referrals (signposted or closed with no further action)", figures.inappropriate,
             figures.decided, share(figures.inappropriate, figures.decided)),
            ("Recommendation overridden", figures.overridden, figures.decided, share(figures.overridden, figures.decided)),
            (f"Routed within {figures.target_hours:g} business hours", routed.within_target, routed.routed,
             share(routed.within_target, routed.routed)),
        ],
    )


def referrers(figures: TriageDashboard) -> Table:
    return Table(
        "referrers", "Referrals by who referred", "Referrals received in the period",
        ("Referrer", "Referrals", "Share"),
        [(REFERRER_LABELS[ReferrerKind(row.label)], row.count, share(row.count, figures.received)) for row in figures.by_referrer],
    )


def organisations(figures: TriageDashboard) -> Table:
    professional = sum(row.count for row in figures.by_organisation)
    return Table(
        "organisations", "Professional referrals by organisation",
        "Referrals received in the period from professionals, by the organisation they gave",
        ("Organisation", "Referrals", "Share of professional referrals"),
        [(row.label, row.count, share(row.count, professional)) for row in figures.by_organisation],
        when_empty="No professionals referred anyone in this period.",
    )


def recommendations(figures: TriageDashboard) -> Table:
    return Table(
        "recommendations", "Referrals by triage recommendation", "Referrals received in the period",
        ("Recommendation", "Referrals", "Share"),
        [(RECOMMENDATION_LABELS[TriageRoute(row.label)], row.count, share(row.count, figures.received))
         for row in figures.by_recommendation],
    )


def decisions(figures: TriageDashboard) -> Table:
    return Table(
        "decisions", "Screening decisions", "Decisions made in the period",
        ("Decision", "Referrals", "Share"),
        [(DECISION_LABELS[DecisionKind(row.label)], row.count, share(row.count, figures.decided)) for row in figures.decisions],
    )


def overrides(figures: TriageDashboard) -> Table:
    return Table(
        "overrides", "Recommendations overridden",
        "Decisions made in the period that differ from the triage recommendation, by direction",
        ("Recommended", "Decided", "Referrals", "Share of decisions"),
        [(RECOMMENDATION_LABELS[row.recommended], OUTCOME_LABELS[row.decided], row.count, share(row.count, figures.decided))
         for row in figures.overrides],
        when_empty="No recommendation was overridden in this period.",
        text_columns=2,
    )


def routing(figures: TriageDashboard) -> Table:
    def row(times: RoutingTimes) -> tuple[Cell, ...]:
        label = "All routed referrals" if times.route is None else RECOMMENDATION_LABELS[times.route]
        return (label, times.routed, times.within_target, share(times.within_target, times.routed),
                hours(times.median_hours), hours(times.ninetieth_percentile_hours))

    return Table(
        "routing", "Time to route",
        f"Referrals routed to a team in the period, against the target of {figures.target_hours:g} business hours "
        "from receipt (Monday to Friday, 9am to 5pm, not bank holidays)",
        ("Recommendation", "Routed", "Within target", "Within target (%)", "Median (business hours)",
         "90th percentile (business hours)"),
        [row(times) for times in figures.routing],
    )


TABLES: dict[str, Callable[[TriageDashboard], Table]] = {
    "key-figures": key_figures, "referrers": referrers, "organisations": organisations,
    "recommendations": recommendations, "decisions": decisions, "overrides": overrides, "routing": routing,
}


def triage_tables(figures: TriageDashboard) -> dict[str, Table]:
    return {name: build(figures) for name, build in TABLES.items()}


def triage_dashboard_tables(store: CaseStore, council: CouncilConfig, period: Period, now: datetime, team: str | None) -> dict[str, Table]:
    """The council's (or one team's) referral tables for the period. Referral figures do not depend on today (`now`):
    there is no backlog among them."""
    return triage_tables(council_triage_dashboard(store, council, period, team))
