"""Signing in and out, sessions, CSRF and work kept when a session ends."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from shared.core.domain.case import utcnow
from shared.resources import Role
from web.security import RESUME_PREFIX, draft_store
from web.sessions import SESSION_IDLE


def test_every_page_needs_a_session(browser):
    page = browser.get("/queue?stage=DECISION")
    assert page.status == 303
    assert page.location == "/sign-in?next=/queue"


def test_sign_in_page_is_a_gov_uk_page_with_security_headers(browser):
    page = browser.get("/sign-in")
    assert page.status == 200
    assert page.title == "Sign in - Blue Badge casework"
    assert 'class="govuk-template' in page.html
    policy = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self' 'nonce-" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in page.html  # GOV.UK's one inline script carries it
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert page.headers["Cache-Control"] == "no-store"


def test_wrong_password_says_so_without_saying_whether_the_account_exists(browser, staff):
    email = staff("NORTHSHIRE", Role.CASEWORKER)
    wrong = browser.sign_in(email, "not-the-password")
    unknown = browser.sign_in("nobody@example.gov.uk", "not-the-password")
    assert wrong.status == unknown.status == 401
    assert "Enter a correct email address and password" in wrong.text
    assert "Enter a correct email address and password" in unknown.text
    assert wrong.title.startswith("Error: ")
    assert 'href="#email"' in wrong.html  # the error summary links to the field


def test_empty_sign_in_names_each_missing_field(browser):
    token = browser.get("/sign-in").csrf_token
    page = browser.post("/sign-in", {"email": "", "password": "", "csrf_token": token})
    assert page.status == 400
    assert "Enter your email address" in page.text and "Enter your password" in page.text


def test_sign_in_form_without_its_cookie_token_is_refused(browser, staff):
    email = staff("NORTHSHIRE", Role.CASEWORKER)
    page = browser.post("/sign-in", {"email": email, "password": "x", "csrf_token": "forged"})
    assert page.status == 400
    assert "casework_session" not in browser.cookies


def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(browser, staff):
    email = staff("NORTHSHIRE", Role.CASEWORKER)
    assert browser.sign_in(email, next_path="/search").location == "/search"
    assert browser.sign_in(email, next_path="//evil.example/x").location == "/"


def test_signed_in_staff_see_their_work(browser, staff):
    email = staff("NORTHSHIRE", Role.CASEWORKER)
    token = browser.get("/sign-in").csrf_token
    page = browser.post("/sign-in", {"email": email, "password": "Casework-Demo-2026!", "csrf_token": token})
    assert page.status == 303
    assert "casework_session" in browser.cookies
    home = browser.get("/")
    assert home.status == 200
    assert "My work" in home.text and email in home.text


def test_post_without_the_csrf_token_is_refused(signed_in):
    browser = signed_in()
    page = browser.post("/session/extend", {})
    assert page.status == 403
    assert "This form has expired" in page.text


def test_sign_out_ends_the_session_for_good(signed_in):
    browser = signed_in()
    session_cookie = browser.cookies["casework_session"]
    page = browser.get("/sign-out")
    assert page.status == 303 and page.location == "/sign-in?signed_out=1"
    browser.cookies["casework_session"] = session_cookie  # replaying the old cookie does not help
    assert browser.get("/").status == 303


def test_session_ends_after_idle_time_and_a_post_then_keeps_the_typed_work(signed_in):
    browser = signed_in()
    token = browser.get("/").csrf_token
    later = utcnow() + SESSION_IDLE + timedelta(minutes=1)
    with mock.patch("web.security.utcnow", return_value=later):
        page = browser.get("/")
        assert page.status == 303 and page.location == "/sign-in?next=/&timed_out=1"
        posted = browser.post("/applications/new", {"holder-surname": "Kept", "csrf_token": token})
    assert posted.status == 303
    assert posted.location == "/sign-in?next=/applications/new&timed_out=1"
    kept = draft_store().load("caseworker.northshire@example.gov.uk", RESUME_PREFIX + "/applications/new")
    assert kept is not None and kept[0] == {"holder-surname": ["Kept"]}
