"""No 500 for any input: every route of the OpenAPI document, as every kind of caller, given hostile
bodies, odd path ids and bad query strings, answers below 500 with a JSON body; errors carry a "message".

A Lambda that raises is a 502 from API Gateway, so an exception out of the handler counts as one here.
"""

from __future__ import annotations

import base64
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from infra.local.bridge import lambda_context
from infra.local.http_api import proxy_event
from shared.services.blue_badge.domain.case import Stage
from shared.resources import API_FUNCTION, API_MAX_BODY_BYTES, NATIONAL_ADMIN_GROUP, Role
from tests.integration.test_decisions import at, key_in, order_a_badge, someone_new

NORTHSHIRE = "NORTHSHIRE"
OPENAPI = json.loads((Path(__file__).parents[2] / "schemas" / "openapi.json").read_text())
OPERATIONS = sorted((method.upper(), path) for path, methods in OPENAPI["paths"].items() for method in methods)
WITH_BODY = [(method, path) for method, path in OPERATIONS if "requestBody" in OPENAPI["paths"][path][method.lower()]]
PATH_PARAMETER = re.compile(r"\{(\w+)\}")

CALLERS = {
    "caseworker": dict(council=NORTHSHIRE, roles=(Role.CASEWORKER,)),
    "team-leader": dict(council=NORTHSHIRE, roles=(Role.TEAM_LEADER,)),
    "read-only": dict(council=NORTHSHIRE, roles=(Role.READ_ONLY,)),
    "assessor": dict(council=NORTHSHIRE, roles=(Role.ASSESSOR,)),
    "national-admin": dict(council=None, roles=(), groups=[NATIONAL_ADMIN_GROUP]),
}


def send(api, method: str, path: str, raw: bytes, content_type: str = "application/json") -> tuple[int, Any]:
    """The request as API Gateway passes it to the function (what `./dev run` serves), with any raised
    exception turned into the 502 a client would get."""
    from functions.api.handler import lambda_handler

    event = proxy_event(method, path, [("Content-Type", content_type)], raw, "127.0.0.1", api.claims, "localhost")
    try:
        response = lambda_handler(event, lambda_context(API_FUNCTION))
    except Exception as error:  # noqa: BLE001 - the point is to see it
        return 502, f"the function raised {error!r}"[:300]
    try:
        return response["statusCode"], json.loads(response.get("body") or "null")
    except ValueError:
        return response["statusCode"], f"not JSON: {response.get('body')!r}"[:300]


def problem(status: int, body: Any) -> str | None:
    """Why a response breaks the rule (None when it keeps it)."""
    if status >= 500:
        return f"{status}: {body}"
    if not isinstance(body, dict):
        return f"{status} with a body that is not a JSON object: {body!r}"[:300]
    if status >= 400 and not (isinstance(body.get("message"), str) and body["message"]):
        return f"{status} without a message: {body}"[:300]
    return None


@pytest.fixture(scope="module")
def targets(api_as) -> dict[str, str]:
    """Real ids for the path parameters, so hostile input reaches the code behind the lookups too."""
    caseworker = api_as(NORTHSHIRE, Role.CASEWORKER, user="fuzz.caseworker@northshire.example.gov.uk")
    case_id, spare = key_in(caseworker, someone_new()), key_in(caseworker, someone_new())
    _, badge = order_a_badge(caseworker, someone_new())
    for waiting in (case_id, spare):  # two, so the PROOF_CHECK queue has a second page
        at(waiting, Stage.PROOF_CHECK)
    return {"case_id": case_id, "badge_number": badge["badge_number"], "parked_id": "P-000000000000-ABCDEF"}


def filled(path: str, value: str | dict[str, str]) -> str:
    return PATH_PARAMETER.sub(lambda match: value[match.group(1)] if isinstance(value, dict) else value, path)


def caller(api_as, name: str):
    spec = CALLERS[name]
    return api_as(spec["council"], *spec["roles"], user=f"fuzz.{name}@northshire.example.gov.uk", groups=spec.get("groups"))


def test_the_fuzz_covers_every_route_of_the_openapi_document():
    assert len(OPERATIONS) >= 23 and len(WITH_BODY) >= 16
    assert {path for _, path in OPERATIONS} == set(OPENAPI["paths"])


# Bodies that are valid but for expected_version, per route (so the version is what gets tested).
PLAUSIBLE = {
    "/cases/{case_id}/assignment": {"assignee": None},
    "/cases/{case_id}/priority": {"priority": 60},
    "/cases/{case_id}/referral": {"assessor": None},
    "/cases/{case_id}/proof-check": {"confirmed": False},
    "/cases/{case_id}/assessment": {"outcome": "ELIGIBLE", "summary": "fuzz"},
    "/cases/{case_id}/decision": {"outcome": "REFUSE", "reasons": ["fuzz"]},
    "/cases/{case_id}/payment": {"amount_pence": 1000, "reference": "FUZZ"},
    "/cases/{case_id}/review-request": {"grounds": "fuzz"},
    "/cases/{case_id}/review": {"outcome": "UPHOLD", "reasons": ["fuzz"]},
    "/cases/{case_id}/supplied": {"evidence": []},
    "/badges/{badge_number}/cancel": {"reason": "REVOKE"},
    "/badges/{badge_number}/reorder": {"holder": {"forenames": "Fuzz", "address": {"postcode": "NE1 4XF"}}},
}
WRONG_TYPES = {
    "expected_version": "one", "assignee": 42, "assessor": ["x"], "priority": "high", "text": {"a": 1}, "outcome": True,
    "confirmed": "perhaps", "summary": None, "reasons": "because", "order": [], "grounds": 3.5, "amount_pence": "ten",
    "reference": {}, "changes": "everything", "evidence": {"type": "PHOTO"}, "reason": 7, "cases": {"case_id": "x"},
    "application_id": 12, "party": None, "holder": "Ada", "payment": True,
}
DEEP = b"[" * 60_000 + b"]" * 60_000

BODIES = [
    pytest.param(lambda route, _: b'{"expected_version": 1,', id="truncated-json"),
    pytest.param(lambda route, _: b"{'expected_version': 1}", id="single-quoted-json"),
    pytest.param(lambda route, _: b"expected_version=1&text=x", id="form-encoded-as-json"),
    pytest.param(lambda route, _: b"{}", id="empty-object"),
    pytest.param(lambda route, _: b"", id="no-body"),
    pytest.param(lambda route, _: b"[]", id="array"),
    pytest.param(lambda route, _: b'[{"expected_version": 1}]', id="array-of-objects"),
    pytest.param(lambda route, _: b'"expected_version"', id="string"),
    pytest.param(lambda route, _: b"42", id="number"),
    pytest.param(lambda route, _: b"null", id="null"),
    pytest.param(lambda route, _: b"true", id="boolean"),
    pytest.param(lambda route, _: b'{"expected_version": NaN, "priority": Infinity}', id="nan-and-infinity"),
    pytest.param(lambda route, _: json.dumps({"expected_version": 1, "text": "x" * 240_000}).encode(), id="huge-string"),
    pytest.param(lambda route, _: json.dumps({f"field{i}": i for i in range(2_000)}).encode(), id="many-fields"),
    pytest.param(lambda route, _: json.dumps({**PLAUSIBLE.get(route, {}), "expected_version": 10**6, "unexpected": True,
                                              "__proto__": {"admin": True}}).encode(), id="unknown-fields"),
    pytest.param(lambda route, _: json.dumps(WRONG_TYPES).encode(), id="wrong-types"),
    pytest.param(lambda route, _: json.dumps({"text": "\u0000\u202e\ud83d\udca5", "expected_version": "\u0000"}).encode(), id="control-characters"),
    pytest.param(lambda route, _: b'{"text": "\\ud800", "reference": "\\udfff", "expected_version": 1}', id="lone-surrogates"),
    *[pytest.param(lambda route, targets, version=version: json.dumps(
        {**PLAUSIBLE.get(route, {}), "expected_version": version} if route != "/assignments" else
        {"assignee": None, "cases": [{"case_id": targets["case_id"], "expected_version": version}]}).encode(), id=f"expected-version-{name}")
      for name, version in [("negative", -1), ("zero", 0), ("huge", 10**30), ("fraction", 1.5), ("null", None), ("text", "latest"),
                            ("int64-overflow", 2**63)]],
    pytest.param(lambda route, _: b"x" * (API_MAX_BODY_BYTES + 1), id="over-the-size-limit"),
    pytest.param(lambda route, _: DEEP, id="deeply-nested"),
    pytest.param(lambda route, _: b'\xff\xfe{"expected_version": 1}', id="not-utf8"),
]


@pytest.mark.parametrize("who", list(CALLERS))
@pytest.mark.parametrize("body", BODIES)
def test_no_route_answers_500_to_a_hostile_body(api_as, targets, who, body):
    api = caller(api_as, who)
    problems = []
    for method, path in WITH_BODY:
        status, answer = send(api, method, filled(path, targets), body(path, targets))
        if (why := problem(status, answer)) is not None:
            problems.append(f"{method} {path}: {why}")
    assert problems == [], "\n".join(problems)


ODD_IDS = [
    "NORTHSHIRE-000000-ZZZZZZ",  # well formed, unknown
    "000000",
    "P-000000000000-ABCDEF",
    "northshire-261123-abcdef",
    quote("../../etc/passwd", safe=""),
    quote("ABC/DEF", safe=""),
    "%00%00%00%00%00%00",
    quote("💥💥💥💥💥💥"),
    quote("' OR '1'='1", safe=""),
    quote("<script>alert(1)</script>", safe=""),
    quote("A" * 65),
    "X" * 2000,
    "%25%25%25%25%25%25",
    "%E2%80%AE%E2%80%AE%E2%80%AE",
    "%FF%FE%FD%FC%FB%FA",
    "-" * 6,
]


@pytest.mark.parametrize("who", list(CALLERS))
def test_no_route_answers_500_to_an_odd_path_id(api_as, targets, who):
    api = caller(api_as, who)
    problems = []
    for method, path in OPERATIONS:
        if not PATH_PARAMETER.search(path):
            continue
        body = json.dumps({**PLAUSIBLE.get(path, {}), "expected_version": 1}).encode() if method == "POST" else b""
        for odd in ODD_IDS:
            status, answer = send(api, method, filled(path, odd), body)
            if (why := problem(status, answer)) is not None:
                problems.append(f"{method} {filled(path, odd)[:80]}: {why}")
            elif status < 400:
                problems.append(f"{method} {filled(path, odd)[:80]}: {status} for an id that does not exist")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("who", list(CALLERS))
def test_no_route_answers_500_to_a_method_it_does_not_have(api_as, targets, who):
    api = caller(api_as, who)
    problems = []
    for path in OPENAPI["paths"]:
        for method in ("PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "BREW"):
            status, answer = send(api, method, filled(path, targets), b"{}")
            if (why := problem(status, answer)) is not None or not 400 <= status < 500:
                problems.append(f"{method} {path}: {why or status}")
    assert problems == [], "\n".join(problems)


def cursor_of(item: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(item).encode()).decode()


QUERIES = [
    "/cases?stage=", "/cases?stage=%00", "/cases?stage=DECISION&stage=BOGUS", "/cases?stage=DECISION&limit=1e3",
    "/cases?stage=DECISION&limit=99999999999999999999999", "/cases?stage=DECISION&limit=-1", "/cases?stage=DECISION&limit=",
    "/cases?stage=DECISION&older_than_days=1.5", "/cases?stage=DECISION&older_than_days=99999999999999999999",
    "/cases?stage=DECISION&min_priority=NaN", "/cases?stage=DECISION&sort=", "/cases?stage=DECISION&route=pip",
    "/cases?stage=DECISION&application_type=%27%3B--", "/cases?assignee=", "/cases?assignee=%00", "/cases?assignee=" + "a" * 300,
    "/cases?assignee=me&stage=NOPE", "/cases?assignee=" + quote("' OR 1=1 --"), "/cases?stage=DECISION&cursor=",
    "/cases?stage=DECISION&cursor=%%%", "/cases?stage=DECISION&cursor=" + "A" * 2001, "/cases?stage=DECISION&cursor=" + "A" * 1999,
    "/cases?stage=DECISION&cursor=" + cursor_of([]), "/cases?stage=DECISION&cursor=" + cursor_of("x"),
    "/cases?stage=DECISION&cursor=" + cursor_of({"pk": {"N": "1"}, "sk": {"S": "CASE"}, "gsi1pk": {"S": "x"}, "gsi1sk": {"S": "y"}}),
    "/cases?stage=DECISION&cursor=" + cursor_of({"pk": {"S": 1}, "sk": {"S": "CASE"}, "gsi1pk": {"S": "x"}, "gsi1sk": {"S": "y"}}),
    "/cases?stage=DECISION&cursor=" + quote(base64.b64encode(b"\xff\xfe\xfd").decode()),
    "/cases?stage=DECISION&sort=priority&older_than_days=0&min_priority=0&limit=100&sort=newest",
    "/cases?stage=DECISION&unknown=1&__proto__=x",
    "/parked?limit=0", "/parked?limit=abc", "/parked?cursor=garbage", "/parked?cursor=" + cursor_of({"pk": {"S": "x"}}),
    "/badges/%00", "/cases/%00/person",
    "/badges", "/badges?status=", "/badges?status=ISSUED", "/badges?status=reject", "/badges?status=REJECT&limit=0",
    "/badges?status=REJECT&cursor=garbage", "/badges?status=REJECT&cursor=" + cursor_of({"pk": {"S": "x"}}),
    "/badges?status=REJECT&cursor=" + cursor_of({"pk": {"S": "x"}, "sk": {"S": "y"}, "gsi1pk": {"S": "STAGE#DECISION"}, "gsi1sk": {"S": "y"}}),
]


@pytest.mark.parametrize("who", list(CALLERS))
def test_no_query_string_answers_500(api_as, targets, who):
    api = caller(api_as, who)
    problems = []
    for query in QUERIES:
        status, answer = send(api, "GET", query, b"")
        if (why := problem(status, answer)) is not None:
            problems.append(f"GET {query[:80]}: {why}")
    assert problems == [], "\n".join(problems)


@pytest.mark.filterwarnings("ignore:Received multipart/form-data without base64 encoding")
@pytest.mark.parametrize(("content_type", "raw"), [
    ("application/x-www-form-urlencoded", b"text=hello&expected_version=abc"),
    ("application/x-www-form-urlencoded", b"\xff\xfe%%%"),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=text\r\n\r\nhi\r\n--x--"),
    ("multipart/form-data; boundary=x", b"not multipart at all"),
    pytest.param("application/json; charset=latin-1", b'{"text": "caf\xe9"}'),
    ("", b'{"text": ""}'),
    ("text/plain", b"hello"),
    ("multipart/form-data", b"no boundary"),
])
def test_no_content_type_answers_500(api_as, targets, content_type, raw):
    problems = []
    for who in CALLERS:
        api = caller(api_as, who)
        for method, path in WITH_BODY:
            status, answer = send(api, method, filled(path, targets), raw, content_type)
            if (why := problem(status, answer)) is not None:
                problems.append(f"{who} {method} {path}: {why}")
    assert problems == [], "\n".join(problems)


# ------------------------------------------------------------------ what moto lets through and DynamoDB does not


def dynamodb_number_problem(value: str) -> str | None:
    """DynamoDB's Number limits: at most 38 significant digits, magnitude between 1E-130 and 9.99..E+125."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return f"{value} is not a number"
    if number.is_zero():
        return None
    digits = "".join(map(str, number.as_tuple().digits)).strip("0")  # no normalize(): it rounds to 28 digits
    if len(digits) > 38:
        return "Attempting to store more than 38 significant digits in a Number"
    if number.adjusted() > 125:
        return "Number overflow. Attempting to store a number with magnitude larger than supported range"
    if number.adjusted() < -130:
        return "Number underflow. Attempting to store a number with magnitude smaller than supported range"
    return None


def numbers_in(value: Any):
    if isinstance(value, dict):
        if set(value) == {"N"}:
            yield value["N"]
        for inner in value.values():
            yield from numbers_in(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from numbers_in(inner)


@pytest.fixture
def dynamodb_as_in_aws(monkeypatch):
    """Checks moto (5.2) skips and DynamoDB makes, refused with the ValidationException DynamoDB sends:
    Number limits, and a Query's ExclusiveStartKey outside the partition (and sort-key range) it asks for."""
    original = BaseClient._make_api_call

    def checked(self, operation, params):
        if self.meta.service_model.service_name == "dynamodb":
            for number in numbers_in(params):
                if (why := dynamodb_number_problem(number)) is not None:
                    raise ClientError({"Error": {"Code": "ValidationException", "Message": why}}, operation)
            start = params.get("ExclusiveStartKey")
            if operation == "Query" and start:
                names, values = params.get("ExpressionAttributeNames", {}), params.get("ExpressionAttributeValues", {})
                partition = start.get(names.get("#k"), {})
                outside = partition != values.get(":v")
                if "#s" in names and ":s" in values and "#s < :s" in params["KeyConditionExpression"]:
                    outside = outside or not start.get(names["#s"], {}).get("S", "") < values[":s"]["S"]
                if outside:
                    raise ClientError({"Error": {"Code": "ValidationException", "Message":
                                       "The provided starting key is outside query boundaries based on provided conditions"}}, operation)
        return original(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", checked)


def test_the_aws_checks_pass_what_the_api_sends_for_valid_requests(api_as, targets, dynamodb_as_in_aws):
    """The checks above refuse nothing the API sends for ordinary requests, so the two tests below point at the input."""
    api = caller(api_as, "caseworker")
    status, body = api.call("GET", "/cases?stage=PROOF_CHECK&limit=1")
    assert status == 200 and body["cursor"]
    assert api.call("GET", "/cases?" + urlencode({"stage": "PROOF_CHECK", "limit": 1, "cursor": body["cursor"]}))[0] == 200
    assert api.call("GET", f"/cases/{targets['case_id']}")[0] == 200
    status, body = api.call("POST", f"/cases/{targets['case_id']}/assignment", {"expected_version": 2**53, "assignee": None})
    assert status == 409  # the largest version accepted reaches DynamoDB's condition, and simply does not match
    assert dynamodb_number_problem(str(10**200)) and dynamodb_number_problem("9" * 39) and not dynamodb_number_problem(str(10**30))


@pytest.mark.parametrize("version", [10**200, int("9" * 39)], ids=["1e200", "39-digits"])
def test_an_expected_version_beyond_dynamodb_numbers_is_refused_not_a_500(api_as, targets, dynamodb_as_in_aws, version):
    problems = []
    for who in CALLERS:
        api = caller(api_as, who)
        for method, path in WITH_BODY:
            route_body = ({"assignee": None, "cases": [{"case_id": targets["case_id"], "expected_version": version}]}
                          if path == "/assignments" else {**PLAUSIBLE.get(path, {}), "expected_version": version})
            status, answer = send(api, method, filled(path, targets), json.dumps(route_body).encode())
            if (why := problem(status, answer)) is not None:
                problems.append(f"{who} {method} {path}: {why}")
    assert problems == [], "\n".join(problems)


def test_a_cursor_from_another_queue_is_refused_not_a_500(api_as, targets, dynamodb_as_in_aws):
    api = caller(api_as, "caseworker")
    status, body = api.call("GET", "/cases?stage=PROOF_CHECK&limit=1")
    assert status == 200 and body["cursor"]
    problems = []
    for query in ({"stage": "DECISION"}, {"stage": "PROOF_CHECK", "older_than_days": 3650}, {"stage": "ORDERED", "sort": "newest"}):
        status, answer = send(api, "GET", "/cases?" + urlencode(query | {"cursor": body["cursor"]}), b"")
        if (why := problem(status, answer)) is not None or status != 400:
            problems.append(f"{query}: {why or status}")
    assert problems == [], "\n".join(problems)
