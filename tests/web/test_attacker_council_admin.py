"""An attacker's posts to a council admin's service settings and email wording pages that the admin tests do not make:
fields smuggled beside the form's own (the service's team, the council's services, a setting only the deployment
decides), a team that is not the council's, a stale version, and a Welsh wording of a service or kind that is not there.
Each changes nothing beyond what the form shows."""

from __future__ import annotations

import pytest

from shared.bootstrap import council_admin_records_for, councils
from shared.resources import Role
from shared.services.family_front_door.domain.settings import front_door_settings
from tests.web import test_council_admin as admin_pages
from tests.web.case_fixtures import error_summary
from tests.web.conftest import Browser
from tests.web.test_council_admin import NORTHSHIRE, VALEWYE, send
from tests.web.test_council_admin_services import ASC, ASC_PAGE, FFD, FFD_PAGE

admin, settings_as_deployed = admin_pages.admin, admin_pages.settings_as_deployed
SMUGGLED = {"team": "blue-badge", "services.family-front-door.team": "blue-badge", "services": "blue-badge",
            "warn_within_hours": "0", "levels.0.response_hours": "0.5", "services.blue-badge.badge_fee_pence": "0",
            "teams": "stolen", "code": VALEWYE, "welsh_name": "Smuggled"}


def test_fields_beside_the_forms_own_change_nothing_else(admin):
    deployed = councils().deployed(NORTHSHIRE)
    assert send(admin, FFD_PAGE, {**FFD, **SMUGGLED}).status == 303
    stored = council_admin_records_for(NORTHSHIRE).settings().changes
    assert set(stored) == {"services"} and set(stored["services"]) == {"family-front-door"}
    assert set(stored["services"]["family-front-door"]) <= set(type(front_door_settings(deployed)).COUNCIL_EDITABLE)
    now = councils().get(NORTHSHIRE)
    assert front_door_settings(now).team == front_door_settings(deployed).team and now.team_keys == deployed.team_keys
    assert list(now.services) == list(deployed.services) and now.welsh_name == deployed.welsh_name
    assert now.settings_for("blue-badge") == deployed.settings_for("blue-badge")
    assert [level.response_hours for level in front_door_settings(now).levels] == [3, 6, 24]  # the form's, not the smuggled 0.5


@pytest.mark.parametrize("teams", [["no-such-team"], ["community-ot", "no-such-team"]])
def test_a_team_the_council_has_not_is_refused(admin, teams):
    page = send(admin, ASC_PAGE, {**ASC, "routing-teams": teams})
    assert page.status == 400 and error_summary(page) and 'href="#routing-teams"' in page.html
    assert council_admin_records_for(NORTHSHIRE).settings() is None


def test_a_stale_version_on_a_service_page_overwrites_nothing(admin, staff):
    form = admin.get(FFD_PAGE)
    other = Browser()
    other.sign_in(staff(NORTHSHIRE, Role.COUNCIL_ADMIN, email="other.admin@northshire.example.gov.uk"))
    assert send(other, FFD_PAGE, {**FFD, "colleagues-see": "yes"}).status == 303
    for version in ("0", "-1", "99999999999", ""):
        late = admin.post(FFD_PAGE, {**FFD, "csrf_token": form.csrf_token, "version": version})
        assert late.status == 409, version
    assert front_door_settings(councils().get(NORTHSHIRE)).colleagues_see_agency_submissions is True


@pytest.mark.parametrize("path", ["/admin/settings/emails/no-such-service/RECEIVED/welsh",
                                  "/admin/settings/emails/family-front-door/NO_SUCH_KIND/welsh",
                                  "/admin/settings/emails/family-front-door/..%2F..%2Fblue-badge/welsh"])
def test_welsh_wording_of_what_is_not_there_is_not_found(browser, staff, path):
    browser.sign_in(staff(VALEWYE, Role.COUNCIL_ADMIN, email="attacker.admin@valewye.example.gov.uk"))
    assert browser.get(path).status == 404
    token = browser.get("/admin/settings/emails").csrf_token
    assert browser.post(path, {"subject": "S", "body": "B", "version": "0", "csrf_token": token}).status == 404
    assert council_admin_records_for(VALEWYE).settings() is None
