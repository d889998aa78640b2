"""How long Blue Badge keeps a closed case: its entry in ServiceSpec.retention (the engine's erasure job runs it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from shared.core.domain.retention import RetentionRule
from shared.services.blue_badge.domain.badge import Badge
from shared.services.blue_badge.domain.case import BadgeCase, Stage


def period_starts(case: BadgeCase, records: Mapping[str, Sequence[Any]]) -> date | None:
    """A badge case is kept from its badges' expiry; a refusal from when the window for asking for a review closes."""
    match case.stage:
        case Stage.ORDERED:
            return max((badge.expiry_date for badge in records.get(Badge.KIND, ())), default=case.updated_at.date())
        case Stage.REFUSED:
            return case.review_due or case.updated_at.date()
        case Stage.BADGE_CANCELLED | Stage.WITHDRAWN:
            return case.updated_at.date()
    return None


def tombstone_facts(case: BadgeCase) -> dict[str, str]:
    return {"application_type": case.application.application_type.value, "channel": case.application.channel.value}


BADGE_RETENTION = RetentionRule(
    stages=(Stage.ORDERED, Stage.REFUSED, Stage.BADGE_CANCELLED, Stage.WITHDRAWN),
    period_starts=period_starts, tombstone_facts=tombstone_facts,
)
