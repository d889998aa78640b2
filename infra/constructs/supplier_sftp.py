"""The print supplier's SFTP access to its folders in the print drop bucket, through AWS Transfer Family.

A service-managed user whose home is the bucket's "supplier/" folder (a logical directory, so it cannot
see or name anything outside it): it collects extracts from to-supplier/ and drops its confirmation and
rejection files into from-supplier/. Its SSH public key comes from the deployment
(`-c supplierSshPublicKey="ssh-ed25519 AAAA..."`); without one the user exists but cannot sign in.
"""

from __future__ import annotations

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_transfer as transfer
from constructs import Construct

from infra.nag import NAG, acknowledge

from shared.resources import PREFIX, SUPPLIER_FOLDER, SUPPLIER_INBOX, SUPPLIER_OUTBOX

SUPPLIER_USER_NAME = "print-supplier"
SECURITY_POLICY = "TransferSecurityPolicy-2024-01"  # TLS/SSH algorithms without SHA-1 or CBC ciphers


class SupplierSftp(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, bucket: s3.IBucket, key: kms.IKey, public_key: str | None) -> None:
        super().__init__(scope, construct_id)
        account = Stack.of(self).account
        transfer_principal = iam.ServicePrincipal("transfer.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": account}})

        self.logging_role = iam.Role(self, "LoggingRole", assumed_by=transfer_principal,
                                     description="Lets Transfer Family write the supplier's session logs")
        self.logging_role.add_to_policy(iam.PolicyStatement(
            actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
            resources=[Stack.of(self).format_arn(service="logs", resource="log-group", resource_name="/aws/transfer/*",
                                                 arn_format=ArnFormat.COLON_RESOURCE_NAME)],
        ))
        self.server = transfer.CfnServer(
            self, "Server",
            domain="S3",
            endpoint_type="PUBLIC",
            identity_provider_type="SERVICE_MANAGED",
            protocols=["SFTP"],
            security_policy_name=SECURITY_POLICY,
            logging_role=self.logging_role.role_arn,
            tags=[{"key": "Name", "value": f"{PREFIX}-print-supplier"}],
        )

        self.user_role = iam.Role(self, "SupplierRole", assumed_by=transfer_principal,
                                  description="The print supplier's SFTP access: its folders of the print drop bucket only")
        self.user_role.add_to_policy(iam.PolicyStatement(
            actions=["s3:ListBucket"], resources=[bucket.bucket_arn],
            conditions={"StringLike": {"s3:prefix": [SUPPLIER_FOLDER, f"{SUPPLIER_FOLDER}*"]}},
        ))
        # Collect (and tidy away) extracts; drop results. Nothing else in the bucket.
        self.user_role.add_to_policy(iam.PolicyStatement(
            actions=["s3:GetObject", "s3:DeleteObject"], resources=[bucket.arn_for_objects(f"{SUPPLIER_OUTBOX}*")]))
        self.user_role.add_to_policy(iam.PolicyStatement(
            actions=["s3:PutObject"], resources=[bucket.arn_for_objects(f"{SUPPLIER_INBOX}*")]))
        # Named KMS actions (not the grant helper's wildcards): read the extracts, write the results.
        self.user_role.add_to_policy(iam.PolicyStatement(actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[key.key_arn]))

        self.user = transfer.CfnUser(
            self, "Supplier",
            server_id=self.server.attr_server_id,
            user_name=SUPPLIER_USER_NAME,
            role=self.user_role.role_arn,
            home_directory_type="LOGICAL",
            home_directory_mappings=[transfer.CfnUser.HomeDirectoryMapEntryProperty(
                entry="/", target=f"/{bucket.bucket_name}/{SUPPLIER_FOLDER.rstrip('/')}")],
            ssh_public_keys=[public_key] if public_key else None,
        )
        stack = Stack.of(self)
        bucket_id = stack.get_logical_id(bucket.node.default_child)
        acknowledge(self.user_role, f"{NAG}-IAM5[Resource::<{bucket_id}.Arn>/{SUPPLIER_OUTBOX}*]",
                    "The supplier collects extract files named per night, so it may get and delete any object under "
                    "its to-supplier folder - and nothing else of the bucket.")
        acknowledge(self.user_role, f"{NAG}-IAM5[Resource::<{bucket_id}.Arn>/{SUPPLIER_INBOX}*]",
                    "The supplier names its own confirmation and rejection files, so it may put any object under "
                    "its from-supplier folder - put only, nothing else of the bucket.")
        acknowledge(self.logging_role,
                    f"{NAG}-IAM5[Resource::arn:<AWS::Partition>:logs:{stack.region}:<AWS::AccountId>:log-group:/aws/transfer/*]",
                    "Transfer Family writes session logs to a group named after the server id (/aws/transfer/<id>), "
                    "with streams per session; the grant is limited to Transfer's log groups in this account.")

