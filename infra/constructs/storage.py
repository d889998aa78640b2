"""DynamoDB tables (the platform tables here; each council's table is built with `case_table` in its
council shard, infra/constructs/councils.py) and S3 buckets."""

from __future__ import annotations

from collections.abc import Iterable

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from shared.resources import (
    CASE_TABLE_LAYOUT,
    BADGE_NUMBER_TABLE_LAYOUT,
    BADGE_NUMBER_TABLE_NAME,
    IDEMPOTENCY_TABLE_LAYOUT,
    IDEMPOTENCY_TABLE_NAME,
    PRINT_BATCH_TABLE_LAYOUT,
    PRINT_BATCH_TABLE_NAME,
    UNROUTED_TABLE_NAME,
    TableLayout,
)
from shared.services.family_front_door.domain.drafts import DRAFT_FILE_TAG, DRAFT_FILES_EXPIRE_AFTER

# Item-level read/write of the platform's shared tables, spelled out: what the code does (Get, Query, Put, Update,
# Delete and transactions, whose items IAM authorises as their Put, Update, Delete or ConditionCheckItem); no Scan,
# no batch operations, no table management.
TABLE_READ_WRITE_ACTIONS = (
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
)


def _string(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


class LaidOutTable:
    """A table together with the layout it was built from (for index ARNs in IAM statements)."""

    def __init__(self, table: dynamodb.Table, layout: TableLayout):
        self.table = table
        self.layout = layout

    @property
    def arns(self) -> list[str]:
        arn = self.table.table_arn
        return [arn, *(f"{arn}/index/{index.name}" for index in self.layout.indexes)]


def read_write_statement(tables: Iterable[LaidOutTable]) -> iam.PolicyStatement:
    return iam.PolicyStatement(
        actions=list(TABLE_READ_WRITE_ACTIONS),
        resources=[arn for table in tables for arn in table.arns],
    )


def case_table(
    scope: Construct, construct_id: str, table_name: str, layout: TableLayout, *, key: kms.IKey, retain: bool
) -> LaidOutTable:
    """A pay-per-request table encrypted with the platform CMK, with point-in-time recovery and the layout's
    indexes. `retain`: deletion protection on, and kept (not deleted) when removed from its stack."""
    table = dynamodb.Table(
        scope,
        construct_id,
        table_name=table_name,
        partition_key=_string(layout.partition_key),
        sort_key=_string(layout.sort_key) if layout.sort_key else None,
        time_to_live_attribute=layout.ttl_attribute,
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryption_key=key,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
        deletion_protection=retain,
        removal_policy=RemovalPolicy.RETAIN if retain else RemovalPolicy.DESTROY,
    )
    for index in layout.indexes:
        table.add_global_secondary_index(
            index_name=index.name,
            partition_key=_string(index.partition_key),
            sort_key=_string(index.sort_key),
            projection_type=dynamodb.ProjectionType.ALL if index.projected is None else dynamodb.ProjectionType.INCLUDE,
            non_key_attributes=list(index.projected) if index.projected is not None else None,
        )
    return LaidOutTable(table, layout)


class PlatformTables(Construct):
    """The tables every council shares: unrouted intake, idempotency and the badge-number counter. (Council tables live in the council
    shards' nested stacks; functions reach them only through the council data role, infra/constructs/tenancy.py.)"""

    def __init__(self, scope: Construct, construct_id: str, *, key: kms.IKey) -> None:
        super().__init__(scope, construct_id)
        self.unrouted = case_table(self, "Unrouted", UNROUTED_TABLE_NAME, CASE_TABLE_LAYOUT, key=key, retain=True)
        # Idempotency records are short-lived (TTL) and reproducible, so this table may go with the stack.
        self.idempotency = case_table(
            self, "Idempotency", IDEMPOTENCY_TABLE_NAME, IDEMPOTENCY_TABLE_LAYOUT, key=key, retain=False
        )
        # Losing the counter would reissue badge numbers: retained like the case tables.
        self.badge_numbers = case_table(
            self, "BadgeNumbers", BADGE_NUMBER_TABLE_NAME, BADGE_NUMBER_TABLE_LAYOUT, key=key, retain=True
        )
        # Which badges went in which file to the printer: kept, as the record of what was sent.
        self.print_batches = case_table(
            self, "PrintBatches", PRINT_BATCH_TABLE_NAME, PRINT_BATCH_TABLE_LAYOUT, key=key, retain=True
        )


class Buckets(Construct):
    """Access-log bucket (SSE-S3, as S3 server access logging requires), evidence and print-drop buckets (CMK)."""

    def __init__(self, scope: Construct, construct_id: str, *, key: kms.IKey) -> None:
        super().__init__(scope, construct_id)

        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            versioned=True,
            removal_policy=RemovalPolicy.RETAIN,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="access-logs-retention",
                    transitions=[
                        s3.Transition(storage_class=s3.StorageClass.INFREQUENT_ACCESS, transition_after=Duration.days(30))
                    ],
                    expiration=Duration.days(400),
                    noncurrent_version_expiration=Duration.days(30),
                    abort_incomplete_multipart_upload_after=Duration.days(7),
                )
            ],
        )

        # Supporting evidence (proof of identity, medical letters): kept, moved to infrequent access once
        # the decision is long made; overwritten/deleted versions are recoverable for 90 days.
        self.evidence = self._data_bucket(
            "Evidence",
            key,
            s3.LifecycleRule(
                id="evidence-tiering",
                transitions=[
                    s3.Transition(storage_class=s3.StorageClass.INFREQUENT_ACCESS, transition_after=Duration.days(90))
                ],
                noncurrent_version_expiration=Duration.days(90),
                abort_incomplete_multipart_upload_after=Duration.days(7),
            ),
            # A partner's upload for a portal draft never sent: tagged while it belongs to the draft, deleted once the
            # draft is sure to be gone (shared/services/family_front_door/domain/drafts.py states the rule).
            s3.LifecycleRule(
                id="portal-draft-files-expiry",
                tag_filters=dict([DRAFT_FILE_TAG]),
                expiration=Duration.days(DRAFT_FILES_EXPIRE_AFTER.days),
                noncurrent_version_expiration=Duration.days(1),
            ),
        )
        # Print batches for the badge supplier are transient: gone after 90 days, old versions after 7.
        self.print_drop = self._data_bucket(
            "PrintDrop",
            key,
            s3.LifecycleRule(
                id="print-batches-expiry",
                expiration=Duration.days(90),
                noncurrent_version_expiration=Duration.days(7),
                abort_incomplete_multipart_upload_after=Duration.days(1),
            ),
        )

    def _data_bucket(self, construct_id: str, key: kms.IKey, *lifecycle: s3.LifecycleRule) -> s3.Bucket:
        return s3.Bucket(
            self,
            construct_id,
            encryption=s3.BucketEncryption.KMS,
            encryption_key=key,
            bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            versioned=True,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix=f"{construct_id.lower()}/",
            removal_policy=RemovalPolicy.RETAIN,
            lifecycle_rules=list(lifecycle),
        )
