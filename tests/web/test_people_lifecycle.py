"""A person's data rights through the real web handler on moto: the subject access export, and erasure asked for by
one council admin and confirmed by another."""

from __future__ import annotations

import io
import json
import re
import zipfile

from html import unescape
from urllib.parse import unquote

from shared.bootstrap import councils, evidence_files_for, store_for
from shared.core.domain.evidence import case_evidence_prefix
from shared.core.domain.retention import ERASED_ACTION, export_prefix
from shared.resources import Role
from tests.factories import complete_application
from shared.services.blue_badge.domain.case import Stage
from tests.web.case_fixtures import NORTHSHIRE, at, error_summary, open_case, send, someone_new
from tests.web.conftest import Browser


def admin(staff, name: str) -> Browser:
    browser = Browser()
    assert browser.sign_in(staff(NORTHSHIRE, Role.COUNCIL_ADMIN, email=f"{name}.admin@northshire.example.gov.uk")).status == 303
    return browser


def test_the_export_holds_every_case_of_the_person_with_its_documents(stack, staff):
    application = someone_new()
    again = complete_application(NORTHSHIRE, channel="PAPER", holder__surname=application["holder"]["surname"],
                                 holder__nino=application["holder"]["nino"])  # the same person applies again
    first, second = open_case(application), open_case(again)
    browser = admin(staff, "ada")
    assert "Export everything held about this person" in browser.get(f"/cases/{first}/person").text

    ready = send(browser, f"/cases/{first}/person/export", {})
    assert ready.status == 200 and "Export ready" in ready.text
    link = unescape(re.search(r'href="([^"]+)" download', ready.html).group(1))
    assert "X-Amz-Signature" in link and "attachment" in unquote(link)
    [key] = [key for key in evidence_files_for(NORTHSHIRE).keys(export_prefix(NORTHSHIRE)) if key.rsplit("/", 1)[-1] in link]
    body = evidence_files_for(NORTHSHIRE).read(key)
    archive = zipfile.ZipFile(io.BytesIO(body))
    record = json.loads(archive.read("personal-data.json"))
    assert {case["case"]["case_id"] for case in record["cases"]} == {first, second}
    assert all(case["history"] and "task_token" not in case["case"] for case in record["cases"])
    documents = [entry for entry in archive.namelist() if entry.startswith(f"documents/{first}/")]
    assert len(documents) == len(evidence_files_for(NORTHSHIRE).keys(case_evidence_prefix(NORTHSHIRE, first))) > 0
    assert any(entry.action == "PERSONAL_DATA_EXPORTED" for entry in store_for(NORTHSHIRE).history(first))


def test_another_councils_case_is_not_found_even_by_an_admin(stack, staff):
    case_id = open_case()
    browser = Browser()
    assert browser.sign_in(staff("VALEWYE", Role.COUNCIL_ADMIN)).status == 303
    for path in (f"/cases/{case_id}/person/export", f"/cases/{case_id}/person/erase", f"/cases/{case_id}/person/erasure"):
        assert browser.get(path).status == 404, path


def test_only_council_admins_see_the_data_rights_pages(stack, signed_in):
    case_id = open_case()
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    assert "Export everything held" not in browser.get(f"/cases/{case_id}/person").text
    for path in (f"/cases/{case_id}/person/export", f"/cases/{case_id}/person/erase", f"/cases/{case_id}/person/erasure"):
        assert browser.get(path).status == 403, path


def test_erasure_needs_a_reason(stack, staff):
    case_id = open_case()
    page = send(admin(staff, "ada"), f"/cases/{case_id}/person/erase", {})
    assert page.status == 400 and error_summary(page) == ["Select why the person's data is to be erased"]


def test_erasure_asked_by_one_admin_is_carried_out_when_another_confirms(stack, staff):
    case_id = open_case()
    at(case_id, Stage.PROOF_CHECK)  # the workflow has done its steps: nothing changes the case meanwhile
    store = store_for(NORTHSHIRE)
    holder = store.get(case_id).application.holder
    asker, confirmer = admin(staff, "ada"), admin(staff, "bob")

    asked = send(asker, f"/cases/{case_id}/person/erase", {"reason": "PERSON_ASKED"})
    assert asked.status == 303 and asked.location == f"/cases/{case_id}/person/erasure"
    own = asker.get(asked.location)
    request_id = re.search(r"Erasure request (E-[0-9A-F-]+)", own.text).group(1)
    assert "Another council admin must confirm it" in own.text and "Confirm and erase" not in own.text
    refused = asker.post(asked.location, {"csrf_token": own.csrf_token})
    assert refused.status == 409 and store.get(case_id) is not None
    assert any(entry.action == "ERASURE_REQUESTED" for entry in store.history(case_id))
    assert confirmer.get(f"/cases/{case_id}/person/erase").location == asked.location  # the second admin finds it waiting

    done = send(confirmer, asked.location, {})
    assert done.status == 200 and "Personal data erased" in done.text and case_id in done.text
    assert store.get(case_id) is None and store.lookup("NINO", holder.nino) == []
    assert evidence_files_for(NORTHSHIRE).keys(case_evidence_prefix(NORTHSHIRE, case_id)) == []
    [tombstone] = store.history(case_id)
    assert (tombstone.action, tombstone.actor) == (ERASED_ACTION, "user:bob.admin@northshire.example.gov.uk")
    assert tombstone.after["reason"] == "PERSON_ASKED" and tombstone.after["erasure_request"] == request_id
    assert tombstone.after["requested_by"] == "user:ada.admin@northshire.example.gov.uk"
    assert holder.surname not in tombstone.model_dump_json()
    assert confirmer.get(asked.location).status == 404  # carried out: gone from the pending requests


def test_the_privacy_page_states_each_councils_periods_from_its_configuration(browser):
    page = browser.get("/privacy")
    assert page.status == 200
    rows = {unescape(re.sub(r"<[^>]+>", " ", row)).split()[0]: row for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", page.html, re.S)}
    for council in councils():
        [row] = [html for name, html in rows.items() if council.name.startswith(name)]
        assert f"{council.retention.case_years} years" in row and f"{council.retention.intake_file_days} days" in row
