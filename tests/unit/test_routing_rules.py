"""Routing and rules a caseworker expects: PIP routes automatically only with qualifying points, a stolen badge needs a
crime reference on every route, and days are working days of the council's nation."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, strategies as st
from pydantic import ValidationError

from shared.core.domain.council import load_councils
from shared.core.domain.working_days import add_working_days, in_working_days, is_working_day, working_days_between
from shared.services.blue_badge.domain.application import Application, JourneysDescriptor
from shared.services.blue_badge.domain.case import BadgeCase, Stage
from shared.services.blue_badge.domain.completeness import MissingCode, missing_items
from shared.services.blue_badge.domain.kpi import case_age, decision_target_days
from shared.services.blue_badge.domain.ordering import stage_after_screening
from shared.services.blue_badge.domain.pip import PipPoints, pip_qualification, route_reason, routes_automatically
from tests.factories import REMOVE, complete_application

COUNCILS = load_councils()
NORTHSHIRE = COUNCILS.get("NORTHSHIRE")  # English; 5 working days for automatic routes, 30 for the others
VALEWYE = COUNCILS.get("VALEWYE")  # Welsh

POINTS = st.integers(min_value=0, max_value=12) | st.none()
DESCRIPTORS = st.sampled_from(JourneysDescriptor) | st.none()


def pip(**benefit) -> Application:
    award = {"award_start": "2025-01-01", "award_end": "2028-01-01", **benefit}
    return Application.model_validate(complete_application(eligibility={"code": "PIP", "benefit": award}))


# ---------------------------------------------------------------- PIP points
@given(moving=st.integers(min_value=0, max_value=12), descriptor=DESCRIPTORS)
def test_moving_around_qualifies_from_8_points(moving, descriptor):
    qualification = pip_qualification(PipPoints(moving, None, descriptor))
    if moving >= 8:
        assert qualification.qualifies is True
    else:  # 7 or fewer qualify only through descriptor E of planning and following journeys
        assert qualification.qualifies is (descriptor is JourneysDescriptor.E)


@given(planning=st.integers(min_value=0, max_value=12))
def test_planning_journeys_points_alone_never_prove_descriptor_e(planning):
    """9 points or fewer never qualify; 10 qualify only under descriptor E (D also gives 10); 12 (F) do not."""
    assert pip_qualification(PipPoints(7, planning, None)).qualifies is False
    descriptor_for_points = [d for d in JourneysDescriptor if d.points == planning]
    for descriptor in descriptor_for_points:
        assert pip_qualification(PipPoints(7, planning, descriptor)).qualifies is (descriptor is JourneysDescriptor.E)


@pytest.mark.parametrize(("moving", "descriptor", "qualifies"), [
    (7, None, False), (8, None, True),  # the 7/8 boundary of moving around
    (None, JourneysDescriptor.D, False), (None, JourneysDescriptor.E, True),  # both 10 points: only E qualifies
    (None, JourneysDescriptor.F, False),  # 12 points under F are not the automatic criterion
])
def test_the_boundaries(moving, descriptor, qualifies):
    assert pip_qualification(PipPoints(moving, descriptor.points if descriptor else None, descriptor)).qualifies is qualifies


@given(moving=POINTS, planning=POINTS, descriptor=DESCRIPTORS)
def test_an_award_that_does_not_qualify_says_why_in_words(moving, planning, descriptor):
    qualification = pip_qualification(PipPoints(moving, planning, descriptor))
    assert qualification.reason and "_" not in qualification.reason
    if qualification.qualifies is False:
        assert "further assessment" in qualification.reason


def test_no_points_at_all_is_not_a_verdict():
    assert pip_qualification(PipPoints()).qualifies is None


def test_a_4_point_award_goes_to_further_assessment_with_the_reason():
    application = pip(pip_moving_around_points=4)
    assert stage_after_screening(application) is Stage.ASSESSMENT
    assert not routes_automatically(application)
    assert route_reason(application).startswith("PIP award with 4 points in moving around and no points in planning")
    assert decision_target_days(NORTHSHIRE, application) == 30  # the further-assessment target, not the automatic one


@pytest.mark.parametrize("benefit", [{"pip_moving_around_points": 8}, {"pip_planning_journeys_descriptor": "E"},
                                     {"pip_planning_journeys_points": 10, "pip_planning_journeys_descriptor": "E"}])
def test_qualifying_points_go_to_the_proof_check(benefit):
    application = pip(**benefit)
    assert stage_after_screening(application) is Stage.PROOF_CHECK
    assert decision_target_days(NORTHSHIRE, application) == 5


def test_descriptor_and_points_must_agree():
    with pytest.raises(ValidationError, match="do not match descriptor E"):
        pip(pip_planning_journeys_points=12, pip_planning_journeys_descriptor="E")


def test_a_keyed_in_pip_application_without_points_asks_for_them_an_online_one_routes_to_the_proof_check():
    for channel in ("PAPER", "PHONE", "INPERSON"):
        keyed = Application.model_validate(complete_application(channel=channel, eligibility__benefit__pip_moving_around_points=REMOVE))
        assert [item.code for item in missing_items(keyed, NORTHSHIRE)] == [MissingCode.PIP_POINTS]
    online = Application.model_validate(complete_application(eligibility__benefit__pip_moving_around_points=REMOVE))
    assert missing_items(online, NORTHSHIRE) == [] and stage_after_screening(online) is Stage.PROOF_CHECK


# ---------------------------------------------------------------- a stolen badge
def replacement(reason: str, **changes) -> Application:
    return Application.model_validate(complete_application(
        application_type="REPLACE", existing_badge_number="123ABC", replace_reason=reason, eligibility=REMOVE, **changes))


@pytest.mark.parametrize("channel", ["ONLINE", "PAPER", "PHONE", "INPERSON"])
def test_a_stolen_badge_without_a_crime_reference_is_missing_it_on_every_channel(channel):
    assert MissingCode.CRIME_REFERENCE in [item.code for item in missing_items(replacement("STOLE", channel=channel), NORTHSHIRE)]
    assert MissingCode.CRIME_REFERENCE not in [item.code for item in missing_items(
        replacement("STOLE", channel=channel, crime_reference="CR/123/26"), NORTHSHIRE)]
    assert MissingCode.CRIME_REFERENCE not in [item.code for item in missing_items(replacement("LOST", channel=channel), NORTHSHIRE)]


# ---------------------------------------------------------------- working days
CHRISTMAS_2026 = date(2026, 12, 25)  # a Friday; Boxing Day falls on Saturday, so Monday 28th is the substitute day


def test_the_nations_bank_holidays_are_not_working_days():
    assert not is_working_day(CHRISTMAS_2026, "ENG") and not is_working_day(date(2026, 12, 28), "WLS")
    assert not is_working_day(date(2026, 3, 17), "NIR") and is_working_day(date(2026, 3, 17), "ENG")  # St Patrick's Day
    assert not is_working_day(date(2026, 8, 3), "SCO") and is_working_day(date(2026, 8, 3), "ENG")  # Scotland's summer holiday
    assert not is_working_day(date(2026, 12, 5), "ENG")  # a Saturday
    with pytest.raises(ValueError, match="unknown nation"):
        working_days_between(date(2026, 1, 1), date(2026, 1, 1), "XX")


def test_working_days_over_christmas():
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 29), "ENG") == 1  # only Tuesday 29th
    assert working_days_between(date(2026, 12, 29), date(2026, 12, 24), "ENG") == -1
    assert add_working_days(date(2026, 12, 24), 1, "ENG") == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 29), -1, "ENG") == date(2026, 12, 24)
    assert add_working_days(CHRISTMAS_2026, 0, "ENG") == date(2026, 12, 29)


@given(start=st.dates(date(2024, 1, 1), date(2028, 12, 31)), days=st.integers(min_value=-40, max_value=40),
       nation=st.sampled_from(["ENG", "WLS", "SCO", "NIR"]))
def test_adding_working_days_and_counting_them_agree(start, days, nation):
    if not is_working_day(start, nation):
        start = add_working_days(start, 0, nation)
    end = add_working_days(start, days, nation)
    assert is_working_day(end, nation) and working_days_between(start, end, nation) == days


def test_a_cases_age_and_target_count_the_councils_bank_holidays():
    received = datetime(2026, 12, 21, 10, tzinfo=UTC)  # Monday before Christmas
    case = BadgeCase.open(Application.model_validate(complete_application()), [], received).model_copy(update={"stage": Stage.PROOF_CHECK})
    age = case_age(case, NORTHSHIRE, date(2026, 12, 29))  # 22, 23, 24 and 29: Christmas and the substitute Boxing Day don't count
    assert (age.working_days, age.days_left, age.overdue) == (4, 1, False)
    assert (age.age_words, age.target_words) == ("4 working days old", "due in 1 working day")
    late = case_age(case, NORTHSHIRE, date(2027, 1, 5))  # 30, 31, 4 and 5 more: 1 January is a bank holiday
    assert (late.working_days, late.overdue, late.target_words) == (8, True, "3 working days past the 5-working-day target")
    assert in_working_days(0) == "0 working days"
