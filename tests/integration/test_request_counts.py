"""DynamoDB requests per operation: they set the running cost per application. Counted, printed, and capped."""

from collections import Counter

import pytest
from botocore.client import BaseClient

from shared.resources import Role
from tests.factories import complete_application
from infra.local.seed import wait_for_workflows
from tests.integration.test_information_loop import waiting_case


def settle(stack, clients) -> None:
    assert wait_for_workflows(clients["stepfunctions"], stack.state_machine_arns.values())


@pytest.fixture
def dynamodb_calls(monkeypatch):
    calls: Counter = Counter()
    original = BaseClient._make_api_call

    def counting(self, operation, params):
        if self.meta.service_model.service_name == "dynamodb":
            calls[operation] += 1
        return original(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", counting)
    return calls


def test_requests_for_one_complete_online_application(intake, stack, clients, dynamodb_calls):
    settle(stack, clients)
    dynamodb_calls.clear()
    intake.deliver(complete_application("NORTHSHIRE"))
    settle(stack, clients)  # asks Step Functions only, so nothing here adds to the count
    counted = dict(dynamodb_calls)
    print(f"\nDynamoDB requests, intake + open case + received email + screening to the proof check: {counted}")
    # ingest: idempotency record put + completed (2), case transaction (1); open: get + save transaction (2),
    # notification audit (1); screen: get (1); wait at the proof check: get + save transaction (2)
    assert counted == {"PutItem": 2, "UpdateItem": 1, "TransactWriteItems": 3, "GetItem": 3}
    assert "Scan" not in counted


def test_requests_for_recording_supplied_information(api_as, stack, clients, dynamodb_calls):
    api = api_as("NORTHSHIRE", Role.CASEWORKER)
    status, body = api.call("POST", "/applications", complete_application("NORTHSHIRE", channel="PAPER", evidence=[]))
    case = waiting_case("NORTHSHIRE", body["case_id"])
    settle(stack, clients)
    dynamodb_calls.clear()
    status, _ = api.call("POST", f"/cases/{case.case_id}/supplied", {"expected_version": case.version, "evidence": [{"type": "PHOTO", "key": "p.jpg"}]})
    assert status == 200
    api_calls = dict(dynamodb_calls)
    print(f"\nDynamoDB requests, POST /cases/{{id}}/supplied: {api_calls}")
    assert api_calls == {"GetItem": 1, "TransactWriteItems": 1}


def test_requests_for_reading_a_case(api_as, stack, clients, dynamodb_calls):
    api = api_as("NORTHSHIRE", Role.READ_ONLY)
    _, body = api_as("NORTHSHIRE", Role.CASEWORKER).call("POST", "/applications", complete_application("NORTHSHIRE"))
    settle(stack, clients)
    dynamodb_calls.clear()
    assert api.call("GET", f"/cases/{body['case_id']}")[0] == 200
    print(f"\nDynamoDB requests, GET /cases/{{id}}: {dict(dynamodb_calls)}")
    assert dict(dynamodb_calls) == {"Query": 1, "PutItem": 1}  # the case's partition (case, history, notes, badges), the view entry
