"""Ingest: submitted applications arrive from the EventBridge rule through SQS, in batches.

Each record is processed on its own (a failure returns only that record to the queue), and idempotently with one
duplicate-refusing write per application: a redelivered application finds its case's application marker (CaseStore.create
writes it with the case), and a redelivered unusable one finds its parked item, whose id is the payload's digest.
"""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from shared.bootstrap import TRACED_MODULES, one_invocation, intake_service
from shared.resources import NATIONAL_APPLICATION_SUBMITTED
from shared.services.blue_badge.domain.national import NATIONAL_SOURCE_PREFIX
from shared.services.blue_badge.logic.intake import reasons_from

logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)


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
        # The national service's own format comes under its own detail-type, and is mapped to ours (domain/national.py).
        national = event.detail_type == NATIONAL_APPLICATION_SUBMITTED.detail_type
        outcome = ingest_application(detail=event.detail, source=f"{NATIONAL_SOURCE_PREFIX if national else ''}event:{event.source}")
    logger.info(
        "application ingested",
        extra={"status": outcome["status"], "council_code": outcome["council_code"], "case_id": outcome["case_id"], "parked_id": outcome["parked_id"]},
    )
    return outcome


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
@one_invocation  # each council's settings read once per invocation, never kept for the next
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
