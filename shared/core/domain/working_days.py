"""The one working-day calendar of the platform: Monday to Friday, less the bank holidays of the council's nation.

Every target, deadline and age that counts days counts these (Blue Badge's days to decision, the queues' and the
dashboard's ages and the queue's age filter, the information wait and its reminder, the review window) and ASC's business hours are built on the same days. The bank
holidays come from the `holidays` package's calendars for the four nations of the UK (ISO 3166-2:GB subdivisions);
their data ships inside the package, so nothing is fetched at run time.

Pure: no clock; callers pass the days.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
    import holidays  # imported by the first path that counts days (about 25 ms a cold start that counts none saves)

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


def working_days_later(moment: datetime, days: int, nation: str) -> datetime:
    """The same time of day, `days` working days after `moment`'s day: a deadline set at `moment`."""
    return datetime.combine(add_working_days(moment.date(), days, nation), moment.timetz())


def end_of_day(day: date, tzinfo) -> datetime:
    """The moment `day` is over (a window open "until `day`" closes then)."""
    return datetime.combine(day + ONE_DAY, time.min, tzinfo)


def first_day_within(today: date, days: int, nation: str) -> date:
    """The earliest day a case can have been received on and be at most `days` working days old on `today`, as
    working_days_between counts age: a case received before this day is older than `days` working days."""
    last_working = today
    while not is_working_day(last_working, nation):
        last_working -= ONE_DAY
    return add_working_days(last_working, -days, nation)


def working_hours_between(start: datetime, end: datetime, nation: str) -> float:
    """The hours from `start` to `end` that fall on working days of the nation (each day whole, by its date in
    `start`'s time zone): a weekend or a bank holiday adds none. 0 when `end` is not after `start`."""
    hours, moment = 0.0, start
    while moment < end:
        day_ends = end_of_day(moment.date(), moment.tzinfo)
        until = min(end, day_ends)
        if is_working_day(moment.date(), nation):
            hours += (until - moment).total_seconds() / 3600
        moment = until
    return hours


def in_working_days(count: int) -> str:
    """A number of working days as staff read it: "1 working day", "5 working days"."""
    return f"{count} working day{'' if abs(count) == 1 else 's'}"
