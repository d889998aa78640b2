"""How the print supplier exchanges files with us by SFTP: one deployment setting, two ways (supplier_connection).

- **It collects from us** (no `supplierPush`): an AWS Transfer Family SFTP server (SupplierSftp), with a
  service-managed user whose home is the print drop bucket's "supplier/" folder (a logical directory, so it cannot
  see or name anything outside it): it collects extracts from to-supplier/ and drops its confirmation and rejection
  files into from-supplier/. Its SSH public key comes from the deployment (`-c supplierSshPublicKey="ssh-ed25519
  AAAA..."`); without one the user exists but cannot sign in.
- **It runs its own server** (`-c supplierPush='{"host", "port", "username", "remote_dir", "results_dir",
  "host_key"}'`, or an object in cdk.json, validated as shared.services.blue_badge.adapters.sftp.SftpTarget at synth):
  the print push sends each extract to remote_dir, and the print pull (SupplierPull, hourly) collects its result
  files from results_dir into from-supplier/, through the same pinned-host-key client, so they are applied exactly
  as dropped ones are. No Transfer Family server then (it is ~$2,600 a year of always-on endpoint for nothing). The
  client's private key is a secret whose value is set once after the first deploy, never in code or context.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import ArnFormat, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_transfer as transfer
from constructs import Construct
from pydantic import ValidationError

from aws_cdk import aws_lambda as lambda_

from infra.constructs.schedules import schedule_function
from infra.nag import NAG, acknowledge
from shared.services.blue_badge.adapters.sftp import SftpTarget
from shared.resources import (
    PREFIX, PRINT_PULL_FUNCTION, PRINT_PULL_SCHEDULE, SUPPLIER_FOLDER, SUPPLIER_INBOX, SUPPLIER_OUTBOX, SUPPLIER_PUSH_KEY_SECRET_NAME,
)

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



class SupplierPushConfigError(ValueError):
    pass


@dataclass(frozen=True)
class SupplierConnection:
    """The deployment's one setting for the supplier's SFTP: its own server (`server`), or our Transfer Family server."""

    server: SftpTarget | None  # the supplier's own server: extracts pushed there, results pulled from there
    public_key: str | None  # the key the supplier signs in to our Transfer Family server with (no own server only)

    @property
    def transfer_family(self) -> bool:
        """Our SFTP server only where the supplier collects from us."""
        return self.server is None


def supplier_connection(push_context: object, public_key_context: object) -> SupplierConnection:
    """The `supplierPush` and `supplierSshPublicKey` contexts, validated together."""
    server = supplier_push_target(push_context)
    public_key = public_key_context or None
    if server is not None and server.results_dir is None:
        raise SupplierPushConfigError("context supplierPush: field 'results_dir' is required: a supplier with its own server "
                                      "has no Transfer Family folder to drop its result files in, so they are collected from there")
    if server is not None and public_key is not None:
        raise SupplierPushConfigError("context supplierSshPublicKey signs the supplier in to our Transfer Family server, which a "
                                      "deployment with supplierPush (the supplier's own server) does not have: give one or the other")
    if public_key is not None and not isinstance(public_key, str):
        raise SupplierPushConfigError("context supplierSshPublicKey must be one public key line, e.g. 'ssh-ed25519 AAAA...'")
    return SupplierConnection(server=server, public_key=public_key)


def supplier_push_target(context_value: object) -> SftpTarget | None:
    """The `supplierPush` context (an object in cdk.json, or its JSON with -c), validated; None: no push."""
    if context_value in (None, ""):
        return None
    try:
        settings = json.loads(context_value) if isinstance(context_value, str) else context_value
        return SftpTarget.model_validate(settings)
    except (ValueError, ValidationError) as error:
        problems = ("; ".join(f"field '{'.'.join(map(str, e['loc']))}': {e['msg']}" for e in error.errors())
                    if isinstance(error, ValidationError) else str(error))
        raise SupplierPushConfigError(f"context supplierPush: {problems}") from None


class SupplierPull(Construct):
    """Where the supplier runs its own server: the print pull's hourly schedule. No retries and no dead-letter queue: the
    files stay on the supplier's server, and the next run (an hour later) is the retry; its errors are alarmed with
    every function's."""

    def __init__(self, scope: Construct, construct_id: str, *, puller: lambda_.Function) -> None:
        super().__init__(scope, construct_id)
        self.schedule = schedule_function(
            self, "Schedule", function=puller, spec=PRINT_PULL_FUNCTION, expression=PRINT_PULL_SCHEDULE,
            description="Collects the print supplier's result files from its own SFTP server",
        ).schedule


class SupplierPushKey(Construct):
    """The secret holding the print push's SSH client private key (OpenSSH or PEM, unencrypted: the secret is
    encrypted with the platform key). Created with a placeholder value; set the real key once after the first deploy.
    Only `readers` (the print push and the print pull) may read it (GetSecretValue on this one secret)."""

    def __init__(self, scope: Construct, construct_id: str, *, key: kms.IKey, readers: Sequence[iam.IRole]) -> None:
        super().__init__(scope, construct_id)
        self.secret = secretsmanager.Secret(
            self, "Secret",
            secret_name=SUPPLIER_PUSH_KEY_SECRET_NAME,
            description="SSH private key the print push signs in to the print supplier's own SFTP server with",
            encryption_key=key,
            removal_policy=RemovalPolicy.RETAIN,
        )
        for reader in readers:
            reader.add_to_principal_policy(iam.PolicyStatement(actions=["secretsmanager:GetSecretValue"], resources=[self.secret.secret_arn]))
        acknowledge(self.secret, f"{NAG}-SMG4",
                    "An SSH client key cannot be rotated by a Lambda on our side alone: the supplier must install the new "
                    "public key on its server first. It is rotated by hand with the supplier (put the new private key "
                    "here once they confirm), as their key-management schedule requires.")
