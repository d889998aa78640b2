"""Sending applicant emails through Amazon SES (v1 API), and delivering them without ever blocking a case.

deliver() never raises: a failed email must not stop the case moving on. The caller records the
NotificationOutcome in the case's audit trail, so a caseworker can see that the applicant was not
emailed and write by post or phone instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

import boto3
from botocore.exceptions import BotoCoreError, ClientError, ConnectionError as BotoConnectionError, HTTPClientError
from pydantic import BaseModel

from shared.core.domain.email import EmailMessage
from shared.core.domain.notify import Letter, TextMessage

logger = logging.getLogger(__name__)


class EmailSender(Protocol):
    def send(self, message: EmailMessage) -> str:
        """Send one email; return the provider's message id. Raises on failure."""
        ...


class SesEmailSender:
    """SES v1 send_email. The sender (the council's contact email) must be a verified SES identity."""

    def __init__(self, client: Any = None):
        self._client = client if client is not None else boto3.client("ses")

    def send(self, message: EmailMessage) -> str:
        response = self._client.send_email(
            Source=message.sender,
            Destination={"ToAddresses": [message.to]},
            ReplyToAddresses=[message.reply_to],
            Message={
                "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": message.body_text, "Charset": "UTF-8"}},
            },
        )
        return response["MessageId"]


class ProviderError(Exception):
    """A failure a sender other than SES reports (GOV.UK Notify: shared/core/adapters/notify.py): `code` is safe to log,
    `detail` is for the case's history, `transient` says whether another try may succeed."""

    def __init__(self, code: str, detail: str, *, transient: bool):
        super().__init__(detail)
        self.code, self.detail, self.transient = code, detail, transient


class NotificationOutcome(BaseModel):
    """What happened to one email: recorded in the case's audit trail."""

    kind: str  # a service's email kind (its StrEnum value)
    to: str
    delivered: bool
    message_id: str | None = None
    attempts: int
    error: str | None = None


# ClientError codes worth another try: throttling and the provider's own faults.
TRANSIENT_ERROR_CODES = frozenset({
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "InternalFailure",
    "InternalError",
    "RequestTimeout",
    "RequestTimeoutException",
})


def is_transient(error: Exception) -> bool:
    """Throttling, 5xx and network failures are retried; anything else (MessageRejected for an
    unverified sender, a bad address, missing permissions, a bug) will fail the same way again."""
    if isinstance(error, ProviderError):
        return error.transient
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        return code in TRANSIENT_ERROR_CODES or status >= 500 or status == 429
    if isinstance(error, (BotoConnectionError, HTTPClientError)):
        return True  # endpoint unreachable, connect/read timeouts, connection closed
    if isinstance(error, BotoCoreError):
        return False  # e.g. no credentials, invalid parameters: configuration, not luck
    return isinstance(error, (ConnectionError, TimeoutError))


def error_code(error: Exception) -> str:
    """The provider's error code, or the exception's type: safe to log, unlike the message, which can quote the
    recipient (SES: "Email address is not verified. ... failed the check: <address>") or the request's values."""
    if isinstance(error, ProviderError):
        return error.code
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code") or "ClientError")
    return type(error).__name__


def describe_error(error: Exception) -> str:
    """For the case's history (in the encrypted case table), where a caseworker sees why the applicant was not emailed."""
    if isinstance(error, ProviderError):
        return error.detail
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        return f"{details.get('Code', 'ClientError')}: {details.get('Message', str(error))}"
    return f"{type(error).__name__}: {error}"


def deliver(
    sender: EmailSender,
    message: EmailMessage | Letter | TextMessage,
    kind: str,
    *,
    attempts: int = 3,
    backoff_seconds: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> NotificationOutcome:
    """Send message, retrying transient failures with exponential backoff (backoff_seconds, then
    twice that, ...). Never raises: a permanent failure, or running out of attempts, gives an outcome
    with delivered=False and the error text."""
    attempts = max(1, attempts)
    made = 0
    error_text: str | None = None
    for attempt in range(1, attempts + 1):
        made = attempt
        try:
            message_id = sender.send(message)
        except Exception as error:  # noqa: BLE001 - an email failure must never escape into the case flow
            error_text = describe_error(error)
            retry = attempt < attempts and is_transient(error)
            logger.warning(
                "email %s to case contact failed (attempt %d of %d, %s): %s; the case history has the details",
                kind, attempt, attempts, "will retry" if retry else "giving up", error_code(error),
            )
            if not retry:
                break
            try:
                sleep(backoff_seconds * 2 ** (attempt - 1))
            except Exception:  # noqa: BLE001 - a broken sleep must not break the never-raises promise
                pass
            continue
        return NotificationOutcome(kind=kind, to=message.to, delivered=True, message_id=message_id, attempts=attempt)
    return NotificationOutcome(kind=kind, to=message.to, delivered=False, attempts=made, error=error_text)
