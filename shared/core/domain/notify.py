"""GOV.UK Notify as a council's channel to people (email, text message and letter), and what goes to it. Pure domain:
no AWS and no HTTP here (the adapter is shared/core/adapters/notify.py).

A council chooses its channel in council config, `notifications.channel`: SES (the default, email only: a person
without an email address is written to by staff) or NOTIFY. A Notify council names, in `notifications.notify`, the
ids of three templates it made in its own Notify service, each of which only places what we send:
- email: subject `((subject))`, message `((body))`;
- letter: heading `((subject))`, content `((body))` (Notify prints the address block from address_line_1..7);
- text message (optional): `((body))`.
It may also give a kind of notification (RECEIVED, DECISION_REFUSED, ...) templates of its own, by medium
(`templates.by_kind`); they place the same personalisation, and a kind or medium without one uses the generic template.
The wording stays ours (each service's catalogue and the council's own wording in its settings), so it is the same on
every channel and in the case's history. The council's Notify API key is in Secrets Manager under
`casework/notify/<council>` (shared.resources.notify_secret_name).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from enum import StrEnum
from datetime import datetime
from typing import ClassVar
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, HttpUrl, model_validator

from shared.core.domain.formats import is_valid_postcode, normalise_postcode
from shared.core.domain.records import CaseRecord

NOTIFY_API_URL = "https://api.notifications.service.gov.uk"
# Notify prints at most 7 address lines and needs at least 3, the last a UK postcode (or a country, for abroad: we
# write only to UK addresses).
LETTER_ADDRESS_MIN_LINES = 3
LETTER_ADDRESS_MAX_LINES = 7
# Notify refuses an address line that starts with one of these (its letter validation).
_REFUSED_LINE_START = re.compile(r"^[@()=\[\]\"“”\\/,<>\s]+")


class NotificationChannel(StrEnum):
    SES = "SES"  # emails through Amazon SES from the council's verified address; no letters (staff write them)
    NOTIFY = "NOTIFY"  # emails, text messages and letters through GOV.UK Notify, from the council's own Notify service


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Medium(StrEnum):
    """What Notify sends: its template types, and the notification types it reports."""

    EMAIL = "email"
    LETTER = "letter"
    SMS = "sms"


class KindTemplates(_Strict):
    """One notification kind's own templates, by medium; a medium not given uses the council's generic template. Each
    places the same personalisation as the generic one (((subject)), ((body)), and a letter's address lines), and may
    add its own fixed wording, layout or logo around them."""

    email: UUID | None = None
    letter: UUID | None = None
    sms: UUID | None = None

    @model_validator(mode="after")
    def names_a_template(self) -> KindTemplates:
        if self.email is None and self.letter is None and self.sms is None:
            raise ValueError("give at least one of email, letter and sms (a kind without its own templates needs no entry)")
        return self


class NotifyTemplates(_Strict):
    """The council's template ids in its Notify service (Templates > the template > "Template ID")."""

    email: UUID = Field(description="Email template: subject ((subject)), message ((body))")
    letter: UUID = Field(description="Letter template: heading ((subject)), content ((body))")
    sms: UUID | None = Field(default=None, description="Text message template: ((body)); none: no text messages")
    by_kind: dict[str, KindTemplates] = Field(
        default_factory=dict,
        description="A notification kind's own templates (e.g. DECISION_REFUSED: {letter: <id>}), by medium; the generic "
                    "template above where a kind or medium has none. Kinds are checked against the council's services "
                    "when the councils are loaded")

    def for_kind(self, medium: Medium, kind: str | None) -> UUID | None:
        """The template a notification of `kind` goes out on: the kind's own for the medium, else the generic one
        (None: a text message, and the council has no text template)."""
        own = self.by_kind.get(kind) if kind is not None else None
        chosen = getattr(own, medium.value) if own is not None else None
        return chosen if chosen is not None else getattr(self, medium.value)

    def unknown_kinds(self, known: Iterable[str]) -> list[tuple[str, str]]:
        """(field, problem) for each by_kind entry naming a kind none of the council's services sends."""
        names = sorted(known)
        return [(f"notifications.notify.templates.by_kind.{kind}",
                 f"no such notification kind (the council's services send {', '.join(names)})")
                for kind in self.by_kind if kind not in names]


class NotifySettings(_Strict):
    """A council's Notify service as our adapter uses it."""

    templates: NotifyTemplates
    email_reply_to_id: UUID | None = Field(
        default=None, description="The reply-to address id (Settings > Reply-to email addresses); none: the service's default")
    sms_sender_id: UUID | None = Field(default=None, description="The text message sender id; none: the service's default")
    base_url: HttpUrl = Field(default=HttpUrl(NOTIFY_API_URL), description="The Notify API (only the local stand-in differs)")


class NotificationSettings(_Strict):
    """Council config `notifications`: how the council reaches people about their cases."""

    channel: NotificationChannel = NotificationChannel.SES
    notify: NotifySettings | None = None

    @model_validator(mode="after")
    def notify_needs_its_settings(self) -> NotificationSettings:
        if self.channel is NotificationChannel.NOTIFY and self.notify is None:
            raise ValueError("channel NOTIFY needs `notify` (its template ids, and optionally its reply-to id)")
        return self


def notify_councils_from_json(text: str) -> dict[str, NotifySettings]:
    """Env.NOTIFY_COUNCILS (council code -> NotifySettings, the councils whose channel is NOTIFY); empty: none."""
    if not text.strip():
        return {}
    raw = json.loads(text)
    if not isinstance(raw, dict):
        raise ValueError("NOTIFY_COUNCILS must be a JSON object of council code -> Notify settings")
    return {code: NotifySettings.model_validate(settings) for code, settings in raw.items()}


REFERENCE_SEPARATOR = "/"


def notification_reference(case_id: str, kind: str) -> str:
    """Our reference on a notification to Notify: the case and the kind (never personal data), so that its status, read
    back from Notify, finds its case; and the adapter picks the kind's own template by it."""
    return f"{case_id}{REFERENCE_SEPARATOR}{kind}"


def reference_parts(reference: str | None) -> tuple[str, str] | None:
    """(case id, kind) of a reference notification_reference made; None for any other (a hub booking's, or none)."""
    case_id, separator, kind = (reference or "").partition(REFERENCE_SEPARATOR)
    return (case_id, kind) if separator and case_id and kind and REFERENCE_SEPARATOR not in kind else None


class LetterAddress(_Strict):
    """Who a letter goes to and where: the name, the lines of the address (street, locality, town) and the postcode."""

    name: str = Field(min_length=1)
    lines: tuple[str, ...]
    postcode: str

    def __str__(self) -> str:
        return f"{self.name}, {self.postcode}"  # what an outcome names: never the whole address in a log


class Letter(_Strict):
    """A letter, with the same subject and text as the email it stands in for."""

    address: LetterAddress
    subject: str
    body_text: str
    reference: str | None = None  # ours for Notify: the case and kind, never personal data

    @property
    def to(self) -> str:
        return str(self.address)


class TextMessage(_Strict):
    to: str = Field(description="A UK mobile number")
    body_text: str
    reference: str | None = None


class LetterAddressError(ValueError):
    """An address Notify would refuse for a letter; the message says which rule."""


def letter_address_personalisation(address: LetterAddress) -> dict[str, str]:
    """Notify's address_line_1..7 for a letter: the name first, then each non-blank line of the address, then the
    postcode (normalised, last, as Notify requires). Lines that would start with a character Notify refuses have it
    dropped. LetterAddressError when the postcode is not a UK postcode, or the address has fewer than 3 or more than 7
    lines in all."""
    if not is_valid_postcode(address.postcode):
        raise LetterAddressError(f"{address.postcode!r} is not a UK postcode: Notify needs one as the last address line")
    lines = [_tidy_line(line) for line in (address.name, *address.lines)]
    lines = [line for line in lines if line] + [normalise_postcode(address.postcode)]
    if len(lines) < LETTER_ADDRESS_MIN_LINES:
        raise LetterAddressError(f"a letter address needs at least {LETTER_ADDRESS_MIN_LINES} lines (a name, a line of "
                                 f"the address and the postcode); this one has {len(lines)}")
    if len(lines) > LETTER_ADDRESS_MAX_LINES:
        raise LetterAddressError(f"a letter address has at most {LETTER_ADDRESS_MAX_LINES} lines; this one has {len(lines)}")
    return {f"address_line_{number}": line for number, line in enumerate(lines, start=1)}


def _tidy_line(line: str | None) -> str:
    return _REFUSED_LINE_START.sub("", " ".join((line or "").split()))


def letter_personalisation(letter: Letter) -> dict[str, str]:
    """Everything a Notify letter template needs: the address lines, ((subject)) and ((body))."""
    return letter_address_personalisation(letter.address) | {"subject": letter.subject, "body": letter.body_text}


# ---------------------------------------------------------------- what became of a notification (read back from Notify)
class DeliveryOutcome(StrEnum):
    DELIVERED = "DELIVERED"  # an email or text delivered, a letter at the printer
    FAILED = "FAILED"  # it never reached the person: staff write another way


# Notify's final statuses (its API's; a letter is "received" once its printer has it). Any other is still under way.
DELIVERED_STATUSES = frozenset({"delivered", "sent", "received"})
FAILED_STATUSES = frozenset({"permanent-failure", "temporary-failure", "technical-failure", "validation-failed",
                             "virus-scan-failed", "returned-letter", "cancelled"})
# Notify keeps a notification this long (its default data retention): nothing older can be read back.
NOTIFY_RETENTION_DAYS = 7


def delivery_outcome(status: str) -> DeliveryOutcome | None:
    """DELIVERED or FAILED for a final status; None while Notify is still sending."""
    if status in DELIVERED_STATUSES:
        return DeliveryOutcome.DELIVERED
    if status in FAILED_STATUSES:
        return DeliveryOutcome.FAILED
    return None


class NotificationReport(BaseModel):
    """One notification as GET /v2/notifications lists it (the fields we read; Notify sends more)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    reference: str | None = None
    type: Medium
    status: str
    created_at: AwareDatetime
    completed_at: AwareDatetime | None = None

    @property
    def outcome(self) -> DeliveryOutcome | None:
        return delivery_outcome(self.status)


class NotificationStatus(CaseRecord):
    """A notification's final status as Notify reported it, kept on its case's partition (one per notification)."""

    KIND: ClassVar[str] = "NOTIFYSTATUS"

    case_id: str
    version: int = Field(default=1, ge=1)
    notification_id: str
    kind: str = Field(description="What it was about, e.g. DECISION_REFUSED")
    medium: Medium
    status: str
    completed_at: datetime | None = None
    read_at: datetime

    @property
    def record_id(self) -> str:
        return self.notification_id

    def queue_position(self) -> tuple[str, str] | None:
        return None  # in no queue: a failure puts its case on the needing-attention list instead
