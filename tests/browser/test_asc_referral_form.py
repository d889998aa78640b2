"""The public adult social care referral form in Chromium, with the keyboard alone: a self-referral with some support
needs, its signposting, then booking and cancelling a hub appointment. axe-core checks each page state on the way,
and every page carries the 999 warning."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from .conftest import check_accessibility, screenshot, tab_to

START = "/adult-social-care/northshire/refer"
EMERGENCY = "If someone is in immediate danger, call 999."


def checked_page(page: Page, heading: str | re.Pattern[str], shot: str | None = None) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator(".govuk-warning-text")).to_contain_text(EMERGENCY)
    check_accessibility(page)
    if shot:
        screenshot(page, shot)


def press_button(page: Page, name: str) -> None:
    button = page.get_by_role("button", name=name)
    tab_to(page, button, max_presses=80)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def choose(page: Page, option: Locator) -> None:
    """A radio with the keyboard: Tab into its group (which lands on the first), then the arrow keys to it."""
    name = option.get_attribute("name")
    tab_to(page, page.locator(f'input[name="{name}"]').first, max_presses=80)
    if option.evaluate("el => el === document.activeElement"):
        page.keyboard.press("Space")
    while not option.is_checked():
        page.keyboard.press("ArrowDown")


def tick(page: Page, box: Locator) -> None:
    tab_to(page, box, max_presses=80)
    page.keyboard.press("Space")
    expect(box).to_be_checked()


def type_into(page: Page, field: Locator, text: str) -> None:
    tab_to(page, field, max_presses=80)
    page.keyboard.type(text)


def answer_no_to_each(page: Page) -> None:
    for group in page.locator("fieldset").all():
        choose(page, group.get_by_role("radio", name="No"))


def test_a_self_referral_with_support_needs_then_a_hub_appointment_booked_and_cancelled(page: Page):
    page.goto(START)
    checked_page(page, "Refer someone for adult social care", shot="asc-referral-start")
    start = page.get_by_role("button", name="Start now")
    tab_to(page, start, max_presses=80)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    checked_page(page, "Is anyone at risk?")
    press_button(page, "Continue")  # nothing chosen: the error summary names each question
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select yes or no: Is the person, or anyone else, in danger right now?")
    checked_page(page, "Is anyone at risk?", shot="asc-referral-errors")
    answer_no_to_each(page)
    press_button(page, "Continue")

    checked_page(page, "Who is referring")
    choose(page, page.get_by_role("radio", name="I am referring myself"))
    press_button(page, "Continue")
    checked_page(page, "What the referral is about")
    choose(page, page.get_by_role("radio", name="The person's own care and support needs"))
    press_button(page, "Continue")

    checked_page(page, "About you")
    type_into(page, page.get_by_label("First name"), "Ada")
    type_into(page, page.get_by_label("Last name"), "Lovelace")
    type_into(page, page.get_by_label("Day"), "10")
    type_into(page, page.get_by_label("Month"), "12")
    type_into(page, page.get_by_label("Year"), "1950")
    press_button(page, "Continue")
    checked_page(page, "Your address")
    type_into(page, page.get_by_label("Address line 1"), "1 Harbour Row")
    type_into(page, page.get_by_label("Postcode"), "NE1 4XF")
    press_button(page, "Continue")
    checked_page(page, "Your contact details")
    type_into(page, page.get_by_label("Phone number"), "01632 960 001")
    press_button(page, "Continue")

    checked_page(page, "Health and disability")
    choose(page, page.get_by_role("radio", name="Yes"))
    type_into(page, page.get_by_label("If yes, what is the condition, illness or disability?"), "Arthritis")
    press_button(page, "Continue")

    checked_page(page, "Looking after themselves", shot="asc-referral-outcomes")
    groups = page.locator("fieldset").all()
    tick(page, groups[0].get_by_role("checkbox", name="They need help, or reminding, to do it"))
    for group in groups[1:]:
        tick(page, group.get_by_role("checkbox", name="They can do this without difficulty"))
    press_button(page, "Continue")
    for heading in ("Their home", "Family, work and community"):
        checked_page(page, heading)
        for group in page.locator("fieldset").all():
            tick(page, group.get_by_role("checkbox", name="They can do this without difficulty"))
        press_button(page, "Continue")

    checked_page(page, "Wellbeing")
    choose(page, page.get_by_role("radio", name="A little"))
    type_into(page, page.get_by_label("How is their wellbeing affected?"), "I skip meals")
    press_button(page, "Continue")

    checked_page(page, "Check your answers before sending the referral", shot="asc-referral-check")
    press_button(page, "Send the referral")
    expect(page.locator(".govuk-panel")).to_contain_text("Referral sent")
    expect(page.locator(".govuk-warning-text")).to_contain_text(EMERGENCY)
    expect(page.get_by_text("The council will still look at your referral")).to_be_visible()
    expect(page.get_by_role("heading", name="Support you can get now")).to_be_visible()
    expect(page.get_by_role("heading", name="Northby Meals at Home")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "asc-referral-confirmation")

    book = page.get_by_role("link", name="Book an appointment at Northby Community Hub")
    tab_to(page, book, max_presses=80)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    checked_page(page, "Book an appointment at Northby Community Hub", shot="asc-hub-booking")
    expect(page.get_by_label("Full name")).to_have_value("Ada Lovelace")
    expect(page.get_by_label("Phone number or email address")).to_have_value("01632 960 001")
    first_time = page.locator('input[name="slot"]').first
    tab_to(page, first_time, max_presses=80)
    page.keyboard.press("Space")
    expect(first_time).to_be_checked()
    press_button(page, "Book the appointment")

    expect(page.locator(".govuk-panel")).to_contain_text("Appointment booked")
    expect(page.locator(".govuk-warning-text")).to_contain_text(EMERGENCY)
    check_accessibility(page)
    cancel = page.get_by_role("link", name="Cancel this appointment")
    tab_to(page, cancel, max_presses=80)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    checked_page(page, "Cancel your appointment")
    press_button(page, "Cancel the appointment")
    expect(page.locator(".govuk-panel")).to_contain_text("Appointment cancelled")
    check_accessibility(page)


def test_an_unknown_council_and_a_wrong_cancel_link_are_not_found(page: Page):
    response = page.goto("/adult-social-care/nowhere/refer")
    assert response is not None and response.status == 404
    checked_page(page, "Page not found")
    page.goto("/adult-social-care/northshire/hubs/bookings/HB-000000-00000000/cancel?token=not-the-token")
    checked_page(page, "Cancel your appointment")
    press_button(page, "Cancel the appointment")
    checked_page(page, "Page not found")
