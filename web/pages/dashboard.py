"""The team leaders' dashboard: the council's KPIs for a chosen period (default the last 28 days)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import Router

from shared.bootstrap import councils, store_for
from shared.core.domain.case import utcnow
from shared.core.domain.statistics import Period, percent
from shared.services.blue_badge.logic.statistics import council_dashboard
from web.periods import chosen_period, period_fields
from web.page import LEADER_ROLES, render_page, require_any

router = Router()



def bar_width(count: int, largest: int) -> int:
    """A bar's length in whole per cent of the longest bar (the CSS has a class for each)."""
    return percent(count, largest) or 0


@router.get("/dashboard")
def dashboard() -> Response:
    who = require_any(router, *LEADER_ROLES, doing="Seeing the dashboard")
    council = councils().get(who.council_code)
    given = {name: value.strip() for name, value in (router.current_event.query_string_parameters or {}).items()}
    first, last, errors = chosen_period(given, utcnow().date())
    figures = None if errors else council_dashboard(store_for(council.code), council, Period(first, last), utcnow())
    return render_page(
        router, "dashboard/dashboard.html", title="Dashboard", errors=errors, figures=figures, council=council,
        first=first, last=last, fields=period_fields(given, first, last, errors),
        percent=percent, bar_width=bar_width,
    )
