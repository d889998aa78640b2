"""The ASC front door team's dashboard: referrals, screening and routing for a chosen period (default the last 28
days), every table also downloadable as CSV.

Each table is built once (a Table: caption, columns, rows) and both the page and its CSV are drawn from it, so the
download always holds what the page shows.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.router import Router

from shared.bootstrap import councils, store_for
from shared.core.domain.case import utcnow
from shared.core.domain.council import CouncilConfig
from shared.services.asc_triage import SERVICE_KEY
from shared.services.asc_triage.domain.case import ScreeningOutcome
from shared.services.asc_triage.domain.referral import ReferrerKind
from shared.services.asc_triage.domain.statistics import DecisionKind, RoutingTimes, TriageDashboard
from shared.services.asc_triage.domain.triage import TriageRoute
from shared.services.asc_triage.logic.statistics import council_triage_dashboard
from shared.core.domain.statistics import Period, percent
# The Blue Badge dashboard's period boxes, shared so that both dashboards read a period alike.
from web.periods import chosen_period, period_fields
from web.forms import Errors
from web.page import LEADER_ROLES, render_page, require_any
from web.rendering import security_headers

router = Router()

PAGE_PATH = "/referrals/dashboard"
CSV_PATH = "/referrals/dashboard.csv"
TITLE = "Referrals dashboard"
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection): such cells are quoted.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

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

Cell = str | int | None  # None: nothing to divide or measure ("–" on the page, empty in the CSV)


@dataclass(frozen=True)
class Table:
    name: str  # the CSV's ?table=
    caption: str
    hint: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    when_empty: str = ""
    text_columns: int = 1  # the leading columns that hold words; the first heads its row, the rest are numbers


def share(part: int, whole: int) -> str | None:
    value = percent(part, whole)
    return None if value is None else f"{value}%"


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


def csv_cell(value: Cell) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(column) for column in table.columns])
    writer.writerows([csv_cell(cell) for cell in row] for row in table.rows)
    return out.getvalue()


def _council_running_triage(doing: str) -> CouncilConfig:
    who = require_any(router, *LEADER_ROLES, doing=doing)
    council = councils().get(who.council_code) if who.council_code else None
    if council is None or not council.runs(SERVICE_KEY):
        raise NotFoundError("Your council does not run adult social care referrals.")
    return council


def _query() -> dict[str, str]:
    return {name: value.strip() for name, value in (router.current_event.query_string_parameters or {}).items()}


def _page(council: CouncilConfig, given: dict[str, str], first: date, last: date, errors: Errors,
          figures: TriageDashboard | None) -> Response:
    return render_page(
        router, "asc_dashboard/dashboard.html", title=TITLE, errors=errors, council=council, figures=figures,
        first=first, last=last, action=PAGE_PATH,
        fields=period_fields(given, first, last, errors),
        tables={name: build(figures) for name, build in TABLES.items()} if figures else {},
        csv_path=CSV_PATH, period_query=urlencode(period_fields({}, first, last, Errors())),
    )


@router.get(PAGE_PATH)
def triage_dashboard() -> Response:
    council = _council_running_triage("Seeing the referrals dashboard")
    given = _query()
    first, last, errors = chosen_period(given, utcnow().date())
    figures = None if errors else council_triage_dashboard(store_for(council.code), council, Period(first, last))
    return _page(council, given, first, last, errors, figures)


@router.get(CSV_PATH)
def triage_dashboard_csv() -> Response:
    council = _council_running_triage("Downloading the referrals dashboard")
    given = _query()
    name = given.get("table", "")
    if name not in TABLES:
        raise NotFoundError(f"There is no dashboard table {name!r}: the tables are {', '.join(TABLES)}.")
    first, last, errors = chosen_period(given, utcnow().date())
    if errors:
        return _page(council, given, first, last, errors, None)
    table = TABLES[name](council_triage_dashboard(store_for(council.code), council, Period(first, last)))
    filename = f"{council.code.lower()}-referrals-{name}-{first.isoformat()}-to-{last.isoformat()}.csv"
    headers = security_headers(secrets.token_urlsafe(16)) | {"Content-Disposition": f'attachment; filename="{filename}"'}
    # The byte order mark tells spreadsheet programs the file is UTF-8 (organisation names are typed by referrers).
    return Response(status_code=200, content_type="text/csv; charset=utf-8", body="\ufeff" + csv_text(table), headers=headers)
