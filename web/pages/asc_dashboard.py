"""The ASC front door team's dashboard: referrals, screening and routing for a chosen period (default the last 28
days), of all the council's teams or one, every table also downloadable as CSV.

The tables are built once (shared.services.asc_triage.logic.dashboard) and both the page and its CSV are drawn from
them, so the download always holds what the page shows.
"""

from __future__ import annotations

from datetime import date

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.router import Router

from shared.bootstrap import councils, store_for
from shared.core.domain.case import utcnow
from shared.core.domain.council import CouncilConfig
from shared.core.domain.statistics import Period
from shared.services.asc_triage import SERVICE_KEY
from shared.services.asc_triage.domain.statistics import TriageDashboard
from shared.services.asc_triage.logic.dashboard import (
    TABLES,
    triage_dashboard_tables,
    triage_tables,
)
from shared.services.asc_triage.logic.statistics import council_triage_dashboard
from web.forms import Errors
from web.page import LEADER_ROLES, render_page, require_any
from web.pages.dashboards import (
    chosen_team,
    csv_download,
    dashboard_query,
    query_parameters,
)
from web.periods import chosen_period, period_fields

router = Router()

PAGE_PATH = "/referrals/dashboard"
# The download links' path, kept for the links already shared: the same tables as /dashboards/asc-triage/<table>.csv.
CSV_PATH = "/referrals/dashboard.csv"
TITLE = "Referrals dashboard"


def _council_running_triage(doing: str) -> CouncilConfig:
    who = require_any(router, *LEADER_ROLES, doing=doing)
    council = councils().get(who.council_code) if who.council_code else None
    if council is None or not council.runs(SERVICE_KEY):
        raise NotFoundError("Your council does not run adult social care referrals.")
    return council


def _page(council: CouncilConfig, given: dict[str, str], first: date, last: date, team: str | None, errors: Errors,
          figures: TriageDashboard | None) -> Response:
    return render_page(
        router, "asc_dashboard/dashboard.html", title=TITLE, errors=errors, council=council, figures=figures,
        first=first, last=last, team=team, action=PAGE_PATH,
        fields=period_fields(given, first, last, errors),
        tables=triage_tables(figures) if figures else {},
        csv_path=CSV_PATH, period_query=dashboard_query(first, last, team),
    )


@router.get(PAGE_PATH)
def triage_dashboard() -> Response:
    council = _council_running_triage("Seeing the referrals dashboard")
    given = query_parameters(router)
    first, last, errors = chosen_period(given, utcnow().date())
    team = chosen_team(given, council, errors)
    figures = None if errors else council_triage_dashboard(store_for(council.code), council, Period(first, last), team)
    return _page(council, given, first, last, team, errors, figures)


@router.get(CSV_PATH)
def triage_dashboard_csv() -> Response:
    council = _council_running_triage("Downloading the referrals dashboard")
    given = query_parameters(router)
    name = given.get("table", "")
    if name not in TABLES:
        raise NotFoundError(f"There is no dashboard table {name!r}: the tables are {', '.join(TABLES)}.")
    first, last, errors = chosen_period(given, utcnow().date())
    team = chosen_team(given, council, errors)
    if errors:
        return _page(council, given, first, last, team, errors, None)
    tables = triage_dashboard_tables(store_for(council.code), council, Period(first, last), utcnow(), team)
    return csv_download(council, "referrals", tables[name], first, last, team)
