"""The proof check page asks for the PIP award letter's date, and a letter 12 months old or more cannot confirm the route:
the error names the date field and the rule; a newer letter can then be asked for."""

from __future__ import annotations

import re
from datetime import date, timedelta

from shared.services.blue_badge.domain.case import Stage
from tests.factories import REMOVE
from tests.web.case_fixtures import at, case_now, error_summary, open_case, send, someone_new


def test_an_old_award_letter_cannot_confirm_and_a_recent_one_is_recorded(signed_in):
    browser = signed_in()
    case_id = open_case(someone_new(eligibility__benefit__award_letter_date=REMOVE))  # the application gives no letter date
    at(case_id, Stage.PROOF_CHECK)
    form = browser.get(f"/cases/{case_id}/proof-check")
    assert 'name="pip-award-letter-date-day"' in form.html and "less than 12 months old" in form.text
    undated = send(browser, f"/cases/{case_id}/proof-check", {"confirmed": "yes"})
    assert undated.status == 400 and error_summary(undated) == [
        "Enter the date of the PIP award letter: it must be less than 12 months old to confirm the PIP route"]
    assert 'href="#pip-award-letter-date-day"' in undated.html
    old = date.today() - timedelta(days=400)
    too_old = send(browser, f"/cases/{case_id}/proof-check", {"confirmed": "yes", "pip-award-letter-date-day": str(old.day),
                                                             "pip-award-letter-date-month": str(old.month),
                                                             "pip-award-letter-date-year": str(old.year)})
    assert too_old.status == 400
    assert error_summary(too_old) == [f"The PIP award letter is dated {old:%d/%m/%Y}: it must be less than 12 months old to "
                                      "confirm the PIP route. Record that the proof does not confirm it, or ask the applicant "
                                      "for a newer award letter (request information)"]
    not_a_date = send(browser, f"/cases/{case_id}/proof-check", {"confirmed": "yes", "pip-award-letter-date-day": "31",
                                                                "pip-award-letter-date-month": "2", "pip-award-letter-date-year": "2026"})
    assert error_summary(not_a_date) == ["The award letter's date must be a real date, like 3 11 2026"]
    request = browser.get(f"/cases/{case_id}/information-request")
    assert re.search(r'value="RECENT_PIP_AWARD_LETTER"', request.html)  # the newer letter, as a missing item
    recent = date.today() - timedelta(days=20)
    done = send(browser, f"/cases/{case_id}/proof-check", {"confirmed": "yes", "pip-award-letter-date-day": str(recent.day),
                                                          "pip-award-letter-date-month": str(recent.month),
                                                          "pip-award-letter-date-year": str(recent.year)})
    assert done.status == 303, error_summary(done)
    assert case_now(case_id).proof_check.pip_award_letter_date == recent


def test_the_one_page_approval_sends_a_pip_award_with_an_old_letter_to_the_proof_check_page(signed_in):
    browser = signed_in()
    old = (date.today() - timedelta(days=400)).isoformat()
    case_id = open_case(someone_new(eligibility__benefit__award_letter_date=old))
    at(case_id, Stage.PROOF_CHECK)
    page = send(browser, f"/cases/{case_id}/approve", {"confirmed": "yes"})
    assert page.status == 400 and error_summary(page) == [
        "Record the proof check of a PIP award on the proof check page, with the points and the date on the award letter "
        "(it must be less than 12 months old)"]
