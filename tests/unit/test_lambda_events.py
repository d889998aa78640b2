"""The event shapes and the SQS batch loop handlers share instead of Powertools' parser and batch utilities (whose
imports cost every cold start): the same fields, and the same partial-batch semantics."""

import logging

import pytest
from pydantic import ValidationError

from shared.core.adapters.lambda_events import EventBridgeEvent, S3Notification, WholeBatchFailed, sqs_partial_batch

EVENT = {"version": "0", "id": "6a7e8feb", "source": "casework.intake", "account": "123456789012", "time": "2026-12-04T02:00:00Z",
         "region": "eu-west-2", "resources": [], "detail-type": "Application Submitted", "detail": {"application_id": "APP-1"}}


def test_the_eventbridge_envelope_has_powertools_fields_and_aliases():
    from aws_lambda_powertools.utilities.parser.models import EventBridgeModel

    ours = {name: (field.alias, field.is_required()) for name, field in EventBridgeEvent.model_fields.items()}
    theirs = {name: (field.alias, field.is_required()) for name, field in EventBridgeModel.model_fields.items()}
    assert ours == theirs
    event = EventBridgeEvent.model_validate(EVENT)
    assert (event.detail_type, event.detail) == ("Application Submitted", {"application_id": "APP-1"})


@pytest.mark.parametrize("change", [{"account": None}, {"detail": "not an object"}, {"time": "yesterday"}])
def test_an_envelope_missing_or_mistyping_a_field_is_refused(change):
    event = {key: value for key, value in (EVENT | change).items() if value is not None}
    with pytest.raises(ValidationError):
        EventBridgeEvent.model_validate(event)


def test_an_s3_notification_gives_each_records_bucket_and_url_encoded_key():
    notification = S3Notification.model_validate({"Records": [{"eventName": "ObjectCreated:Put", "s3": {
        "bucket": {"name": "drop", "arn": "arn:aws:s3:::drop"}, "object": {"key": "supplier/inbox/a+b.xml", "size": 10}}}]})
    [record] = notification.records
    assert (record.s3.bucket.name, record.s3.s3_object.key) == ("drop", "supplier/inbox/a+b.xml")


def records(*bodies: str) -> dict:
    return {"Records": [{"messageId": f"m{position}", "body": body} for position, body in enumerate(bodies)]}


def handle(record: dict) -> None:
    if record["body"] == "bad":
        raise ValueError("cannot handle")


def test_only_the_records_that_failed_return_to_the_queue(caplog):
    with caplog.at_level(logging.ERROR):
        assert sqs_partial_batch(records("good", "bad", "good"), handle, logging.getLogger("test")) == {
            "batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert "cannot handle" in caplog.text  # the failure is logged with its error


def test_a_batch_that_all_succeeds_reports_no_failures():
    assert sqs_partial_batch(records("good", "good"), handle, logging.getLogger("test")) == {"batchItemFailures": []}


def test_a_batch_whose_every_record_failed_fails_as_a_whole():
    with pytest.raises(WholeBatchFailed, match="all 2 records"):
        sqs_partial_batch(records("bad", "bad"), handle, logging.getLogger("test"))


@pytest.mark.parametrize("event", [{}, {"Records": []}, {"Records": "m0"}, []])
def test_an_event_that_is_not_an_sqs_batch_is_refused(event):
    with pytest.raises(ValueError, match="not an SQS batch"):
        sqs_partial_batch(event, handle, logging.getLogger("test"))
