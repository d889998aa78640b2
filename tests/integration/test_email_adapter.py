"""The SES adapter against moto's SES, and deliver()'s retry rules.

Uses its own function-scoped mock_aws and none of this package's stack fixtures. If the package's
stack mock is already running, moto nests the mocks without resetting them, so these tests look only
at the messages they sent themselves and never at totals.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from shared.core.adapters.email import NotificationOutcome, SesEmailSender, deliver
from shared.services.blue_badge.domain.notifications import NotificationKind
from shared.core.domain.email import EmailMessage

REGION = "eu-west-2"
COUNCIL_EMAIL = "bluebadge@northshire.example.gov.uk"


def message(sender: str = COUNCIL_EMAIL) -> EmailMessage:
    return EmailMessage(
        to="ada@example.com",
        reply_to=sender,
        sender=sender,
        subject="We have received your Blue Badge application - reference NORTHSHIRE-261125-ABCDEF",
        body_text="Dear Ada Lovelace,\n\nWe have received your application. Mae fersiwn Gymraeg ar gael.\n",
    )


@pytest.fixture
def ses(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        yield boto3.client("ses", region_name=REGION)


def sent_by_moto(message_id: str):
    sent = [m for m in ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages if m.id == message_id]
    assert len(sent) == 1
    return sent[0]


def test_deliver_sends_through_ses(ses):
    ses.verify_email_identity(EmailAddress=COUNCIL_EMAIL)
    email = message()

    outcome = deliver(SesEmailSender(ses), email, NotificationKind.RECEIVED, sleep=lambda _: None)

    assert outcome.delivered and outcome.attempts == 1 and outcome.error is None
    assert outcome.kind == NotificationKind.RECEIVED and outcome.to == "ada@example.com"
    sent = sent_by_moto(outcome.message_id)
    assert sent.source == COUNCIL_EMAIL
    assert sent.destinations["ToAddresses"] == ["ada@example.com"]
    assert sent.subject == email.subject
    assert sent.body == email.body_text  # UTF-8 text survives intact


def test_unverified_sender_is_not_retried(ses):
    sleeps: list[float] = []
    outcome = deliver(SesEmailSender(ses), message("unverified@valewye.example.gov.uk"), NotificationKind.RECEIVED, sleep=sleeps.append)

    assert not outcome.delivered
    assert outcome.attempts == 1 and sleeps == []
    assert outcome.message_id is None
    assert "MessageRejected" in outcome.error and "not verified" in outcome.error


class FlakySender:
    """Fails with the given errors in turn, then succeeds."""

    def __init__(self, *errors: Exception):
        self.errors = list(errors)
        self.calls = 0

    def send(self, message: EmailMessage) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "msg-123"


def throttling() -> ClientError:
    return ClientError({"Error": {"Code": "Throttling", "Message": "Maximum sending rate exceeded."},
                        "ResponseMetadata": {"HTTPStatusCode": 400}}, "SendEmail")


def server_error() -> ClientError:
    return ClientError({"Error": {"Code": "InternalFailure", "Message": "boom"},
                        "ResponseMetadata": {"HTTPStatusCode": 500}}, "SendEmail")


def test_throttling_is_retried_with_exponential_backoff():
    sender, sleeps = FlakySender(throttling(), throttling()), []

    outcome = deliver(sender, message(), NotificationKind.INFORMATION_REQUESTED, sleep=sleeps.append)

    assert outcome == NotificationOutcome(kind=NotificationKind.INFORMATION_REQUESTED, to="ada@example.com",
                                          delivered=True, message_id="msg-123", attempts=3)
    assert sleeps == [0.5, 1.0]


def test_network_and_server_errors_are_retried():
    sender = FlakySender(EndpointConnectionError(endpoint_url="https://email.eu-west-2.amazonaws.com"), server_error())
    outcome = deliver(sender, message(), NotificationKind.RECEIVED, sleep=lambda _: None)
    assert outcome.delivered and outcome.attempts == 3


def test_running_out_of_attempts_returns_the_last_error():
    sender = FlakySender(throttling(), throttling(), throttling(), throttling())
    outcome = deliver(sender, message(), NotificationKind.RECEIVED, attempts=3, sleep=lambda _: None)
    assert not outcome.delivered and outcome.attempts == 3 and sender.calls == 3
    assert outcome.error == "Throttling: Maximum sending rate exceeded."


def test_an_unexpected_error_never_escapes():
    outcome = deliver(FlakySender(RuntimeError("bug")), message(), NotificationKind.RECEIVED, sleep=lambda _: None)
    assert not outcome.delivered and outcome.attempts == 1
    assert outcome.error == "RuntimeError: bug"
