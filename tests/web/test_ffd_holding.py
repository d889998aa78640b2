"""The Family Front Door team's holding area in the web UI: every contact at a status with its age and response clock in
business hours, the submitter's priority beside the team's level of need, who holds it, and taking responsibility.

Contacts are submitted with the real service function (contacts.submit) on the package's moto stack; their workflow
is not started (its steps are the integration tests' concern), so each is put at its stage by a conditional, audited
save, with a task token at SCREENING as the workflow's wait step leaves it. The helpers here serve the other
tests/web/test_ffd_*.py files too.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from shared.bootstrap import councils, store_for
from shared.core.domain.case import AuditEntry, utcnow
from shared.core.domain.council import CouncilRegistry
from shared.core.domain.statistics import Period
from shared.resources import Role
from shared.services.family_front_door import SERVICE_KEY
from shared.services.family_front_door.domain.case import ContactCase, ContactStage
from shared.services.family_front_door.domain.submission import (
    CauseForConcern,
    Child,
    ChildAddress,
    ConcernCategory,
    Consent,
    DomesticAbuse,
    Submitter,
    Urgency,
)
from shared.services.family_front_door.logic import contacts
from shared.services.family_front_door.logic.contacts import earlier_contacts
from shared.services.family_front_door.logic.dashboard import (
    front_door_dashboard_tables,
)
from shared.services.family_front_door.logic.holding_area import holding_area
from tests.integration.conftest import dynamodb_calls  # noqa: F401  (a fixture: DynamoDB requests by operation)
from tests.web.case_fixtures import error_summary
from web.pages import ffd_contact, ffd_holding, ffd_team

NORTHSHIRE, VALEWYE = "NORTHSHIRE", "VALEWYE"
# A week of November 2024 without bank holidays; London is on UTC then.
WEDNESDAY_2PM = datetime(2024, 11, 13, 14, 0, tzinfo=UTC)


class NoWorkflow:
    """Stands in for Step Functions at submission: the contact's workflow is not started."""

    def start(self, *_: Any) -> bool:
        return True


def surname() -> str:
    return "Child" + uuid.uuid4().hex[:8].upper()


def partner(agency: str = "northby-primary", name: str = "Northby Primary School") -> Submitter:
    unique = uuid.uuid4().hex[:8]
    return Submitter(user_id=f"partner-{unique}", email=f"dsl-{unique}@northbyprimary.example.sch.uk", name="Sam Teacher",
                     agency_id=agency, agency_name=name, role="Designated safeguarding lead")


def concern(family_name: str | None = None, urgency: Urgency = Urgency.WITHIN_DAYS, line1: str | None = None,
            date_of_birth: date = date(2016, 5, 4), **changes: Any) -> CauseForConcern:
    return CauseForConcern(
        categories=[ConcernCategory.DOMESTIC_ABUSE],
        child=Child(given_name="Alex", family_name=family_name or surname(), date_of_birth=date_of_birth,
                    address=ChildAddress(line1=line1 or f"{uuid.uuid4().hex[:6]} High Street", town="Northby", postcode="NE1 4XF")),
        concern="Alex said there was shouting and a door was broken at home last night.",
        actions_taken="Spoke to Alex with the class teacher; logged on the school's system.",
        consent=Consent(sought=False, not_sought_reason="Asking could put Alex at greater risk."),
        urgency=urgency,
        domestic_abuse=DomesticAbuse(perpetrator_in_household=True, child_present=True, police_involved=False),
    ).model_copy(update=changes)


def contact_at(council: str = NORTHSHIRE, *, at: datetime | None = None, stage: ContactStage = ContactStage.SCREENING,
               form: Any = None, sender: Submitter | None = None) -> ContactCase:
    """A contact submitted at `at` (now by default) and put at `stage`, waiting there for a person."""
    store = store_for(council)
    received = contacts.submit(store, NoWorkflow(), councils().get(council), sender or partner(), form or concern(), at or utcnow())
    moved_at = received.received_at + timedelta(seconds=1)
    moved = received.changed(moved_at, stage=stage, task_token=f"token-{uuid.uuid4().hex}" if stage in received.HUMAN_STAGES else None)
    store.save(moved, expected_version=received.version,
               audit=AuditEntry(case_id=moved.case_id, at=moved_at, actor="workflow", action="STAGE_CHANGED",
                                before={"stage": received.stage.value}, after={"stage": stage.value}))
    return moved


def stored(case_id: str, council: str = NORTHSHIRE) -> ContactCase:
    return store_for(council).get(case_id)


def row_of(page, case_id: str) -> str:
    match = re.search(rf'<tr class="govuk-table__row">(?:(?!</tr>).)*?href="/family-front-door/contacts/{case_id}".*?</tr>',
                      page.html, flags=re.DOTALL)
    assert match, f"no row for {case_id}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0).replace("<wbr>", ""))).strip()


def contact_ids(page) -> list[str]:
    return re.findall(r'<a class="govuk-link" href="/family-front-door/contacts/([A-Z0-9-]+)">', page.html)


@pytest.fixture
def frozen(monkeypatch):
    for module in (ffd_holding, ffd_contact):
        monkeypatch.setattr(module, "utcnow", lambda: WEDNESDAY_2PM)
    return WEDNESDAY_2PM


# ------------------------------------------------------------------ the holding area
def test_each_contact_shows_its_age_priorities_response_clock_and_holder(signed_in, frozen):
    due_soon = contact_at(at=datetime(2024, 11, 13, 12, 30, tzinfo=UTC), form=concern(urgency=Urgency.TODAY))  # red: 2 hours
    overdue = contact_at(at=datetime(2024, 11, 12, 9, 0, tzinfo=UTC), form=concern(urgency=Urgency.WITHIN_DAYS))  # amber: 6
    on_time = contact_at(at=datetime(2024, 11, 13, 9, 0, tzinfo=UTC), form=concern(urgency=Urgency.ROUTINE))  # green: 24
    page = signed_in(NORTHSHIRE, Role.CASEWORKER).get("/family-front-door")
    assert page.status == 200, page.text
    assert page.title == "Holding area - Family Front Door"
    assert "Waiting for screening, most urgent first" in page.text
    assert row_of(page, due_soon.case_id).startswith(
        f"{due_soon.case_id} Alex {due_soon.application.child.family_name}, from Northby Primary School Waiting for screening "
        "13 November 2024, 12:30pm Age: 1.5 business hours Today Red Red 13 November 2024, 2:30pm Due soon 0.5 business hours left Nobody")
    assert ("12 November 2024, 9:00am Age: 13 business hours Within a few days Amber Amber 12 November 2024, 3:00pm Overdue "
            "7 business hours overdue Nobody Take responsibility") in row_of(page, overdue.case_id)
    assert "Age: 5 business hours Routine Green Green 15 November 2024, 5:00pm On time 19 business hours left" in row_of(page, on_time.case_id)
    ids = contact_ids(page)
    assert ids.index(due_soon.case_id) < ids.index(overdue.case_id) < ids.index(on_time.case_id)  # most urgent level first
    assert re.search(rf'{overdue.case_id}.*?govuk-tag--red">\s*Overdue', page.html, flags=re.DOTALL)
    assert "Red within 2 business hours, Amber within 6 business hours, Green within 24 business hours" in page.text


def test_the_results_come_before_the_filters_in_a_labelled_focusable_region(signed_in, frozen):
    contact_at(at=datetime(2024, 11, 13, 10, 0, tzinfo=UTC))
    page = signed_in(NORTHSHIRE, Role.CASEWORKER).get("/family-front-door")
    region = re.search(r'<div class="app-table-scroll" role="region" aria-labelledby="contacts-caption" tabindex="0">', page.html)
    assert region and 'id="contacts-caption"' in page.html
    assert page.html.index('id="contacts-caption"') < page.html.index('<form method="get" action="/family-front-door" id="filters"')
    assert '<a class="govuk-link" href="#filters">' in page.html  # and a link down to them


def test_the_holding_area_narrowed_by_status_and_level(signed_in, frozen):
    red = contact_at(at=datetime(2024, 11, 13, 10, 0, tzinfo=UTC), form=concern(urgency=Urgency.TODAY))
    green = contact_at(at=datetime(2024, 11, 13, 10, 0, tzinfo=UTC), form=concern(urgency=Urgency.ROUTINE))
    waiting = contact_at(at=datetime(2024, 11, 13, 10, 0, tzinfo=UTC), stage=ContactStage.AWAITING_INFORMATION)
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)

    def shown(query: str) -> list[str]:
        page = browser.get(f"/family-front-door?{query}")
        assert page.status == 200, page.text
        return contact_ids(page)

    assert red.case_id in shown("level=red") and green.case_id not in shown("level=red")
    assert green.case_id in shown("level=green") and red.case_id not in shown("level=green")
    assert waiting.case_id in shown("status=AWAITING_INFORMATION") and waiting.case_id not in shown("")
    assert red.case_id not in shown("status=AWAITING_INFORMATION")
    assert "Waiting for screening, Red level, oldest first" in browser.get("/family-front-door?level=red").text


def test_unknown_filters_are_errors_naming_the_field(signed_in):
    page = signed_in(NORTHSHIRE, Role.CASEWORKER).get("/family-front-door?status=PARKED&level=purple")
    assert page.status == 400
    assert page.title.startswith("Error: ")
    assert error_summary(page) == ["Select a status from the list", "Select a level of need from the list"]


def test_a_screening_officer_takes_responsibility_from_the_holding_area(signed_in, staff, frozen):
    case = contact_at(at=datetime(2024, 11, 13, 10, 0, tzinfo=UTC))
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    officer = staff(NORTHSHIRE, Role.CASEWORKER)
    page = browser.get("/family-front-door")
    posted = browser.post(f"/family-front-door/contacts/{case.case_id}/responsibility",
                          {"csrf_token": page.csrf_token, "expected_version": str(case.version)})
    assert posted.status == 303 and posted.location == f"/family-front-door/contacts/{case.case_id}?done=responsibility"
    held = stored(case.case_id)
    assert held.screening_officer == officer and held.assignee == officer
    assert held.version == case.version + 1
    contact = browser.get(posted.location)
    assert "Responsibility taken" in contact.text and "You are the contact's screening officer" in contact.text
    assert f"{officer} took responsibility as screening officer." in contact.text  # the history, in a sentence
    row = row_of(browser.get("/family-front-door"), case.case_id)
    assert row.endswith(officer)  # held by them, and no button to take it again
    assert f'href="/family-front-door/contacts/{case.case_id}"' in browser.get("/").html  # and in their work


def test_taking_a_contact_someone_changed_meanwhile_says_so(signed_in, frozen):
    case = contact_at(at=datetime(2024, 11, 13, 10, 0, tzinfo=UTC))
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    token = browser.get("/family-front-door").csrf_token
    browser.post(f"/family-front-door/contacts/{case.case_id}/responsibility", {"csrf_token": token, "expected_version": str(case.version)})
    again = browser.post(f"/family-front-door/contacts/{case.case_id}/responsibility", {"csrf_token": token, "expected_version": str(case.version)})
    assert again.status == 409 and "This contact has changed since you opened it" in again.text
    assert stored(case.case_id).version == case.version + 1


def test_read_only_staff_see_the_holding_area_but_cannot_take_a_contact(signed_in, frozen):
    case = contact_at(at=datetime(2024, 11, 13, 10, 0, tzinfo=UTC))
    browser = signed_in(NORTHSHIRE, Role.READ_ONLY)
    page = browser.get("/family-front-door")
    assert page.status == 200 and case.case_id in contact_ids(page)
    assert "Take responsibility" not in page.text
    posted = browser.post(f"/family-front-door/contacts/{case.case_id}/responsibility",
                          {"csrf_token": page.csrf_token, "expected_version": str(case.version)})
    assert posted.status == 403
    assert stored(case.case_id).screening_officer is None


def test_another_councils_contact_is_not_found_on_any_route(signed_in):
    theirs = contact_at(VALEWYE)
    browser = signed_in(NORTHSHIRE, Role.TEAM_LEADER)
    token = browser.get("/family-front-door").csrf_token
    unknown = "NORTHSHIRE-000000-ZZZZZZ"
    for case_id in (theirs.case_id, unknown):
        for path in ("", "/responsibility", "/priority", "/request-information", "/outcome", "/notes", "/recovery", "/views"):
            address = f"/family-front-door/contacts/{case_id}{path}"
            assert browser.get(address).status == 404, address
            if path not in ("", "/views"):
                posted = browser.post(address, {"csrf_token": token, "expected_version": str(theirs.version), "level": "red",
                                                 "reason": "Worse than it looked.", "question": "Who lives there?",
                                                 "outcome": "NO_FURTHER_ACTION", "confirmed": "yes", "text": "A note."})
                assert posted.status == 404, address
    assert theirs.case_id not in browser.get("/family-front-door").html
    assert theirs.case_id not in browser.get("/family-front-door?status=SCREENING&level=amber").html
    after = stored(theirs.case_id, VALEWYE)
    assert after.version == theirs.version and after.screening_officer is None and after.outcome is None
    assert store_for(VALEWYE).load(theirs.case_id).notes == []
    assert [entry.action for entry in store_for(VALEWYE).views(theirs.case_id)] == []  # nobody read it


def test_a_council_that_does_not_run_the_service_has_none_of_these_pages(signed_in, monkeypatch):
    case = contact_at()
    browser = signed_in(NORTHSHIRE, Role.TEAM_LEADER)
    token = browser.get("/").csrf_token
    without = [council.model_copy(update={"services": {key: value for key, value in council.services.items() if key != SERVICE_KEY}})
               if council.code == NORTHSHIRE else council for council in councils()]
    monkeypatch.setattr(ffd_team, "councils", lambda: CouncilRegistry(without))
    for path in ("/family-front-door", "/family-front-door/dashboard", f"/family-front-door/contacts/{case.case_id}",
                 f"/family-front-door/contacts/{case.case_id}/outcome"):
        page = browser.get(path)
        assert page.status == 404 and page.title.startswith("Page not found"), path
    posted = browser.post(f"/family-front-door/contacts/{case.case_id}/responsibility",
                          {"csrf_token": token, "expected_version": str(case.version)})
    assert posted.status == 404 and stored(case.case_id).screening_officer is None


def test_the_service_is_in_the_navigation_of_its_councils_staff(signed_in):
    page = signed_in(NORTHSHIRE, Role.TEAM_LEADER).get("/")
    assert '<a class="govuk-service-navigation__link" href="/family-front-door"' in page.html
    assert '<a class="govuk-service-navigation__link" href="/family-front-door/dashboard"' in page.html


def test_the_holding_area_is_read_a_page_at_a_time(signed_in):
    closed = [contact_at(stage=ContactStage.CLOSED, form=concern(urgency=Urgency.ROUTINE)) for _ in range(ffd_holding.PAGE_SIZE + 1)]
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    first = browser.get("/family-front-door?status=CLOSED&level=green")
    assert first.status == 200 and len(contact_ids(first)) == ffd_holding.PAGE_SIZE
    next_link = re.search(r'<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next">', first.html)
    assert next_link, "no link to the next page"
    second = browser.get(next_link.group(1).replace("&amp;", "&"))
    assert second.status == 200 and "(page 2)" in second.text
    assert sorted(contact_ids(first) + contact_ids(second)) == sorted(case.case_id for case in closed)
    edited = browser.get("/family-front-door?status=CLOSED&level=green&cursor=not-a-cursor")
    assert edited.status == 200 and contact_ids(edited) == contact_ids(first)  # an edited link reads the first page


def test_each_read_of_the_team_pages_is_a_few_queries_and_never_a_scan(stack, request):
    """DynamoDB requests of the holding area's page, the single view of the child and the dashboard (the page's own reads;
    the session's are the same on every page)."""
    case = contact_at()
    store, council, now = store_for(NORTHSHIRE), councils().get(NORTHSHIRE), utcnow()
    calls = request.getfixturevalue("dynamodb_calls")
    holding_area(store, council, ContactStage.SCREENING, None, now, ffd_holding.PAGE_SIZE)
    assert dict(calls) == {"Query": 1}  # the stage-by-priority index
    calls.clear()
    holding_area(store, council, ContactStage.SCREENING, case.level, now, ffd_holding.PAGE_SIZE)
    assert dict(calls) == {"Query": 1}  # the level's own index
    calls.clear()
    earlier_contacts(store, case)
    assert dict(calls) == {"Query": 2}  # the child's search key, and the address's
    calls.clear()
    front_door_dashboard_tables(store, council, Period(now.date() - timedelta(days=27), now.date()), now, None)
    assert dict(calls) == {"Query": len(ContactStage) + 3}  # each stage's contacts of the period, and every open one now
