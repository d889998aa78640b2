"""The Blue Badge dashboard's tables (its `ServiceSpec.dashboard`): every figure of the team leaders' dashboard, grouped
as its page (web/pages/dashboard.py) groups them, the page's rows and each CSV download drawn from them."""

from __future__ import annotations

from datetime import datetime

from shared.core.adapters.case_store import CaseStore
from shared.core.domain.council import CouncilConfig
from shared.core.domain.statistics import Period, Table, share
from shared.services.blue_badge.domain.application import Channel
from shared.services.blue_badge.domain.statistics import Dashboard
from shared.services.blue_badge.logic.statistics import council_dashboard

CHANNEL_LABELS = {Channel.ONLINE: "Online", Channel.PAPER: "Paper", Channel.PHONE: "Phone", Channel.INPERSON: "In person"}


def key_figures(figures: Dashboard) -> Table:
    decided = sum(row.decided for row in figures.decided_on_time)
    within_target = sum(row.within_target for row in figures.decided_on_time)
    return Table(
        "key-figures", "At a glance", "", ("Figure", "Number", "Out of", "Per cent"), [
            ("Applications received", figures.received, None, None),
            ("Complete at first submission", figures.complete_first_time, figures.received,
             share(figures.complete_first_time, figures.received)),
            ("Decided within target", within_target, decided, share(within_target, decided)),
            ("Badges ordered", figures.badges_ordered, None, None),
            ("Open cases today", figures.backlog, None, None),
            ("Open cases past the days-to-decision target", figures.backlog_overdue, figures.backlog,
             share(figures.backlog_overdue, figures.backlog)),
            ("Badges rejected by the printer, waiting to be corrected (whole council, today)", figures.rejected_by_printer, None, None),
        ],
    )


def badges_by_route(figures: Dashboard) -> Table:
    return Table(
        "badges-by-route", "Badges ordered by eligibility route",
        "Badges of the approvals made in the period, by the route they qualified on (the figures councils report to DfT)",
        ("Route", "Badges ordered"),
        [(row.label, row.count) for row in figures.badges_by_route],
        when_empty="No badges were ordered in this period.",
    )


def channels(figures: Dashboard) -> Table:
    return Table(
        "channels", "Applications received by channel", "Applications received in the period",
        ("Channel", "Applications", "Share"),
        [(CHANNEL_LABELS[Channel(row.label)], row.count, share(row.count, figures.received)) for row in figures.received_by_channel],
    )


def decided_on_time(figures: Dashboard) -> Table:
    return Table(
        "decided-on-time", "Decided within the days-to-decision target",
        "First decisions made in the period, in working days from the day received",
        ("Routes", "Target (working days)", "Decided", "Within target", "Within target (%)"),
        [(row.label, row.target_days, row.decided, row.within_target, share(row.within_target, row.decided))
         for row in figures.decided_on_time],
    )


def outcomes(figures: Dashboard) -> Table:
    return Table(
        "outcomes", "Approvals and refusals by eligibility route", "First decisions made in the period",
        ("Route", "Approved", "Refused", "Approved (%)"),
        [(row.label, row.approved, row.refused, share(row.approved, row.approved + row.refused)) for row in figures.outcomes_by_route],
        when_empty="No decisions were made in this period.",
    )


def reviews(figures: Dashboard) -> Table:
    return Table(
        "reviews", "Reviews of refusals", "Reviews requested in the period, and reviews decided in it",
        ("Requested", "Upheld (refusal stands)", "Overturned (badge approved)"),
        [(figures.reviews.requested, figures.reviews.upheld, figures.reviews.overturned)],
        text_columns=0,
    )


def backlog(figures: Dashboard) -> Table:
    return Table(
        "backlog", "Backlog by age",
        "Cases open today (not yet decided, under review or waiting for the fee), by time since received",
        ("Age", "Open cases"),
        [(row.label, row.count) for row in figures.backlog_by_age],
    )


def badge_tables(figures: Dashboard) -> dict[str, Table]:
    return {table.name: table for table in (
        key_figures(figures), channels(figures), decided_on_time(figures), outcomes(figures), badges_by_route(figures), reviews(figures),
        backlog(figures),
    )}


def badge_dashboard_tables(store: CaseStore, council: CouncilConfig, period: Period, now: datetime, team: str | None) -> dict[str, Table]:
    """The council's (or one team's) Blue Badge tables for the period; the backlog is today's (`now`)."""
    return badge_tables(council_dashboard(store, council, period, now, team))
