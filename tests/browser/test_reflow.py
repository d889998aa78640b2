"""Usable at 400% zoom (WCAG 1.4.10 Reflow): each main page, laid out 320 CSS pixels wide (a 1280-pixel window at
400%), scrolls only up and down: a wide table scrolls inside its own focusable region named by its caption, and long
email addresses wrap. axe finds nothing on each page at 320 and at 1280 pixels. A page is checked at both widths in
the state it is in (errors included) by resizing the window, not by loading it again. Screenshots at 320 pixels go
to test-artifacts/screenshots/reflow-*.png."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Page, expect

from shared.resources import Role
from tests.factories import complete_application

from .conftest import LocalStack, demo_user, sign_in
from .test_accessibility import Audit, a_national_case, header_search, search_by_person
from .test_ffd_holding import contact_in_holding_area
from .test_journeys import (
    CASEWORKER,
    TEAM_LEADER,
    an_ordered_demo_badge,
    case_at_decision,
    new_case,
    reply_link,
    submit,
    wait_for_stage,
)

NARROW = {"width": 320, "height": 640}
WIDE = {"width": 1280, "height": 900}
# What sticks out past the window, to say what to fix (not what scrolls inside a region of its own).
STICKING_OUT = """() => [...document.body.querySelectorAll("*")]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
    .filter(el => { for (let up = el.parentElement; up !== document.body; up = up.parentElement)
                      if (getComputedStyle(up).overflowX !== "visible") return false;
                    return true; })
    .slice(0, 5).map(el => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)} px)`)"""


class Reflow(Audit):
    """Checks each page state at 320 pixels (no sideways scrolling, axe) and then at 1280 pixels (axe)."""

    def check(self, what: str, *, heading: str | re.Pattern[str] | None = None, shot: str | None = None) -> None:
        self.page.set_viewport_size(NARROW)
        overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            self.failures.append(f"[{what}] scrolls sideways by {overflow} px at 320 px: {self.page.evaluate(STICKING_OUT)}")
        super().check(f"{what}, 320 px", heading=heading, shot=f"reflow-{shot}" if shot else None)
        self.page.set_viewport_size(WIDE)
        super().check(f"{what}, 1280 px")


def no_radio_is_aria_expanded(page: Page) -> None:
    # ARIA allows aria-expanded on no radio, though GOV.UK Frontend's conditional reveal sets it (web/assets/app.mjs).
    expect(page.locator("input[type=radio][aria-expanded]")).to_have_count(0)


def test_a_caseworkers_pages_reflow(page: Page, local_stack: LocalStack):
    case_id, holder, badge = an_ordered_demo_badge(local_stack)
    reflow = Reflow(page)
    sign_in(page, CASEWORKER)
    reflow.visit("/queue?stage=DECISION", "team queue", heading="Team queue", shot="team-queue")
    expect(page.get_by_role("region", name=re.compile("^Decision, oldest first"))).to_have_attribute("tabindex", "0")

    reflow.visit(f"/cases/{case_id}", "case with badges", shot="case")
    badges = page.get_by_role("region", name="Badges ordered by this case")
    expect(badges.get_by_role("link", name=re.compile(rf"badge {badge}$")).first).to_be_visible()
    # The history, and who opened the case (shown), each scroll inside a region of their own.
    expect(page.get_by_role("region", name=re.compile("^Everything that happened to the case"))).to_have_attribute("tabindex", "0")
    page.locator("summary", has_text="Who has opened this case").click()
    expect(page.get_by_role("region", name="Who opened the case, newest first")).to_be_visible()
    reflow.check("case with its history and who opened it", shot="case-views")
    reflow.visit(f"/cases/{case_id}/badges/{badge}/replace", "replacing a badge", heading=f"Replace badge {badge}")
    expect(page).to_have_title(f"Replace badge {badge} - Case {case_id} - Blue Badge casework")
    page.get_by_role("radio", name="Stolen").check()
    expect(page.get_by_role("textbox", name="Crime reference")).to_be_visible()  # GOV.UK's reveal still works
    no_radio_is_aria_expanded(page)
    reflow.check("replacing a stolen badge")

    page.goto("/search")
    search_by_person(page, holder)
    expect(page.get_by_role("region", name=re.compile(r"^\d+ cases? found$")).get_by_role("table")).to_contain_text(case_id)
    reflow.check("search results", shot="search")
    reflow.visit(f"/cases/{case_id}/person", "single view of a person")

    # The fee step of keying in (Northshire charges the fee when it receives the application), no draft needed.
    reflow.visit("/applications/new/fee", "keying in: the fee", heading=re.compile("fee", re.I))
    page.get_by_role("radio", name="Yes").check()
    no_radio_is_aria_expanded(page)
    reflow.check("keying in: the fee, paid")
    reflow.done()


def test_a_team_leaders_pages_reflow(page: Page, local_stack: LocalStack):
    case_id, _ = new_case(local_stack)
    wait_for_stage(local_stack, case_id, "PROOF_CHECK")
    reflow = Reflow(page)
    sign_in(page, TEAM_LEADER)
    reflow.visit("/queue?stage=PROOF_CHECK&sort=newest", "team queue with bulk actions", heading="Team queue")
    page.get_by_role("checkbox", name=re.compile(rf", case {case_id}$")).check()
    page.get_by_role("combobox", name="Give them to").select_option(TEAM_LEADER.username)  # the council's staff only
    submit(page, "Reassign selected")
    expect(page.get_by_role("region", name="What happened to each case")).to_contain_text(case_id)
    reflow.check("bulk result", shot="bulk-result")
    reflow.visit("/", "My work", heading="My work", shot="my-work")
    expect(page.get_by_role("region", name=re.compile("^Cases assigned to you"))).to_contain_text(case_id)
    reflow.visit("/dashboard", "dashboard", heading="Dashboard", shot="dashboard")
    reflow.visit(f"/cases/{case_id}", "case with the assignee picker")
    expect(page.get_by_role("combobox", name="Give this case to")).to_be_visible()

    # Automatic routes: proof confirmed, approve and order, with its errors, then its check your answers.
    reflow.visit(f"/cases/{case_id}/approve", "proof confirmed, approve and order", heading="Proof confirmed – approve and order",
                 shot="approve")
    submit(page, "Continue")
    reflow.check("proof confirmed, approve and order with errors")
    page.get_by_role("checkbox", name="The proof shows the applicant meets the criterion").check()
    submit(page, "Continue")
    reflow.check("proof confirmed, approve and order: check your answers", heading="Check your answers")
    submit(page, "Approve and order the badge")
    reflow.check("approved: back on the case with its banner", shot="approved")
    header_search(page, "not a badge")
    reflow.check("header search with errors", heading="Search")
    header_search(page, "NORTHSHIRE-000101-ZZZZZZ")
    reflow.check("header search results", heading="Search results")
    reflow.done()


def test_the_public_reply_page_reflows(page: Page, local_stack: LocalStack):
    case_id, _ = new_case(local_stack, without=("PHOTO",))
    reflow = Reflow(page)
    reflow.visit(reply_link(local_stack, case_id), "reply page",
                 heading="Send us the information we need for the Blue Badge application", shot="reply")
    expect(page.get_by_role("link", name=re.compile("@"))).to_be_visible()  # the council's email address, wrapped
    reflow.done()


def test_the_order_pages_date_error_leads_to_the_day_field(page: Page, local_stack: LocalStack):
    case_id = case_at_decision(local_stack)
    reflow = Reflow(page)
    sign_in(page, CASEWORKER)
    page.goto(f"/cases/{case_id}/decision")
    page.get_by_role("radio", name="Approve and order the badge").check()
    submit(page, "Continue")
    page.get_by_role("textbox", name="Day").fill("31")
    page.get_by_role("textbox", name="Month").fill("2")
    page.get_by_role("textbox", name="Year").fill(str(date.today().year + 1))
    submit(page, "Continue")
    expect(page).to_have_title(f"Error: Order the badge - Case {case_id} - Blue Badge casework")
    reflow.check("order with a date error", heading="Order the badge", shot="order-error")
    error = page.locator(".govuk-error-summary").get_by_role("link", name="Start date must be a real date, like 1 12 2026")
    expect(error).to_have_attribute("href", "#start-date-day")
    error.click()
    expect(page.get_by_role("textbox", name="Day")).to_be_focused()
    reflow.done()


def test_the_operations_queues_reflow(page: Page, local_stack: LocalStack):
    from .test_operations_queues import park_on_the_bus

    parked_id = park_on_the_bus(local_stack)
    reflow = Reflow(page)
    sign_in(page, CASEWORKER)
    reflow.visit("/operations", "operations", heading="Operations")
    reflow.visit("/operations/parked", "parked applications", heading="Parked applications", shot="parked")
    reflow.visit(f"/operations/parked/{parked_id}", "a parked application", heading=parked_id, shot="parked-application")
    page.get_by_role("textbox", name="holder.date_of_birth").fill("still no date")
    submit(page, "Correct and try again")
    reflow.check("a parked application, still not valid")
    reflow.visit("/operations/rejected-badges", "badges the printer rejected", heading="Badges the printer rejected")
    reflow.visit("/operations/attention", "cases needing attention", heading="Cases needing attention")
    reflow.visit(f"/cases/{a_national_case(local_stack)}/national-record", "the national record kept with a case",
                 heading="The application as the national service sent it")
    reflow.done()


def test_the_council_admin_pages_reflow(page: Page, local_stack: LocalStack):
    reflow = Reflow(page)
    sign_in(page, demo_user("NORTHSHIRE", Role.COUNCIL_ADMIN))
    reflow.visit("/admin/staff", "staff accounts", heading="Staff accounts", shot="admin-staff")
    reflow.visit("/admin/staff/invite", "invite someone", heading="Invite someone")
    someone = demo_user("NORTHSHIRE", Role.CASEWORKER).username
    reflow.visit(f"/admin/staff/{someone}", "a staff account", heading=someone)
    reflow.visit("/admin/settings", "council settings", heading="Council settings", shot="admin-settings")
    reflow.visit("/admin/settings/emails", "email wording", heading="Email wording")
    reflow.visit("/admin/settings/emails/blue-badge/RECEIVED", "one email's wording", heading="Received email")
    reflow.done()


def test_linking_duplicates_and_withdrawing_one_reflow(page: Page, local_stack: LocalStack):
    """The single view's duplicate actions, linking (with an error), the case pages that show the link, and withdrawing."""
    first, application = new_case(local_stack)
    again = complete_application("NORTHSHIRE", channel="PHONE", holder=application["holder"], contact=application["contact"])
    again.pop("evidence", None)  # the same person applies again, with no documents this time: waits for them
    status, outcome = local_stack.api(CASEWORKER, "POST", "/applications", again)
    assert status == 201, outcome
    second = outcome["case_id"]
    wait_for_stage(local_stack, first, "PROOF_CHECK")
    wait_for_stage(local_stack, second, "AWAITING_INFORMATION")
    reflow = Reflow(page)
    sign_in(page, CASEWORKER)
    reflow.visit(f"/cases/{first}/person", "single view with a duplicate")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^Link as duplicate")).click()
    reflow.check("link as a duplicate", heading="Link as a duplicate")
    submit(page, "Link as duplicates")
    expect(page).to_have_title(re.compile(r"^Error: Link as a duplicate"))
    reflow.check("link as a duplicate, nothing chosen")
    page.get_by_role("radio", name=f"Case {second}").check()
    submit(page, "Link as duplicates")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Linked as duplicates")
    expect(page.get_by_role("link", name=f"case {second}").first).to_be_visible()
    reflow.check("case linked as a duplicate")
    reflow.visit(f"/cases/{second}/withdraw", "withdraw this application", heading="Withdraw this application")
    page.get_by_role("textbox", name="Why is it being withdrawn?").fill("")
    submit(page, "Withdraw the application")
    expect(page).to_have_title(re.compile(r"^Error: Withdraw this application"))
    reflow.check("withdraw this application, no reason")
    page.get_by_role("textbox", name="Why is it being withdrawn?").fill(f"A duplicate of case {first}")
    submit(page, "Withdraw the application")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Application withdrawn")
    expect(page.get_by_role("region", name=re.compile("^Everything that happened"))).to_contain_text(f"A duplicate of case {first}")
    reflow.check("case withdrawn")
    reflow.done()


def test_the_family_front_door_team_pages_reflow(page: Page, local_stack: LocalStack):
    case = contact_in_holding_area(local_stack)
    reflow = Reflow(page)
    sign_in(page, demo_user("NORTHSHIRE", Role.TEAM_LEADER))
    reflow.visit("/family-front-door", "holding area", heading="Holding area", shot="ffd-holding-area")
    expect(page.get_by_role("region", name=re.compile("^Waiting for screening"))).to_have_attribute("tabindex", "0")
    reflow.visit(f"/family-front-door/contacts/{case.case_id}", "contact", heading=case.application.child.full_name, shot="ffd-contact")
    from .ffd_documents import contact_with_a_document

    reflow.visit(f"/family-front-door/contacts/{contact_with_a_document(local_stack)}", "contact with the partner's documents",
                 heading=re.compile(r"^Robin "))
    reflow.visit(f"/family-front-door/contacts/{case.case_id}/priority", "change the level of need", heading="Change the level of need")
    submit(page, "Change the level of need")
    reflow.check("change the level of need, with errors")
    reflow.visit(f"/family-front-door/contacts/{case.case_id}/outcome", "record the outcome", heading="Record the outcome")
    page.get_by_role("radio", name="No further action").check()
    submit(page, "Preview the reply")
    reflow.check("the outcome's reply previewed", heading="Check the reply before you send it")
    reflow.visit("/family-front-door/dashboard", "front door dashboard", heading="Family Front Door dashboard", shot="ffd-dashboard")
    reflow.done()
