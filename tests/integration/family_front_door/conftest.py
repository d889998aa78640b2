"""Fixtures of the Family Front Door's integration tests: where Contact Accepted events land, and the council's social
care record system on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest

from infra.local.crm_receiver import CrmReceiver, start_crm_receiver
from shared.core.domain.crm import CRM_SECRET_PREFIX
from shared.resources import CRM_ALLOW_LOOPBACK_HTTP, DEFAULT_REGION, Env
from shared.services.family_front_door import SERVICE_KEY
from shared.services.family_front_door.domain.accepted import CONTACT_ACCEPTED

NORTHSHIRE = "NORTHSHIRE"
EPISODES = "cw_contactepisodes"


@pytest.fixture(scope="package")
def accepted_events(stack, clients) -> str:
    """A queue the bus delivers every Contact Accepted event to (as the connector's rule takes them)."""
    sqs, events = clients["sqs"], clients["events"]
    url = sqs.create_queue(QueueName="ffd-contact-accepted-test")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="ffd-contact-accepted-test", EventBusName=stack.event_bus_name,
                    EventPattern=json.dumps(CONTACT_ACCEPTED.pattern), State="ENABLED")
    events.put_targets(Rule="ffd-contact-accepted-test", EventBusName=stack.event_bus_name, Targets=[{"Id": "test-queue", "Arn": arn}])
    return url


@pytest.fixture(scope="package")
def record_system(stack) -> Iterator[CrmReceiver]:
    """The council's social care record system on loopback, with its client secret where the connector reads it."""
    receiver, _ = start_crm_receiver()
    endpoint = receiver.endpoint(NORTHSHIRE, entity_set=EPISODES).model_copy(
        update={"secret_name": f"{CRM_SECRET_PREFIX}{NORTHSHIRE.lower()}-ffd"})
    boto3.client("secretsmanager", region_name=DEFAULT_REGION).create_secret(Name=endpoint.secret_name, SecretString=receiver.client_secret)
    with pytest.MonkeyPatch.context() as env:
        env.setenv(Env.CRM_ENDPOINTS.value, json.dumps({SERVICE_KEY: {NORTHSHIRE: endpoint.model_dump(mode="json")}}))
        env.setenv(CRM_ALLOW_LOOPBACK_HTTP, "true")  # plain http to loopback, as in local runs
        yield receiver
    receiver.stop()
