"""The reporting period a dashboard shows: typed in GOV.UK date inputs (From, To), the last DEFAULT_DAYS days unless
chosen, checked with errors that name the box."""

from __future__ import annotations

from datetime import date, timedelta

from web.forms import Errors

DEFAULT_DAYS = 28
LONGEST_PERIOD_DAYS = 366
DATE_PARTS = ("day", "month", "year")


def chosen_period(given: dict[str, str], today: date) -> tuple[date, date, Errors]:
    """The period typed in the From and To date boxes (default the last DEFAULT_DAYS days), and what is wrong with it."""
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
    return first, last, errors


def period_fields(given: dict[str, str], first: date, last: date, errors: Errors) -> dict[str, str]:
    """What the date boxes show: as typed when something is wrong, else the period chosen."""
    if errors:
        return {name: given.get(name, "") for name in _field_names()}
    return {f"{prefix}-{part}": str(getattr(day, part)) for prefix, day in (("from", first), ("to", last)) for part in DATE_PARTS}


def _field_names() -> list[str]:
    return [f"{prefix}-{part}" for prefix in ("from", "to") for part in DATE_PARTS]


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
