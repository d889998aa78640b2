"""An attacker's requests to the pages added for the Family Front Door that the isolation tests do not make:

- a partner attaching, to their own draft, a file key outside that draft's own folder (another of their drafts', one
  climbing out with `..`, URL-encoded or not, the same draft id under another council's folder), one already attached,
  or an eleventh file; and an upload never brought back to the portal is still tagged as a draft's, so it expires; a
  file brought back while another tab sends the draft answers "not found", not an error;
- another council's admin suspending or re-enabling a council's partner, or removing its allow-listed domain;
- a saved view of the holding area named with markup.
Each is refused and changes nothing."""

from __future__ import annotations

import base64
import json
import re
from html import unescape
from urllib.parse import quote

import boto3
import pytest

from shared.resources import DEFAULT_REGION, EVIDENCE_BUCKET_LOCAL_NAME, Role
from shared.services.family_front_door.domain.drafts import (
    DRAFT_FILE_TAG,
    MAX_ATTACHMENTS,
    attachment_prefix,
)
from tests.integration.fault_injection import Fault, FaultInjector, key_is
from tests.web.conftest import Browser
from tests.web.portal_fixtures import approve, directory, new_partner, start_draft
from tests.web.test_portal_pages import _attachments_of, _upload
from tests.web.test_reply import PDF

NORTHSHIRE, VALEWYE = "NORTHSHIRE", "VALEWYE"
DOMAIN = "attacker-tests.sch.example"


@pytest.fixture(scope="module")
def partner(stack) -> tuple[Browser, str]:
    approve(NORTHSHIRE, "attacker-tests-school", DOMAIN)
    browser = Browser()
    return browser, new_partner(browser, NORTHSHIRE, DOMAIN, "Mallory Example")


def _attach(browser: Browser, draft_id: str, key: str, encoded: bool = False) -> str:
    """The draft page after S3's redirect back with `key` (as S3 appends it, or already URL-encoded once more)."""
    page = browser.get(f"/portal/drafts/{draft_id}/uploaded?key={quote(key, safe='') if not encoded else key}")
    assert page.status == 303, page.text
    return page.location


def test_a_key_outside_the_drafts_own_folder_or_already_attached_is_refused(partner):
    browser, _ = partner
    other_draft, draft_id = start_draft(browser), start_draft(browser)
    _upload(browser, other_draft, PDF)
    [elsewhere] = _attachments_of(browser, other_draft)
    prefix = attachment_prefix(NORTHSHIRE, draft_id)
    for key in (elsewhere.key, f"{prefix}x/../../{other_draft}/{elsewhere.key.rpartition('/')[2]}",
                f"{prefix}x/%2e%2e/%2e%2e/{other_draft}/{elsewhere.key.rpartition('/')[2]}",
                attachment_prefix(VALEWYE, draft_id) + "x.pdf", prefix, f"{prefix}./x.pdf", f"{prefix}x//y.pdf"):
        assert _attach(browser, draft_id, key).endswith("?why=missing#attachments"), key
    encoded = quote(f"{prefix}x/../../{other_draft}/{elsewhere.key.rpartition('/')[2]}", safe="").replace("%", "%25")
    assert _attach(browser, draft_id, encoded, encoded=True).endswith("?why=missing#attachments")
    assert _attachments_of(browser, draft_id) == []

    _upload(browser, draft_id, PDF)
    [own] = _attachments_of(browser, draft_id)
    assert _attach(browser, draft_id, own.key).endswith("?why=missing#attachments")  # the same file twice
    assert _attachments_of(browser, draft_id) == [own]


def test_no_more_than_the_limit_of_files_is_attached(partner):
    browser, _ = partner
    draft_id = start_draft(browser)
    for _ in range(MAX_ATTACHMENTS):
        _upload(browser, draft_id, PDF)
    page = browser.get(f"/portal/drafts/{draft_id}")
    assert 'enctype="multipart/form-data"' not in page.html  # no upload form once the draft has its ten
    s3 = boto3.client("s3", region_name=DEFAULT_REGION)
    extra = f"{attachment_prefix(NORTHSHIRE, draft_id)}extra.pdf"  # uploaded anyway, as with a form kept from before
    s3.put_object(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=extra, Body=PDF, ContentType="application/pdf")
    assert _attach(browser, draft_id, extra).endswith("?why=too-many-tries#attachments")
    assert len(_attachments_of(browser, draft_id)) == MAX_ATTACHMENTS


def test_a_file_brought_back_while_the_draft_is_sent_in_another_tab_is_not_found(partner):
    browser, _ = partner
    draft_id = start_draft(browser)
    key = f"{attachment_prefix(NORTHSHIRE, draft_id)}late.pdf"
    boto3.client("s3", region_name=DEFAULT_REGION).put_object(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=key, Body=PDF, ContentType="application/pdf")
    gone = Fault("the draft sent meanwhile", "ConditionalCheckFailedException", "The conditional request failed")
    faults = FaultInjector()
    with faults.installed():  # what DynamoDB answers the draft's conditional save once the other tab's send deleted it
        faults.arm(gone, "dynamodb", "PutItem", when=key_is(f"DRAFT#{draft_id}"))
        page = browser.get(f"/portal/drafts/{draft_id}/uploaded?key={quote(key, safe='')}")
        assert faults.fired() == [(gone.label, "PutItem", 1)]
    assert page.status == 404


def test_the_upload_form_has_s3_tag_the_file_as_a_drafts_on_upload(partner):
    """The lifecycle rule deletes a draft's files by their tag; a file uploaded but never brought back to the portal
    (the tab closed, or one past the limit) was tagged only at /uploaded, so it was kept for ever. The policy now makes
    S3 tag it on upload (moto ignores a POST's tagging field: this checks the signed form, not the stored tag)."""
    browser, _ = partner
    page = browser.get(f"/portal/drafts/{start_draft(browser)}")
    fields = {unescape(name): unescape(value) for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.html)}
    tag, value = DRAFT_FILE_TAG
    assert fields["tagging"] == f"<Tagging><TagSet><Tag><Key>{tag}</Key><Value>{value}</Value></Tag></TagSet></Tagging>"
    assert {"tagging": fields["tagging"]} in json.loads(base64.b64decode(fields["policy"]))["conditions"]


def test_another_councils_admin_neither_suspends_nor_enables_a_partner_nor_removes_a_domain(partner, browser, staff, stack):
    _, email = partner
    cognito = boto3.client("cognito-idp", region_name=DEFAULT_REGION)
    trail = directory(NORTHSHIRE).audit_trail()
    browser.sign_in(staff(VALEWYE, Role.COUNCIL_ADMIN))
    token = browser.get("/partners").csrf_token
    for action in ("suspend", "enable"):
        page = browser.post(f"/partners/accounts/{action}", {"email": email, "csrf_token": token})
        assert page.status == 400 and f"{email} is not a partner of this council" in page.text
    assert cognito.admin_get_user(UserPoolId=stack.partner_user_pool_id, Username=email)["Enabled"]
    assert not directory(NORTHSHIRE).account(email).suspended

    page = browser.post("/partners/domains/remove", {"domain": DOMAIN, "csrf_token": token})
    assert page.status == 400 and f"{DOMAIN} is not on the allow-list" in page.text
    assert directory(NORTHSHIRE).agency_for_domain(DOMAIN) is not None
    assert directory(NORTHSHIRE).audit_trail() == trail


def test_a_saved_views_name_with_markup_is_shown_as_text(signed_in):
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    name = '<script>alert("x")</script>'
    page = browser.submit("/family-front-door", {"action": "save-view", "view-name": name})
    assert page.status == 200 and name not in page.html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.html
    browser.submit("/family-front-door", {"action": "delete-view", "view": name})


def test_a_partner_keeps_no_more_than_the_limit_of_drafts(stack, monkeypatch):
    """One account cannot fill storage with drafts: past the limit a new form is refused, saying what to do."""
    from shared.services.family_front_door.logic import drafts as draft_steps

    monkeypatch.setattr(draft_steps, "MAX_DRAFTS", 2)
    browser = Browser()
    new_partner(browser, NORTHSHIRE, DOMAIN, "Max Drafts")
    first, _ = start_draft(browser), start_draft(browser)
    home = browser.get("/portal/home")
    refused = browser.post("/portal/forms/cause-for-concern", {"csrf_token": home.csrf_token})
    assert refused.status == 409 and "You already have 2 drafts. Send or delete one of them before you start another" in refused.text
    form = browser.get(f"/portal/drafts/{first}")
    assert browser.post(f"/portal/drafts/{first}/delete", {"csrf_token": form.csrf_token}).status == 303
    start_draft(browser)  # room again
