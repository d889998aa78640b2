"""The platform's customer-managed KMS key and the service principals allowed to use it."""

from __future__ import annotations

from aws_cdk import ArnFormat, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from shared.resources import PREFIX


class PlatformKey(Construct):
    """One rotating CMK for tables, buckets (except access logs), queues, log groups and the alarm topic.

    IAM principals of this account get access through their own policies (CDK's default key policy
    delegates to the account). Services that encrypt on our behalf without an IAM role of ours need a
    key-policy statement: CloudWatch Logs (encrypted log groups) and CloudWatch alarms (publishing to the
    encrypted SNS topic). EventBridge is added by the SQS target when the rule is wired to the queue.
    """

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)

        self.key = kms.Key(
            self,
            "Key",
            alias=f"alias/{PREFIX}",
            description="Casework platform data: case tables, evidence, queues, logs, alarm topic",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
        )

        log_groups_in_this_account = stack.format_arn(
            service="logs", resource="log-group", resource_name="*", arn_format=ArnFormat.COLON_RESOURCE_NAME
        )
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchLogsForThisAccountsLogGroups",
                principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
                actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                resources=["*"],
                conditions={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": log_groups_in_this_account}},
            )
        )
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsToPublishToEncryptedTopics",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
            )
        )

    # Actions a function needs to read and write data encrypted under this key (DynamoDB, S3, SQS) -
    # spelled out rather than granted with kms:*-style wildcards.
    DATA_ACTIONS = (
        "kms:Decrypt",
        "kms:DescribeKey",
        "kms:Encrypt",
        "kms:GenerateDataKey",
        "kms:GenerateDataKeyWithoutPlaintext",
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
    )

    def data_statement(self) -> iam.PolicyStatement:
        return iam.PolicyStatement(actions=list(self.DATA_ACTIONS), resources=[self.key.key_arn])
