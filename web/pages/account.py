"""Signing in and out, keeping a session alive, saving drafts, and the pages every service must have."""

from __future__ import annotations

import secrets
from http import HTTPStatus
from urllib.parse import unquote, urlsplit

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.router import Router
from aws_lambda_powertools.shared.cookies import Cookie, SameSite

from shared.bootstrap import council_admin_records_for, councils
from shared.core.adapters.staff_sign_in import MFA_CODE, MFA_SETUP, NEW_PASSWORD, Challenge, ChallengeAnswerRefused, SignInRefused
from shared.core.domain.case import utcnow
from shared.core.logic.tenancy import Caller
from web.forms import CSRF_FIELD, Errors
from web.page import posted, save_draft
from web.rendering import redirect, render_html
from web.security import (
    SESSION_COOKIE,
    csrf_matches,
    current_session,
    logger,
    pending_sign_ins,
    request_cookie,
    secure_cookies,
    session_cookie,
    session_store,
    staff_sign_in,
)
from web.sessions import SESSION_MAX, PendingSignIn

router = Router()

SIGN_IN_COOKIE = "casework_sign_in"  # double-submit token: the sign-in form has no session to hold one yet
PENDING_COOKIE = "casework_sign_in_step"  # names the sign-in waiting for its next challenge's answer
CHALLENGE_PAGES = {NEW_PASSWORD: "/sign-in/new-password", MFA_SETUP: "/sign-in/authenticator", MFA_CODE: "/sign-in/code"}
MAX_CREDENTIAL_LENGTH = 256


MAX_NEXT_LENGTH = 500
MAX_PERCENT_DECODING = 3  # a path encoded more often than this is not one of ours


def safe_next(path: str | None) -> str:
    r"""Only a path on this site, so sign-in cannot be used to send people elsewhere; anything else is "/".

    Browsers read a Location more loosely than urllib: they drop tabs and newlines and treat a backslash as a slash,
    so "/<tab>/evil.example" and "/\evil.example" are //evil.example to them. A path is refused if it, or any of its
    percent-decodings, has a control character or a backslash, starts "//", or parses with a scheme or a host.
    """
    if not path or len(path) > MAX_NEXT_LENGTH:
        return "/"
    candidate = path
    for _ in range(MAX_PERCENT_DECODING + 1):
        if not _same_site_path(candidate):
            return "/"
        decoded = unquote(candidate)
        if decoded == candidate:
            return path
        candidate = decoded
    return "/"


def _same_site_path(path: str) -> bool:
    if any(ord(char) < 0x20 or char in "\x7f\\" for char in path):
        return False
    if not path.startswith("/") or path.startswith("//"):
        return False
    parts = urlsplit(path)
    return not parts.scheme and not parts.netloc


def _sign_in_page(status: HTTPStatus = HTTPStatus.OK, *, errors: Errors | None = None, email: str = "", next_path: str = "/", **flags: bool) -> Response:
    token = secrets.token_urlsafe(32)
    response = render_html(
        "sign_in.html", status, title="Sign in", errors=errors, email=email, next_path=next_path, sign_in_token=token,
        timed_out=flags.get("timed_out", False), signed_out=flags.get("signed_out", False),
        account_changed=flags.get("account_changed", False),
    )
    response.cookies.append(
        Cookie(name=SIGN_IN_COOKIE, value=token, path="/sign-in", secure=secure_cookies(), http_only=True, same_site=SameSite.STRICT_MODE)
    )
    return response


@router.get("/sign-in")
def sign_in_form() -> Response:
    query = router.current_event.query_string_parameters or {}
    return _sign_in_page(
        next_path=safe_next(query.get("next")), timed_out=query.get("timed_out") == "1", signed_out=query.get("signed_out") == "1",
        account_changed=query.get("account_changed") == "1",
    )


@router.post("/sign-in")
def sign_in() -> Response:
    form = posted(router)
    email, password, next_path = form.get("email"), form.fields.get("password", [""])[-1], safe_next(form.get("next"))
    if not csrf_matches(request_cookie(router, SIGN_IN_COOKIE) or "", form.get(CSRF_FIELD)):
        # Stale tab or a forged post: show a fresh form rather than an error page.
        return _sign_in_page(HTTPStatus.BAD_REQUEST, errors=_one("email", "Your sign-in form had expired: sign in again"), email=email, next_path=next_path)
    errors = Errors()
    if not email:
        errors.add("email", "Enter your email address")
    elif len(email) > MAX_CREDENTIAL_LENGTH:
        errors.add("email", f"Email address must be {MAX_CREDENTIAL_LENGTH} characters or fewer")
    if not password:
        errors.add("password", "Enter your password")
    elif len(password) > MAX_CREDENTIAL_LENGTH:
        errors.add("password", f"Password must be {MAX_CREDENTIAL_LENGTH} characters or fewer")
    if errors:
        return _sign_in_page(HTTPStatus.BAD_REQUEST, errors=errors, email=email, next_path=next_path)
    try:
        outcome = staff_sign_in().sign_in(email, password)
    except SignInRefused as refused:
        logger.info("sign-in refused", extra={"reason": str(refused)})
        return _sign_in_page(HTTPStatus.UNAUTHORIZED, errors=_one("email", str(refused)), email=email, next_path=next_path)
    return _carry_on(outcome, next_path)


def _carry_on(outcome: Caller | Challenge, next_path: str, pending_id: str | None = None) -> Response:
    """Signed in: start the session. Another challenge: remember it and show its page."""
    if isinstance(outcome, Challenge):
        pending_id = pending_id or secrets.token_urlsafe(32)
        pending = PendingSignIn(
            challenge_name=outcome.name, username=outcome.username, cognito_session=outcome.session, secret_code=outcome.secret_code,
            next_path=next_path, csrf_token=secrets.token_urlsafe(32), started_at=utcnow(),
        )
        pending_sign_ins().save(pending_id, pending)
        return redirect(CHALLENGE_PAGES[outcome.name], cookies=[_pending_cookie(pending_id)])
    pending_sign_ins().end(pending_id)
    session_store().end(request_cookie(router, SESSION_COOKIE))  # a fresh id at every sign-in (no session fixation)
    session_id, _ = session_store().start(outcome)
    if outcome.council_code:  # the last sign-in the council admin's staff page shows (Cognito keeps none)
        council_admin_records_for(outcome.council_code).record_sign_in(outcome.user, utcnow())
    logger.info("signed in", extra={"user": outcome.user, "council_code": outcome.council_code})
    return redirect(next_path, cookies=[session_cookie(session_id, int(SESSION_MAX.total_seconds())), _pending_cookie("", max_age=0)])


def _pending_cookie(value: str, max_age: int | None = None) -> Cookie:
    return Cookie(
        name=PENDING_COOKIE, value=value, path="/sign-in", secure=secure_cookies(), http_only=True,
        same_site=SameSite.STRICT_MODE, max_age=max_age,
    )


def _pending(expected_challenge: str) -> tuple[str, PendingSignIn] | None:
    pending_id = request_cookie(router, PENDING_COOKIE)
    pending = pending_sign_ins().find(pending_id)
    if pending is None or pending.challenge_name != expected_challenge:
        return None
    return pending_id, pending


def _start_again() -> Response:
    return _sign_in_page(HTTPStatus.BAD_REQUEST, errors=_one("email", "Signing in took too long: sign in again"))


def _challenge_page(step: str, pending: PendingSignIn, status: HTTPStatus = HTTPStatus.OK, errors: Errors | None = None) -> Response:
    titles = {NEW_PASSWORD: "Create a new password", MFA_SETUP: "Set up your authenticator app", MFA_CODE: "Enter your security code"}
    key = pending.secret_code or ""
    return render_html(
        "sign_in_challenge.html", status, title=titles[step], step=step, errors=errors, csrf_token=pending.csrf_token,
        action=CHALLENGE_PAGES[step], secret_key_groups=[key[i:i + 4] for i in range(0, len(key), 4)],
    )


def _answer_challenge(step: str, answer) -> Response:
    """POST of a challenge page: checks the pending sign-in and its CSRF token, then passes the answer to Cognito."""
    found = _pending(step)
    if found is None:
        return _start_again()
    pending_id, pending = found
    form = posted(router)
    if not csrf_matches(pending.csrf_token, form.get(CSRF_FIELD)):
        return _start_again()
    challenge = Challenge(pending.challenge_name, pending.username, pending.cognito_session, pending.secret_code)
    errors = Errors()
    try:
        outcome = answer(challenge, form, errors)
    except ChallengeAnswerRefused as refused:
        errors.add("code" if step != NEW_PASSWORD else "password", str(refused))
        outcome = None
    except SignInRefused:
        pending_sign_ins().end(pending_id)
        return _start_again()
    if errors or outcome is None:
        return _challenge_page(step, pending, HTTPStatus.BAD_REQUEST, errors)
    return _carry_on(outcome, pending.next_path, pending_id)


def _six_digits(form, errors: Errors) -> str:
    code = form.get("code").replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        errors.add("code", "Enter the 6-digit code from your authenticator app")
    return code


@router.get("/sign-in/new-password")
def new_password_form() -> Response:
    found = _pending(NEW_PASSWORD)
    return _challenge_page(NEW_PASSWORD, found[1]) if found else _start_again()


@router.post("/sign-in/new-password")
def new_password() -> Response:
    def answer(challenge: Challenge, form, errors: Errors):
        password, again = form.fields.get("password", [""])[-1], form.fields.get("password-again", [""])[-1]
        if not password:
            errors.add("password", "Enter a new password")
        elif len(password) > MAX_CREDENTIAL_LENGTH:
            errors.add("password", f"Password must be {MAX_CREDENTIAL_LENGTH} characters or fewer")
        elif password != again:
            errors.add("password-again", "Enter the same password twice")
        return None if errors else staff_sign_in().set_new_password(challenge, password)
    return _answer_challenge(NEW_PASSWORD, answer)


@router.get("/sign-in/authenticator")
def authenticator_form() -> Response:
    found = _pending(MFA_SETUP)
    if found is None:
        return _start_again()
    pending_id, pending = found
    if pending.secret_code is None:
        try:
            started = staff_sign_in().start_authenticator_setup(
                Challenge(pending.challenge_name, pending.username, pending.cognito_session))
        except SignInRefused:
            return _start_again()
        pending = pending.model_copy(update={"cognito_session": started.session, "secret_code": started.secret_code})
        pending_sign_ins().save(pending_id, pending)
    return _challenge_page(MFA_SETUP, pending)


@router.post("/sign-in/authenticator")
def authenticator() -> Response:
    def answer(challenge: Challenge, form, errors: Errors):
        code = _six_digits(form, errors)
        return None if errors else staff_sign_in().finish_authenticator_setup(challenge, code)
    return _answer_challenge(MFA_SETUP, answer)


@router.get("/sign-in/code")
def code_form() -> Response:
    found = _pending(MFA_CODE)
    return _challenge_page(MFA_CODE, found[1]) if found else _start_again()


@router.post("/sign-in/code")
def code() -> Response:
    def answer(challenge: Challenge, form, errors: Errors):
        given = _six_digits(form, errors)
        return None if errors else staff_sign_in().give_code(challenge, given)
    return _answer_challenge(MFA_CODE, answer)


@router.get("/sign-out")
def sign_out() -> Response:
    session_store().end(request_cookie(router, SESSION_COOKIE))
    return redirect("/sign-in?signed_out=1", cookies=[session_cookie("", max_age=0)])


@router.post("/session/extend")
def extend_session() -> Response:
    """'Stay signed in' in the timeout warning (JavaScript); the middleware has checked the CSRF header."""
    session = session_store().touch(current_session(router), force=True)
    return Response(HTTPStatus.OK, content_types.APPLICATION_JSON, {"ends_at": session.ends_at.isoformat()})


@router.post("/drafts")
def autosave() -> Response:
    """JavaScript autosave of a form (web/assets/app.mjs): the fields are kept under the form's own path."""
    path = safe_next((router.current_event.query_string_parameters or {}).get("path"))
    saved = save_draft(router, path)
    return Response(HTTPStatus.OK if saved else HTTPStatus.REQUEST_ENTITY_TOO_LARGE, content_types.APPLICATION_JSON, {"saved": saved})


@router.get("/health")
def health() -> Response:
    return Response(HTTPStatus.OK, content_types.TEXT_PLAIN, "ok")


@router.get("/accessibility")
def accessibility_statement() -> Response:
    return render_html("accessibility.html", title="Accessibility statement")


@router.get("/privacy")
def privacy_notice() -> Response:
    """States how long each council keeps what it holds, from its configuration (the periods the platform enforces)."""
    return render_html("privacy.html", title="Privacy", councils=sorted(councils(), key=lambda council: council.name))


def _one(field_id: str, message: str) -> Errors:
    errors = Errors()
    errors.add(field_id, message)
    return errors
