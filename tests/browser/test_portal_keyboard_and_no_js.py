"""The Family Front Door portal's cause for concern, from sign-in to the reference, twice: with the keyboard alone (Tab
to move, Space for checkboxes and radios, the arrow keys within a radio group, Enter to press buttons; no mouse click,
and the focus visible on each control reached), and with JavaScript switched off in the browser (the forms, the
conditionally revealed questions and the error summary's links all work without it)."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from infra.local.seed import DEMO_PASSWORD
from shared.resources import PARTNER_COUNCIL_ATTRIBUTE, PARTNER_USER_POOL_NAME

from .conftest import PAGE_TIMEOUT_MS, LocalStack
from .test_keyboard import FOCUS_SHOWN, FOCUS_YELLOW, press_enter, reach
from .test_portal_journey import APPROVED_DOMAIN, CODE

NEGLECT_CONCERN = {  # a complete cause for concern about neglect: label -> what is typed
    "First name": "Robin", "Last name": "Keyboard", "Day": "4", "Month": "5", "Year": "2016", "Address line 1": "1 Mill Lane",
    "Postcode": "NE1 4XF", "Describe your concern about the child, and what happened": "Hungry most days; same clothes all week.",
    "How long have you been concerned?": "Since September", "What have you done about the concern so far?": "Breakfast club offered.",
    "If you did not ask, why not?": "Asking could put the child at greater risk.",
}


def _new_partner(local_stack: LocalStack) -> str:
    """A partner of the seeded Riverside Primary School, as registering and confirming would leave them."""
    cognito = local_stack.client("cognito-idp")
    [pool] = [p["Id"] for p in cognito.list_user_pools(MaxResults=60)["UserPools"] if p["Name"] == PARTNER_USER_POOL_NAME]
    email = f"keys.{secrets.token_hex(3)}@{APPROVED_DOMAIN}"
    cognito.admin_create_user(UserPoolId=pool, Username=email, MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}, {"Name": "name", "Value": "Kay Board"},
        {"Name": f"custom:{PARTNER_COUNCIL_ATTRIBUTE}", "Value": "NORTHSHIRE"}])
    cognito.admin_set_user_password(UserPoolId=pool, Username=email, Password=DEMO_PASSWORD, Permanent=True)
    return email


def _type_into(page: Page, field: Locator, text: str) -> None:
    reach(page, field)
    page.keyboard.type(text)


def _choose(page: Page, group: str, answer: str) -> None:
    """A radio group is one Tab stop (its chosen option, else its first); the arrow keys move within it, choosing as
    they go, and Space chooses the one with the focus."""
    fieldset = page.get_by_role("group", name=group, exact=True)
    wanted = fieldset.get_by_role("radio", name=answer, exact=True)
    for _ in range(80):
        page.keyboard.press("Tab")
        if fieldset.evaluate("el => el.contains(document.activeElement)"):
            break
    else:
        raise AssertionError(f"80 Tab presses never reached the radios of {group!r}")
    for _ in range(fieldset.get_by_role("radio").count()):
        if wanted.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    expect(wanted).to_be_checked()
    assert wanted.evaluate(FOCUS_SHOWN, FOCUS_YELLOW), f"no visible focus on {answer!r}"


def _tick(page: Page, label: str) -> None:
    box = page.get_by_role("checkbox", name=label, exact=True)
    reach(page, box)
    page.keyboard.press("Space")
    expect(box).to_be_checked()


def _press(page: Page, button: str) -> None:
    reach(page, page.get_by_role("button", name=button, exact=True))
    press_enter(page)


def test_a_cause_for_concern_sent_with_the_keyboard_alone(page: Page, local_stack: LocalStack):
    email = _new_partner(local_stack)
    page.goto("/portal/sign-in")
    _type_into(page, page.get_by_label("Work email address"), email)
    _type_into(page, page.get_by_label("Password", exact=True), DEMO_PASSWORD)
    _press(page, "Sign in")
    _type_into(page, page.get_by_label("Security code"), CODE)
    _press(page, "Continue")
    _press(page, "Start a cause for concern")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cause for concern")

    _tick(page, "Neglect")
    _press(page, "Save draft")  # the neglect section is asked once the category is saved
    expect(page.get_by_text("Your draft is saved")).to_be_visible()
    _type_into(page, page.get_by_label("First name"), NEGLECT_CONCERN["First name"])
    _type_into(page, page.get_by_label("Last name"), NEGLECT_CONCERN["Last name"])
    _choose(page, "Is the child unborn?", "No")
    _press(page, "Send to the Family Front Door")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    # The summary's link (Enter) puts the focus in the field it names.
    reach(page, summary.get_by_role("link", name="Enter the child's date of birth"))
    page.keyboard.press("Enter")
    born = page.get_by_role("group", name="Date of birth", exact=True)
    expect(born.get_by_label("Day")).to_be_focused()
    page.keyboard.type(NEGLECT_CONCERN["Day"])
    for part in ("Month", "Year"):
        _type_into(page, born.get_by_label(part), NEGLECT_CONCERN[part])
    for label in ("Address line 1", "Postcode", "Describe your concern about the child, and what happened"):
        _type_into(page, page.get_by_label(label), NEGLECT_CONCERN[label])
    _tick(page, "Food")
    for label in ("How long have you been concerned?", "What have you done about the concern so far?"):
        _type_into(page, page.get_by_label(label), NEGLECT_CONCERN[label])
    _choose(page, "Did you ask the family for consent to this referral?", "No")
    _type_into(page, page.get_by_label("If you did not ask, why not?"), NEGLECT_CONCERN["If you did not ask, why not?"])
    _choose(page, "How soon do you think the child needs a response?", "Routine: the child is not at immediate risk")
    _press(page, "Send to the Family Front Door")
    expect(page.locator(".govuk-panel")).to_contain_text("Sent to the Family Front Door")


@pytest.fixture
def page_without_javascript(chromium: Browser, local_stack: LocalStack):
    context = chromium.new_context(base_url=local_stack.web_url, java_script_enabled=False, viewport={"width": 1280, "height": 900},
                                   locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_a_cause_for_concern_sent_with_javascript_switched_off(page_without_javascript: Page, local_stack: LocalStack):
    page, email = page_without_javascript, _new_partner(local_stack)
    page.goto("/portal/sign-in")
    expect(page.locator("body.govuk-frontend-supported")).to_have_count(0)  # GOV.UK Frontend's scripts never ran
    page.get_by_label("Work email address").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Security code").fill(CODE)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Start a cause for concern").click()
    page.get_by_label("Neglect", exact=True).check()
    page.get_by_role("button", name="Save draft", exact=True).click()
    page.get_by_role("button", name="Send to the Family Front Door").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the child's date of birth")
    page.get_by_role("group", name="Is the child unborn?").get_by_label("No", exact=True).check()
    born = page.get_by_role("group", name="Date of birth", exact=True)
    for label, text in NEGLECT_CONCERN.items():
        (born if label in ("Day", "Month", "Year") else page).get_by_label(label, exact=label in ("Day", "Month", "Year")).fill(text)
    page.get_by_label("Food").check()
    page.get_by_role("group", name="Did you ask the family for consent to this referral?").get_by_label("No", exact=True).check()
    page.get_by_label("Routine: the child is not at immediate risk").check()
    page.get_by_role("button", name="Send to the Family Front Door").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Sent to the Family Front Door")
