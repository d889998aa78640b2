"""PIP points on the pages: the proof check records the points on the award letter, and a case routed to further
assessment by its points says why."""

from __future__ import annotations

from shared.services.blue_badge.domain.case import Stage
from tests.factories import REMOVE
from tests.web.case_fixtures import at, case_now, error_summary, open_case, send, someone_new


def test_the_proof_check_of_a_national_pip_application_records_the_points_seen(signed_in):
    browser = signed_in()
    national = someone_new(eligibility__benefit__pip_moving_around_points=REMOVE) | {"channel": "ONLINE"}  # no points given
    case_id = open_case(national)
    at(case_id, Stage.PROOF_CHECK)
    form = browser.get(f"/cases/{case_id}/proof-check")
    assert 'name="pip_moving_around_points"' in form.html and 'name="pip_planning_journeys_descriptor"' in form.html
    unseen = send(browser, f"/cases/{case_id}/proof-check", {"confirmed": "yes"})
    assert unseen.status == 400 and error_summary(unseen) == [
        "Enter the points on the PIP award letter: moving around, or the planning and following journeys descriptor"]
    too_few = send(browser, f"/cases/{case_id}/proof-check", {"confirmed": "yes", "pip_moving_around_points": "7",
                                                             "pip_planning_journeys_descriptor": "D"})
    assert too_few.status == 400 and "do not meet the automatic criterion" in error_summary(too_few)[0]
    done = send(browser, f"/cases/{case_id}/proof-check", {"confirmed": "yes", "pip_moving_around_points": "4",
                                                          "pip_planning_journeys_descriptor": "E"})
    assert done.status == 303, error_summary(done)
    check = case_now(case_id).proof_check
    assert (check.pip_moving_around_points, check.pip_planning_journeys_descriptor) == (4, "E")
    assert "PIP points seen on the award letter: 4 for moving around, planning and following journeys descriptor E" \
        in browser.get(f"/cases/{case_id}").text


def test_a_case_routed_by_its_points_says_why_on_its_page(signed_in):
    browser = signed_in()
    case_id = open_case(someone_new(eligibility__benefit__pip_moving_around_points=6))
    at(case_id, Stage.ASSESSMENT)
    page = browser.get(f"/cases/{case_id}")
    assert "Route PIP award with 6 points in moving around" in page.text and "goes to further assessment" in page.text
