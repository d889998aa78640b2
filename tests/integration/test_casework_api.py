"""The caseworker API around the workflow: work queues (filters, sorting, paging), priority, bulk
reassignment, notes, search, the single view of a person, organisation badges and renewals.

Every test makes its own cases for people nobody else in the run is, and asserts on those only: the
moto stack is shared by the whole package, so a queue always holds other tests' cases too.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from urllib.parse import urlencode

import pytest

from shared.bootstrap import councils, store_for
from shared.services.blue_badge.domain.application import Application
from shared.services.blue_badge.domain.badge import is_issuable
from shared.core.domain.case import AuditEntry, utcnow
from shared.core.domain.working_days import working_days_between
from shared.services.blue_badge.domain.case import Stage
from shared.services.blue_badge.domain.completeness import missing_items
from shared.resources import Role, WorkflowKey
from shared.services.blue_badge.domain.case import BadgeCase
from tests.factories import REMOVE, complete_application
from tests.integration.conftest import upload_intake_files
from tests.integration.test_decisions import act, at, key_in, order_a_badge, someone_new

NORTHSHIRE, VALEWYE = "NORTHSHIRE", "VALEWYE"
CASEWORKER = "casey.queue@northshire.example.gov.uk"
TEAM_LEADER = "lee.leader@northshire.example.gov.uk"
WALKD = {"code": "WALKD", "walking": {"difficulties": ["PAIN"], "speed": "SLOW", "length_of_time": "FEWMIN"}}
DLA = {"code": "DLA", "benefit": {"award_start": "2024-01-01", "indefinite": True}}
UNKNOWN_CASE = "NORTHSHIRE-000101-ZZZZZZ"

STAGES_ENTERED = ("CASE_OPENED", "STAGE_CHANGED")  # intake opens a case at its first working stage


@pytest.fixture
def caseworker(api_as):
    return api_as(NORTHSHIRE, Role.CASEWORKER, user=CASEWORKER)


@pytest.fixture
def leader(api_as):
    return api_as(NORTHSHIRE, Role.TEAM_LEADER, user=TEAM_LEADER)


def tag() -> str:
    return "".join(random.choices("abcdefghjkmnpqrstuvwxyz", k=8))


def unique_user(role: str) -> str:
    """A sign-in nobody else uses, so their queue holds only this test's cases."""
    return f"{role}.{tag()}@northshire.example.gov.uk"


def whole_queue(api, **query) -> list[dict]:
    """Every entry of a work queue, following the cursor page by page to the end."""
    entries, cursor = [], None
    for _ in range(200):
        params = {**query, "limit": query.get("limit", 100)} | ({"cursor": cursor} if cursor else {})
        status, body = api.call("GET", "/cases?" + urlencode(params))
        assert status == 200, body
        entries += body["cases"]
        cursor = body["cursor"]
        if cursor is None:
            return entries
    raise AssertionError(f"queue {query} did not end after 200 pages")


def ids(entries: list[dict]) -> list[str]:
    return [entry["case_id"] for entry in entries]


def ours(entries: list[dict], *case_ids: str) -> list[str]:
    """The queue's order of this test's cases (other tests' cases left out)."""
    return [case_id for case_id in ids(entries) if case_id in case_ids]


def version_of(api, case_id: str) -> int:
    status, body = api.call("GET", f"/cases/{case_id}")
    assert status == 200, body
    return body["case"]["version"]


def received_long_ago(days: float, council: str = NORTHSHIRE, **overrides) -> str:
    """A case received `days` ago, written the way intake writes it, with no workflow: it stays at RECEIVED."""
    application = Application.model_validate(someone_new(**overrides) | {"council_code": council})
    when = utcnow() - timedelta(days=days)
    case = BadgeCase.open(application, missing_items(application, councils().get(council)), when)
    store_for(council).create(case, AuditEntry(case_id=case.case_id, at=when, actor="test", action="CASE_OPENED"))
    return case.case_id


def set_priority(api, case_id: str, priority: int) -> dict:
    status, body = api.call("POST", f"/cases/{case_id}/priority", {"expected_version": version_of(api, case_id), "priority": priority})
    assert status == 200, body
    return body["case"]


# ------------------------------------------------------------------ work queues


def test_queues_filter_by_stage_type_and_route_alone_and_combined(caseworker, api_as):
    new_pip = key_in(caseworker, someone_new())
    renew_pip = key_in(caseworker, someone_new(application_type="RENEW"))
    new_dla = key_in(caseworker, someone_new(eligibility=DLA))
    new_walkd = key_in(caseworker, someone_new(eligibility=WALKD))
    renew_walkd = key_in(caseworker, someone_new(application_type="RENEW", eligibility=WALKD))
    everyone = (new_pip, renew_pip, new_dla, new_walkd, renew_walkd)
    for case_id in (new_pip, renew_pip, new_dla):
        at(case_id, Stage.PROOF_CHECK)
    for case_id in (new_walkd, renew_walkd):
        at(case_id, Stage.ASSESSMENT)

    proof_check = whole_queue(caseworker, stage="PROOF_CHECK")
    assert ours(proof_check, *everyone) == [new_pip, renew_pip, new_dla]  # oldest first
    assert {entry["stage"] for entry in proof_check} == {"PROOF_CHECK"}
    assert ours(whole_queue(caseworker, stage="PROOF_CHECK", sort="newest"), *everyone) == [new_dla, renew_pip, new_pip]
    assert ours(whole_queue(caseworker, stage="ASSESSMENT"), *everyone) == [new_walkd, renew_walkd]
    [entry] = [entry for entry in proof_check if entry["case_id"] == new_pip]
    assert entry | {"received_at": None, "version": None} == {
        "case_id": new_pip, "stage": "PROOF_CHECK", "received_at": None, "application_type": "NEW", "channel": "PAPER",
        "route": "PIP", "priority": 50, "version": None, "assignee": None, "referred_to": None, "missing": [], "needs_attention": None}

    renewals = whole_queue(caseworker, stage="PROOF_CHECK", application_type="RENEW")
    assert ours(renewals, *everyone) == [renew_pip]
    assert {(entry["stage"], entry["application_type"]) for entry in renewals} == {("PROOF_CHECK", "RENEW")}
    assert ours(whole_queue(caseworker, stage="ASSESSMENT", application_type="RENEW"), *everyone) == [renew_walkd]

    dla = whole_queue(caseworker, stage="PROOF_CHECK", route="DLA")
    assert ours(dla, *everyone) == [new_dla] and {entry["route"] for entry in dla} == {"DLA"}

    combined = whole_queue(caseworker, stage="PROOF_CHECK", application_type="NEW", route="PIP")
    assert ours(combined, *everyone) == [new_pip]
    assert {(entry["stage"], entry["application_type"], entry["route"]) for entry in combined} == {("PROOF_CHECK", "NEW", "PIP")}
    assert ours(whole_queue(caseworker, stage="ASSESSMENT", application_type="NEW", route="WALKD"), *everyone) == [new_walkd]
    assert ours(whole_queue(caseworker, stage="PROOF_CHECK", application_type="RENEW", route="DLA"), *everyone) == []
    assert ours(whole_queue(caseworker, stage="ASSESSMENT", route="PIP"), *everyone) == []

    # Read-only staff see the same queues; another council's staff see none of these cases.
    assert ours(whole_queue(api_as(NORTHSHIRE, Role.READ_ONLY), stage="PROOF_CHECK", route="DLA"), *everyone) == [new_dla]
    assert ours(whole_queue(api_as(VALEWYE, Role.CASEWORKER), stage="PROOF_CHECK"), *everyone) == []


def test_my_cases_after_claiming_and_assignee_combined_with_stage_type_and_route(api_as, leader):
    me = unique_user("claimer")
    claimer = api_as(NORTHSHIRE, Role.CASEWORKER, user=me)
    pip = key_in(claimer, someone_new())
    walkd = key_in(claimer, someone_new(eligibility=WALKD))
    renewal = key_in(claimer, someone_new(application_type="RENEW"))
    unclaimed = key_in(claimer, someone_new())
    for case_id, stage in ((pip, Stage.PROOF_CHECK), (walkd, Stage.ASSESSMENT), (renewal, Stage.PROOF_CHECK), (unclaimed, Stage.PROOF_CHECK)):
        at(case_id, stage)
    assert whole_queue(claimer, assignee="me") == []
    for case_id in (pip, walkd, renewal):
        status, body = claimer.call("POST", f"/cases/{case_id}/assignment", {"expected_version": version_of(claimer, case_id), "assignee": me})
        assert status == 200 and body["case"]["assignee"] == me

    mine = whole_queue(claimer, assignee="me")
    assert ids(mine) == [pip, walkd, renewal] and {entry["assignee"] for entry in mine} == {me}
    assert ids(whole_queue(claimer, assignee="me", sort="newest")) == [renewal, walkd, pip]
    assert ids(whole_queue(claimer, assignee="me", stage="PROOF_CHECK")) == [pip, renewal]
    assert ids(whole_queue(claimer, assignee="me", stage="ASSESSMENT")) == [walkd]
    assert ids(whole_queue(claimer, assignee="me", stage="PROOF_CHECK", application_type="RENEW")) == [renewal]
    assert ids(whole_queue(claimer, assignee="me", route="WALKD")) == [walkd]
    assert ids(whole_queue(claimer, assignee="me", stage="DECISION")) == []
    # Anyone in the council can look at a person's queue by their email; "me" is always the caller.
    assert ids(whole_queue(leader, assignee=me)) == [pip, walkd, renewal]
    assert ids(whole_queue(api_as(NORTHSHIRE, Role.READ_ONLY), assignee=me, stage="ASSESSMENT")) == [walkd]
    assert not {pip, walkd, renewal} & set(ids(whole_queue(api_as(NORTHSHIRE, Role.CASEWORKER, user=unique_user("other")), assignee="me")))
    assert whole_queue(api_as(VALEWYE, Role.TEAM_LEADER), assignee=me) == []


def test_older_than_days_and_oldest_or_newest_first(caseworker):
    oldest, older, recent = received_long_ago(400), received_long_ago(200), received_long_ago(10)
    everyone = (oldest, older, recent)

    # Working days (England's): 400 calendar days ago is some 275 working days, 200 some 137, 10 at least 4.
    assert ours(whole_queue(caseworker, stage="RECEIVED", older_than_days=300), *everyone) == []
    assert ours(whole_queue(caseworker, stage="RECEIVED", older_than_days=150), *everyone) == [oldest]
    assert ours(whole_queue(caseworker, stage="RECEIVED", older_than_days=100), *everyone) == [oldest, older]
    assert ours(whole_queue(caseworker, stage="RECEIVED", older_than_days=2), *everyone) == [oldest, older, recent]
    assert ours(whole_queue(caseworker, stage="RECEIVED", older_than_days=0, sort="oldest"), *everyone) == [oldest, older, recent]
    assert ours(whole_queue(caseworker, stage="RECEIVED", older_than_days=2, sort="newest"), *everyone) == [recent, older, oldest]
    assert ours(whole_queue(caseworker, stage="RECEIVED", older_than_days=100, sort="priority"), *everyone) == [oldest, older]
    assert ours(whole_queue(caseworker, stage="RECEIVED", older_than_days=3650), *everyone) == []
    entries = whole_queue(caseworker, stage="RECEIVED", older_than_days=150)
    today = utcnow().date()
    assert all(working_days_between(datetime.fromisoformat(entry["received_at"]).date(), today, "ENG") > 150 for entry in entries)
    [entry] = [entry for entry in entries if entry["case_id"] == oldest]
    assert abs(datetime.fromisoformat(entry["received_at"]) - (utcnow() - timedelta(days=400))) < timedelta(minutes=5)


def test_priority_sorts_highest_first_and_min_priority_filters(caseworker, leader):
    low, default, high = key_in(caseworker, someone_new()), key_in(caseworker, someone_new()), key_in(caseworker, someone_new())
    everyone = (low, default, high)
    for case_id in everyone:
        at(case_id, Stage.PROOF_CHECK)
    set_priority(leader, low, 20)
    set_priority(leader, high, 90)

    by_priority = whole_queue(caseworker, stage="PROOF_CHECK", sort="priority")
    assert ours(by_priority, *everyone) == [high, default, low]
    # The whole queue is in priority order, and oldest first within a priority.
    keys = [(-entry["priority"], entry["received_at"]) for entry in by_priority]
    assert keys == sorted(keys)
    assert ours(whole_queue(caseworker, stage="PROOF_CHECK"), *everyone) == [low, default, high]
    assert [entry["priority"] for entry in by_priority if entry["case_id"] in everyone] == [90, 50, 20]

    urgent = whole_queue(caseworker, stage="PROOF_CHECK", min_priority=60)
    assert ours(urgent, *everyone) == [high] and all(entry["priority"] >= 60 for entry in urgent)
    assert ours(whole_queue(caseworker, stage="PROOF_CHECK", min_priority=50), *everyone) == [default, high]
    assert ours(whole_queue(caseworker, stage="PROOF_CHECK", min_priority=50, sort="priority"), *everyone) == [high, default]
    assert ours(whole_queue(caseworker, stage="PROOF_CHECK", sort="priority", application_type="NEW", route="PIP"), *everyone) == [high, default, low]
    assert ours(whole_queue(caseworker, stage="PROOF_CHECK", sort="priority", application_type="RENEW"), *everyone) == []


def test_my_cases_are_sorted_by_age_and_sorting_them_by_priority_is_refused(api_as, leader):
    me = unique_user("sorter")
    mine = api_as(NORTHSHIRE, Role.CASEWORKER, user=me)  # cases are given only to the council's staff
    first, second = received_long_ago(30), received_long_ago(20)
    status, body = leader.call("POST", "/assignments", {"assignee": me, "cases": [
        {"case_id": first, "expected_version": 1}, {"case_id": second, "expected_version": 1}]})
    assert status == 200 and [result["status"] for result in body["results"]] == [200, 200]
    set_priority(leader, second, 95)
    # A person's queue has no priority index: asking for that order is refused, saying how to get it.
    status, body = mine.call("GET", "/cases?assignee=me&sort=priority")
    assert status == 422 and body["errors"][0]["field"] == "sort"
    assert ids(whole_queue(mine, assignee="me", sort="newest")) == [second, first]


def test_paging_with_the_cursor_through_a_filtered_queue(api_as, leader):
    pager = unique_user("pager")
    api_as(NORTHSHIRE, Role.CASEWORKER, user=pager)  # cases are given only to the council's staff
    cases = [received_long_ago(days) for days in (600, 550, 500, 450, 400, 350)]  # oldest first
    status, body = leader.call("POST", "/assignments", {"assignee": pager, "cases": [{"case_id": case_id, "expected_version": 1} for case_id in cases]})
    assert status == 200 and [result["status"] for result in body["results"]] == [200] * 6
    urgent = [cases[0], cases[2], cases[5]]
    for case_id in urgent:
        set_priority(leader, case_id, 80)

    # Two at a time through the pager's queue, filtered on priority: pages may come back short (the
    # filter applies after the page is read), so the cursor is followed until there is none.
    reader = api_as(NORTHSHIRE, Role.CASEWORKER, user=pager)
    pages, cursor = [], None
    while True:
        query = {"assignee": "me", "stage": "RECEIVED", "min_priority": 60, "limit": 2} | ({"cursor": cursor} if cursor else {})
        status, body = reader.call("GET", "/cases?" + urlencode(query))
        assert status == 200, body
        pages.append(ids(body["cases"]))
        cursor = body["cursor"]
        if cursor is None:
            break
        assert len(pages) < 10
    assert all(len(page) <= 2 for page in pages) and len(pages) >= 3
    assert [case_id for page in pages for case_id in page] == urgent
    assert ids(whole_queue(reader, assignee="me", limit=4, sort="newest")) == cases[::-1]

    # The age queue pages one at a time without repeating or losing a case (200 working days: under 300 calendar days,
    # so all six are older).
    single = whole_queue(reader, stage="RECEIVED", older_than_days=200, limit=1)
    assert ours(single, *cases) == cases and len(ids(single)) == len(set(ids(single)))

    status, body = reader.call("GET", "/cases?assignee=me&cursor=not-a-cursor")
    assert status == 400 and "cursor" in body["message"]
    _, first_page = reader.call("GET", "/cases?assignee=me&limit=1")
    status, body = reader.call("GET", "/cases?" + urlencode({"stage": "RECEIVED", "cursor": first_page["cursor"]}))
    assert status == 400 and "cursor" in body["message"]  # a cursor of the assignee index is not one of the stage index


def test_a_queue_needs_a_stage_or_an_assignee(caseworker, api_as):
    for api in (caseworker, api_as(NORTHSHIRE, Role.READ_ONLY), api_as(NORTHSHIRE, Role.TEAM_LEADER)):
        for query in ("", "?application_type=NEW", "?route=PIP&sort=priority", "?older_than_days=3"):
            status, body = api.call("GET", f"/cases{query}")
            assert status == 422, (query, body)
            assert body["errors"] == [{"field": "stage", "location": "query", "message": "Choose a stage, or enter whose cases to show"}]
    # An assessor's queue is the cases referred to them: no stage needed.
    status, body = api_as(NORTHSHIRE, Role.ASSESSOR, user=unique_user("assessor")).call("GET", "/cases")
    assert status == 200 and body == {"cases": [], "cursor": None}


@pytest.mark.parametrize(("query", "field"), [
    ("stage=NOT_A_STAGE", "stage"),
    ("stage=proof_check", "stage"),
    ("stage=DECISION&application_type=RENEWAL", "application_type"),
    ("stage=DECISION&route=HOVERCRAFT", "route"),
    ("stage=DECISION&sort=random", "sort"),
    ("stage=DECISION&sort=PRIORITY", "sort"),
    ("stage=DECISION&older_than_days=-1", "older_than_days"),
    ("stage=DECISION&older_than_days=3651", "older_than_days"),
    ("stage=DECISION&older_than_days=soon", "older_than_days"),
    ("stage=DECISION&min_priority=101", "min_priority"),
    ("stage=DECISION&min_priority=-5", "min_priority"),
    ("stage=DECISION&limit=0", "limit"),
    ("stage=DECISION&limit=101", "limit"),
    ("stage=DECISION&limit=ten", "limit"),
    ("assignee=" + "x" * 255, "assignee"),
])
def test_bad_queue_parameters_answer_422_naming_the_field(caseworker, query, field):
    status, body = caseworker.call("GET", f"/cases?{query}")
    assert status == 422, body
    assert [(error["field"], error["location"]) for error in body["errors"]] == [(field, "query")], body
    assert body["message"]


# ------------------------------------------------------------------ priority


def test_a_team_leader_overrides_priority_and_it_is_audited(caseworker, leader, api_as):
    case_id = key_in(caseworker, someone_new())
    version = at(case_id, Stage.PROOF_CHECK).version
    status, body = leader.call("POST", f"/cases/{case_id}/priority", {"expected_version": version, "priority": 85})
    assert status == 200 and body["case"]["priority"] == 85 and body["case"]["version"] == version + 1
    assert "task_token" not in body["case"]

    status, case_file = caseworker.call("GET", f"/cases/{case_id}")
    assert status == 200 and case_file["case"]["priority"] == 85
    [change] = [entry for entry in case_file["history"] if entry["action"] == "PRIORITY_CHANGED"]
    assert change["actor"] == f"user:{TEAM_LEADER}" and change["before"] == {"priority": 50} and change["after"] == {"priority": 85}

    # Caseworkers and read-only staff cannot; a stale version is refused; nothing changes on any of these.
    for api in (caseworker, api_as(NORTHSHIRE, Role.READ_ONLY), api_as(NORTHSHIRE, Role.ASSESSOR)):
        status, body = api.call("POST", f"/cases/{case_id}/priority", {"expected_version": version + 1, "priority": 10})
        assert status == 403 and "team leader" in body["message"]  # roles named in words (issue 17)
    status, body = leader.call("POST", f"/cases/{case_id}/priority", {"expected_version": version, "priority": 10})
    assert status == 409 and body["message"]
    status, body = leader.call("POST", f"/cases/{case_id}/priority", {"expected_version": version + 1, "priority": 101})
    assert status == 422 and body["errors"][0]["field"] == "priority"
    assert leader.call("POST", f"/cases/{UNKNOWN_CASE}/priority", {"expected_version": 1, "priority": 10})[0] == 404
    assert api_as(VALEWYE, Role.TEAM_LEADER).call("POST", f"/cases/{case_id}/priority", {"expected_version": version + 1, "priority": 10})[0] == 404
    # A council admin may override too.
    status, body = api_as(NORTHSHIRE, Role.COUNCIL_ADMIN).call("POST", f"/cases/{case_id}/priority", {"expected_version": version + 1, "priority": 0})
    assert status == 200 and body["case"]["priority"] == 0
    history = caseworker.call("GET", f"/cases/{case_id}")[1]["history"]
    assert [(entry["before"], entry["after"]) for entry in history if entry["action"] == "PRIORITY_CHANGED"] == [
        ({"priority": 50}, {"priority": 85}), ({"priority": 85}, {"priority": 0})]


# ------------------------------------------------------------------ bulk reassignment


def test_a_team_leader_reassigns_several_cases_at_once(caseworker, leader, api_as):
    target = unique_user("target")
    api_as(NORTHSHIRE, Role.CASEWORKER, user=target)  # cases are given only to the council's staff
    first, second, stale = (key_in(caseworker, someone_new()) for _ in range(3))
    for case_id in (first, second, stale):
        at(case_id, Stage.PROOF_CHECK)
    other_council = received_long_ago(5, council=VALEWYE)
    versions = {case_id: version_of(leader, case_id) for case_id in (first, second, stale)}
    request = {"assignee": target, "cases": [
        {"case_id": first, "expected_version": versions[first]},
        {"case_id": second, "expected_version": versions[second]},
        {"case_id": stale, "expected_version": versions[stale] - 1},
        {"case_id": UNKNOWN_CASE, "expected_version": 1},
        {"case_id": other_council, "expected_version": 1},
    ]}

    for api in (caseworker, api_as(NORTHSHIRE, Role.READ_ONLY), api_as(NORTHSHIRE, Role.ASSESSOR)):
        status, body = api.call("POST", "/assignments", request)
        assert status == 403 and body["message"]
    assert whole_queue(leader, assignee=target) == []

    status, body = leader.call("POST", "/assignments", request)
    assert status == 200, body
    assert [(result["case_id"], result["status"]) for result in body["results"]] == [
        (first, 200), (second, 200), (stale, 409), (UNKNOWN_CASE, 404), (other_council, 404)]
    assert body["results"][2]["message"] and body["results"][3]["message"]

    queue = whole_queue(leader, assignee=target)
    assert ids(queue) == [first, second] and {entry["assignee"] for entry in queue} == {target}
    assert ids(whole_queue(api_as(NORTHSHIRE, Role.CASEWORKER, user=target), assignee="me", stage="PROOF_CHECK")) == [first, second]
    status, case_file = leader.call("GET", f"/cases/{stale}")
    assert case_file["case"]["assignee"] is None and case_file["case"]["version"] == versions[stale]
    status, case_file = leader.call("GET", f"/cases/{first}")
    [assigned] = [entry for entry in case_file["history"] if entry["action"] == "ASSIGNED"]
    assert assigned["actor"] == f"user:{TEAM_LEADER}" and assigned["before"] == {"assignee": None} and assigned["after"] == {"assignee": target}

    # Released in bulk, they leave the queue.
    status, body = leader.call("POST", "/assignments", {"assignee": None, "cases": [
        {"case_id": case_id, "expected_version": version_of(leader, case_id)} for case_id in (first, second)]})
    assert status == 200 and [result["status"] for result in body["results"]] == [200, 200]
    assert whole_queue(leader, assignee=target) == []


@pytest.mark.parametrize(("request_body", "field"), [
    ({"assignee": "not an email", "cases": [{"case_id": UNKNOWN_CASE, "expected_version": 1}]}, "assignee"),
    ({"assignee": None, "cases": []}, "cases"),
    ({"assignee": None, "cases": [{"case_id": UNKNOWN_CASE, "expected_version": 1}] * 101}, "cases"),
    ({"assignee": None, "cases": [{"case_id": "../etc", "expected_version": 1}]}, "cases.0.case_id"),
    ({"assignee": None, "cases": [{"case_id": UNKNOWN_CASE, "expected_version": 0}]}, "cases.0.expected_version"),
    ({"assignee": None, "cases": [{"case_id": UNKNOWN_CASE, "expected_version": 1, "force": True}]}, "cases.0.force"),
    ({"cases": [{"case_id": UNKNOWN_CASE, "expected_version": 1}]}, "assignee"),
])
def test_a_bulk_reassignment_is_validated_as_a_whole(leader, request_body, field):
    status, body = leader.call("POST", "/assignments", request_body)
    assert status == 422, body
    assert body["errors"][0]["field"] == field, body


# ------------------------------------------------------------------ notes


def test_notes_are_added_by_those_who_work_the_case(caseworker, api_as):
    case_id = key_in(caseworker, someone_new(eligibility=WALKD))
    at(case_id, Stage.ASSESSMENT)
    status, body = caseworker.call("POST", f"/cases/{case_id}/notes", {"text": "  Phoned the applicant: GP letter to follow.  "})
    assert status == 201, body
    note = body["note"]
    assert note["text"] == "Phoned the applicant: GP letter to follow." and note["by"] == CASEWORKER and note["case_id"] == case_id

    status, case_file = caseworker.call("GET", f"/cases/{case_id}")
    assert status == 200 and case_file["notes"] == [note]
    [added] = [entry for entry in case_file["history"] if entry["action"] == "NOTE_ADDED"]
    assert added["actor"] == f"user:{CASEWORKER}" and added["after"] == {"length": len(note["text"])}

    # Read-only staff may read but not write; nothing was added by the refused requests.
    reader = api_as(NORTHSHIRE, Role.READ_ONLY)
    status, body = reader.call("POST", f"/cases/{case_id}/notes", {"text": "I should not be able to write this"})
    assert status == 403 and body["message"]
    assert reader.call("GET", f"/cases/{case_id}")[1]["notes"] == [note]
    for bad, field in [({"text": ""}, "text"), ({"text": "   "}, "text"), ({}, "text"), ({"text": "x" * 4001}, "text"),
                       ({"text": 42}, "text"), ({"text": "ok", "pinned": True}, "pinned")]:
        status, body = caseworker.call("POST", f"/cases/{case_id}/notes", bad)
        assert status == 422 and body["errors"][0]["field"] == field, (bad, body)
    assert caseworker.call("POST", f"/cases/{UNKNOWN_CASE}/notes", {"text": "hello"})[0] == 404
    assert api_as(VALEWYE, Role.CASEWORKER).call("POST", f"/cases/{case_id}/notes", {"text": "hello"})[0] == 404

    # An assessor adds notes only to a case referred to them.
    assessor_email = unique_user("assessor")
    assessor = api_as(NORTHSHIRE, Role.ASSESSOR, user=assessor_email)
    other_assessor = api_as(NORTHSHIRE, Role.ASSESSOR, user=unique_user("assessor"))
    assert assessor.call("POST", f"/cases/{case_id}/notes", {"text": "Seen at the clinic"})[0] == 404
    act(caseworker, case_id, "referral", {"assessor": assessor_email})
    status, body = assessor.call("POST", f"/cases/{case_id}/notes", {"text": "Seen at the clinic; walks 30 m with a stick."})
    assert status == 201 and body["note"]["by"] == assessor_email
    assert other_assessor.call("POST", f"/cases/{case_id}/notes", {"text": "Not mine"})[0] == 404
    status, case_file = assessor.call("GET", f"/cases/{case_id}")
    assert [item["by"] for item in case_file["notes"]] == [CASEWORKER, assessor_email]
    assert [entry["action"] for entry in case_file["history"]].count("NOTE_ADDED") == 2
    # Team leaders and council admins work cases too.
    for role in (Role.TEAM_LEADER, Role.COUNCIL_ADMIN):
        assert api_as(NORTHSHIRE, role).call("POST", f"/cases/{case_id}/notes", {"text": f"Checked by {role.value}"})[0] == 201


# ------------------------------------------------------------------ search and the single view of a person


def unique_postcode() -> str:
    """A valid UK postcode no other test uses (search results are capped, so a shared one could hide ours)."""
    inward = random.choice("23456789") + "".join(random.choices("ABDEFGHJLNPQRSTUWXYZ", k=2))
    return f"Z{random.choice('ABCDEFGH')}{random.randint(10, 99)} {inward}".lower()


def search(api, **query) -> tuple[int, dict]:
    return api.call("POST", "/search", query)


def found(api, **query) -> list[str]:
    status, body = search(api, **query)
    assert status == 200, body
    return [result["case_id"] for result in body["results"]]


def test_search_by_ni_number_postcode_person_and_badge(caseworker, api_as):
    postcode = unique_postcode()
    person = someone_new(holder__address__postcode=postcode)
    nino = person["holder"]["nino"]
    person["holder"]["nino"] = " ".join([nino[:2], nino[2:4], nino[4:6], nino[6:8], nino[8]]).lower()  # keyed as written
    surname, born = person["holder"]["surname"], person["holder"]["date_of_birth"]
    case_id, badge = order_a_badge(caseworker, person)

    for value in (nino, nino.lower(), " ".join([nino[:2], nino[2:4], nino[4:6], nino[6:8], nino[8]]), f"  {nino.lower()} "):
        assert found(caseworker, kind="NINO", value=value) == [case_id], value
    compact = postcode.replace(" ", "")
    for value in (postcode, postcode.upper(), compact, compact.upper(), f" {postcode} "):
        assert found(caseworker, kind="POSTCODE", value=value) == [case_id], value
    for value in (surname, surname.lower(), surname.upper(), f" {surname} "):
        assert found(caseworker, kind="PERSON", value=value, date_of_birth=born) == [case_id], value
    assert found(caseworker, kind="PERSON", value=surname, date_of_birth="1958-12-11") == []
    for value in (badge["badge_number"], badge["badge_number"].lower(), f" {badge['badge_number']} "):
        assert found(caseworker, kind="BADGE", value=value) == [case_id], value

    status, body = search(caseworker, kind="NINO", value=nino)
    [result] = body["results"]
    assert result == {
        "case_id": case_id, "stage": "ORDERED", "application_type": "NEW", "received_at": result["received_at"],
        "holder_name": f"Ada {surname}", "date_of_birth": born, "postcode": postcode.upper(), "badge_numbers": [badge["badge_number"]]}
    # Read-only staff search too.
    assert found(api_as(NORTHSHIRE, Role.READ_ONLY), kind="BADGE", value=badge["badge_number"]) == [case_id]

    # Another council's staff find nothing of Northshire's, by any key.
    valewye = api_as(VALEWYE, Role.CASEWORKER)
    assert found(valewye, kind="NINO", value=nino) == []
    assert found(valewye, kind="POSTCODE", value=postcode) == []
    assert found(valewye, kind="PERSON", value=surname, date_of_birth=born) == []
    assert found(valewye, kind="BADGE", value=badge["badge_number"]) == []

    # Assessors do not search.
    status, body = search(api_as(NORTHSHIRE, Role.ASSESSOR), kind="NINO", value=nino)
    assert status == 403 and body["message"]


@pytest.mark.parametrize(("query", "field"), [
    ({"kind": "PERSON", "value": "Lovelace"}, "date_of_birth"),
    ({"kind": "PERSON", "value": "Lovelace", "date_of_birth": "10/12/1958"}, "date_of_birth"),
    ({"kind": "PERSON", "value": "Lovelace", "date_of_birth": "1958-02-30"}, "date_of_birth"),
    ({"kind": "SHOE_SIZE", "value": "11"}, "kind"),
    ({"kind": "NINO", "value": "A"}, "value"),
    ({"kind": "NINO", "value": "A" * 101}, "value"),
    ({"kind": "NINO"}, "value"),
    ({"value": "AB123456C"}, "kind"),
])
def test_bad_searches_answer_422_naming_the_field(caseworker, query, field):
    status, body = search(caseworker, **query)
    assert status == 422, body
    assert body["errors"][0]["field"] == field and body["errors"][0]["location"] == "body", body


@pytest.mark.parametrize("value", ["NOT-A-BADGE", "12345", "1234567", "OOOOOO"])
def test_an_invalid_badge_number_search_answers_422(caseworker, value):
    status, body = search(caseworker, kind="BADGE", value=value)
    assert status == 422, body
    assert body["errors"][0]["field"] == "value"


def test_the_single_view_of_a_person_shows_earlier_badges_and_open_duplicates(caseworker, api_as):
    person = someone_new()
    earlier, badge = order_a_badge(caseworker, person)
    first = key_in(caseworker, complete_application(NORTHSHIRE, channel="PAPER", holder=person["holder"], contact=person["contact"]))
    # The second says the same person under a new surname: the NI number links them.
    renamed = person["holder"] | {"surname": person["holder"]["surname"] + "-Smith"}
    second = key_in(caseworker, complete_application(NORTHSHIRE, channel="PHONE", holder=renamed, contact=person["contact"]))
    stranger = key_in(caseworker, someone_new())
    for case_id in (first, second, stranger):
        at(case_id, Stage.PROOF_CHECK)

    status, view = caseworker.call("GET", f"/cases/{first}/person")
    assert status == 200, view
    assert [application["case_id"] for application in view["applications"]] == [second, earlier]  # newest first
    assert view["possible_duplicates"] == [second]  # the ordered case is closed: not a duplicate
    assert [held["badge_number"] for held in view["badges"]] == [badge["badge_number"]]
    assert view["badges"][0]["status"] == "ORDERED" and view["badges"][0]["case_id"] == earlier
    [summary] = [application for application in view["applications"] if application["case_id"] == earlier]
    assert summary["stage"] == "ORDERED" and summary["badge_numbers"] == [badge["badge_number"]]

    status, view = caseworker.call("GET", f"/cases/{second}/person")
    assert status == 200 and view["possible_duplicates"] == [first]
    assert {application["case_id"] for application in view["applications"]} == {first, earlier}
    assert [held["badge_number"] for held in view["badges"]] == [badge["badge_number"]]

    # From the closed case, the open ones are listed but nothing is flagged as its duplicate.
    status, view = caseworker.call("GET", f"/cases/{earlier}/person")
    assert status == 200 and view["possible_duplicates"] == []
    assert {application["case_id"] for application in view["applications"]} == {first, second}

    status, view = caseworker.call("GET", f"/cases/{stranger}/person")
    assert status == 200 and view == {"applications": [], "badges": [], "possible_duplicates": []}

    assert api_as(NORTHSHIRE, Role.READ_ONLY).call("GET", f"/cases/{first}/person")[0] == 200
    assert api_as(NORTHSHIRE, Role.ASSESSOR).call("GET", f"/cases/{first}/person")[0] == 403
    assert api_as(VALEWYE, Role.CASEWORKER).call("GET", f"/cases/{first}/person")[0] == 404
    assert caseworker.call("GET", f"/cases/{UNKNOWN_CASE}/person")[0] == 404


# ------------------------------------------------------------------ organisations and renewals


def test_an_organisation_goes_straight_to_a_decision_and_gets_its_badges(caseworker):
    name = f"Northby Community Transport {tag().title()}"
    application = complete_application(
        NORTHSHIRE, channel="PAPER", party="ORG", holder=REMOVE, eligibility=REMOVE, evidence=[],
        contact={"full_name": "Pat Manager", "email": f"{tag()}@transport.example.org", "relationship": "MANAGER"},
        organisation={"name": name, "charity_number": "1234567", "number_of_badges": 3, "people_carried": 40,
                      "address": {"line1": "1 Depot Road", "town": "Northby", "postcode": "ne2 1ab"}},
        payment={"amount_pence": 3000, "paid": True, "reference": "PAY-ORG"})  # the fee is per badge
    status, body = caseworker.call("POST", "/applications", upload_intake_files(application))
    assert status == 201 and body["missing"] == [], body
    case_id = body["case_id"]
    at(case_id, Stage.DECISION)
    stages = [entry["after"]["stage"] for entry in caseworker.call("GET", f"/cases/{case_id}")[1]["history"] if entry["action"] in STAGES_ENTERED]
    assert stages == ["SCREENING", "DECISION"]  # opened at screening; no proof check or assessment for an organisation

    act(caseworker, case_id, "decision", {"outcome": "APPROVE", "order": {"deliver_to": "HOME", "delivery_option": "STANDARD"}})
    at(case_id, Stage.ORDERED)
    status, case_file = caseworker.call("GET", f"/cases/{case_id}")
    badges = case_file["badges"]
    numbers = [badge["badge_number"] for badge in badges]
    assert len(badges) == 3 and len(set(numbers)) == 3 and all(is_issuable(number) for number in numbers)
    assert sorted(case_file["case"]["badge_numbers"]) == sorted(numbers)
    for badge in badges:
        assert badge["organisation_name"] == name and badge["holder"] is None and badge["eligibility"] is None
        assert badge["status"] == "ORDERED" and badge["case_id"] == case_id and badge["photo_key"] is None
    assert len({(badge["start_date"], badge["expiry_date"]) for badge in badges}) == 1
    for number in numbers:
        status, body = caseworker.call("GET", f"/badges/{number}")
        assert status == 200 and body["badge"]["organisation_name"] == name
    assert found(caseworker, kind="BADGE", value=numbers[1]) == [case_id]


def test_an_organisation_is_found_by_its_postcode(caseworker):
    postcode = unique_postcode()
    case_id = key_in(caseworker, complete_application(
        NORTHSHIRE, channel="PAPER", party="ORG", holder=REMOVE, eligibility=REMOVE, evidence=[],
        organisation={"name": f"Wyeford Day Centre {tag().title()}", "number_of_badges": 1,
                      "address": {"line1": "2 Mill Street", "town": "Northby", "postcode": postcode}}))
    assert found(caseworker, kind="POSTCODE", value=postcode) == [case_id]


def test_a_renewal_follows_the_new_application_flow(caseworker):
    application = someone_new(application_type="RENEW")
    case_id = key_in(caseworker, application)
    case = at(case_id, Stage.PROOF_CHECK)
    assert case.workflow is WorkflowKey.APPLICATION
    status, case_file = caseworker.call("GET", f"/cases/{case_id}")
    assert [entry["after"]["stage"] for entry in case_file["history"] if entry["action"] in STAGES_ENTERED] == ["SCREENING", "PROOF_CHECK"]
    assert ours(whole_queue(caseworker, stage="PROOF_CHECK", application_type="RENEW"), case_id) == [case_id]

    act(caseworker, case_id, "proof-check", {"confirmed": True, "notes": "PIP award letter seen"})
    at(case_id, Stage.DECISION)
    act(caseworker, case_id, "decision", {"outcome": "APPROVE"})
    ordered = at(case_id, Stage.ORDERED)
    [badge] = caseworker.call("GET", f"/cases/{case_id}")[1]["badges"]
    assert ordered.badge_numbers == [badge["badge_number"]] and badge["holder"]["surname"] == application["holder"]["surname"]
    assert badge["expiry_date"] == "2028-01-01"  # as for a new PIP application, the badge ends with the award

