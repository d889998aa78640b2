"""Every request passes here first: the session cookie, the idle timer, CSRF, and work kept when a session ended.

Public paths (sign-in and the applicant's reply pages) need no session. Everything else does: a GET without
one goes to the sign-in page and comes back after; a POST without one keeps what was typed as a draft (if
the ended session can still be matched to its user) and asks the person to sign in again. Every few minutes
the session's account is checked in the user pool: disabled, or in other groups, it must sign in again.

The web function's log lines never carry a reply link's token (TokenScrubbingFilter).
"""

from __future__ import annotations

import hmac
import logging
import os
import re
from functools import cache
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import quote

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.shared.cookies import Cookie, SameSite

from shared.core.adapters.staff_sign_in import CognitoSignIn
from shared.core.domain.case import utcnow
from shared.core.domain.reply_tokens import token_hash
from shared.resources import ASC_PUBLIC_PATH_PREFIX, PORTAL_PATH, REPLY_PATH_PREFIX, Env
from shared.core.logic.tenancy import Caller, NoCouncilAccess, caller_from_claims
from web.forms import CSRF_FIELD, Form, FormTooLarge
from web.rendering import redirect, render_html
from web.sessions import DraftStore, PendingSignIns, SearchStore, SessionStore, WebSession

logger = Logger()  # the web function's logger: the handler and the pages use this one (keys appended here show on every line)

# A reply link's token in a path or URL, and any `...token=` value in a query string.
_REPLY_TOKEN = re.compile(rf"{re.escape(REPLY_PATH_PREFIX)}([^/?#&\s\"'<>]+)")
_QUERY_TOKEN = re.compile(r"([\w-]*token=)([^&#\s\"'<>]+)", re.IGNORECASE)
_STANDARD_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({})))


def scrub_tokens(text: str) -> str:
    """Tokens replaced by the start of their SHA-256 (what the link table stores), so a log line opens no link."""
    text = _REPLY_TOKEN.sub(lambda match: f"{REPLY_PATH_PREFIX}sha256:{token_hash(match.group(1))[:16]}", text)
    return _QUERY_TOKEN.sub(lambda match: f"{match.group(1)}sha256:{token_hash(match.group(2))[:16]}", text)


def _scrubbed(value: object, name: str = "") -> object:
    """`value` with its tokens scrubbed; under a name such as "token" or "reset_token" (a parsed query) it is all token."""
    if isinstance(value, str):
        return f"sha256:{token_hash(value)[:16]}" if "token" in name.lower() else scrub_tokens(value)
    if isinstance(value, dict):
        return {key: _scrubbed(item, str(key)) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_scrubbed(item, name) for item in value)
    return value


class TokenScrubbingFilter(logging.Filter):
    """Scrubs the message, its arguments, every extra key and an exception's message before a line is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg, record.args = scrub_tokens(record.getMessage()), None
        for name, value in list(vars(record).items()):
            if name not in _STANDARD_RECORD_ATTRIBUTES:
                setattr(record, name, _scrubbed(value, name))
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_info[1].args = tuple(_scrubbed(arg) for arg in record.exc_info[1].args)
        return True


# On the logging.Logger underneath, so any other Logger() of the same service (as in Lambda) is covered too.
logger.addFilter(TokenScrubbingFilter())

SESSION_COOKIE = "casework_session"
SIGN_IN_PATH = "/sign-in"
PUBLIC_PATHS = (SIGN_IN_PATH, f"{SIGN_IN_PATH}/", REPLY_PATH_PREFIX, ASC_PUBLIC_PATH_PREFIX, "/health", "/accessibility", "/privacy")
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
def saved_searches() -> SearchStore:
    return SearchStore(_dynamodb(), os.environ[Env.WEB_SESSION_TABLE])


@cache
def pending_sign_ins() -> PendingSignIns:
    return PendingSignIns(_dynamodb(), os.environ[Env.WEB_SESSION_TABLE])


@cache
def _cognito():
    return boto3.client("cognito-idp")


@cache
def staff_sign_in() -> CognitoSignIn:
    return CognitoSignIn(_cognito(), os.environ[Env.WEB_CLIENT_ID])


class UserPoolAccounts:
    """What the user pool says a signed-in member of staff may do now (AdminGetUser, AdminListGroupsForUser).

    GetUser with the session's access token would notice a disabled account (disabling revokes the tokens) but not
    changed groups, which only the admin calls see; the web function's role may make just these two, on this pool.
    """

    ACTIVE_STATUS = "CONFIRMED"  # RESET_REQUIRED, FORCE_CHANGE_PASSWORD and the rest must sign in again

    def __init__(self, cognito: Any, user_pool_id: str):
        self._cognito = cognito
        self._pool = user_pool_id

    def current_caller(self, user: str) -> Caller | None:
        """The caller as the pool has it now; None when the account is gone, disabled or fits no single council."""
        try:
            account = self._cognito.admin_get_user(UserPoolId=self._pool, Username=user)
        except self._cognito.exceptions.UserNotFoundException:
            return None
        if not account["Enabled"] or account["UserStatus"] != self.ACTIVE_STATUS:
            return None
        pages = self._cognito.get_paginator("admin_list_groups_for_user").paginate(UserPoolId=self._pool, Username=user)
        groups = [group["GroupName"] for page in pages for group in page["Groups"]]
        try:
            return caller_from_claims({"email": user, "cognito:groups": groups})
        except NoCouncilAccess:
            return None


@cache
def user_pool_accounts() -> UserPoolAccounts:
    return UserPoolAccounts(_cognito(), os.environ[Env.USER_POOL_ID])


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


def is_portal(path: str) -> bool:
    return path == PORTAL_PATH or path.startswith(f"{PORTAL_PATH}/")


def is_public(path: str) -> bool:
    return any(path == public or (public.endswith("/") and path.startswith(public)) for public in PUBLIC_PATHS)


def csrf_matches(expected: str, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(expected.encode(), (sent or "").encode())


def sign_in_location(next_path: str, *, timed_out: bool = False, account_changed: bool = False) -> str:
    location = f"{SIGN_IN_PATH}?next={quote(next_path, safe='/')}"
    if timed_out:
        location += "&timed_out=1"
    if account_changed:
        location += "&account_changed=1"
    return location


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
    if is_portal(path):  # the partners' portal takes partner sessions only, and no other page does (one place: here)
        from web.partner_session import partner_session_middleware

        return partner_session_middleware(app, next_middleware)

    now = utcnow()
    session_id = request_cookie(app, SESSION_COOKIE)
    session = session_store().find(session_id)
    if session is None or not session.active(now):
        if method not in SAFE_METHODS:
            _keep_unsent_work(session, form, path)
        # Forms post to their own page's path, so after signing in again the person lands back on the form.
        return redirect(sign_in_location(path, timed_out=session is not None))
    account_check_due = session.account_check_due(now)
    if account_check_due and user_pool_accounts().current_caller(session.user) != session.caller:
        session_store().end(session_id)
        logger.info("session ended: the account is disabled or its groups changed", extra={"user": session.user})
        return redirect(sign_in_location(path, account_changed=True), cookies=[session_cookie("", max_age=0)])
    if method not in SAFE_METHODS and not csrf_matches(session.csrf_token, form.get(CSRF_FIELD) or event.headers.get(CSRF_HEADER)):
        logger.warning("CSRF token missing or wrong", extra={"path": path, "user": session.user})
        return render_html(
            "error.html", HTTPStatus.FORBIDDEN, session=session,
            title="This form has expired", message="Go back, reload the page and send the form again.",
        )
    session = session_store().account_checked(session, now) if account_check_due else session_store().touch(session, now)
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
