"""The Family Front Door dashboard: contacts received in a chosen period (default the last 28 days) by agency and
channel, accepted and not, the conversion of contacts to referrals, what is pending, the time to outcome against each
level's target, and each contact of the period (a link to it): read live from the council's contacts when the page
is asked for. Every table is also a CSV download through the engine's dashboard downloads
(/dashboards/family-front-door/<table>.csv, web/pages/dashboards.py), drawn from the same tables (the service's
ServiceSpec.dashboard), so a download holds what the page shows."""

from __future__ import annotations

from http import HTTPStatus

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import Router

from shared.bootstrap import store_for
from shared.core.domain.case import utcnow
from shared.core.domain.statistics import Period
from shared.services.family_front_door import SERVICE_KEY
from shared.services.registry import SERVICES
from web.page import LEADER_ROLES, render_page, require_any
from web.pages.dashboards import dashboard_query, query_parameters
from web.pages.ffd_team import HOME, front_door_council
from web.periods import chosen_period, period_fields

router = Router()

PAGE_PATH = f"{HOME}/dashboard"
TITLE = "Family Front Door dashboard"


@router.get(PAGE_PATH)
def front_door_dashboard() -> Response:
    council = front_door_council(router)
    require_any(router, *LEADER_ROLES, doing="Seeing the Family Front Door dashboard")
    given = query_parameters(router)
    now = utcnow()
    first, last, errors = chosen_period(given, now.date())
    # The caller's own council's contacts only: the store is the one of the council their sign-in names.
    tables = {} if errors else SERVICES.get(SERVICE_KEY).dashboard(store_for(council.code), council, Period(first, last), now, None)
    return render_page(
        router, "ffd_team/dashboard.html", status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK, title=TITLE,
        errors=errors, council=council, tables=tables, first=first, last=last, days=(last - first).days + 1, action=PAGE_PATH,
        fields=period_fields(given, first, last, errors), csv_path=f"/dashboards/{SERVICE_KEY}",
        period_query=dashboard_query(first, last, None),
    )
