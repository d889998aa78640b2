"""A caseworker's day in fewer steps (issue 17), counted in a real browser driven by the keyboard: page loads (documents
shown), posts (forms sent) and Tab presses (each counted from where the focus is when a page has loaded) for "approve an automatic-route case to an ordered badge", "open the oldest
proof-check case", "find a person by badge number" and "reassign 3 cases". Each count is printed (pytest -s shows them) and held to a
ceiling, so a change that adds a step fails here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from playwright.sync_api import Locator, Page, Response, expect

from .conftest import LocalStack, check_accessibility, sign_in, tab_to
from .test_journeys import CASEWORKER, action, at_stage, new_case, reload_until, wait_for_stage

TABS = 80  # the most Tab presses any one target may take before the test gives up


@dataclass
class Steps:
    """What a person does in one flow: pages shown, forms posted and Tab presses."""

    name: str
    page: Page
    loads: int = 0
    posts: int = 0
    tabs: int = 0
    seen: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("response", self._count)

    def _count(self, response: Response) -> None:
        request = response.request
        if request.resource_type != "document" or response.frame != self.page.main_frame:
            return
        if request.method == "POST":
            self.posts += 1
        if not 300 <= response.status < 400:  # a redirect shows nothing: the page it leads to is the load
            self.loads += 1
            self.seen.append(f"{request.method} {response.url.split('/', 3)[-1]} {response.status}")

    def tab_to(self, target: Locator) -> None:
        self.tabs += len(tab_to(self.page, target, max_presses=TABS))

    def enter(self) -> None:
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    def report(self) -> str:
        self.page.remove_listener("response", self._count)
        line = f"{self.name}: {self.loads} page loads, {self.posts} posts, {self.tabs} Tab presses ({' -> '.join(self.seen)})"
        print(line)
        return line


def test_counted_flows(page: Page, local_stack: LocalStack):
    case_id, application = new_case(local_stack)
    wait_for_stage(local_stack, case_id, "PROOF_CHECK")
    sign_in(page, CASEWORKER)

    # 1. Approve an automatic-route case to an ordered badge: from its case page to the banner saying it is done.
    page.goto(f"/cases/{case_id}")
    reload_until(page, action(page, "Proof confirmed – approve and order"), "the proof check to be open")
    approving = Steps("approve an automatic-route case to an ordered badge", page)
    approving.loads, approving.seen = 1, [f"GET cases/{case_id} 200"]  # the case page, where the flow starts
    approving.tab_to(action(page, "Proof confirmed – approve and order"))
    approving.enter()
    expect(page.get_by_role("heading", level=1)).to_have_text("Proof confirmed – approve and order")
    approving.tab_to(page.get_by_role("checkbox", name="The proof shows the applicant meets the criterion"))
    page.keyboard.press("Space")
    approving.tab_to(page.get_by_role("button", name="Continue"))
    approving.enter()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    approving.tab_to(page.get_by_role("button", name="Approve and order the badge"))
    approving.enter()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Proof confirmed and application approved")
    check_accessibility(page)
    approving.report()
    assert (approving.loads, approving.posts) == (4, 2), approving.seen  # was 8 page loads and 4 posts
    reload_until(page, at_stage(page, "Ordered"), "the badge to be ordered")
    badge = page.get_by_role("table", name="Badges ordered by this case").locator("tbody tr td").first.inner_text().strip()

    # 2. Open the oldest proof-check case: from My work, through the team queue, to the first case (oldest first).
    page.goto("/")
    opening = Steps("open the oldest proof-check case", page)
    opening.loads, opening.seen = 1, ["GET / 200"]
    opening.tab_to(page.get_by_role("link", name="Team queue", exact=True))
    opening.enter()
    opening.tab_to(page.get_by_role("link", name=re.compile(r"Proof check cases$")))
    opening.enter()
    first_case = page.get_by_role("region", name=re.compile("^Proof check, oldest first")).get_by_role("link").first
    tabs_before = opening.tabs
    opening.tab_to(first_case)
    tabs_in_queue = opening.tabs - tabs_before
    opening.enter()
    expect(page.locator(".app-case__status .govuk-tag")).to_have_text("Proof check")
    opening.report()
    print(f"  of which from the top of the team queue to its first case: {tabs_in_queue} Tab presses (was 26)")
    assert (opening.loads, opening.posts) == (4, 0), opening.seen
    assert tabs_in_queue <= 16, tabs_in_queue  # the cases come before the filters and saved views

    # 3. Find a person by badge number: the header's search box, straight to the case, then the person's single view.
    page.goto("/")
    finding = Steps("find a person by badge number", page)
    finding.loads, finding.seen = 1, ["GET / 200"]
    finding.tab_to(page.get_by_role("searchbox", name=re.compile("^Find a case")))
    page.keyboard.type(badge.lower())  # as people type it
    finding.enter()
    expect(page).to_have_url(re.compile(rf"/cases/{case_id}$"))
    finding.tab_to(page.get_by_role("link", name="This person's other applications and badges"))
    finding.enter()
    expect(page.get_by_role("heading", level=1)).to_contain_text(application["holder"]["surname"])
    finding.report()
    assert (finding.loads, finding.posts) == (3, 1), finding.seen  # was a search page of four forms and a click on the result


def test_the_assignee_pickers_pages_at_320_and_1280_pixels(page: Page, local_stack: LocalStack):
    """A team leader's referral page and its assignment page, with the picker of the council's staff (and its error)."""
    from .test_asc_screening import referral_at_screening
    from .test_journeys import TEAM_LEADER, submit
    from .test_reflow import Reflow

    referral = referral_at_screening(local_stack)
    reflow = Reflow(page)
    sign_in(page, TEAM_LEADER)
    reflow.visit(f"/referrals/{referral.case_id}", "referral with the assignee picker")
    picker = page.get_by_role("combobox", name="Give this referral to")
    expect(picker.locator("option", has_text=CASEWORKER.username)).to_have_count(1)
    submit(page.locator(".govuk-grid-column-one-third"), "Assign")  # nobody chosen
    expect(page).to_have_title(re.compile(r"^Error: "))
    reflow.check("referral assignment, nobody chosen")
    page.get_by_role("combobox", name="Or give this referral to").select_option(CASEWORKER.username)
    submit(page.locator("main"), "Assign")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(f"The referral is in {CASEWORKER.username}'s work.")
    reflow.check("referral assigned, with its banner")
    reflow.done()


def test_reassigning_three_cases_is_counted(page: Page, local_stack: LocalStack):
    """4. Reassign 3 cases (issue 17's last figure): a team leader, from the team queue at a stage (newest first, so the
    three new cases lead it), ticks them, picks a member of staff in the picker by typing, and sends."""
    from .test_journeys import TEAM_LEADER, case_of

    case_ids = [new_case(local_stack)[0] for _ in range(3)]
    for case_id in case_ids:
        wait_for_stage(local_stack, case_id, "PROOF_CHECK")
    sign_in(page, TEAM_LEADER)
    page.goto("/queue?stage=PROOF_CHECK&sort=newest")
    reassigning = Steps("reassign 3 cases", page)
    reassigning.loads, reassigning.seen = 1, ["GET queue?stage=PROOF_CHECK&sort=newest 200"]  # the queue, where it starts
    for case_id in reversed(case_ids):  # newest first
        reassigning.tab_to(page.get_by_role("checkbox", name=re.compile(rf", case {case_id}$")))
        page.keyboard.press("Space")
    picker = page.get_by_role("combobox", name="Give them to")
    reassigning.tab_to(picker)
    page.keyboard.type(CASEWORKER.username)  # a select takes the option whose words start with what is typed
    expect(picker).to_have_value(CASEWORKER.username)
    reassigning.tab_to(page.get_by_role("button", name="Reassign selected"))
    reassigning.enter()
    result = page.get_by_role("region", name="What happened to each case")
    for case_id in case_ids:
        expect(result).to_contain_text(case_id)
    check_accessibility(page)
    reassigning.report()
    assert [case_of(local_stack, case_id)["case"]["assignee"] for case_id in case_ids] == [CASEWORKER.username] * 3
    assert (reassigning.loads, reassigning.posts) == (2, 1), reassigning.seen  # was 1 page load (the result) and 1 post
    assert reassigning.tabs <= 30, reassigning.tabs  # was 85 (the free-typed email came after the filters)
