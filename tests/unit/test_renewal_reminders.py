"""Renewal reminders (domain notes: councils write to holders before expiry, about 12 weeks ahead): the window, one
reminder per case and expiry date, the renewal queue Query on a real council table (moto), marking before sending,
exactly once per badge, an email or a letter, audited."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import boto3
import pytest
from moto import mock_aws

from shared.core.adapters.case_store import StaleVersion
from shared.core.domain.case import AuditEntry
from shared.core.domain.council import load_councils
from shared.core.domain.email import EmailMessage
from shared.core.domain.history import readable_history
from shared.services.blue_badge.domain.history import BLUE_BADGE_HISTORY
from shared.resources import DEFAULT_REGION
from shared.services.blue_badge.adapters.badge_store import BadgeStore
from shared.services.blue_badge.domain.application import Application
from shared.services.blue_badge.domain.badge import (
    RENEWAL_QUEUE, Badge, BadgeStatus, DeliverTo, DeliveryOption, PrintBatchType, badge_number_for, replacement_dates,
)
from shared.services.blue_badge.domain.case import BadgeCase, BadgeOrder
from shared.services.blue_badge.domain.ordering import new_badges
from shared.services.blue_badge.domain.notifications import NotificationKind, compose
from shared.services.blue_badge.domain.renewal import RENEWAL_REMINDER_ACTION, due_for_reminder, reminded, reminders_due
from shared.services.blue_badge.logic.renewal_reminders import BADGES_PER_TRANSACTION, send_renewal_reminders
from tests.factories import create_council_table, REMOVE, complete_application

NORTHSHIRE = load_councils().get("NORTHSHIRE")
NOW = datetime(2026, 12, 4, 7, 15, tzinfo=UTC)
TODAY = NOW.date()
_numbers = iter(range(60_000_000, 0, -7))


def badge(case_id: str = "NORTHSHIRE-1", expiry: date = TODAY + timedelta(weeks=10), status: BadgeStatus = BadgeStatus.ISSUED,
          **fields) -> Badge:
    return Badge(badge_number=badge_number_for(next(_numbers)), council_code="NORTHSHIRE", case_id=case_id, status=status,
                 start_date=date(2024, 1, 1), expiry_date=expiry, deliver_to=DeliverTo.HOME, delivery_option=DeliveryOption.STANDARD,
                 batch_type=PrintBatchType.STANDARD, batch_id="BATCH-1", ordered_at=NOW, updated_at=NOW, **fields)


# ---------------------------------------------------------------- the rule (pure)
@pytest.mark.parametrize(("expiry", "due"), [
    (TODAY - timedelta(days=1), False),         # expired yesterday: too late
    (TODAY, True),                              # valid to the end of today
    (TODAY + timedelta(weeks=12), True),        # exactly 12 weeks to run
    (TODAY + timedelta(weeks=12, days=1), False),
])
def test_a_badge_is_due_in_its_last_12_weeks(expiry, due):
    assert due_for_reminder(badge(expiry=expiry), TODAY) is due


@pytest.mark.parametrize("status", [BadgeStatus.ORDERED, BadgeStatus.PROCESSED, BadgeStatus.CANCELLED, BadgeStatus.REPLACED])
def test_only_an_issued_badge_not_yet_reminded_is_due(status):
    assert not due_for_reminder(badge(status=status), TODAY)
    assert not due_for_reminder(badge(renewal_reminded_at=NOW), TODAY)


def test_an_issued_badge_waits_in_the_renewal_queue_by_expiry_until_reminded():
    issued = badge(expiry=date(2027, 2, 1))
    assert issued.queue_position() == (RENEWAL_QUEUE, f"2027-02-01#{issued.badge_number}")
    assert reminded(issued, NOW).queue_position() is None
    assert badge(status=BadgeStatus.CANCELLED).queue_position() is None


def test_a_replacement_of_a_reminded_badge_keeps_its_expiry_and_is_not_reminded_again():
    old = reminded(badge(), NOW)
    case = BadgeCase.open(Application.model_validate(complete_application()), [], NOW)
    [new] = new_badges(case, BadgeOrder(), replacement_dates(old.expiry_date, TODAY), ["AB12CD"], NOW, replacing=old)
    issued = new.model_copy(update={"status": BadgeStatus.ISSUED})
    assert issued.renewal_reminded_at == NOW and not due_for_reminder(issued, TODAY) and issued.queue_position() is None


def test_an_organisations_badges_of_one_order_make_one_reminder():
    order = [badge("ORG-CASE") for _ in range(3)]
    person = badge("PERSON-CASE", expiry=TODAY + timedelta(weeks=2))
    reminders = reminders_due([*order, person, badge("LATER", expiry=TODAY + timedelta(weeks=20))], TODAY)
    assert [(r.case_id, len(r.badges)) for r in reminders] == [("PERSON-CASE", 1), ("ORG-CASE", 3)]  # soonest expiry first


def test_the_reminder_says_when_the_badge_expires_and_how_to_renew():
    case = BadgeCase.open(Application.model_validate(complete_application()), [], NOW)
    message = compose(NotificationKind.RENEWAL_REMINDER, NORTHSHIRE, case, badge_numbers=["AB12CD"], expires_on=date(2027, 2, 1))
    assert isinstance(message, EmailMessage) and message.subject.startswith("Your Blue Badge expires on 1 February 2027")
    assert "Badge number: AB12CD" in message.body_text and "apply to renew it now" in message.body_text
    with pytest.raises(ValueError, match="expiry date"):
        compose(NotificationKind.RENEWAL_REMINDER, NORTHSHIRE, case, badge_numbers=["AB12CD"])


# ---------------------------------------------------------------- the run, on a council table (moto)
@pytest.fixture
def store(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", DEFAULT_REGION)
    with mock_aws():
        client = boto3.client("dynamodb", region_name=DEFAULT_REGION)
        name = create_council_table(client)
        yield CountingStore(client, name)


class CountingStore(BadgeStore):
    """The store, counting the DynamoDB calls the run makes."""

    def __init__(self, client, table_name):
        super().__init__(client, table_name)
        self.calls: list[str] = []
        original = client._make_api_call

        def counted(operation, params):
            self.calls.append(operation)
            return original(operation, params)

        client._make_api_call = counted


class Sender:
    def __init__(self):
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> str:
        self.sent.append(message)
        return f"message-{len(self.sent)}"


def case_with(store: BadgeStore, *expiries: date, **application) -> tuple[BadgeCase, list[Badge]]:
    case = BadgeCase.open(Application.model_validate(complete_application(**application)), [], NOW)
    badges = [badge(case.case_id, expiry) for expiry in expiries]
    store.create(case, AuditEntry(case_id=case.case_id, at=NOW, actor="test", action="CASE_OPENED"))
    store.order_badges(case.changed(NOW), case.version, badges, AuditEntry(case_id=case.case_id, at=NOW, actor="test", action="ORDERED"))
    return case, badges


def actions(store: BadgeStore, case_id: str) -> list[str]:
    return [entry.action for entry in store.history(case_id)]


def test_each_holder_is_reminded_once_by_email_or_letter_from_a_query_of_the_window(store):
    emailed, [due] = case_with(store, TODAY + timedelta(weeks=11))
    by_post, [due_by_post] = case_with(store, TODAY + timedelta(weeks=1), **{"contact.email": REMOVE})
    _, [later] = case_with(store, TODAY + timedelta(weeks=13))
    _, [expired] = case_with(store, TODAY - timedelta(days=1))
    sender = Sender()
    store.calls.clear()

    assert send_renewal_reminders(store, sender, NORTHSHIRE, NOW) == [due_by_post.badge_number, due.badge_number]
    assert "Scan" not in store.calls and store.calls.count("Query") == 1
    [email] = sender.sent
    assert email.to == "ada@example.com" and due.badge_number in email.body_text
    assert RENEWAL_REMINDER_ACTION in actions(store, emailed.case_id) and "NOTIFICATION_SENT" in actions(store, emailed.case_id)
    [told] = readable_history([e for e in store.history(emailed.case_id) if e.action == RENEWAL_REMINDER_ACTION], BLUE_BADGE_HISTORY, {})
    assert f"Reminded the holder to renew: badge {due.badge_number} expires on {due.expiry_date.day} " in told.what
    # No email address: a letter to the holder's address (an SES council's staff post it; the history holds its text).
    [letter] = [entry for entry in store.history(by_post.case_id) if entry.action == "NOTIFICATION_NOT_SENT"]
    assert letter.after["channel"] == "letter" and due_by_post.badge_number in letter.after["body"]
    assert store.get_badge(due.badge_number).renewal_reminded_at == NOW
    assert store.get_badge(later.badge_number).renewal_reminded_at is None
    assert store.get_badge(expired.badge_number).renewal_reminded_at is None

    # Exactly once: the next day's run (and a retried run) finds them out of the queue.
    assert send_renewal_reminders(store, sender, NORTHSHIRE, NOW + timedelta(days=1)) == []
    assert len(sender.sent) == 1


def test_a_badge_changed_since_the_query_is_not_reminded(store, monkeypatch):
    _, [due] = case_with(store, TODAY + timedelta(weeks=4))
    sender = Sender()

    def changed_meanwhile(changes, audits=()):
        raise StaleVersion("cancelled meanwhile")

    monkeypatch.setattr(store, "save_badges", changed_meanwhile)
    assert send_renewal_reminders(store, sender, NORTHSHIRE, NOW) == [] and sender.sent == []


def test_a_large_organisation_order_is_marked_in_parts_and_told_once(store):
    expiry = TODAY + timedelta(weeks=6)
    case, badges = case_with(store, *[expiry] * (BADGES_PER_TRANSACTION + 3), party="ORG",
                             organisation={"name": "Northby Community Transport", "number_of_badges": BADGES_PER_TRANSACTION + 3,
                                           "address": {"line1": "1 Depot Road", "town": "Northby", "postcode": "NE1 4XF"}})
    sender = Sender()
    assert sorted(send_renewal_reminders(store, sender, NORTHSHIRE, NOW)) == sorted(b.badge_number for b in badges)
    assert len(sender.sent) == 1 and actions(store, case.case_id).count(RENEWAL_REMINDER_ACTION) == 2
