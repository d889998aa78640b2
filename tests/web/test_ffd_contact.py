"""A Family Front Door contact's page and the team's steps on it in the web UI: the submission, consent, clock and
single view of the child; every read logged and shown to council admins; changing the level of need (the reason is
required and audited), asking the partner for more, and the outcome with its reply previewed before it is sent."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from shared.bootstrap import store_for
from shared.core.domain.case import AuditEntry
from shared.resources import Role
from shared.services.family_front_door.domain.case import ContactOutcome, ContactStage
from shared.services.family_front_door.domain.submission import (
    InformationRequest,
    Urgency,
)
from shared.services.family_front_door.logic.holding_area import STANDARD_REPLIES
from tests.web.case_fixtures import error_summary, send
from tests.web.test_ffd_holding import (  # noqa: F401  (frozen is a fixture)
    NORTHSHIRE,
    concern,
    contact_at,
    frozen,
    partner,
    stored,
    surname,
)

GUIDANCE = "https://northshire.example.gov.uk/children/threshold-guidance"


def contact_page(browser, case_id: str):
    page = browser.get(f"/family-front-door/contacts/{case_id}")
    assert page.status == 200, page.text
    return page


def audits(case_id: str) -> list:
    return store_for(NORTHSHIRE).history(case_id)


# ------------------------------------------------------------------ the contact page
@pytest.mark.usefixtures("frozen")
def test_the_contact_page_shows_the_submission_consent_priorities_and_clock(signed_in):
    case = contact_at(at=datetime(2024, 11, 13, 9, 0, tzinfo=UTC), form=concern(urgency=Urgency.TODAY))
    page = contact_page(signed_in(NORTHSHIRE, Role.CASEWORKER), case.case_id)
    child = case.application.child
    assert page.title == f"Contact {case.case_id} - Family Front Door"
    assert f"Cause for concern {case.case_id} Alex {child.family_name}" in page.text
    assert "Received 13 November 2024, 9:00am from Northby Primary School" in page.text
    assert "Team's level of need Red" in page.text and "Submitter's view of urgency Today (Red)" in page.text
    assert "Respond by 13 November 2024, 11:00am 3 business hours overdue Age: 5 business hours" in page.text
    assert "Concern about Domestic abuse" in page.text
    assert "What happened Alex said there was shouting and a door was broken at home last night." in page.text
    assert "The person causing it lives with the child Yes The child saw or heard it Yes Police involved No" in page.text
    assert "Date of birth 4 May 2016" in page.text and "Northby, NE1 4XF" in page.text
    assert ("Consent sought from the family No Why consent was not sought Asking could put Alex at greater risk." in page.text)
    assert "Role Designated safeguarding lead Agency Northby Primary School" in page.text
    assert f'href="{GUIDANCE}"' in page.html
    # The history in sentences, the service's own words for its steps.
    assert "Cause for concern received from Northby Primary School, level of need red." in page.text
    # The team's steps while the workflow waits for them.
    for slug, label in (("request-information", "Ask the partner for more information"), ("outcome", "Record the outcome")):
        assert re.search(rf'href="/family-front-door/contacts/{case.case_id}/{slug}"[^>]*>\s*{label}', page.html), slug


def test_earlier_contacts_about_the_same_child_and_address_are_shown(signed_in):
    family_name, street = surname(), "7 Mill Lane"
    earlier = contact_at(form=concern(family_name=family_name, line1="1 Other Road"))
    neighbour = contact_at(form=concern(date_of_birth=date(2014, 1, 2), line1=street))
    case = contact_at(form=concern(family_name=family_name, line1=street))
    unrelated = contact_at()
    page = contact_page(signed_in(NORTHSHIRE, Role.CASEWORKER), case.case_id)
    same_child = page.html.split('id="same-child-caption"')[1].split("</table>")[0]
    same_address = page.html.split('id="same-address-caption"')[1].split("</table>")[0]
    assert earlier.case_id in same_child and neighbour.case_id not in same_child
    assert neighbour.case_id in same_address and earlier.case_id not in same_address
    assert unrelated.case_id not in page.html and f'href="/family-front-door/contacts/{case.case_id}"' not in same_child
    lonely = contact_page(signed_in(NORTHSHIRE, Role.CASEWORKER), unrelated.case_id)
    assert "No other contact names a child with this surname and date of birth, or this address." in lonely.text


def test_every_read_is_logged_and_council_admins_see_who_read_it(signed_in, staff):
    case = contact_at()
    reader = staff(NORTHSHIRE, Role.READ_ONLY)
    contact_page(signed_in(NORTHSHIRE, Role.READ_ONLY), case.case_id)
    views = store_for(NORTHSHIRE).views(case.case_id)
    assert [(entry.action, entry.actor) for entry in views] == [("CASE_VIEWED", f"user:{reader}")]
    assert "Who has opened this contact" not in contact_page(signed_in(NORTHSHIRE, Role.CASEWORKER), case.case_id).text

    admin = signed_in(NORTHSHIRE, Role.COUNCIL_ADMIN)
    page = contact_page(admin, case.case_id)
    assert "Who has opened this contact (latest 3)" in page.text and reader in page.text
    every = admin.get(f"/family-front-door/contacts/{case.case_id}/views")
    assert every.status == 200 and "Every time the contact was opened, newest first (3)" in every.text
    assert every.text.count(reader) == 1 and len(store_for(NORTHSHIRE).views(case.case_id)) == 3  # the list itself is no read
    refused = signed_in(NORTHSHIRE, Role.TEAM_LEADER).get(f"/family-front-door/contacts/{case.case_id}/views")
    assert refused.status == 403


# ------------------------------------------------------------------ the level of need
@pytest.mark.usefixtures("frozen")
def test_changing_the_level_of_need_needs_a_reason_and_is_audited(signed_in):
    case = contact_at(at=datetime(2024, 11, 13, 9, 0, tzinfo=UTC), form=concern(urgency=Urgency.ROUTINE))
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    path = f"/family-front-door/contacts/{case.case_id}/priority"
    missing = send(browser, path, {"level": "", "reason": ""})
    assert missing.status == 400 and missing.title.startswith("Error: Change the level of need")
    assert error_summary(missing) == ["Select the contact's new level of need", "Enter why you are changing the level of need"]
    no_reason = send(browser, path, {"level": "red", "reason": "  "})
    assert error_summary(no_reason) == ["Enter why you are changing the level of need"]
    assert 'value="red" checked' in no_reason.html  # what was chosen stays chosen
    same = send(browser, path, {"level": "green", "reason": "Still routine."})
    assert error_summary(same) == ["Select a different level of need from the one the contact has"]
    assert stored(case.case_id).version == case.version

    done = send(browser, path, {"level": "red", "reason": "The child has a new injury the school saw this morning."})
    assert done.status == 303 and done.location.endswith("?done=priority")
    changed = stored(case.case_id)
    assert changed.level == "red" and changed.requested_level == "green"
    assert changed.response_due == datetime(2024, 11, 13, 11, 0, tzinfo=UTC)  # 2 business hours from receipt
    [override] = changed.priority_overrides
    assert override.reason == "The child has a new injury the school saw this morning." and override.by.startswith("caseworker.")
    [audit] = [entry for entry in audits(case.case_id) if entry.action == "PRIORITY_OVERRIDDEN"]
    assert audit.before["level"] == "green" and audit.after["level"] == "red" and audit.after["reason"] == override.reason
    page = browser.get(done.location)
    assert "Level of need changed The contact is now Red: respond by 13 November 2024, 11:00am." in page.text
    assert "Team's level of need Red Changed by the team" in page.text
    assert "Changed the level of need from green to red" in page.text
    assert "Green to Red The child has a new injury the school saw this morning." in page.text


def test_only_staff_who_work_contacts_change_the_level(signed_in):
    case = contact_at()
    browser = signed_in(NORTHSHIRE, Role.READ_ONLY)
    token = browser.get("/").csrf_token
    refused = browser.post(f"/family-front-door/contacts/{case.case_id}/priority",
                           {"csrf_token": token, "expected_version": str(case.version), "level": "red", "reason": "Worse."})
    assert refused.status == 403 and stored(case.case_id).level == case.level


def test_a_stale_form_is_refused_with_the_changed_page(signed_in):
    case = contact_at()
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    send(browser, f"/family-front-door/contacts/{case.case_id}/priority", {"level": "red", "reason": "Worse than it looked."})
    stale = send(browser, f"/family-front-door/contacts/{case.case_id}/priority", {"level": "green", "reason": "Better."},
                 version=case.version)
    assert stale.status == 409 and "This contact has changed since you opened it" in stale.text
    assert stored(case.case_id).level == "red"


# ------------------------------------------------------------------ asking the partner
def test_asking_the_partner_for_more_information(signed_in):
    case = contact_at()
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    path = f"/family-front-door/contacts/{case.case_id}/request-information"
    empty = send(browser, path, {"question": ""})
    assert empty.status == 400 and error_summary(empty) == ["Enter what you want to ask the partner"]
    done = send(browser, path, {"question": "Has Alex said anything more since?"})
    assert done.status == 303 and done.location.endswith("?done=information")
    asked = stored(case.case_id)
    assert [question.question for question in asked.information_requests] == ["Has Alex said anything more since?"]
    assert asked.task_token is None  # the workflow is resumed: it asks the partner, then waits for their answer
    page = browser.get(done.location)
    assert "Question sent to the partner" in page.text and "Has Alex said anything more since?" in page.text
    assert "Asked the partner for more information." in page.text
    # Nobody can ask again, or decide, until the workflow waits for the team again.
    for step in ("request-information", "outcome"):
        again = browser.get(f"/family-front-door/contacts/{case.case_id}/{step}")
        assert again.status == 409 and "This contact is not waiting for the team's decision" in again.text


# ------------------------------------------------------------------ the outcome
def test_the_outcome_is_previewed_as_the_partners_email_then_recorded(signed_in):
    case = contact_at()
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    path = f"/family-front-door/contacts/{case.case_id}/outcome"
    form = browser.get(path)
    assert STANDARD_REPLIES[ContactOutcome.EARLY_HELP] in form.text and f'href="{GUIDANCE}"' in form.html
    nothing = send(browser, path, {"outcome": "", "reply": ""})
    assert nothing.status == 400 and error_summary(nothing) == ["Select the outcome of the contact"]

    check = send(browser, path, {"outcome": "EARLY_HELP", "reply": ""})
    assert check.status == 200 and check.title.startswith("Check the reply before you send it")
    assert f"To {case.application.submitter.email}" in check.text
    assert f"Subject Outcome of your contact about Alex {case.application.child.family_name} - reference {case.case_id}" in check.text
    assert "Outcome: Referred to early help" in check.text and STANDARD_REPLIES[ContactOutcome.EARLY_HELP] in check.text
    assert GUIDANCE in check.text
    assert stored(case.case_id).outcome is None  # nothing recorded yet

    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', check.html))
    back = browser.post(path, {**fields, "confirmed": "no"})
    assert back.status == 200 and "Record the outcome" in back.title and 'value="EARLY_HELP" checked' in back.html
    done = browser.post(path, {**fields, "confirmed": "yes"})
    assert done.status == 303 and done.location.endswith("?done=outcome")
    decided = stored(case.case_id)
    assert decided.outcome.outcome is ContactOutcome.EARLY_HELP and decided.outcome.reply == STANDARD_REPLIES[ContactOutcome.EARLY_HELP]
    assert [entry.after for entry in audits(case.case_id) if entry.action == "OUTCOME_RECORDED"] == [{"outcome": "EARLY_HELP"}]
    page = browser.get(done.location)
    assert "Outcome recorded Referred to early help. We will email the partner your reply" in page.text
    assert "Outcome recorded: Referred to early help." in page.text


def test_the_officers_own_reply_goes_in_the_email(signed_in):
    case = contact_at()
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    check = send(browser, f"/family-front-door/contacts/{case.case_id}/outcome",
                 {"outcome": "NO_FURTHER_ACTION", "reply": "We spoke to the family; the school's support plan is enough."})
    assert "We spoke to the family; the school's support plan is enough." in check.text
    assert "Outcome: No further action" in check.text


def test_a_request_for_information_is_not_offered_a_referral(signed_in):
    request = InformationRequest(child=concern().child, information_wanted="Is the family known to children's services?",
                                 reason="Planning support for a new pupil.", urgency=Urgency.ROUTINE)
    case = contact_at(form=request, sender=partner())
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    path = f"/family-front-door/contacts/{case.case_id}/outcome"
    form = browser.get(path)
    assert 'value="INFORMATION_AND_ADVICE"' in form.html and 'value="REFER_TO_CSC"' not in form.html
    refused = send(browser, path, {"outcome": "REFER_TO_CSC", "reply": "", "confirmed": "yes"})
    assert refused.status == 400 and error_summary(refused) == ["Select the outcome of the contact"]
    assert stored(case.case_id).outcome is None
    assert "Request for information" in contact_page(browser, case.case_id).text


def test_a_closed_contact_offers_no_steps(signed_in):
    case = contact_at(stage=ContactStage.CLOSED)
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    page = contact_page(browser, case.case_id)
    assert "Take responsibility" not in page.text and "/priority" not in page.html and "Record the outcome" not in page.text
    assert browser.get(f"/family-front-door/contacts/{case.case_id}/priority").status == 409
    assert browser.get(f"/family-front-door/contacts/{case.case_id}/outcome").status == 409


# ------------------------------------------------------------------ notes
def test_the_team_adds_notes_the_partner_never_sees(signed_in):
    case = contact_at()
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    path = f"/family-front-door/contacts/{case.case_id}/notes"
    empty = send(browser, path, {"text": ""})
    assert empty.status == 400 and error_summary(empty) == ["Enter the note"]
    done = send(browser, path, {"text": "Checked: the school nurse saw Robin on Monday."})
    assert done.status == 303 and done.location.endswith("?done=noted")
    page = browser.get(done.location)
    assert "Note added" in page.text and "Checked: the school nurse saw Robin on Monday." in page.text
    assert [note.text for note in store_for(NORTHSHIRE).load(case.case_id).notes] == ["Checked: the school nurse saw Robin on Monday."]
    reader = signed_in(NORTHSHIRE, Role.READ_ONLY)
    token = reader.get("/").csrf_token
    assert reader.post(path, {"csrf_token": token, "text": "Not mine to add."}).status == 403
    assert 'action="/family-front-door/contacts/' + case.case_id + '/notes"' not in contact_page(reader, case.case_id).html


# ------------------------------------------------------------------ a stopped workflow
def test_a_council_admin_is_offered_to_resume_a_stopped_workflow(signed_in):
    waiting = contact_at()
    stopped = waiting.changed(waiting.updated_at, task_token=None, needs_attention="The workflow failed at the step SendAcknowledgement")
    store_for(NORTHSHIRE).save(stopped, expected_version=waiting.version, audit=AuditEntry(
        case_id=waiting.case_id, at=stopped.updated_at, actor="reconciler", action="FLAGGED", after={"needs_attention": stopped.needs_attention}))
    path = f"/family-front-door/contacts/{waiting.case_id}/recovery"
    caseworker = signed_in(NORTHSHIRE, Role.CASEWORKER)
    assert "This contact needs attention: The workflow failed" in contact_page(caseworker, waiting.case_id).text
    assert f'href="{path}"' not in contact_page(caseworker, waiting.case_id).html
    assert caseworker.get(path).status == 403
    admin = signed_in(NORTHSHIRE, Role.COUNCIL_ADMIN)
    assert re.search(rf'href="{path}"[^>]*>\s*Resume the workflow', contact_page(admin, waiting.case_id).html)
    page = admin.get(path)
    assert page.status == 200 and "The workflow of this case stopped: The workflow failed at the step SendAcknowledgement" in page.text
