"""Adult social care on the local stack: the referral workflow and its functions provisioned, the demo referrals in the
screening queues, and an accepted referral delivered through bus -> rule -> queue -> pump -> CRM connector to the
loopback CRM receiver, with the CRM's id kept on the case."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator

import boto3
import pytest

from infra.local.crm_receiver import CrmReceiver, start_crm_receiver
from infra.local.provision import CrmSettings, LocalResources, provision
from shared.resources import CRM_ALLOW_LOOPBACK_HTTP, CRM_RULE_NAME
from infra.local.pump import EventTargetPump
from infra.local.seed_asc import DEMO_REFERRALS, seed_referrals
from shared.core.adapters.case_store import CaseStore, QueueFilter
from shared.core.adapters.workflows import Workflows
from shared.core.domain.council import CouncilRegistry
from shared.core.domain.case import utcnow
from shared.core.logic.tenancy import Caller
from shared.resources import ASC_STEP_FUNCTION, CRM_CONNECTOR_FUNCTION, Env, Role, WorkflowKey
from shared.services.asc_triage import SERVICE_KEY
from shared.services.asc_triage.domain.case import ReferralStage, ScreeningOutcome
from shared.services.asc_triage.domain.queue_row import ReferralQueueRow
from shared.services.asc_triage.domain.crm import CASE_ID_FIELD, REFERRAL_ACCEPTED, crm_endpoints_from_json
from shared.services.asc_triage.domain.settings import triage_settings
from shared.services.asc_triage.domain.triage import TriageRoute
from shared.services.asc_triage.logic.screening import ScreeningInput, screen
from tests.local.conftest import local_aws

COUNCIL = "NORTHSHIRE"


@pytest.fixture(scope="module")
def receiver() -> Iterator[CrmReceiver]:
    server, _ = start_crm_receiver()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def asc_stack(councils: CouncilRegistry, receiver: CrmReceiver) -> Iterator[tuple[boto3.session.Session, LocalResources]]:
    """The local stack as `./dev run` provisions it: every ASC council's CRM is the loopback receiver; demo referrals seeded."""
    endpoints = {council.code: receiver.endpoint(council.code) for council in councils if council.runs(SERVICE_KEY)}
    with local_aws() as session:
        resources = provision(session, councils, crm=CrmSettings(endpoints, receiver.client_secret))
        yield session, resources


@pytest.fixture(scope="module")
def seeded(asc_stack, councils):
    session, resources = asc_stack
    return seed_referrals(session, resources, councils)


def _store(session: boto3.session.Session, resources: LocalResources, code: str = COUNCIL) -> CaseStore:
    return CaseStore(session.client("dynamodb"), resources.council_tables[code])


def _wait_for(check, what: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.1)
    raise AssertionError(f"{what} not reached after {timeout:.0f} s")


def test_the_referral_workflow_calls_the_asc_step_function_and_the_crm_connector_has_its_environment(asc_stack, councils, receiver):
    session, resources = asc_stack
    definition = session.client("stepfunctions").describe_state_machine(
        stateMachineArn=resources.state_machine_arns[WorkflowKey.ASC_REFERRAL])["definition"]
    assert resources.function_arns[ASC_STEP_FUNCTION.key] in definition and "${" not in definition

    configuration = session.client("lambda").get_function_configuration(FunctionName=CRM_CONNECTOR_FUNCTION.function_name)
    variables = configuration["Environment"]["Variables"]
    assert set(variables) == {env.value for env in CRM_CONNECTOR_FUNCTION.environment}
    endpoints = crm_endpoints_from_json(variables[Env.CRM_ENDPOINTS])
    assert set(endpoints) == {council.code for council in councils if council.runs(SERVICE_KEY)} == {"NORTHSHIRE", "VALEWYE"}
    assert all(endpoint.api_url.startswith(f"{receiver.base_url}/") for endpoint in endpoints.values())
    secrets = session.client("secretsmanager")
    assert {secrets.get_secret_value(SecretId=endpoint.secret_name)["SecretString"] for endpoint in endpoints.values()} == {
        receiver.client_secret}


def test_the_crm_rule_sends_referral_accepted_events_to_the_connectors_queue(asc_stack):
    session, resources = asc_stack
    events = session.client("events")
    rule = events.describe_rule(Name=CRM_RULE_NAME, EventBusName=resources.event_bus_name)
    assert json.loads(rule["EventPattern"]) == REFERRAL_ACCEPTED.pattern
    [target] = events.list_targets_by_rule(Rule=CRM_RULE_NAME, EventBusName=resources.event_bus_name)["Targets"]
    assert target["Arn"] == resources.crm_events_queue_arn


def test_the_handlers_in_this_process_reach_the_receiver_over_plain_http_to_loopback(asc_stack):
    assert os.environ[CRM_ALLOW_LOOPBACK_HTTP] == "true"  # set by the local run alone; the CDK app never sets it
    assert os.environ[Env.CRM_ENDPOINTS] == asc_stack[1].crm_endpoints


def test_the_demo_referrals_wait_in_their_teams_screening_queues_with_every_recommendation(asc_stack, seeded, councils):
    session, resources = asc_stack
    assert seeded.workflows_settled
    for council in councils:
        if not council.runs(SERVICE_KEY):
            continue
        settings = triage_settings(council)
        assert set(seeded.recommendations[council.code]) == set(TriageRoute)
        assert sum(seeded.recommendations[council.code].values()) == len(DEMO_REFERRALS)
        store = _store(session, resources, council.code)
        queued: dict[str, list[ReferralQueueRow]] = {}
        for team in (settings.team, settings.safeguarding_team):
            cases, _ = store.queue(QueueFilter(stage=ReferralStage.SCREENING, team=team), limit=50)
            queued[team] = cases
        assert {case.case_id for cases in queued.values() for case in cases} == set(seeded.case_ids[council.code])
        assert {case.recommendation for case in queued[settings.safeguarding_team]} == {TriageRoute.URGENT}
        # each waits for a screening officer (the queue's rows do not carry the task token: the case does)
        assert all(store.get(case.case_id).task_token for cases in queued.values() for case in cases)


def test_a_routed_referral_reaches_the_crm_through_the_pump_and_its_crm_id_is_kept_on_the_case(asc_stack, seeded, councils, receiver):
    session, resources = asc_stack
    store = _store(session, resources)
    council = councils.get(COUNCIL)
    gp_referral = seeded.case_ids[COUNCIL][0]  # likely eligible: routing it is what triage recommended
    case = store.get(gp_referral)
    team = triage_settings(council).routing_teams[-1]
    workflows = Workflows(session.client("stepfunctions"), {key.value: arn for key, arn in resources.state_machine_arns.items()})
    officer = Caller(user=f"caseworker@{COUNCIL.lower()}.example", council_code=COUNCIL, roles=frozenset({Role.CASEWORKER}))
    screen(store, workflows, council, gp_referral, ScreeningInput(expected_version=case.version, outcome=ScreeningOutcome.ROUTE,
                                                                  team=team), officer, utcnow())
    _wait_for(lambda: store.get(gp_referral).stage is ReferralStage.ROUTED, "the referral ROUTED")

    pump = EventTargetPump(session.client("sqs"), resources.crm_events_queue_url, resources.crm_events_queue_arn,
                           CRM_CONNECTOR_FUNCTION)
    stats = pump.drain(max_seconds=20)
    assert stats.drained and (stats.succeeded, stats.failed) == (1, 0), stats
    [received] = [record for record in receiver.received() if record.body[CASE_ID_FIELD] == gp_referral]
    assert received.body["cw_team"] == next(known.name for known in council.teams if known.key == team)
    routed = store.get(gp_referral)
    assert routed.crm_record_id == received.record_id
    assert [entry.action for entry in store.history(gp_referral)].count("CRM_RECORD_OPENED") == 1
