"""Adult social care triage's own business metrics (the CRM hand-over; its routing clock is counted by the engine's
response watch, shared.core.domain.response_watch), and how a screening outcome
reads off a referral for the engine's DecisionsMade: routed, signposted or closed, within the routing target or not."""

from __future__ import annotations

from shared.core.domain.council import CouncilConfig
from shared.core.domain.metrics import COUNCIL, FUNCTION, DecisionFigure, Metric, ServiceMetrics, Timeliness, Unit
from shared.services.asc_triage.domain.case import CLOSED_STAGES, ReferralCase

REFERRALS_DELIVERED_TO_CRM = Metric(
    "ReferralsDeliveredToCrm", Unit.COUNT, ((COUNCIL, FUNCTION),), "Accepted referrals recorded in the council's CRM",
)
CRM_DELIVERY_FAILURES = Metric(
    "CrmDeliveryFailures", Unit.COUNT, ((COUNCIL, FUNCTION),), "Attempts to record a referral in the CRM that failed",
)


def screening_outcome(case: ReferralCase, council: CouncilConfig | None, entered: object) -> DecisionFigure | None:
    """A referral closing in this write (routed, signposted or closed), against its routing target."""
    if entered not in CLOSED_STAGES:
        return None
    within = case.updated_at <= case.routing_due
    return DecisionFigure(str(entered), Timeliness.WITHIN_TARGET if within else Timeliness.PAST_TARGET)


ASC_TRIAGE_METRICS = ServiceMetrics(
    metrics=(REFERRALS_DELIVERED_TO_CRM, CRM_DELIVERY_FAILURES),
    decision=screening_outcome,
)
