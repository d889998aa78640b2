"""The Casework stack: platform tables, intake, functions, workflows, API, identity and monitoring, with each
council's table and staff groups in a nested council shard (infra/constructs/councils.py)."""

from __future__ import annotations

from aws_cdk import CfnOutput, Stack, Tags
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from constructs import Construct

from infra.constructs.api import CaseworkApi, StaffIdentity
from infra.constructs.councils import CouncilShards
from infra.constructs.functions import POWERTOOLS_LAYER_NAME, POWERTOOLS_LAYER_VERSION, RUNTIME, AppFunctions
from infra.constructs.housekeeping import Housekeeping
from infra.constructs.intake import Intake
from infra.constructs.monitoring import Monitoring
from infra.constructs.security import PlatformKey
from infra.constructs.supplier_sftp import SupplierPushKey, SupplierSftp, supplier_push_target
from infra.constructs.storage import Buckets, PlatformTables, council_tables_statement, read_write_statement
from infra.constructs.web import WebHosting
from shared.domain.reply import EVIDENCE_CASE_FOLDER, REPLY_UPLOAD_PREFIX
from infra.constructs.workflows import Workflows
from infra.nag import NAG, acknowledge
from shared.domain.council import CouncilRegistry
from shared.resources import (
    API_FUNCTION,
    COUNCIL_TABLE_PREFIX,
    INGEST_FUNCTION,
    INTAKE_BATCH_SIZE,
    PREFIX,
    PRINT_DISPATCH_FUNCTION,
    PRINT_PUSH_FUNCTION,
    PRINT_RESULTS_FUNCTION,
    REMINDERS_FUNCTION,
    RESULTS_PROCESSED,
    RESULTS_QUARANTINE,
    SUPPLIER_INBOX,
    SUPPLIER_OUTBOX,
    WEB_FUNCTION,
    WORKFLOW_STEP_FUNCTION,
    WORKFLOW_TASK_FUNCTIONS,
    Env,
)

LOG_RETENTION = logs.RetentionDays.THREE_MONTHS
INGEST_MAX_CONCURRENCY = 5  # caps parallel intake so a burst of submissions cannot swamp the tables
EMAILING_FUNCTIONS = (WORKFLOW_STEP_FUNCTION, REMINDERS_FUNCTION, PRINT_RESULTS_FUNCTION)  # email applicants (and councils) through SES
# What each function may do in the badge-number table: the workflow step takes numbers from the counter and records
# where each ordered badge lives (a Put in the order's transaction); the print results only read where a badge lives.
BADGE_NUMBER_TABLE_ACTIONS = {
    WORKFLOW_STEP_FUNCTION.key: ["dynamodb:PutItem", "dynamodb:UpdateItem"],
    PRINT_RESULTS_FUNCTION.key: ["dynamodb:GetItem"],
}


class CaseworkStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        councils: CouncilRegistry,
        log_level: str = "INFO",
        powertools_layer_version: int = POWERTOOLS_LAYER_VERSION,
        alarm_email: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        Tags.of(self).add("project", PREFIX)

        self.councils = councils
        platform_key = PlatformKey(self, "Encryption")
        key = platform_key.key
        self.key = key

        self.tables = PlatformTables(self, "Tables", key=key)
        self.buckets = Buckets(self, "Buckets", key=key)
        self.intake = Intake(self, "Intake", key=key)

        self.functions = AppFunctions(
            self,
            "Functions",
            log_retention=LOG_RETENTION,
            log_level=log_level,
            platform_key=platform_key,
            layer_version=powertools_layer_version,
        )
        functions = self.functions.functions

        # Every case function reads and writes every council table and the unrouted table; which council a
        # request may touch is decided from the caller's identity in the handlers (shared/service/tenancy.py).
        # (The reminders job gets a narrower grant of its own: infra/constructs/housekeeping.py; the print push
        # touches no case at all.)
        for function_key, role in self.functions.roles.items():
            if function_key in (REMINDERS_FUNCTION.key, PRINT_PUSH_FUNCTION.key):
                continue
            role.add_to_policy(council_tables_statement(self))
            if function_key != PRINT_RESULTS_FUNCTION.key:  # results name badges that are in council tables only
                role.add_to_policy(read_write_statement([self.tables.unrouted]))
        for _, _, role in self.functions.needing(Env.IDEMPOTENCY_TABLE):
            role.add_to_policy(read_write_statement([self.tables.idempotency]))
        for spec, _, role in self.functions.needing(Env.BADGE_NUMBER_TABLE):
            role.add_to_policy(
                iam.PolicyStatement(actions=BADGE_NUMBER_TABLE_ACTIONS[spec.key], resources=[self.tables.badge_numbers.table.table_arn])
            )
        for spec, _, role in self.functions.needing(Env.EVIDENCE_BUCKET):
            # The print dispatch only reads photos; the API also stores uploads.
            actions = ["s3:GetObject"] if spec.key == PRINT_DISPATCH_FUNCTION.key else ["s3:GetObject", "s3:PutObject"]
            role.add_to_policy(iam.PolicyStatement(actions=actions, resources=[self.buckets.evidence.arn_for_objects("*")]))
        # The reply page deletes an applicant's upload that turns out not to be a JPEG, PNG or PDF (and nothing else).
        self.functions.roles[WEB_FUNCTION.key].add_to_policy(iam.PolicyStatement(
            actions=["s3:DeleteObject"], resources=[self.buckets.evidence.arn_for_objects(f"{EVIDENCE_CASE_FOLDER}*/{REPLY_UPLOAD_PREFIX}*")]))
        for _, _, role in self.functions.needing(Env.PRINT_BATCH_TABLE):
            role.add_to_policy(read_write_statement([self.tables.print_batches]))
        for spec, _, role in self.functions.needing(Env.PRINT_DROP_BUCKET):
            for actions, folders in self._print_drop_access(spec):
                role.add_to_policy(iam.PolicyStatement(
                    actions=actions, resources=[self.buckets.print_drop.arn_for_objects(f"{folder}*") for folder in folders]))
        # ListBucket (the bucket, no objects) only so that reading a result file that an earlier delivery of the same
        # S3 event already moved answers 404 (NoSuchKey) rather than 403: S3 hides absence from those who cannot list.
        self.functions.roles[PRINT_RESULTS_FUNCTION.key].add_to_policy(
            iam.PolicyStatement(actions=["s3:ListBucket"], resources=[self.buckets.print_drop.bucket_arn]))

        # Each file the supplier drops in its inbox (by SFTP, through Transfer Family) invokes the print results.
        self.buckets.print_drop.add_event_notification(
            s3.EventType.OBJECT_CREATED, s3n.LambdaDestination(functions[PRINT_RESULTS_FUNCTION.key]),
            s3.NotificationKeyFilter(prefix=SUPPLIER_INBOX))

        ingest = functions[INGEST_FUNCTION.key]
        ingest.add_event_source(
            event_sources.SqsEventSource(
                self.intake.queue,
                batch_size=INTAKE_BATCH_SIZE,
                report_batch_item_failures=True,
                max_concurrency=INGEST_MAX_CONCURRENCY,
            )
        )

        # State machines reference the task functions; ingest and api reference the state machines.
        # The task function (workflow-step) must therefore not need WORKFLOW_ARNS.
        self.workflows = Workflows(
            self,
            "Workflows",
            task_functions={spec.substitution_key: functions[spec.key] for spec in WORKFLOW_TASK_FUNCTIONS},
            key=key,
            log_retention=LOG_RETENTION,
        )
        for _, function, _ in self.functions.needing(Env.WORKFLOW_ARNS):
            for state_machine in self.workflows.case_workflows:
                state_machine.grant_start_execution(function)
        # Workflow steps and reminders email applicants from their council's verified SES identity.
        for spec in EMAILING_FUNCTIONS:
            self.functions.roles[spec.key].add_to_policy(
                iam.PolicyStatement(actions=["ses:SendEmail"], resources=[self.format_arn(service="ses", resource="identity", resource_name="*")])
            )
        self.housekeeping = Housekeeping(self, "Housekeeping", reminders=functions[REMINDERS_FUNCTION.key])
        # The supplier's own SFTP server, if it runs one (deployment configuration): the print push sends it each extract.
        supplier_push = supplier_push_target(self.node.try_get_context("supplierPush"))
        self.supplier_push_key = (SupplierPushKey(self, "SupplierPushKey", key=key, reader=self.functions.roles[PRINT_PUSH_FUNCTION.key])
                                  if supplier_push else None)
        self.supplier_sftp = SupplierSftp(self, "SupplierSftp", bucket=self.buckets.print_drop, key=key,
                                          public_key=self.node.try_get_context("supplierSshPublicKey"))
        # The API and the web UI resume a workflow waiting for missing information (SendTaskSuccess on that state machine).
        for state_machine in self.workflows.case_workflows:
            state_machine.grant_task_response(functions[API_FUNCTION.key])
            state_machine.grant_task_response(functions[WEB_FUNCTION.key])

        self.identity = StaffIdentity(self, "Identity")
        self.web = WebHosting(
            self,
            "Web",
            handler=functions[WEB_FUNCTION.key],
            key=key,
            access_logs_bucket=self.buckets.access_logs,
            log_retention=LOG_RETENTION,
            domain_name=self.node.try_get_context("webDomainName"),
            certificate_arn=self.node.try_get_context("webCertificateArn"),
        )
        for _, _, role in self.functions.needing(Env.WEB_SESSION_TABLE):
            role.add_to_policy(read_write_statement([self.web.sessions]))

        workflow_arns = {key_.value: sm.state_machine_arn for key_, sm in self.workflows.state_machines.items()}
        self.functions.set_environment(
            {
                Env.IDEMPOTENCY_TABLE: self.tables.idempotency.table.table_name,
                Env.UNROUTED_TABLE: self.tables.unrouted.table.table_name,
                Env.EVIDENCE_BUCKET: self.buckets.evidence.bucket_name,
                Env.WORKFLOW_ARNS: self.to_json_string(workflow_arns),
                Env.BADGE_NUMBER_TABLE: self.tables.badge_numbers.table.table_name,
                Env.PRINT_BATCH_TABLE: self.tables.print_batches.table.table_name,
                Env.PRINT_DROP_BUCKET: self.buckets.print_drop.bucket_name,
                # Empty without a supplier server: the dispatch then marks badges once the file is in the supplier's folder.
                Env.SUPPLIER_PUSH: supplier_push.model_dump_json() if supplier_push else "",
                Env.SUPPLIER_PUSH_KEY_SECRET: self.supplier_push_key.secret.secret_arn if self.supplier_push_key else "",
                Env.WEB_SESSION_TABLE: self.web.sessions.table.table_name,
                Env.USER_POOL_ID: self.identity.user_pool.user_pool_id,
                Env.WEB_CLIENT_ID: self.identity.client.user_pool_client_id,
                Env.WEB_BASE_URL: self.web.base_url,
            }
        )

        # Each council's table and groups, in nested stacks: the parent must not grow with the councils.
        # Only the CMK's ARN and the user pool's id cross into the shards (as nested-stack parameters).
        self.council_shards = CouncilShards(
            self, "Councils", councils=councils, key=key, user_pool_id=self.identity.user_pool.user_pool_id
        )
        self.api = CaseworkApi(
            self,
            "Api",
            handler=functions[API_FUNCTION.key],
            user_pool=self.identity.user_pool,
            key=key,
            log_retention=LOG_RETENTION,
        )
        # The web API's stage logs through the account's API Gateway CloudWatch role, which the caseworker API sets.
        self.web.rest_api.deployment_stage.node.add_dependency(self.api.rest_api.node.find_child("Account"))

        self.monitoring = Monitoring(
            self,
            "Monitoring",
            key=key,
            intake_queue=self.intake.queue,
            dead_letter_queue=self.intake.dead_letter_queue,
            functions=functions,
            state_machines={k.value: sm for k, sm in self.workflows.state_machines.items()},
            rest_apis={"api": self.api.rest_api, "web": self.web.rest_api},
            alarm_email=alarm_email,
        )

        self._outputs()
        self._acknowledge_findings()

    @staticmethod
    def _print_drop_access(spec) -> list[tuple[list[str], list[str]]]:
        """(actions, folders) a function may use in the print drop bucket."""
        if spec.key == PRINT_RESULTS_FUNCTION.key:
            # Read and remove the supplier's result files; write them (and a quarantine reason) only where they are moved.
            return [(["s3:GetObject", "s3:DeleteObject"], [SUPPLIER_INBOX]), (["s3:PutObject"], [RESULTS_QUARANTINE, RESULTS_PROCESSED])]
        if spec.key == PRINT_PUSH_FUNCTION.key:
            return [(["s3:GetObject"], [SUPPLIER_OUTBOX])]  # reads the extracts it sends on, nothing else
        # Extracts go only into the supplier's outbox (multipart uploads; HeadObject to resume a run).
        return [(["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"], [SUPPLIER_OUTBOX])]

    def _outputs(self) -> None:
        outputs = {
            "ApiUrl": self.api.rest_api.url,
            "UserPoolId": self.identity.user_pool.user_pool_id,
            "UserPoolClientId": self.identity.client.user_pool_client_id,
            "EventBusName": self.intake.bus.event_bus_name,
            "EvidenceBucketName": self.buckets.evidence.bucket_name,
            "PrintDropBucketName": self.buckets.print_drop.bucket_name,
            "AccessLogsBucketName": self.buckets.access_logs.bucket_name,
            "AlarmTopicArn": self.monitoring.topic.topic_arn,
            "WebUrl": self.web.base_url,
        }
        for name, value in outputs.items():
            CfnOutput(self, name, value=value)

    def _acknowledge_findings(self) -> None:
        """cdk-nag findings that are accepted by design, each with its reason (see infra/nag.py)."""
        for role in self.functions.roles.values():
            acknowledge(
                role,
                f"{NAG}-IAM5[Resource::*]",
                "Only the X-Ray statement CDK adds for active tracing (xray:PutTraceSegments, "
                "xray:PutTelemetryRecords) uses Resource '*': those actions support no resource-level "
                "permissions. Table, key, log-group, queue and state-machine statements name their ARNs.",
            )
        council_tables = f"arn:<AWS::Partition>:dynamodb:{self.region}:<AWS::AccountId>:table/{COUNCIL_TABLE_PREFIX}*"
        for role in self.functions.roles.values():
            for resource in (council_tables, f"{council_tables}/index/*"):
                acknowledge(
                    role,
                    f"{NAG}-IAM5[Resource::{resource}]",
                    "Council tables are granted by their name prefix so that a role's policy stays one size as "
                    "councils are added (one ARN per table and index exceeds IAM's policy size near 30 councils). "
                    "The prefix matches only this deployment's council tables, the actions are item-level only, "
                    "and which council a request may touch is enforced from the caller's identity.",
                )
        for spec in EMAILING_FUNCTIONS:
            acknowledge(
                self.functions.roles[spec.key],
                f"{NAG}-IAM5[Resource::arn:<AWS::Partition>:ses:{self.region}:<AWS::AccountId>:identity/*]",
                "Applicants are emailed from their own council's address, one verified SES identity per council; "
                "naming each would grow the policy with every council. Only ses:SendEmail is granted, and SES "
                "sends only from identities verified in this account.",
            )
        for function in self.functions.functions.values():
            acknowledge(
                function,
                f"{NAG}-L1",
                f"Runtime pinned to {RUNTIME.name} to match the Powertools layer built for it "
                f"({POWERTOOLS_LAYER_NAME}, with compiled pydantic-core); runtime and layer are upgraded together, "
                "deliberately, after the handlers are tested on the new Python.",
            )
        for state_machine in self.workflows.state_machines.values():
            acknowledge(
                state_machine.role,
                f"{NAG}-IAM5[Resource::*]",
                "Resource '*' comes only from what logging level ALL and X-Ray tracing require: CloudWatch Logs "
                "vended-delivery actions (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, "
                "DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, "
                "DescribeLogGroups) and xray:PutTraceSegments/PutTelemetryRecords/GetSamplingRules/"
                "GetSamplingTargets, none of which support resource-level permissions.",
            )
        for _, _, role in self.functions.needing(Env.EVIDENCE_BUCKET):
            acknowledge(
                role,
                f"{NAG}-IAM5[Resource::<{self.get_logical_id(self.buckets.evidence.node.default_child)}.Arn>/*]",
                "Evidence object keys are created per case at run time, so the grant covers the objects of this "
                "one bucket - and only s3:GetObject and s3:PutObject (no list, no delete, no bucket actions).",
            )
        acknowledge(
            self.functions.roles[WEB_FUNCTION.key],
            f"{NAG}-IAM5[Resource::<{self.get_logical_id(self.buckets.evidence.node.default_child)}.Arn>/"
            f"{EVIDENCE_CASE_FOLDER}*/{REPLY_UPLOAD_PREFIX}*]",
            "An applicant's upload is named per case and at random when the reply page signs its POST, so the delete "
            "(of a file that proves not to be a JPEG, PNG or PDF) covers only applicants' uploads under the case folders "
            "of this one bucket; documents from intake and staff cannot be deleted.",
        )
        print_drop = self.get_logical_id(self.buckets.print_drop.node.default_child)
        for spec, _, role in self.functions.needing(Env.PRINT_DROP_BUCKET):
            if spec.key == PRINT_RESULTS_FUNCTION.key:
                for folder in (SUPPLIER_INBOX, RESULTS_QUARANTINE, RESULTS_PROCESSED):
                    acknowledge(
                        role,
                        f"{NAG}-IAM5[Resource::<{print_drop}.Arn>/{folder}*]",
                        "The supplier names its result files, so the grant covers the objects under one folder of this "
                        "one bucket: Get and Delete in its inbox, Put only in the quarantine and processed folders the "
                        "files are moved to. (ListBucket is granted on the bucket alone, so a gone file answers 404.)",
                    )
                continue
            acknowledge(
                role,
                f"{NAG}-IAM5[Resource::<{print_drop}.Arn>/{SUPPLIER_OUTBOX}*]",
                "Each night's extract files are named at run time, so the grant covers the objects under the "
                "supplier's outbox folder of this one bucket - "
                + ("GetObject only, to stream each extract on to the supplier's own server."
                   if spec.key == PRINT_PUSH_FUNCTION.key else "Put, Get and AbortMultipartUpload only."),
            )
        # CDK's singleton handler of Custom::S3BucketNotifications (the print drop bucket's notification to print-results).
        for child in self.node.children:
            if child.node.id.startswith("BucketNotificationsHandler"):
                acknowledge(
                    child,
                    f"{NAG}-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
                    "CDK's own deploy-time handler that puts the print drop bucket's notification configuration (supplier "
                    "inbox -> print-results). CDK builds its role with AWSLambdaBasicExecutionRole (write to its own "
                    "CloudWatch log group) and offers no way to swap it; only Lambda can assume the role, and its one other "
                    "permission is s3:PutBucketNotification on the print drop bucket alone. S3 notifications without it "
                    "would need a hand-made cycle between the bucket, the function and its invoke permission.",
                )
        acknowledge(
            self.api.rest_api.node.find_child("CloudWatchRole"),
            f"{NAG}-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
            "This is API Gateway's account-level logging role, needed for stage execution logging (APIG6). "
            "AmazonAPIGatewayPushToCloudWatchLogs is the AWS-documented policy for it and tracks the log "
            "actions API Gateway needs; only apigateway.amazonaws.com can assume the role.",
        )
