"""The applicant's reply page (public: reached by a single-use link in the missing-information email).

No staff session here: the token in the path is the only key, and it is checked on every request. The page shows
only what is missing and the council's contact details; uploads go from the browser straight to S3 (pre-signed
POST) and S3 sends the browser back to /reply/<token>/uploaded, where the file is checked before it counts.
No CSRF token is needed: a forged post would have to know the link's secret.
"""

from __future__ import annotations

import os
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import Router

from shared.bootstrap import reply_desk
from shared.core.adapters.case_store import StaleVersion
from shared.services.blue_badge.domain.reply import ReplyBy
from shared.core.domain.uploads import MAX_UPLOAD_BYTES, FileFormat
from shared.resources import REPLY_PATH_PREFIX, Env
from shared.core.logic.steps import NotWaitingForInformation
from shared.core.domain.reply_tokens import reply_path
from shared.core.domain.uploads import UploadProblem
from shared.services.blue_badge.logic.reply import LinkState, Reply
from web.forms import Errors
from web.rendering import origin_of, redirect, render_html
from web.scans import UPLOAD_MESSAGES, upload_message
from web.security import current_form, logger

router = Router()

PUBLIC_SERVICE_NAME = "Apply for a Blue Badge"
MAX_FIELDS = 40  # the most inputs the page ever shows, with room to spare


@router.get(f"{REPLY_PATH_PREFIX}<token>")
def reply_page(token: str) -> Response:
    reply = reply_desk().open(token)
    if reply.state is not LinkState.OPEN:
        return _closed(reply)
    return _page(reply, _upload_errors(reply), {})


@router.post(f"{REPLY_PATH_PREFIX}<token>")
def send_reply(token: str) -> Response:
    reply = reply_desk().open(token)
    if reply.state is not LinkState.OPEN:
        return _closed(reply)
    form = current_form(router)
    if len(form.fields) > MAX_FIELDS:
        return _page(reply, _one("answers", "The form had more in it than this page asks for. Fill it in again"), {}, HTTPStatus.BAD_REQUEST)
    fields = {name: form.get(name) for name in form.fields}
    try:
        sent = reply_desk().send(reply, fields)
    except (NotWaitingForInformation, StaleVersion):
        # Someone at the council recorded the information meanwhile, or the round changed: this link is spent.
        return _closed(Reply(LinkState.GONE, token))
    if sent.too_many_tries:
        return _closed(reply, too_many_tries=True)
    if sent.errors:
        errors = Errors()
        for field_id, message in sent.errors.items():
            errors.add(field_id, message)
        return _page(reply, errors, fields, HTTPStatus.BAD_REQUEST)
    logger.info("applicant sent missing information", extra={"case_id": reply.case.case_id if reply.case else None})
    return render_html("reply/sent.html", title="Information sent", council=reply.council, publicServiceName=PUBLIC_SERVICE_NAME)


@router.get(f"{REPLY_PATH_PREFIX}<token>/uploaded")
def uploaded(token: str) -> Response:
    """Where S3 sends the browser after an upload (success_action_redirect, with the object's key appended)."""
    reply = reply_desk().open(token)
    if reply.state is not LinkState.OPEN:
        return _closed(reply)
    item = reply.item(_query("item"))
    if item is None or item.by is not ReplyBy.UPLOAD:
        return redirect(reply_path(token))
    problem, found = reply_desk().accept_upload(reply, item, _query("key"))
    if problem is UploadProblem.TOO_MANY_TRIES:
        return _closed(reply, too_many_tries=True)
    if problem is None:
        return redirect(f"{reply_path(token)}?{urlencode({'uploaded': item.slug})}#{item.slug}")
    query = {"refused": item.slug, "why": problem.value}
    if found is not None:
        query |= {"found": found.extension, item.slug: found.extension}  # offer the form for the format it really is
    # No fragment here: the error summary must take the focus on load (it links to the field itself).
    return redirect(f"{reply_path(token)}?{urlencode(query)}")


def _page(reply: Reply, errors: Errors, values: dict[str, str], status: HTTPStatus = HTTPStatus.OK) -> Response:
    base_url = os.environ[Env.WEB_BASE_URL]
    uploads = []
    for item in reply.of(ReplyBy.UPLOAD):
        fmt = FileFormat.named(_query(item.slug)) or item.usual_format
        uploads.append({
            "item": item, "format": fmt, "others": [other for other in FileFormat if other is not fmt],
            "form": reply_desk().upload_form(reply, item, fmt, base_url), "uploaded": reply.uploaded(item),
        })
    evidence_origin = origin_of(uploads[0]["form"].url) if uploads else None
    just_uploaded = reply.item(_query("uploaded"))
    return render_html(
        "reply/reply.html", status, evidence_origin=evidence_origin, title="Send us the information we need", errors=errors,
        publicServiceName=PUBLIC_SERVICE_NAME, council=reply.council, due=reply.link.due if reply.link else None, token=reply.token,
        uploads=uploads, questions={item.code.value: item for item in reply.of(ReplyBy.ANSWER)}, contact=reply.of(ReplyBy.CONTACT),
        values=values, just_uploaded=just_uploaded, max_megabytes=MAX_UPLOAD_BYTES // (1024 * 1024),
    )


def _closed(reply: Reply, too_many_tries: bool = False) -> Response:
    """Expired links (the token proved right) name the council; unknown and used ones get one page, with nothing
    that tells them apart."""
    if too_many_tries:
        title, status = "You have tried to send this too many times", HTTPStatus.TOO_MANY_REQUESTS
    elif reply.state is LinkState.EXPIRED:
        title, status = "This link has expired", HTTPStatus.GONE
    else:
        title, status = "This link does not work", HTTPStatus.NOT_FOUND
    council = reply.council if (too_many_tries or reply.state is LinkState.EXPIRED) else None
    return render_html("reply/closed.html", status, title=title, council=council, expired=reply.state is LinkState.EXPIRED,
                       too_many_tries=too_many_tries, publicServiceName=PUBLIC_SERVICE_NAME)


def _upload_errors(reply: Reply) -> Errors:
    """The problem with the last upload, which the redirect from /uploaded names in the address."""
    errors = Errors()
    item = reply.item(_query("refused"))
    try:
        problem = UploadProblem(_query("why"))
    except ValueError:
        return errors
    if item is None or problem not in UPLOAD_MESSAGES:
        return errors
    errors.add(f"file-{item.slug}", upload_message(problem, FileFormat.named(_query("found"))))
    return errors


def _one(field_id: str, message: str) -> Errors:
    errors = Errors()
    errors.add(field_id, message)
    return errors


def _query(name: str) -> str:
    value: Any = (router.current_event.query_string_parameters or {}).get(name) or ""
    return str(value)[:1000]
