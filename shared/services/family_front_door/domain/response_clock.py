"""The response clock of a contact, as its case and the holding area's queue show it: the response target of its level
of need, in business hours from receipt (ContactCase.response_due), warning when fewer than the council's warning
hours are left. The clock runs while the team or the partner owes a step (the partner's answer does not stop it)."""

from __future__ import annotations

from datetime import datetime

from shared.core.domain.business_hours import ClockState, RoutingClock
from shared.core.domain.council import CouncilConfig
from shared.services.family_front_door.domain.case import OPEN_STAGES, ContactCase
from shared.services.family_front_door.domain.queue_row import ContactQueueRow
from shared.services.family_front_door.domain.settings import front_door_settings


def response_clock(contact: ContactCase | ContactQueueRow, council: CouncilConfig) -> RoutingClock:
    settings = front_door_settings(council)
    level = settings.level(contact.level)
    hours = level.response_hours if level is not None else settings.levels[-1].response_hours
    return RoutingClock(received_at=contact.received_at, nation=council.nation.value, target_hours=hours,
                        warn_within_hours=settings.warn_within_hours)


def clock_state(contact: ContactCase | ContactQueueRow, council: CouncilConfig, now: datetime) -> ClockState | None:
    """ON_TIME, DUE_SOON or OVERDUE for an open contact; None once it has its outcome."""
    return response_clock(contact, council).state(now) if contact.stage in OPEN_STAGES else None
