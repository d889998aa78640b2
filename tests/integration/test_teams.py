"""Teams: a case joins its service's team queue at intake, and a stage's queue narrows to one team (GSI7)."""

from __future__ import annotations

import boto3

from shared.core.adapters.case_store import QueueFilter
from shared.resources import DEFAULT_REGION, council_table_name
from shared.core.adapters.case_store import CaseStore
from shared.resources import Role
from tests.factories import complete_application
from tests.integration.conftest import upload_intake_files, wait_until

NORTHSHIRE = "NORTHSHIRE"


def test_a_new_case_is_in_its_councils_blue_badge_team_and_a_team_queue_shows_only_that_team(stack, api_as):
    status, outcome = api_as(NORTHSHIRE, Role.CASEWORKER).call("POST", "/applications", upload_intake_files(complete_application()))
    assert status == 201, outcome
    store = CaseStore(boto3.client("dynamodb", region_name=DEFAULT_REGION), council_table_name(NORTHSHIRE))
    case = waiting(store, outcome["case_id"])
    assert case.team == "blue-badge"  # the council's Blue Badge settings name the team
    assert case.case_id in [queued.case_id for queued in _whole(store, QueueFilter(stage=case.stage, team="blue-badge"))]
    assert _whole(store, QueueFilter(stage=case.stage, team="community-ot")) == []

    leader = api_as(NORTHSHIRE, Role.TEAM_LEADER)
    status, page = leader.call("GET", f"/cases?stage={case.stage.value}&team=blue-badge&limit=100")
    assert status == 200 and case.case_id in [entry["case_id"] for entry in page["cases"]]
    status, page = leader.call("GET", f"/cases?stage={case.stage.value}&team=community-ot")
    assert status == 200 and page["cases"] == []
    status, refused = leader.call("GET", f"/cases?stage={case.stage.value}&team=Not%20A%20Team")
    assert status == 422 and refused["errors"][0]["field"] == "team"


def waiting(store, case_id: str):
    """The case once its workflow waits for a person (its stage then stays put while the test looks at queues)."""
    return wait_until(lambda: (case := store.get(case_id)) is not None and case.task_token and case, what=f"{case_id} waiting")


def _whole(store, wanted):
    cases, cursor = store.queue(wanted, limit=100)
    while cursor:
        more, cursor = store.queue(wanted, limit=100, after=cursor)
        cases += more
    return cases


def test_a_team_leader_moves_a_case_to_another_team_and_its_queues_follow(stack, api_as):
    status, outcome = api_as(NORTHSHIRE, Role.CASEWORKER).call("POST", "/applications", upload_intake_files(complete_application()))
    assert status == 201, outcome
    store = CaseStore(boto3.client("dynamodb", region_name=DEFAULT_REGION), council_table_name(NORTHSHIRE))
    case = waiting(store, outcome["case_id"])
    path = f"/cases/{case.case_id}/team"

    caseworker, leader = api_as(NORTHSHIRE, Role.CASEWORKER), api_as(NORTHSHIRE, Role.TEAM_LEADER)
    assert caseworker.call("POST", path, {"expected_version": case.version, "team": "community-ot"})[0] == 403
    status, refused = leader.call("POST", path, {"expected_version": case.version, "team": "parking-fines"})
    assert status == 422 and refused["errors"][0]["field"] == "team"

    status, moved = leader.call("POST", path, {"expected_version": case.version, "team": "community-ot"})
    assert status == 200 and moved["case"]["team"] == "community-ot", moved
    assert leader.call("POST", path, {"expected_version": case.version, "team": "blue-badge"})[0] == 409  # stale
    assert case.case_id in [queued.case_id for queued in _whole(store, QueueFilter(stage=case.stage, team="community-ot"))]
    assert case.case_id not in [queued.case_id for queued in _whole(store, QueueFilter(stage=case.stage, team="blue-badge"))]
    moved_entry = store.history(case.case_id)[-1]
    assert (moved_entry.action, moved_entry.before, moved_entry.after) == ("MOVED_TO_TEAM", {"team": "blue-badge"}, {"team": "community-ot"})

