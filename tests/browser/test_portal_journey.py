"""The Family Front Door portal in Chromium, on the local stack with its demo agencies: a professional is refused
registration with a domain the council did not approve, registers with an approved one (the emailed code, then an
authenticator app on the first sign-in), starts a cause for concern, saves it part-done, resumes it, is told what is
still missing, sends it and sees it in My submissions. axe finds nothing on any portal page, in each state (errors too),
at 1280 and at 320 pixels wide (WCAG reflow); the council admin's partner agencies page likewise."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import Page, expect

from shared.resources import Role

from .conftest import LocalStack, demo_user, sign_in
from .test_reflow import Reflow

APPROVED_DOMAIN = "riverside-primary.northshire.sch.example"  # infra/local/seed_partners.py
PASSWORD = "Casework-Demo-2026!"
CODE = "123456"  # moto checks neither the emailed code nor authenticator codes


def _send(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def _register(page: Page, email: str) -> None:
    page.get_by_label("Northshire County Council").check()
    page.get_by_label("Full name").fill("Jo Teacher")
    page.get_by_label("Work email address").fill(email)
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Enter the password again").fill(PASSWORD)
    _send(page, "Register")


def _answer(page: Page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def test_register_then_a_cause_for_concern_saved_resumed_and_sent(page: Page, local_stack: LocalStack):
    audit = Reflow(page)
    audit.visit("/portal", "the portal's start page", heading="Family Front Door: tell us you are worried about a child")
    expect(page.get_by_text("If a child is in immediate danger, call 999")).to_be_visible()
    page.get_by_role("link", name="Register for an account").click()
    audit.check("registering", heading="Register for the Family Front Door portal")

    _register(page, "jo.teacher@gmail.com")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your work email address")
    _register(page, "jo.teacher@elsewhere.example")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Northshire County Council has not approved email addresses ending @elsewhere.example")
    expect(page).to_have_title(re.compile(r"^Error: "))
    audit.check("registering refused")

    email = f"jo.{secrets.token_hex(3)}@{APPROVED_DOMAIN}"
    _register(page, email)
    audit.check("the emailed code", heading="Enter the code we emailed you")
    page.get_by_label("Code").fill(CODE)
    _send(page, "Confirm")
    audit.check("signing in after registering", heading="Sign in to the Family Front Door portal")
    page.get_by_label("Work email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    _send(page, "Sign in")
    audit.check("setting up the authenticator", heading="Set up your authenticator app")
    page.get_by_label("Security code").fill(CODE)
    _send(page, "Continue")
    audit.check("the portal's home", heading="Family Front Door portal")
    expect(page.get_by_text(f"{email} (Riverside Primary School)")).to_be_visible()

    _send(page, "Start a cause for concern")
    audit.check("a new cause for concern", heading="Cause for concern")
    page.get_by_label("Neglect", exact=True).check()
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Example")
    _send(page, "Save draft")
    expect(page.get_by_text("Your draft is saved")).to_be_visible()
    draft_address = page.url.split("?")[0]

    page.get_by_role("link", name="Drafts", exact=True).click()
    audit.check("drafts", heading="Your drafts")
    page.get_by_role("link", name=re.compile("Cause for concern")).first.click()
    expect(page).to_have_url(draft_address)
    expect(page.get_by_label("First name")).to_have_value("Robin")
    expect(page.get_by_role("group", name="Which areas of the child's care are neglected?")).to_be_visible()
    expect(page.get_by_text("Describe the injuries or marks you saw")).to_have_count(0)  # physical abuse was not chosen

    _send(page, "Send to the Family Front Door")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    for missing in ("Enter the child's date of birth", "Select the areas of the child's care that are neglected",
                    "Select how urgently you think the child needs a response"):
        expect(summary).to_contain_text(missing)
    audit.check("a cause for concern with what is missing")
    summary.get_by_role("link", name="Enter the child's date of birth").click()
    born = page.get_by_role("group", name="Date of birth", exact=True)
    expect(born.get_by_label("Day")).to_be_focused()

    _answer(page, "Is the child unborn?", "No")
    born.get_by_label("Day").fill("4")
    born.get_by_label("Month").fill("5")
    born.get_by_label("Year").fill("2016")
    page.get_by_label("Address line 1").fill("1 Mill Lane")
    page.get_by_label("Postcode").fill("NE1 4XF")
    page.get_by_label("Describe your concern about the child, and what happened").fill("Hungry most days; same clothes all week.")
    page.get_by_label("Food").check()
    page.get_by_label("How long have you been concerned?").fill("Since September")
    page.get_by_label("What have you done about the concern so far?").fill("Breakfast club offered.")
    _answer(page, "Did you ask the family for consent to this referral?", "No")
    page.get_by_label("If you did not ask, why not?").fill("Asking could put the child at greater risk.")
    page.get_by_label("Routine: the child is not at immediate risk").check()
    _send(page, "Send to the Family Front Door")
    expect(page.locator(".govuk-panel")).to_contain_text("Sent to the Family Front Door")
    reference = draft_address.rsplit("/", 1)[1]
    expect(page.locator(".govuk-panel")).to_contain_text(reference)
    audit.check("sent, with its reference")

    page.get_by_role("link", name="My submissions").click()
    audit.check("my submissions", heading="My submissions")
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(reference))).to_contain_text("Robin Example")
    page.get_by_role("link", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    audit.done()


def test_the_council_admins_partner_agencies_page(page: Page, local_stack: LocalStack):
    audit = Reflow(page)
    sign_in(page, demo_user("NORTHSHIRE", Role.COUNCIL_ADMIN))
    audit.visit("/partners", "partner agencies", heading="Partner agencies")
    expect(page.get_by_role("button", name=f"Remove {APPROVED_DOMAIN}")).to_be_visible()
    page.get_by_label("Email domain").fill("gmail.com")
    _send(page, "Add domain")
    expect(page.locator(".govuk-error-summary")).to_contain_text("public email service")
    audit.check("partner agencies with an error")
    audit.done()
