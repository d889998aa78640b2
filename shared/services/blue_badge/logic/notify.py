"""Tell the Blue Badge applicant what happened on their case (or the council, for a badge it hands over), through the
core's send_and_record."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from shared.core.adapters.case_store import CaseStore
from shared.core.adapters.email import EmailSender
from shared.core.adapters.notify import CouncilChannels
from shared.core.domain.case import Case, utcnow
from shared.core.logic.emails import send_and_record
from shared.core.domain.council import CouncilRegistry
from shared.services.blue_badge.domain.notifications import REPLY_LINK_KINDS, NotificationKind, compose

class Notifier:
    def __init__(
        self, sender: EmailSender | CouncilChannels, councils: CouncilRegistry, clock: Callable[[], datetime] = utcnow,
        reply_links: Callable[[Case, datetime], str | None] | None = None,
    ):
        """reply_links issues the applicant's single-use link for the case's current round (shared.services.blue_badge.logic.reply)."""
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
        send_and_record(self._sender, store, case, kind, message,
                        "no contact email and no postal address we can write to: phone the applicant", self._clock())
