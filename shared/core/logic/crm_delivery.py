"""An accepted case to the council's record system, and the system's id onto the case: the one connector every
service's hand-over goes through (shared.core.domain.crm.CaseHandOver; functions/crm_connector).

The system is reached through `client_factory` and the case through `record_external_id`, both passed in. Delivery is
safe to repeat: the system answers a second record for one case with the first one's id, and a case that already holds
an id says so by raising AlreadyDelivered; both count as delivered.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from shared.core.domain.crm import CrmEndpoint, CrmRecordId


class AlreadyDelivered(Exception):
    """Raised by `record_external_id` when the case already holds the system's id: an earlier delivery recorded it."""


class CrmRecordSender(Protocol):
    def create_record(self, record: dict[str, str]) -> CrmRecordId: ...


class DeliveryStatus(StrEnum):
    DELIVERED = "DELIVERED"  # the system created the record; its id is now on the case
    ALREADY_IN_CRM = "ALREADY_IN_CRM"  # the system held the case's record already; its id is now on the case
    ALREADY_RECORDED = "ALREADY_RECORDED"  # the case held an id already
    SKIPPED = "SKIPPED"  # the council has no system configured for the service: nothing to send


class DeliveryOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: DeliveryStatus
    council_code: str
    case_id: str
    external_id: str | None = None


def deliver(
    event: Any,
    endpoint_for: Callable[[str], CrmEndpoint | None],
    client_factory: Callable[[CrmEndpoint], CrmRecordSender],
    record_external_id: Callable[[str, str, str], None],
    record: Callable[[Any], dict[str, str]],
) -> DeliveryOutcome:
    """Send `record(event)` to the council's system and record the system's id on the case (council code, case id,
    id). `event` is a service's accepted-case event detail (council_code, case_id). The client's errors pass through:
    the caller decides what is retried."""
    endpoint = endpoint_for(event.council_code)
    if endpoint is None:
        return DeliveryOutcome(status=DeliveryStatus.SKIPPED, council_code=event.council_code, case_id=event.case_id)
    created = client_factory(endpoint).create_record(record(event))
    try:
        record_external_id(event.council_code, event.case_id, created.id)
    except AlreadyDelivered:
        status = DeliveryStatus.ALREADY_RECORDED
    else:
        status = DeliveryStatus.ALREADY_IN_CRM if created.already_existed else DeliveryStatus.DELIVERED
    return DeliveryOutcome(status=status, council_code=event.council_code, case_id=event.case_id, external_id=created.id)
