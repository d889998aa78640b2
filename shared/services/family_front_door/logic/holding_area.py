"""What the front-door team's pages show of contacts, built on the service functions (logic/contacts.py): the holding
area (one Query per page of a status, most urgent level first), each contact's response clock and age in business
hours, the levels of need as the council names them, and the outcome email previewed before it is sent.

Business hours are the engine's (shared.core.domain.business_hours): Monday to Friday, 9am to 5pm UK time, less the
bank holidays of the council's nation.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

from shared.core.adapters.case_store import (
    CaseStore,
    InvalidCursor,
    QueueFilter,
    QueueOrder,
)
from shared.core.domain.business_hours import ClockState, business_hours_between
from shared.core.domain.council import CouncilConfig
from shared.core.domain.email import EmailMessage
from shared.resources import Env
from shared.services.family_front_door.domain.case import (
    ContactCase,
    ContactOutcome,
    ContactStage,
    Outcome,
)
from shared.services.family_front_door.domain.notifications import (
    ContactEmail,
    referrer_email,
)
from shared.services.family_front_door.domain.queue_row import ContactQueueRow
from shared.services.family_front_door.domain.response_watch import response_state
from shared.services.family_front_door.domain.settings import (
    NeedLevel,
    front_door_settings,
)
from shared.services.family_front_door.domain.submission import Urgency

# The statuses the holding area lists, in its chooser's order (RECEIVED lasts the moment before the workflow's first
# step: a contact left there, its workflow not started, is still found).
HOLDING_STATUSES = (ContactStage.SCREENING, ContactStage.AWAITING_INFORMATION, ContactStage.ACCEPTED, ContactStage.CLOSED,
                    ContactStage.RECEIVED)
URGENCY_NAMES = {Urgency.TODAY: "Today", Urgency.WITHIN_DAYS: "Within a few days", Urgency.ROUTINE: "Routine"}
# A level whose key names a colour is shown in it; any other takes the colour of its place (most urgent first).
KEY_COLOURS = {"red": "red", "amber": "orange", "orange": "orange", "yellow": "yellow", "green": "green", "blue": "blue"}
PLACE_COLOURS = ("red", "orange", "yellow", "green", "blue", "grey")
# The standard reply of each outcome: what the referrer is told when the officer writes nothing of their own.
STANDARD_REPLIES = {
    ContactOutcome.REFER_TO_CSC: "Thank you for your contact. We have referred it to children's social care, who will "
                                 "decide what enquiries are needed and may contact you for more information.",
    ContactOutcome.EARLY_HELP: "Thank you for your contact. We have referred it to our early help service, who will "
                               "contact the family to offer support and may contact you.",
    ContactOutcome.INFORMATION_AND_ADVICE: "Thank you for your contact. It does not meet the threshold for a referral. "
                                           "We have given information and advice; please keep supporting the family and "
                                           "contact us again if things change.",
    ContactOutcome.NO_FURTHER_ACTION: "Thank you for your contact. We have decided to take no further action. Please "
                                      "contact us again if you have new concerns.",
}


@dataclass(frozen=True)
class LevelView:
    """A level of need as a tag shows it."""

    key: str
    name: str
    colour: str
    response_hours: float


def level_views(council: CouncilConfig) -> dict[str, LevelView]:
    levels = front_door_settings(council).levels
    return {level.key: _view(level, place) for place, level in enumerate(levels)}


def _view(level: NeedLevel, place: int) -> LevelView:
    colour = KEY_COLOURS.get(level.key, PLACE_COLOURS[min(place, len(PLACE_COLOURS) - 1)])
    return LevelView(level.key, level.name, colour, level.response_hours)


def _unknown_level(key: str) -> LevelView:
    """A level the council no longer has (its config changed since): shown by its key, without a target."""
    return LevelView(key, key, "grey", 0)


def hours_text(hours: float) -> str:
    shown = f"{abs(round(hours, 1)):g}"
    return f"{shown} business hour{'' if shown == '1' else 's'}"


@dataclass(frozen=True)
class ResponseClock:
    """How near a contact is to its response target (the level's business hours from receipt)."""

    due_at: datetime
    state: ClockState | None  # None: stopped, the contact has its outcome
    hours_left: float  # business hours; negative once overdue

    @property
    def text(self) -> str:
        if self.state is None:
            return "Clock stopped"
        return f"{hours_text(self.hours_left)} overdue" if self.hours_left < 0 else f"{hours_text(self.hours_left)} left"


def response_clock(contact: ContactCase | ContactQueueRow, council: CouncilConfig, now: datetime) -> ResponseClock:
    due = contact.response_due
    if contact.is_closed:
        return ResponseClock(due, None, 0.0)
    # The same state the response watch alarms on (domain/response_watch.py).
    return ResponseClock(due, response_state(due, council, now), business_hours_between(now, due, council.nation.value))


def age_in_business_hours(received_at: datetime, council: CouncilConfig, until: datetime) -> float:
    return max(business_hours_between(received_at, until, council.nation.value), 0.0)


@dataclass(frozen=True)
class Priority:
    """The submitter's view of urgency (and the level it maps to), and the team's level of need now."""

    urgency: str  # the submitter's words
    requested: LevelView | None  # the level their urgency maps to
    level: LevelView  # the team's (the requested one unless overridden)

    @property
    def overridden(self) -> bool:
        return self.requested is not None and self.requested.key != self.level.key


def priority_of(urgency: Urgency | None, level: str, council: CouncilConfig) -> Priority:
    levels = level_views(council)
    requested = front_door_settings(council).urgency_levels.get(urgency) if urgency else None
    return Priority(URGENCY_NAMES[urgency] if urgency else "Not given", levels.get(requested) if requested else None,
                    levels.get(level) or _unknown_level(level))


@dataclass(frozen=True)
class HoldingRow:
    contact: ContactQueueRow  # the contact's line as the queue index holds it
    clock: ResponseClock
    age_hours: float
    priority: Priority

    @property
    def age_text(self) -> str:
        return hours_text(self.age_hours)


def holding_row(row: ContactQueueRow, council: CouncilConfig, now: datetime) -> HoldingRow:
    return HoldingRow(row, response_clock(row, council, now), age_in_business_hours(row.received_at, council, now),
                      priority_of(row.urgency, row.level, council))


@dataclass(frozen=True)
class HoldingPage:
    status: ContactStage
    rows: list[HoldingRow]
    cursor: str  # the cursor this page was read from ("" for the first page; a stale or edited cursor reads the first)
    next_cursor: str | None


def holding_area(store: CaseStore, council: CouncilConfig, status: ContactStage, level: str | None, now: datetime,
                 limit: int, after: str | None = None) -> HoldingPage:
    """One page of the contacts at `status`, most urgent level first and then oldest (one Query on the stage-by-priority
    index), or of one level of need, oldest first (one Query on the level's own index: its contacts share a priority).
    Queue lines only: no contact is read whole."""
    wanted = (QueueFilter(stage=status, filters={"level": level}) if level
              else QueueFilter(stage=status, order=QueueOrder.PRIORITY))
    try:
        lines, next_cursor = store.queue(wanted, limit=limit, after=after or None)
    except InvalidCursor:  # an old or edited link: the first page
        after = None
        lines, next_cursor = store.queue(wanted, limit=limit)
    return HoldingPage(status, [holding_row(line, council, now) for line in lines if isinstance(line, ContactQueueRow)],
                       after or "", next_cursor)


def outcome_email(case: ContactCase, council: CouncilConfig, outcome: ContactOutcome, reply: str, by: str,
                  now: datetime) -> EmailMessage:
    """The outcome email exactly as the workflow will send it once the outcome is recorded (nothing is saved here)."""
    decided = case.model_copy(update={"outcome": Outcome(outcome=outcome, reply=reply, by=by, at=now)})
    return referrer_email(ContactEmail.OUTCOME, council, decided, os.environ.get(Env.WEB_BASE_URL))
