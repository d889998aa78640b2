"""Adult social care screening in Chromium: the referral queue, the referral page and the screening form pass axe
(WCAG 2.2 A and AA) in each state, a screening officer screens a referral with the keyboard alone, and the form works
with JavaScript turned off (every outcome's own field is shown, and the page posts and redirects as with it)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from shared.core.adapters.case_store import CaseStore
from shared.core.domain.case import AuditEntry, utcnow
from shared.core.domain.council import load_councils
from shared.resources import council_table_name
from shared.services.asc_triage.adapters.question_sets import QuestionSets
from shared.services.asc_triage.domain.case import ReferralCase, ReferralStage
from shared.services.asc_triage.domain.referral import Referral
from shared.services.asc_triage.logic.referrals import receive_referral
from tests.unit.asc_triage.test_referral import referral_data

from .conftest import PAGE_TIMEOUT_MS, LocalStack, check_accessibility, screenshot, sign_in, tab_to
from .test_accessibility import error_state
from .test_journeys import CASEWORKER

NORTHSHIRE = "NORTHSHIRE"


class NoWorkflow:
    """The referral's workflow is not started: the case is put at screening below, as the workflow's wait step leaves it."""

    def start(self, *_: Any) -> bool:
        return True


def referral_at_screening(stack: LocalStack, **overrides: Any) -> ReferralCase:
    """A referral received through the real intake logic into the stack's Northshire table, waiting to be screened."""
    client, table = stack.client("dynamodb"), council_table_name(NORTHSHIRE)
    store = CaseStore(client, table)
    tag = uuid.uuid4().hex[:8]
    data = referral_data(referral_id=f"REF-{tag}", adult__family_name=f"Browser{tag}", adult__nhs_number=None, **overrides)
    council = load_councils().get(NORTHSHIRE)
    case = receive_referral(Referral.model_validate(data), council, store, QuestionSets(client, table), NoWorkflow(), "test",
                            utcnow()).case
    waiting = case.changed(utcnow(), stage=ReferralStage.SCREENING, task_token=f"token-{tag}")
    store.save(waiting, expected_version=case.version, audit=AuditEntry(
        case_id=case.case_id, at=utcnow(), actor="workflow", action="STAGE_CHANGED", before={"stage": "RECEIVED"},
        after={"stage": "SCREENING"}))
    return waiting


def summary_row(page: Page, key: str) -> Locator:
    return page.locator(".govuk-summary-list__row", has=page.locator("dt", has_text=re.compile(rf"^{key}$")))


def press_enter(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_referral_screened_with_the_keyboard_alone_and_every_state_accessible(page: Page, local_stack: LocalStack):
    case = referral_at_screening(local_stack)
    sign_in(page, CASEWORKER)
    page.goto("/referrals")
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals")
    check_accessibility(page)
    screenshot(page, "asc-screening-queue")

    # The queue, the referral and the form, by Tab and Enter.
    tab_to(page, page.get_by_role("link", name=case.case_id), max_presses=120)
    press_enter(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ada {case.application.adult.family_name}")
    check_accessibility(page)
    screenshot(page, "asc-screening-referral")
    tab_to(page, page.get_by_role("button", name="Screen the referral"), max_presses=80)
    press_enter(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Screen the referral")  # (axe needs JavaScript: audited above)

    # An override (signpost, where triage recommends routing) without its reason: the error summary takes the focus.
    route = page.get_by_role("radio", name="Route to a team (recommended)")
    signpost = page.get_by_role("radio", name="Signpost to community support")
    tab_to(page, route, max_presses=60)
    page.keyboard.press("ArrowDown")
    expect(signpost).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Record the decision"), max_presses=20)
    press_enter(page)
    error_state(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why you are not following the recommendation")
    check_accessibility(page)

    # The summary's link leads to the reason; the decision is recorded and the referral page says so.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Enter why you are not following the recommendation")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Reason", exact=True)).to_be_focused()
    page.keyboard.type("Her daughter now helps every day; the lunch club suits her.")
    tab_to(page, page.get_by_role("button", name="Record the decision"), max_presses=20)
    press_enter(page)
    expect(page).to_have_url(re.compile(rf"/referrals/{case.case_id}\?screened=SIGNPOST$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The referral is signposted to community support.")
    expect(summary_row(page, "Decision")).to_contain_text("overrides the recommendation")
    expect(summary_row(page, "Reason")).to_contain_text("Her daughter now helps every day")
    check_accessibility(page)


@pytest.fixture
def page_without_javascript(chromium: Browser, local_stack: LocalStack) -> Iterator[Page]:
    context = chromium.new_context(base_url=local_stack.web_url, java_script_enabled=False, locale="en-GB",
                                   timezone_id="Europe/London", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_screening_works_without_javascript(page_without_javascript: Page, local_stack: LocalStack):
    page = page_without_javascript
    case = referral_at_screening(local_stack)
    sign_in(page, CASEWORKER)
    page.goto(f"/referrals/{case.case_id}/screening")
    expect(page.get_by_role("heading", level=1)).to_have_text("Screen the referral")  # (axe needs JavaScript: audited above)
    page.get_by_role("radio", name="Route to a team (recommended)").check()
    page.get_by_label("Team to route the referral to").select_option(label="Community OT")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The referral is routed to Community OT.")
    expect(summary_row(page, "Team")).to_contain_text("Community OT")
