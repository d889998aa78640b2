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
from infra.local.provision import LocalResources, SupplierPushSettings, client_factory, provision
from infra.local.pump import IntakePump
from infra.local.seed import seed, wait_for_workflows
from infra.local.seed_asc import seed_referrals
from infra.local.supplier_sftp import local_supplier
from shared.core.adapters.metrics import all_metrics
from shared.resources import (
    ASC_ROUTING_WATCH_FUNCTION,
    ERASURE_FUNCTION,
    RECONCILER_FUNCTION,
    REMINDERS_FUNCTION,
    RESUME_SWEEPER_FUNCTION,
)
from tests.local.conftest import local_aws

DEMO_NEVER_EMITS = {
    "ResultFilesQuarantined": "the demo's supplier sends well-formed result files only",
    "ReferralsDeliveredToCrm": "the demo referrals all wait at screening: none is accepted, so none goes to the CRM",
    "CrmDeliveryFailures": "as above, and the local CRM never fails",
}


@pytest.fixture(scope="module")
def demo_stack(councils) -> Iterator[tuple[boto3.session.Session, LocalResources]]:
    """The local stack as `./dev run` provisions it for the print night: the supplier's own SFTP server on loopback."""
    with local_aws() as session, local_supplier() as supplier:
        yield session, provision(session, councils, supplier_push=SupplierPushSettings(supplier.target_json, supplier.client_private_key))


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
        scheduled = {"scheduled_time": datetime.now(UTC).isoformat()}
        for function, payload in ((RECONCILER_FUNCTION, {}), (RESUME_SWEEPER_FUNCTION, {}), (ASC_ROUTING_WATCH_FUNCTION, {}),
                                  (REMINDERS_FUNCTION, scheduled), (ERASURE_FUNCTION, scheduled)):
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
