"""Paper in, complete (issue 17), in a real browser: a paper PIP application keyed in with the documents that came with
it (the photo scanned and uploaded, the rest seen and returned) arrives complete, and documents that arrive later are
recorded from the case page, each page checked with axe.

Keying in is counted as a person would go through it: page loads (each page the browser shows, a redirect's end
included), posts (each form sent, the upload to the evidence bucket included) and Tab presses (from the top of each
question page to its Continue button, through every field, as a keyboard user passes them once)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Page, Request, expect

from infra.local.seed import tiny_jpeg
from shared.resources import Role

from .conftest import LocalStack, check_accessibility, demo_user, sign_in, tab_to
from .test_reflow import Reflow
from .test_journeys import action, at_stage, case_of, new_case, reload_until, stage_tag, submit, wait_for_stage

KEYER = demo_user("NORTHSHIRE", Role.CASEWORKER)
A_PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)  # a PNG's first bytes: not what the badge printer takes


@dataclass
class Effort:
    """What keying in takes, counted while the test goes through it."""

    page: Page
    loads: int = 0
    posts: int = 0
    tabs: int = 0

    def __post_init__(self) -> None:
        self.page.on("framenavigated", lambda frame: self._loaded() if frame == self.page.main_frame else None)
        self.page.on("request", self._requested)

    def _loaded(self) -> None:
        self.loads += 1

    def _requested(self, request: Request) -> None:
        if request.method == "POST" and request.is_navigation_request():
            self.posts += 1

    def through(self, button: str = "Continue") -> None:
        """Tab from the top of the page just loaded to its main button (the Tab presses a keyboard user needs to pass
        every field once)."""
        self.page.evaluate("window.scrollTo(0, 0)")
        self.tabs += len(tab_to(self.page, self.page.get_by_role("button", name=button), max_presses=120))


def _start(page: Page) -> None:
    page.goto("/applications/new")
    if page.get_by_role("button", name="Discard it and start again").count():
        submit(page, "Discard it and start again")  # a draft another test left: this one starts afresh
    else:
        with page.expect_navigation():
            page.get_by_role("button", name="Start now").click()


def test_a_paper_pip_application_is_keyed_in_with_the_documents_that_came_with_it(page: Page, local_stack: LocalStack):
    sign_in(page, KEYER)
    effort = Effort(page)
    _start(page)
    effort.through()
    page.get_by_role("radio", name="A new badge").check()
    page.get_by_role("radio", name="A person").check()
    page.get_by_role("radio", name="Paper form").check()
    submit(page, "Continue")
    effort.through()
    page.get_by_role("textbox", name="First names").fill("Paige")
    page.get_by_role("textbox", name="Last name").fill("Formson")
    page.get_by_role("textbox", name="Day").fill("3")
    page.get_by_role("textbox", name="Month").fill("4")
    page.get_by_role("textbox", name="Year").fill("1950")
    page.get_by_role("textbox", name="National Insurance number").fill("qq 12 34 56 c")  # the hint's example: never issued
    submit(page, "Continue")
    expect(page.locator("#holder-nino-error")).to_contain_text("Enter a National Insurance number in the correct format")
    check_accessibility(page)
    page.get_by_role("textbox", name="National Insurance number").fill("jk 12 34 56 a")
    submit(page, "Continue")
    effort.through()
    page.get_by_role("textbox", name="Address line 1").fill("7 Form Street")
    page.get_by_role("textbox", name="Town or city").fill("Northby")
    page.get_by_role("textbox", name="Postcode").fill("ne1 4xf")
    page.get_by_role("textbox", name="Telephone number").fill("01632 960 001")
    page.get_by_role("textbox", name="Email address").fill("paige.formson@example.com")  # told by email: none asks for documents
    submit(page, "Continue")
    effort.through()
    page.get_by_role("radio", name=re.compile(r"^Personal Independence Payment")).check()
    submit(page, "Continue")
    effort.through()
    for legend, (day, month, year) in (("Award start date", ("1", "4", "2025")), ("Award end date", ("1", "4", "2028"))):
        dates = page.get_by_role("group", name=legend)
        dates.get_by_role("textbox", name="Day").fill(day)
        dates.get_by_role("textbox", name="Month").fill(month)
        dates.get_by_role("textbox", name="Year").fill(year)
    page.get_by_role("textbox", name="PIP points for moving around").fill("10")
    expect(page.get_by_role("radio", name=re.compile(r"^E: cannot undertake any journey"))).to_have_count(1)  # the descriptor
    check_accessibility(page)
    submit(page, "Continue")

    expect(page.get_by_role("heading", level=1)).to_have_text("Documents that came with the form")
    reflow = Reflow(page)  # each state of the documents page: axe at 320 and 1280 px, no sideways scroll
    reflow.check("documents that came with the form")
    effort.through()
    # The photo is printed on the badge: a scan it must be, and a JPG (the printer takes nothing else).
    photo = page.locator("section#photo")
    expect(photo.get_by_role("checkbox")).to_have_count(0)
    expect(page.get_by_role("checkbox", name=re.compile("photo"))).to_have_count(0)
    photo.get_by_label("Choose a JPG file").set_input_files(files=[{"name": "photo.png", "mimeType": "image/png", "buffer": A_PNG}])
    with page.expect_navigation(url=re.compile(r"/applications/new/documents\?refused=photo")):
        photo.get_by_role("button", name="Upload file").click()  # to the evidence bucket, which sends the browser back
    expect(page.locator("#file-photo-error")).to_contain_text("The selected file must be a JPG")
    expect(page).to_have_title(re.compile(r"^Error: "))
    reflow.check("documents, the photo refused")
    photo.get_by_label("Choose a JPG file").set_input_files(files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": tiny_jpeg()}])
    with page.expect_navigation(url=re.compile(r"/applications/new/documents\?uploaded=photo")):
        photo.get_by_role("button", name="Upload file").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("File uploaded: a recent passport-style photo")
    expect(photo).to_contain_text("Uploaded")
    reflow.check("documents, the photo uploaded")
    reflow.done()
    for document in ("Proof of identity", "Proof of address", "Proof of eligibility"):
        page.get_by_role("checkbox", name=re.compile(rf"^{document}")).check()
    submit(page, "Continue")
    effort.through()
    page.get_by_role("radio", name="Yes").check()
    page.get_by_role("textbox", name="Amount paid").fill("10.00")
    submit(page, "Continue")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the application before creating the case")
    check_accessibility(page)
    expect(page.locator("main")).to_contain_text("The application is complete")
    expect(page.locator("main")).to_contain_text("A recent passport-style photo of the badge holder")  # as uploaded
    expect(page.get_by_text("This application is incomplete")).to_have_count(0)
    with page.expect_navigation():
        page.get_by_role("button", name="Create the case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Application keyed in")
    print(f"\nKeying in a paper PIP application with its documents: {effort.loads} page loads, {effort.posts} posts "
          f"(one the photo's upload), {effort.tabs} Tab presses")

    case_id = page.locator(".govuk-panel strong").inner_text().strip()
    found = wait_for_stage(local_stack, case_id, "PROOF_CHECK")  # complete: screened straight on, never waiting for the applicant
    assert found["case"]["missing"] == []
    [photo_copy] = [item for item in found["case"]["application"]["evidence"] if item["type"] == "PHOTO"]
    assert photo_copy["key"].startswith(f"councils/") and f"/cases/{case_id}/" in photo_copy["key"]  # copied into the case's folder
    sent = [entry["after"].get("subject", "") for entry in case_of(local_stack, case_id)["history"] if entry["action"] == "NOTIFICATION_SENT"]
    assert any(subject.startswith("We have received your Blue Badge application") for subject in sent), sent
    assert not [subject for subject in sent if subject.startswith("We need more information")], sent


def test_documents_that_arrive_later_are_recorded_from_the_case_page(new_page: Callable[[], Page], local_stack: LocalStack):
    case_id, _ = new_case(local_stack, without=("PROOF_ID", "PROOF_ADD"))
    wait_for_stage(local_stack, case_id, "AWAITING_INFORMATION")
    page = new_page()
    sign_in(page, KEYER)
    page.goto(f"/cases/{case_id}")
    reload_until(page, action(page, "Record information received"), "the case to wait for information")
    with page.expect_navigation():
        action(page, "Record information received").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record information received")
    reflow = Reflow(page)
    expect(page.locator("section#proof-id").get_by_label("Choose a PDF file")).to_be_visible()  # a scan, or seen and returned
    reflow.check("record information received")
    submit(page, "Record what was received")
    expect(page).to_have_title(re.compile(r"^Error: "))
    reflow.check("record information received, nothing recorded")
    reflow.done()
    page.get_by_role("checkbox", name="Proof of the badge holder's identity").check()
    page.get_by_role("checkbox", name="Proof of the badge holder's address").check()
    submit(page, "Record what was received")
    assert re.search(rf"/cases/{case_id}(\?done=information-received)?$", page.url), page.url  # back to the case
    reload_until(page, stage_tag(page).filter(has_not_text="Awaiting information"), "the workflow to take what was received")
    expect(at_stage(page, "Awaiting information")).to_have_count(0)
