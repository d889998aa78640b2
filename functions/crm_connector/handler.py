"""The connector to the councils' record systems: each accepted-case event from the bus (`Referral Accepted` of adult
social care triage, `Contact Accepted` of the Family Front Door: every service's ServiceSpec.hand_over), delivered to
the council's system for that service, and the system's id recorded on the case (shared/core/logic/crm_delivery.py).

EventBridge invokes this function asynchronously. Every failure is raised: Lambda retries the invocation, then keeps it
in the connector's dead-letter queue for a person. Errors that may pass (the system down, slow or throttling) are also
retried briefly inside the invocation (crm_client). Idempotent on the event's event_id: a repeated event is answered
as the first was, without another POST.
"""

import os
from collections.abc import Callable
from functools import cache

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ValidationError

from shared.bootstrap import TRACED_MODULES, aws_session, secret_values, store_for
from shared.core.domain.case import utcnow
from shared.core.adapters.metrics import emit
from shared.core.domain.crm import CaseHandOver, CrmEndpoint, CrmEndpoints, crm_endpoints_by_service
from shared.core.domain.services import ServiceSpec
from shared.core.logic.crm_delivery import DeliveryStatus, deliver
from shared.resources import CRM_ALLOW_LOOPBACK_HTTP, Env
# The HTTP client is adult social care's first, and every service's: a Dynamics-style Web API with client credentials.
from shared.services.asc_triage.adapters.crm_client import CrmClient, CrmError, TokenCache
from shared.services.registry import SERVICES

SECRET_MAX_AGE_SECONDS = 300  # a rotated client secret is picked up within five minutes

logger = Logger()
tracer = Tracer(patch_modules=(*TRACED_MODULES, "httplib"))
metrics = Metrics()
# A day covers EventBridge's and Lambda's redeliveries; a repeat after that still finds the record by its alternate key.
idempotency_config = IdempotencyConfig(event_key_jmespath="event_id", raise_on_no_idempotency_key=True,
                                       expires_after_seconds=24 * 3600)
persistence = DynamoDBPersistenceLayer(table_name=os.environ[Env.IDEMPOTENCY_TABLE], boto3_session=aws_session())
tokens = TokenCache()  # kept while the function is warm: one token request per council per hour, not per case


class UnreadableReferralEvent(Exception):
    """The event is not an accepted-case event of a service, as its schema says. Names the fields, never their values."""


@idempotent_function(data_keyword_argument="accepted", persistence_store=persistence, config=idempotency_config)
def deliver_accepted(accepted: BaseModel, service_key: str, seconds_left: Callable[[], float]) -> dict:
    spec = SERVICES.get(service_key)
    hand_over = _hand_over(spec)
    council_code = accepted.council_code  # type: ignore[attr-defined]  # every hand-over event names its council

    def endpoint_for(council: str) -> CrmEndpoint | None:
        return _endpoints(os.environ.get(Env.CRM_ENDPOINTS, "")).for_service(spec.key, hand_over, council)

    def record_on_case(council: str, case_id: str, external_id: str) -> None:
        record_external_id(spec, council, case_id, external_id)

    try:
        outcome = deliver(accepted, endpoint_for, _client_factory(seconds_left), record_on_case, hand_over.record)
    except Exception as error:
        emit(hand_over.failure_metric, council=council_code)
        logger.error("accepted case not delivered to the council's system", extra=_failure(error))
        raise
    if outcome.status is DeliveryStatus.SKIPPED:
        logger.info("no system configured for the council and service: nothing sent")
    else:
        emit(hand_over.delivered_metric, council=council_code)
        logger.info("accepted case delivered", extra={"status": outcome.status.value, "external_id": outcome.external_id})
    return outcome.model_dump(mode="json")


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    idempotency_config.register_lambda_context(context)
    spec, accepted = _accepted_from(event)
    logger.append_keys(service_key=spec.key, council_code=accepted.council_code, case_id=accepted.case_id,  # type: ignore[attr-defined]
                       event_id=accepted.event_id)  # type: ignore[attr-defined]
    return deliver_accepted(accepted=accepted, service_key=spec.key,
                            seconds_left=lambda: context.get_remaining_time_in_millis() / 1000)


def record_external_id(spec: ServiceSpec, council_code: str, case_id: str, external_id: str) -> None:
    """On the case in the council's own table (its scoped credentials), as its service keeps it: conditional and
    audited; AlreadyDelivered when the case holds the system's id already."""
    _hand_over(spec).record_external_id(store_for(council_code).serving(spec.key), case_id, external_id, utcnow)


def _hand_over(spec: ServiceSpec) -> CaseHandOver:
    assert spec.hand_over is not None  # only services that hand cases over are found by _service_for
    return spec.hand_over


def _service_for(source: object, detail_type: object) -> ServiceSpec | None:
    return next((spec for spec in SERVICES if spec.hand_over is not None
                 and (spec.hand_over.event.source, spec.hand_over.event.detail_type) == (source, detail_type)), None)


def _accepted_from(event: dict) -> tuple[ServiceSpec, BaseModel]:
    spec = _service_for(event.get("source"), event.get("detail-type")) if isinstance(event, dict) else None
    if spec is None:
        logger.error("not an accepted-case event of any service")
        raise UnreadableReferralEvent("not an accepted-case event of any service (its source and detail-type)")

    class AcceptedEvent(EventBridgeModel):
        detail: _hand_over(spec).detail_model  # type: ignore[valid-type]

    try:
        return spec, parse(event=event, model=AcceptedEvent).detail
    except ValidationError as error:
        # pydantic's message quotes the values it refused; the log and the raised error name only where they were.
        problems = sorted({f"{'.'.join(str(part) for part in problem['loc'])} ({problem['type']})"
                           for problem in error.errors(include_url=False, include_input=False)})
        logger.error("unreadable accepted-case event", extra={"problems": problems})
        raise UnreadableReferralEvent(f"not as the schema says: {', '.join(problems)}") from None


@cache
def _endpoints(configuration: str) -> CrmEndpoints:
    return crm_endpoints_by_service(configuration)


def _client_factory(seconds_left: Callable[[], float]) -> Callable[[CrmEndpoint], CrmClient]:
    def client_for(endpoint: CrmEndpoint) -> CrmClient:
        return CrmClient(
            endpoint,
            lambda: secret_values().get(endpoint.secret_name, max_age=SECRET_MAX_AGE_SECONDS),
            seconds_left=seconds_left,
            tokens=tokens,
            allow_loopback_http=os.environ.get(CRM_ALLOW_LOOPBACK_HTTP) == "true",
        )
    return client_for


def _failure(error: Exception) -> dict:
    """What the log says of a failure: our own errors' messages (statuses, codes, redacted excerpts), and only the
    type of any other, whose message may quote the referral."""
    return {
        "error_type": type(error).__name__,
        "retryable": getattr(error, "retryable", None),
        "http_status": getattr(error, "status", None),
        "reason": str(error) if isinstance(error, CrmError) else None,
    }
