"""The case page's history: a sentence a person can read for each thing that happened, with each email as sent."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta
from html import unescape

from shared.services.blue_badge.domain.case import Stage
from tests.integration.conftest import emails_to
from tests.web.case_fixtures import at, open_case, send, someone_new


def _history(html: str) -> str:
    """The history table's text, tags and all."""
    return unescape(html.split('id="history"')[1].split("</table>")[0])


def test_a_case_taken_through_the_workflow_reads_as_sentences_with_the_emails_in_full(signed_in):
    application = someone_new()
    case_id = open_case(application)
    at(case_id, Stage.PROOF_CHECK)
    browser = signed_in()
    token = browser.get(f"/cases/{case_id}").csrf_token
    browser.post(f"/cases/{case_id}/notes", {"csrf_token": token, "text": "Rang the applicant."})
    send(browser, f"/cases/{case_id}/proof-check", {"confirmed": "yes"})
    at(case_id, Stage.DECISION)
    send(browser, f"/cases/{case_id}/decision", {"outcome": "APPROVE"})
    start = date.today() + timedelta(days=7)
    send(browser, f"/cases/{case_id}/decision/order", {"start-date-day": str(start.day), "start-date-month": str(start.month),
                                                       "start-date-year": str(start.year), "deliver-to": "HOME", "delivery-option": "STANDARD"})
    send(browser, f"/cases/{case_id}/decision/check", {})
    ordered = at(case_id, Stage.ORDERED)

    # The "approved and ordered" email goes out in the workflow's step after the case reaches ORDERED: wait for both
    # (received, approved and ordered) to be sent and recorded before reading the history.
    deadline = time.monotonic() + 30
    while True:
        history = _history(browser.get(f"/cases/{case_id}").html)
        sent = emails_to(application["contact"]["email"])
        if (len(sent) == 2 and history.count("Show the email") == 2) or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    text = " ".join(re.sub(r"<[^>]+>", " ", history).split())
    for sentence in ("Application received.", "The case moved from screening to proof check.", "Added a note.",
                     "Checked the proof of eligibility: it shows the criterion is met.", "The case moved from proof check to decision.",
                     f"Approved the application: the badge is to be ordered, starting {start.day} {start:%B %Y}.",
                     f"Ordered badge {ordered.badge_numbers[0]}, valid from {start.day} {start:%B %Y}",
                     "to be posted to the holder's home.", "Emailed the applicant “", "The system",
                     "caseworker.northshire@example.gov.uk"):
        assert sentence in text, sentence
    # No codes, nulls, lists, records, ISO times or actors' internal names.
    for raw in ("None", "[]", "{", "PROOF_CHECK", "APPROVE", "event:", "user:", "workflow", "notifications"):
        assert raw not in text, raw
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    # Each email the applicant was sent is there in full, as sent, under "Show the email".
    assert sent and history.count("Show the email") == len(sent)
    for mail in sent:
        assert mail.subject in history and " ".join(mail.body.split()) in " ".join(history.split())
