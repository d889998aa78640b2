"""The Family Front Door's own business metrics (the hand-over of accepted contacts to the social care record system),
and how an outcome reads off a contact for the engine's DecisionsMade: accepted or closed, within the response target
of its level of need or not."""

from __future__ import annotations

from shared.core.domain.council import CouncilConfig
from shared.core.domain.metrics import COUNCIL, FUNCTION, DecisionFigure, Metric, ServiceMetrics, Timeliness, Unit
from shared.services.family_front_door.domain.case import CLOSED_STAGES, ContactCase

CONTACTS_DELIVERED_TO_RECORD_SYSTEM = Metric(
    "ContactsDeliveredToRecordSystem", Unit.COUNT, ((COUNCIL, FUNCTION),),
    "Accepted contacts for which the social care record system opened a contact and referral episode",
)
RECORD_SYSTEM_DELIVERY_FAILURES = Metric(
    "RecordSystemDeliveryFailures", Unit.COUNT, ((COUNCIL, FUNCTION),),
    "Attempts to open an episode in the social care record system that failed",
)


def contact_outcome(case: ContactCase, council: CouncilConfig | None, entered: object) -> DecisionFigure | None:
    """A contact closing in this write (accepted or closed), against the response target of its level of need."""
    if entered not in CLOSED_STAGES or case.outcome is None:
        return None
    within = case.outcome.at <= case.response_due
    return DecisionFigure(case.outcome.outcome.value, Timeliness.WITHIN_TARGET if within else Timeliness.PAST_TARGET)


FFD_METRICS = ServiceMetrics(
    metrics=(CONTACTS_DELIVERED_TO_RECORD_SYSTEM, RECORD_SYSTEM_DELIVERY_FAILURES),
    decision=contact_outcome,
)
