"""An accepted referral to its council's CRM, and the CRM's id onto the case.

The CRM is reached through `client_factory` and the case through `record_external_id`, both passed in. Delivery is
safe to repeat: the CRM answers a second record for one case with the first one's id, and a case that already holds
a CRM id says so by raising AlreadyDelivered; both count as delivered.
"""

from __future__ import annotations

from collections.abc import Callable

# The connector's delivery is the core's, shared by every service's hand-over (re-exported for adult social care's code).
from shared.core.logic import crm_delivery
from shared.core.logic.crm_delivery import AlreadyDelivered, CrmRecordSender, DeliveryOutcome, DeliveryStatus  # noqa: F401
from shared.services.asc_triage.domain.crm import CrmEndpoint, ReferralAccepted, crm_record


def deliver(
    event: ReferralAccepted,
    endpoint_for: Callable[[str], CrmEndpoint | None],
    client_factory: Callable[[CrmEndpoint], CrmRecordSender],
    record_external_id: Callable[[str, str, str], None],
) -> DeliveryOutcome:
    """Send the referral to the council's CRM and record the CRM's id on the case (council code, case id, CRM id).
    The client's errors pass through: the caller decides what is retried."""
    return crm_delivery.deliver(event, endpoint_for, client_factory, record_external_id, crm_record)
