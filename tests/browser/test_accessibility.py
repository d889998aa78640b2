"""axe-core (WCAG 2.0-2.2 A and AA) on every page of the UI, in the states people see: empty, filled in, with
errors, and after sending. Each test audits a group of pages and reports every violation it found at the end,
not just the first. Full-page screenshots of the main pages go to test-artifacts/screenshots/ under stable names
(for the README and CI's artefacts)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from shared.resources import Role

from .conftest import LocalStack, check_accessibility, demo_user, screenshot, sign_in
from .test_journeys import (
    CASEWORKER,
    TEAM_LEADER,
    action,
    an_ordered_demo_badge,
    case_at_decision,
    new_case,
    reload_until,
    reply_link,
    submit,
    wait_for_stage,
)


class Audit:
    """Runs axe on each page state it is shown and fails once, at the end, listing every page with violations."""

    def __init__(self, page: Page):
        self.page = page
        self.failures: list[str] = []
        self.pages = 0

    def check(self, what: str, *, heading: str | re.Pattern[str] | None = None, shot: str | None = None) -> None:
        if heading is not None:
            expect(self.page.get_by_role("heading", level=1)).to_have_text(heading)
        self.pages += 1
        try:
            check_accessibility(self.page)
        except pytest.fail.Exception as failed:
            self.failures.append(f"[{what}] {failed}")
        if shot:
            screenshot(self.page, shot)

    def visit(self, path: str, what: str, **expected) -> None:
        self.page.goto(path)
        self.check(what, **expected)

    def done(self) -> None:
        assert not self.failures, f"{len(self.failures)} of {self.pages} page states have violations:\n\n" + "\n\n".join(self.failures)


def error_state(page: Page) -> None:
    """The GOV.UK error pattern: "Error: " before the title, and the error summary, which takes the focus."""
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()


@pytest.fixture
def audit(page: Page) -> Audit:
    return Audit(page)


def test_pages_without_a_session(audit: Audit, page: Page):
    audit.visit("/sign-in", "sign-in", heading="Sign in", shot="sign-in")
    submit(page, "Sign in")
    error_state(page)
    audit.check("sign-in with errors")
    audit.visit("/accessibility", "accessibility statement")
    audit.visit("/privacy", "privacy notice")
    audit.visit("/reply/NORTHSHIRE-261123-AAAAAA.not-a-real-secret-at-all", "reply link that does not work",
                heading="This link does not work")
    audit.done()


def test_work_queues(audit: Audit, page: Page):
    sign_in(page, CASEWORKER)
    audit.check("My work", heading="My work", shot="my-work")
    audit.visit("/queue", "team queue", heading="Team queue")
    audit.visit("/queue?stage=DECISION&route=PIP&sort=newest", "team queue, filtered", heading="Team queue", shot="team-queue")
    audit.visit("/queue?stage=DECISION&older_than_days=lots&min_priority=500", "team queue, filters with errors")
    error_state(page)
    page.get_by_label("Save these filters as a view").fill("")
    submit(page, "Save view")
    audit.check("team queue, saving a view without a name")
    response = page.goto("/no-such-page")
    assert response is not None and response.status == 404
    audit.check("404 page", heading="Page not found")
    response = page.goto("/cases/NORTHSHIRE-000000-AAAAAA")
    assert response is not None and response.status == 404
    audit.check("no such case")
    audit.done()


def test_team_leaders_bulk_actions_and_dashboard(audit: Audit, page: Page):
    sign_in(page, TEAM_LEADER)
    audit.visit("/queue?stage=DECISION", "team queue with bulk actions", heading="Team queue")
    expect(page.get_by_role("button", name="Reassign selected")).to_be_visible()
    submit(page, "Reassign selected")
    error_state(page)
    audit.check("bulk reassignment with nothing selected")
    audit.visit("/dashboard", "dashboard", heading="Dashboard", shot="dashboard")
    audit.visit("/dashboard?from-day=31&from-month=2&from-year=2026&to-day=1&to-month=1&to-year=2026", "dashboard, period with errors")
    audit.done()


def test_a_case_and_each_of_its_action_pages(audit: Audit, page: Page, local_stack: LocalStack):
    proof_case, _ = new_case(local_stack)
    decision_case = case_at_decision(local_stack)
    wait_for_stage(local_stack, proof_case, "PROOF_CHECK")
    sign_in(page, CASEWORKER)

    page.goto(f"/cases/{proof_case}")
    reload_until(page, action(page, "Record the proof check"), "the proof check to be open")
    audit.check("case at proof check")
    for number, kind in ((1, "PDF"), (4, "photo")):
        audit.visit(f"/cases/{proof_case}/evidence/{number}", f"evidence viewer, {kind}")
    audit.visit(f"/cases/{proof_case}/proof-check", "proof check", heading="Record the proof check")
    submit(page, "Record the proof check")
    error_state(page)
    audit.check("proof check with errors")
    audit.visit(f"/cases/{proof_case}/information-request", "asking for information", heading="Ask the applicant for information")
    submit(page, "Send the request")
    error_state(page)
    audit.check("asking for information with errors")
    audit.visit(f"/cases/{proof_case}/assignment", "taking the case", heading="Take this case")
    page.goto(f"/cases/{proof_case}")
    submit(page, "Add note")
    error_state(page)
    audit.check("a note with errors")

    # Automatic routes: proof confirmed, approve and order on one page, its check your answers, and back to the case.
    audit.visit(f"/cases/{proof_case}/approve", "proof confirmed, approve and order", heading="Proof confirmed – approve and order")
    submit(page, "Continue")
    error_state(page)
    audit.check("proof confirmed, approve and order with errors")
    page.get_by_role("checkbox", name="The proof shows the applicant meets the criterion").check()
    submit(page, "Continue")
    audit.check("proof confirmed, approve and order: check your answers", heading="Check your answers", shot="approve-check-answers")
    submit(page, "Approve and order the badge")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Proof confirmed and application approved")
    audit.check("approved: back on the case with its banner")

    # The decision journey, each of its pages with its errors, to the confirmation.
    page.goto(f"/cases/{decision_case}")
    reload_until(page, action(page, "Decide the application"), "the decision to be open")
    audit.check("case at decision", shot="case")
    audit.visit(f"/cases/{decision_case}/decision", "decision: outcome", heading="Decide the application")
    submit(page, "Continue")
    error_state(page)
    audit.check("decision: outcome with errors")
    page.get_by_role("radio", name="Refuse").check()
    submit(page, "Continue")
    audit.check("decision: reasons")
    submit(page, "Continue")
    error_state(page)
    audit.check("decision: reasons with errors")
    page.goto(f"/cases/{decision_case}/decision")
    page.get_by_role("radio", name="Approve and order the badge").check()
    submit(page, "Continue")
    audit.check("decision: order", heading="Order the badge")
    page.get_by_role("textbox", name="Day").fill("31")
    page.get_by_role("textbox", name="Month").fill("2")
    page.get_by_role("textbox", name="Year").fill(str(date.today().year + 1))
    submit(page, "Continue")
    error_state(page)
    audit.check("decision: order with errors")
    for part in ("Day", "Month", "Year"):
        page.get_by_role("textbox", name=part).fill("")
    submit(page, "Continue")
    audit.check("decision: check your answers", heading="Check your answers", shot="decide-check-answers")
    submit(page, "Send the decision")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Decision sent")
    audit.check("decision sent: back on the case with its banner", shot="decision-confirmation")
    audit.done()


def test_cases_at_later_stages_and_their_actions(audit: Audit, new_page: Callable[[], Page], local_stack: LocalStack):
    """The demo cases the seed took further (only looked at, or sent empty forms, so they stay as they are)."""
    page = new_page()
    sign_in(page, TEAM_LEADER)
    ordered_case, _, badge = an_ordered_demo_badge(local_stack)
    audit.page = page
    audit.visit(f"/cases/{ordered_case}", "case ordered, with its badge (and a team leader's assignee picker)")
    expect(page.get_by_role("combobox", name="Give this case to")).to_be_visible()
    audit.visit(f"/cases/{ordered_case}/assignment", "assignment page with the assignee picker", heading=re.compile("this case$"))
    submit(page.locator("main"), "Assign")
    error_state(page)
    audit.check("assignment page, nobody chosen")
    audit.visit(f"/cases/{ordered_case}/badges/{badge}/cancel", "cancelling a badge", heading=f"Cancel badge {badge}")
    submit(page, "Cancel the badge")
    error_state(page)
    audit.check("cancelling a badge with errors")
    for stage, steps in (("ASSESSMENT", ("assessment", "referral")), ("REFUSED", ("review-request",)), ("REVIEW", ("review",)),
                         ("AWAITING_INFORMATION", ())):
        status, queue = local_stack.api(TEAM_LEADER, "GET", f"/cases?stage={stage}")
        assert status == 200 and queue["cases"], (stage, queue)
        case_id = queue["cases"][0]["case_id"]
        audit.visit(f"/cases/{case_id}", f"case at {stage}")
        for step in steps:
            audit.visit(f"/cases/{case_id}/{step}", f"{step} page")
            page.locator("main form[method=post] .govuk-button").first.click()
            page.wait_for_load_state()
            audit.check(f"{step} page after an empty submit")
    audit.done()


def test_keying_in_a_new_application(audit: Audit, page: Page):
    # The Vale Wye team leader: the journey keeps one draft per person, and no other test keys in as them.
    sign_in(page, demo_user("VALEWYE", Role.TEAM_LEADER))
    audit.visit("/applications/new", "new application: start", heading="Key in an application")
    if page.get_by_role("button", name="Discard it and start again").count():
        submit(page, "Discard it and start again")
    else:
        with page.expect_navigation():
            page.get_by_role("button", name="Start now").click()
    audit.check("new application: about the application", shot="new-application")
    submit(page, "Continue")
    error_state(page)
    audit.check("new application: about the application, with errors")
    page.get_by_role("radio", name="A new badge").check()
    page.get_by_role("radio", name="A person").check()
    page.get_by_role("radio", name="Paper form").check()
    submit(page, "Continue")
    audit.check("new application: the badge holder", heading=re.compile("badge holder"))
    page.get_by_role("textbox", name="First names").fill("Morgan")
    page.get_by_role("textbox", name="Last name").fill("Keyedin")
    page.get_by_role("textbox", name="Day").fill("3")
    page.get_by_role("textbox", name="Month").fill("4")
    page.get_by_role("textbox", name="Year").fill("1950")
    submit(page, "Continue")
    audit.check("new application: address and contact")
    page.get_by_role("textbox", name="Address line 1").fill("4 Mill Lane")
    page.get_by_role("textbox", name="Town or city").fill("Valeby")
    page.get_by_role("textbox", name="Postcode").fill("not a postcode")
    submit(page, "Continue")
    error_state(page)
    audit.check("new application: address with errors")
    page.get_by_role("textbox", name="Postcode").fill("NE1 4XF")
    submit(page, "Continue")
    audit.check("new application: reason for applying")
    page.get_by_role("radio", name=re.compile("^Blind|severely sight impaired", re.I)).first.check()
    submit(page, "Continue")
    while "/check" not in page.url:  # the pages the chosen route needs, left blank (listed as missing)
        audit.check(f"new application: {page.title()}")
        submit(page, "Continue")
    audit.check("new application: check your answers", heading="Check the application before creating the case")
    with page.expect_navigation():
        page.locator("main form .govuk-button").last.click()
    audit.check("new application: confirmation", heading=re.compile("Application keyed in|already keyed in"))
    audit.done()


def search_by_person(page: Page, holder: dict) -> None:
    """The search page's surname and date of birth form, filled in with the holder's and sent."""
    by_person = page.locator("#search-person")
    by_person.get_by_role("textbox", name="Last name").fill(holder["surname"])
    year, month, day = holder["date_of_birth"].split("-")
    by_person.get_by_role("textbox", name="Day").fill(day)
    by_person.get_by_role("textbox", name="Month").fill(month)
    by_person.get_by_role("textbox", name="Year").fill(year)
    submit(by_person, "Search")


def test_search_and_the_single_view_of_a_person(audit: Audit, page: Page, local_stack: LocalStack):
    case_id, holder, _ = an_ordered_demo_badge(local_stack)
    sign_in(page, CASEWORKER)
    audit.visit("/search", "search", heading="Search")
    submit(page.locator("#search-badge"), "Search")
    error_state(page)
    audit.check("search with errors")
    search_by_person(page, holder)
    expect(page.get_by_role("table")).to_contain_text(case_id)
    audit.check("search results", shot="search")
    audit.visit(f"/cases/{case_id}/person", "single view of a person", shot="person")
    # The header's search box: what it cannot read, and a search that finds nothing (the results page).
    header_search(page, "not a badge")
    error_state(page)
    audit.check("header search with errors", heading="Search")
    header_search(page, "NORTHSHIRE-000101-ZZZZZZ")
    audit.check("header search results", heading="Search results")
    audit.done()


def header_search(page: Page, typed: str) -> None:
    """Type into the header's search box and press Enter."""
    box = page.get_by_role("searchbox", name=re.compile("^Find a case"))
    box.fill(typed)
    with page.expect_navigation():
        box.press("Enter")


def test_the_applicants_reply_page(audit: Audit, page: Page, local_stack: LocalStack):
    case_id, _ = new_case(local_stack, without=("PHOTO",))  # screening asks for the photo at once
    audit.visit(reply_link(local_stack, case_id), "reply page",
                heading="Send us the information we need for the Blue Badge application", shot="reply")
    photo = page.locator("section#photo")
    photo.get_by_label("Choose a JPG file").set_input_files(
        files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": b"this is not a JPEG at all"}])
    with page.expect_navigation(url=re.compile(r"refused=photo")):
        photo.get_by_role("button", name="Upload file").click()
    error_state(page)
    audit.check("reply page, upload refused")
    page.goto(page.url.split("?")[0])
    submit(page, "Send")
    audit.check("reply page, sent without the photo")
    audit.done()


def test_the_operations_queues(audit: Audit, page: Page, local_stack: LocalStack):
    from .test_operations_queues import park_on_the_bus

    parked_id = park_on_the_bus(local_stack)
    sign_in(page, CASEWORKER)
    audit.visit("/operations", "operations", heading="Operations")
    audit.visit("/operations/parked", "parked applications", heading="Parked applications")
    audit.visit(f"/operations/parked/{parked_id}", "a parked application, its reasons beside the fields", heading=parked_id)
    page.get_by_role("textbox", name="holder.date_of_birth").fill("still no date")
    submit(page, "Correct and try again")
    error_state(page)
    audit.check("a parked application, still not valid")
    page.locator("summary", has_text="Correct the whole application as JSON").click()
    page.get_by_role("textbox", name="The application as JSON").fill("{not json")
    submit(page, "Send the corrected JSON")
    error_state(page)
    audit.check("a parked application, JSON that is not JSON")
    audit.visit("/operations/rejected-badges", "badges the printer rejected", heading="Badges the printer rejected")
    audit.visit("/operations/attention", "cases needing attention", heading="Cases needing attention")
    audit.visit(f"/cases/{a_national_case(local_stack)}/national-record", "the national record kept with a case",
                heading="The application as the national service sent it")
    audit.done()


def test_the_council_admin_pages(audit: Audit, page: Page):
    sign_in(page, demo_user("NORTHSHIRE", Role.COUNCIL_ADMIN))
    audit.visit("/admin/staff", "staff accounts", heading="Staff accounts")
    audit.visit("/admin/staff/invite", "invite someone", heading="Invite someone")
    submit(page, "Send invitation")
    error_state(page)
    audit.check("invite someone, with errors")
    someone = demo_user("NORTHSHIRE", Role.CASEWORKER).username
    audit.visit(f"/admin/staff/{someone}", "a staff account", heading=someone)
    audit.visit("/admin/settings", "council settings", heading="Council settings")
    audit.visit("/admin/settings/emails", "email wording", heading="Email wording")
    audit.visit("/admin/settings/emails/blue-badge/RECEIVED", "one email's wording", heading="Received email")
    audit.visit("/admin/settings/services/asc-triage", "adult social care settings", heading="Adult social care referrals settings")
    audit.visit("/admin/settings/services/family-front-door", "front door settings", heading="Family Front Door settings")
    page.get_by_label("Hours a partner has to answer before the team decides without it").fill("two days")
    submit(page, "Save settings")
    error_state(page)
    audit.check("front door settings, with errors")
    audit.done()


def test_a_welsh_councils_admin_pages(audit: Audit, page: Page):
    sign_in(page, demo_user("VALEWYE", Role.COUNCIL_ADMIN))
    audit.visit("/admin/settings", "council settings, with the Welsh name and reasons", heading="Council settings")
    audit.visit("/admin/settings/emails", "email wording, in both languages", heading="Email wording")
    audit.visit("/admin/settings/emails/blue-badge/RECEIVED/welsh", "one email's Welsh wording", heading="Received email in Welsh")
    audit.done()


def a_national_case(stack: LocalStack) -> str:
    """A case from an application in the national service's own format (the demo's fullest record, a WALKD one)."""
    import secrets
    from datetime import UTC, datetime

    from infra.local.national_api import demo_records

    record = demo_records("NSHIRE", datetime.now(UTC), secrets.token_hex(4))[5]
    del record["artifacts"]  # an artifact on the API must name a file uploaded already; none here
    status, body = stack.api(CASEWORKER, "POST", "/applications/national", record)
    assert status == 201, body
    return body["case_id"]


def test_the_family_front_door_team_pages(audit: Audit, page: Page, local_stack: LocalStack):
    from .test_ffd_holding import contact_in_holding_area

    case = contact_in_holding_area(local_stack)
    contact = f"/family-front-door/contacts/{case.case_id}"
    sign_in(page, demo_user("NORTHSHIRE", Role.COUNCIL_ADMIN))
    audit.visit("/family-front-door?status=AWAITING_INFORMATION", "holding area, waiting for partners", heading="Holding area")
    audit.visit("/family-front-door?status=PARKED", "holding area, a filter with errors", heading="Holding area")
    error_state(page)
    audit.visit(contact, "contact, as a council admin", heading=case.application.child.full_name)
    page.locator("summary", has_text="Who has opened this contact").click()
    audit.check("contact with who opened it")
    audit.visit(f"{contact}/views", "every time a contact was opened", heading="Who opened this contact")
    from .ffd_documents import contact_with_a_document

    documented = f"/family-front-door/contacts/{contact_with_a_document(local_stack)}"
    audit.visit(documented, "contact with the partner's documents", heading=re.compile(r"^Robin "))
    audit.visit(f"{documented}/documents/1", "a partner's document on a contact", heading=re.compile(r"^PDF document"))
    audit.visit(f"{contact}/responsibility", "taking a contact, or handing it to an officer",
                heading="Take responsibility for this contact")
    submit(page, "Hand over")
    error_state(page)
    audit.check("handing a contact to an officer, with errors")
    audit.visit(f"{contact}/request-information", "asking the partner", heading="Ask the partner for more information")
    submit(page, "Send the question")
    error_state(page)
    audit.check("asking the partner, with errors")
    audit.visit(f"{contact}/outcome", "recording the outcome", heading="Record the outcome")
    submit(page, "Preview the reply")
    error_state(page)
    audit.check("recording the outcome, with errors")
    audit.visit("/family-front-door/dashboard", "front door dashboard", heading="Family Front Door dashboard")
    audit.visit("/family-front-door/dashboard?from-day=31&from-month=2&from-year=2026", "front door dashboard, period with errors")
    audit.done()
