"""Paper in, complete (issue 17): the documents that came with a form are recorded as keyed in, NI numbers and postcodes
are taken as the hints show them, and what arrives later is recorded from the case page, resuming the waiting workflow."""

from __future__ import annotations

import re
from datetime import date

import pytest

from shared.bootstrap import intake_service, store_for
from shared.services.blue_badge.domain.application import Application
from shared.services.blue_badge.domain.case import Stage
from tests.integration.conftest import case_actions, upload_intake_files, wait_for_step
from tests.web.case_fixtures import NORTHSHIRE, error_summary, open_case, someone_new
from tests.web.case_fixtures import send as send_form
from tests.web.test_intake_journey import ADDRESS, ADDRESS_AND_CONTACT, CHECK, HOLDER, JOURNEY, PERSON, TYPE, key_in, person_pip, send
from tests.web.test_intake_journey import keyer  # noqa: F401  (the fixture `caseworker` takes)

DOCUMENTS = f"{JOURNEY}/documents"
ALL_SEEN = {"documents-seen": ["PROOF_ID", "PROOF_ADD", "PROOF_ELIG"]}


@pytest.fixture
def caseworker(request):
    """A browser signed in as a caseworker of their own, with `.email` (test_intake_journey's keyer)."""
    return request.getfixturevalue("keyer")()


def test_a_paper_pip_application_keyed_in_with_its_documents_seen_lacks_only_the_photo(caseworker):
    browser = caseworker
    key_in(browser, *person_pip("PAPER"))
    asked = browser.get(DOCUMENTS)
    assert re.findall(r'name="documents-seen" type="checkbox" value="(\w+)"', asked.html) == ["PROOF_ID", "PROOF_ADD", "PROOF_ELIG"]
    assert "Documents that came with the form" in asked.text and 'name="documents-seen-on-day"' in asked.html
    assert send(browser, DOCUMENTS, ALL_SEEN).status == 303

    check = browser.get(CHECK)
    assert "Documents seen and returned to the applicant" in check.text and "Proof of identity, such as a passport" in check.text
    # Seen and returned counts; the photo is printed on the badge, so only a scanned file will do.
    assert "Proof of identity" not in check.text.split("who will be asked for:")[-1]
    assert "A recent passport-style photo of the badge holder" in check.text
    case_id = browser.submit(CHECK, {}).location.removeprefix(f"{JOURNEY}/confirmation/")
    case = wait_for_step(store_for(NORTHSHIRE), case_id, Stage.AWAITING_INFORMATION)
    assert case.missing_codes == ["PHOTO"]
    seen = case.application.documents_seen
    assert [item.type.value for item in seen] == ["PROOF_ID", "PROOF_ADD", "PROOF_ELIG"]
    assert {item.seen_by for item in seen} == {f"user:{browser.email}"} and {item.seen_on for item in seen} == {date.today()}
    # A photo that arrives later is scanned and uploaded from "Record information received" (tests/web/test_intake_scans.py).
    assert f"/cases/{case_id}/information-received" in browser.get(f"/cases/{case_id}").html


def test_documents_seen_on_a_given_date_and_a_paper_application_with_them_and_its_photo_is_complete():
    application = someone_new(without_evidence=("PROOF_ID", "PROOF_ADD", "PROOF_ELIG"))
    application["documents_seen"] = [{"type": kind, "seen_by": "user:keyer@northshire.example.gov.uk", "seen_on": "2026-11-19"}
                                     for kind in ("PROOF_ID", "PROOF_ADD", "PROOF_ELIG")]
    outcome = intake_service().accept(Application.model_validate(upload_intake_files(application)), actor="user:test")
    assert outcome.missing == []
    case = wait_for_step(store_for(NORTHSHIRE), outcome.case_id, Stage.PROOF_CHECK)  # PIP is an automatic route
    assert "INFORMATION_REQUESTED" not in case_actions(store_for(NORTHSHIRE), case.case_id)  # so no email asks for anything


def test_a_seen_date_in_the_future_is_refused_on_the_documents_page(caseworker):
    browser = caseworker
    key_in(browser, *person_pip("INPERSON"))
    page = send(browser, DOCUMENTS, {**ALL_SEEN, "documents-seen-on-day": "1", "documents-seen-on-month": "1",
                                     "documents-seen-on-year": str(date.today().year + 1)})
    assert page.status == 400 and "Date the documents were seen must be today or in the past" in page.text
    assert 'href="#documents-seen-on-day"' in page.html


def test_a_phone_application_has_no_documents_page_and_a_route_without_proof_offers_none(caseworker):
    browser = caseworker
    key_in(browser, *person_pip("PHONE"))
    assert browser.get(DOCUMENTS).status == 303
    key_in(browser, (TYPE, {"application-type": "NEW", "party": "PERSON", "channel": "PAPER"}),
           (f"{JOURNEY}/eligibility", {"eligibility-code": "WALKD"}))
    offered = browser.get(DOCUMENTS)
    assert re.findall(r'name="documents-seen" type="checkbox" value="(\w+)"', offered.html) == ["PROOF_ID", "PROOF_ADD"]


def test_ni_numbers_and_postcodes_are_taken_as_the_hints_show_them(caseworker):
    browser = caseworker
    key_in(browser, (TYPE, {"application-type": "NEW", "party": "PERSON", "channel": "PAPER"}))
    assert send(browser, HOLDER, {**PERSON, "holder-nino": "jk 12 34 56 a"}).status == 303
    assert send(browser, ADDRESS, {**ADDRESS_AND_CONTACT, "address-postcode": " ne1   4xf "}).status == 303


def test_a_wrong_ni_number_is_named_on_its_field(caseworker):
    browser = caseworker
    key_in(browser, (TYPE, {"application-type": "NEW", "party": "PERSON", "channel": "PAPER"}))
    # QQ is the hint's example, a prefix HMRC never issues: taking it would send the applicant a request for their number.
    for typed in ("qq 12 34 56 c", "AB 12 34 56", "12345678"):
        page = send(browser, HOLDER, {**PERSON, "holder-nino": typed})
        assert page.status == 400, typed
        assert error_summary(page) == ["Enter a National Insurance number in the correct format"]
        assert 'href="#holder-nino"' in page.html and 'id="holder-nino-error"' in page.html


def test_a_bad_postcode_is_named_on_its_field(caseworker):
    browser = caseworker
    key_in(browser, (TYPE, {"application-type": "NEW", "party": "PERSON", "channel": "PAPER"}))
    page = send(browser, ADDRESS, {**ADDRESS_AND_CONTACT, "address-postcode": "NE1"})
    assert page.status == 400
    assert error_summary(page) == ["Enter a real postcode"]
    assert 'href="#address-postcode"' in page.html and 'id="address-postcode-error"' in page.html
    assert 'value="NE1"' in page.html


def _waiting_without_proofs_and_nino() -> str:
    application = someone_new(without_evidence=("PROOF_ID", "PROOF_ADD"))
    del application["holder"]["nino"]
    case_id = open_case(application)
    case = wait_for_step(store_for(NORTHSHIRE), case_id, Stage.AWAITING_INFORMATION)
    assert case.missing_codes == ["PROOF_OF_IDENTITY", "PROOF_OF_ADDRESS", "NINO"]
    return case_id


def test_information_received_is_recorded_from_the_case_page_and_resumes_the_workflow(caseworker):
    browser = caseworker
    case_id = _waiting_without_proofs_and_nino()
    path = f"/cases/{case_id}/information-received"
    assert f'href="{path}"' in browser.get(f"/cases/{case_id}").html

    page = browser.get(path)
    assert page.status == 200 and page.title.startswith("Record information received")
    assert "Proof of the badge holder's identity" in page.text and "Proof of the badge holder's address" in page.text
    assert 'name="nino"' in page.html

    nothing = send_form(browser, path, {})
    assert nothing.status == 400
    assert error_summary(nothing) == ["Upload a scan, select the documents you saw, or enter the information received"]
    wrong = send_form(browser, path, {"nino": "123"})
    assert wrong.status == 400 and 'href="#nino"' in wrong.html
    assert "Enter a National Insurance number in the correct format" in wrong.text

    recorded = send_form(browser, path, {"seen": ["PROOF_ID", "PROOF_ADD"], "nino": "jk 12 34 56 a"})
    assert recorded.status == 303 and recorded.location == f"/cases/{case_id}?done=information-received"  # back to the case, with a banner
    case = wait_for_step(store_for(NORTHSHIRE), case_id, Stage.PROOF_CHECK)  # screened again: complete, automatic route
    assert case.missing == [] and case.application.holder.nino == "JK123456A"
    assert [(item.type.value, item.seen_by, item.seen_on) for item in case.application.documents_seen] == [
        ("PROOF_ID", f"user:{browser.email}", date.today()), ("PROOF_ADD", f"user:{browser.email}", date.today())]
    supplied = [entry for entry in store_for(NORTHSHIRE).history(case_id) if entry.action == "INFORMATION_SUPPLIED"]
    assert len(supplied) == 1 and supplied[0].actor == f"user:{browser.email}"
    assert supplied[0].after["documents_seen"] == ["PROOF_ID", "PROOF_ADD"] and supplied[0].after["changed"] == ["holder"]
    assert 'href="' + path + '"' not in browser.get(f"/cases/{case_id}").html  # no longer waiting


def test_part_received_leaves_the_rest_missing_and_the_applicant_is_asked_again(caseworker):
    browser = caseworker
    case_id = _waiting_without_proofs_and_nino()
    path = f"/cases/{case_id}/information-received"
    recorded = send_form(browser, path, {"seen": "PROOF_ID", "seen-on-day": "2", "seen-on-month": "11", "seen-on-year": "2026"})
    assert recorded.status == 303
    case = wait_for_step(store_for(NORTHSHIRE), case_id, Stage.AWAITING_INFORMATION)  # asked again, with a new token
    assert case.missing_codes == ["PROOF_OF_ADDRESS", "NINO"]
    assert case.application.documents_seen[0].seen_on == date(2026, 11, 2)
