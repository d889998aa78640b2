"""The data lifecycle in the synthesised stack: TTL on every council table, the evidence bucket's per-council expiry
rules from the retention schedules, the daily erasure schedule, and deleting a case's documents only in erasing
sessions of the one council."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Match

from shared.core.domain.council import load_councils
from shared.core.domain.evidence import case_evidence_prefix, intake_evidence_prefix
from shared.resources import CASE_TABLE_LAYOUT, ERASURE_DLQ_NAME, ERASURE_FUNCTION, ERASURE_SCHEDULE, ERASURE_SCHEDULE_DLQ_NAME, tenant_id
from tests.infra.test_tenant_isolation import _object, _session, attributes, council_data  # noqa: F401  (module fixtures)
from tests.infra.iam_policy import allowed

pytestmark = pytest.mark.slow
OWN, OTHER = "NORTHSHIRE", "VALEWYE"


def test_every_council_table_has_the_ttl_attribute(synthesised):
    for council in load_councils():
        synthesised.shard_of(council.code).template.has_resource_properties("AWS::DynamoDB::Table", {
            "TableName": f"casework-council-{tenant_id(council.code)}",
            "TimeToLiveSpecification": {"AttributeName": CASE_TABLE_LAYOUT.ttl_attribute, "Enabled": True},
        })


def test_no_expiry_rule_is_per_council(synthesised):
    """Intake files and exports expire through the daily run (listed per council folder), so the platform stack's bucket
    keeps the same rules however many councils there are; a case's folder goes with its case."""
    [bucket] = [r for k, r in synthesised.resources("AWS::S3::Bucket").items() if "Evidence" in k]
    assert not [rule for rule in bucket["Properties"]["LifecycleConfiguration"]["Rules"] if "councils/" in rule.get("Prefix", "")]


def test_the_erasure_runs_daily_with_dead_letter_queues(synthesised):
    synthesised.template.has_resource_properties("AWS::Scheduler::Schedule", {
        "Name": ERASURE_FUNCTION.function_name, "ScheduleExpression": ERASURE_SCHEDULE, "ScheduleExpressionTimezone": "Europe/London",
        "Target": Match.object_like({"DeadLetterConfig": Match.any_value(), "RetryPolicy": Match.any_value()}),
    })
    names = {r["Properties"]["QueueName"] for r in synthesised.resources("AWS::SQS::Queue").values()}
    assert {ERASURE_DLQ_NAME, ERASURE_SCHEDULE_DLQ_NAME} <= names
    alarms = {r["Properties"]["AlarmName"] for r in synthesised.resources("AWS::CloudWatch::Alarm").values()}
    assert any(ERASURE_DLQ_NAME in name for name in alarms) and any(ERASURE_SCHEDULE_DLQ_NAME in name for name in alarms)


def _erasing(council: str, function_name: str) -> dict[str, str]:
    return _session(council) | {"aws:userid": f"AROAEXAMPLE:{function_name}"}


@pytest.mark.parametrize("folder", [case_evidence_prefix(OWN, "NORTHSHIRE-261203-A"), intake_evidence_prefix(OWN, "APP-1")])
def test_only_erasing_sessions_delete_a_case_or_intake_folder_of_their_own_council(council_data, folder):  # noqa: F811
    key = _object(f"{folder}04-photo.jpg")
    assert allowed(council_data, "s3:DeleteObject", key, _erasing(OWN, "casework-erasure"))
    assert allowed(council_data, "s3:DeleteObject", key, _erasing(OWN, "casework-web"))
    assert not allowed(council_data, "s3:DeleteObject", key, _erasing(OWN, "casework-api"))
    assert not allowed(council_data, "s3:DeleteObject", key, _session(OWN))
    assert not allowed(council_data, "s3:DeleteObject", key, _erasing(OTHER, "casework-erasure"))
    assert not allowed(council_data, "s3:DeleteObject", _object(f"councils/{tenant_id(OWN)}/print/x.jpg"), _erasing(OWN, "casework-erasure"))
