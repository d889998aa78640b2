"""A person's data rights (UK GDPR), for council admins: the subject access export of everything held about a person,
and erasing a person on request, which a second council admin confirms.

Both start from the single view of a person (/cases/<id>/person) and find the person's cases by their search keys in
the caller's own council table, like the single view does (shared/core/logic/lifecycle.py).
"""

from __future__ import annotations

from http import HTTPStatus

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.router import Router

from shared.bootstrap import councils, evidence_files_for, evidence_links_for, store_for
from shared.core.adapters.case_store import StaleVersion
from shared.core.domain.case import Case, utcnow
from shared.core.domain.retention import REQUEST_REASONS, ErasureReason, export_prefix
from shared.resources import Role
from shared.core.logic.casework import visible_case
from shared.core.logic.lifecycle import ErasureRefused, confirm_erasure, export_person, pending_request, person_case_ids, request_erasure
from shared.core.logic.tenancy import Caller
from web.forms import Errors
from web.page import caller as current_caller
from web.page import posted, render_page, require_any
from web.rendering import redirect

router = Router()

def _case_for_admin(case_id: str, doing: str) -> tuple[Caller, Case]:
    """The case first, so that another council's id answers exactly as one that does not exist (404), whatever the role."""
    who = current_caller(router)
    case = visible_case(store_for(who.council_code), case_id, who) if who.council_code else None
    if case is None:
        raise NotFoundError(f"no case {case_id}")
    return require_any(router, Role.COUNCIL_ADMIN, doing=doing), case


@router.get("/cases/<case_id>/person/export")
def export_page(case_id: str) -> Response:
    who, case = _case_for_admin(case_id, "Exporting a person's data")
    return render_page(router, "people/export.html", title="Export everything held about this person", case=case,
                       case_ids=person_case_ids(store_for(who.council_code), case))


@router.post("/cases/<case_id>/person/export")
def make_export(case_id: str) -> Response:
    """The export made, with a short-lived link to download it (the zip never passes through this function's response)."""
    who, case = _case_for_admin(case_id, "Exporting a person's data")
    key = export_person(store_for(who.council_code), evidence_files_for(who.council_code), case, who.actor, utcnow())
    link = evidence_links_for(who.council_code).link(export_prefix(who.council_code), key, "application/zip",
                                                     f"personal-data-{case.case_id}.zip")
    return render_page(router, "people/export_ready.html", title="Export ready", case=case, link=link,
                       days=councils().get(who.council_code).retention.export_days)


@router.get("/cases/<case_id>/person/erase")
def erase_page(case_id: str) -> Response:
    who, case = _case_for_admin(case_id, "Asking for a person's data to be erased")
    if pending_request(store_for(who.council_code), case.case_id, utcnow()) is not None:
        return redirect(f"/cases/{case.case_id}/person/erasure")
    return _erase_form(who, case, Errors())


@router.post("/cases/<case_id>/person/erase")
def ask_for_erasure(case_id: str) -> Response:
    who, case = _case_for_admin(case_id, "Asking for a person's data to be erased")
    try:
        reason = ErasureReason(posted(router).get("reason"))
    except ValueError:
        reason = None
    if reason not in REQUEST_REASONS:
        errors = Errors()
        errors.add("reason", "Select why the person's data is to be erased")
        return _erase_form(who, case, errors, HTTPStatus.BAD_REQUEST)
    try:
        request_erasure(store_for(who.council_code), councils().get(who.council_code), case, reason, who.actor, utcnow())
    except StaleVersion:  # a request made from this case is already waiting: show it
        pass
    return redirect(f"/cases/{case.case_id}/person/erasure")


def _erase_form(who: Caller, case: Case, errors: Errors, status: HTTPStatus = HTTPStatus.OK) -> Response:
    return render_page(router, "people/erase.html", status, title="Ask for this person's data to be erased", case=case,
                       errors=errors, reasons=REQUEST_REASONS, case_ids=person_case_ids(store_for(who.council_code), case),
                       days=councils().get(who.council_code).retention.erasure_request_days)


@router.get("/cases/<case_id>/person/erasure")
def erasure_request(case_id: str) -> Response:
    who, case = _case_for_admin(case_id, "Seeing an erasure request")
    return _request_page(who, case, Errors())


@router.post("/cases/<case_id>/person/erasure")
def confirm(case_id: str) -> Response:
    who, case = _case_for_admin(case_id, "Confirming an erasure")
    request = pending_request(store_for(who.council_code), case.case_id, utcnow())
    try:
        erased = confirm_erasure(store_for(who.council_code), evidence_files_for(who.council_code), case.case_id, who.actor, utcnow())
    except (ErasureRefused, StaleVersion) as refused:
        errors = Errors()
        errors.add("confirm", str(refused))
        return _request_page(who, case, errors, HTTPStatus.CONFLICT)
    return render_page(router, "people/erased.html", title="Personal data erased", request_id=request.request_id, erased=erased)


def _request_page(who: Caller, case: Case, errors: Errors, status: HTTPStatus = HTTPStatus.OK) -> Response:
    request = pending_request(store_for(who.council_code), case.case_id, utcnow())
    if request is None:
        raise NotFoundError(f"no erasure request waiting on case {case.case_id}")
    return render_page(router, "people/request.html", status, title=f"Erasure request {request.request_id}", request=request,
                       case=case, errors=errors, reasons=REQUEST_REASONS, own=request.requested_by == who.actor)
