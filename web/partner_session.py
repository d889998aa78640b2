"""Partner professionals' sessions (the Family Front Door portal), kept apart from staff's in one place.

Every request to a path under PORTAL_PATH is handled here (web/security.py's session middleware hands it over), and
no other path is: a portal page reads only a partner session, from its own cookie and its own items in the session
table (PARTNER_SESSION#...); a staff page reads only a staff session (SESSION#...). So a partner's session id opens no
staff page, whichever cookie it is sent in, and a staff session never counts as a partner.

A partner session is the staff session's model and store (web/sessions.py) with the partner's agency added. Every
ACCOUNT_CHECK_EVERY the partner pool is asked whether the account is still enabled, and the council's allow-list
whether the email's domain still admits the same agency with the same permissions; otherwise the session ends.
"""

from __future__ import annotations

import os
from functools import cache
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import boto3
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.router import Router
from aws_lambda_powertools.shared.cookies import Cookie, SameSite

from shared.bootstrap import councils, partner_directory_for, partner_pool
from shared.core.adapters.staff_sign_in import CognitoSignIn, SignInRefused
from shared.core.domain.case import utcnow
from shared.core.logic.tenancy import Caller
from shared.resources import PORTAL_PATH, Env
from shared.services.family_front_door.domain.agencies import Agency
from shared.services.family_front_door.domain.partners import Partner
from shared.services.family_front_door.logic.partners import PartnerRefused, signed_in_partner
from web.forms import CSRF_FIELD
from web.rendering import redirect, render_html
from web.security import CSRF_HEADER, SAFE_METHODS, _dynamodb, csrf_matches, current_form, logger, request_cookie, secure_cookies
from web.sessions import SessionStore, WebSession

PARTNER_SESSION_COOKIE = "casework_portal_session"
PORTAL_SIGN_IN = f"{PORTAL_PATH}/sign-in"
PORTAL_HOME = f"{PORTAL_PATH}/home"
# The portal's pages a partner reaches before signing in: its start page, signing in and registering.
PORTAL_SIGN_OUT = f"{PORTAL_PATH}/sign-out"
PORTAL_PUBLIC_PATHS = (PORTAL_PATH, PORTAL_SIGN_IN, f"{PORTAL_SIGN_IN}/", PORTAL_SIGN_OUT, f"{PORTAL_PATH}/register",
                       f"{PORTAL_PATH}/register/")
PORTAL_SERVICE_NAME = "Family Front Door portal"


def _portal_public(path: str) -> bool:
    return any(path == public or (public.endswith("/") and path.startswith(public)) for public in PORTAL_PUBLIC_PATHS)


class PartnerSession(WebSession):
    """A signed-in partner: the staff session's fields (no roles, no teams) and the agency the allow-list gave them."""

    partner_id: str
    partner_name: str
    agency: Agency

    @property
    def partner(self) -> Partner:
        assert self.council_code is not None  # a partner always belongs to one council
        return Partner(user_id=self.partner_id, email=self.user, name=self.partner_name, council_code=self.council_code,
                       agency=self.agency)


class PartnerSessionStore(SessionStore):
    KEY_PREFIX = "PARTNER_SESSION#"
    MODEL = PartnerSession

    def start_for(self, partner: Partner) -> tuple[str, PartnerSession]:
        session_id, session = self.start(Caller(user=partner.email, council_code=partner.council_code, roles=frozenset()),
                                         partner_id=partner.user_id, partner_name=partner.name, agency=partner.agency)
        assert isinstance(session, PartnerSession)
        return session_id, session


@cache
def partner_sessions() -> PartnerSessionStore:
    return PartnerSessionStore(_dynamodb(), os.environ[Env.WEB_SESSION_TABLE])


def _partner_from_claims(claims: dict[str, Any]) -> Partner:
    try:
        return signed_in_partner(claims, councils(), partner_directory_for)
    except PartnerRefused as refused:
        raise SignInRefused(str(refused)) from refused


def partner_sign_in() -> CognitoSignIn:
    """The staff sign-in's flow (password, then the authenticator's set-up or code) on the partner pool's client."""
    return _partner_sign_in(os.environ[Env.PARTNER_CLIENT_ID])


@cache
def _partner_sign_in(client_id: str) -> CognitoSignIn:
    return CognitoSignIn(boto3.client("cognito-idp"), client_id, identity=_partner_from_claims)


def partner_cookie(value: str, max_age: int | None = None) -> Cookie:
    return Cookie(name=PARTNER_SESSION_COOKIE, value=value, path=PORTAL_PATH, secure=secure_cookies(), http_only=True,
                  same_site=SameSite.LAX_MODE, max_age=max_age)


def portal_sign_in_location(next_path: str, **flags: bool) -> str:
    location = f"{PORTAL_SIGN_IN}?next={quote(next_path, safe='/')}"
    return location + "".join(f"&{name}=1" for name, on in flags.items() if on)


def _still_admitted(session: PartnerSession) -> bool:
    """The account is enabled and its domain admits the same agency, with the same permissions, as at sign-in."""
    if not partner_pool().active(session.user):
        return False
    try:
        current = signed_in_partner({"email": session.user, "custom:council": session.council_code}, councils(), partner_directory_for)
    except PartnerRefused:
        return False
    return current.agency == session.agency


def partner_session_middleware(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response:
    """The portal's half of the session middleware (web/security.py checked the form and handed the request over)."""
    event = app.current_event
    path, method = event.path, event.http_method.upper()
    if _portal_public(path):
        return next_middleware(app)
    now = utcnow()
    session_id = request_cookie(app, PARTNER_SESSION_COOKIE)
    session = partner_sessions().find(session_id)
    if session is None or not session.active(now):
        return redirect(portal_sign_in_location(path if method in SAFE_METHODS else PORTAL_HOME, timed_out=session is not None))
    assert isinstance(session, PartnerSession)
    account_check_due = session.account_check_due(now)
    if account_check_due and not _still_admitted(session):
        partner_sessions().end(session_id)
        logger.info("partner session ended: the account is suspended or its agency changed", extra={"user": session.user})
        return redirect(portal_sign_in_location(path, account_changed=True), cookies=[partner_cookie("", max_age=0)])
    if method not in SAFE_METHODS and not csrf_matches(session.csrf_token, current_form(app).get(CSRF_FIELD) or event.headers.get(CSRF_HEADER)):
        logger.warning("CSRF token missing or wrong", extra={"path": path, "user": session.user})
        return render_portal("portal/error.html", HTTPStatus.FORBIDDEN, title="This form has expired",
                             message="Go back, reload the page and send the form again.")
    session = partner_sessions().account_checked(session, now) if account_check_due else partner_sessions().touch(session, now)
    logger.append_keys(council_code=session.council_code, user=session.user)
    app.append_context(partner_session=session)
    return next_middleware(app)


def partner_session(router: Router | APIGatewayRestResolver) -> PartnerSession:
    return router.context["partner_session"]


def current_partner(router: Router) -> Partner:
    return partner_session(router).partner


def render_portal(template: str, status: HTTPStatus = HTTPStatus.OK, *, session: PartnerSession | None = None,
                  **context: Any) -> Response:
    """A portal page: the portal's header (the partner, their agency, sign out) and the 999 warning on every page.
    `session` is passed to the layout as `partner_session` only: the staff layout's session parts stay off."""
    context.setdefault("csrf_token", session.csrf_token if session else None)
    return render_html(template, status, serviceName=PORTAL_SERVICE_NAME, partner_session=session, portal_path=PORTAL_PATH, **context)


def portal_page(router: Router, template: str, status: HTTPStatus = HTTPStatus.OK, **context: Any) -> Response:
    """A page for the signed-in partner."""
    session = partner_session(router)
    return render_portal(template, status, session=session, partner=session.partner, current_path=router.current_event.path,
                         **context)


def portal_not_found(router: Router) -> Response:
    """What a submission or draft that is not the partner's to see answers: the same page as one that does not exist."""
    return portal_page(router, "portal/error.html", HTTPStatus.NOT_FOUND, title="Page not found",
                       message="If you typed the web address, check it is correct.")
