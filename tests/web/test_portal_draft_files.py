"""A draft's files: tagged as a draft's while it is one (the evidence bucket's lifecycle rule deletes an abandoned
draft's files), deleted with the draft when the partner deletes it (every file under its own attachment prefix, and
nothing of another partner's), and the case's when it is sent (the tag taken off)."""

from __future__ import annotations

import boto3
import pytest

from shared.resources import DEFAULT_REGION, EVIDENCE_BUCKET_LOCAL_NAME
from shared.services.family_front_door.domain.drafts import DRAFT_FILE_TAG, attachment_prefix
from tests.web.conftest import Browser
from tests.web.portal_fixtures import approve, complete_concern, new_partner, post_draft, start_draft
from tests.web.test_portal_pages import _attachments_of, _upload
from tests.web.test_reply import PDF

NORTHSHIRE = "NORTHSHIRE"
DOMAIN = "draft-files.sch.example"


@pytest.fixture(scope="module", autouse=True)
def school(stack):
    return approve(NORTHSHIRE, "draft-files-school", DOMAIN)


@pytest.fixture
def s3():
    return boto3.client("s3", region_name=DEFAULT_REGION)


def _keys(s3, draft_id: str) -> set[str]:
    listed = s3.list_objects_v2(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Prefix=attachment_prefix(NORTHSHIRE, draft_id))
    return {item["Key"] for item in listed.get("Contents", [])}


def _tags(s3, key: str) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in s3.get_object_tagging(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=key)["TagSet"]}


def _partner_with_a_file(s3) -> tuple[Browser, str, str]:
    partner = Browser()
    new_partner(partner, NORTHSHIRE, DOMAIN)
    draft_id = start_draft(partner)
    assert "The document is attached" in _upload(partner, draft_id, PDF).text
    [attached] = _attachments_of(partner, draft_id)
    assert _tags(s3, attached.key) == dict([DRAFT_FILE_TAG])
    return partner, draft_id, attached.key


def test_deleting_a_draft_deletes_its_files_and_never_another_partners(s3):
    partner, draft_id, _ = _partner_with_a_file(s3)
    # An upload that never came back to the portal (the browser closed before S3's redirect): in the prefix, not attached.
    orphan = f"{attachment_prefix(NORTHSHIRE, draft_id)}0a1b2c3d4e5f.pdf"
    s3.put_object(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=orphan, Body=PDF)
    _, other_draft, other_file = _partner_with_a_file(s3)

    page = partner.get(f"/portal/drafts/{draft_id}")
    refused = partner.post(f"/portal/drafts/{other_draft}/delete", {"csrf_token": page.csrf_token})
    assert refused.status == 404 and _keys(s3, other_draft) == {other_file}

    deleted = partner.post(f"/portal/drafts/{draft_id}/delete", {"csrf_token": page.csrf_token})
    assert deleted.status == 303 and deleted.location == "/portal/drafts"
    assert _keys(s3, draft_id) == set() and partner.get(f"/portal/drafts/{draft_id}").status == 404
    assert _keys(s3, other_draft) == {other_file}  # the other partner's draft and file are untouched
    again = partner.post(f"/portal/drafts/{draft_id}/delete", {"csrf_token": page.csrf_token})
    assert again.status == 404


def test_a_sent_drafts_files_are_the_cases_and_lose_the_draft_tag(s3):
    partner, draft_id, attached = _partner_with_a_file(s3)
    post_draft(partner, draft_id, complete_concern())
    assert post_draft(partner, draft_id, complete_concern(), action="send").status == 303
    assert _keys(s3, draft_id) == {attached} and _tags(s3, attached) == {}
