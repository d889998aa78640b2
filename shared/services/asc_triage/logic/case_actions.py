"""The steps a screening officer may take on a referral now (its ServiceSpec's case_actions, the referral page's
buttons). Screening refuses anything else with a reason."""

from __future__ import annotations

from shared.core.domain.services import CaseAction
from shared.core.logic.casework import EDITING_ROLES
from shared.core.logic.tenancy import Caller
from shared.services.asc_triage.domain.case import ReferralCase, ReferralStage

SCREEN = CaseAction("screening", "Screen the referral")


def step_actions(case: ReferralCase, who: Caller) -> list[CaseAction]:
    """Screening, while the referral's workflow waits for it (a referral waiting for its referrer's answer has none)."""
    return [SCREEN] if case.stage is ReferralStage.SCREENING and who.has_any(*EDITING_ROLES) else []
