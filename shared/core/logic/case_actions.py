"""What a person may do to a case now, as its page offers it: the engine's own steps and its service's. The logic of each
step refuses anything else; this only decides which buttons to show."""

from __future__ import annotations

from shared.core.domain.case import Case
from shared.core.domain.services import CaseAction
from shared.core.logic.tenancy import Caller
from shared.resources import Role

RESUME_WORKFLOW = CaseAction("recovery", "Resume the workflow")


def actions_on(case: Case, who: Caller) -> list[CaseAction]:
    """While the case's workflow waits for a person, its service's steps; once a stopped workflow flagged the case, only
    a council admin's restart (shared.core.logic.recovery)."""
    from shared.services.registry import SERVICES  # the deployment's services (the registry imports the core)

    if case.task_token is None:
        return [RESUME_WORKFLOW] if case.needs_attention and who.has_any(Role.COUNCIL_ADMIN) else []
    return SERVICES.for_case(case).case_actions(case, who)
