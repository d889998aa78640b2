"""A referral whose workflow stopped is offered to a council admin to resume, from the referral page, as a Blue Badge
case is: the engine's recovery (shared.core.logic.recovery) restarts it where it stands."""

from __future__ import annotations

from shared.bootstrap import store_for
from shared.core.domain.case import AuditEntry, utcnow
from shared.resources import Role
from shared.services.asc_triage.domain.case import ReferralCase
from tests.web.asc_triage.test_screening_pages import NORTHSHIRE, receive
from tests.web.case_fixtures import send

VALEWYE = "VALEWYE"


def stopped(case: ReferralCase) -> ReferralCase:
    """The referral as the reconciler leaves one whose execution failed: flagged, no task waiting."""
    now = utcnow()
    flagged = case.changed(now, task_token=None, needs_attention="the workflow execution ended FAILED")
    store_for(case.council_code).save(flagged, expected_version=case.version, audit=AuditEntry(
        case_id=case.case_id, at=now, actor="test", action="NEEDS_ATTENTION", after={"reason": flagged.needs_attention}))
    return flagged


def test_an_admin_resumes_a_stopped_referral_from_its_page(signed_in):
    case = stopped(receive())
    admin = signed_in(NORTHSHIRE, Role.COUNCIL_ADMIN)
    page = admin.get(f"/referrals/{case.case_id}")
    assert f'href="/referrals/{case.case_id}/recovery"' in page.html and "Screen the referral" not in page.html

    resumed = send(admin, f"/referrals/{case.case_id}/recovery", {})
    assert resumed.status == 303 and resumed.location == f"/referrals/{case.case_id}?resumed=yes"
    restarted = store_for(NORTHSHIRE).get(case.case_id)
    assert restarted.workflow_restarts == 1 and restarted.needs_attention is None
    assert "WORKFLOW_RESTARTED" in [entry.action for entry in store_for(NORTHSHIRE).history(case.case_id)]
    assert "Workflow resumed" in admin.get(resumed.location).html


def test_a_second_resume_finds_nothing_to_resume_and_a_waiting_referral_offers_none(signed_in):
    case = stopped(receive())
    admin = signed_in(NORTHSHIRE, Role.COUNCIL_ADMIN)
    assert send(admin, f"/referrals/{case.case_id}/recovery", {}).status == 303
    again = send(admin, f"/referrals/{case.case_id}/recovery", {}, version=case.version)  # a second click, or tab
    assert again.status == 400 and "nothing to resume" in again.html
    assert store_for(NORTHSHIRE).get(case.case_id).workflow_restarts == 1

    waiting = receive()  # its workflow task waits: a screening officer's step, nothing stopped
    assert f"/referrals/{waiting.case_id}/recovery" not in admin.get(f"/referrals/{waiting.case_id}").html


def test_only_a_council_admin_of_the_referrals_council_may_resume_it(signed_in):
    case = stopped(receive())
    caseworker = signed_in(NORTHSHIRE, Role.CASEWORKER)
    assert "/recovery" not in caseworker.get(f"/referrals/{case.case_id}").html
    assert caseworker.get(f"/referrals/{case.case_id}/recovery").status == 403
    other_admin = signed_in(VALEWYE, Role.COUNCIL_ADMIN)
    assert other_admin.get(f"/referrals/{case.case_id}/recovery").status == 404
    assert store_for(NORTHSHIRE).get(case.case_id).workflow_restarts == 0
