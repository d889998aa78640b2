"""The documents a partner attached to a cause for concern, once it is sent: listed on the team's contact page, each
opened on a page of its own by a short-lived pre-signed link to the contact's own file (the opening logged in the
contact's view log), and named on the partner's submission page without a link. Another council's contact, or a
document number the contact does not have, is not found, and nothing is signed or logged for it."""

from __future__ import annotations

import io
import json
import re
import zipfile
from html import unescape

import boto3
import pytest
import requests

from shared.bootstrap import councils, evidence_files_for, store_for
from shared.core.domain.case import new_case_id, utcnow
from shared.core.domain.evidence import case_evidence_prefix
from shared.core.domain.retention import ErasureReason, tombstone
from shared.core.logic.lifecycle import erase_case, export_person
from shared.core.domain.uploads import FileFormat
from shared.resources import DEFAULT_REGION, EVIDENCE_BUCKET_LOCAL_NAME, Role
from shared.services.family_front_door.domain.drafts import Attachment, attachment_key
from shared.services.family_front_door.logic import contacts
from tests.web.conftest import Browser
from tests.web.portal_fixtures import approve, complete_concern, new_partner, post_draft, start_draft
from tests.web.test_ffd_holding import NoWorkflow, concern, partner
from tests.web.test_portal_pages import _attachments_of, _upload
from tests.web.test_reply import JPEG, PDF

NORTHSHIRE, VALEWYE = "NORTHSHIRE", "VALEWYE"
DOMAIN = "contact-documents.sch.example"
SIGNED = re.compile(r'<(?:iframe|img) class="app-evidence__(?:frame|image)" src="([^"]+)"')


@pytest.fixture(scope="module", autouse=True)
def school(stack):
    return approve(NORTHSHIRE, "contact-documents-school", DOMAIN)


@pytest.fixture(scope="module")
def sent(school) -> tuple[Browser, str, list[Attachment]]:
    """A partner's cause for concern sent with a PDF and a JPEG: the partner's browser, the reference, the attachments."""
    sender = Browser()
    new_partner(sender, NORTHSHIRE, DOMAIN)
    draft_id = start_draft(sender)
    assert "The document is attached" in _upload(sender, draft_id, PDF).text
    assert "The document is attached" in _upload(sender, draft_id, JPEG, "?format=jpg").text
    attached = list(_attachments_of(sender, draft_id))
    post_draft(sender, draft_id, complete_concern())
    assert post_draft(sender, draft_id, complete_concern(), action="send").status == 303
    return sender, draft_id, attached


def test_the_contact_keeps_the_documents_and_the_team_sees_them_listed(sent, signed_in):
    _, case_id, attached = sent
    assert store_for(NORTHSHIRE).get(case_id).documents == attached
    page = signed_in(NORTHSHIRE, Role.CASEWORKER).get(f"/family-front-door/contacts/{case_id}")
    assert page.status == 200, page.text
    listed = page.html.split('id="documents-caption"')[1].split("</table>")[0]
    for number, (document, label) in enumerate(zip(attached, ("PDF", "JPG"), strict=True), start=1):
        assert f'href="/family-front-door/contacts/{case_id}/documents/{number}">{document.name}</a>' in listed
        assert re.search(rf"{re.escape(document.name)}</a></td>\s*<td[^>]*>{label}</td>\s*<td[^>]*>1 KB</td>", listed), label
    assert "X-Amz-Signature" not in page.html  # the list links to the viewer; only the viewer signs


def test_opening_a_document_signs_the_contacts_own_file_and_is_logged(sent, signed_in):
    _, case_id, attached = sent
    store = store_for(NORTHSHIRE)
    views_before = len(store.views(case_id))
    page = signed_in(NORTHSHIRE, Role.CASEWORKER).get(f"/family-front-door/contacts/{case_id}/documents/2")
    assert page.status == 200, page.text
    assert page.title.startswith(f"Document 2, contact {case_id}")
    assert "document 2 of 2" in page.text and attached[1].name in page.text
    link = unescape(SIGNED.search(page.html).group(1))
    assert attached[1].key.startswith(case_evidence_prefix(NORTHSHIRE, case_id))
    assert f"/{attached[1].key}?" in link and "X-Amz-Signature" in link and "X-Amz-Expires=300" in link
    opened = requests.get(link, timeout=10)
    assert opened.status_code == 200 and opened.content == JPEG and opened.headers["Content-Type"] == "image/jpeg"
    views = store.views(case_id)
    assert len(views) == views_before + 1
    assert (views[0].action, views[0].actor.startswith("user:"), views[0].after) == ("CASE_VIEWED", True, {"document": 2, "key": attached[1].key})


def test_a_document_number_the_contact_does_not_have_is_not_found(sent, signed_in):
    _, case_id, _ = sent
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    views_before = len(store_for(NORTHSHIRE).views(case_id))
    for index in ("0", "3", "01", "1000", "x", "-1"):
        page = browser.get(f"/family-front-door/contacts/{case_id}/documents/{index}")
        assert page.status == 404 and "X-Amz-Signature" not in page.html, index
    assert len(store_for(NORTHSHIRE).views(case_id)) == views_before


def test_another_councils_contact_and_its_document_are_not_found(signed_in):
    store, now = store_for(VALEWYE), utcnow()
    case_id = new_case_id(VALEWYE, now)
    theirs = Attachment(key=attachment_key(VALEWYE, case_id, FileFormat.PDF), file_format=FileFormat.PDF, size=len(PDF), uploaded_at=now)
    boto3.client("s3", region_name=DEFAULT_REGION).put_object(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=theirs.key, Body=PDF)
    contacts.submit(store, NoWorkflow(), councils().get(VALEWYE), partner(), concern(), now, case_id=case_id, documents=[theirs])
    browser = signed_in(NORTHSHIRE, Role.TEAM_LEADER)
    for index in ("1", "2"):
        page = browser.get(f"/family-front-door/contacts/{case_id}/documents/{index}")
        assert page.status == 404 and "X-Amz-Signature" not in page.html and theirs.key not in page.html, index
    assert store.views(case_id) == []  # nobody read it


def test_the_partner_sees_the_names_of_what_they_sent_without_links(sent):
    sender, case_id, attached = sent
    page = sender.get(f"/portal/submissions/{case_id}")
    assert page.status == 200, page.text
    assert "Documents you attached" in page.text
    for document, label in zip(attached, ("PDF", "JPG"), strict=True):
        assert f"{document.name} ({label}, 1 KB), attached" in page.text
    assert "X-Amz-Signature" not in page.html and "/documents/" not in page.html and "/family-front-door" not in page.html


def test_the_subject_access_export_holds_the_documents_and_erasure_deletes_them(school):
    """The engine's export and erasure work on the contact's folder, where the documents are (shared/core/logic/lifecycle.py)."""
    sender = Browser()
    new_partner(sender, NORTHSHIRE, DOMAIN, name="Eri Sure")
    draft_id = start_draft(sender)
    assert "The document is attached" in _upload(sender, draft_id, PDF).text
    [attached] = _attachments_of(sender, draft_id)
    post_draft(sender, draft_id, complete_concern())
    assert post_draft(sender, draft_id, complete_concern(), action="send").status == 303
    store, evidence, now = store_for(NORTHSHIRE), evidence_files_for(NORTHSHIRE), utcnow()
    # Settled in the holding area first: the workflow's first steps would change the case under the erasure.
    from tests.integration.conftest import wait_until

    case = wait_until(lambda: (found := store.get(draft_id)).stage == "SCREENING" and found.task_token and found,
                      what="the contact waiting at screening")
    exported = zipfile.ZipFile(io.BytesIO(evidence.read(export_person(store, evidence, case, "user:test-admin", now))))
    assert exported.read(f"documents/{draft_id}/{attached.key.rsplit('/', 1)[1]}") == PDF
    assert json.loads(exported.read("personal-data.json"))["cases"][0]["case"]["documents"][0]["key"] == attached.key
    erase_case(store, evidence, store.load(draft_id), tombstone(case, {}, reason=ErasureReason.PERSON_ASKED, actor="user:test-admin", now=now))
    assert evidence.keys(case_evidence_prefix(NORTHSHIRE, draft_id)) == [] and store.get(draft_id) is None
