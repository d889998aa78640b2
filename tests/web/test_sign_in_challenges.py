"""Cognito's challenges after the password: a first sign-in's new password, setting up the authenticator, its code.

The user pool in AWS requires TOTP MFA; moto issues the same challenges when a user is in the same state.
"""

from __future__ import annotations

import boto3
import pytest

from shared.resources import DEFAULT_REGION, Role, council_group
from tests.web.conftest import Browser

TEMPORARY = "Temporary-Pass-2026!"
CHOSEN = "Chosen-Password-2026!"


@pytest.fixture
def cognito():
    return boto3.client("cognito-idp", region_name=DEFAULT_REGION)


def new_staff(cognito, stack, email: str, *, temporary: bool) -> str:
    cognito.admin_create_user(
        UserPoolId=stack.user_pool_id, Username=email, MessageAction="SUPPRESS", TemporaryPassword=TEMPORARY,
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
    )
    if not temporary:
        cognito.admin_set_user_password(UserPoolId=stack.user_pool_id, Username=email, Password=CHOSEN, Permanent=True)
    cognito.admin_add_user_to_group(UserPoolId=stack.user_pool_id, Username=email, GroupName=council_group("NORTHSHIRE", Role.CASEWORKER))
    return email


@pytest.fixture
def mfa_required(cognito, stack):
    """The pool as deployed: TOTP MFA on (the local pool leaves it off so the demo logins need no phone)."""
    cognito.set_user_pool_mfa_config(
        UserPoolId=stack.user_pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="ON")
    yield
    cognito.set_user_pool_mfa_config(UserPoolId=stack.user_pool_id, MfaConfiguration="OFF")


def test_first_sign_in_sets_a_password_then_an_authenticator(browser: Browser, cognito, stack, mfa_required):
    email = new_staff(cognito, stack, "first.time@example.gov.uk", temporary=True)
    page = browser.sign_in(email, TEMPORARY, next_path="/search")
    assert page.status == 303 and page.location == "/sign-in/new-password"

    form = browser.get("/sign-in/new-password")
    assert form.title == "Create a new password - Blue Badge casework"
    mismatch = browser.post("/sign-in/new-password", {"password": CHOSEN, "password-again": "other", "csrf_token": form.csrf_token})
    assert mismatch.status == 400 and "Enter the same password twice" in mismatch.text
    weak = browser.post("/sign-in/new-password", {"password": "short", "password-again": "short", "csrf_token": form.csrf_token})
    assert weak.status == 400 and "Choose a different password" in weak.text
    page = browser.post("/sign-in/new-password", {"password": CHOSEN, "password-again": CHOSEN, "csrf_token": form.csrf_token})
    assert page.status == 303 and page.location == "/sign-in/authenticator"

    setup = browser.get("/sign-in/authenticator")
    assert "Enter this key" in setup.text and 'autocomplete="one-time-code"' in setup.html
    bad = browser.post("/sign-in/authenticator", {"code": "12ab", "csrf_token": setup.csrf_token})
    assert bad.status == 400 and "Enter the 6-digit code" in bad.text
    page = browser.post("/sign-in/authenticator", {"code": "123 456", "csrf_token": setup.csrf_token})
    assert page.status == 303 and page.location == "/search"
    assert browser.get("/search").status == 200
    assert "casework_sign_in_step" not in browser.cookies


def test_an_enrolled_user_gives_the_code_after_the_password(browser: Browser, cognito, stack):
    email = new_staff(cognito, stack, "enrolled@example.gov.uk", temporary=False)
    tokens = cognito.initiate_auth(ClientId=stack.user_pool_client_id, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": email, "PASSWORD": CHOSEN})["AuthenticationResult"]
    cognito.associate_software_token(AccessToken=tokens["AccessToken"])
    cognito.verify_software_token(AccessToken=tokens["AccessToken"], UserCode="123456")
    cognito.admin_set_user_mfa_preference(UserPoolId=stack.user_pool_id, Username=email,
                                          SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})

    page = browser.sign_in(email, CHOSEN)
    assert page.location == "/sign-in/code"
    assert "casework_session" not in browser.cookies  # no session before the code
    form = browser.get("/sign-in/code")
    assert browser.get("/").status == 303
    page = browser.post("/sign-in/code", {"code": "654321", "csrf_token": form.csrf_token})
    assert page.status == 303 and page.location == "/"
    assert browser.get("/").status == 200


def test_a_challenge_page_without_a_sign_in_in_progress_starts_again(browser: Browser):
    page = browser.get("/sign-in/code")
    assert page.status == 400 and "sign in again" in page.text
    page = browser.post("/sign-in/code", {"code": "123456", "csrf_token": "x"})
    assert page.status == 400


def test_a_challenge_answer_needs_its_own_csrf_token(browser: Browser, cognito, stack):
    email = new_staff(cognito, stack, "forged.answer@example.gov.uk", temporary=True)
    browser.sign_in(email, TEMPORARY)
    page = browser.post("/sign-in/new-password", {"password": CHOSEN, "password-again": CHOSEN, "csrf_token": "forged"})
    assert page.status == 400 and "casework_session" not in browser.cookies
