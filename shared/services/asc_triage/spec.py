"""Adult social care referral triage as the engine carries it: its entry in the service registry."""

from __future__ import annotations

from shared.services.asc_triage.domain.queue_row import ReferralQueueRow
from shared.core.domain.services import ServiceSpec
from shared.resources import WORKFLOWS_BY_KEY, WorkflowKey
from shared.services.asc_triage import SERVICE_KEY
from shared.services.asc_triage.domain.history import ASC_HISTORY
from shared.services.asc_triage.domain.case import ReferralCase, ReferralStage
from shared.services.asc_triage.domain.referral import Referral
from shared.services.asc_triage.domain.notifications import REFERRER_EMAILS
from shared.services.asc_triage.domain.settings import AscTriageSettings
from shared.services.asc_triage.logic.dashboard import triage_dashboard_tables
from shared.services.asc_triage.logic.recovery import ASC_RECOVERY
from shared.services.asc_triage.domain.retention import REFERRAL_RETENTION
from shared.services.asc_triage.domain.routing_watch import ASC_RESPONSE_WATCH
from shared.services.asc_triage.logic.case_actions import step_actions
from shared.services.asc_triage.metrics import ASC_TRIAGE_METRICS, CRM_DELIVERY_FAILURES, REFERRALS_DELIVERED_TO_CRM
from shared.core.domain.crm import CaseHandOver
from shared.services.asc_triage.domain.crm import REFERRAL_ACCEPTED, ReferralAccepted, crm_record
from shared.services.asc_triage.logic.referrals import record_crm_id

NHS_NUMBER_LOOKUP = "NHS"
PERSON_LOOKUP = "ASC-PERSON"  # apart from other services' people: the existing customer check is against ASC cases


def person_lookup(family_name: str, date_of_birth: str) -> tuple[str, str]:
    return PERSON_LOOKUP, f"{family_name.strip().upper()}#{date_of_birth}"


def lookup_keys(case: ReferralCase) -> list[str]:
    """The adult's NHS number, and surname with date of birth: what the existing customer check matches on."""
    adult = case.application.adult
    kind, value = person_lookup(adult.family_name, adult.date_of_birth.isoformat())
    keys = [f"LOOKUP#{kind}#{value}"]
    if adult.nhs_number:
        keys.append(f"LOOKUP#{NHS_NUMBER_LOOKUP}#{adult.nhs_number}")
    return keys


def queue_filters(case: ReferralCase) -> dict[str, str]:
    """The screening queue narrows by the triage recommendation (indexed) and by who referred."""
    return {"recommendation": case.recommendation.route.value, "referrer_kind": case.application.referrer.kind.value}


ASC_TRIAGE = ServiceSpec(
    key=SERVICE_KEY,
    name="Adult social care referrals",
    staff_title="Adult social care referrals",
    home_path="/referrals",
    team_queue_path="/referrals?team={team}",
    case_path="/referrals/{case_id}",
    case_model=ReferralCase,
    intake_model=Referral,
    intake_schema_file="asc-referral.schema.json",
    stages=ReferralStage,
    workflows=(WORKFLOWS_BY_KEY[WorkflowKey.ASC_REFERRAL],),
    settings_model=AscTriageSettings,
    emails=REFERRER_EMAILS,
    application_id=lambda referral: referral.referral_id,
    lookup_keys=lookup_keys,
    identifying_lookups=(NHS_NUMBER_LOOKUP, PERSON_LOOKUP),
    queue_filters=queue_filters,
    dashboard=triage_dashboard_tables,
    case_actions=step_actions,
    indexed_filters=("recommendation",),
    recovery=ASC_RECOVERY,
    retention=REFERRAL_RETENTION,
    history=ASC_HISTORY,
    metrics=ASC_TRIAGE_METRICS,
    queue_row=ReferralQueueRow,
    response_watch=ASC_RESPONSE_WATCH,
    hand_over=CaseHandOver(event=REFERRAL_ACCEPTED, detail_model=ReferralAccepted, record=crm_record,
                           record_external_id=record_crm_id, delivered_metric=REFERRALS_DELIVERED_TO_CRM,
                           failure_metric=CRM_DELIVERY_FAILURES, endpoints_keyed_by_council=True),

)
