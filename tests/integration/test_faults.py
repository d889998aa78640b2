"""Fault injection at each external call of intake, each person's step, the reply page, print dispatch, print results and
reminders: AWS's real error codes (and a Lambda dying) N times, then the system's own retries. The invariant in every
case: no application, case, badge or batch is lost or stuck - it completes on retry, or is visible with its reason and
recoverable. The outcome of each case is tabled in docs/fault-injection.md.

Recovery is what the system itself does: SQS redelivery through the pump (intake), the same person's retry of the step
and the resume sweeper (steps, reply page), the same night's run again through the print-dispatch state machine and the
next night's run (dispatch), S3's retry of the async invocation (print results), the next scheduled run (reminders).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from infra.local import pump as pump_module
from infra.local.bridge import lambda_context
from infra.local.print_results import deliver_inbox
from infra.local.seed import wait_for_workflows
from shared.bootstrap import badge_store_for, councils, intake_service, print_desk, store_for
from shared.services.blue_badge.domain.application import Application
from shared.services.blue_badge.domain.badge import BadgeStatus
from shared.services.blue_badge.domain.case import Stage
from shared.services.blue_badge.domain.settings import FeeTiming
from shared.resources import (
    DEFAULT_REGION,
    EVIDENCE_BUCKET_LOCAL_NAME,
    PRINT_DISPATCH_FUNCTION,
    PRINT_DROP_BUCKET_LOCAL_NAME,
    REMINDERS_FUNCTION,
    RESULTS_PROCESSED,
    RESUME_SWEEPER_FUNCTION,
    SUPPLIER_INBOX,
    SUPPLIER_OUTBOX,
    Role,
)
from shared.core.domain.evidence import CASES_FOLDER, council_evidence_prefix
from shared.core.logic.resumes import RESUMED
from tests.factories import with_badge_settings, REMOVE, case_file, complete_application
from tests.integration.conftest import emails_to, invoke, upload_intake_files, wait_for_step, wait_until
from tests.integration.fault_injection import (
    DDB_KMS_DENIED,
    DDB_THROTTLED,
    DDB_TRANSACTION_CANCELLED,
    LAMBDA_DIES,
    S3_INTERNAL_ERROR,
    S3_KMS_DENIED,
    S3_SLOW_DOWN,
    SES_OUTAGE,
    SFN_THROTTLED,
    Fault,
    FaultInjector,
    LambdaDied,
    email_to,
    key_is,
)
from tests.integration.test_decisions import CASEWORKER, NORTHSHIRE, SECOND_CASEWORKER, act, at, key_in, someone_new
from tests.integration.test_intake import case_id_for
from tests.integration.test_print_dispatch import badge_numbers_in, extract, run_dispatch
from tests.integration.test_print_results import confirmations_file, drop

# One fault at one call: (fault, service, operation, times, only calls whose parameters match).
Shot = tuple[Fault, str, str, int, Any]


# Stand-ins for a shot's parameter match, resolved by the test that arms it.
SECOND_CALL = "the second matching call"  # a fresh nth_call(2) per test
APPLICANT = "calls for the test's applicant"  # email_to(that address) per test
ANSWER_LOST = "the call goes through, and its answer is the fault"  # answer_lost=True


def shot_id(shot: Shot) -> str:
    fault, _, operation, times, when = shot
    return f"{fault.label} on {operation} x{times}" + (" (answer lost)" if when == ANSWER_LOST else "")


@pytest.fixture
def faults(stack):
    with FaultInjector().installed() as injector:
        yield injector


def arm(faults: FaultInjector, shot: Shot, any_thread: bool = False, applicant: str | None = None) -> None:
    """Arm the shot, its stand-in match resolved for this test (APPLICANT: calls for `applicant`'s address)."""
    fault, service, operation, times, when = shot
    if when == SECOND_CALL:
        when = nth_call(2)
    elif when == APPLICANT:
        when = email_to(applicant)
    lost = when == ANSWER_LOST
    faults.arm(fault, service, operation, times, when=None if lost else when, any_thread=any_thread, answer_lost=lost)


def met_as_armed(faults: FaultInjector, shot: Shot) -> bool:
    """The shot's fault fired as many times as it was armed for (a shot that never fires proves nothing)."""
    return [fired for *_, fired in faults.fired()] == [shot[3]]


def nth_call(n: int):
    """Matches the n-th matching call only (a death after n - 1 went through)."""
    seen = [0]

    def matches(_: dict) -> bool:
        seen[0] += 1
        return seen[0] == n
    return matches


def settle(stack, clients) -> None:
    assert wait_for_workflows(clients["stepfunctions"], stack.state_machine_arns.values())


def sweep() -> dict:
    result, errored = invoke(RESUME_SWEEPER_FUNCTION, {})
    assert not errored, result
    return result


# ------------------------------------------------------------------ intake: event -> queue -> ingest (pump) -> case
INTAKE_SHOTS: list[Shot] = [
    (DDB_THROTTLED, "dynamodb", "TransactWriteItems", 2, None),  # the case, its marker and search keys
    (DDB_TRANSACTION_CANCELLED, "dynamodb", "TransactWriteItems", 1, None),
    (DDB_KMS_DENIED, "dynamodb", "GetItem", 1, key_is("CURRENT")),  # the council's stored settings
    (S3_SLOW_DOWN, "s3", "CopyObject", 2, None),  # evidence into the case's folder
    (S3_KMS_DENIED, "s3", "CopyObject", 1, None),
    (S3_SLOW_DOWN, "s3", "CopyObject", 1, nth_call(2)),  # the second file's, after the first was copied
    (SFN_THROTTLED, "stepfunctions", "StartExecution", 2, None),  # after the case is written
    (SFN_THROTTLED, "stepfunctions", "StartExecution", 1, ANSWER_LOST),  # started, but intake is told it failed
]


def assert_became_one_case_and_its_workflow_runs(application: dict) -> str:
    case_id = case_id_for(application["application_id"], NORTHSHIRE)
    assert case_id, f"application {application['application_id']} lost"
    case = wait_for_step(store_for(NORTHSHIRE), case_id, Stage.PROOF_CHECK)  # the workflow started and screened it
    assert [entry.action for entry in store_for(NORTHSHIRE).history(case_id)].count("CASE_OPENED") == 1
    assert len(case.application.evidence) == len(application["evidence"])  # every file copied into the case's folder
    return case_id


def case_folders_files(s3) -> set[str]:
    folder = council_evidence_prefix(NORTHSHIRE) + CASES_FOLDER
    return {item["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Prefix=folder)
            for item in page.get("Contents", [])}


@pytest.mark.parametrize("shot", INTAKE_SHOTS, ids=shot_id)
def test_intake_completes_on_redelivery(intake, pump, faults, shot, s3):
    application = someone_new()
    intake.publish(application)
    before = case_folders_files(s3)
    arm(faults, shot)
    stats = pump.drain(max_seconds=30)
    assert stats.drained and stats.failed >= 1, stats  # the fault did fail the record; redelivery took it in
    assert met_as_armed(faults, shot), faults.fired()
    case_id = assert_became_one_case_and_its_workflow_runs(application)
    # The files copied for an attempt that wrote no case are gone: only the case's own are new.
    assert case_folders_files(s3) - before == {item.key for item in store_for(NORTHSHIRE).get(case_id).application.evidence}


def test_an_ses_outage_at_intake_opens_the_case_and_records_the_received_email_as_failed(intake, pump, faults):
    """Intake tells the applicant their application arrived: an email that cannot be sent never fails the record (no
    redelivery, no second case); the case is opened, its workflow runs, and its history says the email failed."""
    application = someone_new()
    intake.publish(application)
    faults.arm(SES_OUTAGE, "ses", "SendEmail", 3, when=email_to(application["contact"]["email"]), any_thread=True)
    stats = pump.drain(max_seconds=30)
    assert stats.drained and stats.failed == 0, stats
    case_id = assert_became_one_case_and_its_workflow_runs(application)
    [told] = [entry for entry in store_for(NORTHSHIRE).history(case_id) if entry.action.startswith("NOTIFICATION")]
    assert (told.action, told.after["kind"], told.after["delivered"]) == ("NOTIFICATION_FAILED", "RECEIVED", False)


def test_a_repeat_delivery_whose_copies_s3_will_not_delete_is_answered_with_its_case(intake, pump, faults, s3):
    """A repeat delivery copies its files before the case's own write refuses it; deleting those copies is best effort:
    an S3 failure there neither fails the record (a redelivery would only copy again) nor opens a second case, and the
    copies left are the ones named in the log."""
    application = someone_new()
    intake.publish(application)
    assert pump.drain(max_seconds=30).drained
    case_id = assert_became_one_case_and_its_workflow_runs(application)
    before = case_folders_files(s3)
    intake.publish(application)
    armed = faults.arm(S3_INTERNAL_ERROR, "s3", "DeleteObjects", 1, any_thread=True)
    stats = pump.drain(max_seconds=30)
    assert armed.fired == 1
    assert stats.drained and stats.failed == 0, stats
    assert case_id_for(application["application_id"], NORTHSHIRE) == case_id
    left = case_folders_files(s3) - before
    assert len(left) == len(application["evidence"]) and not any(case_id in key for key in left)  # the repeat's copies only

def test_a_case_written_though_its_answer_was_an_error_keeps_its_files(intake, pump, faults, s3):
    """The case's transaction commits but its answer is an error (the SDK's last retry of a write that went through):
    the record fails and is redelivered as a repeat of the case. The files are discarded only where a read shows no
    case, so the case keeps its own, and the repeat's copies go."""
    application = someone_new()
    intake.publish(application)
    before = case_folders_files(s3)
    armed = faults.arm(DDB_THROTTLED, "dynamodb", "TransactWriteItems", answer_lost=True)
    stats = pump.drain(max_seconds=30)
    assert armed.fired == 1 and stats.drained and stats.failed == 1, stats
    case_id = assert_became_one_case_and_its_workflow_runs(application)
    assert case_folders_files(s3) - before == {item.key for item in store_for(NORTHSHIRE).get(case_id).application.evidence}

def test_an_application_parked_for_a_missing_file_leaves_no_copy_of_the_others(intake, pump, s3):
    """Its files are copied one by one before the missing one refuses it: the copies made go, as the case never is."""
    application = someone_new()
    assert len(application["evidence"]) > 1
    intake.publish(application)  # the files are uploaded as the sender would ...
    s3.delete_object(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=application["evidence"][-1]["key"])  # ... but the last
    before = case_folders_files(s3)
    assert pump.drain(max_seconds=30).drained
    assert case_id_for(application["application_id"], NORTHSHIRE) is None  # parked
    assert case_folders_files(s3) == before

def test_a_lambda_dying_mid_batch_loses_no_application_and_makes_no_second_case(intake, pump, faults, monkeypatch):
    """The ingest function stops (timeout, out of memory) after the first record and with the second record's case
    written but its workflow not started: nothing of the batch is deleted, the whole batch comes back."""
    applications = [someone_new() for _ in range(3)]
    intake.publish(*applications)
    # Lambda's own in-progress window: the dead invocation's remaining time (shorter than the queue's visibility timeout
    # in AWS, as here), after which Powertools Idempotency lets the redelivery take the record again.
    monkeypatch.setattr(pump_module, "lambda_context", lambda function: lambda_context(function, timeout_seconds=1))
    faults.arm(LAMBDA_DIES, "stepfunctions", "StartExecution", when=nth_call(2))
    with pytest.raises(LambdaDied):
        pump.pump_once()
    assert pump.drain(max_seconds=30).drained
    for application in applications:
        assert_became_one_case_and_its_workflow_runs(application)


# ------------------------------------------------------------------ each person's step through the API
def refused(api, application: dict | None = None) -> str:
    case_id = key_in(api, application or someone_new())
    at(case_id, Stage.PROOF_CHECK)
    act(api, case_id, "proof-check", {"confirmed": True})
    at(case_id, Stage.DECISION)
    act(api, case_id, "decision", {"outcome": "REFUSE", "reasons": ["Not eligible on the evidence"]})
    at(case_id, Stage.REFUSED)
    return case_id


def at_proof_check(api, monkeypatch) -> str:
    case_id = key_in(api, someone_new())
    at(case_id, Stage.PROOF_CHECK)
    return case_id


def at_assessment(api, monkeypatch) -> str:
    case_id = key_in(api, someone_new(eligibility={"code": "WALKD", "walking": {"difficulties": ["PAIN"]}}))
    at(case_id, Stage.ASSESSMENT)
    return case_id


def at_decision(api, monkeypatch) -> str:
    case_id = at_proof_check(api, monkeypatch)
    act(api, case_id, "proof-check", {"confirmed": True})
    at(case_id, Stage.DECISION)
    return case_id


def at_payment(api, monkeypatch) -> str:
    registry = councils()
    monkeypatch.setitem(registry._by_code, NORTHSHIRE, with_badge_settings(registry.get(NORTHSHIRE), fee_taken_on=FeeTiming.APPROVAL))
    case_id = key_in(api, someone_new(payment=REMOVE))
    at(case_id, Stage.PROOF_CHECK)
    act(api, case_id, "proof-check", {"confirmed": True})
    at(case_id, Stage.DECISION)
    act(api, case_id, "decision", {"outcome": "APPROVE"})
    at(case_id, Stage.AWAITING_PAYMENT)
    return case_id


def at_review_request(api, monkeypatch) -> str:
    return refused(api)


def at_review(api, monkeypatch) -> str:
    case_id = refused(api)
    act(api, case_id, "review-request", {"grounds": "New evidence from the GP"})
    at(case_id, Stage.REVIEW)
    return case_id


def awaiting_information(api, monkeypatch) -> str:
    case_id = key_in(api, someone_new(without_evidence=("PHOTO",)))
    at(case_id, Stage.AWAITING_INFORMATION)
    return case_id


# step -> (how a case gets there, its path, the person's answer, where the workflow then takes the case, who acts)
STEPS: dict[str, tuple[Any, str, Any, Stage, str]] = {
    "proof check": (at_proof_check, "proof-check", {"confirmed": True}, Stage.DECISION, CASEWORKER),
    "assessment": (at_assessment, "assessment", {"outcome": "NOT_ELIGIBLE", "summary": "Walks 200 m unaided"}, Stage.DECISION, CASEWORKER),
    "decision": (at_decision, "decision", {"outcome": "APPROVE", "order": {"deliver_to": "HOME", "delivery_option": "STANDARD"}},
                 Stage.ORDERED, CASEWORKER),
    "payment": (at_payment, "payment", {"amount_pence": 1000, "reference": "PAY-FAULT"}, Stage.ORDERED, CASEWORKER),
    "review request": (at_review_request, "review-request", {"grounds": "Please look again"}, Stage.REVIEW, CASEWORKER),
    "review": (at_review, "review", {"outcome": "OVERTURN"}, Stage.ORDERED, SECOND_CASEWORKER),
    "supplied information": (awaiting_information, "supplied", lambda case_id: {"evidence": [case_file(case_id, "PHOTO", "reply-photo-1.jpg")]},
                             Stage.PROOF_CHECK, CASEWORKER),
}

STEP_SAVE_THROTTLED: Shot = (DDB_THROTTLED, "dynamodb", "TransactWriteItems", 1, None)
STEP_RESUME_THROTTLED: Shot = (SFN_THROTTLED, "stepfunctions", "SendTaskSuccess", 2, None)  # the step's send, the retry's
STEP_RESUME_ANSWER_LOST: Shot = (SFN_THROTTLED, "stepfunctions", "SendTaskSuccess", 1, ANSWER_LOST)  # taken, told it failed
STEP_SAVE_CANCELLED: Shot = (DDB_TRANSACTION_CANCELLED, "dynamodb", "TransactWriteItems", 1, None)
STEP_READ_KMS_DENIED: Shot = (DDB_KMS_DENIED, "dynamodb", "GetItem", 1, key_is("CASE"))

STEP_CASES = (
    [(step, STEP_SAVE_THROTTLED) for step in STEPS]
    + [(step, STEP_RESUME_THROTTLED) for step in STEPS]
    + [(step, shot) for step in ("decision", "supplied information") for shot in (STEP_SAVE_CANCELLED, STEP_READ_KMS_DENIED, STEP_RESUME_ANSWER_LOST)]
)


def attempt(api, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """A request as API Gateway answers it: an error the handler lets escape is a 500."""
    try:
        return api.call(method, path, body)
    except Exception as error:  # noqa: BLE001 - what escapes the Lambda is API Gateway's 500
        return 500, {"escaped": repr(error)}


def persons_entries(case_id: str, actor: str) -> list[str]:
    return [entry.action for entry in store_for(NORTHSHIRE).history(case_id)
            if entry.actor == f"user:{actor}" and entry.action not in ("CASE_VIEWED", RESUMED)]


@pytest.mark.parametrize(("step", "shot"), STEP_CASES, ids=[f"{step}: {shot_id(shot)}" for step, shot in STEP_CASES])
def test_a_persons_step_survives_the_fault(api_as, faults, monkeypatch, step, shot):
    reach, path, answer, next_stage, actor = STEPS[step]
    api = api_as(NORTHSHIRE, Role.CASEWORKER, user=actor)
    case_id = reach(api_as(NORTHSHIRE, Role.CASEWORKER, user=CASEWORKER), monkeypatch)
    store = store_for(NORTHSHIRE)
    case = store.get(case_id)
    body = {"expected_version": case.version, **(answer(case_id) if callable(answer) else answer)}
    before = persons_entries(case_id, actor)

    arm(faults, shot)
    status, first = attempt(api, "POST", f"/cases/{case_id}/{path}", body)
    if status >= 500:  # refused whole: nothing half-recorded, the step still open
        after = store.get(case_id)
        assert (after.version, after.task_token) == (case.version, case.task_token), first
    else:
        assert status == 200, first
    # The same person sends the step again (the page's retry), then the sweeper runs as its schedule would. After a lost
    # answer the workflow has the resume: once it has moved the case on, the retry is told the step is no longer open.
    status, again = attempt(api, "POST", f"/cases/{case_id}/{path}", body)
    assert status == 200 or (shot[4] == ANSWER_LOST and status == 409), again
    assert met_as_armed(faults, shot), faults.fired()
    sweep()
    at(case_id, next_stage)
    assert len(persons_entries(case_id, actor)) == len(before) + 1  # recorded once
    assert store.pending_resumes(case_id) == []


@pytest.mark.parametrize("step", list(STEPS))
def test_a_persons_step_whose_answer_was_lost_is_recorded_once(api_as, faults, monkeypatch, step):
    """The step's transaction commits but answers an error (the SDK's last retry of a write that went through): the
    person sees a 500 and sends the step again, which finds it recorded; the workflow moves on, the step recorded once."""
    reach, path, answer, next_stage, actor = STEPS[step]
    api = api_as(NORTHSHIRE, Role.CASEWORKER, user=actor)
    case_id = reach(api_as(NORTHSHIRE, Role.CASEWORKER, user=CASEWORKER), monkeypatch)
    store = store_for(NORTHSHIRE)
    body = {"expected_version": store.get(case_id).version, **(answer(case_id) if callable(answer) else answer)}
    before = persons_entries(case_id, actor)
    armed = faults.arm(DDB_THROTTLED, "dynamodb", "TransactWriteItems", answer_lost=True)
    assert attempt(api, "POST", f"/cases/{case_id}/{path}", body)[0] == 500 and armed.fired == 1
    status, again = attempt(api, "POST", f"/cases/{case_id}/{path}", body)
    assert status == 200, again
    sweep()
    at(case_id, next_stage)
    assert len(persons_entries(case_id, actor)) == len(before) + 1
    assert store.pending_resumes(case_id) == []

def test_a_refused_resume_whose_refused_mark_is_throttled_still_answers_success_and_is_swept(api_as, faults):
    """Step Functions refuses a step's resume, and marking its outbox item refused (for the case page's "catching up") is
    throttled too: the step stands recorded, its resume stays owed (unmarked) and the sweeper delivers it."""
    api = api_as(NORTHSHIRE, Role.CASEWORKER, user=CASEWORKER)
    case_id = at_proof_check(api, None)
    body = {"expected_version": store_for(NORTHSHIRE).get(case_id).version, "confirmed": True}
    faults.arm(SFN_THROTTLED, "stepfunctions", "SendTaskSuccess")
    faults.arm(DDB_THROTTLED, "dynamodb", "PutItem", when=key_is("RESUME#"))
    status, answer = attempt(api, "POST", f"/cases/{case_id}/proof-check", body)
    assert status == 200, answer
    assert [fired for _, _, fired in faults.fired()] == [1, 1]  # both faults were met
    [owed] = store_for(NORTHSHIRE).pending_resumes(case_id)
    assert not owed.refused
    sweep()
    at(case_id, Stage.DECISION)
    assert store_for(NORTHSHIRE).pending_resumes(case_id) == []

def sent_late_with_its_outbox_delete_throttled(api, faults) -> tuple[str, int, int]:
    """A proof check whose resume Step Functions refused once, sent again by the same person's retry; deleting the
    outbox item after that late send is throttled. The two answers' statuses."""
    case_id = at_proof_check(api, None)
    body = {"expected_version": store_for(NORTHSHIRE).get(case_id).version, "confirmed": True}
    faults.arm(SFN_THROTTLED, "stepfunctions", "SendTaskSuccess")
    faults.arm(DDB_THROTTLED, "dynamodb", "DeleteItem", when=key_is("RESUME#"))
    first, _ = attempt(api, "POST", f"/cases/{case_id}/proof-check", body)
    again, _ = attempt(api, "POST", f"/cases/{case_id}/proof-check", body)
    assert [fired for _, _, fired in faults.fired()] == [1, 1]  # both faults were met
    return case_id, first, again


def test_a_throttled_outbox_delete_after_a_late_resume_still_answers_success(api_as, faults):
    api = api_as(NORTHSHIRE, Role.CASEWORKER, user=CASEWORKER)
    _, first, again = sent_late_with_its_outbox_delete_throttled(api, faults)
    assert (first, again) == (200, 200)


def test_a_throttled_outbox_delete_after_a_late_resume_strands_nothing(api_as, faults):
    """The invariant half of the test above: the case moves on, and the workflow's next write of the case deletes the
    outbox item the throttled delete left (the case still notes the resume it owed)."""
    api = api_as(NORTHSHIRE, Role.CASEWORKER, user=CASEWORKER)
    case_id, _, _ = sent_late_with_its_outbox_delete_throttled(api, faults)
    at(case_id, Stage.DECISION)
    assert store_for(NORTHSHIRE).pending_resumes(case_id) == []
    assert persons_entries(case_id, CASEWORKER).count("PROOF_CHECKED") == 1


def test_an_ses_outage_during_the_workflows_emails_does_not_hold_up_the_case(api_as, faults, stack, clients):
    api = api_as(NORTHSHIRE, Role.CASEWORKER, user=CASEWORKER)
    application = someone_new()
    case_id = key_in(api, application)
    at(case_id, Stage.PROOF_CHECK)
    act(api, case_id, "proof-check", {"confirmed": True})
    at(case_id, Stage.DECISION)
    # Every send to this applicant fails (each email is tried 3 times) while the workflow approves and orders.
    faults.arm(SES_OUTAGE, "ses", "SendEmail", 100, when=email_to(application["contact"]["email"]), any_thread=True)
    act(api, case_id, "decision", {"outcome": "APPROVE", "order": {"deliver_to": "HOME", "delivery_option": "STANDARD"}})
    at(case_id, Stage.ORDERED)
    settle(stack, clients)
    failed = [entry.after for entry in store_for(NORTHSHIRE).history(case_id)
              if entry.action.startswith("NOTIFICATION") and not entry.after.get("delivered")]
    assert failed and all("ServiceUnavailable" in (entry.get("error") or "") for entry in failed), failed


# ------------------------------------------------------------------ the applicant's reply page (web)
REPLY_SHOTS: list[Shot] = [
    (DDB_THROTTLED, "dynamodb", "TransactWriteItems", 1, None),
    (SFN_THROTTLED, "stepfunctions", "SendTaskSuccess", 1, None),
]


@pytest.mark.parametrize("shot", REPLY_SHOTS, ids=shot_id)
def test_the_reply_page_send_survives_the_fault(stack, faults, shot):
    from tests.web.conftest import Browser
    from tests.web.test_reply import link_for

    email = f"applicant-{uuid.uuid4().hex[:10]}@example.com"
    payload = complete_application(NORTHSHIRE, channel="PAPER", holder__nino=REMOVE, contact__email=email)  # only the NINO missing
    case_id = intake_service().accept(Application.model_validate(upload_intake_files(payload)), actor="test").case_id
    wait_for_step(store_for(NORTHSHIRE), case_id, Stage.AWAITING_INFORMATION)
    link = link_for(email)
    browser = Browser()

    arm(faults, shot)
    try:
        sent = browser.post(link, {"nino": "AB123456C"})
        status = sent.status
    except Exception:  # noqa: BLE001 - escaped the web Lambda: API Gateway's 500
        status = 500
    if status >= 500:  # nothing recorded: the link still works, and the applicant sends again
        sent = browser.post(link, {"nino": "AB123456C"})
        assert sent.status == 200 and "Information sent" in sent.text, sent.text[:500]
    else:
        assert status == 200 and "Information sent" in sent.text
    sweep()
    case = wait_for_step(store_for(NORTHSHIRE), case_id, Stage.PROOF_CHECK)
    assert case.application.holder.nino == "AB123456C"
    assert [entry.action for entry in store_for(NORTHSHIRE).history(case_id)].count("INFORMATION_SUPPLIED") == 1
    assert store_for(NORTHSHIRE).pending_resumes(case_id) == []


# ------------------------------------------------------------------ print dispatch
DISPATCH_SHOTS: list[Shot] = [
    (DDB_THROTTLED, "dynamodb", "Query", 1, None),  # reading the print queue (or a resumed batch's badges)
    (S3_INTERNAL_ERROR, "s3", "GetObject", 1, None),  # a photo for the extract
    (S3_KMS_DENIED, "s3", "GetObject", 1, None),
    (S3_SLOW_DOWN, "s3", "UploadPart", 1, None),  # the extract into the supplier's outbox
    (DDB_THROTTLED, "dynamodb", "TransactWriteItems", 1, None),  # taking the badges into the batch PROCESSED
    (DDB_THROTTLED, "dynamodb", "TransactWriteItems", 1, ANSWER_LOST),  # taken, but the run is told it failed
    (LAMBDA_DIES, "dynamodb", "PutItem", 1, SECOND_CALL),  # mid-claim: the first badge taken, the function stops
]
NIGHTS = iter(datetime(2027, 3, 1, 0, 30, tzinfo=UTC) + timedelta(days=index) for index in range(1000))


def night_of(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def files_holding(s3, badge_number: str) -> list[str]:
    """Extracts in the supplier's outbox that carry the badge (re-extracts, marked as such, left out)."""
    listed = s3.list_objects_v2(Bucket=PRINT_DROP_BUCKET_LOCAL_NAME, Prefix=SUPPLIER_OUTBOX).get("Contents", [])
    names = []
    for item in listed:
        name = item["Key"].removeprefix(SUPPLIER_OUTBOX)
        document = extract(s3, name)
        if document.findtext("Batch/ReExtract") != "yes" and badge_number in badge_numbers_in(document):
            names.append(name)
    return names


@pytest.fixture(scope="module")
def s3(stack):
    return boto3.client("s3", region_name=DEFAULT_REGION)


@pytest.mark.parametrize("shot", DISPATCH_SHOTS, ids=shot_id)
def test_print_dispatch_finishes_every_badge_once_after_the_fault(api_as, stack, clients, s3, faults, shot):
    from tests.integration.test_decisions import order_a_badge

    api = api_as(NORTHSHIRE, Role.CASEWORKER, user=CASEWORKER)
    badges = [order_a_badge(api, someone_new())[1]["badge_number"] for _ in range(2)]
    settle(stack, clients)
    night = next(NIGHTS)
    arm(faults, shot, any_thread=True)  # photos are read in a pool
    try:
        answer, failed = invoke(PRINT_DISPATCH_FUNCTION, {"action": "dispatch", "batch_type": "STANDARD", "run_at": night_of(night)})
    except LambdaDied:
        answer, failed = None, True
    assert met_as_armed(faults, shot), faults.fired()
    if failed:  # the night's batch stays unfinished, listed for the next run; a badge PROCESSED outside a file is in it
        unfinished = {batch.batch_id for batch in print_desk().batches.unfinished(updated_before=datetime.now(UTC) + timedelta(days=1))}
        for number in badges:
            badge = badge_store_for(NORTHSHIRE).get_badge(number)
            assert badge.status is BadgeStatus.ORDERED or files_holding(s3, number) or badge.batch_id in unfinished, badge
    # The same night again (the state machine's redrive or the schedule's re-run), then the next night.
    run_dispatch(stack, clients, night_of(night))
    run_dispatch(stack, clients, night_of(next(NIGHTS)))
    for number in badges:
        badge = badge_store_for(NORTHSHIRE).get_badge(number)
        assert badge.status is BadgeStatus.PROCESSED, (number, badge.status, badge.print_problem)
        assert len(files_holding(s3, number)) == 1, (number, files_holding(s3, number), faults.fired())
    left = {batch.batch_id for batch in print_desk().batches.unfinished(updated_before=datetime.now(UTC) + timedelta(days=1))}
    assert not {batch_id for batch_id in left if batch_id.startswith(night.strftime("%Y%m%dT"))}, left


# ------------------------------------------------------------------ print results
RESULTS_SHOTS: list[Shot] = [
    (S3_INTERNAL_ERROR, "s3", "GetObject", 1, None),  # reading the result file
    (S3_KMS_DENIED, "s3", "GetObject", 1, None),
    (DDB_THROTTLED, "dynamodb", "TransactWriteItems", 1, None),  # the badge ISSUED with its audit entry
    (DDB_THROTTLED, "dynamodb", "TransactWriteItems", 1, ANSWER_LOST),  # ISSUED, but the run is told it failed
    (S3_SLOW_DOWN, "s3", "CopyObject", 1, None),  # moving the file to processed/
]


@pytest.fixture(scope="module")
def badges_at_the_printer(stack, clients, api_as):
    """Badges PROCESSED by one dispatch run, handed out one per test: (case id, badge number, applicant's email)."""
    from tests.integration.test_decisions import order_a_badge

    api = api_as(NORTHSHIRE, Role.CASEWORKER, user=CASEWORKER)
    ordered = []
    for _ in range(len(RESULTS_SHOTS) + 2):
        application = someone_new()
        case_id, badge = order_a_badge(api, application)
        ordered.append((case_id, badge["badge_number"], application["contact"]["email"]))
    run_dispatch(stack, clients)
    return ordered


def posted_emails(address: str) -> list:
    return [mail for mail in emails_to(address) if mail.subject.startswith("Your Blue Badge has been posted")]


def deliver_results(s3) -> list[dict]:
    return deliver_inbox(s3, boto3.client("lambda", region_name=DEFAULT_REGION))


def results_for(badges_at_the_printer, stack, clients, s3, faults, shot: Shot) -> tuple[str, str, str, str]:
    case_id, number, address = badges_at_the_printer.pop()
    settle(stack, clients)
    name = drop(s3, confirmations_file((number, "no", "2027-03-01")))
    arm(faults, shot, any_thread=True, applicant=address)
    first = deliver_results(s3)
    assert met_as_armed(faults, shot), faults.fired()
    if any(answer["failed"] for answer in first):  # S3 invokes again (twice, asynchronously)
        assert name in keys_under(s3, SUPPLIER_INBOX)  # the file waits in the inbox, nothing lost
        assert not [answer for answer in deliver_results(s3) if answer["failed"]]
    return case_id, number, address, name


def keys_under(s3, prefix: str) -> set[str]:
    listed = s3.list_objects_v2(Bucket=PRINT_DROP_BUCKET_LOCAL_NAME, Prefix=prefix).get("Contents", [])
    return {item["Key"].removeprefix(prefix) for item in listed}


@pytest.mark.parametrize("shot", RESULTS_SHOTS, ids=shot_id)
def test_print_results_apply_once_after_the_fault(badges_at_the_printer, stack, clients, s3, faults, shot):
    case_id, number, address, name = results_for(badges_at_the_printer, stack, clients, s3, faults, shot)
    assert badge_store_for(NORTHSHIRE).get_badge(number).status is BadgeStatus.ISSUED
    assert [entry.action for entry in store_for(NORTHSHIRE).history(case_id)].count("BADGE_ISSUED") == 1
    assert name not in keys_under(s3, SUPPLIER_INBOX) and name in keys_under(s3, RESULTS_PROCESSED)
    assert len(posted_emails(address)) == 1


def test_a_failed_case_read_after_issuing_still_tells_the_applicant(badges_at_the_printer, stack, clients, s3, faults):
    case_id, number, address, _ = results_for(badges_at_the_printer, stack, clients, s3, faults,
                                              (DDB_THROTTLED, "dynamodb", "GetItem", 1, key_is("CASE")))
    assert badge_store_for(NORTHSHIRE).get_badge(number).status is BadgeStatus.ISSUED  # the badge itself is not lost
    told = [entry for entry in store_for(NORTHSHIRE).history(case_id) if entry.action.startswith("NOTIFICATION")
            and entry.after.get("kind") == "BADGE_POSTED"]
    assert told or posted_emails(address)


def test_an_ses_outage_during_print_results_issues_the_badge_and_records_the_failed_email(badges_at_the_printer, stack, clients, s3, faults):
    case_id, number, address, _ = results_for(badges_at_the_printer, stack, clients, s3, faults,
                                              (SES_OUTAGE, "ses", "SendEmail", 3, APPLICANT))
    assert badge_store_for(NORTHSHIRE).get_badge(number).status is BadgeStatus.ISSUED
    [failed] = [entry.after for entry in store_for(NORTHSHIRE).history(case_id)
                if entry.action.startswith("NOTIFICATION") and entry.after.get("kind") == "BADGE_POSTED"]
    assert failed["delivered"] is False and "ServiceUnavailable" in failed["error"] and posted_emails(address) == []


# ------------------------------------------------------------------ reminders
REMINDER_SHOTS: list[Shot] = [
    (DDB_THROTTLED, "dynamodb", "Query", 1, None),  # a council's queue of cases waiting for information
    (DDB_THROTTLED, "dynamodb", "TransactWriteItems", 1, None),  # a reminder recorded on its case
    (DDB_KMS_DENIED, "dynamodb", "Query", 1, None),
]


def waiting_for_information(api_as) -> tuple[str, str]:
    email = f"waiting-{uuid.uuid4().hex[:10]}@example.com"
    application = complete_application(NORTHSHIRE, channel="PAPER", evidence=[], contact__email=email)
    status, body = api_as(NORTHSHIRE, Role.CASEWORKER).call("POST", "/applications", application)
    assert status == 201, body
    wait_until(lambda: store_for(NORTHSHIRE).get(body["case_id"]).task_token, what="information request")
    return body["case_id"], email


def remind(case_id: str) -> tuple[Any, bool]:
    due = store_for(NORTHSHIRE).get(case_id).information_due
    return invoke(REMINDERS_FUNCTION, {"scheduled_time": (due - timedelta(days=3)).isoformat()})


def assert_reminded_once_and_still_waiting(case_id: str, token: str) -> list[dict]:
    store = store_for(NORTHSHIRE)
    case = store.get(case_id)
    assert case.stage is Stage.AWAITING_INFORMATION and case.task_token == token and case.reminder_sent_at is not None
    history = store.history(case_id)
    assert [entry.action for entry in history].count("REMINDER_SENT") == 1
    return [entry.after for entry in history if entry.action.startswith("NOTIFICATION") and entry.after.get("kind") == "INFORMATION_REMINDER"]


@pytest.mark.parametrize("shot", REMINDER_SHOTS, ids=shot_id)
def test_reminders_remind_once_after_the_fault(api_as, faults, shot):
    case_id, email = waiting_for_information(api_as)
    token = store_for(NORTHSHIRE).get(case_id).task_token
    arm(faults, shot)
    result, errored = remind(case_id)
    if errored:  # the run fails loudly (alarmed; Lambda's async retry, or tomorrow's run, goes again)
        assert result["errorType"] == "CouncilsFailed", result
        result, errored = remind(case_id)
        assert not errored, result
    [sent] = assert_reminded_once_and_still_waiting(case_id, token)
    assert sent["delivered"] is True
    assert len([mail for mail in emails_to(email) if mail.subject.startswith("Reminder")]) == 1


def test_an_ses_outage_during_reminders_records_the_reminder_as_not_delivered(api_as, faults):
    case_id, email = waiting_for_information(api_as)
    token = store_for(NORTHSHIRE).get(case_id).task_token
    faults.arm(SES_OUTAGE, "ses", "SendEmail", 3, when=email_to(email))
    result, errored = remind(case_id)
    assert not errored, result
    [sent] = assert_reminded_once_and_still_waiting(case_id, token)
    assert sent["delivered"] is False and "ServiceUnavailable" in sent["error"]
