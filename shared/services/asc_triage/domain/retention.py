"""How long a closed adult social care referral is kept: its entry in ServiceSpec.retention. A routed referral lives on
in the council's social care record (pushed to its CRM); the referral itself is kept, as a badge case is, for the
council's case retention period from the day it closed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from shared.core.domain.retention import RetentionRule
from shared.services.asc_triage.domain.case import CLOSED_STAGES, ReferralCase, ReferralStage


def period_starts(case: ReferralCase, records: Mapping[str, Sequence[Any]]) -> date | None:
    return case.updated_at.date() if case.stage in CLOSED_STAGES else None


def tombstone_facts(case: ReferralCase) -> dict[str, str]:
    """Who referred and what triage recommended: enough to count inappropriate referrals after the person is gone."""
    return {"referrer_kind": case.application.referrer.kind.value, "recommendation": case.recommendation.route.value}


REFERRAL_RETENTION = RetentionRule(
    stages=(ReferralStage.ROUTED, ReferralStage.SIGNPOSTED, ReferralStage.CLOSED),
    period_starts=period_starts, tombstone_facts=tombstone_facts,
)
