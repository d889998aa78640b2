"""The caseworker's journeys end to end in a real browser, against the local stack and its real workflows:
a case from the team queue to an ordered badge, asking the applicant for information and answering it on the
reply page, refusing and reviewing, and search with the single view of a person.

Each journey sets up a case of its own through the JSON API (a person no other test uses), so nothing depends on
another test or on the shared demo cases' stages; the workflow moves cases on by itself, so each wait for it is a
bounded poll.
"""

from __future__ import annotations

import random
import re
import string
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from playwright.sync_api import Locator, Page, expect

from infra.local.seed import tiny_jpeg, tiny_pdf
from shared.core.adapters.reply_links import ReplyLinks
from shared.core.domain.evidence import intake_evidence_prefix
from shared.resources import EVIDENCE_BUCKET_LOCAL_NAME, Role, council_table_name
from shared.core.domain.reply_tokens import reply_path
from tests.factories import complete_application

from .conftest import LocalStack, demo_user, sign_in

WORKFLOW_SECONDS = 90  # the longest a workflow takes to move a case on while the machine is busy
BADGE_NUMBER = re.compile(r"^[0-9A-HJK]{6}$")
CASEWORKER = demo_user("NORTHSHIRE", Role.CASEWORKER)
TEAM_LEADER = demo_user("NORTHSHIRE", Role.TEAM_LEADER)


# ---------------------------------------------------------------- setting up cases through the API
def new_case(stack: LocalStack, *, without: tuple[str, ...] = (), council: str = "NORTHSHIRE") -> tuple[str, dict[str, Any]]:
    """Key in a complete PIP application (less the evidence types in `without`) for a person nobody else has:
    returns the case id and the application. Its documents are real files in the evidence bucket."""
    application = complete_application(council, channel="PAPER")
    tag = uuid.uuid4().hex[:8]
    application["holder"] |= {
        "forenames": "Robin",
        "surname": "Browser" + "".join(random.choices(string.ascii_lowercase, k=6)).capitalize(),
        "date_of_birth": f"19{random.randint(40, 89)}-{random.randint(1, 12):02d}-{random.randint(1, 28):02d}",
        "nino": f"AB{random.randint(0, 999_999):06d}C",
    }
    s3 = stack.client("s3")
    evidence = []
    for item in application["evidence"]:
        if item["type"] in without:
            continue
        is_photo = item["type"] in ("PHOTO", "PROOF_ID")
        key = f"{intake_evidence_prefix(council, application['application_id'])}{item['type'].lower()}.{'jpg' if is_photo else 'pdf'}"
        content_type = "image/jpeg" if is_photo else "application/pdf"
        body = tiny_jpeg() if is_photo else tiny_pdf(f"{item['type']} for a browser test")
        s3.put_object(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=key, Body=body, ContentType=content_type)
        evidence.append({"type": item["type"], "key": key, "content_type": content_type, "filename": key.rsplit("/", 1)[-1]})
    application["evidence"] = evidence
    status, outcome = stack.api(demo_user(council, Role.CASEWORKER), "POST", "/applications", application)
    assert status == 201 and outcome["status"] == "CREATED", (status, outcome)
    return outcome["case_id"], application


def case_of(stack: LocalStack, case_id: str, user=CASEWORKER) -> dict[str, Any]:
    status, body = stack.api(user, "GET", f"/cases/{case_id}")
    assert status == 200, (status, body)
    return body


def wait_for_stage(stack: LocalStack, case_id: str, stage: str, user=CASEWORKER) -> dict[str, Any]:
    """The case (the API's view) once its workflow has moved it to `stage`."""
    return eventually(lambda: (found := case_of(stack, case_id, user))["case"]["stage"] == stage and found,
                      f"case {case_id} reaching {stage}")


def take_step(stack: LocalStack, case_id: str, step: str, body: dict[str, Any], user=CASEWORKER) -> None:
    """POST a workflow step through the API, once the workflow waits for it (409 until then)."""
    def taken() -> bool:
        version = case_of(stack, case_id, user)["case"]["version"]
        status, answer = stack.api(user, "POST", f"/cases/{case_id}/{step}", {"expected_version": version, **body})
        assert status < 300 or status == 409, (step, status, answer)
        return status < 300
    eventually(taken, f"{step} on {case_id}")


def case_at_decision(stack: LocalStack) -> str:
    """A case of its own whose workflow waits for the decision (proof checked through the API)."""
    case_id, _ = new_case(stack)
    wait_for_stage(stack, case_id, "PROOF_CHECK")
    take_step(stack, case_id, "proof-check", {"confirmed": True})
    wait_for_stage(stack, case_id, "DECISION")
    return case_id


def eventually(check: Callable[[], Any], what: str, seconds: float = WORKFLOW_SECONDS) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting {seconds:.0f} s for {what}")
        time.sleep(1)


# ---------------------------------------------------------------- in the browser
def reload_until(page: Page, target: Locator, what: str, seconds: float = WORKFLOW_SECONDS) -> None:
    """Reload the page (as a person would, told the workflow is moving the case on) until `target` shows."""
    def shown() -> bool:
        if target.count() and target.first.is_visible():
            return True
        page.reload()
        return False
    eventually(shown, what, seconds)


def stage_tag(page: Page) -> Locator:
    return page.locator(".app-case__status .govuk-tag")


def at_stage(page: Page, label: str) -> Locator:
    """The case page's stage tag if it reads `label` (to wait for it)."""
    return stage_tag(page).filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))


def action(page: Page, name: str) -> Locator:
    """One of the case page's "What you can do now" actions (links styled as buttons)."""
    return page.get_by_role("button", name=name, exact=True)


def done_banner(page: Page, heading: str, case_id: str) -> None:
    """After an action: back on the case's page, whose success banner says what was done (no confirmation page)."""
    expect(page).to_have_url(re.compile(rf"/cases/{re.escape(case_id)}\?done=[\w-]+$"))
    expect(page.locator(".govuk-notification-banner--success .govuk-notification-banner__heading")).to_have_text(heading)
    expect(page.locator(".govuk-caption-l").first).to_contain_text(case_id)


def submit(scope: Page | Locator, button: str) -> None:
    """Press a button that sends a form; scope it to a locator where the page has several such buttons."""
    page = scope if isinstance(scope, Page) else scope.page
    with page.expect_navigation():
        scope.get_by_role("button", name=button, exact=True).click()


def badge_numbers(page: Page) -> list[str]:
    cells = page.get_by_role("table", name="Badges ordered by this case").locator("tbody tr td:first-child").all_inner_texts()
    return [cell.strip() for cell in cells if BADGE_NUMBER.match(cell.strip())]


def reply_link(stack: LocalStack, case_id: str) -> str:
    """The reply page's address for the case's current round, as the missing-information email carries it.

    The email itself stays in the memory of the stack's moto server, which offers no way to read it back (its
    /moto-api/data.json fails on the Lambda backend), and links are stored hashed: so a link is issued here as
    the Notifier issues the emailed one (both stay valid for the round)."""
    # The case reaches the stage before the workflow's next step sets its deadline (the email goes with the deadline).
    case = eventually(lambda: (found := wait_for_stage(stack, case_id, "AWAITING_INFORMATION")["case"])["information_due"] and found,
                      f"case {case_id}'s information deadline")
    links = ReplyLinks(stack.client("dynamodb"), council_table_name(case["council_code"]))
    due = datetime.fromisoformat(case["information_due"])
    return reply_path(links.issue(case_id, due, datetime.now(due.tzinfo)))


def an_ordered_demo_badge(stack: LocalStack) -> tuple[str, dict[str, Any], str]:
    """A demo case with an ordered badge (the seed orders some): its id, its holder and the badge number."""
    status, queue = stack.api(CASEWORKER, "GET", "/cases?stage=ORDERED")
    assert status == 200, queue
    for entry in queue["cases"]:
        found = case_of(stack, entry["case_id"])
        if found["badges"] and found["case"]["application"].get("holder"):
            return entry["case_id"], found["case"]["application"]["holder"], found["badges"][0]["badge_number"]
    raise AssertionError("the demo data has no ordered badge")


# ---------------------------------------------------------------- the journeys
def test_a_caseworker_takes_a_case_from_the_queue_to_an_ordered_badge(page: Page, local_stack: LocalStack):
    # Vale Wye's caseworker: the case stays in their work, and the other tests' caseworker's work stays as seeded.
    caseworker = demo_user("VALEWYE", Role.CASEWORKER)
    case_id, application = new_case(local_stack, council="VALEWYE")
    wait_for_stage(local_stack, case_id, "PROOF_CHECK", caseworker)

    sign_in(page, caseworker)
    with page.expect_navigation():
        page.get_by_role("link", name="Team queue", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"Proof check cases$")).click()
    page.get_by_label("Sort by").select_option("newest")
    with page.expect_navigation():
        page.get_by_role("button", name="Show cases").click()
    expect(page.get_by_role("table")).to_contain_text(case_id)
    with page.expect_navigation():  # a row names the applicant (and shows the case reference under the name)
        page.get_by_role("link", name=f"Robin {application['holder']['surname']}", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Robin {application['holder']['surname']}")
    expect(stage_tag(page)).to_have_text("Proof check")
    submit(page, "Take this case")
    done_banner(page, "Case taken", case_id)
    expect(page.locator(".app-case__assignment")).to_contain_text(caseworker.username)

    reload_until(page, action(page, "Record the proof check"), "the proof check to be open")
    with page.expect_navigation():
        action(page, "Record the proof check").click()
    page.get_by_role("radio", name="Yes").check()
    page.get_by_label("What you saw (optional)").fill("PIP award letter, 10 points for moving around")
    submit(page, "Record the proof check")
    done_banner(page, "Proof check recorded", case_id)

    reload_until(page, action(page, "Decide the application"), "the workflow to move the case to the decision")
    expect(stage_tag(page)).to_have_text("Decision")
    with page.expect_navigation():
        action(page, "Decide the application").click()
    page.get_by_role("radio", name="Approve and order the badge").check()
    submit(page, "Continue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Order the badge")
    page.get_by_role("radio", name="The holder's home").check()
    page.get_by_role("radio", name="Standard").check()
    submit(page, "Continue")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    answers = page.locator(".govuk-summary-list")
    expect(answers).to_contain_text("Approve and order the badge")
    expect(answers).to_contain_text("Today")
    expect(answers).to_contain_text("The holder's home, standard")
    submit(page, "Send the decision")
    done_banner(page, "Decision sent", case_id)

    reload_until(page, at_stage(page, "Ordered"), "the badge to be ordered")
    [number] = badge_numbers(page)
    expect(page.get_by_role("table", name="Badges ordered by this case")).to_contain_text("Ordered")
    status, found = local_stack.api(caseworker, "GET", f"/badges/{number}")
    assert (status, found["badge"]["case_id"], found["badge"]["status"]) == (200, case_id, "ORDERED")


def test_the_applicant_answers_a_request_for_information_on_the_reply_page(new_page: Callable[[], Page], local_stack: LocalStack):
    case_id, _ = new_case(local_stack)
    wait_for_stage(local_stack, case_id, "PROOF_CHECK")

    staff = new_page()
    sign_in(staff, CASEWORKER)
    staff.goto(f"/cases/{case_id}")
    reload_until(staff, action(staff, "Ask the applicant for information"), "the proof check to be open")
    with staff.expect_navigation():
        action(staff, "Ask the applicant for information").click()
    staff.get_by_role("checkbox", name="A recent passport-style photo of the badge holder").check()
    staff.locator("#note-PHOTO").fill("The photo you sent is blurred.")
    staff.get_by_role("checkbox", name=re.compile(r"^A valid National Insurance number")).check()
    submit(staff, "Send the request")
    done_banner(staff, "Information asked for", case_id)
    reload_until(staff, at_stage(staff, "Awaiting information"), "the case to wait for information")
    expect(staff.locator("#missing ~ .govuk-task-list")).to_contain_text("A recent passport-style photo of the badge holder")

    # The applicant: no staff session, only the link.
    applicant = new_page()
    applicant.goto(reply_link(local_stack, case_id))
    expect(applicant.get_by_role("heading", level=1)).to_have_text("Send us the information we need for the Blue Badge application")
    expect(applicant.get_by_role("link", name="Sign out")).to_have_count(0)
    photo = applicant.locator("section#photo")
    expect(photo.get_by_role("heading", level=3)).to_have_text("A photo of the badge holder")
    photo.get_by_label("Choose a JPG file").set_input_files(
        files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": tiny_jpeg()}])
    with applicant.expect_navigation(url=re.compile(r"/reply/[^/?]+\?uploaded=photo")):
        photo.get_by_role("button", name="Upload file").click()  # to S3, which sends the browser back
    expect(applicant.locator(".govuk-notification-banner--success")).to_contain_text("Your file was uploaded")
    expect(applicant.locator("section#photo")).to_contain_text("Uploaded")

    applicant.get_by_label("The badge holder's National Insurance number").fill("JT 12 34 56 D")
    submit(applicant, "Send")
    expect(applicant.get_by_role("heading", level=1)).to_have_text("Information sent")

    staff.reload()
    reload_until(staff, stage_tag(staff).filter(has_not_text="Awaiting information"), "the case to leave AWAITING_INFORMATION")
    expect(staff.get_by_role("table", name="Documents sent with the application")).to_contain_text("Photo")

    # The link was single-use.
    applicant.go_back()
    applicant.reload()
    expect(applicant.get_by_role("heading", level=1)).to_have_text("This link does not work")


def test_a_refusal_is_reviewed_by_another_caseworker(new_page: Callable[[], Page], local_stack: LocalStack):
    case_id = case_at_decision(local_stack)

    caseworker = new_page()
    sign_in(caseworker, CASEWORKER)
    caseworker.goto(f"/cases/{case_id}")
    reload_until(caseworker, action(caseworker, "Decide the application"), "the decision to be open")
    with caseworker.expect_navigation():
        action(caseworker, "Decide the application").click()
    caseworker.get_by_role("radio", name="Refuse").check()
    submit(caseworker, "Continue")
    caseworker.get_by_label("Why is the application refused?").fill(
        "The award letter does not show 8 points for moving around.\nThe photo is not of the badge holder.")
    submit(caseworker, "Continue")
    expect(caseworker.get_by_role("heading", level=1)).to_have_text("Check your answers")
    reasons = caseworker.locator(".govuk-summary-list .govuk-list--bullet li")
    expect(reasons).to_have_text(["The award letter does not show 8 points for moving around.", "The photo is not of the badge holder."])
    submit(caseworker, "Send the decision")
    done_banner(caseworker, "Decision sent", case_id)

    reload_until(caseworker, action(caseworker, "Record a review request"), "the refusal to be sent")
    expect(stage_tag(caseworker)).to_have_text("Refused")
    with caseworker.expect_navigation():
        action(caseworker, "Record a review request").click()
    caseworker.get_by_label("Why the applicant thinks the refusal is wrong").fill("They sent a newer award letter with 10 points.")
    submit(caseworker, "Record the review request")
    done_banner(caseworker, "Review request recorded", case_id)

    leader = new_page()
    sign_in(leader, TEAM_LEADER)
    leader.goto(f"/cases/{case_id}")
    reload_until(leader, action(leader, "Review the refusal"), "the review to be open")
    expect(stage_tag(leader)).to_have_text("Review")

    # The caseworker who refused is not offered the review, and cannot reach it by its address either.
    caseworker.goto(f"/cases/{case_id}")
    expect(stage_tag(caseworker)).to_have_text("Review")
    expect(action(caseworker, "Review the refusal")).to_have_count(0)

    with leader.expect_navigation():
        action(leader, "Review the refusal").click()
    leader.get_by_role("radio", name="Uphold the refusal").check()
    submit(leader, "Continue")
    leader.get_by_label("Why is the refusal upheld?").fill("The newer letter still shows fewer than 8 points.")
    submit(leader, "Continue")
    expect(leader.locator(".govuk-summary-list")).to_contain_text("Uphold the refusal")
    submit(leader, "Send the review")
    done_banner(leader, "Review sent", case_id)
    reload_until(leader, leader.locator(".govuk-summary-list__key", has_text=re.compile("^Review$")), "the review to be recorded")
    expect(leader.locator(".govuk-summary-list__row", has=leader.locator("dt", has_text=re.compile("^Review$")))).to_contain_text(
        f"Uphold by {TEAM_LEADER.username}")


def test_search_by_badge_number_and_by_surname_and_date_of_birth_then_the_single_view(page: Page, local_stack: LocalStack):
    case_id, holder, badge = an_ordered_demo_badge(local_stack)

    sign_in(page, CASEWORKER)
    with page.expect_navigation():
        page.get_by_role("link", name="Search", exact=True).click()
    by_badge = page.locator("#search-badge")
    by_badge.get_by_role("textbox", name="Badge number").fill(badge.lower())  # typed as people type it
    submit(by_badge, "Search")
    expect(page.get_by_role("heading", name=re.compile(r"^\d+ cases? found$"))).to_be_visible()  # a replacement names it too
    results = page.get_by_role("table")
    expect(results).to_contain_text(case_id)
    expect(results).to_contain_text(holder["surname"])

    by_person = page.locator("#search-person")
    by_person.get_by_role("textbox", name="Last name").fill(holder["surname"].upper())
    born = holder["date_of_birth"].split("-")
    by_person.get_by_label("Day").fill(str(int(born[2])))
    by_person.get_by_label("Month").fill(str(int(born[1])))
    by_person.get_by_label("Year").fill(born[0])
    submit(by_person, "Search")
    expect(page.get_by_role("heading", name=re.compile(r"^\d+ cases? found$"))).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text(case_id)
    # Posted, then shown at an opaque address: the name and date of birth are in no URL, history entry or log.
    expect(page).to_have_url(re.compile(r"/search\?results=[\w-]+$"))
    assert holder["surname"].lower() not in page.url.lower() and born[0] not in page.url

    with page.expect_navigation():
        page.get_by_role("link", name=f"Person on case {case_id}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(holder["surname"])
    page.go_back()  # Back shows the results again, without asking to resend a form
    expect(page.get_by_role("table")).to_contain_text(case_id)
    with page.expect_navigation():
        page.get_by_role("link", name=f"Person on case {case_id}").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text(holder["nino"])
    expect(page.locator(".govuk-summary-list")).to_contain_text(f"{case_id} · New · Ordered")
    with page.expect_navigation():
        page.get_by_role("link", name=f"Back to case {case_id}").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case_id}$"))
