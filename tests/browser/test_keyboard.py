"""The decision journey with the keyboard alone: Tab and Shift+Tab to move, Enter to follow links and press
buttons, Space and the arrow keys for radios. No mouse clicks. Each control reached must show GOV.UK's focus
state, so a sighted keyboard user can see where they are."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Locator, Page, expect

from .conftest import LocalStack, tab_to
from .test_journeys import CASEWORKER, at_stage, case_at_decision, reload_until, stage_tag

FOCUS_YELLOW = "rgb(255, 221, 0)"  # GOV.UK Frontend's $govuk-focus-colour
# Where the focus shows: the control's outline, background or box-shadow (text inputs, links, buttons), or for a
# radio or checkbox (whose input is invisible) the ring drawn around its label's ::before.
FOCUS_SHOWN = """(el, yellow) => {
    if (el !== document.activeElement) return false;
    const styles = el.matches('.govuk-radios__input, .govuk-checkboxes__input')
        ? [getComputedStyle(el.nextElementSibling, '::before')] : [getComputedStyle(el)];
    return styles.some(s => [s.outlineColor, s.backgroundColor, s.boxShadow].some(value => value.includes(yellow))
                            && (s.outlineStyle !== 'none' || s.backgroundColor.includes(yellow) || s.boxShadow !== 'none'));
}"""


def reach(page: Page, target: Locator) -> None:
    """Tab to `target` and check the focus can be seen on it."""
    tab_to(page, target, max_presses=80)
    assert target.evaluate(FOCUS_SHOWN, FOCUS_YELLOW), f"no visible focus on {target}"


def press_enter(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_decision_taken_with_the_keyboard_alone(page: Page, local_stack: LocalStack):
    case_id = case_at_decision(local_stack)

    # Following a link to the case without a session leads to sign-in, and back to the case afterwards.
    page.goto(f"/cases/{case_id}")
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))
    reach(page, page.get_by_label("Email address", exact=True))
    page.keyboard.type(CASEWORKER.username)
    reach(page, page.get_by_label("Password", exact=True))
    page.keyboard.type("Casework-Demo-2026!")
    reach(page, page.get_by_role("button", name="Sign in"))
    press_enter(page)
    expect(page).to_have_url(re.compile(rf"/cases/{case_id}$"))

    decide = page.get_by_role("button", name="Decide the application", exact=True)
    reload_until(page, decide, "the decision to be open")
    reach(page, decide)
    press_enter(page)

    # The outcome: Tab into the radio group, the arrow keys move between its options, Space chooses.
    expect(page.get_by_role("heading", level=1)).to_have_text("Decide the application")
    approve = page.get_by_role("radio", name="Approve and order the badge")
    refuse = page.get_by_role("radio", name="Refuse")
    reach(page, approve)
    page.keyboard.press("Space")
    expect(approve).to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(refuse).to_be_focused()
    expect(refuse).to_be_checked()
    page.keyboard.press("ArrowUp")
    expect(approve).to_be_checked()
    assert approve.evaluate(FOCUS_SHOWN, FOCUS_YELLOW)
    reach(page, page.get_by_role("button", name="Continue"))
    press_enter(page)

    # The order: a start date typed in the date input, delivery changed with the arrow keys.
    expect(page.get_by_role("heading", level=1)).to_have_text("Order the badge")
    start = date.today() + timedelta(days=7)
    for part, value in (("Day", start.day), ("Month", start.month), ("Year", start.year)):
        reach(page, page.get_by_role("textbox", name=part))
        page.keyboard.type(str(value))
    home = page.get_by_role("radio", name="The holder's home")
    reach(page, home)  # the checked option of a group is its Tab stop
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="The council, for the holder to collect")).to_be_checked()
    page.keyboard.press("ArrowUp")
    expect(home).to_be_checked()
    reach(page, page.get_by_role("button", name="Continue"))
    press_enter(page)

    # Check your answers: Shift+Tab goes back over the page as Tab went forward.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.locator(".govuk-summary-list")).to_contain_text(f"{start.day} {start:%B %Y}")
    send = page.get_by_role("button", name="Send the decision")
    reach(page, send)
    page.keyboard.press("Shift+Tab")
    change_delivery = page.get_by_role("link", name="Change the delivery")
    expect(change_delivery).to_be_focused()
    assert change_delivery.evaluate(FOCUS_SHOWN, FOCUS_YELLOW)
    page.keyboard.press("Tab")
    expect(send).to_be_focused()
    press_enter(page)

    # Back on the case (no confirmation page to leave): its banner says what was done.
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Decision sent")
    reload_until(page, at_stage(page, "Ordered"), "the badge to be ordered")
    expect(stage_tag(page)).to_have_text("Ordered")
