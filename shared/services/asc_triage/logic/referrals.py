"""Taking in an adult social care referral: check the answers against the question set it was answered on, triage
it, open the case in the right team's queue with its routing clock, and start its workflow. And recording the record
the council's CRM opened for an accepted referral."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.core.adapters.case_store import CaseStore, DuplicateApplication, StaleVersion
from shared.core.adapters.workflows import Workflows
from shared.core.domain.case import AuditEntry
from shared.core.domain.council import CouncilConfig
from shared.core.domain.working_days import working_days_later
from shared.services.asc_triage.adapters.question_sets import QuestionSets
from shared.services.asc_triage.domain.business_hours import add_business_hours
from shared.services.asc_triage.domain.case import ReferralCase
from shared.services.asc_triage.domain.referral import AnswerError, Referral, answer_errors
from shared.services.asc_triage.domain.settings import triage_settings
from shared.services.asc_triage.domain.triage import TriageRoute, recommend
from shared.services.asc_triage.logic.crm_delivery import AlreadyDelivered


class ReferralRefused(ValueError):
    """The answers do not fit the question set they claim (each error names its field)."""

    def __init__(self, errors: list[AnswerError]):
        super().__init__("; ".join(f"{error.field}: {error.message}" for error in errors))
        self.errors = errors


@dataclass(frozen=True)
class ReferralReceipt:
    case: ReferralCase
    duplicate: bool  # the same referral was sent before: this is the case it became


def workflow_input(case: ReferralCase, council: CouncilConfig) -> dict[str, Any]:
    """What a referral's workflow execution starts with. The referrer's time to answer is the span of the council's
    information_request_days working days (its nation's) from the referral's arrival."""
    answer_by = working_days_later(case.received_at, council.information_request_days, council.nation)
    return {"council_code": case.council_code, "case_id": case.case_id,
            "information_timeout_seconds": int((answer_by - case.received_at).total_seconds())}


def receive_referral(referral: Referral, council: CouncilConfig, store: CaseStore, questions: QuestionSets,
                     workflows: Workflows, actor: str, now: datetime) -> ReferralReceipt:
    question_set = questions.version(referral.question_set_version)
    if question_set is None:
        raise ReferralRefused([AnswerError("question_set_version", f"the council has no version {referral.question_set_version}")])
    if errors := answer_errors(referral, question_set):
        raise ReferralRefused(errors)
    existing = store.case_for_application(referral.referral_id)
    if existing is not None:
        return _started(store.get(existing), council, workflows, duplicate=True)
    settings = triage_settings(council)
    recommendation = recommend(referral, question_set)
    team = settings.safeguarding_team if recommendation.route is TriageRoute.URGENT else settings.team
    due = add_business_hours(now, settings.routing_target_hours, council.nation)
    case = ReferralCase.open(referral, recommendation, team, due, now)
    audit = AuditEntry(case_id=case.case_id, at=now, actor=actor, action="REFERRAL_RECEIVED",
                       after={"recommendation": recommendation.route.value, "team": team, "routing_due": due.isoformat(),
                              "question_set_version": question_set.version})
    try:
        store.create(case, audit)
    except DuplicateApplication as duplicate:  # the same referral sent twice at the same moment
        return _started(store.get(duplicate.existing_case_id), council, workflows, duplicate=True)
    return _started(case, council, workflows, duplicate=False)


def _started(case: Any, council: CouncilConfig, workflows: Workflows, duplicate: bool) -> ReferralReceipt:
    if not isinstance(case, ReferralCase):
        raise RuntimeError("the referral's marker names a case that is not a referral")
    # Started on every delivery: a repeat after a crash between the write and the start starts it; the execution name
    # (the case id) makes a second start a no-op.
    workflows.start(case.workflow, case.execution_name, workflow_input(case, council))
    return ReferralReceipt(case=case, duplicate=duplicate)


def record_crm_id(store: CaseStore, case_id: str, external_id: str, now: Callable[[], datetime]) -> None:
    """Keep the id of the record the council's CRM opened for the case (conditional, audited). A case that already
    holds an id raises AlreadyDelivered: a repeated delivery, which the connector counts as done."""
    for _ in range(3):  # a concurrent change to the case (a note, a reassignment) is read again
        case = store.get(case_id)
        if not isinstance(case, ReferralCase):
            raise LookupError(f"no referral {case_id}")
        if case.crm_record_id is not None:
            raise AlreadyDelivered(f"case {case_id} already has CRM record {case.crm_record_id}")
        at = now()
        audit = AuditEntry(case_id=case_id, at=at, actor="crm-connector", action="CRM_RECORD_OPENED",
                           after={"crm_record_id": external_id})
        try:
            store.save(case.changed(at, crm_record_id=external_id), expected_version=case.version, audit=audit)
            return
        except StaleVersion:
            continue
    raise StaleVersion(f"case {case_id} kept changing; the delivery is retried")
