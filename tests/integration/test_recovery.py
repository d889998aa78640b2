"""Workflows that end badly are started again where the case stands: by a council administrator (POST /cases/{id}/recovery)
or by the reconciler, through the real ASL on moto."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from shared.bootstrap import councils, store_for, workflows
from shared.core.domain.case import AuditEntry, utcnow
from shared.services.blue_badge.domain.case import Stage
from shared.resources import NATIONAL_ADMIN_GROUP, Role, WorkflowKey
from shared.core.logic.reconciler import RENEW_AFTER, reconcile
from shared.services.blue_badge.logic.recovery import WAIT_STATE_FOR_STAGE
from tests.integration.conftest import case_actions, wait_for_execution, wait_until
from tests.integration.test_decisions import NORTHSHIRE, act, at, key_in, someone_new

LATER = timedelta(hours=1)  # past the reconciler's settling time


@pytest.fixture
def caseworker(api_as):
    return api_as(NORTHSHIRE, Role.CASEWORKER, user="alex.caseworker@northshire.example.gov.uk")


@pytest.fixture
def admin(api_as):
    return api_as(NORTHSHIRE, Role.COUNCIL_ADMIN, user="pat.admin@northshire.example.gov.uk")


def execution(stack, clients, name: str) -> dict:
    return wait_for_execution(clients["stepfunctions"], stack.state_machine_arns[WorkflowKey.APPLICATION], name)


def recover(api, case_id: str, version: int, expected: int = 200) -> dict:
    status, answer = api.call("POST", f"/cases/{case_id}/recovery", {"expected_version": version})
    assert status == expected, answer
    return answer


def test_a_flagged_case_is_resumed_by_a_council_admin_and_reaches_its_order(caseworker, admin, api_as, stack, clients, monkeypatch):
    from shared.services.blue_badge.adapters.badge_numbers import BadgeNumbers

    real_issue = BadgeNumbers.issue

    def unavailable(self, count=1):
        raise RuntimeError("badge number counter unavailable")

    case_id = key_in(caseworker, someone_new())
    at(case_id, Stage.PROOF_CHECK)
    recover(admin, case_id, store_for(NORTHSHIRE).get(case_id).version, expected=409)  # its workflow is running
    act(caseworker, case_id, "proof-check", {"confirmed": True})
    at(case_id, Stage.DECISION)
    monkeypatch.setattr(BadgeNumbers, "issue", unavailable)
    act(caseworker, case_id, "decision", {"outcome": "APPROVE"})
    assert execution(stack, clients, case_id)["status"] == "FAILED"
    flagged = store_for(NORTHSHIRE).get(case_id)
    assert flagged.stage is Stage.DECISION and "badge number counter unavailable" in flagged.needs_attention

    # Only a council administrator may resume it; with the version they saw.
    recover(caseworker, case_id, flagged.version, expected=403)
    recover(api_as(None, groups=[NATIONAL_ADMIN_GROUP]), case_id, flagged.version, expected=403)
    recover(admin, case_id, flagged.version - 1, expected=409)
    monkeypatch.setattr(BadgeNumbers, "issue", real_issue)
    answer = recover(admin, case_id, flagged.version)
    assert answer["case"]["needs_attention"] is None and answer["case"]["workflow_restarts"] == 1

    # The approval stands: the new execution goes straight on to the order, without asking for the decision again.
    ordered = at(case_id, Stage.ORDERED)
    assert len(ordered.badge_numbers) == 1
    assert execution(stack, clients, f"{case_id}--r1")["status"] == "SUCCEEDED"
    assert case_actions(store_for(NORTHSHIRE), case_id).count("WORKFLOW_RESTARTED") == 1
    # A second click (the same version, or the new one) starts nothing.
    recover(admin, case_id, flagged.version, expected=409)
    recover(admin, case_id, ordered.version, expected=409)
    assert case_actions(store_for(NORTHSHIRE), case_id).count("WORKFLOW_RESTARTED") == 1


def test_an_aborted_execution_is_found_by_the_reconciler_and_started_again_at_its_step(caseworker, stack, clients):
    case_id = key_in(caseworker, someone_new())
    at(case_id, Stage.PROOF_CHECK)
    arn = stack.state_machine_arns[WorkflowKey.APPLICATION].replace(":stateMachine:", ":execution:") + f":{case_id}"
    clients["stepfunctions"].stop_execution(executionArn=arn, cause="stopped by hand")
    let_moto_apply_the_stop(clients, store_for(NORTHSHIRE).get(case_id).task_token)
    # ABORTED as in AWS; under load moto may instead fail the task it was ending (States.Runtime in its own retry code):
    # either way the execution is over, which is what the reconciler looks for.
    assert execution(stack, clients, case_id)["status"] in ("ABORTED", "FAILED")
    council, store = councils().get(NORTHSHIRE), store_for(NORTHSHIRE)

    assert case_id not in reconcile(store, workflows(), council, utcnow()).restarted  # just changed: left to settle
    done = reconcile(store, workflows(), council, utcnow() + LATER)
    assert case_id in done.restarted and case_id not in done.flagged
    # The new execution waits at the proof check again, with a fresh token; the caseworker carries on.
    restarted = wait_until(lambda: (case := store.get(case_id)).task_token and case.workflow_restarts == 1 and case, what="re-armed wait")
    assert restarted.stage is Stage.PROOF_CHECK and execution_state(case_id, 1) == "ProofCheck"
    assert case_id not in reconcile(store, workflows(), council, utcnow() + LATER).restarted  # running now: nothing to do
    act(caseworker, case_id, "proof-check", {"confirmed": True})
    at(case_id, Stage.DECISION)


def let_moto_apply_the_stop(clients, task_token: str) -> None:
    """moto's waiting task notices a stop only when its callback returns (AWS aborts at once), so the test returns it;
    the stop wins. If moto has already ended the task (it may, under load), the token is refused: as AWS would."""
    try:
        clients["stepfunctions"].send_task_success(taskToken=task_token, output=json.dumps({}))
    except clients["stepfunctions"].exceptions.InvalidToken:
        pass


def execution_state(case_id: str, restarts: int) -> str | None:
    return workflows().current_state(WorkflowKey.APPLICATION, f"{case_id}--r{restarts}")


def test_a_case_whose_execution_waits_at_another_step_is_flagged_once(caseworker, stack, clients):
    case_id = key_in(caseworker, someone_new())
    waiting = at(case_id, Stage.PROOF_CHECK)
    store, council = store_for(NORTHSHIRE), councils().get(NORTHSHIRE)
    # A case moved behind its workflow's back (a bad data fix): the execution still waits at the proof check.
    moved = waiting.changed(utcnow(), stage=Stage.DECISION)
    store.save(moved, expected_version=waiting.version, audit=AuditEntry(case_id=case_id, at=utcnow(), actor="test", action="DATA_FIX"))

    done = reconcile(store, workflows(), council, utcnow() + LATER)
    assert case_id in done.flagged and case_id not in done.restarted
    flagged = store.get(case_id)
    assert flagged.needs_attention == "the workflow waits at ProofCheck but the case is at DECISION"
    assert case_id not in reconcile(store, workflows(), council, utcnow() + LATER).flagged  # flagged once, audited once
    assert case_actions(store, case_id).count("NEEDS_ATTENTION") == 1


def test_a_wait_nobody_acts_on_is_escalated_and_waits_again():
    """Each wait for a person escalates after its time (flag for a team leader) and waits again, rather than failing."""
    from pathlib import Path

    for path in Path("statemachines").glob("blue-badge-*.asl.json"):
        states = json.loads(path.read_text())["States"]
        for name, state in states.items():
            payload = state.get("Parameters", {}).get("Payload", {})
            if payload.get("action") != "wait" or name == "Refused":  # a refusal's window closing is its own end
                continue
            [timeout] = [catch for catch in state["Catch"] if catch["ErrorEquals"] == ["States.Timeout"]]
            escalate = states[timeout["Next"]]
            assert state["TimeoutSeconds"] > 0, (path.name, name)
            assert escalate["Parameters"]["Payload"]["action"] == "escalate" and escalate["Next"] == name, (path.name, name)


class OneCaseStore:
    """The council's store as the reconciler reads it, with its stage queues showing one case: a year on, every other
    test's waiting case in the shared table would be renewed too (over a minute of work that proves nothing more)."""

    def __init__(self, store, case_id: str) -> None:
        self._store, self._case_id = store, case_id

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def by_stage(self, stage, limit: int = 50, after: str | None = None):
        case = self._store.get(self._case_id)
        return ([case] if case.stage == stage else []), None


def test_an_execution_near_its_one_year_limit_is_renewed_and_the_old_one_stopped(caseworker, stack, clients):
    """Escalations let a wait go on: the reconciler keeps every execution under Step Functions' one-year limit."""
    case_id = key_in(caseworker, someone_new())
    at(case_id, Stage.PROOF_CHECK)
    store, council = store_for(NORTHSHIRE), councils().get(NORTHSHIRE)
    assert RENEW_AFTER < timedelta(days=365)
    assert case_id not in reconcile(OneCaseStore(store, case_id), workflows(), council, utcnow() + RENEW_AFTER - LATER).renewed
    old_token = store.get(case_id).task_token
    done = reconcile(OneCaseStore(store, case_id), workflows(), council, utcnow() + RENEW_AFTER + LATER)
    assert case_id in done.renewed
    let_moto_apply_the_stop(clients, old_token)
    assert execution(stack, clients, case_id)["status"] == "ABORTED"
    wait_until(lambda: execution_state(case_id, 1) == "ProofCheck" and store.get(case_id).task_token, what="renewed wait")
    act(caseworker, case_id, "proof-check", {"confirmed": True})
    at(case_id, Stage.DECISION)


def test_the_wait_states_and_resume_points_are_the_workflows_own():
    """WAIT_STATE_FOR_STAGE names each wait task by its stage, and every resume point is a branch of the first Choice."""
    from pathlib import Path

    for path in Path("statemachines").glob("blue-badge-*.asl.json"):
        states = json.loads(path.read_text())["States"]
        for name, state in states.items():
            payload = state.get("Parameters", {}).get("Payload", {})
            if state.get("Resource", "").endswith("waitForTaskToken"):
                stage = Stage(payload.get("stage", Stage.AWAITING_INFORMATION))
                assert WAIT_STATE_FOR_STAGE[stage] == name, (path.name, name)
        branches = states["ResumeAt"]["Choices"]
        assert branches and all(branch["StringEquals"] == branch["Next"] and branch["Next"] in states for branch in branches)
        assert {"Decision"} <= {branch["Next"] for branch in branches}


def test_an_escalated_wait_stays_flagged_for_a_team_leader_when_it_waits_again(caseworker, stack):
    """What the ASL does when a wait times out: the escalate step flags the case, the wait re-arms and keeps the flag."""
    from shared.bootstrap import notifier
    from shared.resources import WORKFLOW_STEP_FUNCTION
    from shared.services.blue_badge.logic.workflow_steps import wait_for_people
    from tests.integration.conftest import invoke

    case_id = key_in(caseworker, someone_new())
    at(case_id, Stage.PROOF_CHECK)
    step = {"action": "escalate", "council_code": NORTHSHIRE, "case_id": case_id, "stage": "PROOF_CHECK"}
    assert invoke(WORKFLOW_STEP_FUNCTION, step) == ({"stage": "PROOF_CHECK", "missing": []}, False)
    store = store_for(NORTHSHIRE)
    escalated = store.get(case_id)
    assert escalated.task_token is None and "team leader" in escalated.needs_attention
    rearmed = wait_for_people(store, notifier(), councils().get(NORTHSHIRE), case_id, Stage.PROOF_CHECK, "a-fresh-token", utcnow())
    assert rearmed.needs_attention == escalated.needs_attention and rearmed.task_token == "a-fresh-token"
    assert case_actions(store, case_id)[-2:] == ["WAIT_ESCALATED", "TASK_RENEWED"]


def test_the_scheduled_reconciler_checks_every_council(stack):
    from shared.resources import RECONCILER_FUNCTION
    from tests.integration.conftest import invoke

    answer, failed = invoke(RECONCILER_FUNCTION, {})
    assert not failed, answer
    assert set(answer["repaired"]) == set(answer["flagged"]) == {council.code for council in councils()}
