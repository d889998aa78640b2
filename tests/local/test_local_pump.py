"""The pump does what Lambda's SQS event source mapping does, with ReportBatchItemFailures semantics."""

import json
import time

import pytest

from infra.local.pump import IntakePump
from shared.resources import FunctionSpec
from tests.local import standins


def _spec(handler: str) -> FunctionSpec:
    return FunctionSpec(key="test-intake", handler=f"tests.local.standins.{handler}", description="stand-in")


@pytest.fixture
def queue(aws):
    """A queue like the intake queue, but with 1 s visibility and 2 receives before the DLQ, to keep tests quick."""
    sqs = aws.client("sqs")
    dlq_url = sqs.create_queue(QueueName="test-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(
        QueueName="test-intake",
        Attributes={"VisibilityTimeout": "1", "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"})},
    )["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return sqs, url, arn, dlq_url


def _counts(sqs, url: str) -> tuple[int, int]:
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]), int(attributes["ApproximateNumberOfMessagesNotVisible"])


def test_deletes_successes_and_keeps_batch_item_failures(queue):
    sqs, url, arn, _ = queue
    for body in ("ok-1", "fail-2", "ok-3"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    stats = IntakePump(sqs, url, arn, function=_spec("partial_batch")).pump_once()
    assert (stats.received, stats.succeeded, stats.failed) == (3, 2, 1)
    assert _counts(sqs, url) == (0, 1)  # the failure is in flight, waiting out its visibility timeout
    time.sleep(1.1)
    [message] = sqs.receive_message(QueueUrl=url, AttributeNames=["ApproximateReceiveCount"])["Messages"]
    assert message["Body"] == "fail-2"
    assert message["Attributes"]["ApproximateReceiveCount"] == "2"


def test_builds_a_lambda_sqs_event(queue):
    sqs, url, arn, _ = queue
    sqs.send_message(
        QueueUrl=url, MessageBody="ok",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "test"}, "blob": {"DataType": "Binary", "BinaryValue": b"\x01\x02"}},
    )
    IntakePump(sqs, url, arn, function=_spec("partial_batch")).pump_once()
    [event] = standins.received
    [record] = event["Records"]
    assert record["body"] == "ok"
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == arn
    assert record["awsRegion"] == arn.split(":")[3]
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"messageId", "receiptHandle", "md5OfBody"} <= set(record)
    assert record["messageAttributes"]["kind"] == {"stringValue": "test", "stringListValues": [], "binaryListValues": [], "dataType": "String"}
    assert record["messageAttributes"]["blob"]["binaryValue"] == "AQI="


@pytest.mark.parametrize("handler", ["broken_batch", "unknown_identifier"])
def test_handler_error_or_invalid_response_keeps_the_whole_batch(queue, handler):
    sqs, url, arn, _ = queue
    for body in ("a", "b"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    stats = IntakePump(sqs, url, arn, function=_spec(handler)).pump_once()
    assert (stats.received, stats.succeeded, stats.failed) == (2, 0, 2)
    assert stats.handler_errors == (1 if handler == "broken_batch" else 0)
    assert _counts(sqs, url) == (0, 2)


def test_drain_retries_failures_until_redrive_moves_them_to_the_dlq(queue):
    sqs, url, arn, dlq_url = queue
    for body in ("ok-1", "fail-2"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    stats = IntakePump(sqs, url, arn, function=_spec("partial_batch")).drain(max_seconds=10)
    assert stats.drained
    assert stats.succeeded == 1 and stats.failed == 2  # received twice (maxReceiveCount), then redriven
    [dead] = sqs.receive_message(QueueUrl=dlq_url)["Messages"]
    assert dead["Body"] == "fail-2"


def test_thread_pumps_until_stopped(queue):
    sqs, url, arn, _ = queue
    pump = IntakePump(sqs, url, arn, function=_spec("partial_batch"))
    pump.start()
    try:
        sqs.send_message(QueueUrl=url, MessageBody="ok")
        deadline = time.monotonic() + 5
        while pump.totals.succeeded < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        pump.stop()
    assert pump.totals.succeeded == 1
    assert _counts(sqs, url) == (0, 0)
