"""The council's KPI for days to decision, and how far a case stands from it.

The target (shared/config/councils.json, `kpi`) is in working days: Monday to Friday; bank holidays are not
known to the platform, so they count as working days (a case can look a day or two older around them).
The clock is read from the day the case was received, and runs only while a decision is still to be made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.services.blue_badge.domain.application import Application
from shared.core.domain.case import Case
from shared.services.blue_badge.domain.case import Stage
from shared.core.domain.council import CouncilConfig
from shared.services.blue_badge.domain.settings import badge_settings
from shared.core.domain.statistics import utc_day

# Complete and not yet decided: the stages the days-to-decision target measures. A case waiting for
# information has no clock running (it is not complete); a refused, reviewed or paid-for case is decided.
DECISION_CLOCK_STAGES = frozenset({Stage.RECEIVED, Stage.SCREENING, Stage.PROOF_CHECK, Stage.ASSESSMENT, Stage.DECISION})


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 on the day itself, and for an end before the start)."""
    if end <= start:
        return 0
    whole_weeks, extra = divmod((end - start).days, 7)
    days = whole_weeks * 5
    weekday = start.weekday()
    for _ in range(extra):
        weekday = (weekday + 1) % 7
        days += weekday < 5
    return days


def decision_target_days(council: CouncilConfig, application: Application) -> int:
    """Automatic routes (PIP, DLA, AFRFCS, WPMS, BLIND) have the shorter target; everything else the general one."""
    eligibility = application.eligibility
    if eligibility is not None and eligibility.code.is_automatic:
        return badge_settings(council).kpi.days_to_decision_automatic
    return badge_settings(council).kpi.days_to_decision


@dataclass(frozen=True)
class CaseAge:
    working_days: int  # since the day received
    target_days: int
    clock_running: bool  # undecided and complete: the target applies

    @property
    def overdue(self) -> bool:
        return self.clock_running and self.working_days > self.target_days

    @property
    def days_left(self) -> int:
        return self.target_days - self.working_days


def case_age(case: Case, council: CouncilConfig, today: date) -> CaseAge:
    return CaseAge(
        working_days=working_days_between(utc_day(case.received_at), today),
        target_days=decision_target_days(council, case.application),
        clock_running=case.stage in DECISION_CLOCK_STAGES,
    )
