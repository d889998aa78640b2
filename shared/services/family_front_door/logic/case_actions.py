"""The steps the front-door team may take on a contact now (its ServiceSpec's case_actions, the contact page's
buttons): while its workflow waits for the team's decision, asking the partner for more or recording the outcome."""

from __future__ import annotations

from shared.core.domain.services import CaseAction
from shared.core.logic.casework import EDITING_ROLES
from shared.core.logic.tenancy import Caller
from shared.services.family_front_door.domain.case import ContactCase, ContactStage

REQUEST_INFORMATION = CaseAction("request-information", "Ask the partner for more information")
RECORD_OUTCOME = CaseAction("outcome", "Record the outcome")


def step_actions(case: ContactCase, who: Caller) -> list[CaseAction]:
    """A contact waiting for the partner's answer has none: the workflow moves it back when they answer."""
    if case.stage is ContactStage.SCREENING and who.has_any(*EDITING_ROLES):
        return [REQUEST_INFORMATION, RECORD_OUTCOME]
    return []
