"""The local API Gateway stand-in: Cognito authorizer emulation, proxy event, response mapping, limits."""

import itertools
import json
import urllib.error
import urllib.request
from email.message import Message

import pytest

from infra.local.http_api import LocalApi
from infra.local.seed import DEMO_PASSWORD, DemoUser, create_demo_users
from shared.resources import API_MAX_BODY_BYTES, FunctionSpec, Role, council_group

GROUP = council_group("NORTHSHIRE", Role.CASEWORKER)
ECHO = FunctionSpec(key="test-api", handler="tests.local.standins.api_echo", description="stand-in")
_user_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def api(module_stack):
    session, resources, _ = module_stack
    server = LocalApi(session.client("cognito-idp"), resources.user_pool_id, resources.user_pool_client_id, port=0, function=ECHO)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def username(module_stack) -> str:
    """A caseworker of its own for each test, as tests change group membership and sign out."""
    session, resources, _ = module_stack
    name = f"caseworker-{next(_user_numbers)}@northshire.example"
    create_demo_users(session.client("cognito-idp"), resources.user_pool_id, [DemoUser(name, (GROUP,), "NORTHSHIRE", Role.CASEWORKER)])
    return name


def _request(url: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _tokens(api: LocalApi, username: str, password: str = DEMO_PASSWORD) -> tuple[int, dict]:
    status, _, body = _request(
        f"{api.url}/local/token", "POST", json.dumps({"username": username, "password": password}).encode(),
        {"Content-Type": "application/json"},
    )
    return status, json.loads(body)


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-jwt", "Basic dXNlcjpwYXNz"])
def test_without_a_valid_token_answers_401_like_api_gateway(api, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    status, _, body = _request(f"{api.url}/cases", headers=headers)
    assert status == 401
    assert json.loads(body) == {"message": "Unauthorized"}


def test_local_token_endpoint_signs_in_with_the_password(api, username):
    status, tokens = _tokens(api, username)
    assert status == 200 and {"IdToken", "AccessToken", "RefreshToken"} <= set(tokens)
    status, refused = _tokens(api, username, password="wrong-Password-1")
    assert status == 401 and refused["message"]


@pytest.mark.parametrize("token_kind", ["IdToken", "AccessToken"])
def test_valid_token_reaches_the_handler_with_claims_and_groups(api, username, token_kind):
    _, tokens = _tokens(api, username)
    status, headers, body = _request(
        f"{api.url}/cases/NORTHSHIRE-1?stage=SCREENING&tag=a&tag=b", "POST", b'{"note": "hello"}',
        {"Authorization": f"Bearer {tokens[token_kind]}", "Content-Type": "application/json"},
    )
    assert status == 200
    assert headers.get_all("X-Multi") == ["a", "b"]
    assert headers["x-amzn-RequestId"]
    echoed = json.loads(body)
    event = echoed["event"]
    assert echoed["function_name"] == ECHO.function_name
    assert (event["httpMethod"], event["path"], event["resource"]) == ("POST", "/cases/NORTHSHIRE-1", "/{proxy+}")
    assert event["pathParameters"] == {"proxy": "cases/NORTHSHIRE-1"}
    assert event["queryStringParameters"] == {"stage": "SCREENING", "tag": "b"}
    assert event["multiValueQueryStringParameters"] == {"stage": ["SCREENING"], "tag": ["a", "b"]}
    assert event["headers"]["Content-Type"] == "application/json"
    assert event["multiValueHeaders"]["Content-Type"] == ["application/json"]
    assert (event["body"], event["isBase64Encoded"]) == ('{"note": "hello"}', False)
    context = event["requestContext"]
    assert context["stage"] == "local" and context["requestId"] and context["identity"]["sourceIp"] == "127.0.0.1"
    claims = context["authorizer"]["claims"]
    assert claims["cognito:groups"] == GROUP  # a comma-separated string, as API Gateway passes it
    assert claims["sub"] and all(isinstance(value, str) for value in claims.values())
    if token_kind == "IdToken":
        assert claims["cognito:username"] == username
        assert claims["email"] == username


def test_groups_are_comma_separated(module_stack, api, username):
    session, resources, _ = module_stack
    assessor = council_group("NORTHSHIRE", Role.ASSESSOR)
    session.client("cognito-idp").admin_add_user_to_group(UserPoolId=resources.user_pool_id, Username=username, GroupName=assessor)
    _, tokens = _tokens(api, username)
    _, _, body = _request(f"{api.url}/cases", headers={"Authorization": f"Bearer {tokens['IdToken']}"})
    groups = json.loads(body)["event"]["requestContext"]["authorizer"]["claims"]["cognito:groups"]
    assert sorted(groups.split(",")) == sorted([GROUP, assessor])


def test_signed_out_access_token_is_refused(module_stack, api, username):
    _, tokens = _tokens(api, username)
    module_stack[0].client("cognito-idp").global_sign_out(AccessToken=tokens["AccessToken"])
    status, _, _ = _request(f"{api.url}/cases", headers={"Authorization": f"Bearer {tokens['AccessToken']}"})
    assert status == 401


def test_body_over_the_limit_answers_413(api):
    status, _, body = _request(f"{api.url}/applications", "POST", b"x" * (API_MAX_BODY_BYTES + 1))
    assert status == 413
    assert json.loads(body) == {"message": "Request Too Long"}


def test_handler_exception_answers_502_like_api_gateway(api, username):
    _, tokens = _tokens(api, username)
    status, _, body = _request(f"{api.url}/boom", headers={"Authorization": f"Bearer {tokens['IdToken']}"})
    assert status == 502
    assert json.loads(body) == {"message": "Internal server error"}
