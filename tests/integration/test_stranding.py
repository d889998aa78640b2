"""A person's step whose workflow resume Step Functions does not take (throttled) strands no case: the step stands,
and the resume is sent again by the same person's retry or by the resume sweeper, through the real ASL on moto."""

from __future__ import annotations

import threading

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from shared.bootstrap import store_for
from shared.services.blue_badge.domain.case import Stage
from shared.resources import RESUME_SWEEPER_FUNCTION, Role, WorkflowKey
from shared.core.logic.resumes import RESUMED, SWEEPER_ACTOR
from tests.integration.conftest import case_actions, invoke, wait_for_execution
from tests.integration.test_decisions import CASEWORKER, NORTHSHIRE, SECOND_CASEWORKER, at, key_in, someone_new
from tests.integration.test_information_loop import keyed_in, photo, waiting_case

APPROVE = {"outcome": "APPROVE", "order": {"deliver_to": "HOME", "delivery_option": "STANDARD"}}


@pytest.fixture
def throttle(monkeypatch):
    """throttle(n): the next n SendTaskSuccess calls made by this test's thread fail as Step Functions answers once
    botocore's retries are spent (workflows still running from earlier tests send theirs from moto's threads)."""
    real = BaseClient._make_api_call
    left = [0]
    test_thread = threading.get_ident()

    def call(client, operation_name, params):
        if operation_name == "SendTaskSuccess" and left[0] and threading.get_ident() == test_thread:
            left[0] -= 1
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, operation_name)
        return real(client, operation_name, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", call)

    def arm(times: int = 1) -> None:
        left[0] = times
    return arm


@pytest.fixture
def caseworker(api_as):
    return api_as(NORTHSHIRE, Role.CASEWORKER, user=CASEWORKER)


def execution(stack, clients, case_id: str) -> dict:
    arn = stack.state_machine_arns[WorkflowKey.APPLICATION].replace(":stateMachine:", ":execution:") + f":{case_id}"
    return clients["stepfunctions"].describe_execution(executionArn=arn)


def post(api, case_id: str, step: str, version: int, body: dict) -> tuple[int, dict]:
    return api.call("POST", f"/cases/{case_id}/{step}", {"expected_version": version, **body})


def sweep() -> dict:
    result, errored = invoke(RESUME_SWEEPER_FUNCTION, {})
    assert not errored, result
    return result


def test_a_resume_taken_at_once_is_deleted_by_the_workflows_next_write_and_never_swept(caseworker, stack, clients):
    """The step's request sends its resume and leaves the outbox item; the workflow's next write of the case (here the
    wait at the decision) deletes it in its own transaction, so nothing is left for the sweeper to send again."""
    store = store_for(NORTHSHIRE)
    case_id = key_in(caseworker, someone_new())
    seen = at(case_id, Stage.PROOF_CHECK)
    status, _ = post(caseworker, case_id, "proof-check", seen.version, {"confirmed": True, "pip_moving_around_points": 10})
    assert status == 200
    waiting = at(case_id, Stage.DECISION)
    assert waiting.task_token and waiting.owed_resume is None
    assert store.pending_resumes(case_id) == []  # nothing left for the sweeper


def test_a_throttled_resume_is_sent_again_by_the_same_persons_retry_and_the_case_completes(caseworker, api_as, throttle, stack, clients):
    store = store_for(NORTHSHIRE)
    case_id = key_in(caseworker, someone_new())
    seen = at(case_id, Stage.PROOF_CHECK)

    throttle(1)
    status, body = post(caseworker, case_id, "proof-check", seen.version, {"confirmed": True})
    # The check is recorded even though the workflow did not take it; the case says so rather than failing.
    assert status == 200 and body["case"]["proof_check"]["confirmed"], body
    case = store.get(case_id)
    assert case.stage is Stage.PROOF_CHECK and case.task_token is None and case.version == seen.version + 1
    [owed] = store.pending_resumes(case_id)
    assert owed.action == "PROOF_CHECKED" and owed.expected_version == seen.version
    assert execution(stack, clients, case_id)["status"] == "RUNNING"
    status, body = caseworker.call("GET", f"/cases/{case_id}")
    assert status == 200 and body["catching_up"] is True  # the API says so, as the case page does

    # Someone else, or the same person on another version, is refused as before: only the step's own retry resumes.
    assert post(api_as(NORTHSHIRE, Role.CASEWORKER, user=SECOND_CASEWORKER), case_id, "proof-check", seen.version, {"confirmed": True})[0] == 409
    assert post(caseworker, case_id, "proof-check", seen.version + 1, {"confirmed": True})[0] == 409

    status, body = post(caseworker, case_id, "proof-check", seen.version, {"confirmed": True})
    assert status == 200 and body["case"]["version"] == seen.version + 1, body  # recorded once, not twice
    decision = at(case_id, Stage.DECISION)
    assert store.pending_resumes(case_id) == []
    assert caseworker.call("GET", f"/cases/{case_id}")[1]["catching_up"] is False
    status, _ = post(caseworker, case_id, "decision", decision.version, APPROVE)
    assert status == 200
    at(case_id, Stage.ORDERED)
    assert wait_for_execution(clients["stepfunctions"], stack.state_machine_arns[WorkflowKey.APPLICATION], case_id)["status"] == "SUCCEEDED"
    actions = [action for action in case_actions(store, case_id) if action != "CASE_VIEWED"]
    assert actions.count("PROOF_CHECKED") == 1 and actions[actions.index("PROOF_CHECKED") + 1] == RESUMED


def test_the_sweeper_resumes_a_throttled_decision_and_drops_a_resume_already_taken(caseworker, throttle, stack, clients):
    store = store_for(NORTHSHIRE)
    case_id = key_in(caseworker, someone_new())
    seen = at(case_id, Stage.PROOF_CHECK)
    assert post(caseworker, case_id, "proof-check", seen.version, {"confirmed": True})[0] == 200
    decision = at(case_id, Stage.DECISION)

    throttle(2)  # the decision's own send, then the sweeper's first try
    assert post(caseworker, case_id, "decision", decision.version, APPROVE)[0] == 200
    assert store.load(case_id).catching_up
    result, errored = invoke(RESUME_SWEEPER_FUNCTION, {})
    assert errored and "NORTHSHIRE" in result["errorMessage"]  # still owed: the errors alarm hears of it
    assert store.load(case_id).catching_up

    assert case_id in sweep()["resumed"][NORTHSHIRE]
    at(case_id, Stage.ORDERED)
    assert wait_for_execution(clients["stepfunctions"], stack.state_machine_arns[WorkflowKey.APPLICATION], case_id)["status"] == "SUCCEEDED"
    assert not store.load(case_id).catching_up
    [resumed] = [entry for entry in store.history(case_id) if entry.action == RESUMED]
    assert resumed.actor == SWEEPER_ACTOR and resumed.after["step"] == "DECIDED"


def test_a_resume_sent_twice_is_harmless(caseworker, throttle, stack, clients):
    """The send went through but its entry stayed (say, the function stopped before dropping it): the sweeper sends it
    again, which disturbs nothing, and drops it."""
    store = store_for(NORTHSHIRE)
    case_id = key_in(caseworker, someone_new())
    seen = at(case_id, Stage.PROOF_CHECK)
    throttle(1)
    assert post(caseworker, case_id, "proof-check", seen.version, {"confirmed": True})[0] == 200
    [owed] = store.pending_resumes(case_id)
    clients["stepfunctions"].send_task_success(taskToken=owed.task_token, output='{"outcome": "CONFIRMED", "confirmed": true}')
    waiting = at(case_id, Stage.DECISION)
    # AWS answers a used token with TaskTimedOut; moto takes it again, without effect on the execution.
    sweep()
    assert store.pending_resumes(case_id) == []
    assert store.get(case_id).task_token == waiting.task_token and execution(stack, clients, case_id)["status"] == "RUNNING"

    # Once the execution has ended, moto too answers InvalidToken: the entry is dropped, and nothing is said to be resumed.
    throttle(1)
    assert post(caseworker, case_id, "decision", waiting.version, APPROVE)[0] == 200
    [owed] = store.pending_resumes(case_id)
    clients["stepfunctions"].send_task_success(taskToken=owed.task_token, output='{"outcome": "APPROVE"}')
    at(case_id, Stage.ORDERED)
    assert wait_for_execution(clients["stepfunctions"], stack.state_machine_arns[WorkflowKey.APPLICATION], case_id)["status"] == "SUCCEEDED"
    resumed_before = case_actions(store, case_id).count(RESUMED)
    assert case_id not in sweep()["resumed"][NORTHSHIRE]
    assert store.pending_resumes(case_id) == [] and case_actions(store, case_id).count(RESUMED) == resumed_before


def test_supplied_information_whose_resume_was_throttled_moves_on_after_the_sweep(api_as, throttle, stack, clients):
    store = store_for(NORTHSHIRE)
    api = api_as(NORTHSHIRE, Role.CASEWORKER)
    case_id = keyed_in(api, evidence=[])  # every document missing; the photo arrives first
    case = waiting_case(NORTHSHIRE, case_id)

    throttle(1)
    status, body = api.call("POST", f"/cases/{case_id}/supplied", {"expected_version": case.version, "evidence": [photo(case_id)]})
    assert status == 200, body
    assert store.load(case_id).catching_up

    assert case_id in sweep()["resumed"][NORTHSHIRE]
    # The workflow rechecked and, the other documents still missing, asks again: a new round, with a new token.
    again = waiting_case(NORTHSHIRE, case_id, after_version=case.version + 1)
    assert again.stage is Stage.AWAITING_INFORMATION and again.task_token != case.task_token
    assert not store.load(case_id).catching_up


def test_asking_for_information_whose_resume_was_throttled_is_completed_by_the_retry(caseworker, throttle, stack, clients):
    """The request moves the case to AWAITING_INFORMATION at once, so the retry finds it past the step it repeats."""
    store = store_for(NORTHSHIRE)
    case_id = key_in(caseworker, someone_new())
    seen = at(case_id, Stage.PROOF_CHECK)
    ask = {"items": [{"code": "PROOF_OF_ELIGIBILITY", "note": "Page 2 of the award letter is missing."}]}

    throttle(1)
    assert post(caseworker, case_id, "information-request", seen.version, ask)[0] == 200
    assert store.get(case_id).stage is Stage.AWAITING_INFORMATION and store.load(case_id).catching_up

    status, body = post(caseworker, case_id, "information-request", seen.version, ask)
    assert status == 200 and body["case"]["version"] == seen.version + 1, body
    asked = waiting_case(NORTHSHIRE, case_id, after_version=seen.version + 1)  # the workflow's request, with its token
    assert [item.code.value for item in asked.missing] == ["PROOF_OF_ELIGIBILITY"] and not store.load(case_id).catching_up
