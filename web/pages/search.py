"""Search (badge number, surname + date of birth, postcode, NI number), and the single view of a person.

The same services as the API's GET /search and GET /cases/{id}/person: one Query on a search key of the
caller's own council table, so another council's people are never found.
"""

from __future__ import annotations

from datetime import date
from http import HTTPStatus

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.router import Router

from shared.adapters.aws import store_for
from shared.domain.badge import is_valid_badge_number, normalise_badge_number
from shared.domain.formats import is_valid_nino, is_valid_postcode
from shared.domain.case import Case
from shared.resources import Role
from shared.service.casework import EDITING_ROLES, visible_case
from shared.service.people import SearchKind, person_view, search
from shared.service.tenancy import Caller
from web.forms import Errors
from web.intake_journey import BADGE_NUMBER_FORMAT, Answers, Field, Kind, read_date
from web.page import render_page, require_any

router = Router()

STAFF_ROLES = (*EDITING_ROLES, Role.READ_ONLY)  # assessors see only the cases referred to them


def _staff(doing: str) -> Caller:
    return require_any(router, *STAFF_ROLES, doing=doing)


# Each kind of search: its input, the message when it is blank, and the check of its format.
SEARCHES = {
    SearchKind.BADGE: ("badge", "Enter a badge number", lambda value: is_valid_badge_number(normalise_badge_number(value)), BADGE_NUMBER_FORMAT),
    SearchKind.NINO: ("nino", "Enter a National Insurance number", is_valid_nino,
                      "Enter a National Insurance number in the correct format, like QQ 12 34 56 C"),
    SearchKind.POSTCODE: ("postcode", "Enter a postcode", is_valid_postcode, "Enter a full UK postcode, like NE1 4XF"),
    SearchKind.PERSON: ("surname", "Enter a last name", lambda value: 2 <= len(value) <= 100, "Last name must be between 2 and 100 characters"),
}
DATE_OF_BIRTH = Field("date-of-birth", "Date of birth", Kind.DATE)


@router.get("/search")
def search_page() -> Response:
    who = _staff("Searching")
    query = Answers({name: [value] for name, value in (router.current_event.query_string_parameters or {}).items()})
    errors, kind, value, results = Errors(), None, "", None
    if "kind" in query.fields:  # a search was asked for (the bare page shows just the form)
        kind, value, born = _read(query, errors)
        if not errors:
            results = search(store_for(who.council_code), kind, value, born)
    return render_page(
        router, "search/search.html", HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK, title="Search",
        query=query, errors=errors, results=results, kind=kind, searched=value, date_field=DATE_OF_BIRTH,
    )


def _read(query: Answers, errors: Errors) -> tuple[SearchKind | None, str, date | None]:
    try:
        kind = SearchKind(query.value("kind"))
    except ValueError:
        errors.add("kind", "Select what to search by")
        return None, "", None
    name, blank, valid, malformed = SEARCHES[kind]
    value = query.value(name)
    if not value:
        errors.add(name, blank)
    elif not valid(value):
        errors.add(name, malformed)
    born = None
    if kind is SearchKind.PERSON:
        born = read_date(query, DATE_OF_BIRTH, errors)
        if born is None and DATE_OF_BIRTH.error_id not in errors.by_field:
            errors.add(DATE_OF_BIRTH.error_id, "Enter a date of birth")
        elif born is not None and born >= date.today():
            errors.add(DATE_OF_BIRTH.error_id, "Date of birth must be in the past")
    return kind, value, born


@router.get("/cases/<case_id>/person")
def person(case_id: str) -> Response:
    who = _staff("Seeing a person's other cases")
    store = store_for(who.council_code)
    case = visible_case(store, case_id, who)
    if case is None:
        raise NotFoundError(f"no case {case_id}")
    view = person_view(store, case)
    return render_page(router, "search/person.html", title=_name_of(case) or case.case_id, case=case, view=view)


def _name_of(case: Case) -> str:
    holder, organisation = case.application.holder, case.application.organisation
    if holder is not None:
        return " ".join(part for part in (holder.title, holder.forenames, holder.surname) if part)
    return organisation.name if organisation else ""
