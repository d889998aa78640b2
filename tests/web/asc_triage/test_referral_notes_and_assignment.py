"""Notes and who is working on a referral, on the referral page as on Blue Badge's case page: take a referral (it is
then in My work) and release it, a team leader takes one someone else holds; add a note. Each ends back on the
referral page with a success banner. Read-only staff see neither form and are refused; a form older than the referral
answers the "has changed" page; another council's referral is not found, for every role."""

from __future__ import annotations

import re
import uuid
from html import unescape

import pytest

from shared.bootstrap import store_for
from shared.resources import Role
from tests.web.asc_triage.test_screening_pages import NORTHSHIRE, VALEWYE, receive
from tests.web.case_fixtures import error_summary, send
from tests.web.conftest import Browser
from tests.web.queue_cases import put_case
from tests.web.test_my_work_services import assigned


def someone(staff, *roles: Role) -> tuple[Browser, str]:
    """A browser signed in as a new Northshire member of staff of its own (My work is theirs alone)."""
    email = staff(NORTHSHIRE, *roles, email=f"{roles[0].value}-{uuid.uuid4().hex[:8]}@northshire.example")
    browser = Browser()
    assert browser.sign_in(email).status == 303
    return browser, email


def form_of(page, case_id: str, action: str) -> str | None:
    match = re.search(rf'<form method="post" action="/referrals/{case_id}/{action}".*?</form>', page.html, flags=re.S)
    return match.group(0) if match else None


def stored(case_id: str, council: str = NORTHSHIRE):
    return store_for(council).get(case_id)


def test_a_caseworker_takes_a_referral_it_is_in_their_work_and_they_release_it(staff):
    case = receive()
    browser, email = someone(staff, Role.CASEWORKER)
    page = browser.get(f"/referrals/{case.case_id}")
    assert page.status == 200, page.text
    assert "Who is working on it" in page.text and "Nobody yet" in page.text
    form = form_of(page, case.case_id, "assignment")
    assert form and 'name="csrf_token"' in form and f'name="expected_version" value="{case.version}"' in form
    assert "Take this referral" in form

    taken = browser.post(f"/referrals/{case.case_id}/assignment", {"csrf_token": page.csrf_token, "expected_version": str(case.version)})
    assert taken.status == 303 and taken.location == f"/referrals/{case.case_id}?taken=yes"
    assert stored(case.case_id).assignee == email and stored(case.case_id).version == case.version + 1
    after = browser.get(taken.location)
    assert "govuk-notification-banner--success" in after.html and "Referral taken" in after.text
    assert "The referral is in your work." in after.text
    assert "Release this referral" in form_of(after, case.case_id, "assignment")

    work = browser.get("/")
    assert work.status == 200 and f'href="/referrals/{case.case_id}"' in work.html

    # Without the button on the page (no JavaScript needed either way), the action's own page confirms first.
    confirm = browser.get(f"/referrals/{case.case_id}/assignment")
    assert confirm.status == 200 and confirm.title.startswith("Release this referral")
    assert f'href="/referrals/{case.case_id}"' in confirm.html and "Back to the referral" in confirm.text
    assert f"Referral {case.case_id}" in confirm.text and "The referral goes back to the team queue" in confirm.text
    released = send(browser, f"/referrals/{case.case_id}/assignment", {})
    assert released.status == 303 and released.location == f"/referrals/{case.case_id}?released=yes"
    assert stored(case.case_id).assignee is None
    back = browser.get(released.location)
    assert "Referral released" in back.text and "Nobody yet" in back.text
    assert f'href="/referrals/{case.case_id}"' not in browser.get("/").html
    history = [entry for entry in store_for(NORTHSHIRE).history(case.case_id) if entry.action == "ASSIGNED"]
    assert [entry.after for entry in history] == [{"assignee": email}, {"assignee": None}]


def test_a_team_leader_takes_a_referral_someone_else_holds_a_caseworker_cannot(staff):
    case = assigned(receive(), "someone.else@northshire.example")
    caseworker, _ = someone(staff, Role.CASEWORKER)
    page = caseworker.get(f"/referrals/{case.case_id}")
    assert "someone.else@northshire.example" in page.text and form_of(page, case.case_id, "assignment") is None
    refused = caseworker.post(f"/referrals/{case.case_id}/assignment", {"csrf_token": page.csrf_token, "expected_version": str(case.version)})
    assert refused.status == 403 and stored(case.case_id).assignee == "someone.else@northshire.example"

    leader, email = someone(staff, Role.TEAM_LEADER)
    page = leader.get(f"/referrals/{case.case_id}")
    assert "Take this referral" in form_of(page, case.case_id, "assignment")
    confirm = leader.get(f"/referrals/{case.case_id}/assignment")
    assert "It is with someone.else@northshire.example now. The referral will be in your work." in confirm.text
    taken = send(leader, f"/referrals/{case.case_id}/assignment", {})
    assert taken.location == f"/referrals/{case.case_id}?taken=yes" and stored(case.case_id).assignee == email


def test_a_note_is_added_from_the_referral_page_and_shown_there(staff):
    case = receive()
    browser, email = someone(staff, Role.CASEWORKER)
    page = browser.get(f"/referrals/{case.case_id}")
    form = form_of(page, case.case_id, "notes")
    assert form and 'name="csrf_token"' in form and 'name="text"' in form and "Add a note" in form

    empty = browser.post(f"/referrals/{case.case_id}/notes", {"csrf_token": page.csrf_token, "text": "  "})
    assert empty.status == 400 and empty.title.startswith("Error: ") and error_summary(empty) == ["Enter the note"]
    assert 'href="#text"' in empty.html and f'href="/referrals/{case.case_id}"' in empty.html
    assert "the person and the referrer do not see them" in empty.text

    added = browser.post(f"/referrals/{case.case_id}/notes", {"csrf_token": page.csrf_token, "text": "Rang the GP:\nletter to follow."})
    assert added.status == 303 and added.location == f"/referrals/{case.case_id}?noted=yes"
    after = browser.get(added.location)
    assert 'govuk-notification-banner__heading">Note added</p>' in after.html and "The note is on the referral." in after.text
    notes = unescape(after.html.split('id="notes"')[1].split('id="history"')[0])
    assert "Rang the GP:\nletter to follow." in notes and email in notes
    assert [note.text for note in store_for(NORTHSHIRE).load(case.case_id).notes] == ["Rang the GP:\nletter to follow."]
    assert "govuk-notification-banner" not in browser.get(f"/referrals/{case.case_id}").html  # the banner: for the redirect only


def test_a_read_only_user_sees_neither_form_and_a_forged_post_is_refused(staff):
    case = receive()
    browser, _ = someone(staff, Role.READ_ONLY)
    page = browser.get(f"/referrals/{case.case_id}")
    assert page.status == 200 and "Who is working on it" in page.text
    assert form_of(page, case.case_id, "assignment") is None and form_of(page, case.case_id, "notes") is None
    assert "Take this referral" not in page.text and "Add a note" not in page.text
    for action, fields in (("assignment", {"expected_version": str(case.version)}), ("notes", {"text": "Forged"})):
        assert browser.get(f"/referrals/{case.case_id}/{action}").status == 403, action
        forged = browser.post(f"/referrals/{case.case_id}/{action}", {"csrf_token": page.csrf_token, **fields})
        assert forged.status == 403, action
    assert stored(case.case_id).assignee is None and store_for(NORTHSHIRE).load(case.case_id).notes == []


def test_a_form_older_than_the_referral_is_refused(staff):
    case = receive()
    browser, email = someone(staff, Role.CASEWORKER)
    token = browser.get(f"/referrals/{case.case_id}").csrf_token
    assert browser.post(f"/referrals/{case.case_id}/assignment", {"csrf_token": token, "expected_version": str(case.version)}).status == 303
    # The same form again (a second tab): it would release what the first took.
    stale = browser.post(f"/referrals/{case.case_id}/assignment", {"csrf_token": token, "expected_version": str(case.version)})
    assert stale.status == 409 and "This referral has changed since you opened it" in stale.text
    assert f'href="/referrals/{case.case_id}"' in stale.html and "Go back to the referral" in stale.text
    assert stored(case.case_id).assignee == email


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.TEAM_LEADER, Role.COUNCIL_ADMIN, Role.READ_ONLY, Role.ASSESSOR], ids=str)
def test_another_councils_referral_is_not_found_for_every_role(staff, role):
    theirs = receive(VALEWYE)
    badge_case = put_case(NORTHSHIRE)
    browser, _ = someone(staff, role)
    token = browser.get("/").csrf_token
    for case_id in (theirs.case_id, badge_case.case_id, "NORTHSHIRE-000000-ZZZZZZ"):
        for action in ("assignment", "notes"):
            assert browser.get(f"/referrals/{case_id}/{action}").status == 404, (case_id, action)
            posted = browser.post(f"/referrals/{case_id}/{action}", {"csrf_token": token, "expected_version": str(theirs.version),
                                                                     "text": "Not theirs"})
            assert posted.status == 404, (case_id, action, posted.status)
    unchanged = store_for(VALEWYE).load(theirs.case_id)
    assert unchanged.case.assignee is None and unchanged.case.version == theirs.version and unchanged.notes == []
