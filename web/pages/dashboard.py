"""The team leaders' dashboard: the council's KPIs for a chosen period (default the last 28 days), of all its teams or
one, every table also downloadable as CSV (web/pages/dashboards.py), both drawn from the same tables."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.router import Router

from shared.bootstrap import councils, store_for
from shared.core.domain.case import utcnow
from shared.core.domain.statistics import Period, percent
from shared.services.blue_badge import SERVICE_KEY
from shared.services.blue_badge.logic.dashboard import badge_tables
from shared.services.blue_badge.logic.statistics import council_dashboard
from web.page import LEADER_ROLES, render_page, require_any
from web.pages.dashboards import chosen_team, download_path, query_parameters
from web.periods import chosen_period, period_fields

router = Router()


def bar_width(count: int, largest: int) -> int:
    """A bar's length in whole per cent of the longest bar (the CSS has a class for each)."""
    return percent(count, largest) or 0


@router.get("/dashboard")
def dashboard() -> Response:
    who = require_any(router, *LEADER_ROLES, doing="Seeing the dashboard")
    council = councils().get(who.council_code) if who.council_code else None
    if council is None or not council.runs(SERVICE_KEY):
        raise NotFoundError("Your council does not run Blue Badge.")
    given = query_parameters(router)
    first, last, errors = chosen_period(given, utcnow().date())
    team = chosen_team(given, council, errors)
    figures = None if errors else council_dashboard(store_for(council.code), council, Period(first, last), utcnow(), team)
    tables = badge_tables(figures) if figures else {}
    return render_page(
        router, "dashboard/dashboard.html", title="Dashboard", errors=errors, figures=figures, council=council,
        first=first, last=last, fields=period_fields(given, first, last, errors), team=team,
        bar_width=bar_width, tables=tables,
        downloads={name: download_path(SERVICE_KEY, name, first, last, team) for name in tables},
    )
