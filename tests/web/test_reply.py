"""The applicant's reply page: from the link in the missing-information email to the workflow moving on.

Cases go through the real path (intake, the application ASL on moto, the workflow step that emails the link);
uploads go to moto's S3 by the page's own pre-signed POST form, as a browser would send it.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from datetime import timedelta
from html import unescape
from urllib.parse import urlsplit

import pytest
import requests

from shared.bootstrap import councils, intake_service, notifier, reply_desk, store_for
from shared.services.blue_badge.domain.application import Application
from shared.services.blue_badge.domain.case import Stage
from shared.core.domain.evidence import case_evidence_prefix
from shared.core.domain.uploads import MAX_UPLOAD_BYTES
from shared.resources import EVIDENCE_BUCKET_LOCAL_NAME
from shared.services.blue_badge.logic.reminders import send_information_reminders
from shared.services.blue_badge.logic.reply import APPLICANT_ACTOR
from tests.factories import REMOVE, complete_application
from tests.integration.conftest import emails_to, upload_intake_files, wait_for_step, wait_until

JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 200
PDF = b"%PDF-1.4\n" + b"\0" * 200
LINK = re.compile(r"(https?://\S+)/reply/(\S+)")


def incomplete_case(council: str = "NORTHSHIRE", **overrides) -> tuple[str, str]:
    """A case whose workflow has asked for the missing items; its applicant's own address (to find the emails)."""
    email = f"applicant-{uuid.uuid4().hex[:10]}@example.com"
    payload = complete_application(council, without_evidence=("PHOTO", "PROOF_ADD"), channel="PAPER", holder__nino=REMOVE,
                                   contact__email=email, **overrides)
    outcome = intake_service().accept(Application.model_validate(upload_intake_files(payload)), actor="test")
    wait_for_step(store_for(council), outcome.case_id, Stage.AWAITING_INFORMATION)
    return outcome.case_id, email


def reply_links(email: str) -> list[str]:
    """The reply links emailed to an address, oldest first, as paths on the web UI."""
    return [f"/reply/{match.group(2)}" for mail in emails_to(email) for match in LINK.finditer(mail.body)]


def link_for(email: str, count: int = 1) -> str:
    return wait_until(lambda: reply_links(email)[count - 1] if len(reply_links(email)) >= count else None, what=f"reply link {count} to {email}")


def upload_form(page, slug: str) -> tuple[str, dict[str, str]]:
    """The S3 form of one document: its action and hidden fields, as the page renders them."""
    section = re.search(rf'<section class="app-reply-upload" id="{slug}".*?</section>', page.html, flags=re.S)
    assert section, f"no upload form for {slug}"
    action = unescape(re.search(r'<form method="post" action="([^"]+)"', section.group(0)).group(1))
    fields = {unescape(name): unescape(value) for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', section.group(0))}
    return action, fields


def upload(browser, link: str, slug: str, content: bytes, query: str = ""):
    """Post a file to S3 with the page's form (as the browser does), then follow S3's redirect back to the page."""
    page = browser.get(link + query)
    action, fields = upload_form(page, slug)
    response = requests.post(action, data=fields, files={"file": ("file", content, "application/octet-stream")}, allow_redirects=False)
    assert response.status_code == 303, response.text
    back = response.headers["Location"]
    assert back.startswith(fields["success_action_redirect"])
    checked = browser.get(back[back.index("/reply/"):])
    assert checked.status == 303
    return browser.get(checked.location.split("#")[0])


def test_the_email_carries_a_link_to_a_page_that_shows_only_what_is_missing(browser):
    case_id, email = incomplete_case()
    # The workflow sends the email after it has saved the case: wait for it.
    [mail] = wait_until(lambda: [mail for mail in emails_to(email) if "We need" in mail.body or "need:" in mail.body],
                        what=f"the missing-information email to {email}")
    assert re.search(r"You can send it to us online:\nhttp://\S+/reply/\S+\nThis link is only for you\. It works once, until ", mail.body)

    page = browser.get(link_for(email))
    assert page.status == 200, page.text
    assert "Northshire County Council" in page.text
    for wanted in ("A photo of the badge holder", "Proof of the badge holder's address", "National Insurance number"):
        assert wanted in page.text
    # Nothing else about the case: not the name, address, date of birth, benefit or reference.
    for private in ("Ada", "Lovelace", "Mill Lane", "Northby", "NE1", "1958", "PIP", case_id):
        assert private not in page.text
    assert "Proof of the badge holder's identity" not in page.text  # supplied with the application
    assert page.headers["Referrer-Policy"] == "no-referrer"
    action, _ = upload_form(page, "photo")
    s3_origin = "{0.scheme}://{0.netloc}".format(urlsplit(action))
    assert f"form-action 'self' {s3_origin};" in page.headers["Content-Security-Policy"]  # the upload posts straight to S3


def test_the_upload_policy_limits_key_type_size_and_redirect(browser):
    _, email = incomplete_case()
    link = link_for(email)
    _, fields = upload_form(browser.get(link), "photo")
    policy = json.loads(base64.b64decode(fields["policy"]))
    conditions = policy["conditions"]
    assert {"Content-Type": "image/jpeg"} in conditions  # the photo's form takes a JPG first
    assert ["content-length-range", 1, MAX_UPLOAD_BYTES] in conditions
    assert {"key": fields["key"]} in conditions and fields["key"].startswith(
        f"{case_evidence_prefix('NORTHSHIRE', link.split('/')[-1].rsplit('.', 1)[0])}reply-photo-")
    assert {"success_action_redirect": fields["success_action_redirect"]} in conditions
    assert fields["success_action_redirect"].endswith(f"{link}/uploaded?item=photo")
    _, pdf_fields = upload_form(browser.get(link + "?proof-of-address=png"), "proof-of-address")
    assert {"Content-Type": "image/png"} in json.loads(base64.b64decode(pdf_fields["policy"]))["conditions"]


def test_an_upload_goes_to_s3_and_comes_back_checked(browser):
    import boto3

    _, email = incomplete_case()
    link = link_for(email)
    page = upload(browser, link, "photo", JPEG)
    assert page.status == 200 and "Your file was uploaded: a photo of the badge holder" in page.text
    assert re.search(r'id="photo".*?Uploaded', page.html, flags=re.S)
    key = next(iter(reply_desk().open(link.split("/")[-1]).link.uploads.values())).key
    head = boto3.client("s3").head_object(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=key)
    assert head["ContentType"] == "image/jpeg"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (PDF, "The selected file is a PDF. Choose it again: the form below now takes a PDF file"),
        (b"<html><script>alert(1)</script></html>", "The selected file must be a JPG, PNG or PDF"),
        (b"\xff\xd8\xff" + b"\0" * MAX_UPLOAD_BYTES, "The selected file must be smaller than 10 MB"),
    ],
    ids=["another format than declared", "not a document", "too large"],
)
def test_a_wrong_file_is_refused_and_deleted(browser, content, message):
    import boto3

    _, email = incomplete_case()
    link = link_for(email)
    page = upload(browser, link, "photo", content)
    assert page.status == 200 and page.title.startswith("Error: ")
    assert message in page.text
    assert reply_desk().open(link.split("/")[-1]).link.uploads == {}
    listed = boto3.client("s3").list_objects_v2(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Prefix=f"cases/{link.split('/')[-1].rsplit('.', 1)[0]}/")
    assert listed.get("KeyCount", 0) == 0


def test_answers_are_checked_with_the_application_formats(browser):
    case_id, email = incomplete_case()
    link = link_for(email)
    version = store_for("NORTHSHIRE").get(case_id).version
    page = browser.post(link, {"nino": "not a number"})
    assert page.status == 400 and page.title.startswith("Error: ")
    assert "Enter a National Insurance number in the correct format" in page.text
    assert "Upload a photo of the badge holder" in page.text and "Upload proof of the badge holder's address" in page.text
    assert 'value="not a number"' in page.html  # what was typed stays
    assert store_for("NORTHSHIRE").get(case_id).version == version  # nothing recorded


def test_sending_the_reply_resumes_the_workflow_and_the_link_works_once(browser):
    case_id, email = incomplete_case()
    link = link_for(email)
    upload(browser, link, "photo", JPEG)
    upload(browser, link, "proof-of-address", PDF)
    sent = browser.post(link, {"nino": "ab 12 34 56 c"})
    assert sent.status == 200 and "Information sent" in sent.text, sent.text[:1500]

    # The real ASL: the callback resumes, the recheck finds nothing missing, screening sends PIP to proof check.
    case = wait_for_step(store_for("NORTHSHIRE"), case_id, Stage.PROOF_CHECK)
    assert case.application.holder.nino == "AB123456C"
    assert {item.type.value for item in case.application.evidence} >= {"PHOTO", "PROOF_ADD"}
    [supplied] = [entry for entry in store_for("NORTHSHIRE").history(case_id) if entry.action == "INFORMATION_SUPPLIED"]
    assert supplied.actor == APPLICANT_ACTOR and supplied.after["missing"] == []

    used, unknown = browser.get(link), browser.get(f"/reply/NORTHSHIRE-261123-ABCDEF.{'x' * 32}")
    assert used.status == unknown.status == 404
    assert used.text == unknown.text and "This link does not work" in used.text
    assert "Northshire" not in used.text  # a used link says no more than an unknown one
    assert browser.post(link, {"nino": "AB123456C"}).text == unknown.text
    assert browser.get("/reply/garbage").text == unknown.text


def test_an_expired_link_says_so_and_how_to_contact_the_council(browser, monkeypatch):
    case_id, email = incomplete_case()
    link = link_for(email)
    due = store_for("NORTHSHIRE").get(case_id).information_due
    monkeypatch.setattr(reply_desk(), "_clock", lambda: due + timedelta(seconds=1))
    page = browser.get(link)
    assert page.status == 410 and "This link has expired" in page.text
    assert "Northshire County Council" in page.text and "Phone:" in page.text
    assert browser.post(link, {"nino": "AB123456C"}).status == 410


def test_the_reminder_carries_a_link_of_its_own_for_the_same_round(browser):
    case_id, email = incomplete_case()
    first = link_for(email)
    case = store_for("NORTHSHIRE").get(case_id)
    council = councils().get("NORTHSHIRE")
    in_window = case.information_due - timedelta(days=1)
    assert case_id in send_information_reminders(store_for("NORTHSHIRE"), notifier(), council, in_window)
    second = link_for(email, 2)
    assert second != first
    assert browser.get(first).status == browser.get(second).status == 200


def test_a_new_round_gets_a_new_link_and_the_old_one_stops_working(browser):
    # No payment: the fee can only be paid by contacting the council, so after the photo the workflow asks again.
    case_id, email = incomplete_case(payment=REMOVE)
    first = link_for(email)
    page = browser.get(first)
    assert "Contact us about" in page.text and "Payment for the badge" in page.text
    upload(browser, first, "photo", JPEG)
    upload(browser, first, "proof-of-address", PDF)
    assert browser.post(first, {"nino": "AB123456C"}).status == 200

    second = link_for(email, 2)
    assert second != first
    assert browser.get(first).status == 404
    page = browser.get(second)
    assert page.status == 200 and "Payment for the badge" in page.text
    assert "A photo of the badge holder" not in page.text and ">Send<" not in page.html  # nothing left to send online
    assert store_for("NORTHSHIRE").get(case_id).stage is Stage.AWAITING_INFORMATION


def test_every_question_is_asked_checked_and_recorded(browser):
    case_id, email = incomplete_case(holder__date_of_birth=REMOVE, holder__address=REMOVE, holder__forenames=REMOVE,
                                     eligibility__benefit__award_end=REMOVE)
    link = link_for(email)
    page = browser.get(link)
    for question in ("The badge holder's full name", "The badge holder's date of birth", "The badge holder's home address",
                     "When the badge holder's benefit award started and ends", "National Insurance number"):
        assert question in page.text
    assert "The postcode of the badge holder's home address" not in page.text  # part of the address question

    wrong = browser.post(link, {"surname": "Lovelace", "dob-day": "31", "dob-month": "2", "dob-year": "1958",
                                "address-line1": "1 Mill Lane", "address-postcode": "XX1", "award-start-day": "1",
                                "award-start-month": "1", "award-start-year": "2025", "nino": "AB123456C"})
    assert wrong.status == 400
    for message in ("Enter the badge holder's first names", "The date of birth must be a real date", "Enter the town or city",
                    "Enter a real postcode", "Enter the date the award ends"):
        assert message in wrong.text
    assert 'href="#dob-day"' in wrong.html and 'href="#award-end-day"' in wrong.html

    upload(browser, link, "photo", PNG, query="?photo=png")
    upload(browser, link, "proof-of-address", JPEG, query="?proof-of-address=jpg")
    sent = browser.post(link, {"forenames": "Ada  Augusta", "surname": "Lovelace", "dob-day": "10", "dob-month": "12", "dob-year": "1958",
                               "address-line1": "1 Mill Lane", "address-town": "Northby", "address-postcode": "ne14xf",
                               "award-start-day": "1", "award-start-month": "1", "award-start-year": "2025", "award-indefinite": "yes",
                               "nino": "AB123456C"})
    assert sent.status == 200, sent.text[:500]
    holder = wait_for_step(store_for("NORTHSHIRE"), case_id, Stage.PROOF_CHECK).application.holder
    assert (holder.forenames, holder.date_of_birth.isoformat(), holder.address.postcode) == ("Ada Augusta", "1958-12-10", "NE1 4XF")
