"""The business metrics: every metric the platform emits, with its unit and dimensions, defined once. The code emits
through shared.core.adapters.metrics (which refuses a metric or a dimension not declared here), and the dashboards,
alarms and tests read the same definitions.

The engine's own metrics are below; each service declares its own in `shared/services/<service>/metrics.py`, reached
through its ServiceSpec (`metrics`).

A metric is emitted once per dimension set it declares (CloudWatch keys a series by its exact dimensions): the full
set for graphs, and coarser roll-ups for alarms (an alarm cannot add series up with SEARCH).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from shared.resources import RECONCILER_METRIC_FLAGGED, RECONCILER_METRIC_REPAIRED

NAMESPACE = "Casework"  # the CloudWatch namespace of every business metric (POWERTOOLS_METRICS_NAMESPACE)
# Powertools' own dimension: the emitting function's name (POWERTOOLS_SERVICE_NAME). Only the function-level totals the
# earlier alarms watch carry it; the adapter fills it in.
FUNCTION = "service"
UNKNOWN = "UNKNOWN"  # a dimension value not known (an application for a council not served here)


class Unit(StrEnum):
    COUNT = "Count"
    HOURS = "None"  # CloudWatch has no hours unit: a gauge of hours is unit-less, its name says "Hours"


@dataclass(frozen=True)
class Metric:
    """One metric: `dimension_sets` are the exact dimension names of each series it is emitted under."""

    name: str
    unit: Unit
    dimension_sets: tuple[tuple[str, ...], ...]
    description: str
    gauge: bool = False  # a level read at each run (Maximum), not a count of events (Sum)

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or not self.name[0].isupper():
            raise ValueError(f"metric name {self.name!r} must be one PascalCase word")
        if not self.dimension_sets or len(set(self.dimension_sets)) != len(self.dimension_sets):
            raise ValueError(f"metric {self.name}: dimension sets must be given, each once")
        for names in self.dimension_sets:
            if len(set(names)) != len(names) or len(names) > 30:
                raise ValueError(f"metric {self.name}: dimension set {names} repeats a name or has more than 30")

    @property
    def dimensions(self) -> frozenset[str]:
        """Every dimension an emission must give (the widest set's), less the one the adapter fills in."""
        return frozenset(name for names in self.dimension_sets for name in names) - {FUNCTION}

    @property
    def statistic(self) -> str:
        return "Maximum" if self.gauge else "Sum"

    def series_for(self, dimensions: Mapping[str, str]) -> list[tuple[str, ...]]:
        """The dimension sets one emission with `dimensions` writes, or ValueError naming what is wrong.

        A count gives every dimension, and is written under every set (counts add up, so each roll-up is the sum of
        the series below it). A gauge (a level) gives exactly one set's dimensions and is written under that set only:
        levels do not add up, so a total is emitted by itself."""
        empty = sorted(name for name, value in dimensions.items() if not isinstance(value, str) or not value)
        if empty:
            raise ValueError(f"metric {self.name}: dimension {empty[0]} needs a value")
        given = set(dimensions)
        if self.gauge:
            sets = [names for names in self.dimension_sets if set(names) - {FUNCTION} == given]
            if not sets:
                wanted = " or ".join(str(sorted(set(names) - {FUNCTION})) for names in self.dimension_sets)
                raise ValueError(f"metric {self.name} takes dimensions {wanted}, not {sorted(given)}")
            return sets
        if given != self.dimensions:
            raise ValueError(f"metric {self.name} takes dimensions {sorted(self.dimensions)}, not {sorted(given)}")
        return list(self.dimension_sets)


class MetricCatalogue:
    """Metrics by name: names are unique across the engine and every service."""

    def __init__(self, metrics: Iterable[Metric]):
        self._by_name: dict[str, Metric] = {}
        for metric in metrics:
            if metric.name in self._by_name:
                raise ValueError(f"metric {metric.name} is declared twice")
            self._by_name[metric.name] = metric

    def __iter__(self):
        return iter(self._by_name.values())

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def get(self, name: str) -> Metric:
        return self._by_name[name]

    def series(self) -> set[tuple[str, frozenset[str]]]:
        """Every (metric name, dimension names) the code emits: what a dashboard or alarm may use."""
        return {(metric.name, frozenset(names)) for metric in self for names in metric.dimension_sets}


# Decision timeliness (DecisionsMade's `timeliness`): against the council's target for the service.
class Timeliness(StrEnum):
    WITHIN_TARGET = "WITHIN_TARGET"
    PAST_TARGET = "PAST_TARGET"
    NO_TARGET = "NO_TARGET"


@dataclass(frozen=True)
class DecisionFigure:
    """A decision a case write carries: its outcome in the service's words, and whether it met the council's target."""

    outcome: str
    timeliness: Timeliness


@dataclass(frozen=True)
class ServiceMetrics:
    """What a service declares about its business metrics (ServiceSpec.metrics): its own metrics, and how to read a
    decision off one of its cases just written, given (case, council config or None, the stage the write entered or
    None): without the council, a decision measured against its target reads NO_TARGET (the engine then reads the
    council's settings and asks again). The engine emits the decision (DecisionsMade) where it writes cases, so no handler does."""

    metrics: tuple[Metric, ...] = ()
    decision: Callable[[Any, Any, Any], DecisionFigure | None] = field(default=lambda case, council, entered: None)


def decided_in_this_write(decided_at: datetime | None, case_updated_at: datetime) -> bool:
    """A decision recorded by the write that saves the case carries the write's own time."""
    return decided_at is not None and decided_at == case_updated_at


COUNCIL = "council"
SCHEME = "scheme"  # the council service (a ServiceSpec key): "service" is Powertools' function dimension

APPLICATIONS_RECEIVED = Metric(
    "ApplicationsReceived", Unit.COUNT, ((COUNCIL, SCHEME, "channel", "outcome"), (COUNCIL,), ()),
    "Applications that arrived, by council, service, channel and what became of them (CREATED a case, DUPLICATE of a "
    "case, PARKED)",
)
CASES_ENTERED_STAGE = Metric(
    "CasesEnteredStage", Unit.COUNT, ((COUNCIL, SCHEME, "stage"),),
    "Cases that moved into a stage (withdrawals are stage WITHDRAWN), written where the case store saves them",
)
DECISIONS_MADE = Metric(
    "DecisionsMade", Unit.COUNT, ((COUNCIL, SCHEME, "outcome", "timeliness"), (COUNCIL, "timeliness")),
    "Decisions, by outcome, and whether within the council's target for the service",
)
NOTIFICATIONS = Metric(
    "Notifications", Unit.COUNT, ((COUNCIL, SCHEME, "result"), ("result",)),
    "Emails, letters and texts about cases: SENT (an email), LETTER_SENT and TEXT_SENT (through GOV.UK Notify), FAILED, "
    "or LETTER_NEEDED (no email address and the council sends no letters: staff write)",
)
NOTIFICATION_STATUSES = Metric(
    "NotificationStatuses", Unit.COUNT, ((COUNCIL, SCHEME, "channel", "outcome"), ("outcome",)),
    "Final statuses GOV.UK Notify reported for emails, letters and texts (channel email, letter or sms): DELIVERED, or "
    "FAILED (an email or letter that failed puts its case on the letter-needed path)",
)
INFORMATION_REMINDERS_SENT = Metric(
    "InformationRemindersSent", Unit.COUNT, ((FUNCTION,),), "Reminders sent before missing information is due",
)
INFORMATION_REMINDER_COUNCILS_FAILED = Metric(
    "InformationReminderCouncilsFailed", Unit.COUNT, ((FUNCTION,),), "Councils whose reminder run failed",
)
CASES_NEEDING_ATTENTION = Metric(
    "CasesNeedingAttention", Unit.COUNT, ((COUNCIL,),),
    "Cases at a person's step flagged as needing attention (read by each reconciler run)", gauge=True,
)
OLDEST_ATTENTION_HOURS = Metric(
    "OldestCaseNeedingAttentionHours", Unit.HOURS, ((COUNCIL,),),
    "Hours since the oldest flagged case was flagged (0: none)", gauge=True,
)
PARKED_APPLICATIONS = Metric(
    "ParkedApplicationsWaiting", Unit.COUNT, ((COUNCIL,),),
    "Parked applications waiting for a person to correct and replay them (read by each reconciler run)", gauge=True,
)
OLDEST_PARKED_HOURS = Metric(
    "OldestParkedApplicationHours", Unit.HOURS, ((COUNCIL,),), "Hours the oldest parked application has waited (0: none)",
    gauge=True,
)
WORKING_HOURS_WITHOUT_APPLICATIONS = Metric(
    "WorkingHoursWithoutApplications", Unit.HOURS, ((COUNCIL,),),
    "Hours of the council's working days (its nation's bank holidays and weekends left out) since its newest application "
    "arrived, as a case or parked (0: none ever)", gauge=True,
)
WORKFLOWS_REPAIRED = Metric(
    RECONCILER_METRIC_REPAIRED, Unit.COUNT, ((FUNCTION,),), "Workflows started again (stopped, or near the one-year limit)",
)
CASES_OUT_OF_STEP = Metric(
    RECONCILER_METRIC_FLAGGED, Unit.COUNT, ((FUNCTION,),), "Cases the reconciler flagged for a person",
)
WORKFLOW_RESUMES_SENT = Metric(
    "WorkflowResumesSent", Unit.COUNT, ((FUNCTION,),), "Workflow resumes the sweeper sent again",
)
# The response watch (shared.core.logic.response_watch): each service's open cases near and past their response target,
# per council and service, and per service in all (what its alarms read: an alarm cannot add the councils up).
CASES_DUE_SOON = Metric(
    "CasesDueSoon", Unit.COUNT, ((COUNCIL, SCHEME), (SCHEME,)),
    "Open cases within the council's warning hours of their response target (ServiceSpec.response_watch)", gauge=True,
)
CASES_OVERDUE = Metric(
    "CasesOverdue", Unit.COUNT, ((COUNCIL, SCHEME), (SCHEME,)), "Open cases past their response target", gauge=True,
)
CASES_ERASED = Metric("CasesErased", Unit.COUNT, ((FUNCTION,),), "Closed cases erased at the end of their retention")
EXPIRED_FILES_DELETED = Metric("ExpiredFilesDeleted", Unit.COUNT, ((FUNCTION,),), "Expired files deleted")
ERASURE_COUNCILS_FAILED = Metric("ErasureCouncilsFailed", Unit.COUNT, ((FUNCTION,),), "Councils whose erasure run failed")

ENGINE_METRICS = (
    APPLICATIONS_RECEIVED, CASES_ENTERED_STAGE, DECISIONS_MADE, NOTIFICATIONS, NOTIFICATION_STATUSES, INFORMATION_REMINDERS_SENT,
    INFORMATION_REMINDER_COUNCILS_FAILED, CASES_NEEDING_ATTENTION, OLDEST_ATTENTION_HOURS, PARKED_APPLICATIONS,
    OLDEST_PARKED_HOURS, WORKING_HOURS_WITHOUT_APPLICATIONS, WORKFLOWS_REPAIRED, CASES_OUT_OF_STEP, WORKFLOW_RESUMES_SENT, CASES_ERASED,
    EXPIRED_FILES_DELETED, ERASURE_COUNCILS_FAILED,
    CASES_DUE_SOON, CASES_OVERDUE,
)


def catalogue(services: Iterable[Any]) -> MetricCatalogue:
    """The engine's metrics and those of every service given (ServiceSpecs)."""
    return MetricCatalogue([*ENGINE_METRICS, *(metric for spec in services for metric in spec.metrics.metrics)])


def hours_since(earliest: datetime | None, now: datetime) -> float:
    """A gauge's age in hours, 0 when there is nothing waiting."""
    return 0.0 if earliest is None else round(max((now - earliest).total_seconds(), 0) / 3600, 2)
