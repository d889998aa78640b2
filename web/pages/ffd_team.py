"""What the Family Front Door team's pages share: the caller's council (one that runs the service), a contact of it,
the officers of its front-door team, taking a team step on a contact, and the page that says a contact changed while
the form was open.

Every page is for the staff of a council that runs the service. For anyone else, and for an id that is not one of the
council's contacts (another council's, another service's case, or none), they answer as an unknown address does (404):
the contact is looked for in the caller's own council's table only, and found before the caller's role is checked.
A partner's session never reaches them (web/security.py reads staff sessions only outside the portal).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from http import HTTPStatus

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.router import Router
from pydantic import TypeAdapter, ValidationError

from shared.bootstrap import councils, store_for
from shared.core.adapters.case_store import CaseStore, StaleVersion
from shared.core.domain.business_hours import LONDON
from shared.core.domain.case import CASE_ID_PATTERN, ExpectedVersion
from shared.core.domain.council import CouncilConfig
from shared.core.logic.casework import EDITING_ROLES
from shared.core.logic.steps import InvalidStep, StepNotOpen
from shared.core.logic.tenancy import Caller
from shared.resources import Role
from shared.services.family_front_door import SERVICE_KEY
from shared.services.family_front_door.domain.case import ContactCase
from shared.services.family_front_door.domain.settings import front_door_settings
from web.forms import Errors, Form
from web.page import caller, discard_drafts, render_page, require_any
from web.pages.cases import StaffOption, staff_options
from web.rendering import redirect

HOME = "/family-front-door"
CASE_ID = re.compile(CASE_ID_PATTERN)
# Who sees the holding area and contacts (assessors see only cases referred to them: contacts never are).
VIEWING_ROLES = (*EDITING_ROLES, Role.READ_ONLY)
NOT_FOUND = "If you typed the web address, check it is correct."
_VERSION = TypeAdapter(ExpectedVersion)
CHANGED = "This contact has changed since you opened it"
TRY_AGAIN = "Someone else has updated it. Go back to the contact to see the latest version, then try again."
NOT_WAITING = "This contact is not waiting for the team's decision"
MOVED_ON = ("Its outcome is recorded, the partner has been asked a question already, or its workflow has moved it on. "
            "Go back to the contact to see where it is.")


def contact_path(case_id: str) -> str:
    return f"{HOME}/contacts/{case_id}"


def front_door_council(router: Router) -> CouncilConfig:
    """The caller's council, when it runs the Family Front Door; otherwise these pages do not exist for them."""
    who = caller(router)
    council = councils().get(who.council_code) if who.council_code else None
    if council is None or not council.runs(SERVICE_KEY):
        raise NotFoundError(NOT_FOUND)
    return council


def contact_of(store: CaseStore, case_id: str) -> ContactCase:
    """The council's contact (its own table holds only its own cases), or 404."""
    case = store.get(case_id) if CASE_ID.match(case_id) else None
    if not isinstance(case, ContactCase):
        raise NotFoundError(f"There is no contact {case_id}.")
    return case


def acting_on(router: Router, case_id: str, *roles: Role, doing: str) -> tuple[CouncilConfig, CaseStore, ContactCase, Caller]:
    """The council, its store, the contact and the caller for a step on the contact: the contact is found first, so that
    another council's contact is a 404 for every role, then the caller's role is checked (403)."""
    council = front_door_council(router)
    store = store_for(council.code)
    case = contact_of(store, case_id)
    return council, store, case, require_any(router, *roles, doing=doing)


def posted_version(form: Form) -> int | None:
    """The version of the contact the form was rendered with (None: not a form these pages gave)."""
    try:
        return _VERSION.validate_python(form.get("expected_version"))
    except ValidationError:
        return None


def front_door_officers(council: CouncilConfig) -> list[StaffOption]:
    """The officers of the council's front-door team (its staff who work cases, in the service's team): the only people
    a team leader may hand a contact to."""
    return [option for option in staff_options(council.code, EDITING_ROLES, front_door_settings(council).team) if option.in_team]


def done_with(router: Router, case: ContactCase, what: str) -> Response:
    """Back to the contact, with the banner saying what was done; the form's drafts go."""
    discard_drafts(router)
    return redirect(f"{contact_path(case.case_id)}?done={what}")


def take_step(router: Router, case: ContactCase, errors: Errors, what: str, step: Callable[[], ContactCase | None],
              not_open: tuple[str, str] = (NOT_WAITING, MOVED_ON)) -> Response | None:
    """Takes a team step on the contact: back to it with a banner when done; the "has changed" page when it changed
    meanwhile or the step is no longer open (`not_open`: its title and message); None when the service refused it (its
    reason added to `errors`)."""
    try:
        done = step()
    except InvalidStep as refused:
        errors.add(refused.field, refused.message[:1].upper() + refused.message[1:])
        return None
    except StaleVersion:
        return changed_page(router, case, CHANGED, TRY_AGAIN)
    except StepNotOpen:
        return changed_page(router, case, *not_open)
    if done is None:
        raise NotFoundError(f"There is no contact {case.case_id}.")
    return done_with(router, case, what)


def changed_page(router: Router, case: ContactCase, title: str, message: str) -> Response:
    return render_page(router, "error.html", status=HTTPStatus.CONFLICT, title=title, message=message,
                       caption=f"Contact {case.case_id}", back_href=contact_path(case.case_id), back_text="Go back to the contact")


def london(moment: datetime | None) -> datetime | None:
    """A stored (UTC) time as UK time, for the pages."""
    return moment.astimezone(LONDON) if moment else None
