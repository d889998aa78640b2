"""Search (badge number, surname + date of birth, postcode, NI number), and the single view of a person.

Searches are posted and their results shown after a redirect to an opaque id (Post/Redirect/Get): nothing searched
for appears in a URL, and Back from a case opened in the results shows the results again.

The same services as the API's GET /search and GET /cases/{id}/person: one Query on a search key of the
caller's own council table, so another council's people are never found.
"""

from __future__ import annotations

import re
from datetime import date
from http import HTTPStatus
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.router import Router

from shared.bootstrap import store_for
from shared.services.blue_badge.domain.badge import is_valid_badge_number, normalise_badge_number
from shared.core.domain.formats import is_valid_nino, is_valid_postcode
from shared.core.domain.case import CASE_ID_PATTERN, Case
from shared.services.blue_badge import SERVICE_KEY as BLUE_BADGE
from shared.services.registry import SERVICES
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
QUICK_FIELD = "q"  # the header's search box (layout.html): whatever identifies a case, recognised by its shape
QUICK_SEARCH_PATH = "/search/quick"
QUICK_BLANK = "Enter a badge number, National Insurance number, postcode or case reference"
QUICK_UNRECOGNISED = ("Enter a badge number (like 1A2B3C), National Insurance number (like QQ 12 34 56 C), postcode (like NE1 4XF) "
                      "or case reference (like NORTHSHIRE-260301-ABC234)")
# What a search keeps: its kind and the inputs of the search forms (or the header's box), nothing else that was posted.
SEARCH_FIELDS = frozenset({"kind", QUICK_FIELD, *(name for name, *_ in SEARCHES.values()),
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
    if query.value(QUICK_FIELD):
        return _search_page(query, errors, searched=query.value(QUICK_FIELD), results=_quick_results(who, query.value(QUICK_FIELD)))
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


@router.post(QUICK_SEARCH_PATH)
def quick_search() -> Response:
    """The header's box: a case reference opens that case (or referral); a badge number, NI number or postcode finds
    the cases it belongs to, opening the case where there is one only. In the caller's own council's table only."""
    who = _staff("Searching")
    typed = posted(router).get(QUICK_FIELD)
    kinds = recognised(typed)
    if kinds is None:
        errors = Errors({QUICK_FIELD: QUICK_BLANK if not typed else QUICK_UNRECOGNISED})
        return _search_page(Answers({QUICK_FIELD: [typed]}), errors, HTTPStatus.BAD_REQUEST, quick=typed)
    if not kinds:
        case = visible_case(store_for(who.council_code), typed.upper(), who) if CASE_ID.match(typed.upper()) else None
        if case is not None:
            return redirect(SERVICES.for_case(case).case_page(case.case_id))
    else:
        results = _quick_results(who, typed)
        if len(results) == 1:
            return redirect(f"/cases/{results[0].case_id}")
    search_id = saved_searches().save(who.user, {QUICK_FIELD: [typed]})
    return redirect(f"/search?{urlencode({RESULTS_PARAMETER: search_id})}")


CASE_ID = re.compile(CASE_ID_PATTERN)


def recognised(typed: str) -> list[SearchKind] | None:
    """The searches `typed` fits (a badge number and a postcode can look alike: both are run); [] for a case reference
    (council-date-code, the only one with dashes); None when it fits none."""
    value = typed.strip()
    if not value:
        return None
    if "-" in value:
        return [] if CASE_ID.match(value.upper()) else None
    kinds = [kind for kind in (SearchKind.BADGE, SearchKind.NINO, SearchKind.POSTCODE) if SEARCHES[kind][2](value)]
    return kinds or None


def _quick_results(who: Caller, typed: str) -> list[CaseSummary]:
    """Every case the header's box finds: by each kind of search it fits, or the one case it names."""
    store = store_for(who.council_code)
    kinds = recognised(typed)
    if kinds is None:
        return []
    if not kinds:
        case = visible_case(store, typed.strip().upper(), who)
        return [CaseSummary.of(case)] if case is not None and SERVICES.for_case(case).key == BLUE_BADGE else []
    found = {summary.case_id: summary for kind in kinds for summary in search(store, kind, typed)}
    return sorted(found.values(), key=lambda summary: summary.received_at, reverse=True)


def _search_page(query: Answers, errors: Errors, status: HTTPStatus = HTTPStatus.OK, *, expired: bool = False,
                 kind: SearchKind | None = None, searched: str = "", results: list[CaseSummary] | None = None,
                 quick: str | None = None) -> Response:
    """`quick`: what was typed into the header's box, shown there again (with its error, if any)."""
    return render_page(
        router, "search/search.html", status, title="Search results" if results is not None else "Search", query=query, errors=errors,
        results=results, kind=kind, searched=searched, date_field=DATE_OF_BIRTH, expired=expired, quick=quick,
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
