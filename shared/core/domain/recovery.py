"""What a service declares so that the engine can start its stopped workflows again and check them against its cases
(shared.core.logic.recovery, shared.core.logic.reconciler)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.core.domain.case import Case, CaseStage
from shared.core.domain.council import CouncilConfig


def _never_settled(case: Case, now: datetime) -> bool:
    return False


def _nothing_more(case: Case, council: CouncilConfig, now: datetime) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class WorkflowRecovery:
    # The workflow state that waits for people at each stage (the ASL's waitForTaskToken tasks).
    wait_states: Mapping[CaseStage, str]
    # The state a (re)started execution begins at, read by the first Choice of the ASL (None: from the start).
    resume_at: Callable[[Case, CouncilConfig], str | None]
    # What an execution of the case's workflow starts with (`resume_at` is added to it).
    workflow_input: Callable[[Case, CouncilConfig], dict[str, Any]]
    # Wait stages at which the workflow may end (SUCCEEDED) with the case still there, e.g. a refusal that stood.
    may_end_at: frozenset[CaseStage] = frozenset()
    # A case left at a wait stage for good, its workflow over (e.g. a refusal whose review window closed): not checked,
    # so its execution is not even looked up (Step Functions forgets executions after 90 days).
    settled: Callable[[Case, datetime], bool] = _never_settled
    # What a restart at `now` changes in that input, given how long the case has waited (e.g. the time left for an
    # answer already asked for, or going straight on once it is overdue: a "resume_at" of its own).
    restart_input: Callable[[Case, CouncilConfig, datetime], dict[str, Any]] = _nothing_more

    def resume_input(self, case: Case, council: CouncilConfig, now: datetime) -> dict[str, Any]:
        """The input of the case's execution started at `now` where the case stands."""
        at = self.resume_at(case, council)
        return self.workflow_input(case, council) | ({"resume_at": at} if at else {}) | self.restart_input(case, council, now)
