"""Routing and rules through the real path (API or bus -> ingest -> workflow): PIP points route the case, a stolen badge
waits for its crime reference whichever way the request came in."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.bootstrap import store_for
from shared.core.logic.steps import InvalidStep
from shared.resources import Role
from shared.services.blue_badge.domain.application import Application
from shared.services.blue_badge.domain.case import BadgeCase, BadgeOrder, Stage
from shared.services.blue_badge.logic.decisions import check_order
from tests.factories import REMOVE, complete_application
from tests.integration.conftest import upload_intake_files, wait_for_step
from tests.integration.test_decisions import act, key_in, someone_new

NORTHSHIRE = "NORTHSHIRE"


@pytest.fixture
def caseworker(api_as):
    return api_as(NORTHSHIRE, Role.CASEWORKER, user="alex.caseworker@northshire.example.gov.uk")


def test_a_pip_award_with_4_points_goes_to_further_assessment_with_the_reason(caseworker):
    case_id = key_in(caseworker, someone_new(eligibility__benefit__pip_moving_around_points=4))
    case = wait_for_step(store_for(NORTHSHIRE), case_id, Stage.ASSESSMENT)
    assert case.route_reason.startswith("PIP award with 4 points in moving around")
    status, body = caseworker.call("GET", f"/cases/{case_id}")
    assert status == 200 and "further assessment" in body["case"]["route_reason"]


def test_a_keyed_in_pip_application_without_points_asks_for_them(caseworker):
    case_id = key_in(caseworker, someone_new(eligibility__benefit__pip_moving_around_points=REMOVE))
    case = wait_for_step(store_for(NORTHSHIRE), case_id, Stage.AWAITING_INFORMATION)
    assert case.missing_codes == ["PIP_POINTS"]


def test_the_proof_check_records_the_points_on_the_award_letter(caseworker):
    case_id = key_in(caseworker, someone_new())  # 10 points in moving around
    wait_for_step(store_for(NORTHSHIRE), case_id, Stage.PROOF_CHECK)
    answer = act(caseworker, case_id, "proof-check", {"confirmed": True, "pip_moving_around_points": 6}, expected=422)
    assert answer["errors"][0]["field"] == "pip_moving_around_points" and "do not meet" in answer["errors"][0]["message"]
    act(caseworker, case_id, "proof-check", {"confirmed": True, "pip_moving_around_points": 4, "pip_planning_journeys_descriptor": "E"})
    check = store_for(NORTHSHIRE).get(case_id).proof_check
    assert (check.confirmed, check.pip_moving_around_points, check.pip_planning_journeys_descriptor) == (True, 4, "E")


def test_a_stolen_badge_on_the_bus_waits_for_its_crime_reference(intake, caseworker):
    application = complete_application(NORTHSHIRE, application_type="REPLACE", existing_badge_number="123ABC",
                                       replace_reason="STOLE", eligibility=REMOVE)
    intake.deliver(application)
    case_id = store_for(NORTHSHIRE).case_for_application(application["application_id"])
    waiting = wait_for_step(store_for(NORTHSHIRE), case_id, Stage.AWAITING_INFORMATION)
    assert waiting.missing_codes == ["CRIME_REFERENCE"]
    status, body = caseworker.call("POST", f"/cases/{case_id}/supplied", {
        "expected_version": waiting.version, "changes": {"crime_reference": "CR/2026/778"}})
    assert status == 200 and body["case"]["missing"] == []
    assert wait_for_step(store_for(NORTHSHIRE), case_id, Stage.DECISION).application.crime_reference == "CR/2026/778"


def test_an_approval_of_a_stolen_badge_without_a_crime_reference_is_refused():
    """Cases opened before the crime reference was a missing item may be at a decision without it."""
    application = Application.model_validate(upload_intake_files(complete_application(
        NORTHSHIRE, application_type="REPLACE", existing_badge_number="123ABC", replace_reason="STOLE", eligibility=REMOVE)))
    case = BadgeCase.open(application, [], datetime.now(UTC)).model_copy(update={"stage": Stage.DECISION})
    with pytest.raises(InvalidStep) as refused:
        check_order(store_for(NORTHSHIRE), case, BadgeOrder(), datetime.now(UTC), "order")
    assert refused.value.field == "crime_reference" and "crime reference" in refused.value.message
