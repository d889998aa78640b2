"""The nightly print dispatch through the real print-dispatch state machine on moto: extracts in the supplier's
outbox, badges PROCESSED exactly once, skipped badges back in the queue with the reason, re-sends."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from lxml import etree

from infra.local.seed import tiny_jpeg
from shared.bootstrap import badge_store_for, store_for
from shared.services.blue_badge.domain.badge import BadgeStatus
from shared.core.domain.evidence import case_evidence_prefix
from shared.resources import (
    DEFAULT_REGION,
    EVIDENCE_BUCKET_LOCAL_NAME,
    PRINT_DISPATCH_FUNCTION,
    PRINT_DROP_BUCKET_LOCAL_NAME,
    SUPPLIER_OUTBOX,
    Role,
    WorkflowKey,
    council_table_name,
)
from tests.integration.conftest import invoke, wait_for_execution
from tests.integration.test_decisions import NORTHSHIRE, order_a_badge, someone_new

XSD = etree.XMLSchema(etree.parse("schemas/print/badge-print-extract.xsd"))


@pytest.fixture(scope="module")
def s3(stack):
    return boto3.client("s3", region_name=DEFAULT_REGION)


@pytest.fixture
def caseworker(api_as):
    return api_as(NORTHSHIRE, Role.CASEWORKER, user="print.tester@northshire.example.gov.uk")


def run_dispatch_execution(stack, clients, scheduled_time: str | None = None) -> dict:
    """Start the print-dispatch state machine as the schedule (or an operator) does, and wait for it to succeed."""
    arn = stack.state_machine_arns[WorkflowKey.PRINT_DISPATCH]
    name = f"print-{datetime.now(UTC):%H%M%S%f}"
    payload = {"scheduled_time": scheduled_time} if scheduled_time else {}
    clients["stepfunctions"].start_execution(stateMachineArn=arn, name=name, input=json.dumps(payload))
    execution = wait_for_execution(clients["stepfunctions"], arn, name, timeout=60)
    assert execution["status"] == "SUCCEEDED", execution
    return execution


def run_dispatch(stack, clients, scheduled_time: str | None = None) -> dict:
    """This run's batches by type (the last of each type: a batch an earlier run left comes first)."""
    execution = run_dispatch_execution(stack, clients, scheduled_time)
    return {batch["batch_id"].rsplit("-", 1)[1]: batch for batch in json.loads(execution["output"])["batches"]}


def extract(s3, filename: str) -> etree._Element:
    body = s3.get_object(Bucket=PRINT_DROP_BUCKET_LOCAL_NAME, Key=SUPPLIER_OUTBOX + filename)["Body"].read()
    document = etree.fromstring(body)
    XSD.assertValid(document)
    assert body.startswith(b"<?xml version=\"1.0\" encoding=\"windows-1252\"")
    return document


def badge_numbers_in(document: etree._Element) -> set[str]:
    return {element.text for element in document.iter("BadgeIdentifier")}


def outbox(s3) -> set[str]:
    listed = s3.list_objects_v2(Bucket=PRINT_DROP_BUCKET_LOCAL_NAME, Prefix=SUPPLIER_OUTBOX).get("Contents", [])
    return {item["Key"].removeprefix(SUPPLIER_OUTBOX) for item in listed}


def test_a_night_run_sends_each_ordered_badge_once_and_marks_it_processed(caseworker, stack, clients, s3):
    _, home = order_a_badge(caseworker, someone_new())
    _, fast = order_a_badge(caseworker, someone_new(), {"deliver_to": "HOME", "delivery_option": "FAST"})
    _, collect = order_a_badge(caseworker, someone_new(), {"deliver_to": "COUNCIL"})
    night = "2026-11-24T00:30:00Z"

    batches = run_dispatch(stack, clients, night)
    for badge, batch_type in ((home, "STANDARD"), (fast, "FASTTRACK"), (collect, "LA")):
        batch = batches[batch_type]
        assert batch["status"] == "COMPLETE" and batch["batch_id"] == f"20261124T003000Z-{batch_type}"
        assert re.fullmatch(rf"BADGEEXTRACT_\d{{14}}_{batch_type}\.xml", batch["filename"])
        assert badge["badge_number"] in badge_numbers_in(extract(s3, batch["filename"]))
        stored = badge_store_for(NORTHSHIRE).get_badge(badge["badge_number"])
        assert stored.status is BadgeStatus.PROCESSED and stored.batch_id == batch["batch_id"]
    files = outbox(s3)

    # The same night again (the schedule's retry): nothing is sent twice, nothing changes.
    again = run_dispatch(stack, clients, night)
    assert {kind: batch["status"] for kind, batch in again.items()} == {"STANDARD": "COMPLETE", "FASTTRACK": "COMPLETE", "LA": "COMPLETE"}
    assert outbox(s3) == files
    # A run on demand finds nothing left to print for these badges.
    later = run_dispatch(stack, clients)
    for batch in later.values():
        if batch["filename"]:
            assert not badge_numbers_in(extract(s3, batch["filename"])) & {home["badge_number"], fast["badge_number"], collect["badge_number"]}


def test_a_badge_that_cannot_be_printed_is_skipped_reported_and_stays_ordered(caseworker, stack, clients, s3):
    _, printable = order_a_badge(caseworker, someone_new())
    _, no_photo = order_a_badge(caseworker, someone_new())
    s3.delete_object(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=no_photo["photo_key"])  # lost from the case's folder since
    batches = run_dispatch(stack, clients, "2026-11-25T00:30:00Z")
    standard = batches["STANDARD"]
    assert standard["skipped"] >= 1
    numbers = badge_numbers_in(extract(s3, standard["filename"]))
    assert printable["badge_number"] in numbers and no_photo["badge_number"] not in numbers
    skipped = badge_store_for(NORTHSHIRE).get_badge(no_photo["badge_number"])
    assert skipped.status is BadgeStatus.ORDERED and skipped.batch_id is None and "photo" in skipped.print_problem.lower()
    history = store_for(NORTHSHIRE).history(skipped.case_id)
    assert [entry.after["reason"] for entry in history if entry.action == "PRINT_SKIPPED"] == [skipped.print_problem]


def test_a_delivered_batch_can_be_sent_again_marked_as_a_re_extract(caseworker, stack, clients, s3):
    _, badge = order_a_badge(caseworker, someone_new())
    batch = run_dispatch(stack, clients, "2026-11-26T00:30:00Z")["STANDARD"]
    before = outbox(s3)
    answer, failed = invoke(PRINT_DISPATCH_FUNCTION, {"action": "resend", "batch_id": batch["batch_id"]})
    assert not failed and answer["batch_id"] == batch["batch_id"]
    [re_sent] = outbox(s3) - before
    document = extract(s3, re_sent)
    assert document.findtext("Batch/ReExtract") == "yes"
    assert badge["badge_number"] in badge_numbers_in(document)


def test_a_run_that_fails_after_delivering_resumes_without_sending_twice(caseworker, stack, clients, s3, monkeypatch):
    from shared.bootstrap import print_desk
    from shared.services.blue_badge.domain.printing import BatchStatus
    from shared.services.blue_badge.logic import print_dispatch

    _, badge = order_a_badge(caseworker, someone_new())
    real = print_dispatch._mark_processed
    monkeypatch.setattr(print_dispatch, "_mark_processed", lambda *args: (_ for _ in ()).throw(RuntimeError("table throttled")))
    run_at = "2026-11-27T00:30:00Z"
    error, failed = invoke(PRINT_DISPATCH_FUNCTION, {"action": "dispatch", "batch_type": "STANDARD", "run_at": run_at})
    assert failed and "table throttled" in json.dumps(error)
    stored = badge_store_for(NORTHSHIRE).get_badge(badge["badge_number"])
    # Taken PROCESSED in the write that put it in the batch, and in the delivered file; the batch not yet complete.
    assert stored.status is BadgeStatus.PROCESSED and stored.batch_id
    assert print_desk().batches.get(stored.batch_id).status is BatchStatus.DELIVERED
    files = outbox(s3)

    monkeypatch.setattr(print_dispatch, "_mark_processed", real)
    answer, failed = invoke(PRINT_DISPATCH_FUNCTION, {"action": "dispatch", "batch_type": "STANDARD", "run_at": run_at})
    assert not failed and answer["status"] == "COMPLETE" and outbox(s3) == files
    assert badge_store_for(NORTHSHIRE).get_badge(badge["badge_number"]).status is BadgeStatus.PROCESSED


def test_a_run_that_dies_after_taking_badges_before_its_file_is_complete_sends_them_once(caseworker, stack, clients, s3, monkeypatch):
    """Badges are taken PROCESSED before the file is complete: if the upload fails, there is no file, and the resumed
    batch writes them (read back from the batch) into its one file; a re-send still carries them."""
    from shared.bootstrap import print_desk
    from shared.services.blue_badge.domain.badge import PrintBatchType
    from shared.services.blue_badge.domain.printing import BatchStatus
    from shared.services.blue_badge.logic import print_dispatch

    _, badge = order_a_badge(caseworker, someone_new())
    files = outbox(s3)
    real = print_dispatch.extract_document
    monkeypatch.setattr(print_dispatch, "extract_document", lambda *args: (_ for _ in ()).throw(RuntimeError("upload failed")))
    with pytest.raises(RuntimeError, match="upload failed"):
        print_dispatch.dispatch(print_desk(), PrintBatchType.STANDARD, "died-taking", lambda: datetime.now(UTC))
    stored = badge_store_for(NORTHSHIRE).get_badge(badge["badge_number"])
    assert stored.status is BadgeStatus.PROCESSED and stored.batch_id == "died-taking-STANDARD"
    assert print_desk().batches.get("died-taking-STANDARD").status is BatchStatus.CLAIMING and outbox(s3) == files  # no file

    monkeypatch.setattr(print_dispatch, "extract_document", real)
    batch = print_dispatch.dispatch(print_desk(), PrintBatchType.STANDARD, "died-taking", lambda: datetime.now(UTC))
    assert batch.status is BatchStatus.COMPLETE and outbox(s3) - files == {batch.filename}
    assert badge["badge_number"] in badge_numbers_in(extract(s3, batch.filename))
    history = store_for(NORTHSHIRE).history(badge["case_id"])
    assert [entry.action for entry in history].count("BADGE_PROCESSED") == 1
    # Once more, and on the next run: nothing sent twice.
    assert print_dispatch.dispatch(print_desk(), PrintBatchType.STANDARD, "died-taking", lambda: datetime.now(UTC)).status is BatchStatus.COMPLETE
    later = print_dispatch.dispatch(print_desk(), PrintBatchType.STANDARD, "after-died-taking", lambda: datetime.now(UTC))
    assert later.sent_file is None or badge["badge_number"] not in badge_numbers_in(extract(s3, later.sent_file))
    assert outbox(s3) - files == ({batch.filename, later.sent_file} - {None})
    resent = print_dispatch.resend(print_desk(), batch.batch_id, lambda: datetime.now(UTC))
    assert badge["badge_number"] in badge_numbers_in(extract(s3, resent.re_extracts[-1]))


def test_two_runs_in_the_same_second_write_two_files(caseworker, stack, clients, s3):
    """File names carry only the second: the second batch takes the next free name, never the first one's file."""
    from shared.bootstrap import print_desk
    from shared.services.blue_badge.domain.badge import PrintBatchType
    from shared.services.blue_badge.logic.print_dispatch import dispatch

    instant = datetime(2026, 11, 28, 0, 30, tzinfo=UTC)
    _, first = order_a_badge(caseworker, someone_new())
    one = dispatch(print_desk(), PrintBatchType.STANDARD, "same-second-1", lambda: instant)
    _, second = order_a_badge(caseworker, someone_new())
    two = dispatch(print_desk(), PrintBatchType.STANDARD, "same-second-2", lambda: instant)
    assert one.filename != two.filename
    assert first["badge_number"] in badge_numbers_in(extract(s3, one.filename))
    assert second["badge_number"] in badge_numbers_in(extract(s3, two.filename))


def test_the_next_run_finishes_the_batches_a_dead_run_left(caseworker, stack, clients, s3, monkeypatch):
    """A run that died mid-batch and was never run again: the next run (any run) finds its batches with one Query of
    the unfinished-batch index and finishes them first, sending each file once."""
    from shared.bootstrap import print_desk
    from shared.services.blue_badge.domain.badge import PrintBatchType
    from shared.services.blue_badge.domain.printing import BatchStatus, PrintBatch
    from shared.services.blue_badge.logic import print_dispatch

    hours_ago = datetime.now(UTC) - timedelta(hours=4)
    _, delivered_badge = order_a_badge(caseworker, someone_new())
    real = print_dispatch._mark_processed
    monkeypatch.setattr(print_dispatch, "_mark_processed", lambda *args: (_ for _ in ()).throw(RuntimeError("the run died")))
    with pytest.raises(RuntimeError):
        print_dispatch.dispatch(print_desk(), PrintBatchType.STANDARD, "dead-run", lambda: hours_ago)
    monkeypatch.setattr(print_dispatch, "_mark_processed", real)
    # And one that died as soon as it made its batch (CLAIMING, nothing taken yet).
    _, unclaimed_badge = order_a_badge(caseworker, someone_new(), {"deliver_to": "COUNCIL"})
    print_desk().batches.create(PrintBatch(batch_id="dead-run-LA", batch_type=PrintBatchType.LA, run_id="dead-run",
                                           filename="BADGEEXTRACT_20261122003000_LA.xml", updated_at=hours_ago))
    files = outbox(s3)

    batches = {batch["batch_id"]: batch for batch in json.loads(run_dispatch_execution(stack, clients)["output"])["batches"]}
    for batch_id, badge in (("dead-run-STANDARD", delivered_badge), ("dead-run-LA", unclaimed_badge)):
        assert batches[batch_id]["status"] == "COMPLETE"
        assert badge["badge_number"] in badge_numbers_in(extract(s3, batches[batch_id]["filename"]))
        assert badge_store_for(NORTHSHIRE).get_badge(badge["badge_number"]).status is BadgeStatus.PROCESSED
    assert batches["dead-run-STANDARD"]["filename"] in files  # delivered before the run died: not written again
    assert batches["dead-run-LA"]["filename"] in outbox(s3) - files
    assert print_desk().batches.get("dead-run-STANDARD").status is BatchStatus.COMPLETE
    left = {batch.batch_id for batch in print_desk().batches.unfinished(updated_before=datetime.now(UTC))}
    assert not left & {"dead-run-STANDARD", "dead-run-LA"}  # out of the index: nothing left for the next run


def test_a_photo_key_outside_the_badges_own_case_folder_is_never_read(caseworker, stack, clients, s3):
    """Even if a badge came to name another council's photo (a fault elsewhere), the dispatch reads only the badge's
    own case folder, with its council's scoped credentials: the badge is skipped, the other photo never printed."""
    _, badge = order_a_badge(caseworker, someone_new())
    elsewhere = f"{case_evidence_prefix('VALEWYE', 'VALEWYE-261203-PHOTO1')}04-photo.jpg"
    s3.put_object(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=elsewhere, Body=tiny_jpeg())
    item = clients["dynamodb"].get_item(TableName=council_table_name(NORTHSHIRE), Key={
        "pk": {"S": f"CASE#{badge['case_id']}"}, "sk": {"S": f"BADGE#{badge['badge_number']}"}})["Item"]
    body = json.loads(item["body"]["S"]) | {"photo_key": elsewhere}
    clients["dynamodb"].put_item(TableName=council_table_name(NORTHSHIRE), Item=item | {"body": {"S": json.dumps(body)}})
    batches = run_dispatch(stack, clients, "2026-11-29T00:30:00Z")
    assert badge["badge_number"] not in badge_numbers_in(extract(s3, batches["STANDARD"]["filename"]))
    assert "photo" in badge_store_for(NORTHSHIRE).get_badge(badge["badge_number"]).print_problem.lower()
