"""An accepted referral to its council's CRM, and the CRM's id onto the case.

The CRM is reached through `client_factory` and the case through `record_external_id`, both passed in. Delivery is
safe to repeat: the CRM answers a second record for one case with the first one's id, and a case that already holds
a CRM id says so by raising AlreadyDelivered; both count as delivered.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from shared.services.asc_triage.domain.crm import CrmEndpoint, CrmRecordId, ReferralAccepted, crm_record


class AlreadyDelivered(Exception):
    """Raised by `record_external_id` when the case already holds a CRM id: an earlier delivery recorded it."""


class CrmRecordSender(Protocol):
    def create_record(self, record: dict[str, str]) -> CrmRecordId: ...


class DeliveryStatus(StrEnum):
    DELIVERED = "DELIVERED"  # the CRM created the record; its id is now on the case
    ALREADY_IN_CRM = "ALREADY_IN_CRM"  # the CRM held the case's record already; its id is now on the case
    ALREADY_RECORDED = "ALREADY_RECORDED"  # the case held a CRM id already
    SKIPPED = "SKIPPED"  # the council has no CRM configured: nothing to send


class DeliveryOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: DeliveryStatus
    council_code: str
    case_id: str
    external_id: str | None = None


def deliver(
    event: ReferralAccepted,
    endpoint_for: Callable[[str], CrmEndpoint | None],
    client_factory: Callable[[CrmEndpoint], CrmRecordSender],
    record_external_id: Callable[[str, str, str], None],
) -> DeliveryOutcome:
    """Send the referral to the council's CRM and record the CRM's id on the case (council code, case id, CRM id).
    The client's errors pass through: the caller decides what is retried."""
    endpoint = endpoint_for(event.council_code)
    if endpoint is None:
        return DeliveryOutcome(status=DeliveryStatus.SKIPPED, council_code=event.council_code, case_id=event.case_id)
    created = client_factory(endpoint).create_record(crm_record(event))
    try:
        record_external_id(event.council_code, event.case_id, created.id)
    except AlreadyDelivered:
        status = DeliveryStatus.ALREADY_RECORDED
    else:
        status = DeliveryStatus.ALREADY_IN_CRM if created.already_existed else DeliveryStatus.DELIVERED
    return DeliveryOutcome(status=status, council_code=event.council_code, case_id=event.case_id, external_id=created.id)
