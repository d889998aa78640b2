"""My work and the team queue: work queues against the KPI target, saved views, and team leaders' bulk changes.

My work is the engine's home page: the caller's cases of every service the council runs (the assignee queue is one
Query across services), and their teams' queues. The Blue Badge team queue reads one page with the same Query as
GET /cases (shared.services.blue_badge.logic.queues); both take the caller's filter from there. The team
queue's filters are a GET form (a filtered queue is a link that can be kept); its forms for saving a view
and for team leaders' changes post to /queue with the same query string, and the page is shown again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError, ForbiddenError
from aws_lambda_powertools.event_handler.router import Router
from pydantic import ValidationError

from shared.bootstrap import councils, service_store_for, store_for
from shared.core.adapters.case_store import CaseStore, InvalidCursor, StaleVersion
from shared.services.blue_badge.domain.application import ApplicationType, EligibilityCode
from shared.core.domain.case import utcnow
from shared.services.blue_badge.domain.case import Stage
from shared.core.domain.council import CouncilConfig
from shared.core.domain.services import ServiceSpec
from shared.services.blue_badge.domain.kpi import CaseAge, case_age
from shared.services.blue_badge.domain.queue_row import BadgeQueueRow
from shared.core.domain import queue_row
from shared.core.logic.casework import EDITING_ROLES, BulkAssignment, BulkResult, CaseVersion, assign_many, set_priority
from shared.services.blue_badge.logic.queues import ME, QueueNotAllowed, QueueQuery, queue_filter, stage_counts
from shared.core.logic.tenancy import Caller
from web.forms import Errors, errors_from
from web.page import LEADER_ROLES, caller, posted, render_page, require_any
from web.pages.cases import StaffOption, chosen_member, staff_options
from web.saved_views import save_named_view, saved_views_of
from shared.services.blue_badge.domain.settings import badge_settings
from shared.services.blue_badge import SERVICE_KEY
from shared.services.registry import SERVICES

router = Router()

PAGE_SIZE = 25
FILTERS = tuple(QueueQuery.model_fields)
PAGING = ("cursor", "prev")  # this page's cursor, and those of the pages before it (for "Previous")
FRIENDLY = {  # what to say when a filter typed in the address (or a number typed in the form) is not valid
    "older_than_days": "Enter the age in working days as a whole number from 0 to 3650",
    "min_priority": "Enter a priority from 0 to 100",
    "assignee": "Enter an email address, or 'me', of 254 characters or fewer",
}


@dataclass(frozen=True)
class QueueRow:
    case: queue_row.QueueRow  # the case's line as the queue index holds it (not the whole case)
    service: ServiceSpec
    age: CaseAge | None  # None: a case of another service than Blue Badge, whose KPI clock this is
    name: str  # whom the case is about: the applicant (a badge holder, an organisation) or the adult referred
    route: str | None  # a Blue Badge application's eligibility route, in words


def _route(row: queue_row.QueueRow) -> str | None:
    route = getattr(row, "route", None)  # Blue Badge's rows name the eligibility route
    return route.words if route is not None else None


@dataclass
class QueuePage:
    rows: list[QueueRow]
    pagination: dict[str, Any]  # govukPagination's params (empty: one page only)
    number: int


def staff_council(who: Caller) -> CouncilConfig:
    council = councils().get(who.council_code) if who.council_code else None
    if council is None:
        raise ForbiddenError("Work queues are for council staff; your account has no council")
    return council


def council_of(who: Caller) -> tuple[CaseStore, CouncilConfig]:
    """The Blue Badge team queue's store and council."""
    council = staff_council(who)
    store = service_store_for(council.code, SERVICE_KEY)
    if store is None:
        raise NotFoundError("this council does not run Blue Badge")
    return store, council


def params() -> dict[str, list[str]]:
    """The query string, blank values left out."""
    given = router.current_event.multi_value_query_string_parameters or {}
    return {name: [value for value in values if value.strip()] for name, values in given.items() if any(v.strip() for v in values)}


def one(values: dict[str, list[str]], name: str) -> str:
    return values.get(name, [""])[-1].strip()


def read_page(store: CaseStore, council: CouncilConfig, who: Caller, query: QueueQuery, given: dict[str, list[str]],
              link: Callable[[dict[str, list[str]]], str]) -> QueuePage:
    """One page of the queue; `link` makes the address of another page from its paging parameters."""
    now = utcnow()
    cursor, earlier = one(given, "cursor"), given.get("prev", [])
    try:
        rows, next_cursor = store.queue(queue_filter(query, who, council, now), limit=PAGE_SIZE, after=cursor or None)
    except InvalidCursor:  # an old or edited link: start again at the first page
        cursor, earlier = "", []
        rows, next_cursor = store.queue(queue_filter(query, who, council, now), limit=PAGE_SIZE)
    number = len(earlier) + 1
    pagination: dict[str, Any] = {}
    if cursor:  # "-" in the trail stands for the first page, whose cursor is empty
        pagination["previous"] = {"href": link({"cursor": [_first_page_blank(earlier[-1]) if earlier else ""], "prev": earlier[:-1]}),
                                  "labelText": f"Page {number - 1}"}
    if next_cursor:
        pagination["next"] = {"href": link({"cursor": [next_cursor], "prev": [*earlier, cursor or "-"]}), "labelText": f"Page {number + 1}"}
    today = now.date()
    runs_badges = council.runs(SERVICE_KEY)  # the KPI clock is Blue Badge's: other services' cases (My work) have none
    return QueuePage([QueueRow(row, SERVICES.get(row.service),
                               case_age(row, council, today) if runs_badges and isinstance(row, BadgeQueueRow) else None,
                               row.name, _route(row))
                      for row in rows], pagination, number)


def _first_page_blank(cursor: str) -> str:
    return "" if cursor == "-" else cursor


def target_text(council: CouncilConfig) -> str:
    return (f"Target: a decision within {badge_settings(council).kpi.days_to_decision} working days of receiving a complete application, "
            f"{badge_settings(council).kpi.days_to_decision_automatic} for the automatic routes (PIP, DLA, Armed Forces Compensation "
            "Scheme, War Pensioners' Mobility Supplement, and blind or partially sighted).")


# ------------------------------------------------------------------ My work
@router.get("/")
def my_work() -> Response:
    who = caller(router)
    if who.council_code is None:
        return render_page(router, "work.html", title="My work", page=None, target=None)
    council = staff_council(who)
    # The council's unscoped store: the caller's queue is one Query over the cases of every service.
    page = read_page(store_for(council.code), council, who, QueueQuery(assignee=ME), params(),
                     lambda paging: "/?" + urlencode(paging, doseq=True))
    return render_page(router, "work.html", title="My work", page=page,
                       target=target_text(council) if council.runs(SERVICE_KEY) else None,
                       overdue=sum(bool(row.age and row.age.overdue) for row in page.rows),
                       services=[service for service in SERVICES if council.runs(service.key)], teams=team_queues(council, who))


def team_queues(council: CouncilConfig, who: Caller) -> list[tuple[str, list[tuple[str, str]]]]:
    """The caller's teams by name, each with (service name, link) for the queues of its cases in the services run."""
    return [(team.name, [(spec.name, spec.team_queue_path.format(team=team.key)) for spec in SERVICES
                         if council.runs(spec.key) and team.key in council.settings_for(spec.key).queued_teams()])
            for team in council.teams if team.key in who.teams]


# ------------------------------------------------------------------ Team queue
def filter_values(given: dict[str, list[str]]) -> dict[str, str]:
    return {name: one(given, name) for name in FILTERS if one(given, name)}


def team_queue(store: CaseStore, council: CouncilConfig, who: Caller, *, errors: Errors | None = None,
               banner: dict[str, Any] | None = None, results: list[dict[str, str]] | None = None,
               posted_values: dict[str, str] | None = None, ticked: list[str] | None = None) -> Response:
    given = params()
    values = filter_values(given)
    errors = errors or Errors()
    counts = stage_counts(store)
    if not values.get("stage") and not values.get("assignee"):
        # No stage chosen: the first stage (in workflow order) where cases wait.
        values["stage"] = next((stage.value for stage, count in counts if count), Stage.DECISION.value)
    page = None
    try:
        query = QueueQuery.model_validate(values)
        page = read_page(store, council, who, query, given,
                         lambda paging: "/queue?" + urlencode({**{name: [value] for name, value in values.items()}, **paging}, doseq=True))
    except ValidationError as error:
        for field_id, message in errors_from(error).by_field.items():
            errors.add(field_id, FRIENDLY.get(field_id, message))
    except QueueNotAllowed as refused:
        errors.add(refused.field, str(refused))
    return render_page(
        router, "queue/team.html", title="Team queue", errors=errors, banner=banner, results=results,
        staff=_staff(council, values) if who.has_any(*LEADER_ROLES) else [],
        values=values, posted_values=posted_values or {}, ticked=ticked or [], counts=counts, page=page, target=target_text(council),
        action="/queue" + (f"?{urlencode(given, doseq=True)}" if given else ""),
        views=saved_views_of().list(who.user), leader=who.has_any(*LEADER_ROLES),
        stages=list(Stage), application_types=list(ApplicationType), routes=list(EligibilityCode), teams=council.teams,
    )


@router.get("/queue")
def show_team_queue() -> Response:
    who = caller(router)
    return team_queue(*council_of(who), who)


@router.post("/queue")
def change_team_queue() -> Response:
    """Save or delete a view, or (team leaders) reassign or reprioritise the cases ticked."""
    who = caller(router)
    store, council = council_of(who)
    action = posted(router).get("action")
    if action in ("reassign", "priority"):
        return bulk_change(store, council, who, action)
    if action == "save-view":
        return save_view(store, council, who)
    if action == "delete-view":
        name = posted(router).get("view")
        saved_views_of().delete(who.user, name)
        return team_queue(store, council, who, banner={"text": f"Deleted the view ‘{name}’", "success": True})
    return team_queue(store, council, who)


def save_view(store: CaseStore, council: CouncilConfig, who: Caller) -> Response:
    name = posted(router).get("view-name")
    errors = save_named_view(saved_views_of(), who.user, name, urlencode(filter_values(params())))
    if errors:
        return team_queue(store, council, who, errors=errors, posted_values={"view-name": name})
    return team_queue(store, council, who, banner={"text": f"Saved the view ‘{name}’", "success": True})


RESULT_TEXT = {404: "Not found: no such case in your council", 409: "Not changed: someone else changed the case after this page was loaded"}


def bulk_change(store: CaseStore, council: CouncilConfig, who: Caller, action: str) -> Response:
    require_any(router, *LEADER_ROLES, doing="Reassigning cases or changing their priority")
    form = posted(router)
    errors = Errors()
    selected = _selected_cases(form.all("cases"), errors)
    assignee, priority = form.get("assignee"), form.get("priority")
    if action == "reassign":
        person = chosen_member(form, _staff(council, filter_values(params())), errors, "assignee-to", "Choose who to give the cases to")
        if person is not None and selected:
            try:
                request = BulkAssignment(assignee=person, cases=selected)
            except ValidationError as error:
                errors = errors_from(error, {"assignee": "assignee-to", "cases": "cases"})
    elif not priority.isdigit() or not 0 <= int(priority) <= 100:
        errors.add("priority", "Enter a priority from 0 to 100")
    if errors:
        return team_queue(store, council, who, errors=errors, posted_values={"assignee": assignee, "priority": priority},
                          ticked=form.all("cases"))
    now = utcnow()
    if action == "reassign":
        results = assign_many(store, request, who, now)
        done = f"reassigned to {request.assignee}"
    else:
        results = [_priority_result(store, item, int(priority), who, now) for item in selected]
        done = f"given priority {priority}"
    changed = sum(result.status == 200 for result in results)
    rows = [{"case_id": result.case_id, "text": done.capitalize() if result.status == 200 else RESULT_TEXT.get(result.status, result.message or "")}
            for result in results]
    banner = {"text": f"{changed} of {len(results)} {'case' if len(results) == 1 else 'cases'} {done}", "success": changed == len(results)}
    return team_queue(store, council, who, banner=banner, results=rows)


def _staff(council: CouncilConfig, filters: dict[str, str]) -> list[StaffOption]:
    """Whom team leaders may give cases to: the council's staff, the queue's team (when filtered by one) first."""
    return staff_options(council.code, EDITING_ROLES, filters.get("team"))


def _selected_cases(values: list[str], errors: Errors) -> list[CaseVersion]:
    """Ticked rows post 'case id:version' (the version the page showed, so a case changed since is not overwritten)."""
    if not values:
        errors.add("cases", "Select the cases to change")
        return []
    try:
        return [CaseVersion(case_id=case_id, expected_version=version)
                for case_id, _, version in (value.rpartition(":") for value in values)]
    except ValidationError:
        errors.add("cases", "Select the cases again: the page was out of date")
        return []


def _priority_result(store: CaseStore, item: CaseVersion, priority: int, who: Caller, now) -> BulkResult:
    try:
        changed = set_priority(store, item.case_id, priority, item.expected_version, who, now)
    except StaleVersion as error:
        return BulkResult(case_id=item.case_id, status=409, message=str(error))
    return BulkResult(case_id=item.case_id, status=200 if changed else 404)
