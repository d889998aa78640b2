"""Sending a person an email about their case, whatever the service composed: the outcome goes into the case's
history, and an email that cannot be sent never blocks the case (the failure is recorded where staff see it)."""

from __future__ import annotations

from datetime import datetime

from shared.core.adapters.case_store import CaseStore
from shared.core.adapters.email import EmailSender, deliver
from shared.core.adapters.metrics import emit
from shared.core.domain.case import AuditEntry, Case
from shared.core.domain.email import EmailMessage
from shared.core.domain.metrics import NOTIFICATIONS

NOTIFIER_ACTOR = "notifications"
# The Notifications metric's `result`, by the history entry: no address means staff write a letter instead.
NOTIFICATION_RESULTS = {"NOTIFICATION_SENT": "SENT", "NOTIFICATION_FAILED": "FAILED", "NOTIFICATION_NOT_SENT": "LETTER_NEEDED"}


def send_and_record(sender: EmailSender, store: CaseStore, case: Case, kind: str, message: EmailMessage | None,
                    why_not_sent: str, at: datetime) -> None:
    """Send `message` (None: the person gave no email address, `why_not_sent` says what to do instead) and add what
    became of it, with the text of an email sent, to the case's history, stamped `at` so that it follows the change
    that caused it."""
    if message is None:
        action, detail = "NOTIFICATION_NOT_SENT", {"kind": str(kind), "reason": why_not_sent}
    else:
        outcome = deliver(sender, message, kind)
        action = "NOTIFICATION_SENT" if outcome.delivered else "NOTIFICATION_FAILED"
        detail = outcome.model_dump(mode="json", exclude={"to"}) | {"subject": message.subject}
        if outcome.delivered:  # the text as sent, so that staff can read what the person was told
            detail["body"] = message.body_text
    store.append_audit(AuditEntry(case_id=case.case_id, at=at, actor=NOTIFIER_ACTOR, action=action, after=detail))
    emit(NOTIFICATIONS, council=case.council_code, scheme=case.service, result=NOTIFICATION_RESULTS[action])
