"""The portal's forms and My submissions through the real web handler: a cause for concern started, saved part-done,
resumed with only the sections its categories ask, refused while anything is missing (each item named and linked), sent
as the case whose id the draft had, acknowledged with its reference, listed with its status; a request for information;
an agency not approved for a form; the council admin's allow-list page."""

from __future__ import annotations

import re
from html import unescape

import boto3
import pytest
import requests

from shared.bootstrap import councils, portal_drafts_for, service_store_for, store_for, workflows
from shared.core.domain.case import utcnow
from shared.core.logic.tenancy import caller_from_claims
from shared.resources import DEFAULT_REGION, EVIDENCE_BUCKET_LOCAL_NAME, Role, council_group
from shared.services.family_front_door.domain.case import ContactOutcome, ContactStage
from shared.services.family_front_door.logic.contacts import record_outcome, request_more_information
from shared.services.family_front_door.domain.agencies import PartnerPermission
from tests.integration.conftest import wait_until
from tests.web.case_fixtures import error_summary
from tests.web.conftest import Browser, Page
from tests.web.test_reply import JPEG, PDF
from web.partner_session import partner_sessions
from tests.web.portal_fixtures import approve, complete_concern, directory, new_partner, post_draft, send_concern, start_draft

NORTHSHIRE = "NORTHSHIRE"
DOMAIN = "pages-tests.sch.example"


@pytest.fixture(scope="module", autouse=True)
def school(stack):
    return approve(NORTHSHIRE, "pages-tests-school", DOMAIN)


@pytest.fixture
def partner(browser: Browser) -> Browser:
    new_partner(browser, NORTHSHIRE, DOMAIN)
    return browser


def test_a_concern_saved_part_done_then_resumed_asks_only_its_categories_sections(partner: Browser):
    draft_id = start_draft(partner)
    assert re.fullmatch(r"NORTHSHIRE-\d{6}-[A-Z0-9]{6}", draft_id)
    page = partner.get(f"/portal/drafts/{draft_id}")
    assert page.status == 200 and "call 999" in page.text
    assert "Injuries" not in page.text and "Neglect" not in page.text.split("What is the concern about?")[1].split("The child")[1]
    saved = post_draft(partner, draft_id, {"categories": ["PHYSICAL_ABUSE"], "child.given_name": "Robin"})
    assert saved.status == 303 and saved.location == f"/portal/drafts/{draft_id}?saved=1"

    resumed = partner.get(f"/portal/drafts/{draft_id}")  # as after signing in again: the draft is server-side
    assert 'value="Robin"' in resumed.html and "Describe the injuries or marks you saw" in resumed.text
    assert "Which areas of the child's care are neglected?" not in resumed.text
    listed = partner.get("/portal/drafts")
    assert draft_id in listed.html and "Robin" in listed.text

    # A changed category: its section's answers go, the new one's are asked.
    post_draft(partner, draft_id, {"categories": ["PHYSICAL_ABUSE"], "injuries.description": "Bruises on both arms"})
    post_draft(partner, draft_id, {"categories": ["NEGLECT"], "injuries.description": "Bruises on both arms"})
    changed = partner.get(f"/portal/drafts/{draft_id}")
    assert "Which areas of the child's care are neglected?" in changed.text and "Bruises" not in changed.text


def test_sending_is_refused_until_nothing_is_missing_naming_each_item(partner: Browser):
    draft_id = start_draft(partner)
    post_draft(partner, draft_id, {"categories": ["NEGLECT"]})
    refused = post_draft(partner, draft_id, {"categories": ["NEGLECT"], "child.given_name": "Robin"}, action="send")
    assert refused.status == 400 and "has not been sent" in refused.text
    problems = error_summary(refused)
    for message in ("Enter the child's last name", "Enter the child's date of birth", "Describe your concern about the child",
                    "Select the areas of the child's care that are neglected", "Enter what you have done about the concern so far",
                    "Select yes if you asked the family for consent to this referral",
                    "Select how urgently you think the child needs a response"):
        assert message in problems
    assert "Enter the child's first name" not in problems  # given in this post, and kept
    assert 'href="#child-date_of_birth-day"' in refused.html and 'href="#neglect-areas"' in refused.html
    assert store_for(NORTHSHIRE).get(draft_id) is None  # nothing sent


def test_a_wrong_value_is_shown_with_what_was_typed(partner: Browser):
    draft_id = start_draft(partner)
    page = post_draft(partner, draft_id, complete_concern(**{"child.address.postcode": "NOT A CODE", "child.date_of_birth-month": "13"}))
    assert page.status == 400
    assert "Enter a real postcode" in page.text and "Date of birth must be a real date" in page.text
    assert 'value="NOT A CODE"' in page.html


def test_a_complete_concern_is_sent_acknowledged_and_listed_with_its_status(partner: Browser):
    reference = send_concern(partner)
    page = partner.get(f"/portal/submissions/{reference}?sent=1")
    assert page.status == 200 and "Sent to the Family Front Door" in page.text and reference in page.text
    case = store_for(NORTHSHIRE).get(reference)
    assert case is not None and case.service == "family-front-door"
    assert partner.get(f"/portal/drafts/{reference}").status == 404  # the draft became the case
    listed = partner.get("/portal/submissions")
    assert reference in listed.text and "Robin Example" in listed.text


def test_a_request_for_information_is_sent(partner: Browser):
    draft_id = start_draft(partner, "request-for-information")
    fields = {"child.given_name": "Sky", "child.family_name": "Example", "child.unborn": "no", "child.date_of_birth-day": "1",
              "child.date_of_birth-month": "2", "child.date_of_birth-year": "2019", "child.address.line1": "2 Mill Lane",
              "child.address.postcode": "NE1 4XF", "information_wanted": "Whether the family has a social worker",
              "reason": "Planning a school transition meeting", "urgency": "WITHIN_DAYS", "role": "SENCO"}
    page = post_draft(partner, draft_id, fields, action="send")
    assert page.location == f"/portal/submissions/{draft_id}?sent=1", page.text
    assert "Request for information" in partner.get(f"/portal/submissions/{draft_id}").text


def test_an_agency_not_approved_for_a_form_cannot_start_it(browser: Browser):
    approve(NORTHSHIRE, "concerns-only", "concerns-only.example", PartnerPermission.CAUSE_FOR_CONCERN)
    new_partner(browser, NORTHSHIRE, "concerns-only.example")
    home = browser.get("/portal/home")
    assert "Start a request for information" not in home.text and "Start a cause for concern" in home.text
    refused = browser.post("/portal/forms/request-for-information", {"csrf_token": home.csrf_token})
    assert refused.status == 403 and "not approved to send this form" in refused.text


def test_the_council_admin_manages_the_allow_list_and_suspends_a_partner_audited(browser: Browser, staff):
    email = new_partner(Browser(), NORTHSHIRE, DOMAIN, "Suspended Person")
    admin = staff(NORTHSHIRE, Role.COUNCIL_ADMIN)
    browser.sign_in(admin)
    page = browser.get("/partners")
    assert page.status == 200 and "Pages Tests School" in page.text and DOMAIN in page.text and email in page.text
    added = browser.post("/partners/domains", {"domain": "@New-Domain.Example", "agency": "pages-tests-school", "csrf_token": page.csrf_token})
    assert added.status == 303 and directory(NORTHSHIRE).agency_for_domain("new-domain.example") is not None
    refused = browser.post("/partners/domains", {"domain": "gmail.com", "agency": "pages-tests-school", "csrf_token": page.csrf_token})
    assert refused.status == 400 and "public email service" in refused.text
    browser.post("/partners/domains/remove", {"domain": "new-domain.example", "csrf_token": page.csrf_token})
    assert directory(NORTHSHIRE).agency_for_domain("new-domain.example") is None
    saved = browser.post("/partners/agencies", {"agency_id": "youth-club", "name": "Northby Youth Club", "kind": "CHARITY",
                                                "permissions": ["CAUSE_FOR_CONCERN"], "csrf_token": page.csrf_token})
    assert saved.status == 303 and directory(NORTHSHIRE).agency("youth-club").permissions == frozenset({PartnerPermission.CAUSE_FOR_CONCERN})
    suspended = browser.post("/partners/accounts/suspend", {"email": email, "csrf_token": page.csrf_token})
    assert suspended.status == 303 and directory(NORTHSHIRE).account(email).suspended
    trail = directory(NORTHSHIRE).audit_trail()
    assert [entry.action for entry in trail[:5]] == ["PARTNER_ACCOUNT_SUSPENDED", "PARTNER_AGENCY_SAVED", "PARTNER_DOMAIN_REMOVED",
                                                     "PARTNER_DOMAIN_ALLOWED", trail[4].action]
    assert {entry.actor for entry in trail[:4]} == {f"user:{admin}"}
    assert "Account suspended" in browser.get("/partners").text
    browser.post("/partners/accounts/enable", {"email": email, "csrf_token": page.csrf_token})
    assert not directory(NORTHSHIRE).account(email).suspended


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.TEAM_LEADER])
def test_only_council_admins_manage_partner_agencies(browser: Browser, staff, role):
    browser.sign_in(staff(NORTHSHIRE, role))
    assert browser.get("/partners").status == 403
    page = browser.get("/")
    assert browser.post("/partners/domains", {"domain": "x.example", "agency": "pages-tests-school", "csrf_token": page.csrf_token}).status == 403


def _waiting_at(case_id: str, stage):
    def arrived():
        case = store_for(NORTHSHIRE).get(case_id)
        return case if case is not None and case.stage is stage and case.task_token else None
    return wait_until(arrived, 30, what=f"contact {case_id} waiting at {stage.value}")


def test_the_teams_question_is_answered_in_the_portal_then_the_outcome_and_reply_show(partner: Browser, staff):
    reference = send_concern(partner)
    team = caller_from_claims({"email": staff(NORTHSHIRE, Role.CASEWORKER), "cognito:groups": [council_group(NORTHSHIRE, Role.CASEWORKER)]})
    council = councils().get(NORTHSHIRE)
    store = service_store_for(NORTHSHIRE, "family-front-door")
    case = _waiting_at(reference, ContactStage.SCREENING)
    request_more_information(store, workflows(), council, reference, case.version, "Has the child said anything about home?", team, utcnow())
    asked = _waiting_at(reference, ContactStage.AWAITING_INFORMATION)

    listed = partner.get("/portal/submissions")
    assert "Question for you" in listed.text
    page = partner.get(f"/portal/submissions/{reference}")
    assert "Has the child said anything about home?" in page.text and "More information needed" in page.text
    empty = partner.post(f"/portal/submissions/{reference}/answer", {"answer": " ", "expected_version": str(asked.version),
                                                                      "csrf_token": page.csrf_token})
    assert empty.status == 400 and "Enter your answer" in empty.text
    sent = partner.post(f"/portal/submissions/{reference}/answer", {"answer": "She said there is often no food at home.",
                                                                     "expected_version": str(asked.version), "csrf_token": page.csrf_token})
    assert sent.status == 303 and sent.location == f"/portal/submissions/{reference}?answered=1"
    back = _waiting_at(reference, ContactStage.SCREENING)
    assert back.information_requests[-1].answer == "She said there is often no food at home."
    again = partner.post(f"/portal/submissions/{reference}/answer", {"answer": "More", "expected_version": str(back.version),
                                                                      "csrf_token": page.csrf_token})
    assert again.status == 400 and "no longer waiting" in again.text

    record_outcome(store, workflows(), council, reference, back.version, ContactOutcome.EARLY_HELP,
                   "Thank you: the family will be offered early help.", team, utcnow())
    wait_until(lambda: store_for(NORTHSHIRE).get(reference).stage is ContactStage.ACCEPTED, 30, what="the outcome")
    shown = partner.get(f"/portal/submissions/{reference}")
    assert "Referred to early help" in shown.text and "the family will be offered early help" in shown.text
    for never in ("Amber", "Green", "amber", "green", team.user):  # the team's level and officer are not the partner's to see
        assert never not in shown.text


def _upload(browser: Browser, draft_id: str, content: bytes, query: str = "") -> Page:
    """Post a file to S3 with the draft page's form, as the browser does, then follow S3's redirect back."""
    page = browser.get(f"/portal/drafts/{draft_id}{query}")
    form = re.search(r'<form method="post" action="(http[^"]+)" enctype="multipart/form-data">(.*?)</form>', page.html, flags=re.S)
    assert form, "no upload form"
    fields = {unescape(name): unescape(value) for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2))}
    response = requests.post(unescape(form.group(1)), data=fields, files={"file": ("file", content, "application/octet-stream")},
                             allow_redirects=False)
    assert response.status_code == 303, response.text
    back = response.headers["Location"]
    checked = browser.get(back[back.index("/portal/"):])
    assert checked.status == 303
    return browser.get(checked.location.split("#")[0])


def test_a_document_is_attached_into_the_cases_own_folder_and_a_false_one_refused(partner: Browser):
    draft_id = start_draft(partner)
    refused = _upload(partner, draft_id, b"not really a pdf")
    assert "The selected file" in refused.text and "No documents attached" in refused.text
    attached = _upload(partner, draft_id, PDF)
    assert "The document is attached" in attached.text and "PDF document" in attached.text
    photo = _upload(partner, draft_id, JPEG, "?format=jpg")
    assert "JPG document" in photo.text
    [pdf, jpeg] = _attachments_of(partner, draft_id)
    assert pdf.key.startswith(f"councils/northshire/cases/{draft_id}/") and jpeg.file_format.value == "image/jpeg"
    # Sent, the case's own folder already holds them.
    post_draft(partner, draft_id, complete_concern())
    assert post_draft(partner, draft_id, complete_concern(), action="send").status == 303
    s3 = boto3.client("s3", region_name=DEFAULT_REGION)
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Prefix=f"councils/northshire/cases/{draft_id}/")["Contents"]}
    assert {pdf.key, jpeg.key} <= keys and len(keys) == 2  # the refused file was deleted


def _attachments_of(browser: Browser, draft_id: str):
    """The draft's attachments as stored (read as its partner: the drafts are keyed by who they are)."""
    session = partner_sessions().find(browser.cookies["casework_portal_session"])
    return portal_drafts_for(NORTHSHIRE).get(session.partner_id, draft_id).attachments
