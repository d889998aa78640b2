"""Search (badge number, surname + date of birth, postcode, NI number), and the single view of a person.

Searches are posted and their results shown after a redirect to an opaque id (Post/Redirect/Get): nothing searched
for appears in a URL, and Back from a case opened in the results shows the results again.

The same services as the API's GET /search and GET /cases/{id}/person: one Query on a search key of the
caller's own council table, so another council's people are never found.
"""

from __future__ import annotations

from datetime import date
from http import HTTPStatus
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.router import Router

from shared.bootstrap import store_for
from shared.services.blue_badge.domain.badge import is_valid_badge_number, normalise_badge_number
from shared.core.domain.formats import is_valid_nino, is_valid_postcode
from shared.core.domain.case import Case
from shared.resources import Role
from shared.core.logic.casework import EDITING_ROLES, visible_case
from shared.services.blue_badge.logic.people import CaseSummary, SearchKind, person_view, search
from shared.core.logic.tenancy import Caller
from web.forms import Errors
from web.intake_journey import BADGE_NUMBER_FORMAT, Answers, Field, Kind, read_date
from web.page import posted, render_page, require_any
from web.rendering import redirect
from web.security import saved_searches

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
RESULTS_PARAMETER = "results"  # /search?results=<id>: an opaque id of a search kept server-side (SearchStore)
# What a search keeps: its kind and the inputs of the search forms, nothing else that was posted.
SEARCH_FIELDS = frozenset({"kind", *(name for name, *_ in SEARCHES.values()),
                           *(f"{DATE_OF_BIRTH.name}-{part}" for part in ("day", "month", "year"))})


@router.get("/search")
def search_page() -> Response:
    """The search forms; with ?results=<id> (where a search redirects), that search's results, fetched afresh."""
    who = _staff("Searching")
    search_id = (router.current_event.query_string_parameters or {}).get(RESULTS_PARAMETER)
    if search_id is None:
        return _search_page(Answers(), Errors())
    fields = saved_searches().load(who.user, search_id)
    if fields is None:
        return _search_page(Answers(), Errors(), expired=True)
    query, errors = Answers(fields), Errors()
    kind, value, born = _read(query, errors)  # checked when it was posted; read again the same way
    results = None if errors else search(store_for(who.council_code), kind, value, born)
    return _search_page(query, errors, kind=kind, searched=value, results=results)


@router.post("/search")
def run_search() -> Response:
    """Posted, so what was searched for stays out of every URL: keep it server-side and redirect to its results."""
    who = _staff("Searching")
    query = Answers({name: values for name, values in posted(router).fields.items() if name in SEARCH_FIELDS})
    errors = Errors()
    _read(query, errors)
    if errors:
        return _search_page(query, errors, HTTPStatus.BAD_REQUEST)
    search_id = saved_searches().save(who.user, query.fields)
    return redirect(f"/search?{urlencode({RESULTS_PARAMETER: search_id})}")


def _search_page(query: Answers, errors: Errors, status: HTTPStatus = HTTPStatus.OK, *, expired: bool = False,
                 kind: SearchKind | None = None, searched: str = "", results: list[CaseSummary] | None = None) -> Response:
    return render_page(
        router, "search/search.html", status, title="Search", query=query, errors=errors, results=results, kind=kind,
        searched=searched, date_field=DATE_OF_BIRTH, expired=expired,
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
