"""Each council's channel to people: SES email, or GOV.UK Notify (email, text message, letter) through its Python client
(notifications-python-client), with the council's own API key from Secrets Manager and its own template ids.

Behind the engine's email interface (EmailSender.send(message) -> provider id), so send_and_record delivers through it
with the same retries, history and metric whatever the channel. Errors become ProviderError, whose `transient` says
whether another try may succeed: Notify's 5xx and 429, and a connection that never reached it, are retried; a 4xx (a
bad key, a template or address Notify refuses) or a request that timed out after it was sent (it may have been
accepted: a second letter would cost the council twice) are not.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from shared.core.adapters.email import EmailSender, ProviderError
from shared.core.domain.email import EmailMessage
from shared.core.domain.notify import (
    Letter,
    Medium,
    NotificationChannel,
    NotificationReport,
    NotifySettings,
    TextMessage,
    letter_personalisation,
    reference_parts,
)

NOTIFY_TIMEOUT_SECONDS = 10  # the client's default is 30: a step waits at most this long per try


def _loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


class NotifySender:
    """Sends an EmailMessage, a Letter or a TextMessage through one council's Notify service."""

    def __init__(self, settings: NotifySettings, api_key: Callable[[], str], *, allow_loopback_http: bool = False,
                 client_factory: Callable[..., Any] | None = None):
        self._settings, self._base_url, self._api_key = settings, str(settings.base_url).rstrip("/"), api_key
        self._allow_loopback_http, self._client_factory = allow_loopback_http, client_factory

    def send(self, message: EmailMessage | Letter | TextMessage) -> str:
        """Notify's id for the notification it accepted. ProviderError on any failure."""
        parts = reference_parts(message.reference)
        medium = Medium.LETTER if isinstance(message, Letter) else Medium.SMS if isinstance(message, TextMessage) else Medium.EMAIL
        template_id = self._settings.templates.for_kind(medium, parts[1] if parts else None)  # the kind's own, or the generic
        try:
            client = self._client()
            if isinstance(message, Letter):
                response = client.send_letter_notification(
                    template_id=str(template_id), personalisation=letter_personalisation(message), reference=message.reference)
            elif isinstance(message, TextMessage):
                if template_id is None:
                    raise ProviderError("NotifyNoTextTemplate", "the council has no Notify text message template", transient=False)
                response = client.send_sms_notification(
                    phone_number=message.to, template_id=str(template_id), personalisation={"body": message.body_text},
                    reference=message.reference, sms_sender_id=_optional(self._settings.sms_sender_id))
            else:
                response = client.send_email_notification(
                    email_address=message.to, template_id=str(template_id),
                    personalisation={"subject": message.subject, "body": message.body_text},
                    reference=message.reference, email_reply_to_id=_optional(self._settings.email_reply_to_id))
        except ProviderError:
            raise
        except Exception as error:  # noqa: BLE001 - the client raises its own types, requests' and ValueError
            raise notify_error(error) from error
        return str(response["id"])

    def _client(self) -> Any:
        return _notify_client(self._base_url, self._api_key, self._allow_loopback_http, self._client_factory)


def _notify_client(base_url: str, api_key: Callable[[], str], allow_loopback_http: bool, factory: Callable[..., Any] | None) -> Any:
    parts = urlsplit(base_url)
    if parts.scheme != "https" and not (allow_loopback_http and parts.scheme == "http" and _loopback(parts.hostname)):
        raise ProviderError("NotifyInsecureUrl", f"the Notify API must be reached over https ({base_url})", transient=False)
    if factory is None:
        from notifications_python_client.notifications import NotificationsAPIClient  # only Notify councils' functions load it

        factory = NotificationsAPIClient
    return factory(api_key(), base_url=base_url, timeout=NOTIFY_TIMEOUT_SECONDS)


class NotifyStatusReader:
    """What became of one council's notifications: GET /v2/notifications (the client's get_all_notifications), newest
    first, a page at a time (`older_than` the last id of the page before)."""

    def __init__(self, settings: NotifySettings, api_key: Callable[[], str], *, allow_loopback_http: bool = False,
                 client_factory: Callable[..., Any] | None = None):
        self._base_url, self._api_key = str(settings.base_url).rstrip("/"), api_key
        self._allow_loopback_http, self._client_factory = allow_loopback_http, client_factory
        self.pages = 0  # pages read, for the run's report

    def since(self, created_after: datetime) -> Iterator[NotificationReport]:
        """Every notification created at or after `created_after`, newest first. ProviderError when Notify fails."""
        try:
            client = _notify_client(self._base_url, self._api_key, self._allow_loopback_http, self._client_factory)
            older_than = None
            while True:
                page = client.get_all_notifications(older_than=older_than)
                self.pages += 1
                reports = [NotificationReport.model_validate(item) for item in page.get("notifications", [])]
                for report in reports:
                    if report.created_at < created_after:
                        return  # newest first: the rest are older still
                    yield report
                if not reports or not page.get("links", {}).get("next"):
                    return
                older_than = reports[-1].id
        except ProviderError:
            raise
        except Exception as error:  # noqa: BLE001 - the client raises its own types, requests' and ValueError
            raise notify_error(error) from error


def _optional(value: object) -> str | None:
    return None if value is None else str(value)


def notify_error(error: Exception) -> ProviderError:
    """The client's exception as a ProviderError: its code names Notify's status and error (safe to log: Notify's
    messages name fields, and our message below never quotes a recipient)."""
    import requests
    from notifications_python_client.errors import APIError

    cause = error.__cause__
    if isinstance(error, APIError) and getattr(error, "response", None) is not None:
        status = error.status_code
        details = error.message
        first = details[0] if isinstance(details, list) and details and isinstance(details[0], dict) else {}
        name = first.get("error") or "Error"
        text = first.get("message") if first else str(details)
        return ProviderError(f"Notify{status}{name}", f"GOV.UK Notify answered {status} {name}: {text}",
                             transient=status >= 500 or status == 429)
    if isinstance(cause, requests.ConnectionError):  # never reached Notify (connect timeouts included)
        return ProviderError("NotifyUnreachable", f"GOV.UK Notify could not be reached: {type(cause).__name__}", transient=True)
    if isinstance(cause, requests.Timeout):  # sent, but no answer in time: it may have been accepted
        return ProviderError("NotifyTimeout", "GOV.UK Notify did not answer in time; it may have accepted the request: "
                                              "check the Notify dashboard before sending again", transient=False)
    return ProviderError(type(error).__name__, f"{type(error).__name__}: {error}", transient=False)


@dataclass(frozen=True)
class Channel:
    """How one council reaches people: an email sender always; letters and text messages only where it can send them."""

    provider: NotificationChannel
    email: EmailSender
    letters: Any = None  # .send(Letter) -> id, or None: staff write the letter
    texts: Any = None  # .send(TextMessage) -> id, or None: staff phone


class CouncilChannels:
    """Each council's channel: Notify for the councils `notify_councils()` names (Env.NOTIFY_COUNCILS, read per call so
    that a changed environment applies at once), SES for the others. `api_key(council_code)` reads the council's key."""

    def __init__(self, ses: EmailSender, notify_councils: Callable[[], Mapping[str, NotifySettings]],
                 api_key: Callable[[str], str], *, allow_loopback_http: Callable[[], bool] = lambda: False,
                 client_factory: Callable[..., Any] | None = None):
        self._ses, self._notify_councils, self._api_key = ses, notify_councils, api_key
        self._allow_loopback_http, self._client_factory = allow_loopback_http, client_factory

    def status_readers(self) -> dict[str, NotifyStatusReader]:
        """A status reader per Notify council, by council code."""
        return {code: NotifyStatusReader(settings, lambda code=code: self._api_key(code),
                                         allow_loopback_http=self._allow_loopback_http(), client_factory=self._client_factory)
                for code, settings in self._notify_councils().items()}

    def channel_for(self, council_code: str) -> Channel:
        settings = self._notify_councils().get(council_code)
        if settings is None:
            return Channel(NotificationChannel.SES, self._ses)
        notify = NotifySender(settings, lambda: self._api_key(council_code), allow_loopback_http=self._allow_loopback_http(),
                              client_factory=self._client_factory)
        return Channel(NotificationChannel.NOTIFY, notify, letters=notify,
                       texts=notify if settings.templates.sms is not None else None)


class StatusWatermark:
    """How far back the next read of a council's Notify statuses starts: one item in the council's own table. It only
    moves forward (a conditional write), so a slow run finishing after a newer one cannot move it back."""

    KEY = {"pk": {"S": "NOTIFYSTATUS"}, "sk": {"S": "WATERMARK"}}

    def __init__(self, client: Any, table_name: str) -> None:
        self._client, self._table = client, table_name

    def get(self) -> datetime | None:
        item = self._client.get_item(TableName=self._table, Key=self.KEY, ConsistentRead=True).get("Item")
        return datetime.fromisoformat(item["read_from"]["S"]) if item else None

    def advance(self, read_from: datetime) -> bool:
        """Move it to `read_from` (aware); False when it is there or beyond already."""
        from botocore.exceptions import ClientError

        at = read_from.astimezone(UTC).isoformat()
        try:
            self._client.put_item(TableName=self._table, Item={**self.KEY, "read_from": {"S": at}},
                                  ConditionExpression="attribute_not_exists(pk) OR read_from < :at",
                                  ExpressionAttributeValues={":at": {"S": at}})
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True
