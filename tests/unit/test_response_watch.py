"""The engine's response watch (shared.core.domain.response_watch, shared.core.logic.response_watch) as the services
declare it through their ServiceSpecs: the Family Front Door's contacts counted against the response target of their
level of need, at a frozen moment, exactly as the holding area shows their clocks."""

from __future__ import annotations

from datetime import datetime

import pytest

from shared.core.domain.business_hours import LONDON, ClockState, add_business_hours
from shared.core.domain.council import CouncilConfig, load_councils
from shared.core.domain.response_watch import ResponseCounts, ResponseWatch, count_response_clocks
from shared.services.asc_triage.domain.case import ReferralStage
from shared.services.family_front_door.domain.case import ContactCase, ContactOutcome, ContactStage, Outcome
from shared.services.family_front_door.domain.queue_row import ContactQueueRow
from shared.services.family_front_door.domain.response_watch import FFD_RESPONSE_WATCH
from shared.services.family_front_door.domain.settings import front_door_settings
from shared.services.family_front_door.domain.submission import Submission
from shared.services.family_front_door.logic.holding_area import holding_row
from shared.services.family_front_door.spec import FAMILY_FRONT_DOOR
from shared.services.registry import SERVICES
from tests.unit.test_ffd_forms import complete

COUNCILS = load_councils()
NORTHSHIRE = COUNCILS.get("NORTHSHIRE")  # red 2, amber 6, green 24 business hours; warned 1 business hour before
# June 2026 has no bank holiday in England; London keeps BST. The watch runs on Wednesday 17 June at 15:00.
NOW = datetime(2026, 6, 17, 15, tzinfo=LONDON)


def london(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=LONDON)


def contact(received: datetime, level: str, stage: ContactStage = ContactStage.SCREENING, council: CouncilConfig = NORTHSHIRE,
            **changes) -> ContactCase:
    submission = Submission(submission_id="sub-0000001", council_code=council.code, submitted_at=received,
                            submitter={"user_id": "p1", "email": "p1@school.example", "name": "P One", "agency_id": "school",
                                       "agency_name": "School"}, form=complete())
    hours = front_door_settings(council).level(level).response_hours
    due = add_business_hours(received, hours, council.nation.value)
    case = ContactCase.open(None, submission, level, 50, "family-front-door", due, received)
    return case.model_copy(update={"stage": stage, **changes})


def count(contacts: list[ContactCase], council: CouncilConfig = NORTHSHIRE, now: datetime = NOW) -> ResponseCounts:
    return count_response_clocks([ContactQueueRow.of(case) for case in contacts], FFD_RESPONSE_WATCH, council, now)


RED_ON_TIME = london(17, 14, 30)  # due 16:30: 1.5 business hours left
RED_DUE_SOON = london(17, 13, 30)  # due 15:30: half an hour left, fewer than the 1 warned of
RED_OVERDUE = london(17, 12)  # due 14:00
# Friday 14:30 + 24 business hours (2.5 + 8 + 8 + 5.5) = Wednesday 14:30: overdue, though received days after the red.
GREEN_OVERDUE = london(12, 14, 30)
GREEN_ON_TIME = london(17, 10)


def test_the_service_declares_its_watch_through_its_spec_and_every_watch_its_own_stages():
    assert FAMILY_FRONT_DOOR.response_watch is FFD_RESPONSE_WATCH
    watched = [spec for spec in SERVICES if spec.response_watch is not None]
    assert {spec.key for spec in watched} == {"asc-triage", "family-front-door"}
    for spec in watched:
        assert all(spec.owns(stage) for stage in spec.response_watch.stages), spec.key


def test_contacts_near_and_past_their_levels_target_are_counted_apart():
    contacts = [contact(RED_ON_TIME, "red"), contact(RED_DUE_SOON, "red"), contact(RED_OVERDUE, "red"),
                contact(GREEN_OVERDUE, "green"), contact(GREEN_ON_TIME, "green")]
    assert count(contacts) == ResponseCounts(due_soon=1, overdue=2)


def test_the_warning_starts_exactly_the_councils_warning_hours_before_the_target():
    red = contact(RED_ON_TIME, "red")  # due 16:30
    assert count([red], now=london(17, 15, 30)) == ResponseCounts()  # 1 hour left: not yet
    assert count([red], now=london(17, 15, 30).replace(second=1)) == ResponseCounts(due_soon=1)
    assert count([red], now=london(17, 16, 30)) == ResponseCounts(due_soon=1)  # due now: not yet missed
    assert count([red], now=london(17, 16, 30).replace(second=1)) == ResponseCounts(overdue=1)


def test_the_due_time_on_the_contact_counts_so_an_override_of_the_level_moves_the_clock():
    # Raised from green to red with a reason: the contact is due by red's target from receipt, as the holding area shows.
    raised = contact(GREEN_ON_TIME, "green").model_copy(update={"level": "red", "response_due": london(17, 12)})
    assert count([raised]) == ResponseCounts(overdue=1)


def test_the_clock_runs_while_the_partner_is_asked_and_stops_at_the_outcome():
    waiting = [contact(RED_DUE_SOON, "red", ContactStage.AWAITING_INFORMATION), contact(RED_OVERDUE, "red", ContactStage.RECEIVED)]
    assert count(waiting) == ResponseCounts(due_soon=1, overdue=1)
    outcome = Outcome(outcome=ContactOutcome.EARLY_HELP, reply="Early help.", by="officer", at=NOW)
    closed = [contact(RED_OVERDUE, "red", stage, outcome=outcome) for stage in (ContactStage.ACCEPTED, ContactStage.CLOSED)]
    assert count(closed) == ResponseCounts()


def test_the_watch_alarms_on_the_clock_the_holding_area_shows():
    for received, level in ((RED_ON_TIME, "red"), (RED_DUE_SOON, "red"), (RED_OVERDUE, "red"), (GREEN_OVERDUE, "green")):
        row = ContactQueueRow.of(contact(received, level))
        shown = holding_row(row, NORTHSHIRE, NOW).clock.state
        assert FFD_RESPONSE_WATCH.clock_state(row, NORTHSHIRE, NOW) is shown, (received, level)
    assert {holding_row(ContactQueueRow.of(contact(r, "red")), NORTHSHIRE, NOW).clock.state
            for r in (RED_ON_TIME, RED_DUE_SOON, RED_OVERDUE)} == set(ClockState)


def test_a_council_warned_earlier_counts_more_contacts_due_soon():
    settings = front_door_settings(NORTHSHIRE).model_copy(update={"warn_within_hours": 2})
    earlier = NORTHSHIRE.model_copy(update={"services": {**NORTHSHIRE.services, "family-front-door": settings}})
    contacts = [contact(RED_ON_TIME, "red", council=earlier), contact(RED_DUE_SOON, "red", council=earlier)]
    assert count(contacts, earlier) == ResponseCounts(due_soon=2)
    assert FFD_RESPONSE_WATCH.warn_within_hours(earlier) == 2 and FFD_RESPONSE_WATCH.warn_within_hours(NORTHSHIRE) == 1


@pytest.mark.parametrize(("stages", "message"), [
    ((), "needs the stages"),
    ((ContactStage.SCREENING, ReferralStage.SCREENING), "one service's stages"),
])
def test_a_watch_without_stages_or_across_services_is_refused(stages, message):
    with pytest.raises(ValueError, match=message):
        ResponseWatch(stages=stages, clock_state=lambda row, council, now: ClockState.ON_TIME,
                      warn_within_hours=lambda council: 1, case_noun="case", target="target")
