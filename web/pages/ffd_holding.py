"""The Family Front Door team's holding area: every contact at a status with its age and response clock in business
hours, the submitter's priority beside the team's level of need, and who holds it; a screening officer takes
responsibility from here or from the contact's page. The filters are a GET form (a chosen view is a link to keep),
below the results."""

from __future__ import annotations

from http import HTTPStatus
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import Router

from shared.bootstrap import store_for
from shared.core.adapters.case_store import StaleVersion
from shared.core.domain.case import utcnow
from shared.core.logic.casework import EDITING_ROLES
from shared.core.logic.steps import StepNotOpen
from shared.services.family_front_door.domain.case import ContactStage
from shared.services.family_front_door.domain.settings import front_door_settings
from shared.services.family_front_door.logic.contacts import take_responsibility
from shared.services.family_front_door.logic.dashboard import STATUS_NAMES
from shared.services.family_front_door.logic.holding_area import (
    HOLDING_STATUSES,
    holding_area,
    level_views,
)
from web.forms import Errors
from web.page import posted, render_page, require_any
from web.pages.asc_screening import pagination
from web.pages.ffd_team import (
    HOME,
    VIEWING_ROLES,
    acting_on,
    changed_page,
    contact_path,
    front_door_council,
    london,
    posted_version,
)
from web.rendering import redirect

router = Router()

PAGE_SIZE = 25
STATUS_COLOURS = {ContactStage.SCREENING: "blue", ContactStage.AWAITING_INFORMATION: "yellow", ContactStage.ACCEPTED: "green",
                  ContactStage.CLOSED: "grey", ContactStage.RECEIVED: "grey"}


def _query() -> dict[str, list[str]]:
    given = router.current_event.multi_value_query_string_parameters or {}
    return {name: [value.strip() for value in values if value.strip()] for name, values in given.items()}


def _one(given: dict[str, list[str]], name: str) -> str:
    return (given.get(name) or [""])[-1]


@router.get(HOME)
def holding() -> Response:
    council = front_door_council(router)
    who = require_any(router, *VIEWING_ROLES, doing="Seeing the holding area")
    given = _query()
    levels = level_views(council)
    values = {"status": _one(given, "status") or ContactStage.SCREENING.value, "level": _one(given, "level")}
    errors = Errors()
    if values["status"] not in {status.value for status in HOLDING_STATUSES}:
        errors.add("status", "Select a status from the list")
    if values["level"] and values["level"] not in levels:
        errors.add("level", "Select a level of need from the list")
    found, pages, number = None, {}, 1
    if not errors:
        earlier = given.get("prev", [])
        found = holding_area(store_for(council.code), council, ContactStage(values["status"]), values["level"] or None,
                             utcnow(), PAGE_SIZE, _one(given, "cursor"))
        if not found.cursor:
            earlier = []
        chosen = {name: [value] for name, value in values.items() if value}
        pages = pagination(found.cursor, earlier, found.next_cursor, lambda paging: f"{HOME}?" + urlencode({**chosen, **paging}, doseq=True))
        number = len(earlier) + 1
    return render_page(
        router, "ffd_team/holding.html", status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK, title="Holding area",
        errors=errors, values=values, found=found, pagination=pages, number=number, statuses=HOLDING_STATUSES,
        status_names=STATUS_NAMES, status_colours=STATUS_COLOURS, levels=levels, settings=front_door_settings(council),
        can_take=who.has_any(*EDITING_ROLES), user=who.user, london=london,
    )


# ---------------------------------------------------------------- taking responsibility
@router.route(f"{HOME}/contacts/<case_id>/responsibility", method=["GET", "POST"])
def responsibility(case_id: str) -> Response:
    """A screening officer takes responsibility for the contact (from the holding area or the contact's page; this page
    asks first, and shows what was wrong). Taking it from someone else who holds it is allowed: the history says so."""
    council, store, case, who = acting_on(router, case_id, *EDITING_ROLES, doing="Taking responsibility for a contact")
    form, errors = posted(router), Errors()
    if router.current_event.http_method == "POST":
        version = posted_version(form)
        if version is None:
            return changed_page(router, case, "This contact has changed since you opened it",
                                "Go back to the contact to see the latest version, then try again.")
        try:
            take_responsibility(store, council, case.case_id, version, who, utcnow())
        except StaleVersion:
            return changed_page(router, case, "This contact has changed since you opened it",
                                "Someone else has updated it. Go back to the contact to see the latest version, then try again.")
        except StepNotOpen:
            errors.add("expected_version", "The contact has its outcome: nobody can take responsibility for it now")
        else:
            return redirect(f"{contact_path(case.case_id)}?done=responsibility")
    return render_page(router, "ffd_team/responsibility.html", status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
                       title="Take responsibility for this contact", case=case, errors=errors, values=form,
                       back=contact_path(case.case_id))
