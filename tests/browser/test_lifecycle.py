"""A person's data rights in a real browser, against the local stack: a council admin exports everything held about a
person (the zip behind the download link holds their cases as JSON and their documents), then asks for the person's
data to be erased, with the keyboard alone; the same admin cannot confirm it, a second council admin does, and the
case is gone with only its tombstone left. axe-core audits each page and each error state on the way.

The case is one of its own (new_case), never a shared demo case: erasing it must not take anything from other tests.
"""

from __future__ import annotations

import io
import json
import re
import urllib.request
import zipfile
from collections.abc import Callable

import pytest
from botocore.exceptions import ClientError
from playwright.sync_api import Page, expect

from infra.local.seed import DEMO_PASSWORD, DemoUser
from shared.core.adapters.case_store import CaseStore
from shared.core.domain.evidence import case_evidence_prefix
from shared.core.domain.retention import ERASED_ACTION
from shared.resources import EVIDENCE_BUCKET_LOCAL_NAME, USER_POOL_NAME, Role, council_group, council_table_name

from .conftest import LocalStack, demo_user, sign_in
from .test_accessibility import Audit, error_state
from .test_journeys import new_case, submit, wait_for_stage
from .test_keyboard import FOCUS_SHOWN, FOCUS_YELLOW, press_enter, reach

COUNCIL = "NORTHSHIRE"
ADMIN = demo_user(COUNCIL, Role.COUNCIL_ADMIN)
# The seed makes one council admin per council; erasure needs a second, made here in the stack's moto Cognito.
SECOND_ADMIN = DemoUser(f"second-admin@{COUNCIL.lower()}.example", (council_group(COUNCIL, Role.COUNCIL_ADMIN),), COUNCIL,
                        Role.COUNCIL_ADMIN)


@pytest.fixture
def second_admin(local_stack: LocalStack) -> DemoUser:
    cognito = local_stack.client("cognito-idp")
    [pool_id] = [pool["Id"] for pool in cognito.list_user_pools(MaxResults=60)["UserPools"] if pool["Name"] == USER_POOL_NAME]
    try:
        cognito.admin_create_user(
            UserPoolId=pool_id, Username=SECOND_ADMIN.username, MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": SECOND_ADMIN.username}, {"Name": "email_verified", "Value": "true"}],
        )
    except ClientError as error:  # made by an earlier run against a stack kept running
        if error.response["Error"]["Code"] != "UsernameExistsException":
            raise
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=SECOND_ADMIN.username, Password=DEMO_PASSWORD, Permanent=True)
    for group in SECOND_ADMIN.groups:
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=SECOND_ADMIN.username, GroupName=group)
    return SECOND_ADMIN


def follow(page: Page, link: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=link, exact=True).click()


def test_a_person_exported_then_erased_on_request_confirmed_by_a_second_admin(
    new_page: Callable[[], Page], local_stack: LocalStack, second_admin: DemoUser
):
    case_id, application = new_case(local_stack, council=COUNCIL)
    wait_for_stage(local_stack, case_id, "PROOF_CHECK")  # the workflow has done its steps: nothing changes the case meanwhile
    holder = application["holder"]
    s3 = local_stack.client("s3")
    documents = [item["Key"] for item in s3.list_objects_v2(
        Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Prefix=case_evidence_prefix(COUNCIL, case_id)).get("Contents", [])]
    assert documents, "the case has no documents to export"

    asker = new_page()
    audit = Audit(asker)
    sign_in(asker, ADMIN)
    audit.visit(f"/cases/{case_id}/person", "single view of a person, as a council admin")
    expect(asker.get_by_role("heading", name="This person's data")).to_be_visible()

    # (1) The subject access export: one zip, behind a short-lived pre-signed link.
    follow(asker, "Export everything held about this person")
    audit.check("export", heading="Export everything held about this person")
    expect(asker.locator("main")).to_contain_text(f"Cases: {case_id}.")
    submit(asker, "Make the export")
    audit.check("export ready", heading="Export ready")
    expect(asker.locator(".govuk-panel--confirmation")).to_contain_text(case_id)
    download = asker.get_by_role("link", name="Download the export (zip)")
    link = download.get_attribute("href")
    assert link and "X-Amz-Signature" in link, link
    with urllib.request.urlopen(link, timeout=30) as response:
        assert response.status == 200
        assert "attachment" in response.headers.get("Content-Disposition", ""), dict(response.headers)
        archive = zipfile.ZipFile(io.BytesIO(response.read()))
    record = json.loads(archive.read("personal-data.json"))
    [exported] = record["cases"]
    assert exported["case"]["case_id"] == case_id and exported["history"]
    assert exported["case"]["application"]["holder"]["surname"] == holder["surname"]
    assert "task_token" not in exported["case"]
    held = sorted(entry.removeprefix(f"documents/{case_id}/") for entry in archive.namelist() if entry.startswith(f"documents/{case_id}/"))
    assert held == sorted(key.removeprefix(case_evidence_prefix(COUNCIL, case_id)) for key in documents)
    for entry in held:
        assert archive.read(f"documents/{case_id}/{entry}") == s3.get_object(
            Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=case_evidence_prefix(COUNCIL, case_id) + entry)["Body"].read()
    follow(asker, "Return to the person")

    # (2) Asking for erasure, with the keyboard alone (a mouse only to open the page).
    follow(asker, "Erase this person's data (ask, or confirm another admin's request)")
    audit.check("asking for erasure", heading="Ask for this person's data to be erased")
    ask = asker.get_by_role("button", name="Ask for erasure")
    reach(asker, ask)
    press_enter(asker)  # no reason chosen
    error_state(asker)
    links_lead_somewhere(asker)
    audit.check("asking for erasure without a reason")
    problem = asker.locator(".govuk-error-summary").get_by_role("link", name="Select why the person's data is to be erased")
    reach(asker, problem)
    asker.keyboard.press("Enter")  # GOV.UK's error summary moves the focus to the first radio
    person_asked = asker.get_by_role("radio", name="The person asked for their data to be erased")
    expect(person_asked).to_be_focused()
    assert person_asked.evaluate(FOCUS_SHOWN, FOCUS_YELLOW), "no visible focus on the first reason"
    asker.keyboard.press("ArrowDown")
    withdrew = asker.get_by_role("radio", name="The person withdrew the consent it was held on")
    expect(withdrew).to_be_checked()
    assert withdrew.evaluate(FOCUS_SHOWN, FOCUS_YELLOW), "no visible focus on the second reason"
    asker.keyboard.press("ArrowUp")
    expect(person_asked).to_be_checked()
    reach(asker, ask)
    press_enter(asker)
    expect(asker).to_have_url(re.compile(rf"/cases/{case_id}/person/erasure$"))
    heading = asker.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Erasure request E-[0-9A-F-]+$"))
    request_id = heading.inner_text().removeprefix("Erasure request ")
    audit.check("the erasure request, as the admin who asked")
    expect(asker.locator(".govuk-summary-list")).to_contain_text("The person asked for their data to be erased")
    expect(asker.locator(".govuk-inset-text")).to_have_text("You asked for this erasure. Another council admin must confirm it.")
    expect(asker.get_by_role("button", name="Confirm and erase")).to_have_count(0)

    # The same admin cannot confirm it even by sending the form the page does not offer.
    token = _csrf_token(asker, case_id)
    with asker.expect_navigation():
        asker.evaluate("""token => {
            const form = Object.assign(document.createElement("form"), {method: "post"});
            form.append(Object.assign(document.createElement("input"), {type: "hidden", name: "csrf_token", value: token}));
            document.body.append(form);
            form.submit();
        }""", token)
    error_state(asker)
    expect(asker.locator(".govuk-error-summary")).to_contain_text("Another council admin must confirm an erasure you asked for")
    links_lead_somewhere(asker)
    audit.check("the erasure request, confirmed by the admin who asked")
    store = CaseStore(local_stack.client("dynamodb"), council_table_name(COUNCIL))
    assert store.get(case_id) is not None

    # A second council admin finds the request waiting and confirms it.
    confirmer = new_page()
    audit.page = confirmer
    sign_in(confirmer, second_admin)
    confirmer.goto(f"/cases/{case_id}/person")
    follow(confirmer, "Erase this person's data (ask, or confirm another admin's request)")
    expect(confirmer).to_have_url(re.compile(rf"/cases/{case_id}/person/erasure$"))
    audit.check("the erasure request, as another admin", heading=f"Erasure request {request_id}")
    expect(confirmer.locator(".govuk-summary-list")).to_contain_text(ADMIN.username)
    submit(confirmer, "Confirm and erase")
    panel = confirmer.locator(".govuk-panel--confirmation")
    expect(panel.get_by_role("heading", level=1)).to_have_text("Personal data erased")
    expect(panel).to_contain_text(request_id)
    expect(confirmer.locator("main")).to_contain_text(f"1 case was erased: {case_id}.")
    audit.check("erasure carried out")

    # Afterwards: the case is gone, from the UI and the API, and only its tombstone is left.
    for page in (confirmer, asker):
        response = page.goto(f"/cases/{case_id}")
        assert response is not None and response.status == 404, (page.url, response and response.status)
    status, _ = local_stack.api(ADMIN, "GET", f"/cases/{case_id}")
    assert status == 404
    assert store.get(case_id) is None and store.lookup("NINO", holder["nino"]) == []
    assert s3.list_objects_v2(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Prefix=case_evidence_prefix(COUNCIL, case_id)).get("KeyCount") == 0
    [tombstone] = store.history(case_id)
    assert (tombstone.action, tombstone.actor) == (ERASED_ACTION, f"user:{second_admin.username}")
    assert tombstone.after["reason"] == "PERSON_ASKED" and tombstone.after["erasure_request"] == request_id
    assert tombstone.after["requested_by"] == f"user:{ADMIN.username}"
    assert holder["surname"] not in tombstone.model_dump_json() and holder["nino"] not in tombstone.model_dump_json()
    audit.done()


def links_lead_somewhere(page: Page) -> None:
    """Each link of the error summary goes to an element of the page (else following it does nothing)."""
    targets = page.locator(".govuk-error-summary a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert targets, "the error summary lists no problem"
    for target in targets:
        assert target.startswith("#") and page.locator(target).count() == 1, f"the error summary links to {target}, not on the page"


def _csrf_token(page: Page, case_id: str) -> str:
    """The session's CSRF token, from a form the admin is offered (the export's) in another tab of the same session."""
    other = page.context.new_page()
    try:
        other.goto(f"/cases/{case_id}/person/export")
        return other.locator("input[name=csrf_token]").first.input_value()
    finally:
        other.close()
