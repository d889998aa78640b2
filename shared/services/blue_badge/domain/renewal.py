"""Renewal reminders (domain notes, Decisions and badge rules: "councils write to holders before expiry (commonly about
12 weeks ahead)"): each ISSUED badge's holder is reminded once, when the badge has 12 weeks or less to run, of when it
expires and how to renew. Also the window in which a renewal may be ordered (badge.RENEWAL_WINDOW), so the reminder
comes when a renewal can be made.

Pure: which badges are due, the badge as reminded, and the reminders a run sends (one per case and expiry date, so
an organisation hears once about the badges of one order, not once a badge).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from shared.services.blue_badge.domain.badge import RENEWAL_WINDOW, Badge, BadgeStatus

RENEWAL_REMINDER_ACTION = "RENEWAL_REMINDER_SENT"


def reminder_window(today: date) -> tuple[date, date]:
    """The expiry dates reminded on `today`: from today (a badge is valid to the end of its expiry date) to 12 weeks on."""
    return today, today + RENEWAL_WINDOW


def due_for_reminder(badge: Badge, today: date) -> bool:
    """An ISSUED badge, not yet reminded, expiring within the reminder window."""
    first, last = reminder_window(today)
    return badge.status is BadgeStatus.ISSUED and badge.renewal_reminded_at is None and first <= badge.expiry_date <= last


def reminded(badge: Badge, now: datetime) -> Badge:
    """The badge as reminded: it leaves the renewal queue, so no later run reminds it again."""
    return badge.model_copy(update={"renewal_reminded_at": now, "updated_at": now, "version": badge.version + 1})


@dataclass(frozen=True)
class RenewalReminder:
    """One reminder: the badges of one case that expire on one day."""

    case_id: str
    expiry_date: date
    badges: tuple[Badge, ...]

    @property
    def badge_numbers(self) -> list[str]:
        return [badge.badge_number for badge in self.badges]


def reminders_due(badges: Iterable[Badge], today: date) -> list[RenewalReminder]:
    """The reminders to send for `badges` (those due only), soonest expiry first."""
    grouped: dict[tuple[str, date], list[Badge]] = {}
    for badge in badges:
        if due_for_reminder(badge, today):
            grouped.setdefault((badge.case_id, badge.expiry_date), []).append(badge)
    return [RenewalReminder(case_id, expiry, tuple(sorted(group, key=lambda badge: badge.badge_number)))
            for (case_id, expiry), group in sorted(grouped.items(), key=lambda item: (item[0][1], item[0][0]))]
