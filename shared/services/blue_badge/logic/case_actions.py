"""The steps a caseworker, assessor or team leader may take on a Blue Badge case and its badges now (its ServiceSpec's
case_actions, shown as the case page's buttons). The logic of each step refuses anything else with a reason."""

from __future__ import annotations

from shared.core.domain.services import CaseAction
from shared.core.logic.casework import EDITING_ROLES
from shared.core.logic.tenancy import Caller
from shared.resources import Role
from shared.services.blue_badge.domain.application import ApplicationType
from shared.services.blue_badge.domain.badge import Badge, BadgeStatus
from shared.services.blue_badge.domain.case import INFORMATION_REQUEST_STAGES, BadgeCase, Stage
from shared.services.blue_badge.logic.information import ReceivedItems


def step_actions(case: BadgeCase, who: Caller) -> list[CaseAction]:
    """The stage's own step for this caller, and the other steps open at it (the workflow waits for a person)."""
    editor = who.has_any(*EDITING_ROLES)
    cancellation = case.application.application_type is ApplicationType.CANCEL
    actions: list[CaseAction] = []
    if editor and case.stage is Stage.PROOF_CHECK:
        # Automatic routes: the proof check, approval and order in one go (each still its own audited step).
        actions.append(CaseAction("approve", "Proof confirmed – approve and order"))
        actions.append(CaseAction("proof-check", "Record the proof check"))
    if case.stage is Stage.ASSESSMENT and (editor or (who.has_any(Role.ASSESSOR) and case.referred_to == who.user)):
        actions.append(CaseAction("assessment", "Record the assessment"))
    if editor and case.stage is Stage.ASSESSMENT:
        actions.append(CaseAction("referral", "Refer to an assessor" if not case.referred_to else "Change the referral"))
    if editor and case.stage is Stage.DECISION:
        actions.append(CaseAction("decision", "Decide the application"))
    if editor and case.stage is Stage.AWAITING_PAYMENT:
        actions.append(CaseAction("payment", "Record the payment"))
    if editor and case.stage is Stage.REFUSED and not cancellation:
        actions.append(CaseAction("review-request", "Record a review request"))
    if editor and case.stage is Stage.REVIEW and not (case.decision and case.decision.by == who.user):
        actions.append(CaseAction("review", "Review the refusal"))
    if editor and case.stage in INFORMATION_REQUEST_STAGES and not cancellation:
        actions.append(CaseAction("information-request", "Ask the applicant for information"))
    # Only a waiting workflow can take what arrived (by post or in person); at other stages, ask for it first.
    if editor and case.stage is Stage.AWAITING_INFORMATION and case.task_token and ReceivedItems(case):
        actions.append(CaseAction("information-received", "Record information received"))
    return actions


def badge_actions(badge: Badge, who: Caller) -> list[CaseAction]:
    """What may be done to a badge of the case; the badge's status rules refuse the rest with a reason."""
    if not who.has_any(*EDITING_ROLES):
        return []
    actions = []
    if badge.status is BadgeStatus.REJECT:
        actions.append(CaseAction("reorder", "Correct and order again"))
    if badge.status is BadgeStatus.ISSUED:
        actions.append(CaseAction("replace", "Replace"))
    if badge.status in (BadgeStatus.ISSUED, BadgeStatus.REJECT) or (badge.status is BadgeStatus.ORDERED and badge.batch_id is None):
        actions.append(CaseAction("cancel", "Cancel"))
    return actions
