"""Fault injection for the local stack: AWS answering with its real error codes, and a Lambda dying, N times then not.

Every boto3 client goes through `BaseClient._make_api_call`; the injector wraps it (as test_request_counts counts
calls), so a fault reaches the code exactly as a ClientError from AWS would once botocore's own retries are spent.
A fault is armed for one operation of one service, optionally only for calls whose parameters match, and fires on
the next `times` matching calls; later calls go through. `died` is a Lambda stopping mid-invocation (timeout, out of
memory): a BaseException, so neither the handler's `except Exception` nor Powertools' clean-up sees it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError


class LambdaDied(BaseException):  # noqa: N818 - not an error the code could handle: the process is gone
    """The function's process stopped here (timeout, out of memory): nothing after this line ran."""


@dataclass(frozen=True)
class Fault:
    """One way AWS fails a call, as botocore raises it."""

    label: str
    code: str
    message: str
    http_status: int = 400
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. CancellationReasons

    def raise_for(self, operation: str) -> None:
        if self.code == DIED:
            raise LambdaDied(f"the function stopped during {operation}")
        raise ClientError({"Error": {"Code": self.code, "Message": self.message},
                           "ResponseMetadata": {"HTTPStatusCode": self.http_status}, **self.extra}, operation)


DIED = "(process died)"
DDB_THROTTLED = Fault("DynamoDB throttling", "ProvisionedThroughputExceededException",
                      "The level of configured provisioned throughput for the table was exceeded.")
DDB_TRANSACTION_CANCELLED = Fault(
    "DynamoDB TransactionCanceledException", "TransactionCanceledException",
    "Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]",
    extra={"CancellationReasons": [{"Code": "None"}, {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}]})
# DynamoDB answers a request on a table whose KMS key it may not use with AccessDeniedException (400) saying so.
DDB_KMS_DENIED = Fault("KMS access denied (DynamoDB)", "AccessDeniedException",
                       "KMS key access denied error: The ciphertext refers to a customer master key that does not exist, "
                       "does not exist in this region, or you are not allowed to access.")
# S3 answers AccessDenied (403) when the caller may not use the object's SSE-KMS key.
S3_KMS_DENIED = Fault("KMS access denied (S3)", "AccessDenied",
                      "User is not authorized to perform: kms:Decrypt on the resource associated with this ciphertext "
                      "because no identity-based policy allows the kms:Decrypt action", http_status=403)
S3_INTERNAL_ERROR = Fault("S3 read error", "InternalError", "We encountered an internal error. Please try again.", 500)
S3_SLOW_DOWN = Fault("S3 write error", "SlowDown", "Please reduce your request rate.", 503)
SFN_THROTTLED = Fault("Step Functions throttling", "ThrottlingException", "Rate exceeded")
SES_OUTAGE = Fault("SES outage", "ServiceUnavailable", "Service is unavailable. Please try again later.", 503)
LAMBDA_DIES = Fault("Lambda dies mid-batch", DIED, "")


@dataclass
class Armed:
    fault: Fault
    service: str
    operation: str
    times: int
    when: Callable[[dict[str, Any]], bool] | None
    thread: threading.Thread | None  # only calls made from this thread; None: any thread (a workflow's task too)
    answer_lost: bool = False  # the call goes through, and its answer is the fault (a commit whose answer never came)
    fired: int = 0

    def matches(self, service: str, operation: str, params: dict[str, Any]) -> bool:
        return (self.fired < self.times and service == self.service and operation == self.operation
                and (self.thread is None or threading.current_thread() is self.thread)
                and (self.when is None or self.when(params)))


class FaultInjector:
    """arm(fault, "dynamodb", "TransactWriteItems", times=2): the next two such calls fail as AWS would answer them
    (answer_lost=True: they are carried out, and then fail)."""

    def __init__(self) -> None:
        self._armed: list[Armed] = []
        self._lock = threading.Lock()

    def arm(self, fault: Fault, service: str, operation: str, times: int = 1, *,
            when: Callable[[dict[str, Any]], bool] | None = None, any_thread: bool = False, answer_lost: bool = False) -> Armed:
        armed = Armed(fault, service, operation, times, when, None if any_thread else threading.current_thread(), answer_lost)
        with self._lock:
            self._armed.append(armed)
        return armed

    def fired(self) -> list[tuple[str, str, int]]:
        with self._lock:
            return [(armed.fault.label, armed.operation, armed.fired) for armed in self._armed]

    def disarm(self) -> None:
        with self._lock:
            self._armed.clear()

    def _should_fail(self, service: str, operation: str, params: dict[str, Any]) -> Armed | None:
        with self._lock:
            for armed in self._armed:
                if armed.matches(service, operation, params):
                    armed.fired += 1
                    return armed
        return None

    @contextmanager
    def installed(self) -> Iterator[FaultInjector]:
        real = BaseClient._make_api_call
        injector = self

        def call(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
            armed = injector._should_fail(client.meta.service_model.service_name, operation, params)
            if armed is not None and not armed.answer_lost:
                armed.fault.raise_for(operation)
            answer = real(client, operation, params)
            if armed is not None:
                armed.fault.raise_for(operation)
            return answer

        BaseClient._make_api_call = call  # type: ignore[method-assign]
        try:
            yield self
        finally:
            BaseClient._make_api_call = real  # type: ignore[method-assign]
            self.disarm()


def key_is(sk: str) -> Callable[[dict[str, Any]], bool]:
    """Calls on one kind of item of a single-table design: its sort key (GetItem, PutItem's Item, DeleteItem)."""
    def matches(params: dict[str, Any]) -> bool:
        key = params.get("Key") or params.get("Item") or {}
        return key.get("sk", {}).get("S", "").startswith(sk)
    return matches


def email_to(address: str) -> Callable[[dict[str, Any]], bool]:
    return lambda params: address in (params.get("Destination", {}).get("ToAddresses") or [])
