"""CRM connector: each `Referral Accepted` event from the bus, delivered to its council's CRM, and the CRM's id recorded
on the case (shared/services/asc_triage/logic/crm_delivery.py).

EventBridge invokes this function asynchronously. Every failure is raised: Lambda retries the invocation, then keeps it
in the connector's dead-letter queue for a person. Errors that may pass (the CRM down, slow or throttling) are also
retried briefly inside the invocation (crm_client). Idempotent on the event's event_id: a repeated event is answered
as the first was, without another POST.
"""

import os
from collections.abc import Callable
from functools import cache

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from shared.bootstrap import TRACED_MODULES, store_for
from shared.core.domain.case import utcnow
from shared.core.adapters.metrics import emit
from shared.services.asc_triage.metrics import CRM_DELIVERY_FAILURES, REFERRALS_DELIVERED_TO_CRM
from shared.resources import CRM_ALLOW_LOOPBACK_HTTP, Env
from shared.services.asc_triage.adapters.crm_client import CrmClient, CrmError, TokenCache
from shared.services.asc_triage.domain.crm import CrmEndpoint, ReferralAccepted, crm_endpoints_from_json
from shared.services.asc_triage.logic.crm_delivery import DeliveryStatus, deliver
from shared.services.asc_triage.logic.referrals import record_crm_id

SECRET_MAX_AGE_SECONDS = 300  # a rotated client secret is picked up within five minutes

logger = Logger()
tracer = Tracer(patch_modules=(*TRACED_MODULES, "httplib"))
metrics = Metrics()
# A day covers EventBridge's and Lambda's redeliveries; a repeat after that still finds the record by its alternate key.
idempotency_config = IdempotencyConfig(event_key_jmespath="event_id", raise_on_no_idempotency_key=True,
                                       expires_after_seconds=24 * 3600)
persistence = DynamoDBPersistenceLayer(table_name=os.environ[Env.IDEMPOTENCY_TABLE])
tokens = TokenCache()  # kept while the function is warm: one token request per council per hour, not per referral


class ReferralAcceptedEvent(EventBridgeModel):
    detail: ReferralAccepted


class UnreadableReferralEvent(Exception):
    """The event is not a Referral Accepted event as its schema says. Names the fields, never their values."""


@idempotent_function(data_keyword_argument="referral", persistence_store=persistence, config=idempotency_config)
def deliver_referral(referral: ReferralAccepted, seconds_left: Callable[[], float]) -> dict:
    try:
        outcome = deliver(referral, _endpoint_for, _client_factory(seconds_left), _record_crm_id)
    except Exception as error:
        emit(CRM_DELIVERY_FAILURES, council=referral.council_code)
        logger.error("referral not delivered to the CRM", extra=_failure(error))
        raise
    if outcome.status is DeliveryStatus.SKIPPED:
        logger.info("no CRM configured for the council: nothing sent")
    else:
        emit(REFERRALS_DELIVERED_TO_CRM, council=referral.council_code)
        logger.info("referral delivered to the CRM", extra={"status": outcome.status.value, "external_id": outcome.external_id})
    return outcome.model_dump(mode="json")


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    idempotency_config.register_lambda_context(context)
    referral = _referral_from(event)
    logger.append_keys(council_code=referral.council_code, case_id=referral.case_id, event_id=referral.event_id)
    return deliver_referral(referral=referral, seconds_left=lambda: context.get_remaining_time_in_millis() / 1000)


def _referral_from(event: dict) -> ReferralAccepted:
    try:
        return parse(event=event, model=ReferralAcceptedEvent).detail
    except ValidationError as error:
        # pydantic's message quotes the values it refused; the log and the raised error name only where they were.
        problems = sorted({f"{'.'.join(str(part) for part in problem['loc'])} ({problem['type']})"
                           for problem in error.errors(include_url=False, include_input=False)})
        logger.error("unreadable Referral Accepted event", extra={"problems": problems})
        raise UnreadableReferralEvent(f"not as the schema says: {', '.join(problems)}") from None


@cache
def _endpoints(configuration: str) -> dict[str, CrmEndpoint]:
    return crm_endpoints_from_json(configuration)


def _endpoint_for(council_code: str) -> CrmEndpoint | None:
    return _endpoints(os.environ.get(Env.CRM_ENDPOINTS, "")).get(council_code)


def _client_factory(seconds_left: Callable[[], float]) -> Callable[[CrmEndpoint], CrmClient]:
    def client_for(endpoint: CrmEndpoint) -> CrmClient:
        return CrmClient(
            endpoint,
            lambda: parameters.get_secret(endpoint.secret_name, max_age=SECRET_MAX_AGE_SECONDS),
            seconds_left=seconds_left,
            tokens=tokens,
            allow_loopback_http=os.environ.get(CRM_ALLOW_LOOPBACK_HTTP) == "true",
        )
    return client_for


def _record_crm_id(council_code: str, case_id: str, external_id: str) -> None:
    """On the case in the council's own table (its scoped credentials): conditional and audited; AlreadyDelivered when
    the case holds a CRM id already."""
    record_crm_id(store_for(council_code), case_id, external_id, utcnow)


def _failure(error: Exception) -> dict:
    """What the log says of a failure: our own errors' messages (statuses, codes, redacted excerpts), and only the
    type of any other, whose message may quote the referral."""
    return {
        "error_type": type(error).__name__,
        "retryable": getattr(error, "retryable", None),
        "http_status": getattr(error, "status", None),
        "reason": str(error) if isinstance(error, CrmError) else None,
    }
