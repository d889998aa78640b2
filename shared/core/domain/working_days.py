"""The one working-day calendar of the platform: Monday to Friday, less the bank holidays of the council's nation.

Every target, deadline and age that counts days counts these (Blue Badge's days to decision, the queues' and the
dashboard's ages, the information reminder window) and ASC's business hours are built on the same days. The bank
holidays come from the `holidays` package's calendars for the four nations of the UK (ISO 3166-2:GB subdivisions);
their data ships inside the package, so nothing is fetched at run time.

Pure: no clock; callers pass the days.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays

# Our nation codes (shared.core.domain.council.Nation) to the `holidays` package's subdivisions of GB (Scotland is SCT).
_SUBDIVISION = {"ENG": "ENG", "WLS": "WLS", "SCO": "SCT", "NIR": "NIR"}
ONE_DAY = timedelta(days=1)


@cache
def _bank_holidays(nation: str) -> holidays.HolidayBase:
    try:
        subdivision = _SUBDIVISION[nation]
    except KeyError:
        raise ValueError(f"unknown nation {nation!r}: one of {', '.join(_SUBDIVISION)}") from None
    # The calendar fills in each year the first time a date of that year is asked about.
    return holidays.country_holidays("GB", subdiv=subdivision)


def is_bank_holiday(day: date, nation: str) -> bool:
    """A bank holiday in the nation, including a substitute day when the holiday falls at a weekend."""
    return day in _bank_holidays(nation)


def is_working_day(day: date, nation: str) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day, nation)


def working_days_between(start: date, end: date, nation: str) -> int:
    """Working days after `start` up to and including `end`: 0 on the day itself; negative (the working days from
    `end` up to `start`) when `end` comes first, so a deadline passed reads as minus the days since."""
    if end < start:
        return -working_days_between(end, start, nation)
    _bank_holidays(nation)  # an unknown nation is an error even for a span with no weekday in it
    days, day = 0, start
    while day < end:
        day += ONE_DAY
        days += is_working_day(day, nation)
    return days


def add_working_days(start: date, days: int, nation: str) -> date:
    """The working day `days` working days after `start` (before it when negative); 0 is `start` itself, or the
    next working day when `start` is not one."""
    step = ONE_DAY if days >= 0 else -ONE_DAY
    day, left = start, abs(days)
    if days == 0:
        while not is_working_day(day, nation):
            day += ONE_DAY
        return day
    while left:
        day += step
        left -= is_working_day(day, nation)
    return day


def in_working_days(count: int) -> str:
    """A number of working days as staff read it: "1 working day", "5 working days"."""
    return f"{count} working day{'' if abs(count) == 1 else 's'}"
