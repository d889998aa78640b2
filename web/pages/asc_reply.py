"""The referrer's reply page for an adult social care referral (public: reached by the single-use link in the email
asking for more information). The token in the path is the only key, checked on every request; the page shows only
the screening officer's question. No CSRF token is needed: a forged post would have to know the link's secret."""

from __future__ import annotations

from http import HTTPStatus
from zoneinfo import ZoneInfo

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import Router
from pydantic import TypeAdapter, ValidationError

from shared.bootstrap import councils, reply_links_for, store_for, workflows
from shared.core.adapters.case_store import StaleVersion
from shared.core.domain.case import utcnow
from shared.core.domain.formats import LongText
from shared.resources import REPLY_PATH_PREFIX
from shared.services.asc_triage import SERVICE_KEY
from shared.services.asc_triage.logic.screening import REFERRAL_REPLY_SUFFIX, answer_by_link, open_question
from shared.core.domain.reply_tokens import parse_token
from web.forms import Errors
from web.rendering import render_html
from web.security import current_form, logger

router = Router()

PUBLIC_SERVICE_NAME = "Refer someone to adult social care"
_ANSWER = TypeAdapter(LongText)
LONDON = ZoneInfo("Europe/London")  # the referrer reads the date in UK time


def _where(token: str):
    """The council and its stores the token names, or None (one answer for every link that does not work)."""
    parts = parse_token(token)
    council = councils().get(parts.council_code) if parts else None
    if council is None or not council.runs(SERVICE_KEY):
        return None
    return council, reply_links_for(council.code), store_for(council.code).serving(SERVICE_KEY)


@router.get(f"{REPLY_PATH_PREFIX}<token>{REFERRAL_REPLY_SUFFIX}")
def question_page(token: str) -> Response:
    where = _where(token)
    case = open_question(where[1], where[2], token, utcnow()) if where else None
    if case is None:
        return _closed()
    return _page(where[0], case, token, Errors(), "")


@router.post(f"{REPLY_PATH_PREFIX}<token>{REFERRAL_REPLY_SUFFIX}")
def send_answer(token: str) -> Response:
    where = _where(token)
    if where is None:
        return _closed()
    council, links, store = where
    text = current_form(router).get("answer")
    try:
        answer = _ANSWER.validate_python(text)
    except ValidationError:
        case = open_question(links, store, token, utcnow())
        if case is None:
            return _closed()
        errors = Errors()
        errors.add("answer", "Enter your answer" if not text.strip() else "Your answer must be 4,000 characters or fewer, "
                   "without control characters")
        return _page(council, case, token, errors, text, HTTPStatus.BAD_REQUEST)
    try:
        answered = answer_by_link(links, store, workflows(), token, answer, utcnow())
    except StaleVersion:  # the council changed the referral meanwhile: this question is no longer open
        answered = None
    if answered is None:
        return _closed()
    logger.info("referrer answered a question", extra={"case_id": answered.case_id})
    return render_html("asc_reply/sent.html", title="Answer sent", council=council, publicServiceName=PUBLIC_SERVICE_NAME)


def _page(council, case, token: str, errors: Errors, value: str, status: HTTPStatus = HTTPStatus.OK) -> Response:
    return render_html("asc_reply/question.html", status, title="Answer a question about your referral", errors=errors,
                       council=council, question=case.questions[-1].question, reference=case.case_id,
                       due=case.information_due.astimezone(LONDON) if case.information_due else None, token=token, value=value, publicServiceName=PUBLIC_SERVICE_NAME)


def _closed() -> Response:
    """Unknown, used, expired and too-often-tried links share one page, so links cannot be probed."""
    return render_html("asc_reply/closed.html", HTTPStatus.NOT_FOUND, title="This link does not work",
                       publicServiceName=PUBLIC_SERVICE_NAME)
