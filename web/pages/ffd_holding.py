"""The Family Front Door team's holding area: every contact at a status with its age and response clock in business
hours, the submitter's priority beside the team's level of need, and who holds it; a screening officer takes
responsibility from here or from the contact's page, and a team leader may hand a contact to an officer of the team.
The filters are a GET form (a chosen view is a link to keep), below the results, with the person's saved views (named
filter sets, web/saved_views.py, kept apart from their team queue views)."""

from __future__ import annotations

from functools import partial
from http import HTTPStatus
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import BadRequestError
from aws_lambda_powertools.event_handler.router import Router

from shared.bootstrap import store_for
from shared.core.domain.case import utcnow
from shared.core.domain.council import CouncilConfig
from shared.core.logic.casework import EDITING_ROLES
from shared.core.logic.tenancy import Caller
from shared.services.family_front_door import SERVICE_KEY
from shared.services.family_front_door.domain.case import ContactStage
from shared.services.family_front_door.domain.settings import front_door_settings
from shared.services.family_front_door.logic.contacts import hand_to_officer, take_responsibility
from shared.services.family_front_door.logic.dashboard import STATUS_NAMES
from shared.services.family_front_door.logic.holding_area import (
    HOLDING_STATUSES,
    holding_area,
    level_views,
)
from web.forms import Errors
from web.page import LEADER_ROLES, posted, render_page, require_any
from web.pages.asc_screening import pagination
from web.pages.cases import chosen_member
from web.saved_views import save_named_view, saved_views_of
from web.pages.ffd_team import (
    CHANGED,
    HOME,
    TRY_AGAIN,
    VIEWING_ROLES,
    acting_on,
    changed_page,
    contact_path,
    front_door_council,
    front_door_officers,
    london,
    posted_version,
    take_step,
)

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
    return _holding_page(council, who)


@router.post(HOME)
def change_saved_views() -> Response:
    """Save the filters shown as a view, or delete a view; the holding area is shown again, with its filters."""
    council = front_door_council(router)
    who = require_any(router, *VIEWING_ROLES, doing="Seeing the holding area")
    form = posted(router)
    name, views = form.get("view-name"), saved_views_of(SERVICE_KEY)
    if form.get("action") == "delete-view":
        views.delete(who.user, form.get("view"))
        return _holding_page(council, who, banner=("View deleted", f"Deleted the view ‘{form.get('view')}’"))
    if form.get("action") != "save-view":
        raise BadRequestError("Choose to save or delete a view")
    errors = save_named_view(views, who.user, name, urlencode(_filters(_query())))
    if errors:
        return _holding_page(council, who, errors, view_name=name)
    return _holding_page(council, who, banner=("View saved", f"Saved the view ‘{name}’"))


def _filters(given: dict[str, list[str]]) -> dict[str, str]:
    """The holding area's filters as given (the status shown when none is: the contacts waiting for screening)."""
    return {"status": _one(given, "status") or ContactStage.SCREENING.value, "level": _one(given, "level")}


def _holding_page(council: CouncilConfig, who: Caller, errors: Errors | None = None, banner: tuple[str, str] | None = None,
                  view_name: str = "") -> Response:
    given = _query()
    levels = level_views(council)
    values = _filters(given)
    errors = errors or Errors()
    if values["status"] not in {status.value for status in HOLDING_STATUSES}:
        errors.add("status", "Select a status from the list")
    if values["level"] and values["level"] not in levels:
        errors.add("level", "Select a level of need from the list")
    chosen = {name: [value] for name, value in values.items() if value}
    found, pages, number = None, {}, 1
    if not errors.by_field.keys() & {"status", "level"}:
        earlier = given.get("prev", [])
        found = holding_area(store_for(council.code), council, ContactStage(values["status"]), values["level"] or None,
                             utcnow(), PAGE_SIZE, _one(given, "cursor"))
        if not found.cursor:
            earlier = []
        pages = pagination(found.cursor, earlier, found.next_cursor, lambda paging: f"{HOME}?" + urlencode({**chosen, **paging}, doseq=True))
        number = len(earlier) + 1
    return render_page(
        router, "ffd_team/holding.html", status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK, title="Holding area",
        errors=errors, values=values, found=found, pagination=pages, number=number, statuses=HOLDING_STATUSES,
        status_names=STATUS_NAMES, status_colours=STATUS_COLOURS, levels=levels, settings=front_door_settings(council),
        can_take=who.has_any(*EDITING_ROLES), user=who.user, london=london, banner=banner,
        views=saved_views_of(SERVICE_KEY).list(who.user), view_name=view_name, action=f"{HOME}?" + urlencode(chosen, doseq=True),
    )


# ---------------------------------------------------------------- taking responsibility, or handing it to an officer
NOBODY_NOW = ("This contact is closed", "Its outcome is recorded, so nobody can take responsibility for it now. "
              "Go back to the contact to see it.")


@router.route(f"{HOME}/contacts/<case_id>/responsibility", method=["GET", "POST"])
def responsibility(case_id: str) -> Response:
    """A screening officer takes responsibility for the contact (from the holding area or the contact's page; this page
    asks first, and shows what was wrong). A team leader may instead hand it to an officer of the front-door team,
    picked from a list (`give`). Taking it from someone else who holds it is allowed: the history says so."""
    council, store, case, who = acting_on(router, case_id, *EDITING_ROLES, doing="Taking responsibility for a contact")
    leader = who.has_any(*LEADER_ROLES)
    form, errors = posted(router), Errors()
    if router.current_event.http_method == "POST":
        version = posted_version(form)
        if version is None:
            return changed_page(router, case, CHANGED, TRY_AGAIN)
        handing = leader and form.get("give") == "yes"
        if handing:
            officers = front_door_officers(council)
            officer = chosen_member(form, officers, errors, blank="Choose who to hand the contact to")
            listed = {option.email for option in officers}
            step = partial(hand_to_officer, store, council, case.case_id, version, officer, who, utcnow(),
                           is_officer=listed.__contains__)
        else:
            step = partial(take_responsibility, store, council, case.case_id, version, who, utcnow())
        if not errors:
            taken = take_step(router, case, errors, "handed" if handing else "responsibility", step, not_open=NOBODY_NOW)
            if taken is not None:
                return taken
    return render_page(router, "ffd_team/responsibility.html", status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
                       title="Take responsibility for this contact", case=case, errors=errors, values=form,
                       officers=front_door_officers(council) if leader else [], back=contact_path(case.case_id))
