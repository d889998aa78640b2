"""The council data role: the only way a function reaches a council's table, evidence folder and their key use.

A function that acts for a council assumes this role with the session tag `council=<tenant id>`
(shared/core/adapters/tenant_credentials.py). Every resource in its policy is named through
${aws:PrincipalTag/council}, so AWS itself refuses a session made for one council on another council's table or
objects, whatever the handler asks. Function roles keep no grant on council tables or evidence objects.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.constructs.storage import TABLE_READ_WRITE_ACTIONS
from infra.nag import NAG, acknowledge
from shared.core.domain.evidence import CASES_FOLDER, COUNCILS_FOLDER, INTAKE_FOLDER
from shared.services.blue_badge.domain.reply import REPLY_UPLOAD_PREFIX
from shared.services.family_front_door.domain.drafts import ATTACHMENT_MARK
from shared.core.domain.retention import EXPORTS_FOLDER
from shared.resources import COUNCIL_TABLE_PREFIX, COUNCIL_TAG, ERASURE_FUNCTION, TENANT_ROLE_NAME, WEB_FUNCTION

COUNCIL = "${aws:PrincipalTag/" + COUNCIL_TAG + "}"  # an IAM policy variable, resolved per request from the session tag
# Read (GetObject also covers HeadObject and the source of CopyObject) and write the council's documents.
EVIDENCE_ACTIONS = ("s3:GetObject", "s3:PutObject")
KEY_ACTIONS = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey")
# The sessions that erase a case's documents: the daily erasure run, and the web UI when a second admin confirms a
# person's erasure. A session's name is its function's (TenantSessions), so aws:userid ends ":<function name>".
ERASING_FUNCTIONS = (ERASURE_FUNCTION, WEB_FUNCTION)


class CouncilDataRole(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, key: kms.IKey, evidence: s3.IBucket, badge_numbers: dynamodb.ITable,
        assumed_by: Sequence[iam.IRole],
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        # Only the functions' own roles, only with exactly one session tag, `council`, and a value for it.
        principals = [
            iam.PrincipalWithConditions(iam.ArnPrincipal(role.role_arn), {
                "StringLike": {f"aws:RequestTag/{COUNCIL_TAG}": "?*"},
                "ForAllValues:StringEquals": {"aws:TagKeys": [COUNCIL_TAG]},
            }).with_session_tags()
            for role in assumed_by
        ]
        self.role = iam.Role(
            self, "Role", role_name=TENANT_ROLE_NAME, assumed_by=iam.CompositePrincipal(*principals),
            description="Assumed by the functions with a council session tag: that council's table, documents and key use only",
        )
        table = stack.format_arn(service="dynamodb", resource="table", resource_name=f"{COUNCIL_TABLE_PREFIX}{COUNCIL}")
        folder = f"{COUNCILS_FOLDER}{COUNCIL}/"
        # The same item-level actions as on the shared tables: no Scan, no batch operations, no table management.
        self.role.add_to_policy(iam.PolicyStatement(actions=list(TABLE_READ_WRITE_ACTIONS), resources=[table, f"{table}/index/*"]))
        self.role.add_to_policy(iam.PolicyStatement(actions=list(EVIDENCE_ACTIONS), resources=[evidence.arn_for_objects(f"{folder}*")]))
        # Only an applicant's upload that proves not to be a JPEG, PNG or PDF is ever deleted.
        self.role.add_to_policy(iam.PolicyStatement(
            actions=["s3:DeleteObject"], resources=[evidence.arn_for_objects(f"{folder}{CASES_FOLDER}*/{REPLY_UPLOAD_PREFIX}*")]))
        # A partner's upload for a portal draft is tagged while it belongs to the draft (the lifecycle rule deletes an
        # abandoned draft's files) and untagged when the draft is sent (shared/services/family_front_door/domain/drafts.py).
        self.role.add_to_policy(iam.PolicyStatement(
            actions=["s3:PutObjectTagging", "s3:DeleteObjectTagging"],
            resources=[evidence.arn_for_objects(f"{folder}{CASES_FOLDER}*/{ATTACHMENT_MARK}*")]))
        # Erasure removes a case's folder and what is left of its application's intake folder, and files past their
        # period in the intake and exports folders - only in sessions of
        # the functions that erase.
        self.role.add_to_policy(iam.PolicyStatement(
            actions=["s3:DeleteObject"],
            resources=[evidence.arn_for_objects(f"{folder}{CASES_FOLDER}*"), evidence.arn_for_objects(f"{folder}{INTAKE_FOLDER}*"),
                       evidence.arn_for_objects(f"{folder}{EXPORTS_FOLDER}*")],
            conditions={"StringLike": {"aws:userid": [f"*:{spec.function_name}" for spec in ERASING_FUNCTIONS]}}))
        # Listing (of the council's own folder only) makes S3 answer a missing file 404 rather than 403.
        self.role.add_to_policy(iam.PolicyStatement(
            actions=["s3:ListBucket"], resources=[evidence.bucket_arn], conditions={"StringLike": {"s3:prefix": f"{folder}*"}}))
        # The owner record of a new badge is written in the same transaction as the badge (BadgeStore.order_badges).
        self.role.add_to_policy(iam.PolicyStatement(actions=["dynamodb:PutItem"], resources=[badge_numbers.table_arn]))
        # The key, only as DynamoDB uses it for the council's own table and S3 for the evidence bucket (S3 Bucket Keys
        # make the bucket, not the object, the encryption context: the folder is enforced by the S3 statements).
        self.role.add_to_policy(iam.PolicyStatement(actions=list(KEY_ACTIONS), resources=[key.key_arn], conditions={"StringEquals": {
            "kms:ViaService": f"dynamodb.{stack.region}.amazonaws.com",
            "kms:EncryptionContext:aws:dynamodb:tableName": f"{COUNCIL_TABLE_PREFIX}{COUNCIL}",
        }}))
        self.role.add_to_policy(iam.PolicyStatement(actions=list(KEY_ACTIONS), resources=[key.key_arn], conditions={"StringEquals": {
            "kms:ViaService": f"s3.{stack.region}.amazonaws.com",
            "kms:EncryptionContext:aws:s3:arn": evidence.bucket_arn,
        }}))
        for role in assumed_by:
            role.add_to_principal_policy(iam.PolicyStatement(actions=["sts:AssumeRole", "sts:TagSession"], resources=[self.role.role_arn]))
        self._acknowledge(stack, evidence)

    def _acknowledge(self, stack: Stack, evidence: s3.IBucket) -> None:
        # cdk-nag writes a policy variable ${x} as <x> in its finding ids.
        council = f"<aws:PrincipalTag/{COUNCIL_TAG}>"
        evidence_arn = f"<{stack.get_logical_id(evidence.node.default_child)}.Arn>"
        folder = f"{COUNCILS_FOLDER}{council}/"
        table = f"arn:<AWS::Partition>:dynamodb:{stack.region}:<AWS::AccountId>:table/{COUNCIL_TABLE_PREFIX}{council}"
        reasons = {
            f"{table}/index/*": "The indexes of the one council table the session is tagged for (the work queues); the table "
                                "name is the council's, resolved by AWS from the session's own tag, never from the request.",
            f"{evidence_arn}/{folder}*": "Documents are named per case at run time, so the grant covers the objects under the one "
                                        "council's folder named by the session tag: Get and Put only.",
            f"{evidence_arn}/{folder}{CASES_FOLDER}*/{REPLY_UPLOAD_PREFIX}*": "Delete only an applicant's reply upload (named at "
                                                                             "random per case) in the tagged council's folder.",
            f"{evidence_arn}/{folder}{CASES_FOLDER}*/{ATTACHMENT_MARK}*": "Tag or untag only a partner's portal upload (named at "
                                                                         "random per draft) in the tagged council's folder.",
            f"{evidence_arn}/{folder}{CASES_FOLDER}*": "Erasure (UK GDPR: a case past its retention period, or a person's "
                                                      "confirmed request) deletes the case's folder, named per case at run "
                                                      "time: DeleteObject only, only in the tagged council's folder and only "
                                                      "in sessions of the erasure and web functions.",
            f"{evidence_arn}/{folder}{INTAKE_FOLDER}*": "Erasure deletes what is left of an erased case's intake folder (named "
                                                       "per application), and intake files past their period: DeleteObject "
                                                       "only, only in the tagged council's folder and only in sessions of "
                                                       "the erasure and web functions.",
            f"{evidence_arn}/{folder}{EXPORTS_FOLDER}*": "The daily run deletes subject access exports (named at random) past "
                                                        "their period: DeleteObject only, only in the tagged council's folder "
                                                        "and only in sessions of the erasure and web functions.",
        }
        for resource, reason in reasons.items():
            acknowledge(self.role, f"{NAG}-IAM5[Resource::{resource}]", reason)
