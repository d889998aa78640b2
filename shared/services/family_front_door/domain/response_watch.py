"""A contact's response clock, as the holding area shows it and the engine's response watch reads it
(shared.core.domain.response_watch): open while the team or the partner owes a step (the partner's answer does not stop
it), due by the response target of its level of need (ContactCase.response_due, set at receipt and again when the team
overrides the level), due soon when fewer than the council's warning hours are left."""

from __future__ import annotations

from datetime import datetime

from shared.core.domain.business_hours import ClockState, business_hours_between
from shared.core.domain.council import CouncilConfig
from shared.core.domain.response_watch import ResponseWatch
from shared.services.family_front_door.domain.case import OPEN_STAGES
from shared.services.family_front_door.domain.settings import front_door_settings


def response_state(due: datetime, council: CouncilConfig, now: datetime) -> ClockState:
    """ON_TIME, DUE_SOON or OVERDUE at `now` for an open contact due by `due`."""
    if now > due:
        return ClockState.OVERDUE
    left = business_hours_between(now, due, council.nation.value)
    return ClockState.DUE_SOON if left < front_door_settings(council).warn_within_hours else ClockState.ON_TIME


FFD_RESPONSE_WATCH = ResponseWatch(
    stages=OPEN_STAGES,
    clock_state=lambda row, council, now: response_state(row.response_due, council, now),
    warn_within_hours=lambda council: front_door_settings(council).warn_within_hours,
    case_noun="contact",
    target="level of need's response target",
)
