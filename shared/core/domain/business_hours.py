"""Business hours, and the clocks that count them: a target of so many business hours from when something arrived (adult
social care's 24-hour routing target, the Family Front Door's response targets by level of need).

Business hours are Monday to Friday, 09:00 to 17:00 Europe/London, less the bank holidays of the council's nation (the
`holidays` package's GB calendars; their data ships inside the package, so nothing is fetched).

Times are counted on London wall time: clocks change at night on a Sunday, so every business day is 8 real hours long,
and a due time after a clock change is still 09:00-17:00 local (one hour apart in UTC from the same time before it).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

# The platform's one working-day calendar (weekdays less the nation's bank holidays); business days are its days.
from shared.core.domain.working_days import is_bank_holiday as is_bank_holiday, is_working_day as is_business_day  # re-exported

# The core's Nation StrEnum has these values; any str equal to one of them is accepted.
Nation = Literal["ENG", "WLS", "SCO", "NIR"]

LONDON = ZoneInfo("Europe/London")
OPENS = time(9)
CLOSES = time(17)
ROUTING_TARGET_HOURS = 24.0
ONE_HOUR = timedelta(hours=1)


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=LONDON)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def add_business_hours(start: datetime, hours: float, nation: str) -> datetime:
    """The moment (UTC) `hours` business hours after `start`; a start outside hours counts from the next opening.

    A target that ends exactly at closing time is due at 17:00 that day, not at the next opening."""
    _require_aware(start, "start")
    if hours < 0:
        raise ValueError("hours must not be negative")
    left = timedelta(hours=hours)
    local_start = start.astimezone(LONDON)
    day = local_start.date()
    while True:
        if is_business_day(day, nation):
            counting_from = max(local_start, _at(day, OPENS))
            closing = _at(day, CLOSES)
            if counting_from < closing:
                if left <= closing - counting_from:
                    return (counting_from + left).astimezone(UTC)
                left -= closing - counting_from
        day += timedelta(days=1)


def business_hours_between(start: datetime, end: datetime, nation: str) -> float:
    """Business hours from `start` to `end`; negative when `end` comes first."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    if end < start:
        return -business_hours_between(end, start, nation)
    local_start, local_end = start.astimezone(LONDON), end.astimezone(LONDON)
    total = timedelta()
    day = local_start.date()
    while day <= local_end.date():
        if is_business_day(day, nation):
            open_span = min(local_end, _at(day, CLOSES)) - max(local_start, _at(day, OPENS))
            total += max(open_span, timedelta())
        day += timedelta(days=1)
    return total / ONE_HOUR


class ClockState(StrEnum):
    ON_TIME = "ON_TIME"
    DUE_SOON = "DUE_SOON"  # fewer than the warning's business hours left: alarm before the target is missed
    OVERDUE = "OVERDUE"


class RoutingClock(BaseModel):
    """When something must be acted on (a referral routed, a contact responded to), and how near that is at a given
    moment (case and queue)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    received_at: AwareDatetime
    nation: Nation
    target_hours: float = Field(default=ROUTING_TARGET_HOURS, gt=0)
    warn_within_hours: float = Field(default=4.0, ge=0)

    @cached_property
    def due_at(self) -> datetime:
        return add_business_hours(self.received_at, self.target_hours, self.nation)

    def remaining_hours(self, now: datetime) -> float:
        """Business hours left at `now`; once overdue, minus the business hours since it fell due."""
        return business_hours_between(now, self.due_at, self.nation)

    def is_overdue(self, now: datetime) -> bool:
        return now > self.due_at

    def warn(self, now: datetime) -> bool:
        """Still on time, but fewer than `warn_within_hours` business hours remain."""
        return not self.is_overdue(now) and self.remaining_hours(now) < self.warn_within_hours

    def state(self, now: datetime) -> ClockState:
        if self.is_overdue(now):
            return ClockState.OVERDUE
        return ClockState.DUE_SOON if self.warn(now) else ClockState.ON_TIME
