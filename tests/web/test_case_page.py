"""The case page: the application, what is missing, documents by short-lived link, notes, history, and who may act."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, unquote, urlsplit

import boto3
import requests

from shared.core.adapters.evidence_links import EVIDENCE_LINK_SECONDS
from shared.services.blue_badge.domain.case import Stage
from shared.resources import DEFAULT_REGION, Role
from tests.factories import REMOVE, intake_file
from tests.web.case_fixtures import at, error_summary, open_case, send, someone_new
from tests.web.conftest import Browser


def test_the_case_page_shows_the_application_what_is_missing_the_documents_and_the_history(signed_in):
    application = someone_new()
    application["evidence"] = [intake_file(application, "PROOF_ELIG", "pip-letter.pdf", filename="pip-letter.pdf"),
                               intake_file(application, "PROOF_ID", "passport.jpg"), intake_file(application, "PROOF_ADD", "council-tax.pdf")]
    case_id = open_case(application)
    at(case_id, Stage.AWAITING_INFORMATION)  # no photo
    browser = signed_in()

    page = browser.get(f"/cases/{case_id}")
    assert page.status == 200, page.text
    holder = application["holder"]
    assert page.title == f"Case {case_id} - Blue Badge casework"
    assert re.search(rf"<h1 class=\"govuk-heading-l\">\s*{holder['forenames']} {holder['surname']}\s*</h1>", page.html)
    for words in ("Date of birth 10 December 1958", "12 Mill Lane, Northby, NE1 4XF", "National Insurance number " + holder["nino"],
                  application["contact"]["email"], "Eligibility PIP (automatic)", "Award 1 January 2025 to 1 January 2028",
                  "Received by Paper form", "Fee £10.00 paid, reference PAY-1", "Awaiting information"):
        assert words in page.text, words
    # The missing items are a task list with their status; the reply date shows.
    assert 'class="govuk-task-list' in page.html
    assert re.search(r'A recent passport-style photo of the badge holder\s*</div>\s*</div>\s*<div class="govuk-task-list__status"[^>]*>'
                     r'\s*<strong class="govuk-tag govuk-tag--yellow">\s*Asked for', page.html)
    assert "The applicant has until" in page.text
    # Documents link to the viewer; the page itself carries no link to S3.
    assert f'href="/cases/{case_id}/evidence/1"' in page.html and "X-Amz-Signature" not in page.html
    assert f'href="/cases/{case_id}/person"' in page.html  # the single view of the person
    assert "pip-letter.pdf" in page.text
    # The history of changes, newest first; the reads (this one too) are listed apart, under a details toggle.
    history = page.html.split('id="history"')[1]
    assert "Application received. Missing: a recent passport-style photo of the badge holder. The case moved to waiting for information." in history
    assert "Case viewed" not in history
    assert re.search(r"Who has opened this case \(\d+ times?\)", page.text)
    # Nothing may be decided yet: the only things to do are notes, taking the case, and recording the photo if it arrives
    # on paper (scanned: issue 17).
    actions = page.html.split("What you can do now")[1].split("</div>")[0]
    assert re.findall(r'href="([^"]+)"', actions) == [f"/cases/{case_id}/information-received"]
    assert f'action="/cases/{case_id}/assignment"' in page.html and f'action="/cases/{case_id}/notes"' in page.html


def test_a_note_is_added_from_the_case_page_and_an_empty_one_is_refused(signed_in):
    case_id = open_case()
    at(case_id, Stage.PROOF_CHECK)
    browser = signed_in()
    token = browser.get(f"/cases/{case_id}").csrf_token

    empty = browser.post(f"/cases/{case_id}/notes", {"csrf_token": token, "text": "  "})
    assert empty.status == 400 and error_summary(empty) == ["Enter the note"] and empty.title.startswith("Error: ")
    added = browser.post(f"/cases/{case_id}/notes", {"csrf_token": token, "text": "Rang the applicant:\nletter is on its way."})
    assert added.status == 303 and added.location == f"/cases/{case_id}?done=note"  # back to the case, with a banner
    assert "govuk-notification-banner--success" in (back := browser.get(added.location)).html and "Note added" in back.text
    page = browser.get(f"/cases/{case_id}")
    assert "Rang the applicant:\nletter is on its way." in unescape(page.html) and "Added a note." in page.text


def test_documents_are_shown_inline_by_a_presigned_link_that_expires(signed_in, stack):
    application = someone_new()
    application["evidence"] = [
        intake_file(application, "PROOF_ELIG", "letter.pdf", filename="letter.pdf", content_type="application/pdf"),
        intake_file(application, "PROOF_ID", "passport.jpg", content_type="image/jpeg"),
        intake_file(application, "PROOF_ADD", "bill.pdf"),
        intake_file(application, "PHOTO", "photo.jpg"),
        intake_file(application, "SUPPORT_DOCS", "notes.docx", filename="notes.docx")]
    s3 = boto3.client("s3", region_name=DEFAULT_REGION)
    for item in application["evidence"]:
        s3.put_object(Bucket=stack.evidence_bucket, Key=item["key"], Body=b"%PDF-1.4 demo" if item["key"].endswith(".pdf") else b"\xff\xd8demo")
    case_id = open_case(application)
    at(case_id, Stage.PROOF_CHECK)
    browser = signed_in()

    image = browser.get(f"/cases/{case_id}/evidence/2")
    assert image.status == 200, image.text
    [src] = re.findall(r'<img class="app-evidence__image" src="([^"]+)"', image.html)
    url = unescape(src)
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == [str(EVIDENCE_LINK_SECONDS)] and EVIDENCE_LINK_SECONDS <= 300 and "X-Amz-Signature" in query
    assert query["response-content-type"] == ["image/jpeg"] and query["response-content-disposition"][0].startswith("inline")
    origin = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
    policy = image.headers["Content-Security-Policy"]
    assert f"img-src 'self' data: {origin}" in policy and f"frame-src {origin}" in policy
    assert requests.get(url, timeout=10).content == b"\xff\xd8demo"
    assert requests.get(url.split("?")[0], timeout=10).status_code == 403  # the bucket is never public
    assert "Next document" in image.text and "Previous document" in image.text

    pdf = browser.get(f"/cases/{case_id}/evidence/1")
    assert '<iframe class="app-evidence__frame"' in pdf.html and "letter.pdf" in pdf.text
    other = browser.get(f"/cases/{case_id}/evidence/5")
    assert "<iframe" not in other.html and "<img" not in other.html and "Download" in other.text
    assert "attachment" in unquote(unescape(other.html))
    assert browser.get(f"/cases/{case_id}/evidence/6").status == 404
    # Pages without documents allow no other origin.
    assert "amazonaws" not in browser.get(f"/cases/{case_id}").headers["Content-Security-Policy"]


def test_another_councils_case_is_not_found_on_any_page(browser, staff):
    case_id = open_case()
    case = at(case_id, Stage.PROOF_CHECK)
    browser.sign_in(staff("VALEWYE", Role.CASEWORKER, Role.TEAM_LEADER))
    for path in ("", "/proof-check", "/decision", "/decision/check", "/information-request", "/notes", "/evidence/1", "/approve", "/approve/check", "?done=note"):
        assert browser.get(f"/cases/{case_id}{path}").status == 404, path
    token = browser.get("/").csrf_token
    page = browser.post(f"/cases/{case_id}/proof-check", {"csrf_token": token, "expected_version": case.version, "confirmed": "yes"})
    assert page.status == 404 and "There is no case" in page.text
    assert browser.get("/cases/not-a-case").status == 404


def test_a_read_only_user_sees_no_actions_and_a_direct_post_is_refused(browser, staff):
    case_id = open_case()
    case = at(case_id, Stage.PROOF_CHECK)
    browser.sign_in(staff("NORTHSHIRE", Role.READ_ONLY))
    page = browser.get(f"/cases/{case_id}")
    assert page.status == 200
    assert "What you can do now" not in page.text and "govuk-button" not in page.html.split("<main")[1]
    assert f'action="/cases/{case_id}/notes"' not in page.html
    assert browser.get(f"/cases/{case_id}/proof-check").status == 403
    for path, fields in (("/proof-check", {"confirmed": "yes"}), ("/notes", {"text": "x"}), ("/information-request", {"items": "PHOTO"})):
        refused = browser.post(f"/cases/{case_id}{path}", {"csrf_token": page.csrf_token, "expected_version": case.version, **fields})
        assert refused.status == 403, (path, refused.status)
    assert at(case_id, Stage.PROOF_CHECK).version == case.version


def test_the_caseworker_who_refused_is_not_offered_the_review(signed_in, staff):
    case_id = open_case()
    at(case_id, Stage.PROOF_CHECK)
    refuser = signed_in()
    send(refuser, f"/cases/{case_id}/proof-check", {"confirmed": "no"})
    at(case_id, Stage.DECISION)
    send(refuser, f"/cases/{case_id}/decision", {"outcome": "REFUSE"})
    send(refuser, f"/cases/{case_id}/decision/reasons", {"reasons": "No award."})
    assert send(refuser, f"/cases/{case_id}/decision/check", {}).status == 303
    at(case_id, Stage.REFUSED)
    send(refuser, f"/cases/{case_id}/review-request", {"grounds": "I appealed."})
    at(case_id, Stage.REVIEW)
    page = refuser.get(f"/cases/{case_id}")
    assert "Review the refusal" not in page.text
    other = Browser()
    other.sign_in(staff("NORTHSHIRE", Role.TEAM_LEADER))
    assert "Review the refusal" in other.get(f"/cases/{case_id}").text


def test_an_organisation_case_without_holder_renders(signed_in):
    application = someone_new(party="ORG", holder=REMOVE, eligibility=REMOVE, evidence=[],
                              organisation={"name": "Northby Dial-a-Ride", "number_of_badges": 2,
                                            "address": {"line1": "1 Depot Road", "town": "Northby", "postcode": "NE1 4XF"}},
                              payment={"amount_pence": 2000, "paid": True, "reference": "PAY-2"})
    case_id = open_case(application)
    at(case_id, Stage.DECISION)
    page = signed_in().get(f"/cases/{case_id}")
    assert page.status == 200 and "Northby Dial-a-Ride" in page.text and "Badges wanted 2" in page.text
    assert "Decide the application" in page.text and "Ask the applicant for information" in page.text
