"""Keying in paper, phone and in-person applications: a few question pages, check your answers, then the
intake service makes the case exactly as the API's POST /applications does.

Each document that came with the form is scanned and uploaded (straight to the application's intake folder, checked at
/applications/new/uploaded: web/scans.py), or recorded as seen and returned; the photo must be a scan. The same scans
serve "Record information received" on a case (/cases/<id>/information-received/uploaded).

The answers live server-side as one draft per caseworker (web/sessions.py DraftStore, key JOURNEY), so a
timed-out session, a closed tab or "Save and come back later" loses nothing. What the fields mean, and how
they become an Application, is in web/intake_journey.py.
"""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.router import Router

from shared.bootstrap import councils, intake_service
from shared.core.domain.case import utcnow
from shared.services.blue_badge.domain.completeness import missing_items
from shared.core.domain.council import CouncilConfig
from shared.core.logic.casework import EDITING_ROLES, visible_case
from shared.services.blue_badge.logic.intake import IntakeStatus
from shared.core.logic.tenancy import Caller
from web.forms import Errors
from web.intake_journey import (
    APPLICATION_ID,
    CHECK_PATH,
    DOCUMENTS,
    JOURNEY,
    KEYED_BY,
    SCANNED,
    STEPS,
    STEPS_BY_SLUG,
    Answers,
    Checked,
    Step,
    check,
    documents,
    heading,
    new_application_id,
    next_path,
    scan_field,
    scanned,
    shown,
    shown_fields,
    steps_for,
)
from web.page import discard_drafts, posted, render_page, require_any, saved_work
from web.rendering import origin_of, redirect
from web.scans import (
    ScanSection,
    accept_case_scan,
    accept_scan,
    just_uploaded,
    received_page,
    refused_message,
    refused_path,
    scan_kind,
    scan_section,
    scan_slug,
    uploaded_path,
)
from web.security import draft_store
from shared.core.domain.evidence import EvidenceRefused, intake_evidence_prefix
from shared.services.blue_badge.domain.settings import badge_settings
from shared.bootstrap import service_store_for
from shared.services.blue_badge import SERVICE_KEY

router = Router()

CONFIRMATION = f"{JOURNEY}/confirmation"
UPLOADED = f"{JOURNEY}/uploaded"  # where S3 sends the browser after a scan is uploaded
DOCUMENTS_STEP = STEPS_BY_SLUG["documents"]


def _editor() -> tuple[Caller, CouncilConfig]:
    who = require_any(router, *EDITING_ROLES, doing="Keying in applications")
    council = councils().get(who.council_code or "")
    if council is None:
        raise NotFoundError("your council is not served by this deployment")
    return who, council


def _kept(who: Caller) -> tuple[Answers, datetime | None]:
    found = draft_store().load(who.user, JOURNEY)
    return (Answers(found[0]), found[1]) if found else (Answers(), None)


def _keep(who: Caller, answers: Answers) -> None:
    draft_store().save(who.user, JOURNEY, answers.fields)


def _forget() -> None:
    """Once sent (or started again), the journey's answers and every page's unsent work go."""
    for path in (JOURNEY, *(step.path for step in STEPS)):
        discard_drafts(router, path)


def _first_to_answer(answers: Answers, council: CouncilConfig) -> str:
    """Where "Continue" goes: the first page with something to fix, else check your answers."""
    checked = check(answers, council, utcnow())
    for step in steps_for(answers, council):
        if checked.of(step):
            return step.path
    return CHECK_PATH


@router.get(JOURNEY)
def start() -> Response:
    who, council = _editor()
    answers, saved_at = _kept(who)
    query = router.current_event.query_string_parameters or {}
    return render_page(
        router, "intake/start.html", title="Key in an application", council=council, badge=badge_settings(council), saved_at=saved_at,
        just_saved=query.get("saved") == "1", continue_path=_first_to_answer(answers, council) if saved_at else STEPS[0].path,
        first_path=STEPS[0].path,
    )


@router.post(JOURNEY)
def start_again() -> Response:
    who, _ = _editor()
    _forget()
    return redirect(STEPS[0].path)


@router.get(CHECK_PATH)
def check_answers() -> Response:
    who, council = _editor()
    answers, saved_at = _kept(who)
    if saved_at is None:
        return redirect(JOURNEY)
    return _check_page(answers, council, check(answers, council, utcnow()))


@router.post(CHECK_PATH)
def submit() -> Response:
    who, council = _editor()
    answers, saved_at = _kept(who)
    if saved_at is None:  # already sent (a second click) or never started
        return redirect(JOURNEY)
    checked = check(answers, council, utcnow())
    if checked.application is None:
        return _check_page(answers, council, checked, HTTPStatus.BAD_REQUEST)
    channel = checked.application.channel.value.lower()
    try:
        outcome = intake_service().accept(checked.application, actor=who.actor, note=f"keyed in from a {channel} application")
    except EvidenceRefused:  # a scan's file is no longer there (removed past the intake folder's period)
        problem = {"text": f"{DOCUMENTS_STEP.title}: a scanned file is no longer stored. Upload it again",
                   "href": f"{DOCUMENTS_STEP.path}?from=check#{SCANNED}"}
        return _check_page(answers, council, checked, HTTPStatus.BAD_REQUEST, [problem])
    _forget()
    if outcome.status is IntakeStatus.PARKED:
        return render_page(router, "intake/parked.html", HTTPStatus.UNPROCESSABLE_ENTITY, title="The application could not become a case", outcome=outcome)
    duplicate = "?duplicate=1" if outcome.status is IntakeStatus.DUPLICATE else ""
    return redirect(f"{CONFIRMATION}/{outcome.case_id}{duplicate}")


@router.get(f"{CONFIRMATION}/<case_id>")
def confirmation(case_id: str) -> Response:
    who, _ = _editor()
    store = service_store_for(who.council_code, SERVICE_KEY)
    case = visible_case(store, case_id, who) if store is not None else None
    if case is None:
        raise NotFoundError(f"no case {case_id}")
    duplicate = (router.current_event.query_string_parameters or {}).get("duplicate") == "1"
    title = "This application was already keyed in" if duplicate else "Application keyed in"
    return render_page(router, "intake/confirmation.html", title=title, case=case, duplicate=duplicate)


@router.get(UPLOADED)
def uploaded() -> Response:
    """Where S3 sends the browser after a scan (?document=<slug>, with the object's key appended): the file counts
    once its size and first bytes are checked; otherwise the documents page says why."""
    who, council = _editor()
    answers, saved_at = _kept(who)
    query = router.current_event.query_string_parameters or {}
    kind = scan_kind(str(query.get("document") or ""))
    if saved_at is None or kind is None or kind not in documents(answers) or not answers.value(APPLICATION_ID):
        return redirect(JOURNEY)
    folder = intake_evidence_prefix(council.code, answers.value(APPLICATION_ID))
    problem, found = accept_scan(council.code, folder, kind, str(query.get("key") or "")[:1000])
    if problem is not None:
        return redirect(refused_path(DOCUMENTS_STEP.path, kind, problem, found))
    answers.fields[scan_field(kind)] = [str(query["key"])]
    answers.fields[SCANNED] = sorted({*answers.values(SCANNED), kind.value})
    _keep(who, answers)
    return redirect(uploaded_path(DOCUMENTS_STEP.path, kind))


@router.get(f"{received_page('<case_id>')}/uploaded")
def case_scan_uploaded(case_id: str) -> Response:
    """Where S3 sends the browser after a scan on "Record information received" (?document=<slug>, the key appended)."""
    who = require_any(router, *EDITING_ROLES, doing="Recording information received")
    store = service_store_for(who.council_code, SERVICE_KEY)
    case = visible_case(store, case_id, who) if store is not None else None
    if case is None:
        raise NotFoundError(f"no case {case_id}")
    query = router.current_event.query_string_parameters or {}
    return redirect(accept_case_scan(who.user, case, str(query.get("document") or ""), str(query.get("key") or "")[:1000]))


@router.get(f"{JOURNEY}/<slug>")
def question(slug: str) -> Response:
    who, council = _editor()
    step = _step(slug)
    answers, _ = _kept(who)
    if not step.applies(answers, council):
        return redirect(_first_to_answer(answers, council))
    # Typed on this page but not sent (kept when the session ended, or autosaved) wins over what was sent.
    work = saved_work(router)
    if work is not None:
        answers = answers.with_page(work.fields, step.names(answers))
    return _question_page(step, answers, council, Errors(), kept_after_timeout=bool(work and work.after_timeout))


@router.post(f"{JOURNEY}/<slug>")
def answer(slug: str) -> Response:
    who, council = _editor()
    step = _step(slug)
    kept, _ = _kept(who)
    answers = kept.with_page(posted(router).fields, step.names(kept))
    if not answers.value(APPLICATION_ID):
        answers.fields[APPLICATION_ID] = [new_application_id(council.code, utcnow())]
    answers.fields[KEYED_BY] = [who.actor]
    _keep(who, answers)  # kept even when the page has errors: nothing typed is lost
    discard_drafts(router)
    if posted(router).get("action") == "save":
        return redirect(f"{JOURNEY}?saved=1")
    errors = check(answers, council, utcnow()).of(step)
    if errors:
        return _question_page(step, answers, council, errors, status=HTTPStatus.BAD_REQUEST)
    return redirect(CHECK_PATH if _changing() else next_path(step, answers, council))


def _step(slug: str) -> Step:
    step = STEPS_BY_SLUG.get(slug)
    if step is None:
        raise NotFoundError(f"no question page {slug}")
    return step


def _changing() -> bool:
    """Came from a "Change" link on check your answers, so goes back there."""
    return (router.current_event.query_string_parameters or {}).get("from") == "check"


def _question_page(step: Step, answers: Answers, council: CouncilConfig, errors: Errors, status: HTTPStatus = HTTPStatus.OK,
                   kept_after_timeout: bool = False) -> Response:
    applicable = steps_for(answers, council)
    earlier = [other for other in applicable if STEPS.index(other) < STEPS.index(step)]
    back = CHECK_PATH if _changing() else (earlier[-1].path if earlier else JOURNEY)
    scans = _scans(answers, council, errors) if step is DOCUMENTS_STEP else []
    return render_page(
        router, "intake/question.html", status, title=heading(step, answers), step=step, fields=step.fields(answers),
        answers=answers, errors=errors, back=back, changing=_changing(), kept_after_timeout=kept_after_timeout,
        # No "of N": later answers (the eligibility route, ...) add pages, so a total would grow as the person goes on.
        number=applicable.index(step) + 1 if step in applicable else None, council=council,
        badge=badge_settings(council), scans=scans, evidence_origin=origin_of(scans[0].form.url) if scans else None,
        just_uploaded=just_uploaded(router.current_event.query_string_parameters or {}, scans, errors),
    )


def _scans(answers: Answers, council: CouncilConfig, errors: Errors) -> list[ScanSection]:
    """An upload form for each document the application needs (into the application's intake folder, which the
    case's own folder is copied from), and the last refused file's problem as an error on its form."""
    application_id = answers.value(APPLICATION_ID)
    if not application_id:
        return []
    query = router.current_event.query_string_parameters or {}
    folder = intake_evidence_prefix(council.code, application_id)
    have = {kind for kind, _ in scanned(answers)}
    sections = [scan_section(council.code, folder, kind, DOCUMENTS[kind], query.get(scan_slug(kind)), UPLOADED, kind in have)
                for kind in documents(answers) if kind in DOCUMENTS]
    refused_message(query, sections, errors)
    return sections


def _check_page(answers: Answers, council: CouncilConfig, checked: Checked, status: HTTPStatus = HTTPStatus.OK,
                stored: list[dict[str, str]] | None = None) -> Response:
    sections = [
        {"step": step, "heading": heading(step, answers),
         "rows": [{"field": item, "value": shown(answers, item)} for item in shown_fields(step, answers)]}
        for step in steps_for(answers, council)
    ]
    problems = [
        {"text": f"{heading(step, answers)}: {text}", "href": f"{step.path}?from=check#{field_id}"}
        for step in steps_for(answers, council) for field_id, text in checked.of(step).by_field.items()
    ] + (stored or [])
    missing = missing_items(checked.application, council) if checked.application else []
    return render_page(
        router, "intake/check.html", status, title="Check the application before creating the case", sections=sections,
        problems=problems, errors=bool(problems), missing=missing, ready=checked.application is not None,
    )
