"""The demo run emits the business metrics: the seeded demo (applications through the real intake, cases taken on
through the API, a print night and a supplier confirmation), the demo referrals, and one run of each scheduled job
`./dev run` offers on demand, write every series of the catalogue that the dashboards and alarms read, except the
few the demo has no occasion for (DEMO_NEVER_EMITS, each with why). The EMF lines are read as the local stack reads
them (infra/local/metrics.EmfTee) and added up per council as `./dev metrics` does."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from infra.local.metrics import EmfTee, figures
from infra.local.crm_receiver import ENTITY_SET, CrmReceiver, start_crm_receiver
from infra.local.provision import CrmSettings, LocalResources, SupplierPushSettings, client_factory, provision
from infra.local.pump import EventTargetPump, IntakePump
from infra.local.seed import seed, wait_for_workflows
from infra.local.seed_asc import demo_crm_endpoints, route_demo_referrals, seed_referrals
from infra.local.seed_ffd import demo_record_system_endpoints, seed_contacts
from infra.local.seed_partners import seed_partners
from infra.local.supplier_sftp import local_supplier
from shared.core.adapters.metrics import all_metrics
from shared.services.family_front_door import SERVICE_KEY as FAMILY_FRONT_DOOR
from shared.resources import (
    CRM_CONNECTOR_FUNCTION,
    ERASURE_FUNCTION,
    RECONCILER_FUNCTION,
    REMINDERS_FUNCTION,
    RENEWAL_REMINDERS_FUNCTION,
    RESPONSE_WATCH_FUNCTION,
    RESUME_SWEEPER_FUNCTION,
)
from tests.local.conftest import local_aws

DEMO_NEVER_EMITS: dict[str, str] = {
    # A status is emitted only once GOV.UK Notify reports a final one (delivered, failed); the stand-in keeps every
    # notification "created" until a person sets its status (`python -m infra.local.notify_status --set`), and the
    # demo's councils send email through SES. tests/integration/test_notify_letters.py reads the emitted series.
    "NotificationStatuses": "no final GOV.UK Notify status until a person sets one on the stand-in",
}


@pytest.fixture(scope="module")
def crm() -> Iterator[CrmReceiver]:
    server, _ = start_crm_receiver()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def demo_stack(councils, crm) -> Iterator[tuple[boto3.session.Session, LocalResources]]:
    """The local stack as `./dev run` provisions it for the print night (the supplier's own SFTP server on loopback) and
    for the councils' CRMs (the loopback receiver; the second ASC council's refusing the connector's sign-in)."""
    with local_aws() as session, local_supplier() as supplier:
        yield session, provision(session, councils, supplier_push=SupplierPushSettings(supplier.target_json, supplier.client_private_key),
                                 crm=CrmSettings(demo_crm_endpoints(crm, councils), crm.client_secret,
                                                 {FAMILY_FRONT_DOOR: demo_record_system_endpoints(crm, councils)}))


@pytest.fixture(scope="module")
def emitted(demo_stack, councils) -> Iterator[list[dict]]:
    session, resources = demo_stack
    clients = client_factory(session)
    documents: list[dict] = []
    original = sys.stdout
    sys.stdout = EmfTee(original, documents.append)
    try:
        seed(session, resources, councils, IntakePump(clients("sqs"), resources.intake_queue_url, resources.intake_queue_arn))
        seed_referrals(session, resources, councils)
        route_demo_referrals(session, resources, councils)
        seed_contacts(session, resources, councils, seed_partners(session, resources, councils))
        # The CRM connector's queue, as `./dev run`'s pump takes it: the refused delivery's event stays to be retried.
        EventTargetPump(clients("sqs"), resources.crm_events_queue_url, resources.crm_events_queue_arn,
                        CRM_CONNECTOR_FUNCTION).drain(max_seconds=5)
        scheduled = {"scheduled_time": datetime.now(UTC).isoformat()}
        for function, payload in ((RECONCILER_FUNCTION, {}), (RESUME_SWEEPER_FUNCTION, {}), (RESPONSE_WATCH_FUNCTION, {}),
                                  (REMINDERS_FUNCTION, scheduled), (RENEWAL_REMINDERS_FUNCTION, scheduled), (ERASURE_FUNCTION, scheduled)):
            response = clients("lambda").invoke(FunctionName=function.function_name, Payload=json.dumps(payload))
            assert "FunctionError" not in response, (function.key, response["Payload"].read())
    finally:
        sys.stdout = original
    yield documents
    sfn = clients("stepfunctions")
    wait_for_workflows(sfn, resources.state_machine_arns.values(), timeout_seconds=5)
    for arn in resources.state_machine_arns.values():
        for execution in sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"]:
            sfn.stop_execution(executionArn=execution["executionArn"])


def test_the_demo_emits_every_series_of_the_catalogue_but_those_it_has_no_occasion_for(emitted):
    documents = emitted
    seen = {(metric["Name"], frozenset(names)) for document in documents for directive in document["_aws"]["CloudWatchMetrics"]
            for names in directive["Dimensions"] for metric in directive["Metrics"]}
    catalogue = all_metrics()
    assert set(DEMO_NEVER_EMITS) <= {metric.name for metric in catalogue}
    missing = {(name, tuple(sorted(dimensions))) for name, dimensions in catalogue.series() - seen if name not in DEMO_NEVER_EMITS}
    assert missing == set()
    # Nothing outside the catalogue is emitted in the namespace (the handlers' only other metric is Powertools' own
    # ColdStart, which the functions do not capture).
    assert {name for name, _ in seen} <= {metric.name for metric in catalogue}


def test_the_figures_per_council_add_up_as_the_demo_made_them(emitted, demo_stack, councils):
    from shared.core.adapters.case_store import CaseStore

    session, resources = demo_stack
    found = figures(emitted, datetime.now(UTC) - timedelta(hours=1))
    assert set(councils.codes) <= set(found) and None in found
    parked_in_all = 0
    for code in councils.codes:
        names = {name for name, _ in found[code]}
        assert {"ApplicationsReceived", "CasesEnteredStage", "DecisionsMade", "ParkedApplicationsWaiting", "BadgesSentToPrint"} <= names
        by_outcome = {dimensions: value for (name, dimensions), value in found[code].items() if name == "ApplicationsReceived"}
        # The council's total is the sum of its series by channel and outcome, counted once.
        assert by_outcome.pop("") == sum(by_outcome.values()) >= 10
        parked, _ = CaseStore(session.client("dynamodb"), resources.council_tables[code]).parked(limit=100)
        assert found[code][("ParkedApplicationsWaiting", "")] == len(parked)
        parked_in_all += len(parked)
    assert parked_in_all >= 1  # the demo's malformed applications


def test_the_demo_quarantines_a_cut_off_results_file_and_delivers_and_fails_a_referral_each(emitted, demo_stack, crm, councils):
    """The demo's occasions for the series it once never emitted: a supplier file cut off in transfer is quarantined
    (with its reason beside it); the first ASC council's routed referral reaches its CRM; the other's CRM refuses."""
    from shared.resources import RESULTS_QUARANTINE
    from shared.services.asc_triage import SERVICE_KEY as ASC_TRIAGE
    from shared.services.asc_triage.domain.crm import CASE_ID_FIELD

    session, resources = demo_stack
    quarantined = [item["Key"] for item in session.client("s3").list_objects_v2(
        Bucket=resources.print_drop_bucket, Prefix=RESULTS_QUARANTINE).get("Contents", [])]
    assert any(key.endswith("-cut-off.xml") for key in quarantined) and any(key.endswith("-cut-off.xml.reason.txt") for key in quarantined)
    found = figures(emitted, datetime.now(UTC) - timedelta(hours=1))

    def total(council: str | None, name: str) -> float:
        return sum(value for (metric, _), value in found.get(council, {}).items() if metric == name)

    assert total(None, "ResultFilesQuarantined") == 1
    delivering, refusing = [council.code for council in councils if council.runs(ASC_TRIAGE)]
    assert (total(delivering, "ReferralsDeliveredToCrm"), total(delivering, "CrmDeliveryFailures")) == (1, 0)
    assert total(refusing, "ReferralsDeliveredToCrm") == 0 and total(refusing, "CrmDeliveryFailures") >= 1
    # The demo's accepted contacts go to the same councils' record systems, signed in to as their CRMs are.
    assert (total(delivering, "ContactsDeliveredToRecordSystem"), total(delivering, "RecordSystemDeliveryFailures")) == (1, 0)
    assert total(refusing, "ContactsDeliveredToRecordSystem") == 0 and total(refusing, "RecordSystemDeliveryFailures") >= 1
    [received] = [record for record in crm.received() if record.entity_set == ENTITY_SET]  # the delivering council's referral only
    assert received.body[CASE_ID_FIELD]
    # The no-applications alarm's reading: every council has just had applications (none of its working hours passed).
    assert all(total(code, "WorkingHoursWithoutApplications") < 1 for code in councils.codes)
