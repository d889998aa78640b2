"""The team leaders' dashboard: the council's KPIs for a chosen period (default the last 28 days)."""

from __future__ import annotations

from datetime import date, timedelta

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import Router

from shared.adapters.aws import councils, store_for
from shared.domain.case import utcnow
from shared.domain.statistics import Period, percent
from shared.service.statistics import council_dashboard
from web.forms import Errors
from web.page import LEADER_ROLES, render_page, require_any

router = Router()

DEFAULT_DAYS = 28
LONGEST_PERIOD_DAYS = 366
DATE_PARTS = ("day", "month", "year")


def bar_width(count: int, largest: int) -> int:
    """A bar's length in whole per cent of the longest bar (the CSS has a class for each)."""
    return percent(count, largest) or 0


@router.get("/dashboard")
def dashboard() -> Response:
    who = require_any(router, *LEADER_ROLES, doing="Seeing the dashboard")
    council = councils().get(who.council_code)
    today = utcnow().date()
    given = {name: value.strip() for name, value in (router.current_event.query_string_parameters or {}).items()}
    errors = Errors()
    first = _date(given, "from", "the start of the period", errors) or today - timedelta(days=DEFAULT_DAYS - 1)
    last = _date(given, "to", "the end of the period", errors) or today
    if not errors:
        if last > today:
            errors.add("to-day", "The end of the period must be today or in the past")
        elif last < first:
            errors.add("to-day", "The end of the period must be the same as or after the start")
        elif (last - first).days >= LONGEST_PERIOD_DAYS:
            errors.add("from-day", f"Choose a period of {LONGEST_PERIOD_DAYS} days or fewer")
    figures = None if errors else council_dashboard(store_for(council.code), council, Period(first, last), utcnow())
    return render_page(
        router, "dashboard/dashboard.html", title="Dashboard", errors=errors, figures=figures, council=council,
        first=first, last=last, fields={part: given.get(part, "") for part in _field_names()} if errors else _date_fields(first, last),
        percent=percent, bar_width=bar_width,
    )


def _field_names() -> list[str]:
    return [f"{prefix}-{part}" for prefix in ("from", "to") for part in DATE_PARTS]


def _date_fields(first: date, last: date) -> dict[str, str]:
    return {f"{prefix}-{part}": str(getattr(day, part)) for prefix, day in (("from", first), ("to", last)) for part in DATE_PARTS}


def _date(given: dict[str, str], prefix: str, what: str, errors: Errors) -> date | None:
    """The date typed in the three boxes of a GOV.UK date input; None (the default) when all are empty."""
    parts = [given.get(f"{prefix}-{part}", "") for part in DATE_PARTS]
    if not any(parts):
        return None
    try:
        day, month, year = (int(part) for part in parts)
        if year < 2000:
            raise ValueError
        return date(year, month, day)
    except ValueError:
        errors.add(f"{prefix}-day", f"Enter a real date for {what}, for example 27 3 2026")
        return None
