"""Who works a case: claim, release, allocation by team leaders, 'my cases', and the view log."""

from shared.bootstrap import store_for
from shared.resources import Role
from tests.factories import complete_application
from tests.integration.conftest import upload_intake_files
from tests.integration.test_request_counts import settle

SAM = "sam@northshire.example"
ALEX = "alex@northshire.example"


def new_case(api_as, stack, clients) -> dict:
    _, body = api_as("NORTHSHIRE", Role.CASEWORKER).call("POST", "/applications", upload_intake_files(complete_application("NORTHSHIRE")))
    settle(stack, clients)
    return api_as("NORTHSHIRE", Role.CASEWORKER).call("GET", f"/cases/{body['case_id']}")[1]["case"]


def test_a_caseworker_claims_a_case_and_finds_it_in_their_queue(api_as, stack, clients):
    case = new_case(api_as, stack, clients)
    sam = api_as("NORTHSHIRE", Role.CASEWORKER, user=SAM)
    status, body = sam.call("POST", f"/cases/{case['case_id']}/assignment", {"expected_version": case["version"], "assignee": SAM})
    assert status == 200 and body["case"]["assignee"] == SAM
    _, mine = sam.call("GET", "/cases?assignee=me&limit=100")
    assert case["case_id"] in [listed["case_id"] for listed in mine["cases"]]
    [entry] = [entry for entry in store_for("NORTHSHIRE").history(case["case_id"]) if entry.action == "ASSIGNED"]
    assert entry.actor == f"user:{SAM}" and entry.before == {"assignee": None} and entry.after == {"assignee": SAM}

    # Released, it leaves the queue.
    status, body = sam.call("POST", f"/cases/{case['case_id']}/assignment", {"expected_version": body["case"]["version"], "assignee": None})
    assert status == 200
    assert case["case_id"] not in [listed["case_id"] for listed in sam.call("GET", "/cases?assignee=me&limit=100")[1]["cases"]]


def test_only_a_team_leader_gives_a_case_to_someone_else(api_as, stack, clients):
    case = new_case(api_as, stack, clients)
    sam = api_as("NORTHSHIRE", Role.CASEWORKER, user=SAM)
    status, _ = sam.call("POST", f"/cases/{case['case_id']}/assignment", {"expected_version": case["version"], "assignee": ALEX})
    assert status == 403
    leader = api_as("NORTHSHIRE", Role.TEAM_LEADER, user="lead@northshire.example")
    # Only to the council's staff: someone not in its user pool groups (or another council's) is refused, naming the field.
    api_as("VALEWYE", Role.CASEWORKER, user="vale.worker@valewye.example")
    for stranger in ("nobody@elsewhere.example", "vale.worker@valewye.example"):
        status, body = leader.call("POST", f"/cases/{case['case_id']}/assignment", {"expected_version": case["version"], "assignee": stranger})
        assert status == 422 and body["errors"][0]["field"] == "assignee" and stranger in body["errors"][0]["message"]
        status, body = leader.call("POST", "/assignments", {"assignee": stranger, "cases": [{"case_id": case["case_id"], "expected_version": case["version"]}]})
        assert status == 422 and body["errors"][0]["field"] == "assignee"
    api_as("NORTHSHIRE", Role.CASEWORKER, user=ALEX)  # Alex is one of Northshire's caseworkers
    status, body = leader.call("POST", f"/cases/{case['case_id']}/assignment", {"expected_version": case["version"], "assignee": ALEX})
    assert status == 200
    # Sam cannot take Alex's case, nor can a read-only user claim anything.
    assert sam.call("POST", f"/cases/{case['case_id']}/assignment", {"expected_version": body["case"]["version"], "assignee": SAM})[0] == 403
    assert api_as("NORTHSHIRE", Role.READ_ONLY).call(
        "POST", f"/cases/{case['case_id']}/assignment", {"expected_version": body["case"]["version"], "assignee": None})[0] == 403


def test_two_claims_on_one_version_one_wins(api_as, stack, clients):
    case = new_case(api_as, stack, clients)
    sam = api_as("NORTHSHIRE", Role.CASEWORKER, user=SAM)
    alex = api_as("NORTHSHIRE", Role.CASEWORKER, user=ALEX)
    first = sam.call("POST", f"/cases/{case['case_id']}/assignment", {"expected_version": case["version"], "assignee": SAM})
    second = alex.call("POST", f"/cases/{case['case_id']}/assignment", {"expected_version": case["version"], "assignee": ALEX})
    assert (first[0], second[0]) == (200, 403)  # Alex sees it is Sam's now
    leader = api_as("NORTHSHIRE", Role.TEAM_LEADER, user="lead@northshire.example")
    stale = leader.call("POST", f"/cases/{case['case_id']}/assignment", {"expected_version": case["version"], "assignee": ALEX})
    assert stale[0] == 409


def test_assignment_is_validated_and_council_scoped(api_as, stack, clients):
    case = new_case(api_as, stack, clients)
    leader = api_as("NORTHSHIRE", Role.TEAM_LEADER)
    status, body = leader.call("POST", f"/cases/{case['case_id']}/assignment", {"expected_version": case["version"], "assignee": "not an email"})
    assert status == 422 and body["errors"][0]["field"] == "assignee"
    other = api_as("VALEWYE", Role.TEAM_LEADER)
    assert other.call("POST", f"/cases/{case['case_id']}/assignment", {"expected_version": case["version"], "assignee": None})[0] == 404


def test_reading_a_case_is_logged(api_as, stack, clients):
    case = new_case(api_as, stack, clients)
    reader = api_as("NORTHSHIRE", Role.READ_ONLY, user="auditor@northshire.example")
    reader.call("GET", f"/cases/{case['case_id']}")
    views = [entry for entry in store_for("NORTHSHIRE").history(case["case_id"]) if entry.action == "CASE_VIEWED"]
    assert [entry.actor for entry in views][-1] == "user:auditor@northshire.example"
