"""Fixtures for the local runtime's tests: moto in-process, with Step Functions execution on."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws
from moto.core.models import MockAWS

from infra.local.bridge import install_lambda_bridge
from infra.local.provision import LocalResources, provision
from shared.bootstrap import secret_values
from shared.core.domain.council import CouncilRegistry, load_councils
from shared.resources import DEFAULT_REGION
from tests.local import standins

# One Session for all tests: it caches botocore's service models, which otherwise costs ~0.6 s per test.
_SESSION = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=DEFAULT_REGION)


@contextlib.contextmanager
def local_aws() -> Iterator[boto3.session.Session]:
    """A fresh in-process moto with the bridge installed; os.environ (which provision() sets) restored afterwards."""
    if MockAWS._nested_count:
        # A nested mock_aws shares the outer one's state, so provisioning would collide with its resources.
        pytest.fail("another mock_aws is still active (a session-scoped fixture?); tests/local need a fresh moto")
    saved = dict(os.environ)
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=DEFAULT_REGION)
    install_lambda_bridge()
    standins.received.clear()
    # The handlers run in this process: a secret one cached from an earlier test's moto (a CRM's client secret) went with it.
    secret_values().clear_cache()
    try:
        with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
            yield _SESSION
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture
def aws() -> Iterator[boto3.session.Session]:
    with local_aws() as session:
        yield session


@pytest.fixture(scope="session")
def councils() -> CouncilRegistry:
    return load_councils()


@pytest.fixture
def resources(aws: boto3.session.Session, councils: CouncilRegistry) -> LocalResources:
    return provision(aws, councils)


@pytest.fixture(scope="module")
def module_stack(councils: CouncilRegistry) -> Iterator[tuple[boto3.session.Session, LocalResources, dict[str, str]]]:
    """Provisioned once per module (session, resources, os.environ as provision left it), for modules whose
    tests only read or add resources of their own; such modules override `aws` and `resources` with it."""
    with local_aws() as session:
        resources = provision(session, councils)
        yield session, resources, dict(os.environ)
