"""A council admin in Chromium: invites a member of staff, sets their roles, disables the account, and changes a council
setting; axe finds nothing on any of the pages, in their empty, error and done states."""

from __future__ import annotations

import secrets

from playwright.sync_api import Page, expect

from shared.resources import Role

from .conftest import LocalStack, demo_user, sign_in
from .test_accessibility import Audit, error_state
from .test_journeys import submit

COUNCIL_ADMIN = demo_user("NORTHSHIRE", Role.COUNCIL_ADMIN)


def banner(page: Page, text: str) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def invite_someone(page: Page, audit: Audit) -> str:
    email = f"browser.{secrets.token_hex(3)}@northshire.example.gov.uk"
    audit.visit("/admin/staff", "staff accounts", heading="Staff accounts")
    with page.expect_navigation():
        page.get_by_role("button", name="Invite someone").click()
    audit.check("invite someone", heading="Invite someone")
    submit(page, "Send invitation")
    error_state(page)
    audit.check("invite someone, with errors")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_role("checkbox", name="Caseworker", exact=True).check()
    page.get_by_role("checkbox", name="Blue Badge", exact=True).check()
    submit(page, "Send invitation")
    banner(page, "Invitation sent")
    audit.check("staff accounts, after an invitation", heading="Staff accounts")
    row = page.locator("table", has=page.locator("#staff-caption")).get_by_role("row").filter(has_text=email)
    expect(row).to_contain_text("Invited")
    expect(row).to_contain_text("Never")
    return email


def test_a_council_admin_invites_sets_a_role_disables_and_changes_a_setting(page: Page, local_stack: LocalStack):
    audit = Audit(page)
    sign_in(page, COUNCIL_ADMIN)
    expect(page.get_by_role("link", name="Staff accounts")).to_be_visible()
    email = invite_someone(page, audit)

    with page.expect_navigation():
        page.get_by_role("link", name=email).click()
    audit.check("a staff account", heading=email)
    page.get_by_role("checkbox", name="Team leader", exact=True).check()
    submit(page, "Save roles and teams")
    banner(page, "Roles and teams saved")
    expect(page.get_by_role("checkbox", name="Team leader", exact=True)).to_be_checked()
    audit.check("a staff account, roles saved")
    submit(page, "Disable account")
    banner(page, "Account disabled")
    expect(page.get_by_role("button", name="Enable account")).to_be_visible()
    expect(page.get_by_role("table").filter(has_text="Changes to this account")).to_contain_text("Account disabled")
    audit.check("a staff account, disabled")
    page.get_by_role("checkbox", name="Team leader", exact=True).uncheck()
    page.get_by_role("checkbox", name="Caseworker", exact=True).uncheck()
    submit(page, "Save roles and teams")
    error_state(page)
    audit.check("a staff account, no role selected")

    audit.visit("/admin/settings", "council settings", heading="Council settings")
    target = page.get_by_label("Target for a decision, in working days", exact=True)
    original = target.input_value()
    target.fill("")
    submit(page, "Save settings")
    error_state(page)
    audit.check("council settings, with errors")
    page.get_by_label("Target for a decision, in working days", exact=True).fill(str(int(original) - 2))
    submit(page, "Save settings")
    banner(page, "Settings saved")
    expect(page.get_by_label("Target for a decision, in working days", exact=True)).to_have_value(str(int(original) - 2))
    expect(page.get_by_role("table").filter(has_text="Changes to the settings")).to_contain_text(
        f"services.blue-badge.kpi.days_to_decision: {original} to {int(original) - 2}")
    audit.check("council settings, saved")
    page.get_by_label("Target for a decision, in working days", exact=True).fill(original)  # as deployed, for the other tests
    submit(page, "Save settings")
    banner(page, "Settings saved")

    audit.visit("/admin/settings/emails", "email wording", heading="Email wording")
    audit.visit("/admin/settings/emails/blue-badge/DECISION_REFUSED", "one email's wording", heading="Decision refused email")
    page.get_by_label("Message", exact=True).fill("Dear $nobody")
    submit(page, "Save wording")
    error_state(page)
    audit.check("one email's wording, with an unknown placeholder")
    audit.done()
