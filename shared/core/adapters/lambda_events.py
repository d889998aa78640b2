"""A handler's event read as its pydantic model, and the event shapes handlers share, without Powertools' parser and
batch utilities: importing those costs every cold start about 90 ms (the parser's envelopes and the models of every AWS
event source, the batch processors' data classes of every stream) in functions that need one envelope and one loop."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

Model = TypeVar("Model", bound=BaseModel)


def parsed_event(model: type[Model]) -> Callable[[Callable[[Model, Any], Any]], Callable[[dict, Any], Any]]:
    """Call the handler with the event validated as `model` (a pydantic ValidationError names each bad field), as
    Powertools' event_parser does without an envelope."""

    def decorate(handler: Callable[[Model, Any], Any]) -> Callable[[dict, Any], Any]:
        @functools.wraps(handler)
        def parse_then_handle(event: dict, context: Any) -> Any:
            return handler(model.model_validate(event), context)

        return parse_then_handle

    return decorate


class EventBridgeEvent(BaseModel):
    """An EventBridge event as Powertools' EventBridgeModel reads it: the same fields, aliases and types (a subclass
    narrows `detail` to the model it carries)."""

    model_config = ConfigDict(populate_by_name=True)

    version: str
    id: str
    source: str
    account: str
    time: datetime
    region: str
    resources: list[str]
    detail_type: str = Field(alias="detail-type")
    detail: dict[str, Any]
    replay_name: str | None = Field(default=None, alias="replay-name")


class WholeBatchFailed(Exception):
    """Every record of an SQS batch failed: raised so that Lambda returns the whole batch to the queue (as Powertools'
    BatchProcessingError does), with each record's error chained in the log above it."""


def sqs_partial_batch(event: dict, handle_record: Callable[[dict], Any], logger: logging.Logger | Any) -> dict:
    """Each SQS record handled on its own, as Powertools' BatchProcessor(EventType.SQS) with process_partial_response:
    a record whose handling raises is logged and named in `batchItemFailures` (only it returns to the queue); when every
    record fails the batch as a whole fails. The function's event source mapping reports batch item failures."""
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list) or not records:
        raise ValueError("not an SQS batch: the event has no Records list")
    failures = []
    for record in records:
        try:
            handle_record(record)
        except Exception:  # any record's failure is that record's alone: it goes back to the queue
            logger.exception("record processing failed; it returns to the queue", extra={"message_id": record.get("messageId")})
            failures.append({"itemIdentifier": record["messageId"]})
    if len(failures) == len(records):
        raise WholeBatchFailed(f"all {len(records)} records of the batch failed (each logged above)")
    return {"batchItemFailures": failures}


class S3Bucket(BaseModel):
    name: str


class S3Object(BaseModel):
    key: str  # URL-encoded, as S3 sends it (a space as "+")


class S3Entity(BaseModel):
    bucket: S3Bucket
    s3_object: S3Object = Field(alias="object")


class S3Record(BaseModel):
    s3: S3Entity


class S3Notification(BaseModel):
    """S3's event notification, as far as a handler reads it: each record's bucket and object key (Powertools' S3Event
    data class reads the same fields)."""

    records: list[S3Record] = Field(alias="Records")
