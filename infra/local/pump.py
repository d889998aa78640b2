"""What Lambda and EventBridge do between a queue or a rule and a function, which moto does not: pumps that receive
from a queue, invoke the real handler and delete what succeeded. Failed messages stay on the queue, come back after
the visibility timeout and, after the queue's maxReceiveCount, moto's redrive moves them to its DLQ.

- IntakePump: the intake queue's event source mapping. moto stores event source mappings but never polls the queue,
  so the pump hands batches to the ingest handler as a real SQS event (ReportBatchItemFailures semantics).
- EventTargetPump: a rule whose target in AWS is the function itself. moto's EventBridge cannot invoke Lambda, so
  locally the rule sends to a queue, and the pump invokes the function with each event, as EventBridge does.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from infra.local.bridge import call_handler, lambda_context
from shared.resources import INGEST_FUNCTION, INTAKE_BATCH_SIZE, FunctionSpec

log = logging.getLogger(__name__)

EVENTS_PER_RECEIVE = 10  # SQS's most per ReceiveMessage; each event is still its own invocation
_EMPTY_QUEUE_COUNTS = ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed")


@dataclass
class PumpStats:
    batches: int = 0
    received: int = 0
    succeeded: int = 0  # deleted from the queue
    failed: int = 0  # left on the queue for redelivery
    handler_errors: int = 0  # invocations that raised (an intake batch's: all its messages failed)
    drained: bool = False  # drain() only: the queue was empty, in flight included, before time ran out

    def add(self, other: PumpStats) -> None:
        self.batches += other.batches
        self.received += other.received
        self.succeeded += other.succeeded
        self.failed += other.failed
        self.handler_errors += other.handler_errors


class QueuePump:
    """Receives from a queue and deletes what the function handled; subclasses say how the function is invoked."""

    def __init__(self, sqs_client: Any, queue_url: str, queue_arn: str, function: FunctionSpec, batch_size: int,
                 poll_seconds: int = 1):
        self._sqs = sqs_client
        self._queue_url = queue_url
        self._queue_arn = queue_arn
        self._region = queue_arn.split(":")[3]
        self._function = function
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.totals = PumpStats()  # since construction, across drain() and the thread

    def pump_once(self, wait_seconds: int = 0) -> PumpStats:
        """Receive one batch (long-polling up to wait_seconds), run the handler, delete the successes."""
        messages = self._sqs.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=self._batch_size,
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return PumpStats()
        failed_ids, handler_errors = self._invoke(messages)
        done = [message for message in messages if message["MessageId"] not in failed_ids]
        if done:
            response = self._sqs.delete_message_batch(
                QueueUrl=self._queue_url,
                Entries=[{"Id": str(position), "ReceiptHandle": message["ReceiptHandle"]} for position, message in enumerate(done)],
            )
            for failure in response.get("Failed", []):
                log.warning("%s pump: could not delete message %s: %s", self._function.key, failure["Id"], failure.get("Message"))
        stats = PumpStats(batches=1, received=len(messages), succeeded=len(done), failed=len(messages) - len(done),
                          handler_errors=handler_errors)
        with self._lock:
            self.totals.add(stats)
        return stats

    def drain(self, max_seconds: float = 30.0) -> PumpStats:
        """Pump until the queue is empty, messages in flight included (failed ones come back and are retried)."""
        deadline = time.monotonic() + max_seconds
        total = PumpStats()
        while time.monotonic() < deadline:
            batch = self.pump_once()
            total.add(batch)
            if batch.received:
                continue
            if self._queue_is_empty():
                total.drained = True
                break
            time.sleep(0.2)  # messages are in flight: wait for them to be deleted or to become visible again
        return total

    def start(self) -> None:
        """Pump continuously in a daemon thread, as the event source mapping does in AWS."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"{self._function.key}-pump", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.pump_once(wait_seconds=self._poll_seconds)
            except Exception:  # e.g. the moto server going away at shutdown: keep the thread alive, retry
                log.exception("%s pump: receive or delete failed", self._function.key)
                self._stop.wait(1.0)

    def _queue_is_empty(self) -> bool:
        attributes = self._sqs.get_queue_attributes(QueueUrl=self._queue_url, AttributeNames=list(_EMPTY_QUEUE_COUNTS))["Attributes"]
        return all(int(attributes.get(name, "0")) == 0 for name in _EMPTY_QUEUE_COUNTS)

    def _invoke(self, messages: list[dict[str, Any]]) -> tuple[set[str], int]:
        """Run the handler on the messages: (ids of the messages to keep on the queue, invocations that raised)."""
        raise NotImplementedError


class IntakePump(QueuePump):
    """The intake queue's event source mapping: batches of up to INTAKE_BATCH_SIZE, as one SQS event each."""

    def __init__(self, sqs_client: Any, queue_url: str, queue_arn: str, function: FunctionSpec = INGEST_FUNCTION,
                 batch_size: int = INTAKE_BATCH_SIZE, poll_seconds: int = 1):
        super().__init__(sqs_client, queue_url, queue_arn, function, batch_size, poll_seconds)

    def _invoke(self, messages: list[dict[str, Any]]) -> tuple[set[str], int]:
        event = {"Records": [self._record(message) for message in messages]}
        result, errored = call_handler(self._function.handler, event, lambda_context(self._function))
        return ({message["MessageId"] for message in messages} if errored else _failed_ids(result, messages)), int(errored)

    def _record(self, message: dict[str, Any]) -> dict[str, Any]:
        """One record of the SQS event Lambda builds."""
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": {name: _record_attribute(value) for name, value in message.get("MessageAttributes", {}).items()},
            "md5OfBody": message["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": self._queue_arn,
            "awsRegion": self._region,
        }


class EventTargetPump(QueuePump):
    """A rule's Lambda target: each message's body is the event EventBridge put on the queue, and the function is invoked
    with it alone, as EventBridge invokes it (asynchronously, one event per invocation). An invocation that raises keeps
    its event on the queue, to be tried again: the queue's maxReceiveCount stands for Lambda's retries, its DLQ for the
    function's on-failure destination."""

    def __init__(self, sqs_client: Any, queue_url: str, queue_arn: str, function: FunctionSpec, poll_seconds: int = 1):
        super().__init__(sqs_client, queue_url, queue_arn, function, EVENTS_PER_RECEIVE, poll_seconds)

    def _invoke(self, messages: list[dict[str, Any]]) -> tuple[set[str], int]:
        failed = {message["MessageId"] for message in messages
                  if call_handler(self._function.handler, json.loads(message["Body"]), lambda_context(self._function))[1]}
        return failed, len(failed)


def _record_attribute(value: dict[str, Any]) -> dict[str, Any]:
    """SQS API attribute shape (StringValue, BinaryValue as bytes) -> the event's (stringValue, base64 binaryValue)."""
    attribute: dict[str, Any] = {"stringListValues": [], "binaryListValues": [], "dataType": value["DataType"]}
    if "StringValue" in value:
        attribute["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        attribute["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode("ascii")
    return attribute


def _failed_ids(result: Any, messages: list[dict[str, Any]]) -> set[str]:
    """Message ids to keep, read from the handler's batchItemFailures.

    As in Lambda: no or an empty list means all succeeded; an identifier that is missing, empty or not in
    the batch makes the whole batch a failure.
    """
    batch_ids = {message["MessageId"] for message in messages}
    failures = result.get("batchItemFailures") if isinstance(result, dict) else None
    if not failures:
        return set()
    failed: set[str] = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not identifier or identifier not in batch_ids:
            log.warning("intake pump: invalid batchItemFailures entry %r, the whole batch is retried", failure)
            return batch_ids
        failed.add(identifier)
    return failed
