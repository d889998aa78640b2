"""Sending a person an email about their case, whatever the service composed: the outcome goes into the case's
history, and an email that cannot be sent never blocks the case (the failure is recorded where staff see it).

A service composes an email, or, for a person without an email address, the same text as a Letter (or a TextMessage);
the council's channel (shared/core/adapters/notify.py: SES, or GOV.UK Notify) sends what it can. A letter an SES
council cannot send is recorded, with its text, for staff to post (LETTER_NEEDED)."""

from __future__ import annotations

from datetime import datetime

from shared.core.adapters.case_store import CaseStore
from shared.core.adapters.email import EmailSender, deliver
from shared.core.adapters.notify import Channel, CouncilChannels
from shared.core.adapters.metrics import emit
from shared.core.domain.case import AuditEntry, Case
from shared.core.domain.email import EmailMessage
from shared.core.domain.metrics import NOTIFICATIONS
from shared.core.domain.notify import Letter, NotificationChannel, TextMessage, notification_reference

NOTIFIER_ACTOR = "notifications"
# The Notifications metric's `result`, by the history entry: no address means staff write a letter instead.
NOTIFICATION_RESULTS = {"NOTIFICATION_SENT": "SENT", "NOTIFICATION_FAILED": "FAILED", "NOTIFICATION_NOT_SENT": "LETTER_NEEDED"}
# A letter or text message sent is counted apart from an email sent.
SENT_RESULTS = {"email": "SENT", "letter": "LETTER_SENT", "text": "TEXT_SENT"}
MEDIUM = {EmailMessage: "email", Letter: "letter", TextMessage: "text"}
LETTER_TO_POST = "this council does not send letters itself (SES email only): print this letter and post it to the address on the case"


def send_and_record(sender: EmailSender | CouncilChannels, store: CaseStore, case: Case, kind: str,
                    message: EmailMessage | Letter | TextMessage | None, why_not_sent: str, at: datetime) -> None:
    """Send `message` through the council's channel (a bare EmailSender: email only) and add what became of it, with the
    text sent, to the case's history, stamped `at` so that it follows the change that caused it. None (the person gave
    no way to write to them), or a text message the channel cannot send: `why_not_sent` says what to do instead; a
    letter it cannot send is kept in the history for staff to post."""
    channel = sender.channel_for(case.council_code) if isinstance(sender, CouncilChannels) \
        else Channel(NotificationChannel.SES, sender)
    medium = MEDIUM[type(message)] if message is not None else None
    carrier = {"email": channel.email, "letter": channel.letters, "text": channel.texts}.get(medium)
    if message is None or carrier is None:
        action, result = "NOTIFICATION_NOT_SENT", NOTIFICATION_RESULTS["NOTIFICATION_NOT_SENT"]
        detail = {"kind": str(kind), "reason": why_not_sent}
        if isinstance(message, Letter):  # its text, for staff to print
            detail |= {"reason": LETTER_TO_POST, "channel": medium, "subject": message.subject, "body": message.body_text}
    else:
        message = message.model_copy(update={"reference": notification_reference(case.case_id, str(kind))})  # never personal data
        outcome = deliver(carrier, message, kind)
        action = "NOTIFICATION_SENT" if outcome.delivered else "NOTIFICATION_FAILED"
        result = SENT_RESULTS[medium] if outcome.delivered else NOTIFICATION_RESULTS[action]
        detail = outcome.model_dump(mode="json", exclude={"to"}) | {"subject": getattr(message, "subject", None)}
        if medium != "email" or channel.provider is not NotificationChannel.SES:
            detail |= {"channel": medium, "provider": channel.provider.value}
        if outcome.delivered:  # the text as sent, so that staff can read what the person was told
            detail["body"] = message.body_text
    store.append_audit(AuditEntry(case_id=case.case_id, at=at, actor=NOTIFIER_ACTOR, action=action, after=detail))
    emit(NOTIFICATIONS, council=case.council_code, scheme=case.service, result=result)
