"""An adult social care referral being worked: received, screened (triage recommends, a screening officer decides),
then routed to a team, signposted to community support, or closed."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from shared.core.domain.case import Case, CaseStage, Record, new_case_id
from shared.core.domain.formats import LongText, Text
from shared.resources import WorkflowKey
from shared.services.asc_triage import SERVICE_KEY
from shared.services.asc_triage.domain.referral import Referral
from shared.services.asc_triage.domain.triage import Recommendation, TriageRoute

WORKFLOW_KEY = WorkflowKey.ASC_REFERRAL


class ReferralStage(CaseStage):
    @classmethod
    def service_key(cls) -> str:
        return SERVICE_KEY

    RECEIVED = "RECEIVED"  # written by intake, workflow not yet at its first step
    SCREENING = "SCREENING"  # a screening officer confirms or overrides the triage recommendation
    AWAITING_INFORMATION = "AWAITING_INFORMATION"  # the referrer was asked for more through the reply link
    ROUTED = "ROUTED"  # closed here: accepted and routed to a team
    SIGNPOSTED = "SIGNPOSTED"  # closed: signposted to community support
    CLOSED = "CLOSED"  # closed: no further action, or linked to an existing case


TRANSITIONS: dict[ReferralStage, frozenset[ReferralStage]] = {
    ReferralStage.RECEIVED: frozenset({ReferralStage.SCREENING}),
    ReferralStage.SCREENING: frozenset({ReferralStage.AWAITING_INFORMATION, ReferralStage.ROUTED,
                                        ReferralStage.SIGNPOSTED, ReferralStage.CLOSED}),
    ReferralStage.AWAITING_INFORMATION: frozenset({ReferralStage.SCREENING}),
    ReferralStage.ROUTED: frozenset(),
    ReferralStage.SIGNPOSTED: frozenset(),
    ReferralStage.CLOSED: frozenset(),
}
HUMAN_STAGES = frozenset({ReferralStage.SCREENING, ReferralStage.AWAITING_INFORMATION})
CLOSED_STAGES = frozenset({ReferralStage.ROUTED, ReferralStage.SIGNPOSTED, ReferralStage.CLOSED})


class ScreeningOutcome(StrEnum):
    ROUTE = "ROUTE"  # accept: route to a team (a Care Act assessment, occupational therapy, ...)
    SIGNPOST = "SIGNPOST"  # information, advice and community support
    CLOSE = "CLOSE"  # no further action, a duplicate, or linked to an existing case
    ASK_REFERRER = "ASK_REFERRER"  # more information is needed before deciding


# What each recommendation proposes, so that a decision that differs is an override and must give its reason.
RECOMMENDED_OUTCOME = {
    TriageRoute.LIKELY_ELIGIBLE: ScreeningOutcome.ROUTE,
    TriageRoute.URGENT: ScreeningOutcome.ROUTE,
    TriageRoute.SUPPORT_NEEDS: ScreeningOutcome.SIGNPOST,
}


class Screening(Record):
    """A screening officer's decision on the recommendation; an override (a decision other than the recommended one)
    carries its reason."""

    outcome: ScreeningOutcome
    team: str | None = Field(default=None, description="With ROUTE: the team the referral goes to")
    overrides_recommendation: bool
    reason: LongText | None = None
    linked_case_id: str | None = Field(default=None, description="With CLOSE: the existing case this referral joins")
    by: str
    at: datetime

    @model_validator(mode="after")
    def complete(self) -> Screening:
        if self.outcome is ScreeningOutcome.ROUTE and not self.team:
            raise ValueError("team: choose the team the referral goes to")
        if self.overrides_recommendation and not self.reason:
            raise ValueError("reason: say why the recommendation is overridden")
        return self


class ReferrerQuestion(Record):
    """What the screening officer asked the referrer (answered through the single-use reply link)."""

    question: LongText
    by: str
    at: datetime
    answer: LongText | None = None
    answered_at: datetime | None = None


class ReferralCase(Case):
    TRANSITIONS: ClassVar = TRANSITIONS
    HUMAN_STAGES: ClassVar = HUMAN_STAGES
    CLOSED_STAGES: ClassVar = CLOSED_STAGES

    service: Literal[SERVICE_KEY] = SERVICE_KEY
    application: Referral
    workflow: Literal[WORKFLOW_KEY] = WORKFLOW_KEY
    stage: ReferralStage = ReferralStage.RECEIVED
    recommendation: Recommendation
    routing_due: datetime = Field(description="When the referral must be routed by: its council's business hours target")
    screening: Screening | None = None
    questions: list[ReferrerQuestion] = Field(default_factory=list, max_length=20)
    routed_at: datetime | None = None
    crm_record_id: Text | None = Field(default=None, description="The record the council's CRM opened for it")

    @classmethod
    def open(cls, referral: Referral, recommendation: Recommendation, team: str, routing_due: datetime,
             now: datetime) -> ReferralCase:
        return cls(
            case_id=new_case_id(referral.council_code, now), council_code=referral.council_code, application=referral,
            recommendation=recommendation, team=team, routing_due=routing_due, received_at=now, updated_at=now,
            # Urgent and safeguarding referrals go to the top of every queue they are in.
            priority=100 if recommendation.route is TriageRoute.URGENT else 50,
        )

    @property
    def reference(self) -> str:
        return self.case_id
