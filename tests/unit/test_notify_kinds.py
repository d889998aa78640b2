"""GOV.UK Notify: a notification kind's own templates (chosen by our reference, checked against the council's services
when the councils load), our reference read back, and Notify's statuses as outcomes and pages."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest

from shared.core.adapters.notify import NotifySender, NotifyStatusReader
from shared.core.domain.council import COUNCILS_FILE, CouncilConfigError, parse_councils
from shared.core.domain.email import EmailMessage
from shared.core.domain.notify import (
    DeliveryOutcome,
    Letter,
    LetterAddress,
    Medium,
    NotifySettings,
    TextMessage,
    delivery_outcome,
    notification_reference,
    reference_parts,
)
from tests.unit.test_notify_letters import TEMPLATES, FakeClient

REFUSAL_LETTER = "9e2a7d6f-1c8b-4d52-8e1f-1e7b5f8a1b01"
RECEIVED_EMAIL = "9e2a7d6f-1c8b-4d52-8e1f-1e7b5f8a1b02"
BY_KIND = {"DECISION_REFUSED": {"letter": REFUSAL_LETTER}, "RECEIVED": {"email": RECEIVED_EMAIL}}
SETTINGS = NotifySettings.model_validate({"templates": {**TEMPLATES, "by_kind": BY_KIND}})
ADDRESS = LetterAddress(name="Ada Lovelace", lines=("12 Mill Lane", "Northby"), postcode="NE1 4XF")


def test_a_kind_uses_its_own_template_for_a_medium_and_the_generic_one_otherwise():
    templates = SETTINGS.templates
    assert str(templates.for_kind(Medium.LETTER, "DECISION_REFUSED")) == REFUSAL_LETTER
    assert str(templates.for_kind(Medium.EMAIL, "DECISION_REFUSED")) == TEMPLATES["email"]  # no email of its own
    assert str(templates.for_kind(Medium.EMAIL, "RECEIVED")) == RECEIVED_EMAIL
    assert str(templates.for_kind(Medium.LETTER, "WITHDRAWN")) == TEMPLATES["letter"]
    assert str(templates.for_kind(Medium.SMS, None)) == TEMPLATES["sms"]


def test_the_sender_picks_the_template_by_the_kind_in_our_reference():
    FakeClient.calls = []
    sender = NotifySender(SETTINGS, lambda: "key", client_factory=FakeClient)
    sender.send(Letter(address=ADDRESS, subject="Decision", body_text="B", reference=notification_reference("C1", "DECISION_REFUSED")))
    sender.send(Letter(address=ADDRESS, subject="Received", body_text="B", reference=notification_reference("C1", "RECEIVED")))
    sender.send(EmailMessage(to="a@b.com", reply_to="x@c.gov.uk", sender="x@c.gov.uk", subject="S", body_text="B",
                             reference=notification_reference("C1", "RECEIVED")))
    sender.send(TextMessage(to="07700900123", body_text="Hi"))  # no reference: the generic template
    assert [(medium, call["template_id"]) for medium, call in FakeClient.calls] == [
        ("letter", REFUSAL_LETTER), ("letter", TEMPLATES["letter"]), ("email", RECEIVED_EMAIL), ("sms", TEMPLATES["sms"])]
    assert FakeClient.calls[0][1]["personalisation"]["subject"] == "Decision"  # the same personalisation, whichever template


def _entries(by_kind: dict) -> list[dict]:
    entries = json.loads(COUNCILS_FILE.read_text())
    entries[0]["notifications"] = {"channel": "NOTIFY", "notify": {"templates": {**TEMPLATES, "by_kind": by_kind}}}
    return entries


def test_kind_templates_are_checked_against_the_councils_services_naming_the_field():
    council = parse_councils(_entries(BY_KIND)).get(_entries(BY_KIND)[0]["code"])
    assert str(council.notifications.notify.templates.by_kind["DECISION_REFUSED"].letter) == REFUSAL_LETTER
    with pytest.raises(CouncilConfigError, match=r"field 'notifications\.notify\.templates\.by_kind\.DECISION_REFUSD': no such "
                                                 r"notification kind \(the council's services send .*DECISION_REFUSED"):
        parse_councils(_entries({"DECISION_REFUSD": {"letter": REFUSAL_LETTER}}))
    with pytest.raises(CouncilConfigError, match=r"by_kind\.RECEIVED.*give at least one of email, letter and sms"):
        parse_councils(_entries({"RECEIVED": {}}))
    with pytest.raises(CouncilConfigError, match=r"by_kind\.RECEIVED\.post"):
        parse_councils(copy.deepcopy(_entries({"RECEIVED": {"post": REFUSAL_LETTER}})))


def test_our_reference_names_the_case_and_the_kind_and_nothing_else_is_read_as_one():
    assert reference_parts(notification_reference("NORTHSHIRE-261203-ABCDEF", "RECEIVED")) == ("NORTHSHIRE-261203-ABCDEF", "RECEIVED")
    for other in (None, "", "BK-TEST-1", "/RECEIVED", "CASE/", "A/B/C"):
        assert reference_parts(other) is None, other


@pytest.mark.parametrize(("status", "outcome"), [
    ("delivered", DeliveryOutcome.DELIVERED), ("received", DeliveryOutcome.DELIVERED),
    ("permanent-failure", DeliveryOutcome.FAILED), ("temporary-failure", DeliveryOutcome.FAILED),
    ("technical-failure", DeliveryOutcome.FAILED), ("returned-letter", DeliveryOutcome.FAILED),
    ("validation-failed", DeliveryOutcome.FAILED), ("created", None), ("sending", None), ("accepted", None),
])
def test_notify_statuses_are_final_or_still_under_way(status, outcome):
    assert delivery_outcome(status) is outcome


class PagedClient:
    """Notify's GET /v2/notifications, newest first, two to a page."""

    pages: list[dict] = []
    asked: list[str | None] = []

    def __init__(self, api_key: str, base_url: str, timeout: int):
        pass

    def get_all_notifications(self, older_than=None):
        PagedClient.asked.append(older_than)
        return PagedClient.pages[len(PagedClient.asked) - 1]


def _listed(number: int, day: int) -> dict:
    return {"id": f"n{number}", "reference": f"C{number}/RECEIVED", "type": "letter", "status": "received",
            "created_at": f"2026-12-{day:02d}T10:00:00.000000Z", "completed_at": None, "line_1": "Ada Lovelace"}


def test_the_reader_follows_the_pages_and_stops_at_the_watermark():
    PagedClient.asked = []
    PagedClient.pages = [
        {"notifications": [_listed(4, 4), _listed(3, 3)], "links": {"next": "…?older_than=n3"}},
        {"notifications": [_listed(2, 2), _listed(1, 1)], "links": {"next": "…?older_than=n1"}},
    ]
    reader = NotifyStatusReader(SETTINGS, lambda: "key", client_factory=PagedClient)
    read = [report.id for report in reader.since(datetime(2026, 12, 2, tzinfo=UTC))]
    assert read == ["n4", "n3", "n2"] and PagedClient.asked == [None, "n3"] and reader.pages == 2


def test_a_status_read_back_reads_plainly_in_the_history():
    from shared.core.domain.case import AuditEntry
    from shared.core.domain.history import readable_history
    from shared.services.blue_badge.domain.history import BLUE_BADGE_HISTORY

    def entry(status: str, outcome: str, channel: str) -> AuditEntry:
        return AuditEntry(case_id="C1", at=datetime(2026, 12, 3, 10, tzinfo=UTC), actor="notify", action="NOTIFICATION_STATUS",
                          after={"kind": "RECEIVED", "channel": channel, "message_id": "n1", "status": status, "outcome": outcome})

    lines = readable_history([entry("received", "DELIVERED", "letter"), entry("permanent-failure", "FAILED", "email")], BLUE_BADGE_HISTORY, {})
    assert sorted(line.what for line in lines) == ["GOV.UK Notify could not deliver the email to the applicant: permanent-failure.",
                                                   "GOV.UK Notify reported the letter to the applicant received."]
