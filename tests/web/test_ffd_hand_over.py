"""A team leader hands a contact to a named officer of the council's front-door team: picked from that team's staff
(nobody else, however the form is sent), a conditional, audited change shown on the contact and in the holding area."""

from __future__ import annotations

import re
import uuid

import boto3
import pytest

from shared.bootstrap import councils, store_for
from shared.core.domain.case import utcnow
from shared.core.logic.casework import ActionNotAllowed
from shared.core.logic.steps import InvalidStep
from shared.core.logic.tenancy import Caller
from shared.resources import DEFAULT_REGION, Role, team_group
from shared.services.family_front_door.domain.case import ContactStage
from shared.services.family_front_door.domain.settings import front_door_settings
from shared.services.family_front_door.logic.contacts import RESPONSIBILITY_GIVEN, hand_to_officer
from tests.web.case_fixtures import error_summary
from tests.web.test_ffd_holding import NORTHSHIRE, VALEWYE, contact_at, row_of, stored

PICKER = r'<select class="govuk-select app-staff-picker" id="assignee" name="assignee".*?</select>'


@pytest.fixture
def officer(staff, stack) -> str:
    """A caseworker of Northshire's front-door team (its team group in the user pool)."""
    email = staff(NORTHSHIRE, Role.CASEWORKER, email=f"officer-{uuid.uuid4().hex[:8]}@northshire.example")
    team = front_door_settings(councils().get(NORTHSHIRE)).team
    boto3.client("cognito-idp", region_name=DEFAULT_REGION).admin_add_user_to_group(
        UserPoolId=stack.user_pool_id, Username=email, GroupName=team_group(NORTHSHIRE, team))
    return email


def test_a_team_leader_hands_a_contact_to_an_officer_of_the_front_door_team_and_nobody_else(signed_in, staff, officer):
    elsewhere = staff(NORTHSHIRE, Role.CASEWORKER, email=f"other-team-{uuid.uuid4().hex[:8]}@northshire.example")
    vale_worker = staff(VALEWYE, Role.CASEWORKER)
    case = contact_at()
    browser = signed_in(NORTHSHIRE, Role.TEAM_LEADER)
    page = browser.get(f"/family-front-door/contacts/{case.case_id}")
    picker = re.search(PICKER, page.html, flags=re.S).group(0)
    assert f'value="{officer}"' in picker and elsewhere not in picker and vale_worker not in picker

    address = f"/family-front-door/contacts/{case.case_id}/responsibility"
    fields = {"csrf_token": page.csrf_token, "expected_version": str(case.version), "give": "yes"}
    for stranger in ("", elsewhere, vale_worker, "not an email"):
        refused = browser.post(address, {**fields, "assignee": stranger})
        assert refused.status == 400 and 'href="#assignee"' in refused.html, stranger
        assert error_summary(refused) == (["Choose who to hand the contact to"] if not stranger else ["Choose a member of staff from the list"])
    assert stored(case.case_id).version == case.version  # nothing written

    handed = browser.post(address, {**fields, "assignee": officer.upper()})
    assert handed.status == 303 and handed.location == f"/family-front-door/contacts/{case.case_id}?done=handed"
    held = stored(case.case_id)
    assert (held.screening_officer, held.assignee, held.version) == (officer, officer, case.version + 1)
    [audit] = [entry for entry in store_for(NORTHSHIRE).history(case.case_id) if entry.action == RESPONSIBILITY_GIVEN]
    assert audit.actor.endswith(staff(NORTHSHIRE, Role.TEAM_LEADER)) and audit.after == {"screening_officer": officer, "assignee": officer}
    contact = browser.get(handed.location)
    assert "Contact handed over" in contact.text and f"{officer} is the contact's screening officer" in contact.text
    assert f"Handed the contact to {officer} as screening officer." in contact.text  # the history, in a sentence
    # Held by them in the holding area (where the team leader may still take it themselves).
    assert row_of(browser.get("/family-front-door"), case.case_id).endswith(f"{officer} Take responsibility for contact {case.case_id}")


def test_a_caseworker_has_no_picker_and_cannot_hand_a_contact_away(signed_in, officer):
    case = contact_at()
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    page = browser.get(f"/family-front-door/contacts/{case.case_id}")
    assert 'id="assignee"' not in page.html and "Take responsibility" in page.text
    taken = browser.post(f"/family-front-door/contacts/{case.case_id}/responsibility",
                         {"csrf_token": page.csrf_token, "expected_version": str(case.version), "give": "yes", "assignee": officer})
    # The one button a caseworker has takes the contact for themselves: nobody else is ever given it.
    assert taken.status == 303 and stored(case.case_id).screening_officer not in (None, officer)


def test_a_closed_contact_is_handed_to_nobody(signed_in, officer):
    case = contact_at(stage=ContactStage.CLOSED)
    browser = signed_in(NORTHSHIRE, Role.TEAM_LEADER)
    page = browser.get(f"/family-front-door/contacts/{case.case_id}")
    assert 'id="assignee"' not in page.html
    refused = browser.post(f"/family-front-door/contacts/{case.case_id}/responsibility",
                           {"csrf_token": page.csrf_token, "expected_version": str(case.version), "give": "yes", "assignee": officer})
    assert refused.status == 409 and "This contact is closed" in refused.text
    assert stored(case.case_id).screening_officer is None


def test_the_service_itself_refuses_anyone_not_an_officer_and_anyone_not_a_team_leader(officer):
    case = contact_at()
    council, store = councils().get(NORTHSHIRE), store_for(NORTHSHIRE)
    leader = Caller(user="leader@northshire.example", council_code=NORTHSHIRE, roles=frozenset({Role.TEAM_LEADER}))
    caseworker = Caller(user="worker@northshire.example", council_code=NORTHSHIRE, roles=frozenset({Role.CASEWORKER}))
    with pytest.raises(InvalidStep) as refused:
        hand_to_officer(store, council, case.case_id, case.version, "someone@else.example", leader, utcnow(), is_officer=lambda _: False)
    assert refused.value.field == "assignee"
    with pytest.raises(ActionNotAllowed):
        hand_to_officer(store, council, case.case_id, case.version, officer, caseworker, utcnow(), is_officer=lambda _: True)
    assert stored(case.case_id).version == case.version
