"""Keying in with scans (issue 17): each document that came with a paper form may be scanned and uploaded straight to
the application's intake folder (the photo must be: it is printed on the badge, and only as a JPG); the file counts
once its size and first bytes are checked, and the case is made with a copy in its own folder."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode, urlsplit

import boto3
import pytest

from infra.local.seed import tiny_jpeg, tiny_pdf
from shared.bootstrap import store_for
from shared.core.domain.evidence import case_evidence_prefix, intake_evidence_prefix
from shared.resources import DEFAULT_REGION, EVIDENCE_BUCKET_LOCAL_NAME
from shared.services.blue_badge.domain.case import Stage
from tests.integration.conftest import case_actions, wait_for_step
from tests.web.case_fixtures import NORTHSHIRE, at, error_summary, open_case, someone_new
from tests.web.case_fixtures import send as send_form
from tests.web.test_intake_journey import CHECK, JOURNEY, key_in, person_pip, send
from tests.web.test_intake_journey import keyer  # noqa: F401  (the fixture `caseworker` takes)

DOCUMENTS = f"{JOURNEY}/documents"
SEEN = {"documents-seen": ["PROOF_ID", "PROOF_ADD", "PROOF_ELIG"]}


@pytest.fixture
def caseworker(request):
    return request.getfixturevalue("keyer")()


def upload_form(page, slug: str) -> tuple[str, dict[str, str]]:
    """The S3 form of one document's section: where it posts, and its hidden fields."""
    section = re.search(rf'<section[^>]*id="{slug}".*?</section>', page.html, re.S).group(0)
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', section).group(1))
    fields = {name: html.unescape(value) for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', section)}
    return action, fields


def put(key: str, body: bytes, content_type: str) -> None:
    """What S3 does with the browser's post (the policy's own checks are S3's)."""
    boto3.client("s3", region_name=DEFAULT_REGION).put_object(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=key, Body=body, ContentType=content_type)


def back_from_s3(browser, fields: dict[str, str]):
    """S3's redirect: the form's success_action_redirect with the bucket, key and etag appended."""
    redirect = urlsplit(fields["success_action_redirect"])
    return browser.get(f"{redirect.path}?{redirect.query}&{urlencode({'bucket': EVIDENCE_BUCKET_LOCAL_NAME, 'key': fields['key'], 'etag': 'x'})}")


def test_a_paper_application_with_its_photo_scanned_and_the_rest_seen_arrives_complete(caseworker):
    browser = caseworker
    key_in(browser, *person_pip("PAPER"))
    page = browser.get(DOCUMENTS)
    action, fields = upload_form(page, "photo")
    application_id = re.search(r"/intake/(PAPER-[A-Z0-9-]+)/scan-photo-", fields["key"]).group(1)
    assert fields["key"].startswith(f"{intake_evidence_prefix(NORTHSHIRE, application_id)}scan-photo-") and fields["key"].endswith(".jpg")
    assert fields["Content-Type"] == "image/jpeg" and 'accept=".jpg,.jpeg,image/jpeg"' in page.html  # printed: a JPG only
    assert "Upload a PNG" not in re.search(r'<section[^>]*id="photo".*?</section>', page.html, re.S).group(0)
    assert re.search(r"form-action 'self' (\S+?);", page.headers["Content-Security-Policy"]).group(1) in action
    # A proof of identity may be any format the applicant's reply takes: a PDF unless another is chosen.
    assert upload_form(page, "proof-id")[1]["key"].endswith(".pdf")
    assert upload_form(browser.get(f"{DOCUMENTS}?proof-id=png"), "proof-id")[1]["key"].endswith(".png")
    # The photo may not be "seen and returned".
    assert re.findall(r'name="documents-seen" type="checkbox" value="(\w+)"', page.html) == ["PROOF_ID", "PROOF_ADD", "PROOF_ELIG"]

    # A PNG that says it is a JPG is refused, and the page says what to do.
    put(fields["key"], b"\x89PNG\r\n\x1a\n" + bytes(32), "image/jpeg")
    refused = back_from_s3(browser, fields)
    assert refused.status == 303 and refused.location.startswith(f"{DOCUMENTS}?refused=photo&why=wrong-type")
    assert error_summary(browser.get(refused.location)) == [
        "The selected file must be a JPG: the photo is printed on the badge, and the printer takes JPG photos only"]
    # A key outside the application's own folder counts for nothing.
    elsewhere = dict(fields, key=fields["key"].replace(application_id, "PAPER-NORTHSHIRE-20260101-AAAAAAAA"))
    put(elsewhere["key"], tiny_jpeg(), "image/jpeg")
    assert back_from_s3(browser, elsewhere).location.startswith(f"{DOCUMENTS}?refused=photo&why=missing")

    _, fields = upload_form(browser.get(DOCUMENTS), "photo")
    put(fields["key"], tiny_jpeg(), "image/jpeg")
    accepted = back_from_s3(browser, fields)
    assert accepted.status == 303 and accepted.location == f"{DOCUMENTS}?uploaded=photo#photo"
    shown = browser.get(f"{DOCUMENTS}?uploaded=photo")
    assert "File uploaded: a recent passport-style photo of the badge holder." in shown.text and "Uploaded" in shown.text
    assert send(browser, DOCUMENTS, SEEN).status == 303  # the page's own form keeps the scan

    check = browser.get(CHECK)
    assert "Documents scanned and uploaded" in check.text and "The application is complete" in check.text
    case_id = browser.submit(CHECK, {}).location.removeprefix(f"{JOURNEY}/confirmation/")
    case = wait_for_step(store_for(NORTHSHIRE), case_id, Stage.PROOF_CHECK)  # complete: screened straight on
    assert case.missing == [] and "INFORMATION_REQUESTED" not in case_actions(store_for(NORTHSHIRE), case_id)
    [photo] = case.application.evidence
    assert photo.type.value == "PHOTO" and photo.content_type == "image/jpeg"
    assert photo.key.startswith(case_evidence_prefix(NORTHSHIRE, case_id))  # the copy in the case's own folder, which printing reads


def test_a_scan_of_another_document_may_be_a_pdf_and_an_empty_file_is_refused(caseworker):
    browser = caseworker
    key_in(browser, *person_pip("PAPER"))
    _, fields = upload_form(browser.get(DOCUMENTS), "proof-add")
    put(fields["key"], b"", "application/pdf")
    assert back_from_s3(browser, fields).location.startswith(f"{DOCUMENTS}?refused=proof-add&why=empty")
    _, fields = upload_form(browser.get(DOCUMENTS), "proof-add")
    put(fields["key"], tiny_pdf("council tax bill"), "application/pdf")
    assert back_from_s3(browser, fields).location == f"{DOCUMENTS}?uploaded=proof-add#proof-add"
    check = browser.get(CHECK)
    assert "Proof of address, such as a council tax bill" in check.text.split("Documents scanned and uploaded")[1]


def test_a_photo_that_arrives_later_is_scanned_from_record_information_received(caseworker):
    browser = caseworker
    case_id = open_case(someone_new(without_evidence=("PHOTO",)))
    at(case_id, Stage.AWAITING_INFORMATION)
    path = f"/cases/{case_id}/information-received"
    assert f"{path}" in browser.get(f"/cases/{case_id}").html  # offered: the photo can be scanned here
    assert error_summary(send_form(browser, path, {})) == ["Upload a scan, select the documents you saw, or enter the information received"]
    _, fields = upload_form(browser.get(path), "photo")
    assert fields["key"].startswith(f"{case_evidence_prefix(NORTHSHIRE, case_id)}scan-photo-")  # the case's own folder
    put(fields["key"], tiny_pdf("not a photo"), "image/jpeg")
    assert back_from_s3(browser, fields).location.startswith(f"{path}?refused=photo&why=wrong-type")
    _, fields = upload_form(browser.get(path), "photo")
    put(fields["key"], tiny_jpeg(), "image/jpeg")
    accepted = back_from_s3(browser, fields)
    assert accepted.status == 303 and accepted.location == f"{path}?uploaded=photo#photo"
    assert "File uploaded" in browser.get(f"{path}?uploaded=photo").text

    recorded = send_form(browser, path, {})  # the scan is what was received
    assert recorded.status == 303 and recorded.location.startswith(f"/cases/{case_id}")
    case = at(case_id, Stage.PROOF_CHECK)  # complete now: screened again and moved on
    assert case.missing == [] and [item.key for item in case.application.evidence if item.type.value == "PHOTO"] == [fields["key"]]
    assert "/information-received" not in browser.get(f"/cases/{case_id}").html


def test_another_councils_case_has_no_scan_address(signed_in):
    case_id = open_case(someone_new(without_evidence=("PHOTO",)))
    valewye = signed_in("VALEWYE")
    assert valewye.get(f"/cases/{case_id}/information-received/uploaded?document=photo&key=x").status == 404
