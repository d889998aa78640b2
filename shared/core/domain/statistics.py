"""What every service's dashboard is built from: a reporting period, a table row, a percentage, and one case each."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from shared.core.domain.case import Case


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("the period ends before it starts")

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.first <= utc_day(moment) <= self.last

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class Figure:
    """One row of a table (and one bar of its chart)."""

    label: str
    count: int


def percent(part: int, whole: int) -> int | None:
    """Whole per cent, rounded half up; None when there is nothing to divide."""
    return (part * 200 + whole) // (2 * whole) if whole else None


def latest_versions(cases: Iterable[Case]) -> list[Case]:
    """One case each: a case that moved stage while the stages were being read can be read twice."""
    by_id: dict[str, Case] = {}
    for case in cases:
        if case.case_id not in by_id or case.version > by_id[case.case_id].version:
            by_id[case.case_id] = case
    return list(by_id.values())
