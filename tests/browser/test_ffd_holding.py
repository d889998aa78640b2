"""The Family Front Door team's holding-area journey in Chromium, with the keyboard alone (Tab and Shift+Tab, Enter,
Space and the arrow keys): take responsibility for a contact from the holding area, change its level of need (the
reason forgotten, then given), ask the partner for more information, and record another contact's outcome after
previewing the reply. axe (WCAG 2.2 A and AA) passes on every page in every state on the way."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

from playwright.sync_api import Page, expect

from shared.core.adapters.case_store import CaseStore
from shared.core.domain.case import AuditEntry, utcnow
from shared.core.domain.council import load_councils
from shared.resources import council_table_name
from shared.services.family_front_door.domain.case import ContactCase, ContactStage
from shared.services.family_front_door.domain.submission import (
    CauseForConcern,
    Child,
    ChildAddress,
    ConcernCategory,
    Consent,
    Submitter,
    Urgency,
)
from shared.services.family_front_door.logic import contacts

from .conftest import LocalStack, check_accessibility, screenshot, sign_in, tab_to
from .test_accessibility import error_state
from .test_journeys import CASEWORKER
from .test_keyboard import FOCUS_SHOWN, FOCUS_YELLOW, press_enter, reach

NORTHSHIRE = "NORTHSHIRE"


class NoWorkflow:
    """The contact's workflow is not started: the contact is put in the holding area below, as its wait step leaves it."""

    def start(self, *_: Any) -> bool:
        return True


def contact_in_holding_area(stack: LocalStack, urgency: Urgency = Urgency.WITHIN_DAYS) -> ContactCase:
    """A cause for concern submitted through the real service function into the stack's Northshire table, waiting for
    the team's decision."""
    store = CaseStore(stack.client("dynamodb"), council_table_name(NORTHSHIRE))
    tag = uuid.uuid4().hex[:8]
    sender = Submitter(user_id=f"partner-{tag}", email=f"dsl-{tag}@northbyprimary.example.sch.uk", name="Sam Teacher",
                       agency_id="northby-primary", agency_name="Northby Primary School")
    form = CauseForConcern(
        categories=[ConcernCategory.NEGLECT, ConcernCategory.OTHER], other_category="Young carer",
        child=Child(given_name="Robin", family_name=f"Browser{tag}", date_of_birth=date(2015, 3, 9),
                    address=ChildAddress(line1=f"{tag} Station Road", town="Northby", postcode="NE2 3AB")),
        concern="Robin often arrives hungry and says they look after a younger sibling alone overnight.",
        actions_taken="Breakfast club place offered; spoke to Robin with the class teacher.",
        consent=Consent(sought=True, given=True), urgency=urgency,
        neglect={"areas": ["FOOD", "SUPERVISION"], "how_long": "Since September"},
    )
    case = contacts.submit(store, NoWorkflow(), load_councils().get(NORTHSHIRE), sender, form, utcnow())
    waiting = case.changed(utcnow(), stage=ContactStage.SCREENING, task_token=f"token-{tag}")
    store.save(waiting, expected_version=case.version, audit=AuditEntry(
        case_id=case.case_id, at=utcnow(), actor="workflow", action="STAGE_CHANGED", before={"stage": "RECEIVED"},
        after={"stage": "SCREENING"}))
    return waiting


def banner(page: Page):
    return page.locator(".govuk-notification-banner--success")


def reach_in_the_holding_area(page: Page, target) -> None:
    """Tab to a contact's link or button in the holding area (other contacts, seeded or left by other tests, may come
    first), and check the focus can be seen on it."""
    tab_to(page, target, max_presses=400)
    assert target.evaluate(FOCUS_SHOWN, FOCUS_YELLOW), f"no visible focus on {target}"


def open_from_the_holding_area(page: Page, case: ContactCase) -> None:
    page.goto("/family-front-door")
    expect(page.get_by_role("heading", level=1)).to_have_text("Holding area")
    reach_in_the_holding_area(page, page.get_by_role("link", name=case.case_id, exact=True))
    press_enter(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(case.application.child.full_name)


def test_the_holding_area_journey_with_the_keyboard_alone(page: Page, local_stack: LocalStack):
    case = contact_in_holding_area(local_stack)
    decided = contact_in_holding_area(local_stack, Urgency.ROUTINE)
    sign_in(page, CASEWORKER)
    page.goto("/family-front-door")
    expect(page.get_by_role("heading", level=1)).to_have_text("Holding area")
    expect(page.get_by_role("region", name=re.compile("^Waiting for screening, most urgent first"))).to_have_attribute("tabindex", "0")
    check_accessibility(page)
    screenshot(page, "ffd-holding-area")

    # Take responsibility from the contact's row; its page says so.
    reach_in_the_holding_area(page, page.get_by_role("button", name=f"Take responsibility for contact {case.case_id}"))
    press_enter(page)
    expect(page).to_have_url(re.compile(rf"/family-front-door/contacts/{case.case_id}\?done=responsibility$"))
    expect(banner(page)).to_contain_text("You are the contact's screening officer")
    expect(page.locator(".govuk-summary-list__row", has_text="Concern about")).to_contain_text("Neglect, Other (Young carer)")
    check_accessibility(page)
    screenshot(page, "ffd-contact")

    # Change the level of need: the first try forgets the reason, and the error summary takes the focus.
    reach(page, page.get_by_role("link", name="Change the level of need"))
    press_enter(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the level of need")
    check_accessibility(page)
    red = page.get_by_role("radio", name="Red")
    reach(page, red)
    page.keyboard.press("Space")
    expect(red).to_be_checked()
    reach(page, page.get_by_role("button", name="Change the level of need"))
    press_enter(page)
    error_state(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why you are changing the level of need")
    check_accessibility(page)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Enter why you are changing the level of need")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Why are you changing it?")).to_be_focused()
    page.keyboard.type("Robin told the teacher this morning the younger sibling was left alone all weekend.")
    expect(red).to_be_checked()  # still chosen
    reach(page, page.get_by_role("button", name="Change the level of need"))
    press_enter(page)
    expect(banner(page)).to_contain_text("The contact is now Red")
    expect(page.get_by_role("table", name=re.compile("^Everything that happened to the contact"))).to_contain_text(
        "Changed the level of need from amber to red")
    check_accessibility(page)

    # Ask the partner for more information: the contact then waits for their answer.
    reach(page, page.get_by_role("button", name="Ask the partner for more information"))
    press_enter(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask the partner for more information")
    check_accessibility(page)
    reach(page, page.get_by_role("button", name="Send the question"))
    press_enter(page)
    error_state(page)
    check_accessibility(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("textbox", name="Ask the partner for more information")).to_be_focused()
    page.keyboard.type("Who else lives at the address, and is there a parent at home at night?")
    reach(page, page.get_by_role("button", name="Send the question"))
    press_enter(page)
    expect(banner(page)).to_contain_text("Question sent to the partner")
    expect(page.get_by_role("button", name="Record the outcome")).to_have_count(0)
    check_accessibility(page)

    # Another contact's outcome: the reply is previewed as the partner's email, with the threshold guidance, then sent.
    open_from_the_holding_area(page, decided)
    reach(page, page.get_by_role("button", name="Record the outcome"))
    press_enter(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the outcome")
    check_accessibility(page)
    first = page.get_by_role("radio", name="Refer to children's social care")
    reach(page, first)
    page.keyboard.press("ArrowDown")
    early_help = page.get_by_role("radio", name="Refer to early help")
    expect(early_help).to_be_checked()
    reach(page, page.get_by_role("button", name="Preview the reply"))
    press_enter(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the reply before you send it")
    expect(page.locator(".app-case__email")).to_contain_text("Outcome: Referred to early help")
    expect(page.locator(".app-case__email")).to_contain_text("threshold-guidance")
    check_accessibility(page)
    screenshot(page, "ffd-outcome-check")
    reach(page, page.get_by_role("button", name="Record the outcome and send the reply"))
    press_enter(page)
    expect(banner(page)).to_contain_text("Referred to early help. We will email the partner your reply")
    expect(page.locator(".govuk-summary-list__row", has_text="Reply to the partner")).to_contain_text("early help service")
    check_accessibility(page)
