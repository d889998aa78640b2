"""Cases and their workflow executions, checked against each other (one council at a time, for every service it runs
that declares its recovery, by the stage index).

A case at a stage where a person acts expects a running execution waiting at that stage's task. Where it is not so:
- no execution, or one that failed, timed out or was aborted, on a case nobody flagged: started again where the case
  stands (shared.core.logic.recovery), which is safe because the case is at a person's step or past it;
- an execution close to Step Functions' one-year limit, waiting for a person: started again, the old one stopped;
- anything else (an execution waiting at another stage's task, or finished while the case waits): flagged for a
  person (`needs_attention` with the reason, audited), since guessing which is right could lose a step.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shared.core.adapters.case_store import CaseStore, StaleVersion, every_item
from shared.core.adapters.workflows import Workflows
from shared.core.domain.case import AuditEntry, Case
from shared.core.domain.council import CouncilConfig
from shared.core.domain.recovery import WorkflowRecovery
from shared.core.logic.recovery import RUNNING, restart, start_execution, why_stopped

RECONCILER_ACTOR = "workflow reconciler"
PAGE_SIZE = 100
# A case changed this recently may be between a step and its workflow's next task: left for the next run.
SETTLING_TIME = timedelta(minutes=15)
# Standard executions stop after one year: a waiting one is renewed well before.
RENEW_AFTER = timedelta(days=300)


@dataclass
class Reconciliation:
    """Case ids, by what was done."""

    restarted: list[str] = field(default_factory=list)
    renewed: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)
    # When each case found needing attention was last changed (flagged, at the latest): the business metrics' gauges.
    attention_since: list[datetime] = field(default_factory=list)


def reconcile(store: CaseStore, workflows: Workflows, council: CouncilConfig, now: datetime) -> Reconciliation:
    """Check every case of one council that should have a workflow waiting for a person (Queries, never a Scan)."""
    done = Reconciliation()
    for recovery, case in _waiting_cases(store, council):
        if case.needs_attention is not None:
            done.attention_since.append(case.updated_at)
        try:
            _reconcile_case(store, workflows, council, recovery, case, now, done)
        except StaleVersion:  # the case moved while we looked: the next run sees it as it is then
            continue
    return done


def cases_needing_attention(store: CaseStore, council: CouncilConfig) -> list[Case]:
    """The council's cases flagged for a person (each with its reason in `needs_attention`), oldest first: the same
    stage Queries the reconciler reads (there is no index of flagged cases)."""
    flagged = [case for _, case in _waiting_cases(store, council) if case.needs_attention is not None]
    return sorted(flagged, key=lambda case: case.received_at)


def _waiting_cases(store: CaseStore, council: CouncilConfig) -> Iterator[tuple[WorkflowRecovery, Case]]:
    """Every case at a stage where one of the council's services waits for a person, page by page."""
    from shared.services.registry import SERVICES  # the deployment's services (the registry imports the core)

    for service in SERVICES:
        if service.recovery is None or not council.runs(service.key):
            continue
        for stage in service.recovery.wait_states:
            for case in every_item(lambda after, stage=stage: store.by_stage(stage, limit=PAGE_SIZE, after=after)):
                yield service.recovery, case


def _reconcile_case(store: CaseStore, workflows: Workflows, council: CouncilConfig, recovery: WorkflowRecovery, case: Case,
                    now: datetime, done: Reconciliation) -> None:
    if now - case.updated_at < SETTLING_TIME or recovery.settled(case, now):
        return
    execution = workflows.execution(case.workflow, case.execution_name)
    if execution is None and case.workflow_restarts:  # a restart was saved but its start was lost
        start_execution(workflows, council, case, now)
        done.restarted.append(case.case_id)
    elif execution is None or execution.status != RUNNING:
        why = why_stopped(case, execution)
        if why is None and case.stage not in recovery.may_end_at:
            _flag(store, case, f"the workflow finished but the case is still at {case.stage.value}", now, done)
        elif why is not None and case.needs_attention is None:  # a flagged case waits for a person: the same failure would recur
            restart(store, workflows, council, case, case.version, RECONCILER_ACTOR, why, now)
            done.restarted.append(case.case_id)
    elif now - execution.started_at > RENEW_AFTER and case.task_token:
        old_name = case.execution_name
        restart(store, workflows, council, case, case.version, RECONCILER_ACTOR, "the workflow execution nears its one-year limit", now)
        workflows.stop(case.workflow, old_name, cause="Renewed by the workflow reconciler before the one-year limit")
        done.renewed.append(case.case_id)
    else:
        waiting_at = workflows.current_state(case.workflow, case.execution_name)
        expected = recovery.wait_states[case.stage]
        if waiting_at in recovery.wait_states.values() and waiting_at != expected:
            _flag(store, case, f"the workflow waits at {waiting_at} but the case is at {case.stage.value}", now, done)


def _flag(store: CaseStore, case: Case, reason: str, now: datetime, done: Reconciliation) -> None:
    if case.needs_attention == reason:  # flagged by an earlier run: not audited twice
        return
    store.save(case.changed(now, needs_attention=reason), expected_version=case.version, audit=AuditEntry(
        case_id=case.case_id, at=now, actor=RECONCILER_ACTOR, action="NEEDS_ATTENTION", after={"reason": reason}))
    done.flagged.append(case.case_id)
