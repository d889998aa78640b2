"""A signed-in session is checked against the user pool (moto's Cognito) at least every ACCOUNT_CHECK_EVERY."""

from __future__ import annotations

import uuid
from datetime import timedelta
from unittest import mock

import boto3
import pytest

from shared.core.domain.case import utcnow
from shared.resources import DEFAULT_REGION, Role, council_group
from web.security import session_store
from web.sessions import ACCOUNT_CHECK_EVERY

LATER = ACCOUNT_CHECK_EVERY + timedelta(seconds=1)


@pytest.fixture
def cognito():
    return boto3.client("cognito-idp", region_name=DEFAULT_REGION)


@pytest.fixture
def caseworker(browser, staff):
    """A browser signed in as a caseworker of its own (the account is changed by the tests)."""
    email = staff("NORTHSHIRE", Role.CASEWORKER, email=f"recheck-{uuid.uuid4().hex[:8]}@example.gov.uk")
    assert browser.sign_in(email).status == 303
    return browser, email


def _get_at(browser, moment, path: str = "/"):
    with mock.patch("web.security.utcnow", return_value=moment):
        return browser.get(path)


def test_an_unchanged_account_carries_on_and_is_checked_again_only_after_the_interval(caseworker):
    browser, _ = caseworker
    started = utcnow()
    assert _get_at(browser, started + LATER).status == 200
    session = session_store().find(browser.cookies["casework_session"])
    assert session.account_checked_at == started + LATER
    # Within the interval no call to the user pool is made at all.
    with mock.patch("web.security.user_pool_accounts", side_effect=AssertionError("checked too soon")):
        assert _get_at(browser, started + LATER + ACCOUNT_CHECK_EVERY / 2).status == 200


def test_a_disabled_account_is_signed_out_at_the_next_check(caseworker, cognito, stack):
    browser, email = caseworker
    cognito.admin_disable_user(UserPoolId=stack.user_pool_id, Username=email)
    session_id = browser.cookies["casework_session"]
    assert browser.get("/").status == 200  # checked at sign-in, so not yet
    page = _get_at(browser, utcnow() + LATER, "/queue")
    assert page.status == 303
    assert page.location == "/sign-in?next=/queue&account_changed=1"
    assert "casework_session" not in browser.cookies
    assert session_store().find(session_id) is None  # the old cookie is no use either
    assert "your account was changed by an administrator" in browser.get(page.location).text


@pytest.mark.parametrize(
    ("remove", "add"),
    [
        (Role.CASEWORKER, Role.READ_ONLY),  # a role taken away
        (None, Role.TEAM_LEADER),  # a role added: the session must not go on with the old set either
        (Role.CASEWORKER, None),  # no council left
    ],
)
def test_changed_groups_end_the_session(caseworker, cognito, stack, remove, add):
    browser, email = caseworker
    if remove:
        cognito.admin_remove_user_from_group(UserPoolId=stack.user_pool_id, Username=email, GroupName=council_group("NORTHSHIRE", remove))
    if add:
        cognito.admin_add_user_to_group(UserPoolId=stack.user_pool_id, Username=email, GroupName=council_group("NORTHSHIRE", add))
    page = _get_at(browser, utcnow() + LATER)
    assert page.status == 303 and page.location.endswith("&account_changed=1")
    assert "casework_session" not in browser.cookies


def test_an_account_that_must_reset_its_password_is_signed_out(caseworker, cognito, stack):
    browser, email = caseworker
    cognito.admin_reset_user_password(UserPoolId=stack.user_pool_id, Username=email)
    assert _get_at(browser, utcnow() + LATER).location.endswith("&account_changed=1")


def test_a_post_is_checked_too(caseworker, cognito, stack):
    browser, email = caseworker
    token = browser.get("/").csrf_token
    cognito.admin_disable_user(UserPoolId=stack.user_pool_id, Username=email)
    with mock.patch("web.security.utcnow", return_value=utcnow() + LATER):
        page = browser.post("/session/extend", {"csrf_token": token})
    assert page.status == 303 and page.location.endswith("&account_changed=1")
