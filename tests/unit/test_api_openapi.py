"""The published OpenAPI document (schemas/openapi.json) says what each route really answers: every status it can
answer, each with a typed body. Whether the API keeps to it is tests/integration/test_api_contract.py's question."""

import json

import pytest

from functions.api.openapi import OPENAPI_FILE

OPENAPI = json.loads(OPENAPI_FILE.read_text())
SCHEMAS = OPENAPI["components"]["schemas"]
OPERATIONS = [pytest.param(operation, id=f"{method.upper()} {path}")
              for path, methods in OPENAPI["paths"].items() for method, operation in methods.items()]
PATHS_WITH_IDS = {f"{method.upper()} {path}" for path, methods in OPENAPI["paths"].items() for method in methods if "{" in path}


def resolved(schema: dict) -> list[dict]:
    """The object schemas a body schema stands for: a $ref followed, each branch of an anyOf."""
    if "$ref" in schema:
        return resolved(SCHEMAS[schema["$ref"].rsplit("/", 1)[1]])
    if "anyOf" in schema:
        return [branch for option in schema["anyOf"] for branch in resolved(option)]
    return [schema]


def body_schema(response: dict) -> dict:
    return response["content"]["application/json"]["schema"]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_route_declares_the_refusals_it_can_answer(operation, request):
    label = request.node.callspec.id
    declared = set(operation["responses"])
    expected = {"401", "403", "422"}
    if "requestBody" in operation:
        expected |= {"400", "413", "415"}
    if label in PATHS_WITH_IDS:
        expected.add("404")
    assert expected <= declared, f"{label} does not declare {sorted(expected - declared)}"
    assert declared & {"200", "201"}, f"{label} declares no success"


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_answer_has_a_typed_body(operation):
    for status, response in operation["responses"].items():
        for schema in resolved(body_schema(response)):
            assert schema.get("type") == "object" and schema.get("properties"), f"{status}: a body of any shape: {schema}"


def test_refusals_are_the_shape_the_api_sends():
    """{statusCode, message} for every refusal; 422 adds each field at fault; API Gateway's own have only a message."""
    assert set(SCHEMAS["Refusal"]["required"]) == {"statusCode", "message"}
    assert set(SCHEMAS["InvalidRequest"]["required"]) == {"statusCode", "message", "errors"}
    assert set(resolved(SCHEMAS["InvalidRequest"]["properties"]["errors"]["items"])[0]["required"]) == {"field", "location", "message"}
    assert SCHEMAS["GatewayRefusal"]["required"] == ["message"]
    assert all(schema["additionalProperties"] is False for schema in (SCHEMAS["Refusal"], SCHEMAS["InvalidRequest"], SCHEMAS["GatewayRefusal"]))


def test_the_workflow_token_stays_out_of_the_case_staff_see():
    assert "task_token" not in SCHEMAS["CaseView"]["properties"]


def test_every_route_needs_a_sign_in():
    assert OPENAPI["security"] == [{"cognito": []}]
    assert OPENAPI["components"]["securitySchemes"]["cognito"]["scheme"] == "bearer"
