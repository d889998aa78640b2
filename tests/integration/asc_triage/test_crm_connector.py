"""Accepted referrals delivered to a council's CRM, against a real HTTP stand-in for it on loopback
(infra/local/crm_receiver.py): delivery and the id on the case, a refused token, 5xx answers, timeouts, duplicates on
either side, and the handler's idempotency on moto's DynamoDB."""

from __future__ import annotations

import importlib
import io
import json
import sys
import types
import urllib.request
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from infra.local.bridge import LocalLambdaContext
from infra.local.crm_receiver import CrmReceiver, start_crm_receiver
from shared.resources import CRM_ALLOW_LOOPBACK_HTTP, DEFAULT_REGION, IDEMPOTENCY_TABLE_LAYOUT, IDEMPOTENCY_TABLE_NAME, Env
from shared.services.asc_triage.adapters.crm_client import (
    RETRY_BACKOFF_SECONDS,
    CrmClient,
    CrmRejected,
    CrmTokenRefused,
    CrmUnavailable,
    InsecureCrmUrl,
    TokenCache,
)
from shared.services.asc_triage.domain.crm import REFERRAL_ACCEPTED, CrmEndpoint, ReferralAccepted, crm_record
from shared.services.asc_triage.logic.crm_delivery import AlreadyDelivered, DeliveryStatus, deliver
from tests.unit.asc_triage.test_crm_event import accepted_referral

COUNCIL = "NORTHSHIRE"
CLIENT_SECRET = "local-crm-client-secret"
FUNCTION_NAME = "casework-crm-connector"
FUNCTION_ARN = f"arn:aws:lambda:{DEFAULT_REGION}:123456789012:function:{FUNCTION_NAME}"


@pytest.fixture
def receiver() -> Iterator[CrmReceiver]:
    server, _ = start_crm_receiver(client_secret=CLIENT_SECRET)
    yield server
    server.stop()


class CaseStore:
    """Stands in for the lead's record_crm_id: one CRM id per case, a second raises AlreadyDelivered."""

    def __init__(self) -> None:
        self.crm_ids: dict[tuple[str, str], str] = {}
        self.calls: list[tuple[str, str, str]] = []

    def record_crm_id(self, council_code: str, case_id: str, external_id: str) -> None:
        self.calls.append((council_code, case_id, external_id))
        if (council_code, case_id) in self.crm_ids:
            raise AlreadyDelivered(f"case {case_id} already holds a CRM id")
        self.crm_ids[council_code, case_id] = external_id


class Delivery:
    """deliver() with a real client pointed at the receiver; backoffs recorded instead of slept."""

    def __init__(self, receiver: CrmReceiver, *, timeout_seconds: float = 5, seconds_left: float = 30,
                 secret: str = CLIENT_SECRET) -> None:
        self.endpoint = receiver.endpoint(COUNCIL, timeout_seconds=timeout_seconds)
        self.cases = CaseStore()
        self.backoffs: list[float] = []
        self.tokens = TokenCache()
        self._seconds_left = seconds_left
        self._secret = secret

    def client(self, endpoint: CrmEndpoint) -> CrmClient:
        return CrmClient(endpoint, lambda: self._secret, seconds_left=lambda: self._seconds_left, tokens=self.tokens,
                         allow_loopback_http=True, sleep=self.backoffs.append)

    def __call__(self, event: ReferralAccepted):
        return deliver(event, {COUNCIL: self.endpoint}.get, self.client, self.cases.record_crm_id)


def test_an_accepted_referral_is_created_in_the_crm_and_its_id_recorded_on_the_case(receiver):
    event = accepted_referral()
    delivery = Delivery(receiver)
    outcome = delivery(event)
    [received] = receiver.received()
    assert outcome.status is DeliveryStatus.DELIVERED and outcome.external_id == received.record_id
    assert delivery.cases.calls == [(COUNCIL, event.case_id, received.record_id)]
    assert received.entity_set == "cw_referrals" and received.body == crm_record(event)
    assert received.headers == {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json",
                                "OData-MaxVersion": "4.0", "OData-Version": "4.0"}
    assert receiver.token_requests == 1 and delivery.backoffs == []


def test_a_council_without_a_crm_is_skipped_without_error(receiver):
    delivery = Delivery(receiver)
    outcome = deliver(accepted_referral(council_code="SOUTHSHIRE"), {COUNCIL: delivery.endpoint}.get, delivery.client,
                      delivery.cases.record_crm_id)
    assert outcome.status is DeliveryStatus.SKIPPED and outcome.external_id is None
    assert receiver.token_requests == receiver.record_requests == 0 and delivery.cases.calls == []


@pytest.mark.parametrize("refusal", ["switched on", "wrong secret"])
def test_a_refused_token_posts_nothing_and_is_not_retried(receiver, refusal):
    receiver.refuse_tokens = refusal == "switched on"
    delivery = Delivery(receiver, secret="not-the-secret" if refusal == "wrong secret" else CLIENT_SECRET)
    with pytest.raises(CrmTokenRefused, match="HTTP 401 invalid_client") as caught:
        delivery(accepted_referral())
    assert not caught.value.retryable
    assert receiver.token_requests == 1 and receiver.record_requests == 0 and delivery.backoffs == []
    assert delivery.cases.calls == []


def test_a_5xx_is_retried_after_a_short_backoff_and_then_delivered(receiver):
    receiver.unavailable_posts = 1
    delivery = Delivery(receiver)
    outcome = delivery(accepted_referral())
    assert outcome.status is DeliveryStatus.DELIVERED
    assert receiver.record_requests == 2 and len(receiver.received()) == 1 and delivery.backoffs == [RETRY_BACKOFF_SECONDS[0]]


def test_a_persistent_5xx_raises_crm_unavailable_after_two_more_attempts(receiver):
    receiver.unavailable_posts = 10
    delivery = Delivery(receiver)
    with pytest.raises(CrmUnavailable, match="HTTP 503") as caught:
        delivery(accepted_referral())
    assert caught.value.retryable
    assert receiver.record_requests == 3 and delivery.backoffs == list(RETRY_BACKOFF_SECONDS) and delivery.cases.calls == []


def test_no_retry_is_started_that_the_invocation_has_no_time_to_finish(receiver):
    receiver.unavailable_posts = 10
    delivery = Delivery(receiver, timeout_seconds=5, seconds_left=6)  # one attempt fits; a second would outlive the function
    with pytest.raises(CrmUnavailable):
        delivery(accepted_referral())
    assert receiver.record_requests == 1 and delivery.backoffs == []


def test_a_timeout_after_the_crm_committed_is_retried_and_answered_by_the_record_it_holds(receiver):
    receiver.slow_posts, receiver.slow_seconds = 1, 2.0
    delivery = Delivery(receiver, timeout_seconds=0.5)
    outcome = delivery(accepted_referral())
    [held] = receiver.received()
    assert outcome.status is DeliveryStatus.ALREADY_IN_CRM and outcome.external_id == held.record_id
    assert receiver.record_requests == 2 and delivery.cases.calls[0][2] == held.record_id


def test_a_crm_that_never_answers_in_time_raises_crm_unavailable(receiver):
    receiver.slow_posts, receiver.slow_seconds = 3, 2.0
    delivery = Delivery(receiver, timeout_seconds=0.3)
    with pytest.raises(CrmUnavailable, match="timed out"):
        delivery(accepted_referral())
    assert receiver.record_requests == 3


def test_a_record_the_crm_already_holds_for_the_case_counts_as_delivered(receiver):
    first, repeat = accepted_referral(), accepted_referral(case_id="NORTHSHIRE-261123-ABC234")  # a new event, same case
    delivered = Delivery(receiver)(first)
    delivery = Delivery(receiver)  # a case store that does not hold the id yet (the first recording was lost)
    outcome = delivery(repeat)
    assert outcome.status is DeliveryStatus.ALREADY_IN_CRM and outcome.external_id == delivered.external_id
    assert delivery.cases.crm_ids == {(COUNCIL, first.case_id): delivered.external_id} and len(receiver.received()) == 1


def test_a_case_that_already_holds_the_crm_id_counts_as_delivered(receiver):
    delivery = Delivery(receiver)
    first = delivery(accepted_referral())
    again = delivery(accepted_referral())  # another event for the same case: the CRM answers 409, the case store AlreadyDelivered
    assert again.status is DeliveryStatus.ALREADY_RECORDED and again.external_id == first.external_id
    assert len(receiver.received()) == 1


def test_a_token_refused_by_the_api_is_renewed_once(receiver):
    delivery = Delivery(receiver)
    delivery(accepted_referral())
    receiver.revoke_tokens()  # the cached token is now refused with 401
    outcome = delivery(accepted_referral(case_id="NORTHSHIRE-261123-XYZ789"))
    assert outcome.status is DeliveryStatus.DELIVERED
    assert receiver.token_requests == 2 and receiver.record_requests == 3


def test_the_record_id_is_read_from_the_body_when_the_crm_answers_with_the_record(receiver):
    receiver.answer_with_record = True
    delivery = Delivery(receiver)
    delivery.endpoint = delivery.endpoint.model_copy(update={"id_field": "cw_referralid"})
    outcome = delivery(accepted_referral())
    assert outcome.status is DeliveryStatus.DELIVERED and outcome.external_id == receiver.received()[0].record_id


def test_a_created_record_whose_id_the_answer_does_not_give_is_rejected_for_a_person(receiver):
    receiver.answer_with_record = True  # and the endpoint names no id_field to read it from
    with pytest.raises(CrmRejected, match="HTTP 201: .*named no record id"):
        Delivery(receiver)(accepted_referral())


def test_a_refused_record_raises_crm_rejected_without_quoting_personal_data(receiver):
    receiver.rejected_posts = 1
    with pytest.raises(CrmRejected) as caught:
        Delivery(receiver)(accepted_referral())
    assert caught.value.status == 400 and not caught.value.retryable and receiver.record_requests == 1
    assert "0x80044331" in str(caught.value) and "Lovelace" not in str(caught.value)


def test_a_url_that_is_not_https_is_refused_before_anything_is_sent(receiver):
    with pytest.raises(InsecureCrmUrl, match="https only"):
        CrmClient(receiver.endpoint(COUNCIL), lambda: CLIENT_SECRET, seconds_left=lambda: 30)  # allow_loopback_http not given
    non_loopback = receiver.endpoint(COUNCIL).model_copy(update={"api_url": "http://crm.example.org/api/data/v9.2/cw_referrals"})
    with pytest.raises(InsecureCrmUrl):
        CrmClient(non_loopback, lambda: CLIENT_SECRET, seconds_left=lambda: 30, allow_loopback_http=True)
    assert receiver.token_requests == receiver.record_requests == 0


def test_the_receiver_shows_what_it_received_escaped(receiver):
    Delivery(receiver)(accepted_referral(reference="<script>alert(1)</script>"))
    with urllib.request.urlopen(f"{receiver.base_url}/", timeout=5) as response:
        page = response.read().decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    with urllib.request.urlopen(f"{receiver.base_url}/received.json", timeout=5) as response:
        [received] = json.load(response)
    assert received["body"]["cw_referralreference"] == "<script>alert(1)</script>"


# ---------------------------------------------------------------- the Lambda handler, idempotent on moto's DynamoDB
# Names of their own: moto's backends are shared with the local stack another test in the same process may start,
# which has the deployment's idempotency table and Northshire's CRM secret (with the local receiver's secret in it).
CONNECTOR_IDEMPOTENCY_TABLE = f"{IDEMPOTENCY_TABLE_NAME}-crm-connector-test"
CONNECTOR_SECRET = f"casework/crm/{COUNCIL.lower()}-connector-test"


@pytest.fixture(scope="module")
def handler_module() -> Iterator[types.ModuleType]:
    with pytest.MonkeyPatch.context() as env, mock_aws():
        for name, value in {
            Env.IDEMPOTENCY_TABLE.value: CONNECTOR_IDEMPOTENCY_TABLE, "AWS_DEFAULT_REGION": DEFAULT_REGION,
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "POWERTOOLS_SERVICE_NAME": FUNCTION_NAME,
            "POWERTOOLS_METRICS_NAMESPACE": "Casework", "POWERTOOLS_TRACE_DISABLED": "true",
        }.items():
            env.setenv(name, value)
        boto3.client("dynamodb").create_table(
            TableName=CONNECTOR_IDEMPOTENCY_TABLE, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": IDEMPOTENCY_TABLE_LAYOUT.partition_key, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": IDEMPOTENCY_TABLE_LAYOUT.partition_key, "AttributeType": "S"}],
        )
        boto3.client("secretsmanager").create_secret(Name=CONNECTOR_SECRET, SecretString=CLIENT_SECRET)
        env.delitem(sys.modules, "functions.crm_connector.handler", raising=False)
        # Imported afresh here (import_module: `from functions.crm_connector import handler` would hand back an earlier
        # import still bound to the package): persistence's table and DynamoDB client are made at import, in the mock.
        handler = importlib.import_module("functions.crm_connector.handler")

        env.setenv(CRM_ALLOW_LOOPBACK_HTTP, "true")  # the receiver is plain http on loopback, as in local runs
        yield handler
        # Not left for a later test's import: this one's idempotency store is the table above, gone with the mock.
        sys.modules.pop("functions.crm_connector.handler", None)


@pytest.fixture
def connector(handler_module, receiver, monkeypatch) -> types.SimpleNamespace:
    """The handler pointed at this test's receiver, with a stand-in case store and its log captured."""
    cases = CaseStore()
    monkeypatch.setattr(handler_module, "record_external_id",  # the stand-in keys on the council
                        lambda spec, council_code, case_id, external_id: cases.record_crm_id(council_code, case_id, external_id))
    endpoint = receiver.endpoint(COUNCIL).model_copy(update={"secret_name": CONNECTOR_SECRET})
    monkeypatch.setenv(Env.CRM_ENDPOINTS.value, json.dumps({COUNCIL: endpoint.model_dump()}))
    monkeypatch.setattr(handler_module, "tokens", TokenCache())
    log = io.StringIO()
    monkeypatch.setattr(handler_module.logger.registered_handler, "stream", log)

    def invoke(event: dict) -> dict:
        return handler_module.lambda_handler(event, LocalLambdaContext(FUNCTION_NAME, FUNCTION_ARN))
    return types.SimpleNamespace(invoke=invoke, cases=cases, log=log)


def eventbridge_event(referral: ReferralAccepted) -> dict:
    return {
        "version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "detail-type": REFERRAL_ACCEPTED.detail_type,
        "source": REFERRAL_ACCEPTED.source, "account": "123456789012", "time": "2026-11-23T10:15:01Z", "region": DEFAULT_REGION,
        "resources": [], "detail": referral.model_dump(mode="json"),
    }


def test_the_handler_delivers_once_per_event_however_often_the_event_arrives(connector, receiver):
    event = eventbridge_event(accepted_referral())
    first = connector.invoke(event)
    again = connector.invoke(event)  # EventBridge and Lambda deliver at least once
    assert first == again and first["status"] == DeliveryStatus.DELIVERED
    assert receiver.record_requests == 1 and len(connector.cases.calls) == 1
    assert first["external_id"] == receiver.received()[0].record_id


def test_the_handler_raises_a_refused_token_for_the_dead_letter_queue_without_logging_personal_data(connector, receiver):
    receiver.refuse_tokens = True
    event = eventbridge_event(accepted_referral())
    with pytest.raises(CrmTokenRefused):
        connector.invoke(event)
    logged = [json.loads(line) for line in connector.log.getvalue().splitlines()]
    [failure] = [line for line in logged if line["message"] == "accepted case not delivered to the council's system"]
    assert failure["error_type"] == "CrmTokenRefused" and failure["retryable"] is False and failure["council_code"] == COUNCIL
    assert "Lovelace" not in connector.log.getvalue() and "9434765919" not in connector.log.getvalue()
    receiver.refuse_tokens = False  # the secret is put right: Lambda's retry (or a redrive) of the same event succeeds
    assert connector.invoke(event)["status"] == DeliveryStatus.DELIVERED


def test_the_handler_refuses_an_event_outside_the_schema_naming_fields_not_values(connector, receiver):
    event = eventbridge_event(accepted_referral())
    event["detail"]["adult"]["date_of_birth"] = "Lovelace's birthday"
    with pytest.raises(Exception, match="adult.date_of_birth") as caught:
        connector.invoke(event)
    assert type(caught.value).__name__ == "UnreadableReferralEvent" and "Lovelace" not in str(caught.value)
    assert "Lovelace" not in connector.log.getvalue() and receiver.record_requests == 0


def test_the_handler_skips_a_council_without_a_crm(handler_module, connector, receiver, monkeypatch):
    monkeypatch.setenv(Env.CRM_ENDPOINTS.value, "")
    assert connector.invoke(eventbridge_event(accepted_referral()))["status"] == DeliveryStatus.SKIPPED
    assert receiver.token_requests == 0
