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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from shared.core.adapters.email import EmailSender, ProviderError
from shared.core.domain.email import EmailMessage
from shared.core.domain.notify import Letter, NotificationChannel, NotifySettings, TextMessage, letter_personalisation

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
        templates = self._settings.templates
        try:
            client = self._client()
            if isinstance(message, Letter):
                response = client.send_letter_notification(
                    template_id=str(templates.letter), personalisation=letter_personalisation(message), reference=message.reference)
            elif isinstance(message, TextMessage):
                if templates.sms is None:
                    raise ProviderError("NotifyNoTextTemplate", "the council has no Notify text message template", transient=False)
                response = client.send_sms_notification(
                    phone_number=message.to, template_id=str(templates.sms), personalisation={"body": message.body_text},
                    reference=message.reference, sms_sender_id=_optional(self._settings.sms_sender_id))
            else:
                response = client.send_email_notification(
                    email_address=message.to, template_id=str(templates.email),
                    personalisation={"subject": message.subject, "body": message.body_text},
                    reference=message.reference, email_reply_to_id=_optional(self._settings.email_reply_to_id))
        except ProviderError:
            raise
        except Exception as error:  # noqa: BLE001 - the client raises its own types, requests' and ValueError
            raise notify_error(error) from error
        return str(response["id"])

    def _client(self) -> Any:
        parts = urlsplit(self._base_url)
        if parts.scheme != "https" and not (self._allow_loopback_http and parts.scheme == "http" and _loopback(parts.hostname)):
            raise ProviderError("NotifyInsecureUrl", f"the Notify API must be reached over https ({self._base_url})", transient=False)
        factory = self._client_factory
        if factory is None:
            from notifications_python_client.notifications import NotificationsAPIClient  # only Notify councils' functions load it

            factory = NotificationsAPIClient
        return factory(self._api_key(), base_url=self._base_url, timeout=NOTIFY_TIMEOUT_SECONDS)


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

    def channel_for(self, council_code: str) -> Channel:
        settings = self._notify_councils().get(council_code)
        if settings is None:
            return Channel(NotificationChannel.SES, self._ses)
        notify = NotifySender(settings, lambda: self._api_key(council_code), allow_loopback_http=self._allow_loopback_http(),
                              client_factory=self._client_factory)
        return Channel(NotificationChannel.NOTIFY, notify, letters=notify,
                       texts=notify if settings.templates.sms is not None else None)
