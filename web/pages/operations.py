"""The queues the API has and caseworkers had no page for: parked applications (open one with its reasons beside the
fields, correct it, replay it), badges the printer rejected (to correct and order again), and cases needing attention.

Each goes through the same service calls as the API (`IntakeService.open_parked` / `replay`, `BadgeStore.rejected_badges`
with the case page's reorder step, the reconciler's flagged cases) with the same roles; everything is read from the
caller's own council table, so another council's parked id answers 404 like one that does not exist.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.router import Router

from shared.bootstrap import badge_store_for, councils, intake_service, store_for
from shared.core.adapters.case_store import CaseStore, StaleVersion
from shared.core.domain.case import ParkedApplication, ParkedStatus, ParkReason
from shared.core.logic.casework import EDITING_ROLES
from shared.core.logic.reconciler import cases_needing_attention
from shared.core.logic.tenancy import Caller
from shared.resources import Role
from shared.services.blue_badge.logic.intake import IntakeStatus, ReplayNotAllowed
from shared.services.registry import SERVICES
from web.forms import Errors
from web.page import caller, posted, render_page, require_any
from web.rendering import redirect

router = Router()

STAFF_ROLES = (*EDITING_ROLES, Role.READ_ONLY)  # council staff other than assessors, as the API's badge routes
PAGE_SIZE = 25
PARKED_ID = re.compile(r"^P-[0-9A-F-]{6,40}$")  # as the API's path parameter
FIELD_PREFIX = "field."  # a form input per value of the parked payload: "field.holder.address.postcode"
JSON_FIELD = "payload-json"
# Beyond this many values the form would be too long to use (and to post): the payload is corrected as JSON.
MAX_FORM_FIELDS = 150
WHOLE_APPLICATION = "(application)"


@dataclass(frozen=True)
class PayloadField:
    """One value of a parked payload as the correction form shows it, with the reason it was parked beside it."""

    path: str  # dotted, list items by position: "evidence.0.key"
    value: str  # as typed in the input: strings as they are, other values as JSON
    reason: str | None

    @property
    def input_id(self) -> str:
        return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.path)

    @property
    def name(self) -> str:
        return FIELD_PREFIX + self.path


# ---------------------------------------------------------------- the payload as form fields, and back
def _leaves(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every value the payload holds, by dotted path; an empty object or list is a value of its own."""
    if isinstance(value, dict) and value:
        return [leaf for key, item in value.items() for leaf in _leaves(item, f"{path}.{key}" if path else str(key))]
    if isinstance(value, list) and value:
        return [leaf for index, item in enumerate(value) for leaf in _leaves(item, f"{path}.{index}" if path else str(index))]
    return [(path, value)]


def _as_typed(value: Any) -> str:
    """A value as the input shows it: null as blank (a blank input leaves the value out, which reads the same)."""
    return value if isinstance(value, str) else "" if value is None else json.dumps(value)


def payload_fields(payload: Any, reasons: list[ParkReason]) -> tuple[list[PayloadField], list[ParkReason]]:
    """The form's fields (each value, then an empty one for each field a reason says is missing) and the reasons that
    belong to no single value (the application as a whole, or an object within it)."""
    why = {reason.field: reason.message for reason in reasons}
    if not isinstance(payload, dict):
        return [], reasons
    leaves = _leaves(payload)
    paths = {path for path, _ in leaves}
    fields = [PayloadField(path, _as_typed(value), why.get(path)) for path, value in leaves]
    containers = {path.rsplit(".", 1)[0] for path in paths if "." in path}
    missing = [reason for reason in reasons if reason.field not in paths and reason.field not in containers
               and reason.field != WHOLE_APPLICATION and not any(path.startswith(reason.field + ".") for path in paths)]
    fields += [PayloadField(reason.field, "", reason.message) for reason in missing]
    shown = {field.path for field in fields}
    return fields, [reason for reason in reasons if reason.field not in shown]


def _typed_back(text: str, original: Any) -> Any:
    """What was typed, as the payload's value: a string stays a string; anything else is read as JSON where it is JSON."""
    if isinstance(original, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def _set(payload: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    here: Any = payload
    for position, part in enumerate(parts):
        last = position == len(parts) - 1
        if isinstance(here, list) and part.isdigit() and int(part) < len(here):
            if last:
                here[int(part)] = value
            else:
                here = here[int(part)]
        elif isinstance(here, dict):
            if last:
                here[part] = value
            else:
                here = here.setdefault(part, {})
        else:
            return  # a path through a value that is not an object any more: the corrected value above it stands


def _remove(payload: dict[str, Any], path: str) -> None:
    *parents, last = path.split(".")
    here: Any = payload
    for part in parents:
        here = here[int(part)] if isinstance(here, list) and part.isdigit() and int(part) < len(here) else (
            here.get(part) if isinstance(here, dict) else None)
    if isinstance(here, dict):
        here.pop(last, None)


def corrected_payload(payload: Any, form_fields: dict[str, list[str]]) -> dict[str, Any]:
    """The payload with the form's values: a blank field is left out (the application's default applies)."""
    corrected = json.loads(json.dumps(payload)) if isinstance(payload, dict) else {}
    originals = dict(_leaves(payload)) if isinstance(payload, dict) else {}
    for name, values in form_fields.items():
        if not name.startswith(FIELD_PREFIX):
            continue
        path, text = name.removeprefix(FIELD_PREFIX), (values[-1] if values else "").strip()
        if not path:
            continue
        if text:
            _set(corrected, path, _typed_back(text, originals.get(path)))
        else:
            _remove(corrected, path)
    return corrected


# ---------------------------------------------------------------- parked applications
def _parked_store(who: Caller) -> CaseStore:
    """Council staff their council's parked applications; national administrators those of unknown councils (as the API)."""
    if who.national_admin:
        return store_for(None)
    require_any(router, *EDITING_ROLES, doing="Replaying parked applications")
    return store_for(who.council_code)


def _opened(store: CaseStore, parked_id: str) -> ParkedApplication:
    parked = intake_service().open_parked(store, parked_id) if PARKED_ID.match(parked_id) else None
    if parked is None:
        raise NotFoundError(f"no parked application {parked_id}")
    return parked


def _pagination(path: str, cursor: str | None) -> dict[str, Any] | None:
    return {"next": {"href": f"{path}?{urlencode({'cursor': cursor})}"}} if cursor else None


@router.get("/operations")
def operations() -> Response:
    who = require_any(router, *STAFF_ROLES, doing="Seeing the operations queues")
    return render_page(router, "operations/index.html", title="Operations", editor=who.has_any(*EDITING_ROLES))


@router.get("/operations/parked")
def parked_list() -> Response:
    store = _parked_store(caller(router))
    cursor = router.current_event.get_query_string_value("cursor") or None
    try:
        items, next_cursor = store.parked(limit=PAGE_SIZE, after=cursor)
    except ValueError:  # a cursor that is not one of ours
        items, next_cursor = store.parked(limit=PAGE_SIZE)
    return render_page(router, "operations/parked.html", title="Parked applications", parked=items,
                       pagination=_pagination("/operations/parked", next_cursor))


@router.route("/operations/parked/<parked_id>", method=["GET", "POST"])
def parked_one(parked_id: str) -> Response:
    who = caller(router)
    store = _parked_store(who)
    parked = _opened(store, parked_id)
    errors, typed = Errors(), None
    form = posted(router)
    if router.current_event.http_method == "POST" and parked.status is ParkedStatus.PARKED:
        corrected: Any | None = None
        if form.get("action") == "json":
            typed = form.get(JSON_FIELD)
            try:
                corrected = json.loads(typed)
            except ValueError as error:
                errors.add(JSON_FIELD, f"Enter the application as JSON: {error.msg} at line {error.lineno}, column {error.colno}")
        elif form.get("action") == "fields":
            corrected = corrected_payload(parked.payload, form.fields)
        if not errors:
            try:  # the API's replay: as it is (no correction) or corrected; parked again with new reasons if still wrong
                outcome = intake_service().replay(store, parked.parked_id, corrected, actor=who.actor)
            except ReplayNotAllowed as refused:
                errors.add("replay", str(refused))
            except StaleVersion:
                errors.add("replay", "Someone else replayed or corrected this application since you opened it. Check it again")
            else:
                if outcome is None:
                    raise NotFoundError(f"no parked application {parked_id}")
                if outcome.status is not IntakeStatus.PARKED:
                    return redirect(f"/operations/parked/{parked.parked_id}?{urlencode({'done': outcome.status.value})}")
                errors.add("replay", f"Still not a valid application: {len(outcome.reasons)} "
                                     f"problem{'' if len(outcome.reasons) == 1 else 's'} to correct, shown beside the fields")
        parked = _opened(store, parked_id)  # as it stands now (a failed replay keeps the correction and the new reasons)
    fields, general = payload_fields(parked.payload, parked.reasons)
    as_json = len(fields) > MAX_FORM_FIELDS or not isinstance(parked.payload, dict)
    return render_page(router, "operations/parked_one.html", HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
                       title=f"Parked application {parked.parked_id}", parked=parked, fields=[] if as_json else fields,
                       general=general, errors=errors, as_json=as_json, json_field=JSON_FIELD,
                       payload_json=typed if typed is not None else json.dumps(parked.payload, indent=2),
                       done=router.current_event.get_query_string_value("done"))


# ---------------------------------------------------------------- badges the printer rejected
@router.get("/operations/rejected-badges")
def rejected_badges() -> Response:
    who = require_any(router, *STAFF_ROLES, doing="Seeing the badges the printer rejected")
    store = badge_store_for(who.council_code)
    cursor = router.current_event.get_query_string_value("cursor") or None
    try:
        badges, next_cursor = store.rejected_badges(limit=PAGE_SIZE, after=cursor)
    except ValueError:
        badges, next_cursor = store.rejected_badges(limit=PAGE_SIZE)
    return render_page(router, "operations/rejected_badges.html", title="Badges the printer rejected", badges=badges,
                       editor=who.has_any(*EDITING_ROLES), pagination=_pagination("/operations/rejected-badges", next_cursor))


# ---------------------------------------------------------------- cases needing attention
@router.get("/operations/attention")
def attention() -> Response:
    who = require_any(router, *STAFF_ROLES, doing="Seeing the cases that need attention")
    council = councils().get(who.council_code)
    flagged = cases_needing_attention(store_for(who.council_code), council) if council else []
    rows = [(case, SERVICES.for_case(case).case_page(case.case_id)) for case in flagged]
    return render_page(router, "operations/attention.html", title="Cases needing attention", rows=rows)
