"""The Family Front Door dashboard in the web UI: contacts by agency and channel, accepted and not, conversion to
referrals, pending actions, time to outcome against the target, each contact with a link to it, and every table as a
CSV download through the engine's dashboard downloads; team leaders and council admins of the council only."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from shared.bootstrap import store_for
from shared.core.domain.case import AuditEntry, utcnow
from shared.resources import Role
from shared.services.family_front_door.domain.case import (
    ContactOutcome,
    ContactStage,
    Outcome,
)
from shared.services.family_front_door.domain.submission import Urgency
from tests.web.test_ffd_holding import NORTHSHIRE, VALEWYE, concern, contact_at, partner

DASHBOARD = "/family-front-door/dashboard"


def decided(case, outcome: ContactOutcome, after: timedelta):
    """The contact closed with `outcome`, recorded `after` its receipt (as the workflow leaves it)."""
    at = case.received_at + after
    stage = ContactStage.ACCEPTED if outcome in (ContactOutcome.REFER_TO_CSC, ContactOutcome.EARLY_HELP) else ContactStage.CLOSED
    done = case.changed(at, stage=stage, task_token=None, outcome=Outcome(outcome=outcome, reply="Thank you.", by="officer@x.gov.uk", at=at))
    store_for(case.council_code).save(done, expected_version=case.version, audit=AuditEntry(
        case_id=case.case_id, at=at, actor="workflow", action="STAGE_CHANGED", before={"stage": case.stage.value},
        after={"stage": stage.value}))
    return done


def rows(table_csv: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(table_csv.lstrip("\ufeff"))))


def test_the_dashboard_counts_the_councils_contacts_and_leads_to_each(signed_in):
    agency = partner(agency="northby-police", name=f"Northby Police {utcnow():%H%M%S%f}")
    monday_10am = datetime(2024, 11, 11, 10, 0, tzinfo=UTC)
    referred = decided(contact_at(at=monday_10am, sender=agency, form=concern(urgency=Urgency.TODAY)),
                       ContactOutcome.REFER_TO_CSC, timedelta(hours=1))  # within red's 2 business hours
    advised = decided(contact_at(at=monday_10am, sender=agency), ContactOutcome.INFORMATION_AND_ADVICE,
                      timedelta(days=2))  # after amber's 6
    waiting = contact_at(at=monday_10am, sender=agency)
    theirs = contact_at(VALEWYE, at=monday_10am)
    browser = signed_in(NORTHSHIRE, Role.TEAM_LEADER)
    period = "from-day=11&from-month=11&from-year=2024&to-day=11&to-month=11&to-year=2024"
    page = browser.get(f"{DASHBOARD}?{period}")
    assert page.status == 200, page.text
    assert page.title == "Family Front Door dashboard - Family Front Door"
    for caption in ("At a glance", "Contacts by agency", "Contacts by channel", "Outcomes", "Time to outcome against the target",
                    "Pending actions now", "Each contact"):
        assert caption in page.text, caption
    for case in (referred, advised, waiting):
        assert f'<a class="govuk-link" href="/family-front-door/contacts/{case.case_id}">{case.case_id}</a>' in page.html
    assert theirs.case_id not in page.html
    assert f"/dashboards/family-front-door/contacts.csv?{period}" in page.html.replace("&amp;", "&")

    agencies = rows(browser.get(f"/dashboards/family-front-door/agencies.csv?{period}").html)
    assert [agency.agency_name, "3"] == agencies[[row[0] for row in agencies].index(agency.agency_name)][:2]
    listed = {row[0]: row for row in rows(browser.get(f"/dashboards/family-front-door/contacts.csv?{period}").html)}
    assert listed[referred.case_id][6:] == ["Accepted", "Referred to children's social care", "Yes", "1.0"]
    assert listed[advised.case_id][6:9] == ["Closed", "Information and advice given", "No"]
    assert listed[waiting.case_id][6:] == ["Waiting for screening", "", "", ""]
    assert theirs.case_id not in listed
    glance = {row[0]: row for row in rows(browser.get(f"/dashboards/family-front-door/key-figures.csv?{period}").html)}
    accepted, not_accepted = glance["Accepted (referred to children's social care or early help)"], \
        glance["Not accepted (information and advice, or no further action)"]
    assert int(accepted[1]) >= 1 and int(not_accepted[1]) >= 1 and accepted[2] == not_accepted[2]
    assert "Converted to a referral to children's social care" in glance
    pending = {row[0]: row for row in rows(browser.get(f"/dashboards/family-front-door/pending.csv?{period}").html)}
    assert int(pending["Waiting for the team's decision"][1]) >= 1 and int(pending["Waiting for the team's decision"][2]) >= 1


def test_a_wrong_period_is_an_error_naming_the_box(signed_in):
    page = signed_in(NORTHSHIRE, Role.TEAM_LEADER).get(f"{DASHBOARD}?from-day=31&from-month=2&from-year=2024")
    assert page.status == 400 and page.title.startswith("Error: ")
    assert "Enter a real date for the start of the period" in page.text


def test_only_team_leaders_and_council_admins_see_it(signed_in):
    assert signed_in(NORTHSHIRE, Role.CASEWORKER).get(DASHBOARD).status == 403
    assert signed_in(NORTHSHIRE, Role.COUNCIL_ADMIN).get(DASHBOARD).status == 200
