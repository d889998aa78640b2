"""My work across services: the caller's cases of every service the council runs, each linking to its own service's
case page, and the queues of the caller's teams; a council that runs only adult social care triage has it too."""

from __future__ import annotations

import re
import uuid

import boto3
import pytest

from shared.bootstrap import councils, store_for
from shared.core.domain.case import AuditEntry, Case, utcnow
from shared.core.domain.council import CouncilRegistry
from shared.resources import DEFAULT_REGION, Role, team_group
from shared.services.blue_badge import SERVICE_KEY as BLUE_BADGE
from shared.services.blue_badge.domain.case import Stage
from tests.web.asc_triage.test_screening_pages import receive
from tests.web.queue_cases import put_case
from web.pages import work


WORKER_TEAMS = frozenset({"blue-badge", "asc-front-door"})


@pytest.fixture
def worker(staff, stack):
    """A caseworker of Northshire's Blue Badge and ASC front door teams (team groups in the user pool)."""
    email = staff("NORTHSHIRE", Role.CASEWORKER, email=f"worker-{uuid.uuid4().hex[:8]}@northshire.example")
    cognito = boto3.client("cognito-idp", region_name=DEFAULT_REGION)
    for team in WORKER_TEAMS:
        cognito.admin_add_user_to_group(UserPoolId=stack.user_pool_id, Username=email, GroupName=team_group("NORTHSHIRE", team))
    return email


def assigned(case: Case, assignee: str) -> Case:
    """The case given to `assignee` (a conditional, audited save, as an allocation is)."""
    now = utcnow()
    given = case.changed(now, assignee=assignee)
    store_for(case.council_code).save(given, expected_version=case.version,
                                      audit=AuditEntry(case_id=case.case_id, at=now, actor="test", action="ASSIGNED", after={"assignee": assignee}))
    return given


def row_of(page, case_id: str) -> str:
    match = re.search(rf'<tr class="govuk-table__row[^"]*">(?:(?!</tr>).)*?/{case_id}".*?</tr>', page.html, flags=re.S)
    assert match, f"no row for {case_id}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))).strip()


def team_links(page) -> dict[str, str]:
    section = page.html.split("Your teams", 1)[1]
    return {text: href.replace("&amp;", "&") for href, text in re.findall(r'<a class="govuk-link" href="([^"]+)">([^<]+)</a>', section)}


def test_a_council_running_only_adult_social_care_has_my_work(browser, worker, monkeypatch):
    only_triage = [council.model_copy(update={"services": {key: value for key, value in council.services.items() if key != BLUE_BADGE}})
                   if council.code == "NORTHSHIRE" else council for council in councils()]
    monkeypatch.setattr(work, "councils", lambda: CouncilRegistry(only_triage))
    referral = assigned(receive("NORTHSHIRE"), worker)
    browser.sign_in(worker)
    page = browser.get("/")
    assert page.status == 200, page.text
    assert f'href="/referrals/{referral.case_id}"' in page.html
    adult = referral.application.adult  # rows name the person, then the case
    assert row_of(page, referral.case_id).startswith(f"{adult.given_name} {adult.family_name} Case {referral.case_id} Adult social care referrals ")
    assert "Screening" in row_of(page, referral.case_id)
    assert "Target:" not in page.text and "Against target" not in page.text  # Blue Badge's KPI is not this council's
    assert team_links(page) == {"ASC front door": "/referrals?team=asc-front-door"}  # its Blue Badge team has no queue here


def test_a_council_running_both_services_lists_the_cases_of_both(browser, worker):
    badge_case = put_case(stage=Stage.DECISION, days_old=60, assignee=worker)
    referral = assigned(receive("NORTHSHIRE"), worker)
    put_case(stage=Stage.DECISION, assignee="someone-else@northshire.example")
    browser.sign_in(worker)
    page = browser.get("/")
    assert page.status == 200, page.text
    assert re.findall(r'href="/(cases|referrals)/([A-Z0-9-]+)"', page.html) == [("cases", badge_case.case_id),
                                                                              ("referrals", referral.case_id)]  # oldest first
    badge_row, referral_row = row_of(page, badge_case.case_id), row_of(page, referral.case_id)
    assert "Blue Badge" in badge_row and "Overdue" in badge_row and "Decision" in badge_row
    assert "Adult social care referrals" in referral_row and "No Blue Badge target" in referral_row and "Overdue" not in referral_row
    assert "within 30 working days" in page.text and "1 of the cases on this page is past the target" in page.text
    links = team_links(page)
    assert links == {"Blue Badge": "/queue?team=blue-badge", "ASC front door": "/referrals?team=asc-front-door"}
    for href in links.values():
        assert browser.get(href).status == 200, href


def test_with_no_cases_it_points_to_each_services_queue(browser, staff):
    browser.sign_in(staff("NORTHSHIRE", Role.CASEWORKER, email=f"idle-{uuid.uuid4().hex[:8]}@northshire.example"))
    page = browser.get("/")
    assert "No cases are assigned to you." in page.text
    assert 'href="/queue">Blue Badge</a>' in page.html and 'href="/referrals">Adult social care referrals</a>' in page.html
    assert "Your teams" not in page.text  # in no team
