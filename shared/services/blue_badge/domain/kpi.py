"""The council's KPI for days to decision, and how far a case stands from it.

The target (shared/config/councils.json, `kpi`) is in working days: Monday to Friday, less the bank holidays of the
council's nation (shared.core.domain.working_days, the platform's one calendar).
The clock is read from the day the case was received, and runs only while a decision is still to be made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.services.blue_badge.domain.application import Application
from shared.services.blue_badge.domain.case import BadgeCase, Stage
from shared.core.domain.council import CouncilConfig
from shared.services.blue_badge.domain.pip import routes_automatically
from shared.services.blue_badge.domain.queue_row import BadgeQueueRow
from shared.services.blue_badge.domain.settings import badge_settings
from shared.core.domain.statistics import utc_day
from shared.core.domain.working_days import in_working_days, working_days_between

# Complete and not yet decided: the stages the days-to-decision target measures. A case waiting for
# information has no clock running (it is not complete); a refused, reviewed or paid-for case is decided.
DECISION_CLOCK_STAGES = frozenset({Stage.RECEIVED, Stage.SCREENING, Stage.PROOF_CHECK, Stage.ASSESSMENT, Stage.DECISION})


def decision_target_days(council: CouncilConfig, application: Application) -> int:
    """Automatic routes (PIP with qualifying points, DLA, AFRFCS, WPMS, BLIND) have the shorter target; everything else
    the general one."""
    return _target_days(council, routes_automatically(application))


def _target_days(council: CouncilConfig, automatic: bool) -> int:
    kpi = badge_settings(council).kpi
    return kpi.days_to_decision_automatic if automatic else kpi.days_to_decision


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

    @property
    def age_words(self) -> str:
        """"5 working days old", as the queue shows it."""
        return f"{in_working_days(self.working_days)} old"

    @property
    def target_words(self) -> str:
        """"due in 3 working days", "due today" or "2 working days past the 5-working-day target"."""
        if self.overdue:
            return f"{in_working_days(-self.days_left)} past the {self.target_days}-working-day target"
        return "due today" if self.days_left == 0 else f"due in {in_working_days(self.days_left)}"


def case_age(case: BadgeCase | BadgeQueueRow, council: CouncilConfig, today: date) -> CaseAge:
    """How far a case (or its queue row, which carries what the target depends on) stands from the target."""
    automatic = case.routes_automatically if isinstance(case, BadgeQueueRow) else routes_automatically(case.application)
    return CaseAge(
        working_days=max(working_days_between(utc_day(case.received_at), today, council.nation), 0),
        target_days=_target_days(council, automatic),
        clock_running=case.stage in DECISION_CLOCK_STAGES,
    )
