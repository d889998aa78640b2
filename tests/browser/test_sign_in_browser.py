"""Signing in and out in a real browser: the demo logins, the keyboard alone, the session-timeout warning, and axe on
the sign-in page and My work."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from shared.resources import Role

from .conftest import check_accessibility, demo_user, screenshot, sign_in, sign_out, tab_to

# GOV.UK Frontend's focus state: a yellow outline (links, buttons) or a thick box-shadow border (inputs).
HAS_FOCUS_STYLE = "el => getComputedStyle(el).outlineStyle !== 'none' || getComputedStyle(el).boxShadow !== 'none'"


def test_a_caseworker_signs_in_with_a_demo_login_and_signs_out(page: Page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/$"))  # no page without a session
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check_accessibility(page)
    screenshot(page, "sign-in")

    caseworker = demo_user("NORTHSHIRE", Role.CASEWORKER)
    sign_in(page, caseworker)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(page.locator(".app-account")).to_contain_text(caseworker.username)  # the header, not queue cells
    expect(page.get_by_role("link", name="Team queue", exact=True)).to_be_visible()
    check_accessibility(page)
    screenshot(page, "my-work")

    sign_out(page)
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/$"))  # the session is gone, not just the page


def test_a_wrong_password_is_shown_in_an_accessible_error_summary(page: Page):
    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill(demo_user().username)
    page.get_by_label("Password", exact=True).fill("not-the-password")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("alert")).to_contain_text("Enter a correct email address and password")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves the focus to the summary, so screen readers announce it
    summary.get_by_role("link").click()  # and its link leads to the field
    expect(page.get_by_label("Email address", exact=True)).to_be_focused()
    check_accessibility(page)
    screenshot(page, "sign-in-error")


def test_signing_in_with_the_keyboard_alone(page: Page):
    page.goto("/sign-in")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()  # the first stop skips the header

    email = page.get_by_label("Email address", exact=True)
    tab_to(page, email)
    assert email.evaluate(HAS_FOCUS_STYLE)
    page.keyboard.type(demo_user("NORTHSHIRE", Role.TEAM_LEADER).username)
    password = page.get_by_label("Password", exact=True)
    tab_to(page, password)
    assert password.evaluate(HAS_FOCUS_STYLE)
    page.keyboard.type("Casework-Demo-2026!")
    button = page.get_by_role("button", name="Sign in")
    tab_to(page, button)
    assert button.evaluate(HAS_FOCUS_STYLE)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")


def test_the_session_timeout_warning_offers_to_stay_signed_in_and_then_signs_out(page: Page):
    # The page's timers run on Playwright's clock, so half an hour passes in an instant (the server's session,
    # 30 minutes idle, is not shortened: its end is tested in tests/web/test_sign_in.py).
    page.clock.install()
    sign_in(page, demo_user())
    dialog = page.get_by_role("dialog", name="You're about to be signed out")
    expect(dialog).to_be_hidden()

    page.clock.fast_forward("25:01")  # 5 minutes before the 30-minute idle limit
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("we will sign you out in 5 minutes")
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()  # a modal dialog takes the focus
    check_accessibility(page)
    screenshot(page, "session-timeout-warning")

    with page.expect_response("**/session/extend") as extended:
        stay.click()
    assert extended.value.ok
    expect(dialog).to_be_hidden()

    page.clock.fast_forward("25:01")  # the timer restarted: warned again ...
    expect(dialog).to_be_visible()
    with page.expect_response("**/session/extend") as extended:
        page.keyboard.press("Escape")  # ... where Esc keeps the session too (it is not "sign me out") ...
    assert extended.value.ok
    expect(dialog).to_be_hidden()

    page.clock.fast_forward("25:01")  # ... so the timer restarted: warned again ...
    expect(dialog).to_be_visible()
    with page.expect_navigation():
        page.clock.fast_forward("05:00")  # ... and signed out at the end
    expect(page).to_have_url(re.compile(r"/sign-in\?timed_out=1&next=%2F$"))
    expect(page.get_by_text("You were signed out because you had not done anything for a while")).to_be_visible()
