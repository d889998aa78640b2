"""A step recorded whose workflow resume Step Functions did not take: the case page says the workflow is catching up
(no error, no actions), and sending the same form again resumes the workflow."""

from __future__ import annotations

from shared.services.blue_badge.domain.case import Stage
from tests.integration.test_stranding import throttle  # noqa: F401  (the fixture)
from tests.web.case_fixtures import at, open_case, send

BANNER = "The workflow is catching up"


def test_the_case_page_shows_the_workflow_catching_up_until_the_same_step_sent_again_resumes_it(signed_in, throttle):  # noqa: F811
    case_id = open_case()
    seen = at(case_id, Stage.PROOF_CHECK)
    browser = signed_in()

    throttle(1)
    done = send(browser, f"/cases/{case_id}/proof-check", {"confirmed": "yes"})
    assert done.status == 303 and done.location == f"/cases/{case_id}?done=proof-check"
    page = browser.get(done.location)  # the catching-up banner, not the success banner: the step is saved, not yet taken
    assert "govuk-notification-banner--success" not in page.html
    assert page.status == 200 and 'class="govuk-notification-banner"' in page.html and BANNER in page.text
    assert "What you can do now" not in page.text and "moving this case on" not in page.text

    # The same form sent again (the back button), with the version it was filled in on.
    again = browser.post(f"/cases/{case_id}/proof-check", {"csrf_token": page.csrf_token, "expected_version": seen.version, "confirmed": "yes"})
    assert again.status == 303 and again.location == f"/cases/{case_id}?done=proof-check"
    at(case_id, Stage.DECISION)
    page = browser.get(f"/cases/{case_id}")
    assert BANNER not in page.text and "Decide the application" in page.text
