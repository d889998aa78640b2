"""The local stack on moto in-process: the same provisioning, handlers and ASL as `./dev run`."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from moto import mock_aws

from infra.local.bridge import call_handler, install_lambda_bridge, lambda_context
from tests.integration.write_units import write_units  # noqa: F401 - a fixture: write units computed per table and index
from infra.local.http_api import proxy_event
from infra.local.provision import LocalResources, provision
from infra.local.pump import IntakePump
from infra.local.seed import tiny_jpeg, tiny_pdf, wait_for_workflows
from shared.core.domain.council import load_councils
from shared.resources import (
    API_FUNCTION,
    APPLICATION_SUBMITTED,
    DEFAULT_REGION,
    EVIDENCE_BUCKET_LOCAL_NAME,
    Role,
    council_group,
)


@pytest.fixture(scope="package")
def stack() -> Iterator[LocalResources]:
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        install_lambda_bridge()
        resources = provision(boto3.session.Session(region_name=DEFAULT_REGION), load_councils())
        yield resources
        # Executions still waiting for a callback (missing information) are stopped, as a person would;
        # wait_for_workflows first lets those mid-step finish while their tables still exist.
        sfn = boto3.client("stepfunctions", region_name=DEFAULT_REGION)
        wait_for_workflows(sfn, resources.state_machine_arns.values(), timeout_seconds=5)
        for arn in resources.state_machine_arns.values():
            for execution in sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"]:
                sfn.stop_execution(executionArn=execution["executionArn"])


@pytest.fixture(scope="package")
def clients(stack):
    return {name: boto3.client(name, region_name=DEFAULT_REGION) for name in ("dynamodb", "events", "sqs", "stepfunctions")}


@pytest.fixture(scope="package")
def pump(stack, clients) -> IntakePump:
    return IntakePump(clients["sqs"], stack.intake_queue_url, stack.intake_queue_arn)


class Intake:
    """Publishes applications as the national service does, and lets the event source mapping run."""

    def __init__(self, events, pump: IntakePump, stack: LocalResources):
        self._events, self._pump, self._stack = events, pump, stack

    def publish(self, *details: Any) -> None:
        """Each application's files first, then its event: the national service's order."""
        for detail in details:
            upload_intake_files(detail)
        entries = [
            {"EventBusName": self._stack.event_bus_name, "Source": APPLICATION_SUBMITTED.source,
             "DetailType": APPLICATION_SUBMITTED.detail_type, "Detail": json.dumps(detail)}
            for detail in details
        ]
        assert self._events.put_events(Entries=entries)["FailedEntryCount"] == 0

    def deliver(self, *details: Any):
        self.publish(*details)
        stats = self._pump.drain(max_seconds=30)
        assert stats.drained, stats
        return stats


def upload_intake_files(application: Any) -> Any:
    """Put a small file at each evidence key the application names that holds none yet (as its sender would before
    submitting); returns the application."""
    evidence = application.get("evidence") if isinstance(application, dict) else None
    s3 = boto3.client("s3", region_name=DEFAULT_REGION)
    for item in evidence if isinstance(evidence, list) else []:
        key = item.get("key") if isinstance(item, dict) else None
        if isinstance(key, str) and key and s3.list_objects_v2(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Prefix=key)["KeyCount"] == 0:
            body = tiny_jpeg() if key.endswith(".jpg") else tiny_pdf("test evidence")
            s3.put_object(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=key, Body=body)
    return application


@pytest.fixture
def intake(clients, pump, stack) -> Intake:
    return Intake(clients["events"], pump, stack)


class Api:
    """Calls the API handler with the event API Gateway builds after its Cognito authorizer."""

    def __init__(self, groups: list[str], user: str):
        self.claims = {"sub": user, "email": user, "cognito:username": user, "cognito:groups": ",".join(groups)}

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        from functions.api.handler import lambda_handler

        raw = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        event = proxy_event(method, path, [("Content-Type", "application/json")], raw, "127.0.0.1", self.claims, "localhost")
        response = lambda_handler(event, lambda_context(API_FUNCTION))
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None


@pytest.fixture(scope="package")
def api_as(stack):
    def make(council: str | None, *roles: Role, user: str | None = None, groups: list[str] | None = None) -> Api:
        groups = groups if groups is not None else [council_group(council, role) for role in roles]
        user = user or f"{council or 'x'}.user@example.gov.uk"
        in_user_pool(stack, user, groups)
        return Api(groups, user)
    return make


_IN_USER_POOL: set[tuple[str, str, tuple[str, ...]]] = set()


def in_user_pool(stack, user: str, groups: list[str]) -> str:
    """The caller as a confirmed account of the (moto) user pool in its groups, as a token the authorizer accepts
    implies; so cases can be given or referred to them (only the council's staff may be: StaffDirectory)."""
    key = (stack.user_pool_id, user, tuple(groups))
    if key in _IN_USER_POOL:
        return user
    _IN_USER_POOL.add(key)
    cognito = boto3.client("cognito-idp", region_name=DEFAULT_REGION)
    try:
        cognito.admin_create_user(UserPoolId=stack.user_pool_id, Username=user, MessageAction="SUPPRESS",
                                  UserAttributes=[{"Name": "email", "Value": user}, {"Name": "email_verified", "Value": "true"}])
        cognito.admin_set_user_password(UserPoolId=stack.user_pool_id, Username=user, Password="Casework-Test-2026!", Permanent=True)
    except cognito.exceptions.UsernameExistsException:
        pass
    for group in groups:
        try:
            cognito.admin_add_user_to_group(UserPoolId=stack.user_pool_id, Username=user, GroupName=group)
        except cognito.exceptions.ResourceNotFoundException:  # a made-up group (hostile claims): the token alone carries it
            pass
    return user


def wait_for_execution(sfn, state_machine_arn: str, name: str, timeout: float = 20) -> dict:
    arn = state_machine_arn.replace(":stateMachine:", ":execution:") + f":{name}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        execution = sfn.describe_execution(executionArn=arn)
        if execution["status"] != "RUNNING":
            return execution
        time.sleep(0.1)
    raise AssertionError(f"execution {name} still running after {timeout}s")


def wait_until(check, timeout: float = 20, what: str = "condition"):
    """Poll `check` until it returns something truthy; workflows run in moto's threads."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"{what} not reached after {timeout}s")


def wait_for_step(store, case_id: str, stage, timeout: float = 20):
    """The case once its workflow stands at `stage`: waiting for a person there (token stored), or closed there."""
    from shared.services.blue_badge.domain.case import HUMAN_STAGES

    def arrived():
        case = store.get(case_id)
        if case is not None and case.stage is stage and (case.task_token or stage not in HUMAN_STAGES):
            return case
        return None
    return wait_until(arrived, timeout, what=f"case {case_id} waiting at {stage.value}")


def case_actions(store, case_id: str) -> list[str]:
    """The case's history without notification entries: what changed the case."""
    return [entry.action for entry in store.history(case_id) if not entry.action.startswith("NOTIFICATION")]


def emails_to(address: str) -> list:
    """Mail moto's SES accepted for an address (what a real SES would have sent)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return [message for message in ses_backends[DEFAULT_ACCOUNT_ID][DEFAULT_REGION].sent_messages
            if address in (message.destinations.get("ToAddresses") or [])]


def invoke(function, event):
    return call_handler(function.handler, event, lambda_context(function))


@pytest.fixture
def dynamodb_calls(monkeypatch) -> Counter:
    """DynamoDB requests by operation while the test runs (every client, the handlers' included)."""
    calls: Counter = Counter()
    original = BaseClient._make_api_call

    def counting(self, operation, params):
        if self.meta.service_model.service_name == "dynamodb":
            calls[operation] += 1
        return original(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", counting)
    return calls
