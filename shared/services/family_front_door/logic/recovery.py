"""How a contact's workflow is started again after its execution ended badly or vanished, as the engine's recovery and
reconciler read it (shared.core.logic.recovery, shared.core.logic.reconciler).

A restart begins where the contact stands, without asking again for what a person already gave:
- RECEIVED: from the start (Open moves it to the holding area and acknowledges it);
- SCREENING: the team's outcome, if recorded, is carried out; a question recorded but not yet sent is sent; otherwise
  the screening task waits again;
- AWAITING_INFORMATION with the question open: the partner's wait goes on for what is left of their time, from the
  reminder if it is not yet sent and still to come, else after it; once their time is up, straight on as without an
  answer (NoAnswer); with the question answered (its resume was lost): back to screening, as the answer would have.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from shared.core.domain.council import CouncilConfig
from shared.core.domain.recovery import WorkflowRecovery
from shared.services.family_front_door.domain.case import ContactCase, ContactStage
from shared.services.family_front_door.domain.settings import front_door_settings
from shared.services.family_front_door.logic.contacts import workflow_input

SCREENING_WAIT, PARTNER_WAIT, REMINDED_WAIT, NO_ANSWER = "Screening", "AskPartner", "RemindPartner", "NoAnswer"


def resume_at(case: ContactCase, council: CouncilConfig) -> str | None:
    """The workflow state a restart begins at (None: from the start, Open)."""
    question = case.open_request
    match case.stage:
        case ContactStage.RECEIVED:
            return None
        case ContactStage.SCREENING if case.outcome is not None:
            return "Accept" if case.accepted else "Close"  # carried out, an outcome leaves SCREENING: still to do
        case ContactStage.SCREENING if question is not None and question.due is None:
            return PARTNER_WAIT  # asked by the team, not yet sent (a question sent and unanswered has its due time)
        case ContactStage.AWAITING_INFORMATION if question is not None:
            return REMINDED_WAIT if case.reminder_sent_at is not None else PARTNER_WAIT
    return SCREENING_WAIT


def restart_input(case: ContactCase, council: CouncilConfig, now: datetime) -> dict[str, Any]:
    """A partner's wait goes on for the rest of their time (the reminder when it is still to come); past it, NoAnswer."""
    at = resume_at(case, council)
    if at not in (PARTNER_WAIT, REMINDED_WAIT) or case.stage is not ContactStage.AWAITING_INFORMATION or case.information_due is None:
        return {}
    left = int((case.information_due - now).total_seconds())
    if left <= 0:
        return {"resume_at": NO_ANSWER}
    settings = front_door_settings(council)
    window = timedelta(hours=settings.answer_within_hours - settings.reminder_after_hours)
    to_reminder = int((case.information_due - window - now).total_seconds())
    if at == PARTNER_WAIT and to_reminder > 0:
        return {"reminder_after_seconds": to_reminder, "answer_window_seconds": int(window.total_seconds())}
    return {"resume_at": REMINDED_WAIT, "answer_window_seconds": left}


FFD_RECOVERY = WorkflowRecovery(
    wait_states={ContactStage.SCREENING: SCREENING_WAIT, ContactStage.AWAITING_INFORMATION: PARTNER_WAIT},
    resume_at=resume_at,
    workflow_input=workflow_input,
    restart_input=restart_input,
)
