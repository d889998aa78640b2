"""The 24-business-hour routing clock: weekends, opening hours, clock changes and each nation's bank holidays."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from shared.core.domain.council import Nation
from shared.services.asc_triage.domain.business_hours import (
    LONDON,
    ClockState,
    RoutingClock,
    add_business_hours,
    business_hours_between,
    is_bank_holiday,
    is_business_day,
)


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.mark.parametrize("start, due", [
    (london(2026, 6, 8, 10), london(2026, 6, 11, 10)),  # Monday 10:00: 7 + 8 + 8 + 1 hours
    (london(2026, 6, 12, 16), london(2026, 6, 17, 16)),  # Friday 16:00: over the weekend
    (london(2026, 6, 8, 7, 30), london(2026, 6, 10, 17)),  # before opening: counts from 09:00, due at Wednesday's close
    (london(2026, 6, 8, 18), london(2026, 6, 11, 17)),  # after closing: counts from Tuesday 09:00
    (london(2026, 6, 13, 11), london(2026, 6, 17, 17)),  # Saturday: counts from Monday 09:00
])
def test_twenty_four_business_hours(start, due):
    assert add_business_hours(start, 24, "ENG") == due


def test_answers_in_utc_whatever_zone_the_start_is_in():
    due = add_business_hours(datetime(2026, 6, 8, 9, tzinfo=timezone(timedelta(hours=-5))), 1, "ENG")  # 15:00 in London
    assert due.tzinfo is UTC and due == london(2026, 6, 8, 16)


def test_zero_hours_outside_hours_is_the_next_opening_and_inside_is_the_start():
    assert add_business_hours(london(2026, 6, 8, 17), 0, "ENG") == london(2026, 6, 9, 9)
    assert add_business_hours(london(2026, 6, 8, 12), 0, "ENG") == london(2026, 6, 8, 12)


def test_fractions_of_an_hour():
    assert add_business_hours(london(2026, 6, 8, 16, 45), 0.5, "ENG") == london(2026, 6, 9, 9, 15)


def test_clocks_going_forward_keep_business_hours_on_london_time():
    # Friday 27 March 2026 15:00 GMT; British Summer Time starts on Sunday 29 March.
    due = add_business_hours(datetime(2026, 3, 27, 15, tzinfo=UTC), 24, "ENG")
    assert due == datetime(2026, 4, 1, 14, tzinfo=UTC)  # Wednesday 15:00 BST: 2 + 8 + 8 + 6 hours


def test_clocks_going_back_keep_business_hours_on_london_time():
    # Friday 23 October 2026 15:00 BST; clocks go back on Sunday 25 October.
    due = add_business_hours(datetime(2026, 10, 23, 14, tzinfo=UTC), 24, "ENG")
    assert due == datetime(2026, 10, 28, 15, tzinfo=UTC)  # Wednesday 15:00 GMT


def test_christmas_and_new_year_in_england():
    # Christmas Day is a Friday; Boxing Day, a Saturday, is made up on Monday 28 December.
    assert add_business_hours(london(2026, 12, 24, 10), 24, "ENG") == london(2026, 12, 31, 10)
    assert add_business_hours(london(2026, 12, 31, 10), 24, "ENG") == london(2027, 1, 6, 10)


def test_scotland_keeps_the_second_of_january():
    # 2 January 2027 is a Saturday: Scotland makes it up on Monday 4 January, England does not.
    assert add_business_hours(london(2026, 12, 31, 16), 8, "ENG") == london(2027, 1, 4, 16)
    assert add_business_hours(london(2026, 12, 31, 16), 8, "SCO") == london(2027, 1, 5, 16)


def test_easter_monday_is_a_holiday_in_england_not_in_scotland():
    # Good Friday 3 April 2026 is a holiday in both; Easter Monday 6 April only south of the border.
    assert add_business_hours(london(2026, 4, 2, 10), 24, "ENG") == london(2026, 4, 9, 10)
    assert add_business_hours(london(2026, 4, 2, 10), 24, "SCO") == london(2026, 4, 8, 10)


def test_st_andrews_day_is_a_holiday_in_scotland_only():
    # Monday 30 November 2026.
    assert add_business_hours(london(2026, 11, 27, 10), 24, "ENG") == london(2026, 12, 2, 10)
    assert add_business_hours(london(2026, 11, 27, 10), 24, "SCO") == london(2026, 12, 3, 10)


@pytest.mark.parametrize("nation, holiday", [
    ("NIR", datetime(2026, 3, 17).date()),  # St Patrick's Day
    ("NIR", datetime(2026, 7, 13).date()),  # Battle of the Boyne, made up on the Monday
    ("WLS", datetime(2026, 4, 6).date()),  # Easter Monday
    ("SCO", datetime(2026, 8, 3).date()),  # Scotland's summer bank holiday is early August
    ("ENG", datetime(2026, 8, 31).date()),  # England's at the end of August
])
def test_each_nation_has_its_own_bank_holidays(nation, holiday):
    assert is_bank_holiday(holiday, nation) and not is_business_day(holiday, nation)
    assert not all(is_bank_holiday(holiday, other) for other in ("ENG", "WLS", "SCO", "NIR"))


def test_takes_the_core_nation_enum_and_refuses_unknown_nations():
    assert add_business_hours(london(2026, 11, 27, 10), 24, Nation.SCO) == london(2026, 12, 3, 10)
    with pytest.raises(ValueError, match="unknown nation"):
        add_business_hours(london(2026, 6, 8, 10), 24, "GB")


def test_refuses_naive_times_and_negative_hours():
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_hours(datetime(2026, 6, 8, 10), 1, "ENG")
    with pytest.raises(ValueError, match="negative"):
        add_business_hours(london(2026, 6, 8, 10), -1, "ENG")


@pytest.mark.parametrize("start", [
    london(2026, 3, 26, 9, 20), london(2026, 3, 28, 3), london(2026, 10, 25, 1, 30), london(2026, 12, 23, 16, 59),
    london(2026, 4, 2, 12), london(2026, 6, 8, 0), london(2026, 11, 26, 17),
])
@pytest.mark.parametrize("hours", [0.25, 7.5, 24, 60])
@pytest.mark.parametrize("nation", ["ENG", "SCO"])
def test_hours_between_undoes_adding_them(start, hours, nation):
    due = add_business_hours(start, hours, nation)
    assert business_hours_between(start, due, nation) == pytest.approx(hours)
    assert business_hours_between(due, start, nation) == pytest.approx(-hours)


def test_no_business_hours_over_a_weekend_or_outside_hours():
    assert business_hours_between(london(2026, 6, 12, 17), london(2026, 6, 15, 9), "ENG") == 0
    assert business_hours_between(london(2026, 6, 8, 18), london(2026, 6, 8, 23), "ENG") == 0
    assert business_hours_between(london(2026, 6, 8, 8), london(2026, 6, 8, 10, 30), "ENG") == 1.5


def test_routing_clock_counts_down_and_warns_before_it_is_missed():
    clock = RoutingClock(received_at=london(2026, 6, 12, 16), nation="ENG", warn_within_hours=4)
    assert clock.due_at == london(2026, 6, 17, 16)
    assert clock.remaining_hours(london(2026, 6, 13, 12)) == 23  # Saturday: only Friday's hour gone
    assert clock.state(london(2026, 6, 15, 9)) is ClockState.ON_TIME
    assert clock.remaining_hours(london(2026, 6, 17, 12)) == 4 and not clock.warn(london(2026, 6, 17, 12))
    assert clock.warn(london(2026, 6, 17, 12, 1)) and clock.state(london(2026, 6, 17, 12, 1)) is ClockState.DUE_SOON
    assert not clock.is_overdue(london(2026, 6, 17, 16))
    assert clock.is_overdue(london(2026, 6, 17, 16, 1)) and clock.state(london(2026, 6, 17, 20)) is ClockState.OVERDUE
    assert not clock.warn(london(2026, 6, 18, 9))
    assert clock.remaining_hours(london(2026, 6, 18, 11)) == -3


def test_routing_clock_takes_a_council_target_and_the_core_nation():
    clock = RoutingClock(received_at=london(2026, 4, 2, 10), nation=Nation.SCO, target_hours=8)
    assert clock.nation == "SCO" and clock.due_at == london(2026, 4, 6, 10)  # Easter Monday is worked in Scotland
    with pytest.raises(ValueError):
        RoutingClock(received_at=datetime(2026, 4, 2, 10), nation="ENG")
