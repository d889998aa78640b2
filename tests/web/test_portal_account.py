"""Partners' way into the portal: registering only from an approved agency domain (the real pre-sign-up trigger), the
emailed code, the authenticator's set-up on the first sign-in and its code after, signing out, and the session's
account check (a suspended partner or a removed domain ends it)."""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest

from shared.core.domain.case import utcnow
from shared.resources import DEFAULT_REGION
from tests.web.conftest import Browser
from tests.web.portal_fixtures import CODE, approve, directory, new_partner, portal_sign_in, register
from web.partner_session import PartnerSession, partner_sessions
from web.sessions import ACCOUNT_CHECK_EVERY

NORTHSHIRE, VALEWYE = "NORTHSHIRE", "VALEWYE"
DOMAIN = "account-tests.sch.example"


@pytest.fixture(scope="module", autouse=True)
def school(stack):
    return approve(NORTHSHIRE, "account-tests-school", DOMAIN)


def test_the_start_register_and_sign_in_pages_need_no_session_and_warn_to_call_999(browser: Browser):
    for path in ("/portal", "/portal/register", "/portal/sign-in", "/portal/register/confirm"):
        page = browser.get(path)
        assert page.status == 200, path
        assert "If a child is in immediate danger, call 999" in page.text, path
        assert "Family Front Door portal" in page.title


def test_registering_with_an_approved_domain_then_the_code_then_the_authenticator(browser: Browser, stack):
    page = register(browser, NORTHSHIRE, "new.starter@account-tests.sch.example", "New Starter")
    assert page.status == 303 and page.location == "/portal/sign-in?registered=1"
    assert "Your email address is confirmed" in browser.get(page.location).text
    form = browser.get("/portal/sign-in")
    page = browser.post("/portal/sign-in", {"email": "New.Starter@account-tests.sch.example", "password": "Casework-Demo-2026!",
                                            "next": "/portal/home", "csrf_token": form.csrf_token})
    assert page.status == 303 and page.location == "/portal/sign-in/authenticator"  # MFA is required: set it up first
    assert "casework_portal_session" not in browser.cookies
    setup = browser.get("/portal/sign-in/authenticator")
    assert "Enter this key" in setup.text and "call 999" in setup.text
    bad = browser.post("/portal/sign-in/authenticator", {"code": "12ab", "csrf_token": setup.csrf_token})
    assert bad.status == 400 and "Enter the 6-digit code" in bad.text
    page = browser.post("/portal/sign-in/authenticator", {"code": CODE, "csrf_token": setup.csrf_token})
    assert page.status == 303 and page.location == "/portal/home"
    assert "casework_portal_session" in browser.cookies and "casework_session" not in browser.cookies
    home = browser.get("/portal/home")
    assert home.status == 200 and "new.starter@account-tests.sch.example" in home.text and "Account Tests School" in home.text
    # The council now has the account, for its admins.
    account = directory(NORTHSHIRE).account("new.starter@account-tests.sch.example")
    assert account is not None and account.agency_id == "account-tests-school" and not account.suspended

    # The next sign-in asks for the authenticator's code.
    browser.get("/portal/sign-out")
    assert browser.get("/portal/home").location.startswith("/portal/sign-in?next=/portal/home")
    form = browser.get("/portal/sign-in")
    page = browser.post("/portal/sign-in", {"email": "new.starter@account-tests.sch.example", "password": "Casework-Demo-2026!",
                                            "next": "/portal/home", "csrf_token": form.csrf_token})
    assert page.location == "/portal/sign-in/code"


@pytest.mark.parametrize(("council", "email", "message"), [
    (NORTHSHIRE, "someone@elsewhere.example", "Northshire County Council has not approved email addresses ending @elsewhere.example"),
    (VALEWYE, "someone@account-tests.sch.example", "has not approved email addresses ending @account-tests.sch.example"),
    (NORTHSHIRE, "someone@gmail.com", "Enter your work email address"),
])
def test_registering_from_a_domain_the_council_did_not_approve_is_refused_saying_why(browser: Browser, stack, council, email, message):
    page = register(browser, council, email)
    assert page.status == 400
    assert message in page.text and "There is a problem" in page.text
    assert 'href="#email"' in page.html
    cognito = boto3.client("cognito-idp", region_name=DEFAULT_REGION)
    assert not cognito.list_users(UserPoolId=stack.partner_user_pool_id, Filter=f'email = "{email}"')["Users"]


def test_the_registration_form_names_each_missing_answer(browser: Browser):
    form = browser.get("/portal/register")
    page = browser.post("/portal/register", {"csrf_token": form.csrf_token})
    assert page.status == 400
    for message in ("Select the council you work with", "Enter your full name", "Enter your work email address", "Choose a password"):
        assert message in page.text
    expired = browser.post("/portal/register", {"csrf_token": "forged"})
    assert expired.status == 400 and "Your form had expired" in expired.text


def test_a_wrong_password_is_refused_without_saying_whether_the_account_exists(browser: Browser):
    email = new_partner(Browser(), NORTHSHIRE, DOMAIN)
    for who in (email, "nobody@account-tests.sch.example"):
        page = portal_sign_in(browser, who, "Wrong-Password-2026!")
        assert page.status == 401 and "Enter a correct email address and password" in page.text


def test_a_staff_login_cannot_sign_in_to_the_portal(browser: Browser, staff):
    page = portal_sign_in(browser, staff(NORTHSHIRE))
    assert page.status == 401 and "casework_portal_session" not in browser.cookies


def _age_the_account_check(browser: Browser) -> None:
    """As if the last account check was longer ago than ACCOUNT_CHECK_EVERY."""
    store = partner_sessions()
    session = store.find(browser.cookies["casework_portal_session"])
    assert isinstance(session, PartnerSession)
    store._replace(session, {"account_checked_at": session.account_checked_at - ACCOUNT_CHECK_EVERY - timedelta(seconds=1)})


def test_a_suspended_partners_session_ends_at_the_next_account_check(browser: Browser, stack):
    email = new_partner(browser, NORTHSHIRE, DOMAIN)
    boto3.client("cognito-idp", region_name=DEFAULT_REGION).admin_disable_user(UserPoolId=stack.partner_user_pool_id, Username=email)
    assert browser.get("/portal/home").status == 200  # until the next check
    _age_the_account_check(browser)
    page = browser.get("/portal/home")
    assert page.status == 303 and "account_changed=1" in page.location
    assert "casework_portal_session" not in browser.cookies


def test_a_removed_domain_ends_its_partners_sessions_and_refuses_their_sign_in(browser: Browser):
    approve(NORTHSHIRE, "short-lived-agency", "short-lived.sch.example")
    email = new_partner(browser, NORTHSHIRE, "short-lived.sch.example")
    directory(NORTHSHIRE).remove_domain("short-lived.sch.example", "user:test-admin", utcnow())
    _age_the_account_check(browser)
    assert "account_changed=1" in browser.get("/portal/home").location
    page = portal_sign_in(Browser(), email)
    assert page.status == 401 and "has not approved email addresses ending @short-lived.sch.example" in page.text
