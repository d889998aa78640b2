"""What the Family Front Door team's pages share: the caller's council (one that runs the service), a contact of it,
and the page that says a contact changed while the form was open.

Every page is for the staff of a council that runs the service. For anyone else, and for an id that is not one of the
council's contacts (another council's, another service's case, or none), they answer as an unknown address does (404):
the contact is looked for in the caller's own council's table only, and found before the caller's role is checked.
A partner's session never reaches them (web/security.py reads staff sessions only outside the portal).
"""

from __future__ import annotations

import re
from datetime import datetime
from http import HTTPStatus

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.router import Router
from pydantic import TypeAdapter, ValidationError

from shared.bootstrap import councils, store_for
from shared.core.adapters.case_store import CaseStore
from shared.core.domain.business_hours import LONDON
from shared.core.domain.case import CASE_ID_PATTERN, ExpectedVersion
from shared.core.domain.council import CouncilConfig
from shared.core.logic.casework import EDITING_ROLES
from shared.core.logic.tenancy import Caller
from shared.resources import Role
from shared.services.family_front_door import SERVICE_KEY
from shared.services.family_front_door.domain.case import ContactCase
from web.forms import Form
from web.page import caller, render_page, require_any

HOME = "/family-front-door"
CASE_ID = re.compile(CASE_ID_PATTERN)
# Who sees the holding area and contacts (assessors see only cases referred to them: contacts never are).
VIEWING_ROLES = (*EDITING_ROLES, Role.READ_ONLY)
NOT_FOUND = "If you typed the web address, check it is correct."
_VERSION = TypeAdapter(ExpectedVersion)


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


def changed_page(router: Router, case: ContactCase, title: str, message: str) -> Response:
    return render_page(router, "error.html", status=HTTPStatus.CONFLICT, title=title, message=message,
                       caption=f"Contact {case.case_id}", back_href=contact_path(case.case_id), back_text="Go back to the contact")


def london(moment: datetime | None) -> datetime | None:
    """A stored (UTC) time as UK time, for the pages."""
    return moment.astimezone(LONDON) if moment else None
