"""The deadlines and ages that count days count the council's working days (shared.core.domain.working_days): the
information wait, the review window, and the queue's "received more than N working days ago" filter."""

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.core.domain.council import Nation, load_councils
from shared.core.domain.working_days import (
    end_of_day,
    first_day_within,
    working_days_between,
    working_days_later,
    working_hours_between,
)
from shared.services.blue_badge.domain.case import REVIEW_WORKING_DAYS, review_due
from shared.services.blue_badge.logic.queues import received_before
from shared.services.blue_badge.logic.workflow_steps import information_deadline, seconds_until

NORTHSHIRE = load_councils().get("NORTHSHIRE")  # England; information_request_days 20


@pytest.mark.parametrize("nation", ["ENG", "SCO"])
def test_the_age_filter_agrees_with_the_age_the_queue_shows(nation):
    """A case is left out by "more than N working days" exactly when its age (working_days_between) is at most N,
    over six weeks of days around Christmas and the new year (bank holidays that differ between nations)."""
    for offset in range(42):
        today = date(2026, 12, 10) + timedelta(days=offset)
        for days in (0, 1, 3, 20):
            first = first_day_within(today, days, nation)
            for back in range(45):
                received = today - timedelta(days=back)
                assert (working_days_between(received, today, nation) > days) == (received < first), (today, days, received)


def test_the_age_filter_skips_the_christmas_bank_holidays():
    """On Tuesday 29 December 2026, 1 working day back is Thursday 24 December (25 and 28 December are bank holidays):
    a case received on the 24th is 1 working day old, one received on the 23rd is 2."""
    now = datetime(2026, 12, 29, 15, 0, tzinfo=UTC)
    assert received_before(1, NORTHSHIRE, now) == datetime(2026, 12, 24, tzinfo=UTC)  # calendar days would say the 28th
    assert received_before(0, NORTHSHIRE, now) == datetime(2026, 12, 29, tzinfo=UTC)
    saturday = datetime(2027, 1, 2, 9, 0, tzinfo=UTC)  # counts as Thursday 31 December (1 January is a bank holiday)
    assert received_before(2, NORTHSHIRE, saturday) == datetime(2026, 12, 29, tzinfo=UTC)


def test_the_information_wait_is_twenty_working_days_of_the_councils_nation():
    asked = datetime(2026, 12, 21, 10, 30, tzinfo=UTC)
    # 20 working days of England from Monday 21 December 2026: not 25 or 28 December nor 1 January.
    assert information_deadline(NORTHSHIRE, asked) == datetime(2027, 1, 21, 10, 30, tzinfo=UTC)
    # Scotland also keeps 2 January (a Saturday in 2027, so Monday 4 January): one working day later.
    scottish = NORTHSHIRE.model_copy(update={"nation": Nation.SCO})
    assert information_deadline(scottish, asked) == datetime(2027, 1, 22, 10, 30, tzinfo=UTC)
    assert asked + timedelta(days=28) != information_deadline(NORTHSHIRE, asked)


def test_the_review_window_is_twenty_working_days_from_the_refusal():
    assert REVIEW_WORKING_DAYS == 20
    refused = datetime(2026, 12, 16, 14, 0, tzinfo=UTC)
    assert review_due(refused, "ENG") == date(2027, 1, 18)  # 28 calendar days would have closed it on 13 January
    assert working_days_between(refused.date(), review_due(refused, "ENG"), "ENG") == 20
    assert end_of_day(date(2027, 1, 18), UTC) == datetime(2027, 1, 19, tzinfo=UTC)


def test_a_waits_timeout_is_the_seconds_to_its_deadline_and_never_zero():
    now = datetime(2026, 12, 21, 10, 30, tzinfo=UTC)
    assert seconds_until(now + timedelta(days=3, seconds=5), now) == 3 * 86400 + 5
    assert seconds_until(now, now) == 1
    assert seconds_until(now - timedelta(days=9), now) == 1  # a window that closed while no workflow ran: at once
    assert working_days_later(now, 0, "ENG") == now


def test_hours_without_applications_count_working_days_only():
    """What the no-applications alarm watches: the last application on Thursday 24 December 2026 at 16:00, and
    nothing over Christmas (Friday 25 and Monday 28 December are bank holidays in England, with the weekend between)."""
    last = datetime(2026, 12, 24, 16, 0, tzinfo=UTC)
    assert working_hours_between(last, datetime(2026, 12, 28, 23, 0, tzinfo=UTC), "ENG") == 8  # the rest of the 24th only
    assert working_hours_between(last, datetime(2026, 12, 29, 10, 30, tzinfo=UTC), "ENG") == 18.5
    assert working_hours_between(last, datetime(2026, 12, 30, 0, 0, tzinfo=UTC), "ENG") == 32  # past one working day: alarm
    assert working_hours_between(last, last, "ENG") == 0 and working_hours_between(last, last - timedelta(hours=1), "ENG") == 0
    # Scotland's 2 January holiday falls on a Saturday in 2027, so Monday 4 January is its holiday instead: not England's.
    saturday = datetime(2027, 1, 2, 12, 0, tzinfo=UTC)
    monday_night = datetime(2027, 1, 5, 0, 0, tzinfo=UTC)
    assert (working_hours_between(saturday, monday_night, "ENG"), working_hours_between(saturday, monday_night, "SCO")) == (24, 0)


def _entered_from(states: dict, target: str) -> set[str]:
    """The states whose Next, Default, Choices or Catch lead to `target`."""
    return {name for name, state in states.items()
            if target in [state.get("Next"), state.get("Default"), *(branch["Next"] for branch in state.get("Choices", []) + state.get("Catch", []))]}


@pytest.mark.parametrize("workflow", ["blue-badge-application", "blue-badge-replacement"])
def test_each_timed_wait_is_entered_only_through_the_step_that_sets_it_from_the_calendar(workflow):
    import json
    from pathlib import Path

    text = Path(f"statemachines/{workflow}.asl.json").read_text()
    states = json.loads(text)["States"]
    assert "information_timeout_seconds" not in text and "review_window_seconds" not in text  # no fixed spans from the input
    for deadline, wait, action, result in (("InformationDeadline", "RequestInformation", "information_deadline", "$.information_wait"),
                                           ("ReviewDeadline", "Refused", "review_deadline", "$.review_window")):
        assert _entered_from(states, wait) == {deadline}, wait
        assert states[deadline]["Parameters"]["Payload"]["action"] == action and states[deadline]["ResultPath"] == result
        assert states[wait]["TimeoutSecondsPath"] == f"{result}.seconds"
    assert states["RequestInformation"]["Parameters"]["Payload"]["due.$"] == "$.information_wait.due"
    # A restarted workflow of a refused case goes through the step too (what is left of the window).
    assert {"ReviewDeadline"} <= {branch["Next"] for branch in states["ResumeAt"]["Choices"]}


@pytest.mark.parametrize("stage", ["DECISION", "REFUSED"])
def test_a_refused_case_restarts_at_the_step_that_sets_what_is_left_of_its_review_window(stage):
    from shared.services.blue_badge.domain.application import Application
    from shared.services.blue_badge.domain.case import BadgeCase, Decision, DecisionOutcome, Stage
    from shared.services.blue_badge.logic.recovery import resume_at
    from tests.factories import complete_application

    refused_at = datetime(2026, 12, 16, 14, 0, tzinfo=UTC)
    case = BadgeCase.open(Application.model_validate(complete_application()), [], refused_at).model_copy(update={
        "stage": Stage(stage), "decision": Decision(outcome=DecisionOutcome.REFUSE, reasons=["No award."], by="x@y.example", at=refused_at)})
    assert resume_at(case, NORTHSHIRE) == "ReviewDeadline"
