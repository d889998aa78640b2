"""The portal's way in for partner professionals: its start page, registering (sign up with a work email on an approved
agency domain, confirm the emailed code), signing in (password, then setting up an authenticator app or giving its
code: the staff sign-in's flow on the partner pool) and signing out.

The forms before sign-in carry a double-submit token (an HttpOnly SameSite=Strict cookie), as the staff sign-in does.
"""

from __future__ import annotations

import secrets
from http import HTTPStatus

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import Router
from aws_lambda_powertools.shared.cookies import Cookie, SameSite

from shared.bootstrap import councils, partner_directory_for, partner_registration
from shared.core.adapters.staff_sign_in import MFA_CODE, MFA_SETUP, Challenge, ChallengeAnswerRefused, SignInRefused
from shared.core.domain.case import utcnow
from shared.core.domain.formats import refused_character
from shared.resources import PORTAL_PATH
from shared.services.family_front_door import SERVICE_KEY
from shared.services.family_front_door.adapters.partner_accounts import RegistrationRefused
from shared.services.family_front_door.domain.partners import Partner
from shared.services.family_front_door.logic.partners import first_sign_in
from web.forms import CSRF_FIELD, Errors
from web.page import posted
from web.pages.account import MAX_CREDENTIAL_LENGTH, _six_digits, safe_next
from web.partner_session import (
    PARTNER_SESSION_COOKIE,
    PORTAL_HOME,
    PORTAL_SIGN_IN,
    PORTAL_SIGN_OUT,
    partner_cookie,
    partner_sessions,
    partner_sign_in,
    render_portal,
)
from web.rendering import redirect
from web.security import csrf_matches, logger, pending_sign_ins, request_cookie, secure_cookies
from web.sessions import SESSION_MAX, PendingSignIn

router = Router()

FORM_COOKIE = "casework_portal_form"  # double-submit token of the forms before sign-in
PENDING_COOKIE = "casework_portal_sign_in_step"
REGISTERING_COOKIE = "casework_portal_registering"  # the email being confirmed, between registering and its code
REGISTER = f"{PORTAL_PATH}/register"
CONFIRM = f"{REGISTER}/confirm"
CHALLENGE_PAGES = {MFA_SETUP: f"{PORTAL_SIGN_IN}/authenticator", MFA_CODE: f"{PORTAL_SIGN_IN}/code"}
CHALLENGE_TITLES = {MFA_SETUP: "Set up your authenticator app", MFA_CODE: "Enter your security code"}
MAX_NAME_LENGTH = 200


def _cookie(name: str, value: str, path: str, max_age: int | None = None) -> Cookie:
    return Cookie(name=name, value=value, path=path, secure=secure_cookies(), http_only=True, same_site=SameSite.STRICT_MODE,
                  max_age=max_age)


def _public_page(template: str, status: HTTPStatus = HTTPStatus.OK, **context) -> Response:
    """A page before sign-in, with a fresh double-submit token for its form."""
    token = secrets.token_urlsafe(32)
    response = render_portal(template, status, form_token=token, **context)
    response.cookies.append(_cookie(FORM_COOKIE, token, PORTAL_PATH))
    return response


def _form_token_matches() -> bool:
    return csrf_matches(request_cookie(router, FORM_COOKIE) or "", posted(router).get(CSRF_FIELD))


def _portal_next(path: str | None) -> str:
    """Only a portal page: a partner session opens nothing else."""
    path = safe_next(path)
    return path if path.startswith(f"{PORTAL_PATH}/") else PORTAL_HOME


def _portal_councils() -> list:
    return sorted((council for council in councils() if council.runs(SERVICE_KEY)), key=lambda council: council.name)


@router.get(PORTAL_PATH)
def start() -> Response:
    return render_portal("portal/start.html", title="Family Front Door: tell us you are worried about a child",
                         councils=_portal_councils())


# ------------------------------------------------------------------ registering
def _register_page(status: HTTPStatus = HTTPStatus.OK, errors: Errors | None = None, **values: str) -> Response:
    return _public_page("portal/register.html", status, title="Register for the Family Front Door portal", errors=errors,
                        councils=_portal_councils(), values=values, back=PORTAL_PATH)


@router.get(REGISTER)
def register_form() -> Response:
    return _register_page()


@router.post(REGISTER)
def register() -> Response:
    form = posted(router)
    values = {"council": form.get("council"), "name": form.get("name"), "email": form.get("email").lower()}
    password, again = form.fields.get("password", [""])[-1], form.fields.get("password-again", [""])[-1]
    if not _form_token_matches():
        return _register_page(HTTPStatus.BAD_REQUEST, _one("council", "Your form had expired: fill it in again"), **values)
    errors = Errors()
    if values["council"] not in {council.code for council in _portal_councils()}:
        errors.add("council", "Select the council you work with")
    if not values["name"]:
        errors.add("name", "Enter your full name")
    elif len(values["name"]) > MAX_NAME_LENGTH or refused_character(values["name"], multi_line=False):
        errors.add("name", f"Enter your name in {MAX_NAME_LENGTH} characters or fewer, without special characters")
    if not values["email"]:
        errors.add("email", "Enter your work email address")
    elif len(values["email"]) > MAX_CREDENTIAL_LENGTH or "@" not in values["email"]:
        errors.add("email", "Enter your work email address, like name@school.example.sch.uk")
    if not password:
        errors.add("password", "Choose a password")
    elif len(password) > MAX_CREDENTIAL_LENGTH:
        errors.add("password", f"Password must be {MAX_CREDENTIAL_LENGTH} characters or fewer")
    elif password != again:
        errors.add("password-again", "Enter the same password twice")
    if not errors:
        try:
            partner_registration().sign_up(values["email"], password, values["name"], values["council"])
        except RegistrationRefused as refused:
            errors.add(refused.field, str(refused))
    if errors:
        return _register_page(HTTPStatus.BAD_REQUEST, errors, **values)
    logger.info("partner registered, waiting for the emailed code", extra={"council_code": values["council"]})
    return redirect(CONFIRM, cookies=[_cookie(REGISTERING_COOKIE, values["email"], REGISTER, max_age=24 * 3600)])


def _confirm_page(status: HTTPStatus = HTTPStatus.OK, errors: Errors | None = None, resent: bool = False) -> Response:
    return _public_page("portal/confirm.html", status, title="Enter the code we emailed you", errors=errors, resent=resent,
                        email=request_cookie(router, REGISTERING_COOKIE) or "")


@router.get(CONFIRM)
def confirm_form() -> Response:
    return _confirm_page()


@router.post(CONFIRM)
def confirm() -> Response:
    form = posted(router)
    email = (request_cookie(router, REGISTERING_COOKIE) or form.get("email")).lower()
    if not _form_token_matches():
        return _confirm_page(HTTPStatus.BAD_REQUEST, _one("code", "Your form had expired: enter the code again"))
    errors = Errors()
    if not email:
        errors.add("email", "Enter the email address you registered with")
    code = form.get("code").replace(" ", "")
    if not (code.isdigit() and 4 <= len(code) <= 10):
        errors.add("code", "Enter the code from the email we sent you")
    if form.get("action") == "resend" and email:
        try:
            partner_registration().resend(email)
        except RegistrationRefused as refused:
            return _confirm_page(HTTPStatus.BAD_REQUEST, _one("code", str(refused)))
        return _confirm_page(resent=True)
    if not errors:
        try:
            partner_registration().confirm(email, code)
        except RegistrationRefused as refused:
            errors.add(refused.field, str(refused))
    if errors:
        return _confirm_page(HTTPStatus.BAD_REQUEST, errors)
    return redirect(f"{PORTAL_SIGN_IN}?registered=1", cookies=[_cookie(REGISTERING_COOKIE, "", REGISTER, max_age=0)])


# ------------------------------------------------------------------ signing in and out
def _sign_in_page(status: HTTPStatus = HTTPStatus.OK, errors: Errors | None = None, email: str = "", next_path: str = PORTAL_HOME,
                  **flags: bool) -> Response:
    return _public_page("portal/sign_in.html", status, title="Sign in to the Family Front Door portal", errors=errors,
                        email=email, next_path=next_path, **flags)


@router.get(PORTAL_SIGN_IN)
def sign_in_form() -> Response:
    query = router.current_event.query_string_parameters or {}
    flags = {name: query.get(name) == "1" for name in ("timed_out", "signed_out", "account_changed", "registered")}
    return _sign_in_page(next_path=_portal_next(query.get("next")), **flags)


@router.post(PORTAL_SIGN_IN)
def sign_in() -> Response:
    form = posted(router)
    email, password, next_path = form.get("email").lower(), form.fields.get("password", [""])[-1], _portal_next(form.get("next"))
    if not _form_token_matches():
        return _sign_in_page(HTTPStatus.BAD_REQUEST, _one("email", "Your sign-in form had expired: sign in again"), email, next_path)
    errors = Errors()
    if not email or len(email) > MAX_CREDENTIAL_LENGTH:
        errors.add("email", "Enter your email address")
    if not password or len(password) > MAX_CREDENTIAL_LENGTH:
        errors.add("password", "Enter your password")
    if errors:
        return _sign_in_page(HTTPStatus.BAD_REQUEST, errors, email, next_path)
    try:
        outcome = partner_sign_in().sign_in(email, password)
    except SignInRefused as refused:
        logger.info("partner sign-in refused", extra={"reason": str(refused)})
        return _sign_in_page(HTTPStatus.UNAUTHORIZED, _one("email", str(refused)), email, next_path)
    return _carry_on(outcome, next_path)


def _carry_on(outcome: Partner | Challenge, next_path: str, pending_id: str | None = None) -> Response:
    if isinstance(outcome, Challenge):
        if outcome.name not in CHALLENGE_PAGES:  # partners choose their own password: no new-password step
            return _sign_in_page(HTTPStatus.UNAUTHORIZED, _one("email", "Your account cannot sign in here yet: ask the council's Family Front Door"))
        pending_id = pending_id or secrets.token_urlsafe(32)
        pending_sign_ins().save(pending_id, PendingSignIn(
            challenge_name=outcome.name, username=outcome.username, cognito_session=outcome.session, secret_code=outcome.secret_code,
            next_path=next_path, csrf_token=secrets.token_urlsafe(32), started_at=utcnow()))
        return redirect(CHALLENGE_PAGES[outcome.name], cookies=[_cookie(PENDING_COOKIE, pending_id, PORTAL_SIGN_IN)])
    pending_sign_ins().end(pending_id)
    partner_sessions().end(request_cookie(router, PARTNER_SESSION_COOKIE))  # a fresh id at every sign-in
    first_sign_in(outcome, partner_directory_for(outcome.council_code), utcnow())
    session_id, _ = partner_sessions().start_for(outcome)
    logger.info("partner signed in", extra={"council_code": outcome.council_code, "agency_id": outcome.agency.agency_id})
    return redirect(next_path, cookies=[partner_cookie(session_id, int(SESSION_MAX.total_seconds())),
                                        _cookie(PENDING_COOKIE, "", PORTAL_SIGN_IN, max_age=0)])


def _pending(step: str) -> tuple[str, PendingSignIn] | None:
    pending_id = request_cookie(router, PENDING_COOKIE)
    pending = pending_sign_ins().find(pending_id)
    return (pending_id, pending) if pending is not None and pending_id and pending.challenge_name == step else None


def _start_again() -> Response:
    return _sign_in_page(HTTPStatus.BAD_REQUEST, _one("email", "Signing in took too long: sign in again"))


def _challenge_page(step: str, pending: PendingSignIn, status: HTTPStatus = HTTPStatus.OK, errors: Errors | None = None) -> Response:
    key = pending.secret_code or ""
    return render_portal("portal/sign_in_challenge.html", status, title=CHALLENGE_TITLES[step], step=step, errors=errors,
                         csrf_token=pending.csrf_token, action=CHALLENGE_PAGES[step], start_again=PORTAL_SIGN_IN,
                         secret_key_groups=[key[i:i + 4] for i in range(0, len(key), 4)])


@router.get(CHALLENGE_PAGES[MFA_SETUP])
def authenticator_form() -> Response:
    found = _pending(MFA_SETUP)
    if found is None:
        return _start_again()
    pending_id, pending = found
    if pending.secret_code is None:
        try:
            started = partner_sign_in().start_authenticator_setup(Challenge(pending.challenge_name, pending.username, pending.cognito_session))
        except SignInRefused:
            return _start_again()
        pending = pending.model_copy(update={"cognito_session": started.session, "secret_code": started.secret_code})
        pending_sign_ins().save(pending_id, pending)
    return _challenge_page(MFA_SETUP, pending)


@router.get(CHALLENGE_PAGES[MFA_CODE])
def code_form() -> Response:
    found = _pending(MFA_CODE)
    return _challenge_page(MFA_CODE, found[1]) if found else _start_again()


def _answer(step: str) -> Response:
    found = _pending(step)
    if found is None:
        return _start_again()
    pending_id, pending = found
    form = posted(router)
    if not csrf_matches(pending.csrf_token, form.get(CSRF_FIELD)):
        return _start_again()
    errors = Errors()
    code = _six_digits(form, errors)
    if errors:
        return _challenge_page(step, pending, HTTPStatus.BAD_REQUEST, errors)
    challenge = Challenge(pending.challenge_name, pending.username, pending.cognito_session, pending.secret_code)
    flow = partner_sign_in()
    try:
        outcome = flow.finish_authenticator_setup(challenge, code) if step == MFA_SETUP else flow.give_code(challenge, code)
    except ChallengeAnswerRefused as refused:
        return _challenge_page(step, pending, HTTPStatus.BAD_REQUEST, _one("code", str(refused)))
    except SignInRefused as refused:
        pending_sign_ins().end(pending_id)
        return _sign_in_page(HTTPStatus.UNAUTHORIZED, _one("email", str(refused)))
    return _carry_on(outcome, pending.next_path, pending_id)


@router.post(CHALLENGE_PAGES[MFA_SETUP])
def authenticator() -> Response:
    return _answer(MFA_SETUP)


@router.post(CHALLENGE_PAGES[MFA_CODE])
def code() -> Response:
    return _answer(MFA_CODE)


@router.get(PORTAL_SIGN_OUT)
def sign_out() -> Response:
    partner_sessions().end(request_cookie(router, PARTNER_SESSION_COOKIE))
    return redirect(f"{PORTAL_SIGN_IN}?signed_out=1", cookies=[partner_cookie("", max_age=0)])


def _one(field_id: str, message: str) -> Errors:
    errors = Errors()
    errors.add(field_id, message)
    return errors
