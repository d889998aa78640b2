"""Emitting the business metrics (shared.core.domain.metrics) as CloudWatch embedded metric format (EMF) log lines,
through Powertools: one line per dimension set the metric declares. CloudWatch Logs turns each line into a data point;
locally, infra/local/metrics.py reads the same lines."""

from __future__ import annotations

import json
import os
from functools import cache
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from aws_lambda_powertools.metrics.base import SingleMetric
from aws_lambda_powertools.metrics import MetricUnit

from shared.core.domain.metrics import (
    CASES_ENTERED_STAGE,
    CASES_NEEDING_ATTENTION,
    DECISIONS_MADE,
    FUNCTION,
    NAMESPACE,
    OLDEST_ATTENTION_HOURS,
    OLDEST_PARKED_HOURS,
    PARKED_APPLICATIONS,
    Metric,
    Timeliness,
    MetricCatalogue,
    catalogue,
    hours_since,
    WORKING_HOURS_WITHOUT_APPLICATIONS,
)
from shared.core.domain.working_days import working_hours_between

if TYPE_CHECKING:
    from shared.core.adapters.case_store import CaseStore
    from shared.core.domain.council import CouncilConfig
    from shared.core.domain.case import Case
    from shared.core.domain.services import ServiceSpec

_UNITS = {"Count": MetricUnit.Count, "None": MetricUnit.NoUnit}
PARKED_PAGE = 100


def emit(metric: Metric, value: float = 1, **dimensions: str) -> None:
    """Write `metric` = `value` under the dimension sets these dimensions make (Metric.series_for: ValueError for any
    other dimensions), one EMF line per set."""
    sets = metric.series_for(dimensions)
    namespace = os.environ.get("POWERTOOLS_METRICS_NAMESPACE", NAMESPACE)
    function = os.environ.get("POWERTOOLS_SERVICE_NAME") or "service_undefined"  # Powertools' own default
    for names in sets:
        # service="": Powertools would add the function's name as a dimension to every series; only the declared ones.
        line = SingleMetric(namespace=namespace, service="")
        line.add_metric(name=metric.name, unit=_UNITS[metric.unit.value], value=value)
        for name in names:
            line.add_dimension(name=name, value=function if name == FUNCTION else dimensions[name])
        print(json.dumps(line.serialize_metric_set(), separators=(",", ":")), flush=True)


@cache
def all_metrics() -> MetricCatalogue:
    """The engine's metrics and every registered service's."""
    from shared.services.registry import SERVICES  # the registry imports the core: imported when first needed

    return catalogue(SERVICES)


# A council by code as its council admin has it now (bootstrap.councils().get): what a decision's timeliness is measured
# against. The composition root passes it in (measure_decisions_against), so this adapter never imports the root;
# where no root is wired (a seed script, a test of the store alone) a decision carries no target.
_council_now: Callable[[str], CouncilConfig | None] = lambda _code: None


def measure_decisions_against(council_now: Callable[[str], CouncilConfig | None]) -> None:
    global _council_now
    _council_now = council_now


def case_written(case: Case, spec: ServiceSpec, created: bool = False) -> None:
    """What a case write did to the service's figures: the stage it entered (a new case: its first stage) and the
    decision it recorded, if any. Called by the case store once the write succeeded: the one place cases change."""
    entered = case.take_stage_entered()
    if created:
        entered = case.stage
    if entered is not None:
        emit(CASES_ENTERED_STAGE, council=case.council_code, scheme=case.service, stage=entered.value)
    decision = spec.metrics.decision(case, None, entered)
    # Most writes record no decision, and some services' targets are not the council's: only a decision measured
    # against the council's target (NO_TARGET without the council) reads its settings.
    if decision is not None and decision.timeliness is Timeliness.NO_TARGET:
        decision = spec.metrics.decision(case, _council_now(case.council_code), entered)
    if decision is not None:
        emit(DECISIONS_MADE, council=case.council_code, scheme=case.service, outcome=decision.outcome,
             timeliness=decision.timeliness.value)


def report_council_queues(store: CaseStore, council_code: str, attention_since: list[datetime], now: datetime) -> None:
    """A council's levels, read at each reconciler run: its cases needing attention (as the run found them) and its
    parked applications (the parked queue, oldest first: Queries only), with how long the oldest of each has waited."""
    emit(CASES_NEEDING_ATTENTION, len(attention_since), council=council_code)
    emit(OLDEST_ATTENTION_HOURS, hours_since(min(attention_since, default=None), now), council=council_code)
    parked, cursor = store.parked(limit=PARKED_PAGE)
    oldest = parked[0].parked_at if parked else None
    count = len(parked)
    while cursor is not None:
        page, cursor = store.parked(limit=PARKED_PAGE, after=cursor)
        count += len(page)
    emit(PARKED_APPLICATIONS, count, council=council_code)
    emit(OLDEST_PARKED_HOURS, hours_since(oldest, now), council=council_code)


def report_arrivals(store: CaseStore, council: CouncilConfig, now: datetime) -> None:
    """How long the council has gone without an application, in hours of its working days (its nation's calendar):
    what its no-applications alarm watches, so a weekend or a bank holiday never looks like an outage."""
    from shared.services.registry import SERVICES  # the deployment's services (the registry imports the core)

    stages = [stage for service in SERVICES if council.runs(service.key) for stage in service.stages]
    newest = store.newest_arrival(stages)
    quiet = working_hours_between(newest, now, council.nation) if newest is not None else 0.0
    emit(WORKING_HOURS_WITHOUT_APPLICATIONS, round(quiet, 1), council=council.code)
