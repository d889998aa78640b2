"""The print push to a supplier's own SFTP server in the CDK app: the function with its paramiko layer and least
privilege, its configuration from the `supplierPush` context, and the client key's secret (cdk-nag clean)."""

from __future__ import annotations

import json

import asyncssh
import pytest

from infra.constructs.supplier_sftp import SupplierPushConfigError, supplier_connection, supplier_push_target
from shared.resources import (
    PRINT_PULL_FUNCTION, PRINT_PULL_SCHEDULE, PRINT_PUSH_FUNCTION, SUPPLIER_INBOX, SUPPLIER_OUTBOX, SUPPLIER_PUSH_KEY_SECRET_NAME,
    UNFINISHED_BATCH_INDEX,
)
from tests.infra.conftest import Synthesised, synthesise
from tests.infra.test_stack_resources import _actions, app_functions, role_statements

pytestmark = pytest.mark.slow

HOST_KEY = asyncssh.generate_private_key("ssh-ed25519").export_public_key("openssh").decode().strip()
SUPPLIER_SERVER = {"host": "sftp.printer.example", "port": 2222, "username": "casework", "remote_dir": "/upload",
                   "results_dir": "/results", "host_key": HOST_KEY}
PUSH_ROLE = "FunctionsPrintPushRole"
PULL_ROLE = "FunctionsPrintPullRole"
SFTP_FUNCTIONS = (PRINT_PUSH_FUNCTION.function_name, PRINT_PULL_FUNCTION.function_name)


@pytest.fixture(scope="module")
def with_push(tmp_path_factory) -> Synthesised:
    return synthesise(tmp_path_factory.mktemp("cdk.out.push"), nag=True, context={"supplierPush": SUPPLIER_SERVER})


def push_function(synthesised) -> dict:
    [function] = [f for f in app_functions(synthesised).values() if f["Properties"]["FunctionName"] == PRINT_PUSH_FUNCTION.function_name]
    return function["Properties"]


def test_the_push_function_carries_paramiko_in_its_own_layer(synthesised):
    layers = synthesised.resources("AWS::Lambda::LayerVersion")
    [sftp_layer] = [key for key, layer in layers.items() if "sftp" in layer["Properties"]["Description"]]
    assert {"Ref": sftp_layer} in push_function(synthesised)["Layers"]
    others = [f for f in app_functions(synthesised).values() if f["Properties"]["FunctionName"] not in SFTP_FUNCTIONS]
    assert not [f for f in others if {"Ref": sftp_layer} in f["Properties"]["Layers"]]


def test_without_a_supplier_server_nothing_is_pushed_and_there_is_no_secret(synthesised):
    environment = push_function(synthesised)["Environment"]["Variables"]
    assert environment["SUPPLIER_PUSH"] == "" and environment["SUPPLIER_PUSH_KEY_SECRET"] == ""
    assert not [s for s in synthesised.resources("AWS::SecretsManager::Secret").values() if s["Properties"].get("Name") == SUPPLIER_PUSH_KEY_SECRET_NAME]
    synthesised.template.resource_count_is("AWS::Transfer::Server", 1)  # the supplier collects from our SFTP server
    assert not [s for s in synthesised.resources("AWS::Scheduler::Schedule").values()
                if s["Properties"].get("Name") == PRINT_PULL_FUNCTION.function_name]  # nothing to pull from


def test_with_its_own_server_the_supplier_has_no_transfer_family_and_its_results_are_pulled_hourly(with_push):
    with_push.template.resource_count_is("AWS::Transfer::Server", 0)
    with_push.template.resource_count_is("AWS::Transfer::User", 0)
    [schedule] = [s for s in with_push.resources("AWS::Scheduler::Schedule").values()
                  if s["Properties"].get("Name") == PRINT_PULL_FUNCTION.function_name]
    assert schedule["Properties"]["ScheduleExpression"] == PRINT_PULL_SCHEDULE
    s3 = [statement for statement in role_statements(with_push, PULL_ROLE) if any(a.startswith("s3:") for a in _actions(statement))]
    assert [_actions(statement) for statement in s3] == [["s3:PutObject"]] and SUPPLIER_INBOX in json.dumps(s3[0]["Resource"])


def test_the_push_may_read_extracts_and_its_batches_only(synthesised):
    statements = role_statements(synthesised, PUSH_ROLE)
    s3 = [statement for statement in statements if any(action.startswith("s3:") for action in _actions(statement))]
    assert [_actions(statement) for statement in s3] == [["s3:GetObject"]]
    assert SUPPLIER_OUTBOX in json.dumps(s3[0]["Resource"])
    tables = json.dumps([statement["Resource"] for statement in statements if any(a.startswith("dynamodb:") for a in _actions(statement))])
    assert "TablesPrintBatches" in tables and UNFINISHED_BATCH_INDEX.name in tables
    assert "casework-council-" not in tables and "TablesUnrouted" not in tables  # no case, of any council


def test_the_unfinished_batch_index_is_on_the_print_batch_table(synthesised):
    [table] = [t for t in synthesised.resources("AWS::DynamoDB::Table").values() if t["Properties"].get("TableName") == "casework-print-batches"]
    [index] = table["Properties"]["GlobalSecondaryIndexes"]
    assert index["IndexName"] == UNFINISHED_BATCH_INDEX.name


def test_a_supplier_server_is_configured_by_context_with_its_key_in_a_secret_only_the_push_and_pull_read(with_push):
    environment = push_function(with_push)["Environment"]["Variables"]
    assert json.loads(environment["SUPPLIER_PUSH"]) | {"host_key": HOST_KEY} == SUPPLIER_SERVER | {
        "connect_timeout_seconds": 15, "io_timeout_seconds": 60}
    [(secret_id, secret)] = [(k, s) for k, s in with_push.resources("AWS::SecretsManager::Secret").items()
                             if s["Properties"].get("Name") == SUPPLIER_PUSH_KEY_SECRET_NAME]
    assert secret["Properties"]["Name"] == SUPPLIER_PUSH_KEY_SECRET_NAME and "KmsKeyId" in secret["Properties"]
    assert environment["SUPPLIER_PUSH_KEY_SECRET"] == {"Ref": secret_id}
    readers = {key for key, policy in with_push.resources("AWS::IAM::Policy").items()
               for statement in policy["Properties"]["PolicyDocument"]["Statement"]
               if "secretsmanager:GetSecretValue" in _actions(statement) and secret_id in json.dumps(statement["Resource"])}
    assert len(readers) == 2 and {reader[:len(PUSH_ROLE)] for reader in readers} == {PUSH_ROLE, PULL_ROLE}
    [grant] = [s for s in role_statements(with_push, PUSH_ROLE) if "secretsmanager:GetSecretValue" in _actions(s)]
    assert _actions(grant) == ["secretsmanager:GetSecretValue"] and grant["Resource"] == {"Ref": secret_id}
    report = json.loads((with_push.outdir / "validation-report.json").read_text())["pluginReports"][0]
    assert report["violations"] == []
    assert any(finding["ruleName"] == "AwsSolutions-SMG4" for finding in report["suppressedViolations"])


def test_a_bad_supplier_server_setting_stops_synth_naming_the_field():
    with pytest.raises(SupplierPushConfigError, match="field 'host_key'"):
        supplier_push_target(SUPPLIER_SERVER | {"host_key": "sftp.printer.example ssh-ed25519 AAAA"})
    with pytest.raises(SupplierPushConfigError, match="field 'port'"):
        supplier_push_target(json.dumps(SUPPLIER_SERVER | {"port": 0}))
    assert supplier_push_target(None) is None and supplier_push_target("") is None


def test_the_supplier_connection_is_one_setting_validated_as_a_whole():
    assert supplier_connection(None, None).transfer_family and supplier_connection(None, "ssh-ed25519 AAAA").public_key
    assert not supplier_connection(SUPPLIER_SERVER, None).transfer_family
    with pytest.raises(SupplierPushConfigError, match="field 'results_dir' is required"):
        supplier_connection({key: value for key, value in SUPPLIER_SERVER.items() if key != "results_dir"}, None)
    with pytest.raises(SupplierPushConfigError, match="give one or the other"):
        supplier_connection(SUPPLIER_SERVER, "ssh-ed25519 AAAA")
