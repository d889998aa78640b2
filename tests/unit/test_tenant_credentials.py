"""Scoped sessions: one AssumeRole per council per container, tagged with that council, none on a warm request."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from moto import mock_aws

from shared.core.adapters.tenant_credentials import SESSION_SECONDS, TenantSessions
from shared.resources import COUNCIL_TAG, DEFAULT_REGION, TENANT_ROLE_NAME

ROLE_ARN = f"arn:aws:iam::123456789012:role/{TENANT_ROLE_NAME}"


@pytest.fixture
def assumed() -> Any:
    with mock_aws():
        base = boto3.session.Session(region_name=DEFAULT_REGION)
        calls: list[dict] = []
        base.events.register("before-parameter-build.sts.AssumeRole", lambda params, **_: calls.append(dict(params)))
        yield TenantSessions(ROLE_ARN, session_name="casework-api", base=base), calls


def test_the_first_request_for_a_council_assumes_the_role_once_with_its_tag(assumed):
    sessions, calls = assumed
    sessions.client("dynamodb", "NORTHSHIRE").list_tables()
    sessions.client("s3", "NORTHSHIRE").list_buckets()  # another service of the same council: the same session
    assert calls == [{"RoleArn": ROLE_ARN, "RoleSessionName": "casework-api", "DurationSeconds": SESSION_SECONDS,
                      "Tags": [{"Key": COUNCIL_TAG, "Value": "northshire"}]}]


def test_warm_requests_make_no_sts_call_and_each_council_gets_its_own_session(assumed):
    sessions, calls = assumed
    northshire = sessions.client("dynamodb", "NORTHSHIRE")
    valewye = sessions.client("dynamodb", "VALEWYE")
    for _ in range(5):
        northshire.list_tables()
        valewye.list_tables()
    assert sessions.client("dynamodb", "NORTHSHIRE") is northshire
    assert [call["Tags"] for call in calls] == [[{"Key": COUNCIL_TAG, "Value": "northshire"}], [{"Key": COUNCIL_TAG, "Value": "valewye"}]]
    own, other = (client._request_signer._credentials.get_frozen_credentials() for client in (northshire, valewye))
    assert own.access_key != other.access_key  # two distinct sessions, never shared between councils


def test_a_client_with_a_config_is_made_once_per_council_too(assumed):
    sessions, _ = assumed
    virtual = Config(s3={"addressing_style": "virtual"})
    assert sessions.client("s3", "NORTHSHIRE", virtual) is sessions.client("s3", "NORTHSHIRE", virtual)
    assert sessions.client("s3", "NORTHSHIRE", virtual) is not sessions.client("s3", "NORTHSHIRE")
