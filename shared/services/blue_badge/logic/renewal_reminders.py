"""Remind badge holders, once a badge, to renew before it expires (domain/renewal.py: 12 weeks ahead).

Run daily for each council (functions/renewal_reminders). The badges due are one key range of the council's renewal queue
(BadgeStore.renewals_due: a Query, never a Scan). Each reminder is recorded on its badges first, conditionally and
audited, and only then sent through the council's channel (an email, or a letter where there is no email address): a
run that overlaps another, or a retried run, finds the badges changed and reminds nobody twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from shared.core.adapters.case_store import StaleVersion
from shared.core.adapters.email import EmailSender
from shared.core.adapters.notify import CouncilChannels
from shared.core.domain.case import AuditEntry
from shared.core.domain.council import CouncilConfig
from shared.core.logic.emails import send_and_record
from shared.services.blue_badge.adapters.badge_store import BadgeStore
from shared.services.blue_badge.domain.notifications import NotificationKind, compose
from shared.services.blue_badge.domain.renewal import (
    RENEWAL_REMINDER_ACTION, RenewalReminder, reminded, reminder_window, reminders_due,
)

logger = logging.getLogger(__name__)

RENEWAL_REMINDER_ACTOR = "renewal-reminders"
# Badges marked in one transaction with their audit entry (DynamoDB takes at most 100 items): an organisation's order
# of up to 999 badges is marked in several.
BADGES_PER_TRANSACTION = 50
NOT_SENT = "no contact email and no postal address we can write to: phone the holder about renewing"


def send_renewal_reminders(store: BadgeStore, sender: EmailSender | CouncilChannels, council: CouncilConfig, now: datetime) -> list[str]:
    """Remind the holders of the council's ISSUED badges that expire within the reminder window and were not reminded
    yet; returns the numbers of the badges reminded."""
    today = now.date()
    sent: list[str] = []
    for reminder in reminders_due(store.renewals_due(*reminder_window(today)), today):
        marked = _mark(store, reminder, now)
        if not marked:
            continue
        case = store.get(reminder.case_id)
        if case is None:  # erased since the Query: its badges went with it
            continue
        message = compose(NotificationKind.RENEWAL_REMINDER, council, case, badge_numbers=marked, expires_on=reminder.expiry_date)
        send_and_record(sender, store, case, NotificationKind.RENEWAL_REMINDER, message, NOT_SENT, now)
        sent += marked
    return sent


def _mark(store: BadgeStore, reminder: RenewalReminder, now: datetime) -> list[str]:
    """Record the reminder on its badges (each on condition of the version read), audited on their case; the numbers of
    those marked. A part someone changed meanwhile (cancelled, replaced, or another run's) is left for the next run."""
    marked: list[str] = []
    for start in range(0, len(reminder.badges), BADGES_PER_TRANSACTION):
        part = reminder.badges[start:start + BADGES_PER_TRANSACTION]
        numbers = [badge.badge_number for badge in part]
        audit = AuditEntry(case_id=reminder.case_id, at=now, actor=RENEWAL_REMINDER_ACTOR, action=RENEWAL_REMINDER_ACTION,
                           after={"badge_numbers": numbers, "expiry_date": reminder.expiry_date.isoformat()})
        try:
            store.save_badges([(reminded(badge, now), badge.version) for badge in part], [audit])
        except StaleVersion:
            logger.warning("badges %s of case %s changed while reminding; skipped", ", ".join(numbers), reminder.case_id)
            continue
        marked += numbers
    return marked
