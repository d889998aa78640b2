"""What every service's dashboard is built from: a reporting period, a table row, a percentage, and one case each;
and what it is shown as: tables (a service's `ServiceSpec.dashboard`), each also downloadable as CSV."""

from __future__ import annotations

import csv
import io
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


def share(part: int, whole: int) -> str | None:
    """A percentage as a table cell shows it, e.g. "67%"."""
    value = percent(part, whole)
    return None if value is None else f"{value}%"


def latest_versions(cases: Iterable[Case]) -> list[Case]:
    """One case each: a case that moved stage while the stages were being read can be read twice."""
    by_id: dict[str, Case] = {}
    for case in cases:
        if case.case_id not in by_id or case.version > by_id[case.case_id].version:
            by_id[case.case_id] = case
    return list(by_id.values())


def of_team(cases: Iterable[Case], team: str | None) -> list[Case]:
    """The cases a dashboard counts: those of one team (`Case.team`), or every case when no team is chosen. Each case's
    latest version decides (a case moved to another team while the stages were read is the new team's only)."""
    return [case for case in latest_versions(cases) if team is None or case.team == team]


Cell = str | int | None  # None: nothing to divide or measure ("–" on a page, empty in the CSV)


@dataclass(frozen=True)
class Table:
    """One of a dashboard's tables: a page draws it and its CSV download is written from it, so both hold the same."""

    name: str  # stable, in its CSV download's URL
    caption: str
    hint: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    when_empty: str = ""
    text_columns: int = 1  # the leading columns that hold words; the first heads its row, the rest are numbers


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection): such cells are quoted.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Cell) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(column) for column in table.columns])
    writer.writerows([csv_cell(cell) for cell in row] for row in table.rows)
    return out.getvalue()
