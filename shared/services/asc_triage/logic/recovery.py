"""How a referral's workflow is started again after its execution ended badly or vanished, as the engine's recovery
and reconciler read it (shared.core.logic.recovery, shared.core.logic.reconciler).

A restart begins where the referral stands, without asking again for what a person already gave:
- RECEIVED: from the start (Open moves it to screening and acknowledges it);
- SCREENING: the officer's decision to route, signpost or close, if recorded, is carried out; otherwise the screening
  task waits again (a decision to ask the referrer is asked again by the officer, since a referral back at SCREENING
  may also be one whose referrer did not answer);
- AWAITING_INFORMATION with the question still open: the referrer is asked again, with the same reply-by date, so the
  link they hold keeps working and their answer still counts (going straight back to screening would throw it away),
  and the workflow waits only for what is left of their time; once that date has passed, straight on as without an
  answer (NoReply: back to screening); with the question answered (its resume was lost): back to screening, as the
  answer would have taken it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.core.domain.council import CouncilConfig
from shared.core.domain.recovery import WorkflowRecovery
from shared.services.asc_triage.domain.case import ReferralCase, ReferralStage, ScreeningOutcome
from shared.services.asc_triage.logic.referrals import workflow_input

SCREENING_WAIT, REFERRER_WAIT, NO_REPLY = "Screening", "AskReferrer", "NoReply"
# The ASL's step for each decision that closes the referral.
STEP_FOR_OUTCOME = {ScreeningOutcome.ROUTE: "Route", ScreeningOutcome.SIGNPOST: "Signpost", ScreeningOutcome.CLOSE: "Close"}


def resume_at(case: ReferralCase, council: CouncilConfig) -> str | None:
    """The workflow state a restart begins at (None: from the start, Open)."""
    match case.stage:
        case ReferralStage.RECEIVED:
            return None
        case ReferralStage.SCREENING if case.screening is not None and case.screening.outcome in STEP_FOR_OUTCOME:
            # Carried out, a closing decision leaves SCREENING: found there, it is still to do.
            return STEP_FOR_OUTCOME[case.screening.outcome]
        case ReferralStage.AWAITING_INFORMATION if case.questions and case.questions[-1].answer is None:
            return REFERRER_WAIT
    return SCREENING_WAIT


def restart_input(case: ReferralCase, council: CouncilConfig, now: datetime) -> dict[str, Any]:
    """A referrer asked again waits only for the rest of their time; one whose time is up is not asked again."""
    if resume_at(case, council) != REFERRER_WAIT or case.information_due is None:
        return {}
    left = int((case.information_due - now).total_seconds())
    return {"information_timeout_seconds": left} if left > 0 else {"resume_at": NO_REPLY}


ASC_RECOVERY = WorkflowRecovery(
    wait_states={ReferralStage.SCREENING: SCREENING_WAIT, ReferralStage.AWAITING_INFORMATION: REFERRER_WAIT},
    resume_at=resume_at,
    workflow_input=workflow_input,
    restart_input=restart_input,
)
