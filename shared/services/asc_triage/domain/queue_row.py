"""A referral's line in the screening queue (shared.core.domain.queue_row)."""

from __future__ import annotations

from typing import Self

from shared.core.domain.queue_row import QueueRow
from shared.services.asc_triage.domain.case import CLOSED_STAGES, ReferralCase, ReferralStage
from shared.services.asc_triage.domain.referral import ReferrerKind
from shared.services.asc_triage.domain.triage import TriageRoute


class ReferralQueueRow(QueueRow):
    stage: ReferralStage
    referrer_kind: ReferrerKind
    recommendation: TriageRoute  # the triage's recommended route

    @property
    def is_closed(self) -> bool:
        return self.stage in CLOSED_STAGES

    @classmethod
    def of(cls, case: ReferralCase) -> Self:
        adult = case.application.adult
        return cls(**cls.common(case), name=f"{adult.given_name} {adult.family_name}",
                   referrer_kind=case.application.referrer.kind, recommendation=case.recommendation.route)
