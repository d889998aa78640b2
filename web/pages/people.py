"""A person's applications: linking two open ones as duplicates, or withdrawing one (caseworkers, team leaders and
council admins); and a person's data rights (UK GDPR), for council admins: the subject access export of everything
held about a person, and erasing a person on request, which a second council admin confirms.

Both start from the single view of a person (/cases/<id>/person) and find the person's cases by their search keys in
the caller's own council table, like the single view does (shared/core/logic/lifecycle.py).
"""

from __future__ import annotations

from http import HTTPStatus

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.router import Router
from pydantic import ValidationError

from shared.bootstrap import councils, evidence_files_for, evidence_links_for, store_for, workflows
from shared.core.adapters.case_store import StaleVersion
from shared.core.domain.case import Case, utcnow
from shared.core.domain.retention import REQUEST_REASONS, ErasureReason, export_prefix
from shared.resources import Role
from shared.core.domain.duplicates import DuplicateRefused, is_open, linked_duplicates
from shared.core.logic.casework import EDITING_ROLES, visible_case
from shared.core.logic.duplicates import link_duplicate
from shared.core.logic.steps import InvalidStep
from shared.services.blue_badge.domain.case import WITHDRAWABLE_STAGES
from shared.services.blue_badge.logic.people import person_view
from shared.services.blue_badge.logic.withdrawal import WithdrawalInput, withdraw_case
from shared.core.logic.lifecycle import ErasureRefused, confirm_erasure, export_person, pending_request, person_case_ids, request_erasure
from shared.core.logic.tenancy import Caller
from web.forms import Errors
from web.page import caller as current_caller
from web.page import posted, render_page, require_any
from web.pages.cases import done_path
from web.rendering import redirect

router = Router()

def _case_for(case_id: str, doing: str, *roles: Role) -> tuple[Caller, Case]:
    """The case first, so that another council's id answers exactly as one that does not exist (404), whatever the role."""
    who = current_caller(router)
    case = visible_case(store_for(who.council_code), case_id, who) if who.council_code else None
    if case is None:
        raise NotFoundError(f"no case {case_id}")
    return require_any(router, *roles, doing=doing), case


def _case_for_admin(case_id: str, doing: str) -> tuple[Caller, Case]:
    return _case_for(case_id, doing, Role.COUNCIL_ADMIN)


# ---------------------------------------------------------------- duplicates: link them, or withdraw one
DUPLICATE_FIELD = "duplicate-of"


@router.route("/cases/<case_id>/duplicate", method=["GET", "POST"])
def link_as_duplicate(case_id: str) -> Response:
    """Link this application and another open one of the same person as duplicates (on both cases, audited)."""
    who, case = _case_for(case_id, "Linking duplicate applications", *EDITING_ROLES)
    store = store_for(who.council_code)
    errors = Errors()
    form = posted(router)
    if router.current_event.http_method == "POST":
        try:
            link_duplicate(store, case.case_id, form.get(DUPLICATE_FIELD), _version(form), who, utcnow())
        except DuplicateRefused as refused:
            errors.add(DUPLICATE_FIELD, refused.message)
        except StaleVersion:
            errors.add(DUPLICATE_FIELD, "One of the applications has changed since you opened this page. Check them and link them again")
        if not errors:
            return redirect(done_path(case.case_id, "duplicate-linked"))
    loaded = store.load(case.case_id)
    linked = linked_duplicates(loaded.history) if loaded else []
    view = person_view(store, case)
    offered = [other for other in view.applications if other.case_id in view.possible_duplicates and other.case_id not in linked]
    return render_page(router, "people/duplicate.html", HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
                       title=f"Link as a duplicate – case {case.case_id}", case=case, offered=offered, linked=linked, errors=errors,
                       chosen=form.get(DUPLICATE_FIELD))


@router.route("/cases/<case_id>/withdraw", method=["GET", "POST"])
def withdraw(case_id: str) -> Response:
    """Withdraw this application (say, one of two duplicates), with the reason: the case closes and its workflow stops."""
    who, case = _case_for(case_id, "Withdrawing an application", *EDITING_ROLES)
    errors = Errors()
    form = posted(router)
    if router.current_event.http_method == "POST":
        reason = " ".join(form.get("reason").split())
        if not reason:
            errors.add("reason", "Enter why the application is being withdrawn")
        elif len(reason) > 500:
            errors.add("reason", "Reason must be 500 characters or fewer")
        else:
            try:
                withdraw_case(store_for(who.council_code), workflows(), case.case_id,
                              WithdrawalInput(expected_version=_version(form), reason=reason), who, utcnow())
            except InvalidStep as refused:
                errors.add("reason", refused.message)
            except (StaleVersion, ValidationError):  # changed meanwhile, or a page that showed no version
                errors.add("reason", "The application has changed since you opened this page. Go back to the case and check it")
        if not errors:
            return redirect(done_path(case.case_id, "withdrawn"))
    duplicate_of = next(iter(linked_duplicates(loaded.history)), None) if (loaded := store_for(who.council_code).load(case.case_id)) else None
    return render_page(router, "people/withdraw.html", HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
                       title=f"Withdraw this application – case {case.case_id}", case=case, errors=errors,
                       can_withdraw=case.stage in WITHDRAWABLE_STAGES, is_open=is_open(case),
                       reason=form.get("reason") if form.fields else (f"A duplicate of case {duplicate_of}" if duplicate_of else ""))


def _version(form) -> int:
    """The case's version as the page showed it (a page without one cannot change the case)."""
    value = form.get("expected_version")
    return int(value) if value.isdigit() else 0


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
