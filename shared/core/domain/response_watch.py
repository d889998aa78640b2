"""The response watch: alarms before a service's response targets are missed. A service whose cases must be acted on
within a target (adult social care's routing target, the Family Front Door's response target of each level of need)
declares what to watch (ServiceSpec.response_watch); the engine counts, every few minutes, each council's open cases
near their target and past it (shared.core.logic.response_watch), as the metrics CasesDueSoon and CasesOverdue
(shared.core.domain.metrics) its alarms read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.core.domain.business_hours import ClockState
from shared.core.domain.case import CaseStage
from shared.core.domain.council import CouncilConfig
from shared.core.domain.queue_row import QueueRow


@dataclass(frozen=True)
class ResponseWatch:
    """What a service declares for the engine to watch its response targets."""

    # The stages at which the clock runs (a person owes the case a step): each is read from its queue index.
    stages: tuple[CaseStage, ...]
    # A queue line's clock at a moment, given (row, council, now), exactly as its case and queue pages show it.
    clock_state: Callable[[Any, CouncilConfig, datetime], ClockState]
    # The council's warning: business hours before the target at which a case counts as due soon.
    warn_within_hours: Callable[[CouncilConfig], float]
    # In the alarms' words: "A <case_noun> is within <hours> business hours of its <target>".
    case_noun: str
    target: str

    def __post_init__(self) -> None:
        if not self.stages:
            raise ValueError("a response watch needs the stages at which the clock runs")
        services = {stage.service_key() for stage in self.stages}
        if len(services) != 1:
            raise ValueError(f"a response watch watches one service's stages, not {sorted(services)}")


@dataclass(frozen=True)
class ResponseCounts:
    due_soon: int = 0
    overdue: int = 0


def count_response_clocks(rows: Iterable[QueueRow], watch: ResponseWatch, council: CouncilConfig, now: datetime) -> ResponseCounts:
    """The council's open cases (`rows`: their queue lines, read from the council's own table) due soon and overdue at
    `now`; cases at a stage the watch does not name are not counted."""
    due_soon = overdue = 0
    for row in rows:
        if row.stage not in watch.stages:
            continue
        state = watch.clock_state(row, council, now)
        due_soon += state is ClockState.DUE_SOON
        overdue += state is ClockState.OVERDUE
    return ResponseCounts(due_soon=due_soon, overdue=overdue)
