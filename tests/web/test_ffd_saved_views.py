"""Saved views of the holding area: a person's named filter sets (the team queue's mechanism, web/saved_views.py), kept
apart from their team queue views."""

from __future__ import annotations

import re
import uuid

from shared.resources import Role
from tests.web.case_fixtures import error_summary
from tests.web.test_ffd_holding import NORTHSHIRE


def test_the_holding_areas_views_are_each_persons_own_and_apart_from_the_team_queues(signed_in, staff, browser):
    signed_in(NORTHSHIRE, Role.CASEWORKER)
    name = f"Closed green {uuid.uuid4().hex[:6]}"
    query = "status=CLOSED&level=green"
    page = browser.submit(f"/family-front-door?{query}", {"action": "save-view", "view-name": name})
    assert page.status == 200 and f"Saved the view ‘{name}’" in page.text
    assert "Closed, Green level, oldest first" in page.text  # the holding area as it was, filters kept
    link = re.search(rf'<a class="govuk-link" href="(/family-front-door\?[^"]+)">{name}</a>', page.html)
    assert link and link.group(1).replace("&amp;", "&") == f"/family-front-door?{query}"
    assert name in browser.get("/family-front-door").text  # there on the next visit
    assert name not in browser.get("/queue").text  # the team queue's views are another list

    empty = browser.submit("/family-front-door", {"action": "save-view", "view-name": ""})
    assert empty.status == 400 and error_summary(empty) == ["Enter a name for this view"] and 'href="#view-name"' in empty.html
    assert "Waiting for screening, most urgent first" in empty.text  # the contacts are still shown

    other = type(browser)()
    other.sign_in(staff(NORTHSHIRE, Role.TEAM_LEADER))
    assert name not in other.get("/family-front-door").text

    deleted = browser.submit("/family-front-door", {"action": "delete-view", "view": name})
    assert deleted.status == 200 and f"Deleted the view ‘{name}’" in deleted.text
    assert name not in browser.get("/family-front-door").text


def test_a_post_that_neither_saves_nor_deletes_a_view_is_refused(signed_in):
    browser = signed_in(NORTHSHIRE, Role.READ_ONLY)
    assert browser.submit("/family-front-door", {"action": "reassign"}).status == 400
