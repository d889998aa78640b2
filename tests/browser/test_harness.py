"""The harness the browser journeys stand on: demo logins, the JSON API and moto of the same local stack."""

from __future__ import annotations

from shared.resources import Role, council_table_name

from .conftest import LocalStack, demo_user


def test_journeys_can_set_up_cases_through_the_api_as_a_demo_user(local_stack: LocalStack):
    status, body = local_stack.api(demo_user("NORTHSHIRE", Role.CASEWORKER), "GET", "/cases?stage=DECISION")
    assert status == 200 and body["cases"]  # the seed leaves cases at every stage
    status, _ = local_stack.api(demo_user("VALEWYE", Role.CASEWORKER), "GET", f"/cases/{body['cases'][0]['case_id']}")
    assert status == 404  # the same stack's tenancy rules hold for the helpers too


def test_journeys_can_read_the_stack_s_aws_resources_through_moto(local_stack: LocalStack):
    tables = local_stack.client("dynamodb").list_tables()["TableNames"]
    assert council_table_name("NORTHSHIRE") in tables
    assert demo_user(None).username.startswith("national-admin@")
