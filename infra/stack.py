"""The Casework stack: platform tables, intake, functions, workflows, API, identity and monitoring, with each
council's table and staff groups in a nested council shard (infra/constructs/councils.py)."""

from __future__ import annotations

import json

from aws_cdk import ArnFormat, CfnOutput, Stack, Tags
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from constructs import Construct

from infra.constructs.api import CaseworkApi, StaffIdentity
from infra.constructs.councils import CouncilShards
from infra.constructs.dashboards import ServiceDashboards
from infra.constructs.service_alarms import ServiceAlarms
from infra.constructs.crm_connector import CrmConnector
from infra.constructs.functions import POWERTOOLS_LAYER_NAME, POWERTOOLS_LAYER_VERSION, RUNTIME, AppFunctions
from infra.constructs.housekeeping import Housekeeping
from infra.constructs.intake import Intake
from infra.constructs.lifecycle import DataLifecycle
from infra.constructs.monitoring import DeadLetterQueue, Monitoring
from infra.constructs.national_pull import NationalPull
from infra.constructs.notify_status import NotifyStatusReadBack
from infra.constructs.partner_identity import PartnerIdentity, partner_email
from infra.constructs.reconciler import Reconciler
from infra.constructs.resume_sweeper import ResumeSweeper
from infra.constructs.response_watch import ResponseWatch
from infra.constructs.security import PlatformKey
from infra.constructs.supplier_sftp import SupplierPull, SupplierPushKey, SupplierSftp, supplier_connection
from infra.constructs.storage import Buckets, PlatformTables, read_write_statement
from infra.constructs.web import WebHosting
from infra.constructs.tenancy import CouncilDataRole
from infra.constructs.workflows import Workflows
from infra.nag import NAG, acknowledge
from shared.core.adapters.parked_payloads import UNROUTED_PARKED_FOLDER
from shared.core.adapters.staff_accounts import STAFF_ADMIN_ACTIONS
from shared.core.domain.council import CouncilRegistry
from shared.core.domain.notify import NotificationChannel
from shared.resources import (
    API_FUNCTION,
    ASC_STEP_FUNCTION,
    CRM_CONNECTOR_FUNCTION,
    ERASURE_FUNCTION,
    FFD_STEP_FUNCTION,
    INGEST_FUNCTION,
    NATIONAL_PULL_FUNCTION,
    NOTIFY_STATUS_FUNCTION,
    INTAKE_BATCH_SIZE,
    PARTNER_SIGN_UP_FUNCTION,
    PREFIX,
    PRINT_PULL_FUNCTION,
    PRINT_PUSH_FUNCTION,
    PRINT_RESULTS_DLQ_NAME,
    PRINT_RESULTS_FUNCTION,
    REMINDERS_FUNCTION,
    RENEWAL_REMINDERS_FUNCTION,
    RESULTS_PROCESSED,
    RESULTS_QUARANTINE,
    RECONCILER_FUNCTION,
    RESPONSE_WATCH_FUNCTION,
    RESUME_SWEEPER_FUNCTION,
    SUPPLIER_INBOX,
    SUPPLIER_OUTBOX,
    WEB_FUNCTION,
    WORKFLOW_STEP_FUNCTION,
    WORKFLOW_TASK_FUNCTIONS,
    WORKFLOWS_BY_KEY,
    WorkflowKey,
    notify_secret_name,
    Env,
)
from shared.services.asc_triage import SERVICE_KEY as ASC_TRIAGE
from shared.services.asc_triage.domain.settings import triage_settings
from shared.services.family_front_door import SERVICE_KEY as FAMILY_FRONT_DOOR
from shared.services.family_front_door.domain.settings import front_door_settings
from shared.services.blue_badge.domain.settings import national_pulls

LOG_RETENTION = logs.RetentionDays.THREE_MONTHS
INGEST_MAX_CONCURRENCY = 5  # caps parallel intake so a burst of submissions cannot swamp the tables
# Email applicants, referrers (and councils) through SES: the web function sends hub booking confirmations.
EMAILING_FUNCTIONS = (WORKFLOW_STEP_FUNCTION, REMINDERS_FUNCTION, RENEWAL_REMINDERS_FUNCTION, PRINT_RESULTS_FUNCTION, ASC_STEP_FUNCTION,
                      WEB_FUNCTION, FFD_STEP_FUNCTION)
# What each function may do in the badge-number table: the workflow step takes numbers from the counter and records
# where each ordered badge lives (a Put in the order's transaction); the print results only read where a badge lives.
BADGE_NUMBER_TABLE_ACTIONS = {
    WORKFLOW_STEP_FUNCTION.key: ["dynamodb:PutItem", "dynamodb:UpdateItem"],
    PRINT_RESULTS_FUNCTION.key: ["dynamodb:GetItem"],
}
# Park large payloads of unknown councils in S3 (ingest), and open and replay them (API): shared/core/adapters/parked_payloads.py.
UNROUTED_PARKING_FUNCTIONS = (INGEST_FUNCTION, API_FUNCTION)


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
        web_acl_arn: str,
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

        # Council tables and documents only through the council data role, assumed per council with a session tag
        # (infra/constructs/tenancy.py); the functions' own roles reach the platform's shared tables only.
        self.council_data = CouncilDataRole(
            self, "CouncilData", key=key, evidence=self.buckets.evidence, badge_numbers=self.tables.badge_numbers.table,
            assumed_by=[role for _, _, role in self.functions.needing(Env.TENANT_ROLE_ARN)])
        for _, _, role in self.functions.needing(Env.UNROUTED_TABLE):
            role.add_to_policy(read_write_statement([self.tables.unrouted]))
        for spec in UNROUTED_PARKING_FUNCTIONS:  # a council's own go in its folder, through the council data role
            self.functions.roles[spec.key].add_to_policy(iam.PolicyStatement(
                actions=["s3:GetObject", "s3:PutObject"], resources=[self.buckets.evidence.arn_for_objects(f"{UNROUTED_PARKED_FOLDER}*")]))
        for _, _, role in self.functions.needing(Env.IDEMPOTENCY_TABLE):
            role.add_to_policy(read_write_statement([self.tables.idempotency]))
        for spec, _, role in self.functions.needing(Env.BADGE_NUMBER_TABLE):
            role.add_to_policy(
                iam.PolicyStatement(actions=BADGE_NUMBER_TABLE_ACTIONS[spec.key], resources=[self.tables.badge_numbers.table.table_arn])
            )
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
        # S3 invokes asynchronously: a result file whose processing fails every retry stays in the inbox, and its event
        # waits in this DLQ for a person to replay.
        self.print_results_dead_letter_queue = DeadLetterQueue(
            self, "PrintResultsDeadLetterQueue", queue_name=PRINT_RESULTS_DLQ_NAME, key=key,
            holds="Supplier result files whose processing failed every retry (the files stay in the inbox)",
        )
        self.print_results_dead_letter_queue.keep_failed_invocations(functions[PRINT_RESULTS_FUNCTION.key])

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
        self.housekeeping = Housekeeping(self, "Housekeeping", reminders=functions[REMINDERS_FUNCTION.key],
                                         renewal_reminders=functions[RENEWAL_REMINDERS_FUNCTION.key], key=key)
        # Every few minutes, the workflow resumes that steps people recorded still owe (shared/core/logic/resumes.py).
        self.resume_sweeper = ResumeSweeper(self, "ResumeSweeper", sweeper=functions[RESUME_SWEEPER_FUNCTION.key],
                                            case_workflows=self.workflows.case_workflows)
        # UK GDPR retention: the daily erasure run and the evidence bucket's expiry rules, from each council's schedule.
        self.lifecycle = DataLifecycle(self, "Lifecycle", erasure=functions[ERASURE_FUNCTION.key], key=key)
        # Every 15 minutes, the councils' new applications from their national Applications APIs (functions/national_pull).
        self.national_pull = NationalPull(self, "NationalPull", puller=functions[NATIONAL_PULL_FUNCTION.key], key=key)
        # Every half hour, what became of the Notify councils' emails and letters (functions/notify_status).
        self.notify_status = NotifyStatusReadBack(self, "NotifyStatus", reader=functions[NOTIFY_STATUS_FUNCTION.key])
        # The supplier's SFTP (deployment configuration): its own server, which the print push sends each extract to and
        # the print pull collects its result files from; or, only where it collects from us, our Transfer Family server.
        connection = supplier_connection(self.node.try_get_context("supplierPush"), self.node.try_get_context("supplierSshPublicKey"))
        supplier_push = connection.server
        self.supplier_push_key = (SupplierPushKey(self, "SupplierPushKey", key=key, readers=[
            self.functions.roles[PRINT_PUSH_FUNCTION.key], self.functions.roles[PRINT_PULL_FUNCTION.key]]) if supplier_push else None)
        self.supplier_pull = SupplierPull(self, "SupplierPull", puller=functions[PRINT_PULL_FUNCTION.key]) if supplier_push else None
        self.supplier_sftp = (SupplierSftp(self, "SupplierSftp", bucket=self.buckets.print_drop, key=key, public_key=connection.public_key)
                              if connection.transfer_family else None)
        # The Family Front Door's step resumes its own workflow's reminder wait when the partner answered meanwhile. Its
        # state machine is named, not referenced: the state machine references the function, whose policy it would be.
        self.functions.roles[FFD_STEP_FUNCTION.key].add_to_policy(iam.PolicyStatement(
            actions=["states:SendTaskSuccess"],
            resources=[self.format_arn(service="states", resource="stateMachine", arn_format=ArnFormat.COLON_RESOURCE_NAME,
                                       resource_name=WORKFLOWS_BY_KEY[WorkflowKey.FFD_CONTACT].state_machine_name)],
        ))
        # The API and the web UI resume a workflow waiting for missing information (SendTaskSuccess on that state machine).
        for state_machine in self.workflows.case_workflows:
            state_machine.grant_task_response(functions[API_FUNCTION.key])
            state_machine.grant_task_response(functions[WEB_FUNCTION.key])

        self.identity = StaffIdentity(self, "Identity")
        # Partner professionals (the Family Front Door portal): their own pool, admitted by their council's allow-list.
        self.partner_identity = PartnerIdentity(self, "PartnerIdentity", sign_up_trigger=functions[PARTNER_SIGN_UP_FUNCTION.key],
                                                administered_by=[self.functions.roles[WEB_FUNCTION.key]],
                                                email=partner_email(self.node.try_get_context("partnerEmail")))
        self.web = WebHosting(
            self,
            "Web",
            handler=functions[WEB_FUNCTION.key],
            key=key,
            access_logs_bucket=self.buckets.access_logs,
            log_retention=LOG_RETENTION,
            edge_web_acl_arn=web_acl_arn,
            domain_name=self.node.try_get_context("webDomainName"),
            certificate_arn=self.node.try_get_context("webCertificateArn"),
        )
        for _, _, role in self.functions.needing(Env.WEB_SESSION_TABLE):
            role.add_to_policy(read_write_statement([self.web.sessions]))
        # The web UI re-checks a signed-in account (enabled, same groups) every few minutes: web/security.py.
        self.functions.roles[WEB_FUNCTION.key].add_to_policy(iam.PolicyStatement(
            actions=["cognito-idp:AdminGetUser", "cognito-idp:AdminListGroupsForUser"], resources=[self.identity.user_pool.user_pool_arn]))
        # Council admins manage their council's staff accounts in the web UI (shared/core/adapters/staff_accounts.py): these
        # admin actions only, on the staff pool only (listing and reading an account are granted above and below).
        self.functions.roles[WEB_FUNCTION.key].add_to_policy(iam.PolicyStatement(
            actions=[f"cognito-idp:{action}" for action in STAFF_ADMIN_ACTIONS], resources=[self.identity.user_pool.user_pool_arn]))
        # The web UI and the API give or refer a case only to the council's staff, listed from the pool's groups (StaffDirectory).
        for listing in (WEB_FUNCTION, API_FUNCTION):
            self.functions.roles[listing.key].add_to_policy(iam.PolicyStatement(
                actions=["cognito-idp:ListUsersInGroup"], resources=[self.identity.user_pool.user_pool_arn]))

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
                Env.TENANT_ROLE_ARN: self.council_data.role.role_arn,
                Env.EVENT_BUS: self.intake.bus.event_bus_name,
                Env.CRM_ENDPOINTS: crm_endpoints(councils),
                Env.NATIONAL_PULLS: national_pulls(councils),
                Env.NOTIFY_COUNCILS: notify_councils(councils),
                Env.PARTNER_USER_POOL_ID: self.partner_identity.user_pool.user_pool_id,
                Env.PARTNER_CLIENT_ID: self.partner_identity.client.user_pool_client_id,
            }
        )
        for _, _, role in self.functions.needing(Env.EVENT_BUS):
            self.intake.bus.grant_put_events_to(role)
        # The functions that send notifications read the API key of each GOV.UK Notify council, and no other secret
        # (Secrets Manager ends each secret's ARN with "-" and six random characters).
        notify_keys = [self.format_arn(service="secretsmanager", resource="secret", resource_name=f"{notify_secret_name(council.code)}-??????",
                                       arn_format=ArnFormat.COLON_RESOURCE_NAME)
                       for council in councils if council.notifications.channel is NotificationChannel.NOTIFY]
        for _, _, role in self.functions.needing(Env.NOTIFY_COUNCILS) if notify_keys else ():
            role.add_to_policy(iam.PolicyStatement(actions=["secretsmanager:GetSecretValue"], resources=notify_keys))

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
            dead_letter_queues=[
                self.intake.dead_letter_queue,
                self.intake.delivery_dead_letter_queue,
                self.workflows.print_schedule_dead_letter_queue,
                *self.housekeeping.dead_letter_queues,
                self.print_results_dead_letter_queue,
                *self.lifecycle.dead_letter_queues,
                *self.national_pull.dead_letter_queues,
            ],
            functions=functions,
            state_machines={k.value: sm for k, sm in self.workflows.state_machines.items()},
            rest_apis={"api": self.api.rest_api, "web": self.web.rest_api},
            web_acls={"api": self.api.web_acl, "web": self.web.web_acl},
            tables=[t.table for t in (self.tables.unrouted, self.tables.idempotency, self.tables.badge_numbers,
                                      self.tables.print_batches, self.web.sessions)],
            alarm_email=alarm_email,
        )
        # Accepted adult social care referrals, from the bus to each council's CRM (functions/crm_connector); its two
        # dead-letter queues alarm on their own, and the dashboard shows those alarms with the others.
        self.crm_connector = CrmConnector(self, "CrmConnector", bus=self.intake.bus, connector=functions[CRM_CONNECTOR_FUNCTION.key],
                                          key=key, alarm_topic=self.monitoring.topic)
        self.monitoring.dashboard.add_widgets(
            cw.AlarmStatusWidget(title="Referrals to council CRMs", alarms=self.crm_connector.alarms, width=8, height=3))
        # Hourly, the cases at a person's step checked against their workflow executions (shared/core/logic/reconciler.py).
        self.reconciler = Reconciler(self, "Reconciler", reconciler=functions[RECONCILER_FUNCTION.key], alarm_topic=self.monitoring.topic,
                                     dashboard=self.monitoring.dashboard)
        # Every 15 minutes, each service's open cases near or past their response target, alarmed per service
        # (shared/core/logic/response_watch.py).
        self.response_watch = ResponseWatch(self, "ResponseWatch", watch=functions[RESPONSE_WATCH_FUNCTION.key], councils=councils,
                                            alarm_topic=self.monitoring.topic, dashboard=self.monitoring.dashboard)
        # The service, not only the plumbing: alarms on the print night and the supplier's answers (each council's own
        # alarms are in its shard), and the overview and per-council dashboards of the business metrics.
        self.service_alarms = ServiceAlarms(self, "ServiceAlarms", topic=self.monitoring.topic)
        self.monitoring.dashboard.add_widgets(
            cw.AlarmStatusWidget(title="Print night and supplier results", alarms=self.service_alarms.alarms, width=8, height=3))
        self.service_dashboards = ServiceDashboards(self, "ServiceDashboards", dead_letter_queues=self.monitoring.dead_letter_queues,
                                                    alarms=self.service_alarms.alarms, response_alarms=self.response_watch.alarms)

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
        if spec.key == PRINT_PULL_FUNCTION.key:
            return [(["s3:PutObject"], [SUPPLIER_INBOX])]  # puts the result files it collects where dropped ones land
        # Extracts go only into the supplier's outbox (multipart uploads; HeadObject to resume a run).
        return [(["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"], [SUPPLIER_OUTBOX])]

    def _outputs(self) -> None:
        outputs = {
            "ApiUrl": self.api.rest_api.url,
            "UserPoolId": self.identity.user_pool.user_pool_id,
            "UserPoolClientId": self.identity.client.user_pool_client_id,
            "PartnerUserPoolId": self.partner_identity.user_pool.user_pool_id,
            "PartnerUserPoolClientId": self.partner_identity.client.user_pool_client_id,
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
        evidence = self.get_logical_id(self.buckets.evidence.node.default_child)
        for spec in UNROUTED_PARKING_FUNCTIONS:
            acknowledge(
                self.functions.roles[spec.key],
                f"{NAG}-IAM5[Resource::<{evidence}.Arn>/{UNROUTED_PARKED_FOLDER}*]",
                "Payloads parked for unknown councils are named by their parked id at run time, so the grant covers the "
                "objects under the one unrouted parked folder of the evidence bucket (no council's folder): Get and Put only.",
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
            if spec.key == PRINT_PULL_FUNCTION.key:
                acknowledge(role, f"{NAG}-IAM5[Resource::<{print_drop}.Arn>/{SUPPLIER_INBOX}*]",
                            "The supplier names its result files, so the print pull may put (only put) any object under "
                            "its inbox folder of this one bucket, where the files it collects start the result processing.")
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


def notify_councils(councils: CouncilRegistry) -> str:
    """Env.NOTIFY_COUNCILS: council code -> its GOV.UK Notify settings, for the councils whose channel is NOTIFY (an empty
    JSON object when none is). Template ids only: each council's API key stays in Secrets Manager."""
    settings = {council.code: council.notifications.notify.model_dump(mode="json") for council in councils
                if council.notifications.channel is NotificationChannel.NOTIFY and council.notifications.notify is not None}
    return json.dumps(settings, sort_keys=True)


def crm_endpoints(councils: CouncilRegistry) -> str:
    """Env.CRM_ENDPOINTS: council code -> its CRM endpoint, for the councils whose asc-triage settings name one (an empty
    JSON object when none does). The endpoints name their client secrets; the values stay in Secrets Manager."""
    endpoints: dict = {council.code: crm.model_dump(mode="json") for council in councils
                       if council.runs(ASC_TRIAGE) and (crm := triage_settings(council).crm) is not None}
    # Later services' endpoints sit under their service key (shared.core.domain.crm.crm_endpoints_by_service).
    episodes = {council.code: crm.model_dump(mode="json") for council in councils
                if council.runs(FAMILY_FRONT_DOOR) and (crm := front_door_settings(council).crm) is not None}
    if episodes:
        endpoints[FAMILY_FRONT_DOOR] = episodes
    return json.dumps(endpoints, sort_keys=True)
