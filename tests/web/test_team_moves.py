"""Team leaders move a case to another team from its case page, for each service: Blue Badge's /cases/<id>/team and
adult social care's /referrals/<id>/team. Others see no form and are refused; another council's case is not found;
a form older than the case is refused with the "has changed" page."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from shared.bootstrap import store_for
from shared.core.domain.case import Case
from shared.resources import Role
from shared.services.blue_badge.domain.case import Stage
from tests.web.asc_triage.test_screening_pages import receive
from tests.web.case_fixtures import error_summary
from tests.web.queue_cases import put_case


@dataclass(frozen=True)
class Service:
    """Where one service's case page and its move form are."""

    page: str  # "{case_id}" filled in
    put: Callable[[str], Case]  # council -> a new case of the service in that council, in its usual team

    def path(self, case_id: str) -> str:
        return self.page.format(case_id=case_id)


BLUE_BADGE = Service("/cases/{case_id}", lambda council: put_case(council, Stage.DECISION, team="blue-badge"))
ASC_TRIAGE = Service("/referrals/{case_id}", lambda council: receive(council))
SERVICES = pytest.mark.parametrize("service", [BLUE_BADGE, ASC_TRIAGE], ids=["blue-badge", "asc-triage"])


def move_form(page, case_id: str, service: Service) -> str | None:
    match = re.search(rf'<form method="post" action="{re.escape(service.path(case_id))}/team".*?</form>', page.html, flags=re.S)
    return match.group(0) if match else None


def options(form: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"', form)


@SERVICES
def test_a_team_leader_moves_a_case_to_another_team(leader, service):
    case = service.put("NORTHSHIRE")
    page = leader.get(service.path(case.case_id))
    assert page.status == 200, page.text
    form = move_form(page, case.case_id, service)
    assert form and f'name="expected_version" value="{case.version}"' in form and 'name="csrf_token"' in form
    assert "community-ot" in options(form) and case.team not in options(form)  # its own team is not offered
    moved = leader.post(f"{service.path(case.case_id)}/team",
                        {"csrf_token": page.csrf_token, "expected_version": str(case.version), "team": "community-ot"})
    assert moved.status == 303
    after = leader.get(moved.location)
    assert after.status == 200 and ("govuk-panel" in after.html or "govuk-notification-banner--success" in after.html)
    stored = store_for("NORTHSHIRE").get(case.case_id)
    assert stored.team == "community-ot" and stored.version == case.version + 1
    entry = [entry for entry in store_for("NORTHSHIRE").history(case.case_id) if entry.action == "MOVED_TO_TEAM"][-1]
    assert entry.before == {"team": case.team} and entry.after == {"team": "community-ot"}
    assert "Community OT" in leader.get(service.path(case.case_id)).text  # the case page names its team


def test_the_blue_badge_move_and_the_referral_move_each_end_on_the_case_with_a_banner(leader):
    badge_case, referral = BLUE_BADGE.put("NORTHSHIRE"), ASC_TRIAGE.put("NORTHSHIRE")
    token = leader.get("/").csrf_token
    done = leader.post(f"/cases/{badge_case.case_id}/team", {"csrf_token": token, "expected_version": str(badge_case.version),
                                                              "team": "community-ot"})
    assert done.location == f"/cases/{badge_case.case_id}?done=team-moved"
    assert "Case moved to another team" in leader.get(done.location).text and "Community OT" in leader.get(done.location).text
    moved = leader.post(f"/referrals/{referral.case_id}/team", {"csrf_token": token, "expected_version": str(referral.version),
                                                                 "team": "safeguarding"})
    assert moved.location == f"/referrals/{referral.case_id}?moved=yes"
    banner = leader.get(moved.location)
    assert "Referral moved" in banner.text and "The referral is in the Adult safeguarding queue." in banner.text


@SERVICES
def test_an_unknown_team_is_named_in_an_error(leader, service):
    case = service.put("NORTHSHIRE")
    token = leader.get(service.path(case.case_id)).csrf_token
    for team in ("no-such-team", "", case.team):
        page = leader.post(f"{service.path(case.case_id)}/team", {"csrf_token": token, "expected_version": str(case.version), "team": team})
        assert page.status == 400 and page.title.startswith("Error: ")
        assert error_summary(page) == ["Select one of the teams listed to move the case to"] and 'href="#team"' in page.html
        assert 'id="team"' in page.html  # the select the summary links to, shown again
    assert store_for("NORTHSHIRE").get(case.case_id).team == case.team


def test_referrals_move_only_between_the_teams_with_referral_queues(leader):
    referral = ASC_TRIAGE.put("NORTHSHIRE")
    form = move_form(leader.get(f"/referrals/{referral.case_id}"), referral.case_id, ASC_TRIAGE)
    assert "blue-badge" not in options(form)
    page = leader.post(f"/referrals/{referral.case_id}/team",
                       {"csrf_token": leader.get("/").csrf_token, "expected_version": str(referral.version), "team": "blue-badge"})
    assert page.status == 400 and store_for("NORTHSHIRE").get(referral.case_id).team == referral.team


@SERVICES
def test_a_caseworker_sees_no_form_and_a_forged_post_is_refused(signed_in, service):
    case = service.put("NORTHSHIRE")
    browser = signed_in("NORTHSHIRE", Role.CASEWORKER)
    page = browser.get(service.path(case.case_id))
    assert page.status == 200 and move_form(page, case.case_id, service) is None and "Move to another team" not in page.text
    forged = browser.post(f"{service.path(case.case_id)}/team",
                          {"csrf_token": page.csrf_token, "expected_version": str(case.version), "team": "community-ot"})
    assert forged.status == 403
    assert browser.get(f"{service.path(case.case_id)}/team").status == 403
    assert store_for("NORTHSHIRE").get(case.case_id).team == case.team


@SERVICES
def test_another_councils_case_is_not_found(leader, service):
    theirs = service.put("VALEWYE")
    token = leader.get("/").csrf_token
    posted = leader.post(f"{service.path(theirs.case_id)}/team",
                         {"csrf_token": token, "expected_version": str(theirs.version), "team": "community-ot"})
    assert posted.status == 404
    assert store_for("VALEWYE").get(theirs.case_id).team == theirs.team


@SERVICES
def test_a_form_older_than_the_case_is_refused(leader, service):
    case = service.put("NORTHSHIRE")
    token = leader.get(service.path(case.case_id)).csrf_token
    first = leader.post(f"{service.path(case.case_id)}/team", {"csrf_token": token, "expected_version": str(case.version), "team": "community-ot"})
    assert first.status == 303
    stale = leader.post(f"{service.path(case.case_id)}/team", {"csrf_token": token, "expected_version": str(case.version), "team": "safeguarding"})
    assert stale.status == 409 and "has changed since you opened it" in stale.text
    assert store_for("NORTHSHIRE").get(case.case_id).team == "community-ot"
