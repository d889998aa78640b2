"""What the web function writes to its log: no reply token ever, and no staff member's keys on another request."""

from __future__ import annotations

import io
import json
import re

import pytest

from shared.core.domain.reply_tokens import token_hash
from shared.resources import Role
from tests.web.test_reply import JPEG, PDF, incomplete_case, link_for, upload
from web.security import logger as web_logger
from web.security import scrub_tokens

TOKEN = "NORTHSHIRE-261123-ABCDEF.s3cr3t-t0ken_value"


@pytest.fixture
def log_lines():
    """The web function's JSON log lines written during the test."""
    written = io.StringIO()
    handler = web_logger.registered_handler
    previous = handler.setStream(written)
    yield lambda: [json.loads(line) for line in written.getvalue().splitlines() if line.strip()]
    handler.setStream(previous)


def test_reply_tokens_become_a_short_hash_in_paths_urls_and_query_strings():
    hashed = f"sha256:{token_hash(TOKEN)[:16]}"
    assert scrub_tokens(f"/reply/{TOKEN}") == f"/reply/{hashed}"
    assert scrub_tokens(f"https://casework.example/reply/{TOKEN}/uploaded?item=photo") == (
        f"https://casework.example/reply/{hashed}/uploaded?item=photo")
    assert scrub_tokens(f"/x?token={TOKEN}&a=1") == f"/x?token={hashed}&a=1"
    assert scrub_tokens("/cases/NORTHSHIRE-261123-ABCDEF/person") == "/cases/NORTHSHIRE-261123-ABCDEF/person"


def test_no_log_line_carries_a_token_in_its_message_arguments_extras_or_exception(log_lines):
    try:
        raise ValueError(f"could not open /reply/{TOKEN}")
    except ValueError:
        web_logger.exception("reply %s failed", f"/reply/{TOKEN}",
                             extra={"url": f"https://casework.example/reply/{TOKEN}", "query": {"reset_token": [TOKEN]}})
    [line] = log_lines()
    assert TOKEN not in json.dumps(line)
    assert "s3cr3t" not in json.dumps(line)
    assert line["message"] == f"reply /reply/sha256:{token_hash(TOKEN)[:16]} failed"
    assert token_hash(TOKEN)[:16] in line["url"] and token_hash(TOKEN)[:16] in line["exception"]


def test_a_public_reply_after_a_staff_request_logs_no_staff_user_or_council_and_no_token(signed_in, log_lines):
    _, email = incomplete_case()
    link = link_for(email)
    browser = signed_in("NORTHSHIRE", Role.CASEWORKER)  # the same warm function serves a member of staff...
    assert browser.get("/").status == 200
    for slug in re.findall(r'<section class="app-reply-upload" id="([^"]+)"', browser.get(link).html):  # ...then the applicant
        upload(browser, link, slug, JPEG if slug == "photo" else PDF)
    sent = browser.post(link, {"nino": "AB123456C"})
    assert sent.status == 200 and "Information sent" in sent.text, sent.text[:1000]

    lines = log_lines()
    staff_lines = [line for line in lines if line.get("user")]
    [reply_line] = [line for line in lines if line["message"] == "applicant sent missing information"]
    assert staff_lines, "the staff request's lines carry its user (otherwise this test proves nothing)"
    assert "user" not in reply_line and "council_code" not in reply_line
    token = link.removeprefix("/reply/")
    assert all(token not in json.dumps(line) for line in lines)


def test_a_refused_sign_in_after_a_staff_request_logs_no_staff_user_or_council(signed_in, browser, log_lines):
    staff_browser = signed_in("NORTHSHIRE", Role.CASEWORKER)
    assert staff_browser.get("/").status == 200
    token = browser.get("/sign-in").csrf_token  # another person, on the same warm function
    assert browser.post("/sign-in", {"email": "nobody@example.gov.uk", "password": "wrong", "csrf_token": token}).status == 401
    lines = log_lines()
    assert [line for line in lines if line.get("user")]
    [refused] = [line for line in lines if line["message"] == "sign-in refused"]
    assert "user" not in refused and "council_code" not in refused
