"""The Family Front Door portal for signed-in partner professionals: start a cause for concern or a request for
information, save and come back (server-side drafts, each theirs alone), attach documents (pre-signed POST straight
into the future case's folder), send it once nothing is missing, and follow it in My submissions: status, the team's
questions (answered here), the outcome and the team's reply. Never the team's notes, levels or history.

Every page works without JavaScript. A draft or submission that is not the partner's to see answers the same "not
found" page as one that does not exist.
"""

from __future__ import annotations

import os
from http import HTTPStatus
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import Router

from shared.bootstrap import councils, evidence_uploads_for, portal_draft_files_for, portal_drafts_for, service_store_for, workflows
from shared.core.adapters.case_store import CaseStore, StaleVersion
from shared.core.domain.case import utcnow
from shared.core.domain.council import CouncilConfig
from shared.core.domain.uploads import MAX_UPLOAD_BYTES, FileFormat, UploadProblem
from shared.core.logic.steps import InvalidStep, NotWaitingForInformation
from shared.resources import PORTAL_PATH, Env
from shared.services.family_front_door import SERVICE_KEY
from shared.services.family_front_door.adapters.drafts import DraftGone, Drafts
from shared.services.family_front_door.domain.drafts import DRAFT_FILE_TAG, MAX_ATTACHMENTS, Draft, attachment_key
from shared.services.family_front_door.domain.partners import Partner
from shared.services.family_front_door.domain.submission import missing_information
from shared.services.family_front_door.logic import drafts as draft_steps
from shared.services.family_front_door.logic.contacts import (
    ColleaguesNotShown,
    SubmissionIncomplete,
    agency_submissions,
    answer_information_request,
    partner_submission,
    submissions_of,
)
from web.forms import Errors
from web.page import posted
from web.pages.portal_forms import KIND_NAMES, SLUGS, missing_errors, read, sections_for, values_of, values_posted
from web.partner_session import current_partner, portal_not_found, portal_page
from web.rendering import origin_of, redirect
from web.scans import upload_message

router = Router()

HOME = f"{PORTAL_PATH}/home"
DRAFTS = f"{PORTAL_PATH}/drafts"
SUBMISSIONS = f"{PORTAL_PATH}/submissions"
UPLOAD_FORM_SECONDS = 3600


def _council(partner: Partner) -> CouncilConfig:
    council = councils().get(partner.council_code)
    assert council is not None  # the account check admits only partners of a council that runs the portal
    return council


def _store(partner: Partner) -> CaseStore:
    store = service_store_for(partner.council_code, SERVICE_KEY)
    assert store is not None
    return store


def _drafts(partner: Partner) -> Drafts:
    return portal_drafts_for(partner.council_code)


@router.get(HOME)
def home() -> Response:
    partner = current_partner(router)
    return portal_page(router, "portal/home.html", title="Family Front Door portal", caption=partner.agency.name,
                       forms=[(slug, KIND_NAMES[kind], draft_steps.may_send(partner, kind)) for slug, kind in SLUGS.items()],
                       drafts=_drafts(partner).of(partner.user_id))


@router.post(f"{PORTAL_PATH}/forms/<slug>")
def start_form(slug: str) -> Response:
    partner = current_partner(router)
    kind = SLUGS.get(slug)
    if kind is None:
        return portal_not_found(router)
    try:
        draft = draft_steps.start(_drafts(partner), partner, kind, utcnow())
    except draft_steps.FormNotAllowed as refused:
        return portal_page(router, "portal/error.html", HTTPStatus.FORBIDDEN, title="You cannot send this form", message=str(refused))
    except draft_steps.TooManyDrafts as refused:
        return portal_page(router, "portal/error.html", HTTPStatus.CONFLICT, title="You have too many drafts", message=str(refused))
    return redirect(f"{DRAFTS}/{draft.draft_id}")


@router.get(DRAFTS)
def drafts() -> Response:
    partner = current_partner(router)
    return portal_page(router, "portal/drafts.html", title="Your drafts", drafts=_drafts(partner).of(partner.user_id),
                       kind_names=KIND_NAMES)


def _draft(draft_id: str) -> tuple[Partner, Draft | None]:
    partner = current_partner(router)
    return partner, _drafts(partner).get(partner.user_id, draft_id)


def _upload_form(draft: Draft) -> tuple[object, FileFormat] | None:
    if len(draft.attachments) >= MAX_ATTACHMENTS:
        return None
    fmt = FileFormat.named((router.current_event.query_string_parameters or {}).get("format")) or FileFormat.PDF
    redirect_to = f"{os.environ[Env.WEB_BASE_URL].rstrip('/')}{DRAFTS}/{draft.draft_id}/uploaded"
    # Tagged as a draft's by the upload itself: a file never brought back here (the tab closed, or uploaded past the
    # limit of attachments) still expires, by the draft files' lifecycle rule.
    form = evidence_uploads_for(draft.council_code).form(attachment_key(draft.council_code, draft.draft_id, fmt), fmt,
                                                         MAX_UPLOAD_BYTES, redirect_to, UPLOAD_FORM_SECONDS, tags=dict([DRAFT_FILE_TAG]))
    return form, fmt


def _draft_page(draft: Draft, status: HTTPStatus = HTTPStatus.OK, errors: Errors | None = None, values: dict | None = None,
                **context) -> Response:
    upload = _upload_form(draft)
    query = router.current_event.query_string_parameters or {}
    if errors is None and query.get("why") in UploadProblem._value2member_map_:
        errors = Errors()
        errors.add("file", upload_message(UploadProblem(query["why"]), FileFormat.named(query.get("found"))))
    return portal_page(
        router, "portal/draft.html", status, title=KIND_NAMES[draft.kind], caption=f"Draft {draft.draft_id}", draft=draft,
        sections=sections_for(draft), values=values if values is not None else values_of(draft), errors=errors,
        upload=upload[0] if upload else None, upload_format=upload[1] if upload else None,
        other_formats=[fmt for fmt in FileFormat if upload and fmt is not upload[1]],
        evidence_origin=origin_of(upload[0].url) if upload else None, max_megabytes=MAX_UPLOAD_BYTES // (1024 * 1024),
        saved=query.get("saved") == "1", attached=query.get("attached") == "1", back=DRAFTS, **context)


@router.get(f"{DRAFTS}/<draft_id>")
def draft_form(draft_id: str) -> Response:
    _, draft = _draft(draft_id)
    return _draft_page(draft) if draft else portal_not_found(router)


@router.post(f"{DRAFTS}/<draft_id>")
def save_or_send(draft_id: str) -> Response:
    partner, draft = _draft(draft_id)
    if draft is None:
        return portal_not_found(router)
    form = posted(router)
    answers = read(draft, form)
    if answers.form is None:
        return _draft_page(draft, HTTPStatus.BAD_REQUEST, answers.errors, values_posted(form))
    try:
        draft = draft_steps.save(_drafts(partner), draft, answers.form, answers.role, answers.phone, utcnow())
    except DraftGone:
        return portal_not_found(router)
    if form.get("action") != "send":
        return redirect(f"{DRAFTS}/{draft.draft_id}?saved=1")
    if missing := missing_information(draft.form):
        return _draft_page(draft, HTTPStatus.BAD_REQUEST, missing_errors(draft, missing), not_sent=True)
    try:
        case = draft_steps.send(_drafts(partner), portal_draft_files_for(partner.council_code), _store(partner), workflows(),
                                _council(partner), partner, draft, utcnow())
    except SubmissionIncomplete as incomplete:  # what the service checks is what the page checked; kept as the last word
        return _draft_page(draft, HTTPStatus.BAD_REQUEST, missing_errors(draft, incomplete.missing), not_sent=True)
    except draft_steps.FormNotAllowed as refused:
        return portal_page(router, "portal/error.html", HTTPStatus.FORBIDDEN, title="You cannot send this form", message=str(refused))
    return redirect(f"{SUBMISSIONS}/{case.case_id}?sent=1")


@router.post(f"{DRAFTS}/<draft_id>/delete")
def delete_draft(draft_id: str) -> Response:
    partner, draft = _draft(draft_id)
    if draft is None:
        return portal_not_found(router)
    try:
        draft_steps.discard(_drafts(partner), portal_draft_files_for(partner.council_code), partner, draft)
    except DraftGone:
        return portal_not_found(router)
    return redirect(DRAFTS)


@router.get(f"{DRAFTS}/<draft_id>/uploaded")
def uploaded(draft_id: str) -> Response:
    """Where S3 sends the browser after an upload (success_action_redirect, with the object's key appended)."""
    partner, draft = _draft(draft_id)
    if draft is None:
        return portal_not_found(router)
    key = (router.current_event.query_string_parameters or {}).get("key", "")
    try:
        draft, problem = draft_steps.attach(_drafts(partner), evidence_uploads_for(draft.council_code),
                                            portal_draft_files_for(draft.council_code), draft, key, utcnow())
    except DraftGone:  # sent or deleted in another tab meanwhile (the file keeps its draft tag, so it expires)
        return portal_not_found(router)
    if problem is not None:
        return redirect(f"{DRAFTS}/{draft.draft_id}?{urlencode({'why': problem.value})}#attachments")
    return redirect(f"{DRAFTS}/{draft.draft_id}?attached=1#attachments")


@router.get(SUBMISSIONS)
def submissions() -> Response:
    partner = current_partner(router)
    store, council = _store(partner), _council(partner)
    own = submissions_of(store, council, partner.user_id)
    try:
        colleagues = [row for row in agency_submissions(store, council, partner.agency.agency_id) if row.submitter_id != partner.user_id]
    except ColleaguesNotShown:
        colleagues = None
    return portal_page(router, "portal/submissions.html", title="My submissions", own=own, colleagues=colleagues, kind_names=KIND_NAMES)


def _submission_page(reference: str, status: HTTPStatus = HTTPStatus.OK, errors: Errors | None = None, answer: str = "") -> Response:
    partner = current_partner(router)
    view = partner_submission(_store(partner), _council(partner), reference, partner.user_id, partner.agency.agency_id)
    if view is None:
        return portal_not_found(router)
    query = router.current_event.query_string_parameters or {}
    return portal_page(router, "portal/submission.html", status, title=f"{KIND_NAMES[view.kind]} {view.reference}", view=view,
                       errors=errors, answer=answer, sent=query.get("sent") == "1", answered=query.get("answered") == "1",
                       own=view.submission.submitter.user_id == partner.user_id, back=SUBMISSIONS)


@router.get(f"{SUBMISSIONS}/<reference>")
def submission(reference: str) -> Response:
    return _submission_page(reference)


@router.post(f"{SUBMISSIONS}/<reference>/answer")
def answer(reference: str) -> Response:
    partner = current_partner(router)
    form = posted(router)
    text, errors = form.get("answer"), Errors()
    try:
        version = int(form.get("expected_version"))
    except ValueError:
        version = -1
    if not text:
        errors.add("answer", "Enter your answer to the team's question")
    if not errors:
        try:
            answered = answer_information_request(_store(partner), workflows(), _council(partner), reference, version, text,
                                                  partner.submitter(), utcnow())
        except InvalidStep as invalid:
            errors.add("answer", str(invalid).removeprefix(f"{invalid.field}: "))
        except NotWaitingForInformation:
            errors.add("answer", "The team is no longer waiting for an answer to this question")
        except StaleVersion:
            errors.add("answer", "This submission changed since you opened it: check the team's question and send your answer again")
        else:
            if answered is None:
                return portal_not_found(router)
            return redirect(f"{SUBMISSIONS}/{reference}?answered=1")
    return _submission_page(reference, HTTPStatus.BAD_REQUEST, errors, text)
