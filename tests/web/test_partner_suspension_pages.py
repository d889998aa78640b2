"""Suspending and re-enabling a partner through the admin page, with AWS failing at the user pool's call or at the
audited write: the page says what is true (503), the partner is never able to sign in while the record says suspended,
and trying again completes it."""

from __future__ import annotations

import boto3
import pytest

from shared.resources import DEFAULT_REGION, Role
from tests.integration.fault_injection import DDB_THROTTLED, Fault, FaultInjector
from tests.web.conftest import Browser
from tests.web.portal_fixtures import approve, directory, new_partner

NORTHSHIRE = "NORTHSHIRE"
DOMAIN = "suspension-tests.sch.example"
COGNITO_THROTTLED = Fault("Cognito throttling", "TooManyRequestsException", "Too many requests")


@pytest.fixture(scope="module", autouse=True)
def school(stack):
    return approve(NORTHSHIRE, "suspension-tests-school", DOMAIN)


def _enabled(stack, email: str) -> bool:
    cognito = boto3.client("cognito-idp", region_name=DEFAULT_REGION)
    return cognito.admin_get_user(UserPoolId=stack.partner_user_pool_id, Username=email)["Enabled"]


def test_faults_at_the_user_pool_and_at_the_write_leave_a_true_state_and_say_it(browser: Browser, staff, stack):
    email = new_partner(Browser(), NORTHSHIRE, DOMAIN, "Fault Person")
    browser.sign_in(staff(NORTHSHIRE, Role.COUNCIL_ADMIN))
    token = browser.get("/partners").csrf_token
    faults = FaultInjector()
    with faults.installed():
        faults.arm(COGNITO_THROTTLED, "cognito-idp", "AdminDisableUser")
        page = browser.post("/partners/accounts/suspend", {"email": email, "csrf_token": token})
        assert page.status == 503 and "is not suspended: the user pool did not disable the account (Too many requests)" in page.text
        assert _enabled(stack, email) and not directory(NORTHSHIRE).account(email).suspended

        faults.arm(DDB_THROTTLED, "dynamodb", "TransactWriteItems")
        page = browser.post("/partners/accounts/suspend", {"email": email, "csrf_token": token})
        assert page.status == 503 and "account is disabled, so they cannot sign in, but the suspension could not be recorded" in page.text
        assert not _enabled(stack, email) and not directory(NORTHSHIRE).account(email).suspended

    assert browser.post("/partners/accounts/suspend", {"email": email, "csrf_token": token}).status == 303  # again: recorded
    assert not _enabled(stack, email) and directory(NORTHSHIRE).account(email).suspended

    with faults.installed():
        faults.arm(DDB_THROTTLED, "dynamodb", "TransactWriteItems")
        page = browser.post("/partners/accounts/enable", {"email": email, "csrf_token": token})
        assert page.status == 503 and "could not be recorded, so the account was disabled again" in page.text
        assert not _enabled(stack, email) and directory(NORTHSHIRE).account(email).suspended

    assert browser.post("/partners/accounts/enable", {"email": email, "csrf_token": token}).status == 303
    assert _enabled(stack, email) and not directory(NORTHSHIRE).account(email).suspended
