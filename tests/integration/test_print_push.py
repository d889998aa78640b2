"""The push of each night's extract to the supplier's own SFTP server, through the real print-dispatch state machine
on moto and a real SFTP server on loopback: the file arrives whole and once, the badges wait for it, a failed push
is retried, a file an earlier attempt pushed is not sent again, and a host key mismatch stops the run."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import asyncssh
import boto3
import pytest

from infra.local.supplier_sftp import LocalSupplier, local_supplier
from shared.bootstrap import badge_store_for
from shared.services.blue_badge.adapters.sftp import SftpPush, SftpTarget
from shared.services.blue_badge.domain.badge import BadgeStatus
from shared.resources import (
    DEFAULT_REGION,
    PRINT_DISPATCH_FUNCTION,
    PRINT_DROP_BUCKET_LOCAL_NAME,
    PRINT_PUSH_FUNCTION,
    SUPPLIER_OUTBOX,
    SUPPLIER_PUSH_KEY_SECRET_NAME,
    Env,
    Role,
    WorkflowKey,
)
from tests.integration.conftest import invoke, wait_for_execution, wait_until
from tests.integration.test_decisions import NORTHSHIRE, order_a_badge, someone_new
from tests.integration.test_print_dispatch import s3  # noqa: F401  (the photo the test applications name, in moto's S3)
from tests.integration.test_print_dispatch import badge_numbers_in, extract, run_dispatch

UPLOAD = "upload"  # the supplier's folder on its server (infra.local.supplier_sftp)


@pytest.fixture(scope="module")
def supplier(stack) -> Iterator[LocalSupplier]:
    with local_supplier() as running:
        secrets = boto3.client("secretsmanager", region_name=DEFAULT_REGION)
        secrets.create_secret(Name=SUPPLIER_PUSH_KEY_SECRET_NAME, SecretString=running.client_private_key)
        yield running
        secrets.delete_secret(SecretId=SUPPLIER_PUSH_KEY_SECRET_NAME, ForceDeleteWithoutRecovery=True)


@pytest.fixture
def pushing(supplier, monkeypatch) -> LocalSupplier:
    """The deployment configured with the supplier's server, as the CDK app (or ./dev run) configures the functions."""
    monkeypatch.setenv(Env.SUPPLIER_PUSH, supplier.target_json)
    monkeypatch.setenv(Env.SUPPLIER_PUSH_KEY_SECRET, SUPPLIER_PUSH_KEY_SECRET_NAME)
    supplier.server.drop_after_bytes = None
    yield supplier
    supplier.server.drop_after_bytes = None


@pytest.fixture
def caseworker(api_as):
    return api_as(NORTHSHIRE, Role.CASEWORKER, user="push.tester@northshire.example.gov.uk")


def on_server(supplier: LocalSupplier) -> dict[str, bytes]:
    return {path.removeprefix(f"{UPLOAD}/"): body for path, body in supplier.server.files().items()}


def in_outbox(s3, filename: str) -> bytes:
    return s3.get_object(Bucket=PRINT_DROP_BUCKET_LOCAL_NAME, Key=SUPPLIER_OUTBOX + filename)["Body"].read()


def test_each_extract_reaches_the_suppliers_server_once_and_only_then_are_its_badges_processed(caseworker, stack, clients, s3, pushing):
    _, badge = order_a_badge(caseworker, someone_new())
    night = "2026-12-01T00:30:00Z"
    batch = run_dispatch(stack, clients, night)["STANDARD"]

    assert batch["status"] == "COMPLETE" and batch["pushed"] == [f"/{UPLOAD}/{batch['filename']}"]
    files = on_server(pushing)
    assert files[batch["filename"]] == in_outbox(s3, batch["filename"])  # the same bytes, whole
    assert not [name for name in files if name.endswith(".part")]
    assert badge["badge_number"] in badge_numbers_in(extract(s3, batch["filename"]))
    assert badge_store_for(NORTHSHIRE).get_badge(badge["badge_number"]).status is BadgeStatus.PROCESSED

    # The same night again: every batch is complete, so nothing is pushed a second time.
    again = run_dispatch(stack, clients, night)
    assert {batch["status"] for batch in again.values()} == {"COMPLETE"}
    assert on_server(pushing) == files


def test_a_failed_push_is_retried_and_the_badges_wait_until_it_succeeds(caseworker, stack, clients, s3, pushing):
    _, badge = order_a_badge(caseworker, someone_new())
    server = pushing.server
    server.drop_after_bytes = 0  # every push fails mid-file, as if the link dropped
    sessions_before, files_before = server.sftp_sessions, on_server(pushing)
    arn = stack.state_machine_arns[WorkflowKey.PRINT_DISPATCH]
    name = f"push-retry-{datetime.now(UTC):%H%M%S%f}"
    clients["stepfunctions"].start_execution(stateMachineArn=arn, name=name, input=json.dumps({"scheduled_time": "2026-12-02T00:30:00Z"}))

    execution_arn = arn.replace(":stateMachine:", ":execution:") + f":{name}"
    try:
        wait_until(lambda: server.sftp_sessions > sessions_before, timeout=30, what="a push attempt")
        stored = badge_store_for(NORTHSHIRE).get_badge(badge["badge_number"])
        assert stored.status is BadgeStatus.ORDERED and stored.batch_id  # in the batch's file, not yet at the printer
        assert not [name for name in on_server(pushing).keys() - files_before.keys() if not name.endswith(".part")]
        assert clients["stepfunctions"].describe_execution(executionArn=execution_arn)["status"] == "RUNNING"

        server.drop_after_bytes = None  # the link is back: the state machine's retry gets through
        execution = wait_for_execution(clients["stepfunctions"], arn, name, timeout=60)
    finally:
        if clients["stepfunctions"].describe_execution(executionArn=execution_arn)["status"] == "RUNNING":
            clients["stepfunctions"].stop_execution(executionArn=execution_arn)
    assert execution["status"] == "SUCCEEDED", execution
    batch = {b["batch_id"].rsplit("-", 1)[1]: b for b in json.loads(execution["output"])["batches"]}["STANDARD"]
    assert batch["status"] == "COMPLETE"
    files = on_server(pushing)
    assert files[batch["filename"]] == in_outbox(s3, batch["filename"])
    assert not [name for name in files if name.endswith(".part")]  # the failed attempts' halves are gone
    assert badge_store_for(NORTHSHIRE).get_badge(badge["badge_number"]).status is BadgeStatus.PROCESSED


def test_a_file_an_earlier_attempt_pushed_is_recorded_not_sent_again(caseworker, stack, s3, pushing):
    _, badge = order_a_badge(caseworker, someone_new())
    run_at = "2026-12-03T00:30:00Z"
    delivered, failed = invoke(PRINT_DISPATCH_FUNCTION, {"action": "dispatch", "batch_type": "STANDARD", "run_at": run_at})
    assert not failed and delivered["status"] == "DELIVERED" and delivered["awaiting_push"]
    assert badge_store_for(NORTHSHIRE).get_badge(badge["badge_number"]).status is BadgeStatus.ORDERED
    # An attempt that pushed the file and stopped before recording it:
    filename = delivered["filename"]
    SftpPush(SftpTarget.model_validate_json(pushing.target_json), pushing.client_private_key).push(io.BytesIO(in_outbox(s3, filename)), filename)
    before = on_server(pushing)

    pushed, failed = invoke(PRINT_PUSH_FUNCTION, {"batch_id": delivered["batch_id"]})
    assert not failed and pushed["status"] == "PUSHED" and pushed["pushed"] == [f"/{UPLOAD}/{filename}"]
    assert on_server(pushing) == before
    again, failed = invoke(PRINT_PUSH_FUNCTION, {"batch_id": delivered["batch_id"]})  # a retry of the step: nothing to do
    assert not failed and again["pushed"] == pushed["pushed"] and on_server(pushing) == before

    finished, failed = invoke(PRINT_DISPATCH_FUNCTION, {"action": "dispatch", "batch_id": delivered["batch_id"]})
    assert not failed and finished["status"] == "COMPLETE"
    assert badge_store_for(NORTHSHIRE).get_badge(badge["badge_number"]).status is BadgeStatus.PROCESSED


def test_another_file_under_the_extracts_name_is_never_overwritten(caseworker, stack, s3, pushing):
    order_a_badge(caseworker, someone_new())
    delivered, _ = invoke(PRINT_DISPATCH_FUNCTION, {"action": "dispatch", "batch_type": "STANDARD", "run_at": "2026-12-04T00:30:00Z"})
    (pushing.upload_folder / delivered["filename"]).write_bytes(b"not ours")

    error, failed = invoke(PRINT_PUSH_FUNCTION, {"batch_id": delivered["batch_id"]})
    assert failed and error["errorType"] == "NotOurFile"  # not in the state machine's retriers: the run stops, alarmed
    assert on_server(pushing)[delivered["filename"]] == b"not ours"
    resumed, _ = invoke(PRINT_DISPATCH_FUNCTION, {"action": "dispatch", "batch_id": delivered["batch_id"]})
    assert resumed["status"] == "DELIVERED" and resumed["awaiting_push"]  # the badges still wait


def test_a_server_with_another_host_key_stops_the_run_without_retrying(caseworker, stack, clients, pushing, monkeypatch):
    _, badge = order_a_badge(caseworker, someone_new())
    impostor_key = asyncssh.generate_private_key("ssh-ed25519").export_public_key("openssh").decode().strip()
    monkeypatch.setenv(Env.SUPPLIER_PUSH, json.dumps(json.loads(pushing.target_json) | {"host_key": impostor_key}))
    sessions_before = pushing.server.sftp_sessions
    arn = stack.state_machine_arns[WorkflowKey.PRINT_DISPATCH]
    name = f"push-impostor-{datetime.now(UTC):%H%M%S%f}"
    clients["stepfunctions"].start_execution(stateMachineArn=arn, name=name, input=json.dumps({"scheduled_time": "2026-12-05T00:30:00Z"}))

    execution = wait_for_execution(clients["stepfunctions"], arn, name, timeout=30)  # well within the first retry's wait
    assert execution["status"] == "FAILED"
    assert execution.get("error") == "HostKeyMismatch", execution
    assert pushing.server.sftp_sessions == sessions_before  # refused before signing in: nothing sent
    assert badge_store_for(NORTHSHIRE).get_badge(badge["badge_number"]).status is BadgeStatus.ORDERED
