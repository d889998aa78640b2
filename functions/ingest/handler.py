"""Ingest: submitted applications arrive from the EventBridge rule through SQS, in batches.

Each record is processed on its own (a failure returns only that record to the queue), and
idempotently on the application as sent, so a redelivered event is answered as the first delivery was.
"""

import os

from aws_lambda_powertools import Logger, Metrics, Tracer, single_metric
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from shared.bootstrap import intake_service
from shared.resources import Env
from shared.services.blue_badge.logic.intake import reasons_from

logger = Logger()
tracer = Tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)
# Keyed on a hash of the whole application, not its application_id: a re-send that differs (a corrected one after the
# first was parked) is new work and is taken in afresh, while an identical re-send (a redelivery) gets the first answer.
# Two cases for one application_id stay impossible whatever the key: the case's application marker is a conditional write
# (CaseStore.create), so a differing re-send of an application that already became a case answers DUPLICATE with it.
idempotency_config = IdempotencyConfig(expires_after_seconds=24 * 3600)
persistence = DynamoDBPersistenceLayer(table_name=os.environ[Env.IDEMPOTENCY_TABLE])


@idempotent_function(data_keyword_argument="detail", persistence_store=persistence, config=idempotency_config)
def ingest_application(detail: object, source: str) -> dict:
    return intake_service().receive(detail, source=source).model_dump(mode="json")


def record_handler(record: SQSRecord) -> dict:
    try:
        event = EventBridgeModel.model_validate_json(record.body)
    except ValidationError as error:
        # Not an EventBridge envelope pydantic can read (not JSON, not an event, or nested past its ~200 levels):
        # park the raw body, with why.
        outcome = intake_service().park_unreadable(record.body, reasons_from(error), source="queue:unrecognised-message").model_dump(mode="json")
    else:
        outcome = ingest_application(detail=event.detail, source=f"event:{event.source}")
    logger.info(
        "application ingested",
        extra={"status": outcome["status"], "council_code": outcome["council_code"], "case_id": outcome["case_id"], "parked_id": outcome["parked_id"]},
    )
    with single_metric(name="ApplicationsIngested", unit=MetricUnit.Count, value=1, namespace=metrics.namespace) as metric:
        metric.add_dimension(name="outcome", value=outcome["status"])
        metric.add_dimension(name="council", value=outcome["council_code"] or "UNKNOWN")
    return outcome


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    idempotency_config.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
