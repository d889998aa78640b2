"""Tell the applicant what happened on their case (or the council, for a badge it hands over); the outcome goes
into the case's history.

An email that cannot be sent never blocks the case: the failure is recorded where caseworkers see it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from shared.adapters.case_store import CaseStore
from shared.adapters.email import EmailSender, deliver
from shared.domain.case import AuditEntry, Case, utcnow
from shared.domain.council import CouncilRegistry
from shared.domain.notifications import REPLY_LINK_KINDS, NotificationKind, compose

NOTIFIER_ACTOR = "notifications"


class Notifier:
    def __init__(
        self, sender: EmailSender, councils: CouncilRegistry, clock: Callable[[], datetime] = utcnow,
        reply_links: Callable[[Case, datetime], str | None] | None = None,
    ):
        """reply_links issues the applicant's single-use link for the case's current round (shared.service.reply)."""
        self._sender = sender
        self._councils = councils
        self._clock = clock
        self._reply_links = reply_links

    def notify(
        self, store: CaseStore, case: Case, kind: NotificationKind, reply_by: date | None = None, reasons: Iterable[str] = (),
        badge_numbers: Iterable[str] = (), dispatched_on: date | None = None,
    ) -> None:
        # Each request and reminder carries a link of its own (only its hash is kept, so none can be sent again).
        reply_url = self._reply_links(case, self._clock()) if self._reply_links and kind in REPLY_LINK_KINDS else None
        message = compose(kind, self._councils.get(case.council_code), case, reply_by=reply_by, reasons=reasons,
                          badge_numbers=badge_numbers, dispatched_on=dispatched_on, reply_url=reply_url)
        if message is None:
            action, detail = "NOTIFICATION_NOT_SENT", {"kind": kind.value, "reason": "no contact email: write to the applicant by post"}
        else:
            outcome = deliver(self._sender, message, kind)
            action = "NOTIFICATION_SENT" if outcome.delivered else "NOTIFICATION_FAILED"
            detail = outcome.model_dump(mode="json", exclude={"to"}) | {"subject": message.subject}
        # Stamped when sent, so in the history it follows the change that caused it.
        store.append_audit(AuditEntry(case_id=case.case_id, at=self._clock(), actor=NOTIFIER_ACTOR, action=action, after=detail))
