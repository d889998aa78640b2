"""The API keeps the contract it publishes. Schemathesis sends positive and negative examples of every operation in
schemas/openapi.json over HTTP to the local API (infra/local/http_api.py: the Cognito authorizer and the proxy event as
API Gateway builds them, the real handler, moto behind it) as a signed-in Northshire caseworker, and checks each answer:
no server error, a declared status code, the declared content type, a body of the declared schema, and no answer
without the bearer token.

Bounded to fit the suite: at most MAX_EXAMPLES per operation and phase, with a fixed seed and derandomized generation,
so a run sends the same requests every time and a failure comes back on the next run. The summary line (requests,
server errors, conformance failures, statuses seen) is printed at the end of the module when it runs in the main
process (`-n 0`); an xdist worker's output is not shown.
"""

from __future__ import annotations

import json
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import boto3
import pytest
import requests
from requests.adapters import HTTPAdapter
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)

from functions.api.openapi import OPENAPI_FILE
from infra.local.http_api import TOKEN_PATH, LocalApi
from infra.local.seed import DEMO_PASSWORD, DemoUser, create_demo_users
from shared.services.blue_badge.domain.case import Stage
from shared.resources import DEFAULT_REGION, Role, council_group
from tests.factories import complete_application
from tests.integration.conftest import Intake
from tests.integration.test_decisions import NORTHSHIRE, at, key_in, order_a_badge, someone_new

MAX_EXAMPLES = 50  # per operation and phase: about 3,700 requests, 1.5 minutes on one core
SEED = 20261123
# The local HTTP server answers TRACE and QUERY itself (501): they never reach the handler, so they are not the API's.
UNEXPECTED_METHODS = ["PUT", "PATCH", "DELETE", "OPTIONS"]
# negative_data_rejection is left out: it counts a query parameter with an empty name ("?=x") as one the API should
# refuse, where the API, like most, ignores parameters it does not know.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance, ignored_auth]


class _LocalApiAdapter(HTTPAdapter):
    """Sends straight to the local API: moto's request mock (patched onto HTTPAdapter.send while mock_aws is on) would
    take a generated path such as /cases/lambda.amazonaws.com/... for a call to AWS and answer it itself. Its send is
    the one from before moto patched it (this module is imported before any test starts mock_aws)."""

    send = HTTPAdapter.send


LOCAL_API_SESSION = requests.Session()
LOCAL_API_SESSION.mount("http://", _LocalApiAdapter())

schema = schemathesis.openapi.from_path(OPENAPI_FILE, config=schemathesis.Config.from_dict({
    "seed": SEED,
    "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
    "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
    "phases": {"stateful": {"enabled": False}, "coverage": {"unexpected-methods": UNEXPECTED_METHODS}},
}))


@dataclass
class Tally:
    requests: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    # Distinct findings: Hypothesis replays a failing example while it shrinks it.
    server_errors: set[str] = field(default_factory=set)
    conformance_failures: set[str] = field(default_factory=set)

    def record(self, operation: str, failures: tuple[Failure, ...]) -> None:
        for failure in failures:
            found = f"{operation}: {failure.title}"
            (self.server_errors if "not_a_server_error" in failure.checks else self.conformance_failures).add(found)

    def summary(self) -> str:
        return (f"API contract: {sum(self.requests.values())} requests over {len(self.requests)} operations, "
                f"{len(self.server_errors)} server errors, {len(self.conformance_failures)} conformance failures; "
                f"statuses {dict(sorted(self.statuses.items()))}")


@pytest.fixture(scope="module")
def tally(request) -> Iterator[Tally]:
    counted = Tally()
    yield counted
    with request.config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
        print("\n" + counted.summary())


@pytest.fixture
def operation_tally(tally, request) -> Iterator[Tally]:
    """The module's tally, checked after all of one operation's examples: a filter or a health check must not quietly
    leave an operation without a single request."""
    yield tally
    operation = request.node.name.partition("[")[2].partition("]")[0]
    assert tally.requests[operation], f"no request was sent for {operation}"


class SignedIn:
    """The local API on a free port, and the Authorization header of a Northshire user of each role, signed in once
    through its sign-in endpoint as a client would."""

    def __init__(self, server: LocalApi, cognito, user_pool_id: str):
        self.url = server.url
        self._cognito, self._user_pool_id = cognito, user_pool_id
        self._headers: dict[Role, dict[str, str]] = {}

    def headers(self, role: Role) -> dict[str, str]:
        if role not in self._headers:
            username = f"contract.{role.value.lower()}@northshire.example"
            create_demo_users(self._cognito, self._user_pool_id, [DemoUser(username, (council_group(NORTHSHIRE, role),), NORTHSHIRE, role)])
            sign_in = urllib.request.Request(f"{self.url}{TOKEN_PATH}", method="POST", headers={"Content-Type": "application/json"},
                                             data=json.dumps({"username": username, "password": DEMO_PASSWORD}).encode())
            with urllib.request.urlopen(sign_in, timeout=10) as answer:
                self._headers[role] = {"Authorization": f"Bearer {json.load(answer)['IdToken']}"}
        return self._headers[role]


@pytest.fixture(scope="module")
def local_api(stack) -> Iterator[SignedIn]:
    cognito = boto3.client("cognito-idp", region_name=DEFAULT_REGION)
    server = LocalApi(cognito, stack.user_pool_id, stack.user_pool_client_id, port=0)
    server.start()
    try:
        yield SignedIn(server, cognito, stack.user_pool_id)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def targets(api_as, clients, pump, stack) -> dict[str, str]:
    """Real ids, so positive examples reach past the lookups: a case waiting at its proof check, an ordered badge,
    a parked application."""
    caseworker = api_as(NORTHSHIRE, Role.CASEWORKER, user="contract.targets@northshire.example")
    case_id = key_in(caseworker, someone_new())
    at(case_id, Stage.PROOF_CHECK)
    _, badge = order_a_badge(caseworker, someone_new())
    unfit = complete_application(NORTHSHIRE, eligibility__code="FLYING")
    Intake(clients["events"], pump, stack).deliver(unfit)
    _, listing = caseworker.call("GET", "/parked?limit=100")
    [parked] = [item for item in listing["parked"] if item["payload"]["application_id"] == unfit["application_id"]]
    return {"case_id": case_id, "badge_number": badge["badge_number"], "parked_id": parked["parked_id"]}


def aim_at_what_exists(case, targets: dict[str, str]) -> None:
    """A valid example should reach past the lookups: real ids in the path, and the caller's own council in an
    application keyed in (another council's is refused with 403 before anything else is looked at)."""
    case.path_parameters = {name: targets.get(name, value) for name, value in (case.path_parameters or {}).items()}
    if case.operation.label == "POST /applications" and isinstance(case.body, dict):
        case.body = case.body | {"council_code": NORTHSHIRE}


# The caller. The parameter also gives each operation's item a node id of its own: under pytest 9.2 schemathesis'
# per-operation items otherwise share one, and xdist would run a single operation of the 26.
@pytest.mark.parametrize("role", [Role.CASEWORKER], ids=str.lower)
@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # operation_tally is meant to span the examples
def test_the_api_answers_as_its_openapi_document_says(case, role, local_api, targets, operation_tally):
    tally = operation_tally
    if case.meta is not None and case.meta.generation.mode is GenerationMode.POSITIVE:
        aim_at_what_exists(case, targets)
    response = case.call(base_url=local_api.url, headers=local_api.headers(role), session=LOCAL_API_SESSION)
    tally.requests[case.operation.label] += 1
    tally.statuses[response.status_code] += 1
    try:
        case.validate_response(response, checks=CHECKS)
    except FailureGroup as failed:
        tally.record(case.operation.label, failed.exceptions)
        raise


def test_a_query_date_must_be_written_as_a_date(api_as):
    """Found by the contract test: pydantic alone took "0" (or "-5e-65") for 1970-01-01, where the document says format date."""
    caseworker = api_as(NORTHSHIRE, Role.CASEWORKER, user="contract.dates@northshire.example")
    for written in ("0", "-5.7e-65", "19580101"):
        status, body = caseworker.call("POST", "/search", {"kind": "PERSON", "value": "Smith", "date_of_birth": written})
        assert status == 422 and body["errors"][0]["field"] == "date_of_birth", (written, body)
    assert caseworker.call("POST", "/search", {"kind": "PERSON", "value": "Smith", "date_of_birth": "1958-12-10"})[0] == 200
