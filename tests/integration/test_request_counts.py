"""DynamoDB requests per operation: they set the running cost per application. Counted, printed, and capped."""



from shared.resources import Role
from tests.factories import case_file, complete_application
from tests.integration.conftest import upload_intake_files
from infra.local.seed import wait_for_workflows
from tests.integration.test_information_loop import waiting_case


def settle(stack, clients) -> None:
    assert wait_for_workflows(clients["stepfunctions"], stack.state_machine_arns.values())


def test_requests_for_one_complete_online_application(intake, stack, clients, dynamodb_calls):
    settle(stack, clients)
    dynamodb_calls.clear()
    intake.deliver(complete_application("NORTHSHIRE"))
    settle(stack, clients)  # asks Step Functions only, so nothing here adds to the count
    counted = dict(dynamodb_calls)
    print(f"\nDynamoDB requests, intake + open case + received email + screening to the proof check: {counted}")
    # ingest: idempotency record put + completed (2), the application's marker (get: already a case?) and the case
    # transaction (2); open: get + save transaction (2), notification audit (1); screen: get (1); wait at the proof
    # check: get + save transaction (2)
    assert counted == {"PutItem": 2, "UpdateItem": 1, "TransactWriteItems": 3, "GetItem": 4}
    assert "Scan" not in counted


def test_requests_for_recording_supplied_information(api_as, stack, clients, dynamodb_calls):
    api = api_as("NORTHSHIRE", Role.CASEWORKER)
    status, body = api.call("POST", "/applications", complete_application("NORTHSHIRE", channel="PAPER", evidence=[]))
    case = waiting_case("NORTHSHIRE", body["case_id"])
    settle(stack, clients)
    dynamodb_calls.clear()
    status, _ = api.call("POST", f"/cases/{case.case_id}/supplied", {"expected_version": case.version, "evidence": [case_file(case.case_id, "PHOTO", "reply-photo-1.jpg")]})
    assert status == 200
    api_calls = dict(dynamodb_calls)
    print(f"\nDynamoDB requests, POST /cases/{{id}}/supplied: {api_calls}")
    # The step and its pending resume in one transaction, then the resume's outbox item deleted once Step Functions took it.
    assert api_calls == {"GetItem": 1, "TransactWriteItems": 1, "DeleteItem": 1}


def test_requests_for_reading_a_case(api_as, stack, clients, dynamodb_calls):
    api = api_as("NORTHSHIRE", Role.READ_ONLY)
    _, body = api_as("NORTHSHIRE", Role.CASEWORKER).call("POST", "/applications", upload_intake_files(complete_application("NORTHSHIRE")))
    settle(stack, clients)
    dynamodb_calls.clear()
    assert api.call("GET", f"/cases/{body['case_id']}")[0] == 200
    print(f"\nDynamoDB requests, GET /cases/{{id}}: {dict(dynamodb_calls)}")
    assert dict(dynamodb_calls) == {"Query": 1, "PutItem": 1}  # the case's partition (case, history, notes, badges), the view entry


def test_requests_per_api_call_along_the_decision_path(api_as, stack, clients, dynamodb_calls):
    """Each caseworker call on the way to an ordered badge, counted while the workflow is settled."""
    from shared.bootstrap import store_for
    from shared.services.blue_badge.domain.case import Stage
    from tests.integration.test_decisions import NORTHSHIRE, at, key_in, someone_new

    caseworker, reviewer = api_as(NORTHSHIRE, Role.CASEWORKER, user="a@n.example"), api_as(NORTHSHIRE, Role.CASEWORKER, user="b@n.example")
    leader = api_as(NORTHSHIRE, Role.TEAM_LEADER, user="lead@n.example")
    counts: dict[str, dict[str, int]] = {}

    def measured(name: str, api, method: str, path: str, body: dict | None = None, version: bool = True) -> dict:
        case_id = path.split("/")[2] if path.startswith("/cases/") else None
        if version and case_id:
            body = {"expected_version": store_for(NORTHSHIRE).get(case_id).version, **(body or {})}
        dynamodb_calls.clear()
        status, answer = api.call(method, path, body)
        counts[name] = dict(dynamodb_calls)
        assert status < 300, (name, answer)
        return answer

    case_id = key_in(caseworker, someone_new())
    at(case_id, Stage.PROOF_CHECK)
    measured("GET /cases?stage=PROOF_CHECK", caseworker, "GET", "/cases?stage=PROOF_CHECK&limit=25", version=False)
    measured("GET /cases?stage&route&older_than_days", caseworker, "GET", "/cases?stage=PROOF_CHECK&route=PIP&older_than_days=0", version=False)
    measured("POST /cases/{id}/assignment", caseworker, "POST", f"/cases/{case_id}/assignment", {"assignee": "a@n.example"})
    measured("POST /cases/{id}/priority", leader, "POST", f"/cases/{case_id}/priority", {"priority": 80})
    measured("POST /cases/{id}/notes", caseworker, "POST", f"/cases/{case_id}/notes", {"text": "Rang the applicant"}, version=False)
    measured("POST /cases/{id}/proof-check", caseworker, "POST", f"/cases/{case_id}/proof-check", {"confirmed": True})
    at(case_id, Stage.DECISION)
    measured("POST /cases/{id}/decision (refuse)", caseworker, "POST", f"/cases/{case_id}/decision", {"outcome": "REFUSE", "reasons": ["No."]})
    at(case_id, Stage.REFUSED)
    measured("POST /cases/{id}/review-request", caseworker, "POST", f"/cases/{case_id}/review-request", {"grounds": "New evidence"})
    at(case_id, Stage.REVIEW)
    measured("POST /cases/{id}/review (overturn)", reviewer, "POST", f"/cases/{case_id}/review", {"outcome": "OVERTURN"})
    case = at(case_id, Stage.ORDERED)
    settle(stack, clients)  # the badge-ordered email's audit entry lands after the stage change
    measured("GET /cases/{id}", caseworker, "GET", f"/cases/{case_id}", version=False)
    measured("GET /cases/{id}/person", caseworker, "GET", f"/cases/{case_id}/person", version=False)
    measured("POST /search (BADGE)", caseworker, "POST", "/search", {"kind": "BADGE", "value": case.badge_numbers[0]}, version=False)
    measured("POST /badges/{n}/cancel", caseworker, "POST", f"/badges/{case.badge_numbers[0]}/cancel", {"expected_version": 1, "reason": "NOLONG"}, version=False)
    settle(stack, clients)

    print("\nDynamoDB requests per API call:")
    for name, counted in counts.items():
        print(f"  {name:45} {sum(counted.values()):2}  {counted}")
    assert all("Scan" not in counted for counted in counts.values())
    assert counts["POST /cases/{id}/proof-check"] == {"GetItem": 1, "TransactWriteItems": 1, "DeleteItem": 1}
    # An approval also checks the person's other badges (lookups, then each earlier case's partition).
    assert counts["POST /cases/{id}/review (overturn)"]["TransactWriteItems"] == 1
    assert counts["GET /cases/{id}"] == {"Query": 1, "PutItem": 1}
    assert counts["GET /cases?stage=PROOF_CHECK"] == {"Query": 1}
    assert counts["POST /search (BADGE)"] == {"Query": 1, "GetItem": 1}
    assert counts["POST /badges/{n}/cancel"] == {"GetItem": 2, "TransactWriteItems": 1}


def state_transitions(clients, stack, workflow, case_id: str) -> list[str]:
    arn = stack.state_machine_arns[workflow].replace(":stateMachine:", ":execution:") + f":{case_id}"
    events = clients["stepfunctions"].get_execution_history(executionArn=arn, maxResults=1000)["events"]
    return [event["stateEnteredEventDetails"]["name"] for event in events if event["type"].endswith("StateEntered")]


def test_state_transitions_per_workflow_path(api_as, stack, clients):
    """Standard workflows are billed per state transition: the count for each path a case can take."""
    from shared.bootstrap import store_for
    from shared.services.blue_badge.domain.case import Stage
    from shared.resources import WorkflowKey
    from tests.integration.conftest import wait_for_execution
    from tests.integration.test_decisions import NORTHSHIRE, act, at, key_in, order_a_badge, someone_new

    caseworker, reviewer = api_as(NORTHSHIRE, Role.CASEWORKER, user="c@n.example"), api_as(NORTHSHIRE, Role.CASEWORKER, user="d@n.example")
    paths: dict[str, list[str]] = {}

    def finished(name: str, workflow: WorkflowKey, case_id: str) -> None:
        wait_for_execution(clients["stepfunctions"], stack.state_machine_arns[workflow], case_id)
        paths[name] = state_transitions(clients, stack, workflow, case_id)

    case_id, _ = order_a_badge(caseworker, someone_new())
    finished("automatic route, approved, ordered", WorkflowKey.APPLICATION, case_id)

    case_id = key_in(caseworker, someone_new(eligibility={"code": "WALKD", "walking": {"difficulties": ["PAIN"]}}))
    at(case_id, Stage.ASSESSMENT)
    act(caseworker, case_id, "assessment", {"outcome": "NOT_ELIGIBLE", "summary": "Walks well"})
    at(case_id, Stage.DECISION)
    act(caseworker, case_id, "decision", {"outcome": "REFUSE", "reasons": ["No."]})
    at(case_id, Stage.REFUSED)
    act(caseworker, case_id, "review-request", {"grounds": "Please look again"})
    at(case_id, Stage.REVIEW)
    act(reviewer, case_id, "review", {"outcome": "UPHOLD", "reasons": ["Still no."]})
    finished("assessment, refused, review upholds", WorkflowKey.APPLICATION, case_id)

    case_id = key_in(caseworker, someone_new(without_evidence=("PHOTO",)))
    at(case_id, Stage.AWAITING_INFORMATION)
    act(caseworker, case_id, "supplied", {"evidence": [case_file(case_id, "PHOTO", "reply-photo-1.jpg")]})
    at(case_id, Stage.PROOF_CHECK)
    act(caseworker, case_id, "proof-check", {"confirmed": True})
    at(case_id, Stage.DECISION)
    act(caseworker, case_id, "decision", {"outcome": "APPROVE"})
    finished("one round of missing information, then ordered", WorkflowKey.APPLICATION, case_id)

    print("\nState transitions per workflow path:")
    for name, states in paths.items():
        print(f"  {name:50} {len(states):2}  {' > '.join(states)}")
    assert len(paths["automatic route, approved, ordered"]) == 12  # ProofChecked: the check may ask for information instead
    assert len(paths["one round of missing information, then ordered"]) == 15
    assert len(paths["assessment, refused, review upholds"]) == 13  # Assessed: likewise
    assert store_for(NORTHSHIRE).get(case_id).stage is Stage.ORDERED
