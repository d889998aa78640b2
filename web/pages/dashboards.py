"""Every service's dashboard tables as CSV: GET /dashboards/<service key>/<table name>.csv for the period and team a
dashboard page takes (its From and To date boxes, `from-day` ... `to-year`, and its Team select, `team`), of the caller's
council only. The tables are those the service declares (ServiceSpec.dashboard), the ones its page shows, so a
download holds what the page shows. Also what the dashboard pages share: their query, team and download links."""

from __future__ import annotations

import secrets
from datetime import date
from http import HTTPStatus
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.router import Router

from shared.bootstrap import councils, store_for
from shared.core.domain.case import utcnow
from shared.core.domain.council import CouncilConfig
from shared.core.domain.statistics import Period, Table, csv_text
from shared.services.registry import SERVICES
from web.forms import Errors
from web.page import LEADER_ROLES, require_any
from web.periods import chosen_period, period_fields
from web.rendering import security_headers

router = Router()


def query_parameters(page_router: Router) -> dict[str, str]:
    return {name: value.strip() for name, value in (page_router.current_event.query_string_parameters or {}).items()}


def chosen_team(given: dict[str, str], council: CouncilConfig, errors: Errors) -> str | None:
    """The team whose cases a dashboard counts, from its Team select (None: every team); one of the council's teams."""
    team = given.get("team") or None
    if team is not None and team not in council.team_keys:
        errors.add("team", "Select a team from the list")
        return None
    return team


def dashboard_query(first: date, last: date, team: str | None) -> str:
    """The query string asking a dashboard, or one of its CSV downloads, for this period and team."""
    return urlencode(period_fields({}, first, last, Errors()) | ({"team": team} if team else {}))


def download_path(service_key: str, table_name: str, first: date, last: date, team: str | None) -> str:
    return f"/dashboards/{service_key}/{table_name}.csv?{dashboard_query(first, last, team)}"


def csv_download(council: CouncilConfig, subject: str, table: Table, first: date, last: date, team: str | None) -> Response:
    """`table` as a CSV file, named for the council, `subject` (what the dashboard counts), the table, team and period."""
    filename = (f"{council.code.lower()}-{subject}-{table.name}-{f'{team}-' if team else ''}"
                f"{first.isoformat()}-to-{last.isoformat()}.csv")
    headers = security_headers(secrets.token_urlsafe(16)) | {"Content-Disposition": f'attachment; filename="{filename}"'}
    # The byte order mark tells spreadsheet programs the file is UTF-8 (names in the tables may be typed by the public).
    return Response(status_code=HTTPStatus.OK, content_type="text/csv; charset=utf-8", body="\ufeff" + csv_text(table),
                    headers=headers)


@router.get("/dashboards/<service_key>/<table_name>.csv")
def dashboard_csv(service_key: str, table_name: str) -> Response:
    who = require_any(router, *LEADER_ROLES, doing="Downloading a dashboard table")
    council = councils().get(who.council_code) if who.council_code else None
    if council is None or service_key not in SERVICES or not council.runs(service_key):
        raise NotFoundError("Your council does not run this service, so it has no dashboard for it.")
    given = query_parameters(router)
    first, last, errors = chosen_period(given, utcnow().date())
    team = chosen_team(given, council, errors)
    if errors:
        # A download has no page to show the error on: say which query parameter is wrong, and how.
        problems = "".join(f"{field}: {message}\n" for field, message in errors.by_field.items())
        return Response(status_code=HTTPStatus.BAD_REQUEST, content_type="text/plain; charset=utf-8",
                        body=f"The table cannot be downloaded for this period and team.\n{problems}",
                        headers=security_headers(secrets.token_urlsafe(16)))
    # The caller's own council's cases only: the store is chosen by the council their sign-in names.
    tables = SERVICES.get(service_key).dashboard(store_for(council.code), council, Period(first, last), utcnow(), team)
    if table_name not in tables:
        raise NotFoundError(f"There is no dashboard table {table_name!r}: the tables are {', '.join(tables)}.")
    return csv_download(council, service_key, tables[table_name], first, last, team)
