"""Duplicates (issue 17): from the single view of a person, link two open applications as duplicates (recorded on both
cases, audited, in both histories) and withdraw one (closed through the stage table with the reason, its workflow
stopped); another council's case answers 404."""

from __future__ import annotations

import pytest

from shared.bootstrap import store_for, workflows
from shared.core.domain.duplicates import DUPLICATE_LINKED, linked_duplicates
from shared.resources import Role
from shared.services.blue_badge.domain.case import Stage
from tests.factories import complete_application
from tests.integration.conftest import case_actions, wait_until
from tests.web.case_fixtures import NORTHSHIRE, at, error_summary, open_case, send, someone_new


@pytest.fixture
def twice():
    """One person's two open applications (the same NI number), each at its proof check, and a stranger's."""
    person = someone_new()
    first = open_case(person)
    second = open_case(complete_application(NORTHSHIRE, channel="PHONE", holder=person["holder"], contact=person["contact"]))
    stranger = open_case()
    for case_id in (first, second, stranger):
        at(case_id, Stage.PROOF_CHECK)
    return first, second, stranger


def test_two_applications_are_linked_as_duplicates_and_one_is_withdrawn(signed_in, twice):
    first, second, stranger = twice
    browser = signed_in()
    single_view = browser.get(f"/cases/{first}/person")
    assert "Merge them" not in single_view.text and "Link as duplicate" in single_view.text and "Withdraw this one" in single_view.text

    asked = browser.get(f"/cases/{first}/duplicate")
    assert f'value="{second}"' in asked.html and f'value="{stranger}"' not in asked.html  # only the same person's open ones
    assert error_summary(send(browser, f"/cases/{first}/duplicate", {})) == ["Select one of this person's other applications"]
    assert error_summary(send(browser, f"/cases/{first}/duplicate", {"duplicate-of": stranger})) == [
        "Select one of this person's other applications"]
    linked = send(browser, f"/cases/{first}/duplicate", {"duplicate-of": second})
    assert linked.status == 303 and linked.location == f"/cases/{first}?done=duplicate-linked"
    for this, other in ((first, second), (second, first)):  # on both cases, in both histories, by the caseworker
        loaded = store_for(NORTHSHIRE).load(this)
        assert linked_duplicates(loaded.history) == [other]
        [entry] = [entry for entry in loaded.history if entry.action == DUPLICATE_LINKED]
        assert entry.actor.startswith("user:")
        page = browser.get(f"/cases/{this}")
        assert f"A duplicate of case {other}" in page.text
        assert f"Linked this case and case {other} as duplicates" in page.text
    assert "Linked as duplicates" in browser.get(f"/cases/{first}?done=duplicate-linked").text
    again = browser.get(f"/cases/{second}/duplicate")
    assert f'value="{first}"' not in again.html and "Already linked" in again.text  # no longer offered, and refused if sent
    assert error_summary(send(browser, f"/cases/{second}/duplicate", {"duplicate-of": first})) == [
        f"Case {first} is already linked as a duplicate of this one"]

    form = browser.get(f"/cases/{second}/withdraw")
    assert f"A duplicate of case {first}" in form.html  # the reason, suggested from the link
    assert error_summary(send(browser, f"/cases/{second}/withdraw", {"reason": "  "})) == ["Enter why the application is being withdrawn"]
    stale = send(browser, f"/cases/{second}/withdraw", {"reason": "A duplicate"}, version=1)
    assert error_summary(stale)[0].startswith("The application has changed since you opened this page")
    execution, token = store_for(NORTHSHIRE).get(second).execution_name, store_for(NORTHSHIRE).get(second).task_token
    withdrawn = send(browser, f"/cases/{second}/withdraw", {"reason": f"A duplicate of case {first}"})
    assert withdrawn.status == 303 and withdrawn.location == f"/cases/{second}?done=withdrawn"
    case = store_for(NORTHSHIRE).get(second)
    assert case.stage is Stage.WITHDRAWN and case.task_token is None
    assert "CASE_WITHDRAWN" in case_actions(store_for(NORTHSHIRE), second)
    # Stopped (moto's interpreter ends a stopped execution at its next step: a late resume of the old wait is one).
    workflows().resume(token, {"confirmed": True})
    wait_until(lambda: workflows().execution(case.workflow, execution).status == "ABORTED", what="the workflow to stop")
    assert store_for(NORTHSHIRE).get(second).stage is Stage.WITHDRAWN  # the late resume moved nothing on
    page = browser.get(f"/cases/{second}")
    assert f"Withdrew the application. Reason: A duplicate of case {first}." in page.text
    # A withdrawn (closed) application cannot be withdrawn again, and the other is not touched.
    assert "nothing to withdraw" in browser.get(f"/cases/{second}/withdraw").text
    assert store_for(NORTHSHIRE).get(first).stage is Stage.PROOF_CHECK


def test_another_councils_case_is_not_found_and_an_assessor_may_not_act(signed_in, staff, browser, twice):
    first, second, _ = twice
    valewye = signed_in("VALEWYE")
    for path in (f"/cases/{first}/duplicate", f"/cases/{first}/withdraw"):
        assert valewye.get(path).status == 404
        assert valewye.post(path, {"csrf_token": valewye.get("/").csrf_token, "duplicate-of": second, "reason": "x",
                                   "expected_version": "1"}).status == 404
    assert store_for(NORTHSHIRE).get(first).stage is Stage.PROOF_CHECK
    assert DUPLICATE_LINKED not in case_actions(store_for(NORTHSHIRE), first)
    browser.sign_in(staff(NORTHSHIRE, Role.READ_ONLY))
    assert browser.get(f"/cases/{first}/withdraw").status == 403
