"""The operations pages (web/pages/operations.py) through the real web handler: parked applications corrected and
replayed, badges the printer rejected, cases needing attention; roles and tenant isolation as the API has them."""

from __future__ import annotations

import json
import re
import uuid

import pytest

from shared.bootstrap import intake_service, store_for
from shared.core.domain.case import AuditEntry, ParkedStatus, utcnow
from shared.resources import Role
from shared.services.blue_badge.domain.badge import BadgeStatus
from shared.services.blue_badge.domain.case import Stage
from tests.factories import complete_application
from tests.integration.conftest import case_actions, upload_intake_files
from tests.web.case_fixtures import NORTHSHIRE, at, error_summary, open_case, send, someone_new
from tests.web.test_case_actions import move_badge, ordered_badge


def park(council: str = NORTHSHIRE, **overrides) -> str:
    """A Northshire application with a date of birth that is not a date and no application type: parked."""
    application = upload_intake_files(someone_new(**overrides) if council == NORTHSHIRE else complete_application(council, **overrides))
    application["holder"]["date_of_birth"] = "tenth of December"
    del application["application_type"]
    outcome = intake_service().receive(application, "test:bus")
    assert outcome.parked_id, outcome
    return outcome.parked_id


def field_id(path: str) -> str:
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", path)


def test_a_parked_application_is_opened_with_its_reasons_beside_the_fields_corrected_and_replayed(signed_in):
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    parked_id = park()
    listed = browser.get("/operations/parked")
    assert listed.status == 200 and f'href="/operations/parked/{parked_id}"' in listed.html

    page = browser.get(f"/operations/parked/{parked_id}")
    assert page.status == 200
    # The bad value with its reason beside it, and an empty field for the one missing.
    assert re.search(rf'id="{field_id("holder.date_of_birth")}-error".*?Input should be a valid date', page.html, flags=re.S)
    assert f'id="{field_id("application_type")}"' in page.html and "Field required" in page.text

    still_wrong = send(browser, f"/operations/parked/{parked_id}",
                       {"action": "fields", "field.holder.date_of_birth": "1958-12-10", "field.application_type": "OLD"})
    assert still_wrong.status == 400 and "Still not a valid application" in error_summary(still_wrong)[0]
    assert re.search(rf'id="{field_id("application_type")}-error".*?NEW', still_wrong.html, flags=re.S)  # the new reason, beside it

    done = send(browser, f"/operations/parked/{parked_id}", {"action": "fields", "field.holder.date_of_birth": "1958-12-10",
                                                            "field.application_type": "NEW"})
    assert done.status == 303 and done.location.startswith(f"/operations/parked/{parked_id}?done=")
    parked = store_for(NORTHSHIRE).get_parked(parked_id)
    assert parked.status is ParkedStatus.REPLAYED and parked.attempts == 2
    case = store_for(NORTHSHIRE).get(parked.replayed_case_id)
    assert str(case.application.holder.date_of_birth) == "1958-12-10" and case.application.application_type.value == "NEW"
    assert case_actions(store_for(NORTHSHIRE), case.case_id)[0] == "CASE_OPENED"  # audited as the API's replay is
    confirmation = browser.get(done.location)
    assert f'href="/cases/{case.case_id}"' in confirmation.html and "Correct and try again" not in confirmation.text


def test_a_parked_application_is_corrected_as_json(signed_in):
    browser = signed_in(NORTHSHIRE, Role.TEAM_LEADER)
    parked_id = park()
    payload = intake_service().open_parked(store_for(NORTHSHIRE), parked_id).payload
    bad = send(browser, f"/operations/parked/{parked_id}", {"action": "json", "payload-json": "{not json"})
    assert bad.status == 400 and error_summary(bad)[0].startswith("Enter the application as JSON")
    payload |= {"application_type": "NEW", "holder": {**payload["holder"], "date_of_birth": "1958-12-10"}}
    done = send(browser, f"/operations/parked/{parked_id}", {"action": "json", "payload-json": json.dumps(payload)})
    assert done.status == 303
    assert store_for(NORTHSHIRE).get_parked(parked_id).status is ParkedStatus.REPLAYED


def test_another_councils_parked_application_is_not_found_and_assessors_may_not_replay(signed_in, browser, staff):
    valewye_parked = park("VALEWYE")
    northshire = signed_in(NORTHSHIRE, Role.CASEWORKER)
    for path in (f"/operations/parked/{valewye_parked}", "/operations/parked/P-NOT-THERE-1"):
        assert northshire.get(path).status == 404
    assert valewye_parked not in northshire.get("/operations/parked").html
    forged = northshire.post(f"/operations/parked/{valewye_parked}", {"action": "as-is", "csrf_token": northshire.get("/operations").csrf_token})
    assert forged.status == 404 and store_for("VALEWYE").get_parked(valewye_parked).status is ParkedStatus.PARKED

    assessor = type(browser)()
    assessor.sign_in(staff(NORTHSHIRE, Role.ASSESSOR))
    assert assessor.get("/operations/parked").status == 403
    assert assessor.get("/operations/rejected-badges").status == 403
    assert assessor.get("/operations/attention").status == 403


def test_rejected_badges_are_listed_with_the_printers_reason_and_reordered_on_their_case(signed_in, browser, staff):
    caseworker = signed_in(NORTHSHIRE, Role.CASEWORKER)
    case_id, number = ordered_badge(caseworker)
    move_badge(number, BadgeStatus.PROCESSED)
    problem = f"Surname too long for the card {uuid.uuid4().hex[:6]}"
    move_badge(number, BadgeStatus.REJECT, print_problem=problem)
    page = caseworker.get("/operations/rejected-badges")
    assert page.status == 200 and problem in page.text
    reorder = f"/cases/{case_id}/badges/{number}/reorder"
    assert f'href="{reorder}"' in page.html
    holder = store_for(NORTHSHIRE).get(case_id).application.holder
    done = send(caseworker, reorder, {"forenames": "Ada", "surname": "Short", "line1": "12 Mill Lane", "line2": "",
                                      "town": "Northby", "postcode": holder.address.postcode})
    assert done.status == 303, error_summary(done)
    assert problem not in caseworker.get("/operations/rejected-badges").text
    assert "BADGE_REORDERED" in case_actions(store_for(NORTHSHIRE), case_id)

    reader = type(browser)()
    reader.sign_in(staff(NORTHSHIRE, Role.READ_ONLY))
    assert reader.get("/operations/rejected-badges").status == 200
    valewye = type(browser)()
    valewye.sign_in(staff("VALEWYE", Role.CASEWORKER))
    assert valewye.get(reorder).status == 404  # another council's case and badge number


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.READ_ONLY])
def test_cases_needing_attention_are_listed_with_the_reason_only_in_their_council(signed_in, browser, staff, role):
    case_id = open_case()
    store = store_for(NORTHSHIRE)
    case = at(case_id, Stage.PROOF_CHECK)  # a stage where the workflow waits for a person
    reason = f"the workflow waits at Decision but the case is at {case.stage.value} ({uuid.uuid4().hex[:6]})"
    store.save(case.changed(utcnow(), needs_attention=reason), expected_version=case.version,
               audit=AuditEntry(case_id=case_id, at=utcnow(), actor="test:reconciler", action="NEEDS_ATTENTION", after={"reason": reason}))
    page = signed_in(NORTHSHIRE, role).get("/operations/attention")
    assert page.status == 200 and reason in page.text and f'href="/cases/{case_id}"' in page.html
    valewye = type(browser)()
    valewye.sign_in(staff("VALEWYE", Role.CASEWORKER))
    assert reason not in valewye.get("/operations/attention").text
    assert valewye.get(f"/cases/{case_id}").status == 404
