"""One reminder email, some days before the deadline for missing information lapses.

Run daily for each council (functions/reminders). The reminder is recorded on the case before the email
goes: a run that overlaps another, or a retried run, finds the case changed and emails nobody twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from shared.core.adapters.case_store import CaseStore, StaleVersion
from shared.core.domain.case import AuditEntry
from shared.services.blue_badge.domain.case import Stage
from shared.core.domain.council import CouncilConfig
from shared.core.domain.working_days import add_working_days
from shared.services.blue_badge.domain.notifications import NotificationKind
from shared.services.blue_badge.logic.notify import Notifier

logger = logging.getLogger(__name__)

REMINDER_ACTOR = "reminders"
PAGE_SIZE = 100


def reminder_window_opens(due: datetime, council: CouncilConfig) -> datetime:
    """When the reminder may go: the council's reminder days before the due time, counted in working days of its nation."""
    return datetime.combine(add_working_days(due.date(), -council.information_reminder_days, council.nation), due.timetz())


def send_information_reminders(store: CaseStore, notifier: Notifier, council: CouncilConfig, now: datetime) -> list[str]:
    """Remind each applicant whose information is due within the council's reminder window and who has
    not been reminded in this round; returns the ids of the cases reminded."""
    reminded: list[str] = []
    cursor: str | None = None
    while True:
        # The stage queue (a Query on its index), never a Scan of the table.
        cases, cursor = store.by_stage(Stage.AWAITING_INFORMATION, limit=PAGE_SIZE, after=cursor)
        for case in cases:
            due = case.information_due
            if due is None or case.reminder_sent_at is not None or not (reminder_window_opens(due, council) <= now < due):
                continue
            updated = case.changed(now, reminder_sent_at=now)
            audit = AuditEntry(case_id=case.case_id, at=now, actor=REMINDER_ACTOR, action="REMINDER_SENT", after={"due": due.isoformat()})
            try:
                store.save(updated, expected_version=case.version, audit=audit)
            except StaleVersion:
                # Changed since the queue was read (information arrived, or another run reminded it): the
                # next run looks again.
                logger.warning("case %s changed while reminding; skipped", case.case_id)
                continue
            notifier.notify(store, updated, NotificationKind.INFORMATION_REMINDER, reply_by=due.date())
            reminded.append(case.case_id)
        if cursor is None:
            return reminded
