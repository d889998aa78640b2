"""AWS itself keeps councils apart: a session scoped to one council is refused on another council's table, indexes,
documents and key use, and no function's own role reaches council data at all.

The synthesised policies are evaluated with tests/infra/iam_policy.py (moto's IAM enforcement ignores resources,
conditions and policy variables, so it could not show this)."""

from __future__ import annotations

import pytest

from shared.core.domain.evidence import case_evidence_prefix, intake_evidence_prefix
from shared.resources import COUNCIL_TAG, FUNCTIONS, TENANT_ROLE_NAME, Env, council_table_name, tenant_id
from tests.infra.iam_policy import ACCOUNT, REGION, allowed, resolve

EVIDENCE_BUCKET_ARN = "arn:aws:s3:::casework-evidence-test"
OWN, OTHER = "NORTHSHIRE", "VALEWYE"


def _table(council: str, index: str | None = None) -> str:
    arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{council_table_name(council)}"
    return f"{arn}/index/{index}" if index else arn


def _object(key: str) -> str:
    return f"{EVIDENCE_BUCKET_ARN}/{key}"


@pytest.fixture(scope="module")
def attributes(synthesised) -> dict[str, str]:
    """Fn::GetAtt values the policies refer to, as plain ARNs."""
    values: dict[str, str] = {}
    for logical_id, resource in synthesised.template_json["Resources"].items():
        kind = resource["Type"]
        if kind == "AWS::S3::Bucket":
            bucket_arn = EVIDENCE_BUCKET_ARN if "Evidence" in logical_id else f"arn:aws:s3:::{logical_id.lower()}"
            values[f"{logical_id}.Arn"] = bucket_arn
        elif kind == "AWS::KMS::Key":
            values[f"{logical_id}.Arn"] = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{logical_id.lower()}"
        elif kind == "AWS::DynamoDB::Table":
            values[f"{logical_id}.Arn"] = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{resource['Properties'].get('TableName', logical_id)}"
        elif kind == "AWS::IAM::Role":
            values[f"{logical_id}.Arn"] = f"arn:aws:iam::{ACCOUNT}:role/{resource['Properties'].get('RoleName', logical_id)}"
        else:
            values[f"{logical_id}.Arn"] = f"arn:aws:{kind.split('::')[1].lower()}:{REGION}:{ACCOUNT}:{logical_id}"
        values[logical_id] = logical_id
    return values


def _role_id(synthesised, **properties) -> str:
    [logical_id] = [k for k, r in synthesised.resources("AWS::IAM::Role").items() if properties.items() <= r["Properties"].items()]
    return logical_id


def _statements(synthesised, attributes, role_logical_id: str) -> list[dict]:
    return [
        resolve(statement, attributes)
        for policy in synthesised.resources("AWS::IAM::Policy").values()
        if {"Ref": role_logical_id} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


@pytest.fixture(scope="module")
def council_data(synthesised, attributes) -> list[dict]:
    return _statements(synthesised, attributes, _role_id(synthesised, RoleName=TENANT_ROLE_NAME))


def _session(council: str) -> dict[str, str]:
    return {f"aws:PrincipalTag/{COUNCIL_TAG}": tenant_id(council)}


@pytest.mark.parametrize("action", ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"])
def test_a_council_session_reaches_its_own_table_and_is_refused_on_another(council_data, action):
    assert allowed(council_data, action, _table(OWN), _session(OWN))
    assert not allowed(council_data, action, _table(OTHER), _session(OWN))
    assert not allowed(council_data, action, _table(OWN), {})  # an untagged session reaches no council


def test_the_queues_of_another_council_are_refused_too(council_data):
    assert allowed(council_data, "dynamodb:Query", _table(OWN, "gsi1-stage"), _session(OWN))
    assert not allowed(council_data, "dynamodb:Query", _table(OTHER, "gsi1-stage"), _session(OWN))


@pytest.mark.parametrize("action", ["dynamodb:Scan", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:DeleteTable"])
def test_no_session_may_scan_batch_or_manage_a_table(council_data, action):
    assert not allowed(council_data, action, _table(OWN), _session(OWN))


@pytest.mark.parametrize("key", [
    f"{case_evidence_prefix(OWN, 'NORTHSHIRE-261203-AAAAAA')}04-photo.jpg",
    f"{intake_evidence_prefix(OWN, 'APP-1')}passport.jpg",
])
def test_a_council_session_reads_and_writes_its_own_documents_only(council_data, key):
    for action in ("s3:GetObject", "s3:PutObject"):
        assert allowed(council_data, action, _object(key), _session(OWN))
        other = key.replace(f"councils/{tenant_id(OWN)}/", f"councils/{tenant_id(OTHER)}/")
        assert not allowed(council_data, action, _object(other), _session(OWN))
    # A council whose code starts like another's gets no reach into it: the folder ends with a slash.
    assert not allowed(council_data, "s3:GetObject", _object(key.replace(tenant_id(OWN), tenant_id(OWN) + "x")), _session(OWN))


def test_only_an_applicants_reply_upload_may_be_deleted(council_data):
    folder = case_evidence_prefix(OWN, "NORTHSHIRE-261203-AAAAAA")
    assert allowed(council_data, "s3:DeleteObject", _object(f"{folder}reply-photo-0a1b.jpg"), _session(OWN))
    assert not allowed(council_data, "s3:DeleteObject", _object(f"{folder}04-photo.jpg"), _session(OWN))
    assert not allowed(council_data, "s3:DeleteObject", _object(f"{case_evidence_prefix(OTHER, 'VALEWYE-261203-B')}reply-photo-1.jpg"),
                       _session(OWN))


def test_only_a_partners_portal_upload_in_the_councils_own_folder_may_be_tagged_as_a_drafts(council_data):
    folder = case_evidence_prefix(OWN, "NORTHSHIRE-261204-AAAAAA")
    for action in ("s3:PutObjectTagging", "s3:DeleteObjectTagging"):
        assert allowed(council_data, action, _object(f"{folder}reply-portal-0a1b.pdf"), _session(OWN))
        assert not allowed(council_data, action, _object(f"{folder}04-photo.jpg"), _session(OWN))
        assert not allowed(council_data, action, _object(f"{case_evidence_prefix(OTHER, 'VALEWYE-261204-B')}reply-portal-1.pdf"),
                           _session(OWN))


def test_listing_is_limited_to_the_councils_own_folder(council_data):
    own = _session(OWN) | {"s3:prefix": f"councils/{tenant_id(OWN)}/cases/X/"}
    assert allowed(council_data, "s3:ListBucket", EVIDENCE_BUCKET_ARN, own)
    assert not allowed(council_data, "s3:ListBucket", EVIDENCE_BUCKET_ARN, _session(OWN) | {"s3:prefix": f"councils/{tenant_id(OTHER)}/"})
    assert not allowed(council_data, "s3:ListBucket", EVIDENCE_BUCKET_ARN, _session(OWN))  # no prefix: the whole bucket


def test_the_key_decrypts_only_the_councils_own_table(council_data):
    [key_arn] = {statement["Resource"] for statement in council_data if "kms:Decrypt" in statement["Action"]}
    via_dynamodb = _session(OWN) | {"kms:ViaService": f"dynamodb.{REGION}.amazonaws.com"}
    own = via_dynamodb | {"kms:EncryptionContext:aws:dynamodb:tableName": council_table_name(OWN)}
    other = via_dynamodb | {"kms:EncryptionContext:aws:dynamodb:tableName": council_table_name(OTHER)}
    assert allowed(council_data, "kms:Decrypt", key_arn, own)
    assert not allowed(council_data, "kms:Decrypt", key_arn, other)
    assert not allowed(council_data, "kms:Decrypt", key_arn, _session(OWN))  # not directly, only as DynamoDB or S3 use it


def test_no_function_role_reaches_a_council_table_or_document_directly(synthesised, attributes):
    for spec in FUNCTIONS:
        statements = _statements(synthesised, attributes, _role_id(synthesised, Description=f"Execution role of {spec.function_name}"))
        for council in (OWN, OTHER):
            assert not allowed(statements, "dynamodb:GetItem", _table(council)), spec.key
            assert not allowed(statements, "dynamodb:PutItem", _table(council)), spec.key
            assert not allowed(statements, "s3:GetObject", _object(f"{case_evidence_prefix(council, 'X')}a.pdf")), spec.key


def test_only_the_functions_that_act_for_a_council_may_assume_the_role_and_only_with_a_council_tag(synthesised, attributes):
    role_id = _role_id(synthesised, RoleName=TENANT_ROLE_NAME)
    role_arn = attributes[f"{role_id}.Arn"]
    for spec in FUNCTIONS:
        statements = _statements(synthesised, attributes, _role_id(synthesised, Description=f"Execution role of {spec.function_name}"))
        assert allowed(statements, "sts:AssumeRole", role_arn) == (Env.TENANT_ROLE_ARN in spec.environment), spec.key
    trust = resolve(synthesised.resources("AWS::IAM::Role")[role_id]["Properties"]["AssumeRolePolicyDocument"], attributes)
    for statement in trust["Statement"]:
        assert {"sts:AssumeRole", "sts:TagSession"} == set(statement["Action"])
        assert statement["Condition"]["StringLike"] == {f"aws:RequestTag/{COUNCIL_TAG}": "?*"}
        assert statement["Condition"]["ForAllValues:StringEquals"] == {"aws:TagKeys": [COUNCIL_TAG]}
