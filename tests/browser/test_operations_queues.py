"""The operations queues in Chromium against the local stack: a malformed application sent on the bus is parked, opened
with its reasons beside the fields, corrected and replayed; a badge the printer rejected (through the supplier's
inbox and the print-results function) is corrected and ordered again; cases needing attention are listed. Every page
state is axe-clean, and the whole round works with JavaScript switched off."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable

from playwright.sync_api import Page, expect

from infra.local.print_dispatch import run_dispatch
from infra.local.print_results import deliver_inbox
from shared.resources import APPLICATION_SUBMITTED, EVENT_BUS_NAME, PRINT_DROP_BUCKET_LOCAL_NAME, SUPPLIER_INBOX
from tests.factories import complete_application

from .conftest import PAGE_TIMEOUT_MS, LocalStack, check_accessibility, sign_in
from .test_journeys import CASEWORKER, case_at_decision, case_of, eventually, submit, take_step, wait_for_stage


def park_on_the_bus(stack: LocalStack) -> str:
    """Send an application the national service would, with a date of birth that is no date: parked by ingest."""
    application = complete_application("NORTHSHIRE", evidence=[])
    application["holder"] |= {"date_of_birth": "tenth of December", "surname": "Parked" + uuid.uuid4().hex[:6]}
    stack.client("events").put_events(Entries=[{"EventBusName": EVENT_BUS_NAME, "Source": APPLICATION_SUBMITTED.source,
                                                "DetailType": APPLICATION_SUBMITTED.detail_type, "Detail": json.dumps(application)}])

    def parked_id() -> str | None:
        status, body = stack.api(CASEWORKER, "GET", "/parked?limit=100")
        assert status == 200, body
        found = [item["parked_id"] for item in body["parked"]
                 if isinstance(item["payload"], dict) and item["payload"].get("application_id") == application["application_id"]]
        return found[0] if found else None
    return eventually(parked_id, "the application to be parked")


def a_badge_at_the_printer(stack: LocalStack) -> tuple[str, str]:
    """A case of its own approved through the API, and the night's print dispatch run: its case id and badge number
    (PROCESSED)."""
    case_id = case_at_decision(stack)
    take_step(stack, case_id, "decision", {"outcome": "APPROVE", "order": {"deliver_to": "HOME", "delivery_option": "STANDARD"}})
    [badge] = wait_for_stage(stack, case_id, "ORDERED")["badges"]  # ordered in the same transaction as the stage
    run_dispatch(stack.client("stepfunctions"))
    eventually(lambda: case_of(stack, case_id)["badges"][0]["status"] == "PROCESSED", "the badge at the printer")
    return case_id, badge["badge_number"]


def reject_at_the_printer(stack: LocalStack, number: str, problem: str) -> None:
    """The supplier drops a rejection file in its inbox; S3's notification runs the print-results function."""
    body = (f'<?xml version="1.0" encoding="windows-1252"?><BadgePrintRejections><Rejection><BadgeIdentifier>{number}'
            f"</BadgeIdentifier><ErrorMessage>{problem}</ErrorMessage></Rejection></BadgePrintRejections>").encode("cp1252")
    s3 = stack.client("s3")
    s3.put_object(Bucket=PRINT_DROP_BUCKET_LOCAL_NAME, Key=f"{SUPPLIER_INBOX}BADGEREJECT_{uuid.uuid4().hex[:12]}.xml", Body=body)
    answers = deliver_inbox(s3, stack.client("lambda"))
    assert not [answer for answer in answers if answer["failed"]], answers


def test_the_operations_queues_work_and_are_accessible(new_page: Callable[[], Page], local_stack: LocalStack):
    parked_id = park_on_the_bus(local_stack)
    case_id, number = a_badge_at_the_printer(local_stack)
    problem = f"Name does not fit the card {uuid.uuid4().hex[:4]}"
    reject_at_the_printer(local_stack, number, problem)

    page = new_page()
    sign_in(page, CASEWORKER)
    page.get_by_role("link", name="Operations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Operations")
    check_accessibility(page)

    # Parked: the list, the application with its reasons beside the fields, corrected and replayed.
    page.get_by_role("link", name="Parked applications").click()
    check_accessibility(page)
    page.get_by_role("link", name=parked_id).click()
    date_of_birth = page.get_by_role("textbox", name="holder.date_of_birth")
    expect(date_of_birth).to_have_value("tenth of December")
    expect(page.locator(f"#{date_of_birth.get_attribute('id')}-error")).to_contain_text("valid date")
    check_accessibility(page)
    date_of_birth.fill("1958-12-10")
    submit(page, "Correct and try again")
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("The application is now case")
    check_accessibility(page)

    # Rejected by the printer: listed with the printer's reason, corrected and ordered again on the case.
    page.goto("/operations/rejected-badges")
    row = page.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text(problem)
    check_accessibility(page)
    row.get_by_role("link", name=re.compile(rf"Correct and order again badge {number}")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order badge {number} again")
    submit(page, "Order the badge again")  # the holder's details as they are: the reorder clears the printer's problem
    expect(page).to_have_url(re.compile(rf"/cases/{case_id}\?done=badge-reordered"))
    page.goto("/operations/rejected-badges")
    expect(page.get_by_text(problem)).to_have_count(0)

    # Cases needing attention: the list (whatever the reconciler flagged).
    page.goto("/operations/attention")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases needing attention")
    check_accessibility(page)


def test_the_parked_queue_works_without_javascript(chromium, local_stack: LocalStack):
    parked_id = park_on_the_bus(local_stack)
    context = chromium.new_context(base_url=local_stack.web_url, java_script_enabled=False, locale="en-GB")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        page = context.new_page()
        sign_in(page, CASEWORKER)
        page.goto(f"/operations/parked/{parked_id}")
        # The whole application as JSON sits in a <details>, which opens without JavaScript.
        page.locator("summary", has_text="Correct the whole application as JSON").click()
        text = page.get_by_role("textbox", name="The application as JSON")
        payload = json.loads(text.input_value())
        payload["holder"]["date_of_birth"] = "1960-01-31"
        text.fill(json.dumps(payload))
        submit(page, "Send the corrected JSON")
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The application is now case")
        replayed = re.search(r"case (\S+-\S+-\S+)\.", page.locator(".govuk-notification-banner--success").inner_text())
        assert replayed and case_of(local_stack, replayed.group(1))["case"]["application"]["holder"]["date_of_birth"] == "1960-01-31"
    finally:
        context.close()
