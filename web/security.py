"""Every request passes here first: the session cookie, the idle timer, CSRF, and work kept when a session ended.

Public paths (sign-in and the applicant's reply pages) need no session. Everything else does: a GET without
one goes to the sign-in page and comes back after; a POST without one keeps what was typed as a draft (if
the ended session can still be matched to its user) and asks the person to sign in again.
"""

from __future__ import annotations

import hmac
import os
from functools import cache
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from urllib.parse import quote

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.shared.cookies import Cookie, SameSite

from shared.adapters.staff_sign_in import CognitoSignIn
from shared.domain.case import utcnow
from shared.resources import REPLY_PATH_PREFIX, Env
from web.forms import CSRF_FIELD, Form, FormTooLarge
from web.rendering import redirect, render_html
from web.sessions import DraftStore, PendingSignIns, SessionStore, WebSession

logger = Logger()  # the same service logger as the handler's (keys appended here show on every line)

SESSION_COOKIE = "casework_session"
SIGN_IN_PATH = "/sign-in"
PUBLIC_PATHS = (SIGN_IN_PATH, f"{SIGN_IN_PATH}/", REPLY_PATH_PREFIX, "/health", "/accessibility", "/privacy")
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = ("GET", "HEAD")
# Where a form's work is kept when its session ended before it was posted (see DraftStore).
RESUME_PREFIX = "resume:"


@cache
def _dynamodb():
    return boto3.client("dynamodb")


@cache
def session_store() -> SessionStore:
    return SessionStore(_dynamodb(), os.environ[Env.WEB_SESSION_TABLE])


@cache
def draft_store() -> DraftStore:
    return DraftStore(_dynamodb(), os.environ[Env.WEB_SESSION_TABLE])


@cache
def pending_sign_ins() -> PendingSignIns:
    return PendingSignIns(_dynamodb(), os.environ[Env.WEB_SESSION_TABLE])


@cache
def staff_sign_in() -> CognitoSignIn:
    return CognitoSignIn(boto3.client("cognito-idp"), os.environ[Env.WEB_CLIENT_ID])


def secure_cookies() -> bool:
    """HTTPS everywhere but the local stack on http://127.0.0.1."""
    return os.environ.get(Env.WEB_BASE_URL, "https://").startswith("https://")


def session_cookie(value: str, max_age: int | None = None) -> Cookie:
    return Cookie(
        name=SESSION_COOKIE, value=value, path="/", secure=secure_cookies(), http_only=True,
        same_site=SameSite.LAX_MODE, max_age=max_age,
    )


def request_cookie(app: APIGatewayRestResolver, name: str) -> str | None:
    raw = app.current_event.headers.get("cookie") or app.current_event.headers.get("Cookie") or ""
    try:
        jar = SimpleCookie(raw)
    except CookieError:
        return None
    return jar[name].value if name in jar else None


def is_public(path: str) -> bool:
    return any(path == public or (public.endswith("/") and path.startswith(public)) for public in PUBLIC_PATHS)


def csrf_matches(expected: str, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(expected.encode(), (sent or "").encode())


def sign_in_location(next_path: str, *, timed_out: bool = False) -> str:
    location = f"{SIGN_IN_PATH}?next={quote(next_path, safe='/')}"
    return location + "&timed_out=1" if timed_out else location


def current_session(app: APIGatewayRestResolver) -> WebSession:
    return app.context["session"]


def current_form(app: APIGatewayRestResolver) -> Form:
    return app.context["form"]


def session_middleware(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response:
    event = app.current_event
    path, method = event.path, event.http_method.upper()
    try:
        form = Form.parse(event.decoded_body) if method == "POST" and _is_form(app) else Form()
    except (FormTooLarge, UnicodeDecodeError, ValueError) as error:
        return render_html("error.html", HTTPStatus.REQUEST_ENTITY_TOO_LARGE, title="The form could not be sent", message=str(error))
    app.append_context(form=form)
    if is_public(path):
        return next_middleware(app)

    now = utcnow()
    session_id = request_cookie(app, SESSION_COOKIE)
    session = session_store().find(session_id)
    if session is None or not session.active(now):
        if method not in SAFE_METHODS:
            _keep_unsent_work(session, form, path)
        # Forms post to their own page's path, so after signing in again the person lands back on the form.
        return redirect(sign_in_location(path, timed_out=session is not None))
    if method not in SAFE_METHODS and not csrf_matches(session.csrf_token, form.get(CSRF_FIELD) or event.headers.get(CSRF_HEADER)):
        logger.warning("CSRF token missing or wrong", extra={"path": path, "user": session.user})
        return render_html(
            "error.html", HTTPStatus.FORBIDDEN, session=session,
            title="This form has expired", message="Go back, reload the page and send the form again.",
        )
    session = session_store().touch(session, now)
    logger.append_keys(council_code=session.council_code, user=session.user)
    app.append_context(session=session, caller=session.caller)
    return next_middleware(app)


def _is_form(app: APIGatewayRestResolver) -> bool:
    content_type = (app.current_event.headers.get("content-type") or app.current_event.headers.get("Content-Type") or "").lower()
    return content_type.startswith("application/x-www-form-urlencoded") or not content_type


def _keep_unsent_work(ended: WebSession | None, form: Form, path: str) -> None:
    """A form posted after its session ended is kept for the same user, with that session's CSRF token as proof."""
    fields = form.without_csrf()
    if ended is None or not fields or not csrf_matches(ended.csrf_token, form.get(CSRF_FIELD)):
        return
    if draft_store().save(ended.user, RESUME_PREFIX + path, fields):
        logger.info("kept a form posted after the session ended", extra={"path": path, "user": ended.user})
