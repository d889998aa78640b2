"""Names and shapes of every AWS resource, defined once.

The CDK app (infra/), the handlers (functions/), the local stack and the tests all read these
values; nothing here imports AWS libraries, so the domain can use it too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
STATEMACHINES_DIR = PROJECT_ROOT / "statemachines"
PREFIX = "casework"
DEFAULT_REGION = "eu-west-2"


# ---------------------------------------------------------------- DynamoDB
@dataclass(frozen=True)
class IndexSpec:
    name: str
    partition_key: str
    sort_key: str
    # The non-key attributes the index holds (INCLUDE); None: every attribute (ALL). The CDK app and the local stack
    # both project from here. CloudFormation cannot change a projection in place: a new projection needs a new name.
    projected: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TableLayout:
    """Key schema shared by every council table (single-table design)."""

    partition_key: str = "pk"
    sort_key: str = "sk"
    indexes: tuple[IndexSpec, ...] = ()
    ttl_attribute: str | None = None


# Work queues, each a Query on one index (filters not in an index's key are applied to that Query):
# GSI1: by service and stage, oldest first (also the parked-application queue and the ORDERED badges per print batch).
# GSI2: by assignee; GSI3 and GSI4: stage + one of its service's own queue filters (ServiceSpec.indexed_filters, e.g.
# Blue Badge's application type and eligibility route); GSI6: by the assessor a case is referred to; GSI7: by team
# and stage - all oldest first. GSI5: by stage, highest priority first, then oldest.
# GSI1 holds whole items (ALL): the scheduled jobs read whole cases from it (reminders, statistics, the reconciler),
# and the print queue, parked applications and pending resumes their bodies. The work-queue indexes GSI2-7 hold a case's
# queue row only (shared.core.domain.queue_row: what the queues show) and the attributes a queue Query filters on, so a
# case write costs each of them about one write unit instead of the whole case's, and nothing where no projected
# attribute changed.
QUEUE_ROW_ATTRIBUTE = "row"
QUEUE_FILTERED_ATTRIBUTES = ("service", "stage", "priority", "received_at", "team")  # CaseStore.queue's filters
# The services' queue filters (ServiceSpec.queue_filters): a queue Query may filter on each (tests/unit/test_queue_rows.py).
SERVICE_QUEUE_FILTER_ATTRIBUTES = ("application_type", "route", "recommendation", "referrer_kind")
QUEUE_ROW_PROJECTION = (QUEUE_ROW_ATTRIBUTE, *QUEUE_FILTERED_ATTRIBUTES, *SERVICE_QUEUE_FILTER_ATTRIBUTES)
STAGE_INDEX = IndexSpec(name="gsi1-stage", partition_key="gsi1pk", sort_key="gsi1sk")
ASSIGNEE_INDEX = IndexSpec(name="gsi2-assignee-rows", partition_key="gsi2pk", sort_key="gsi2sk", projected=QUEUE_ROW_PROJECTION)
FILTER_INDEXES = (
    IndexSpec(name="gsi3-filter-a-rows", partition_key="gsi3pk", sort_key="gsi3sk", projected=QUEUE_ROW_PROJECTION),
    IndexSpec(name="gsi4-filter-b-rows", partition_key="gsi4pk", sort_key="gsi4sk", projected=QUEUE_ROW_PROJECTION),
)
PRIORITY_INDEX = IndexSpec(name="gsi5-priority-rows", partition_key="gsi5pk", sort_key="gsi5sk", projected=QUEUE_ROW_PROJECTION)
REFERRAL_INDEX = IndexSpec(name="gsi6-referral-rows", partition_key="gsi6pk", sort_key="gsi6sk", projected=QUEUE_ROW_PROJECTION)
TEAM_INDEX = IndexSpec(name="gsi7-team-rows", partition_key="gsi7pk", sort_key="gsi7sk", projected=QUEUE_ROW_PROJECTION)
# CloudFormation adds at most one GSI to an existing table per deployment: add new indexes one release at a time.
# The "-rows" indexes replaced ALL-projection indexes of the same keys (a projection cannot change in place, so each got a
# new name). An existing deployment migrates in steps, never losing a queue: (1) deploy the code that writes rows while
# the old names are still listed here, and write every case again once so each has its row (python -m
# infra.migrate_queue_rows); (2) add the six "-rows" indexes, one per deployment, waiting for each to be ACTIVE;
# (3) deploy these names (reads move to the new indexes); (4) drop the six old indexes, one per deployment. A new
# deployment creates them as they are here.
# TTL (epoch seconds): DynamoDB removes a record kept only for a while, e.g. an erasure request nobody confirmed.
CASE_TABLE_LAYOUT = TableLayout(
    indexes=(STAGE_INDEX, ASSIGNEE_INDEX, *FILTER_INDEXES, PRIORITY_INDEX, REFERRAL_INDEX, TEAM_INDEX),
    ttl_attribute="expires_at",
)

# Powertools Idempotency's default attribute names; its key is "id".
IDEMPOTENCY_TABLE_LAYOUT = TableLayout(partition_key="id", sort_key="", ttl_attribute="expiration")


COUNCIL_TABLE_PREFIX = f"{PREFIX}-council-"


def tenant_id(council_code: str) -> str:
    """How a council is named in its resources (table name, evidence folder) and in the `council` session tag of its
    scoped credentials, so that one IAM policy variable, ${aws:PrincipalTag/council}, names all of them."""
    return council_code.lower()


# A case's partition in its council's table: the case item, its history, notes, records, owed resumes and reply links
# (and the sort key of each of its search-key items).
CASE_PARTITION_PREFIX = "CASE#"


def case_partition(case_id: str) -> str:
    return f"{CASE_PARTITION_PREFIX}{case_id}"


def council_table_name(council_code: str) -> str:
    return f"{COUNCIL_TABLE_PREFIX}{tenant_id(council_code)}"


# ---------------------------------------------------------------- Tenant-scoped credentials
# Functions that act for a council reach its table and evidence folder only through this role, assumed with the
# session tag COUNCIL_TAG = tenant_id(council): its policy names resources through ${aws:PrincipalTag/council}.
TENANT_ROLE_NAME = f"{PREFIX}-council-data"
COUNCIL_TAG = "council"


# Each council's own resources (its table and its Cognito groups, ~6 per council) live in one of this many
# nested stacks ("shards"), so that no template nears CloudFormation's 500-resource limit: 210 councils
# make 23-30 per shard (at most ~180 resources), and a shard holds ~80 councils before it nears the limit.
# A council's shard is a stable hash of its code alone (council_shard), never its position in the config,
# so adding or removing another council never moves its table to another stack - a move would replace a
# RETAINed table with a fixed name, which fails the deploy. For the same reason NEVER change this number
# once deployed: it would move most councils to a different shard.
COUNCIL_SHARDS = 8


def council_shard(council_code: str) -> int:
    """The shard (0 .. COUNCIL_SHARDS-1) whose nested stack holds this council's resources. SHA-256 rather
    than hash(), which is salted per process for strings."""
    return int(hashlib.sha256(council_code.encode("utf-8")).hexdigest(), 16) % COUNCIL_SHARDS


# Applications whose council is not in this deployment are parked here (same layout as a council table).
UNROUTED_TABLE_NAME = f"{PREFIX}-unrouted-intake"
IDEMPOTENCY_TABLE_NAME = f"{PREFIX}-idempotency"
# One counter for the whole deployment, so badge numbers are unique across councils (shared.services.blue_badge.domain.badge).
BADGE_NUMBER_TABLE_NAME = f"{PREFIX}-badge-numbers"
BADGE_NUMBER_TABLE_LAYOUT = TableLayout(partition_key="id", sort_key="")
# Print batches of the whole deployment (one extract file per batch covers every council).
PRINT_BATCH_TABLE_NAME = f"{PREFIX}-print-batches"
# Sparse: only batches not yet COMPLETE carry its keys, so the next run finds those a dead run left with one Query.
UNFINISHED_BATCH_INDEX = IndexSpec(name="gsi1-unfinished", partition_key="unfinished", sort_key="updated_at")
PRINT_BATCH_TABLE_LAYOUT = TableLayout(partition_key="batch_id", sort_key="", indexes=(UNFINISHED_BATCH_INDEX,))


# ---------------------------------------------------------------- Events and queues
@dataclass(frozen=True)
class EventSpec:
    source: str
    detail_type: str

    @property
    def pattern(self) -> dict:
        return {"source": [self.source], "detail-type": [self.detail_type]}


EVENT_BUS_NAME = f"{PREFIX}-applications"
APPLICATION_SUBMITTED = EventSpec(source="casework.intake", detail_type="Application Submitted")
INTAKE_RULE_NAME = f"{PREFIX}-application-submitted"
# An application in the national service's own format (shared/services/blue_badge/domain/national.py), to the same queue.
NATIONAL_APPLICATION_SUBMITTED = EventSpec(source="casework.intake", detail_type="National Application Submitted")
NATIONAL_INTAKE_RULE_NAME = f"{PREFIX}-national-application-submitted"
INTAKE_QUEUE_NAME = f"{PREFIX}-intake"
INTAKE_DLQ_NAME = f"{PREFIX}-intake-dlq"
# Submitted applications EventBridge could not deliver to the intake queue at all (its retries used up).
INTAKE_DELIVERY_DLQ_NAME = f"{PREFIX}-intake-delivery-dlq"
INTAKE_MAX_RECEIVE_COUNT = 5
INTAKE_VISIBILITY_TIMEOUT_SECONDS = 180
INTAKE_BATCH_SIZE = 10


# ---------------------------------------------------------------- Buckets
EVIDENCE_BUCKET_LOCAL_NAME = f"{PREFIX}-evidence-local"
PRINT_DROP_BUCKET_LOCAL_NAME = f"{PREFIX}-print-drop-local"
# The supplier's folders in the print drop bucket (its SFTP home through AWS Transfer Family is "supplier/").
SUPPLIER_FOLDER = "supplier/"
SUPPLIER_OUTBOX = f"{SUPPLIER_FOLDER}to-supplier/"  # extracts, for the supplier to collect
SUPPLIER_INBOX = f"{SUPPLIER_FOLDER}from-supplier/"  # confirmation and rejection files the supplier drops
RESULTS_QUARANTINE = "quarantine/"  # result files that could not be applied, with the reason (not the supplier's)
RESULTS_PROCESSED = "processed/"  # result files applied, kept as the record of what changed (not the supplier's)
# The client key the print push signs in to the supplier's own SFTP server with (created only when a push is configured).
SUPPLIER_PUSH_KEY_SECRET_NAME = f"{PREFIX}/print-supplier-sftp-key"


# ---------------------------------------------------------------- Environment variables the handlers read
class Env(StrEnum):
    IDEMPOTENCY_TABLE = "IDEMPOTENCY_TABLE"
    UNROUTED_TABLE = "UNROUTED_TABLE"
    EVIDENCE_BUCKET = "EVIDENCE_BUCKET"
    WORKFLOW_ARNS = "WORKFLOW_ARNS"  # JSON object: workflow key -> state machine ARN
    BADGE_NUMBER_TABLE = "BADGE_NUMBER_TABLE"
    PRINT_BATCH_TABLE = "PRINT_BATCH_TABLE"
    PRINT_DROP_BUCKET = "PRINT_DROP_BUCKET"
    WEB_SESSION_TABLE = "WEB_SESSION_TABLE"
    USER_POOL_ID = "USER_POOL_ID"
    WEB_CLIENT_ID = "WEB_CLIENT_ID"  # the user pool app client the web UI signs staff in with
    WEB_BASE_URL = "WEB_BASE_URL"  # where the web UI is reached (links in emails)
    SUPPLIER_PUSH = "SUPPLIER_PUSH"  # JSON of the supplier's own SFTP server (shared.services.blue_badge.adapters.sftp.SftpTarget); empty: no push
    SUPPLIER_PUSH_KEY_SECRET = "SUPPLIER_PUSH_KEY_SECRET"  # the secret holding the push's client private key
    TENANT_ROLE_ARN = "TENANT_ROLE_ARN"  # the role assumed, tagged with one council, to reach that council's data
    EVENT_BUS = "EVENT_BUS"  # the deployment's event bus (events a service puts, e.g. Referral Accepted)
    # JSON: council code -> its CRM endpoint (asc-triage settings `crm`, shared.services.asc_triage.domain.crm.CrmEndpoint);
    # built from the council config at synth, and pointed at the loopback receiver by the local run.
    CRM_ENDPOINTS = "CRM_ENDPOINTS"
    # JSON: council code -> where its applications are pulled from (blue-badge settings `national.pull`,
    # shared.services.blue_badge.domain.settings.NationalPull); built from the council config at synth, pointed at the
    # loopback national API by the local run.
    NATIONAL_PULLS = "NATIONAL_PULLS"
    # JSON: council code -> its GOV.UK Notify settings (council config `notifications.notify`,
    # shared.core.domain.notify.NotifySettings), for the councils whose channel is NOTIFY; built from the council config at
    # synth, pointed at the loopback Notify stand-in by the local run.
    NOTIFY_COUNCILS = "NOTIFY_COUNCILS"
    PARTNER_USER_POOL_ID = "PARTNER_USER_POOL_ID"  # the partner professionals' own user pool (never staff)
    PARTNER_CLIENT_ID = "PARTNER_CLIENT_ID"  # its app client, which the portal signs partners up and in with


# ---------------------------------------------------------------- Workflows
class WorkflowKey(StrEnum):
    APPLICATION = "application"
    REPLACEMENT = "replacement"
    CANCELLATION = "cancellation"
    PRINT_DISPATCH = "print-dispatch"
    ASC_REFERRAL = "asc-referral"
    FFD_CONTACT = "ffd-contact"


@dataclass(frozen=True)
class WorkflowSpec:
    key: WorkflowKey
    definition_file: str
    description: str
    per_case: bool = True  # one execution per case (its steps resume it); False: a scheduled job's workflow

    @property
    def state_machine_name(self) -> str:
        return f"{PREFIX}-{self.key.value}"

    @property
    def definition_path(self) -> Path:
        return STATEMACHINES_DIR / self.definition_file


WORKFLOWS: tuple[WorkflowSpec, ...] = (
    WorkflowSpec(WorkflowKey.APPLICATION, "blue-badge-application.asl.json", "New and renewal Blue Badge applications"),
    WorkflowSpec(WorkflowKey.REPLACEMENT, "blue-badge-replacement.asl.json", "Replacement of a lost, stolen, damaged or undelivered badge"),
    WorkflowSpec(WorkflowKey.CANCELLATION, "blue-badge-cancellation.asl.json", "Cancellation of a badge"),
    WorkflowSpec(WorkflowKey.PRINT_DISPATCH, "print-dispatch.asl.json", "Nightly print batches to the badge supplier", per_case=False),
    WorkflowSpec(WorkflowKey.ASC_REFERRAL, "asc-referral.asl.json", "Adult social care referrals: screening, then routing or signposting"),
    WorkflowSpec(WorkflowKey.FFD_CONTACT, "ffd-contact.asl.json", "Family Front Door contacts: screening, asking the partner, then the outcome"),
)
WORKFLOWS_BY_KEY = {workflow.key: workflow for workflow in WORKFLOWS}

# Blue Badge application type -> the workflow that carries it.
WORKFLOW_FOR_APPLICATION_TYPE = {
    "NEW": WorkflowKey.APPLICATION,
    "RENEW": WorkflowKey.APPLICATION,
    "REPLACE": WorkflowKey.REPLACEMENT,
    "CANCEL": WorkflowKey.CANCELLATION,
}


# ---------------------------------------------------------------- Lambda functions
@dataclass(frozen=True)
class FunctionSpec:
    key: str
    handler: str  # module path, dotted, ending in the handler name
    description: str
    environment: tuple[Env, ...] = field(default_factory=tuple)
    layers: tuple[str, ...] = ()  # keys of DEPENDENCY_LAYERS this function imports, besides CORE_LAYERS

    @property
    def all_layers(self) -> tuple[str, ...]:
        return (*CORE_LAYERS, *self.layers)

    @property
    def function_name(self) -> str:
        return f"{PREFIX}-{self.key}"

    @property
    def substitution_key(self) -> str:
        """Placeholder name for this function's ARN in ASL definitions, e.g. ${WorkflowStepFunctionArn}."""
        return "".join(part.capitalize() for part in self.key.split("-")) + "FunctionArn"


INGEST_FUNCTION = FunctionSpec(
    key="ingest",
    handler="functions.ingest.handler.lambda_handler",
    description="Validates submitted applications from the intake queue and opens cases",
    environment=(Env.UNROUTED_TABLE, Env.WORKFLOW_ARNS, Env.EVIDENCE_BUCKET, Env.TENANT_ROLE_ARN),
)
API_FUNCTION = FunctionSpec(
    key="api",
    handler="functions.api.handler.lambda_handler",
    description="Caseworker REST API",
    # USER_POOL_ID: a case is given or referred only to the council's staff (shared.core.adapters.staff_sign_in.StaffDirectory).
    environment=(Env.IDEMPOTENCY_TABLE, Env.UNROUTED_TABLE, Env.WORKFLOW_ARNS, Env.EVIDENCE_BUCKET, Env.TENANT_ROLE_ARN, Env.USER_POOL_ID),
)
WORKFLOW_STEP_FUNCTION = FunctionSpec(
    key="workflow-step",
    handler="functions.workflow_step.handler.lambda_handler",
    description="Case updates performed by workflow task states",
    environment=(Env.BADGE_NUMBER_TABLE, Env.WEB_BASE_URL, Env.TENANT_ROLE_ARN,  # WEB_BASE_URL: the reply link in the information request
                 Env.NOTIFY_COUNCILS),
    layers=("notify",),
)
REMINDERS_FUNCTION = FunctionSpec(
    key="reminders",
    handler="functions.reminders.handler.lambda_handler",
    description="Daily: reminds applicants before their missing information is due",
    environment=(Env.WEB_BASE_URL, Env.TENANT_ROLE_ARN, Env.NOTIFY_COUNCILS),  # the reply link in the reminder
    layers=("notify",),
)
RENEWAL_REMINDERS_FUNCTION = FunctionSpec(
    key="renewal-reminders",
    handler="functions.renewal_reminders.handler.lambda_handler",
    description="Daily: reminds badge holders, once a badge, to renew 12 weeks before it expires",
    environment=(Env.TENANT_ROLE_ARN, Env.NOTIFY_COUNCILS),  # the badges and cases; the council's channel
    layers=("notify",),
)
PRINT_DISPATCH_FUNCTION = FunctionSpec(
    key="print-dispatch",
    handler="functions.print_dispatch.handler.lambda_handler",
    description="Writes the nightly print extracts, delivers them to the supplier and marks the badges PROCESSED",
    environment=(Env.PRINT_BATCH_TABLE, Env.PRINT_DROP_BUCKET, Env.EVIDENCE_BUCKET, Env.SUPPLIER_PUSH, Env.TENANT_ROLE_ARN),
)
PRINT_PUSH_FUNCTION = FunctionSpec(
    key="print-push",
    handler="functions.print_push.handler.lambda_handler",
    description="Pushes a delivered print extract by SFTP to the supplier's own server (host key pinned)",
    environment=(Env.PRINT_BATCH_TABLE, Env.PRINT_DROP_BUCKET, Env.SUPPLIER_PUSH, Env.SUPPLIER_PUSH_KEY_SECRET),
    layers=("sftp",),
)
PRINT_PULL_FUNCTION = FunctionSpec(
    key="print-pull",
    handler="functions.print_pull.handler.lambda_handler",
    description="Collects the print supplier's result files from its own SFTP server (host key pinned) into its inbox folder",
    environment=(Env.PRINT_DROP_BUCKET, Env.SUPPLIER_PUSH, Env.SUPPLIER_PUSH_KEY_SECRET),
    layers=("sftp",),
)
PRINT_RESULTS_FUNCTION = FunctionSpec(
    key="print-results",
    handler="functions.print_results.handler.lambda_handler",
    description="Applies the print supplier's confirmation and rejection files as they arrive in its inbox folder",
    environment=(Env.BADGE_NUMBER_TABLE, Env.PRINT_DROP_BUCKET, Env.TENANT_ROLE_ARN, Env.NOTIFY_COUNCILS),  # "badge posted"
    layers=("notify",),
)
RESUME_SWEEPER_FUNCTION = FunctionSpec(
    key="resume-sweeper",
    handler="functions.resume_sweeper.handler.lambda_handler",
    description="Every few minutes: resumes the workflows of steps people recorded whose resume Step Functions did not take",
    environment=(Env.TENANT_ROLE_ARN,),  # no WORKFLOW_ARNS: it starts no execution, a task token names its own
)
RECONCILER_FUNCTION = FunctionSpec(
    key="reconciler",
    handler="functions.reconciler.handler.lambda_handler",
    description="Hourly: starts again the case workflows that stopped and flags cases out of step with their workflow",
    environment=(Env.TENANT_ROLE_ARN, Env.WORKFLOW_ARNS),
)
ASC_STEP_FUNCTION = FunctionSpec(
    key="asc-step",
    handler="functions.asc_step.handler.lambda_handler",
    description="Referral updates performed by the adult social care triage workflow's task states",
    environment=(Env.WEB_BASE_URL, Env.TENANT_ROLE_ARN, Env.EVENT_BUS, Env.NOTIFY_COUNCILS),  # the reply link; the Referral Accepted event
    layers=("notify",),
)
FFD_STEP_FUNCTION = FunctionSpec(
    key="ffd-step",
    handler="functions.ffd_step.handler.lambda_handler",
    description="Contact updates performed by the Family Front Door workflow's task states",
    # the portal link; the Contact Accepted event; emails through the council's channel (SES or GOV.UK Notify)
    environment=(Env.WEB_BASE_URL, Env.TENANT_ROLE_ARN, Env.EVENT_BUS, Env.NOTIFY_COUNCILS),
    layers=("notify",),
)
CRM_CONNECTOR_FUNCTION = FunctionSpec(
    key="crm-connector",
    handler="functions.crm_connector.handler.lambda_handler",
    description="Delivers accepted adult social care referrals to the council's CRM and records the CRM's record id",
    environment=(Env.IDEMPOTENCY_TABLE, Env.TENANT_ROLE_ARN, Env.CRM_ENDPOINTS),
)
ERASURE_FUNCTION = FunctionSpec(
    key="erasure",
    handler="functions.erasure.handler.lambda_handler",
    description="Daily: erases the cases (items, search keys, documents) kept past their council's retention period",
    environment=(Env.TENANT_ROLE_ARN, Env.EVIDENCE_BUCKET),
)
WEB_FUNCTION = FunctionSpec(
    key="web",
    handler="functions.web.handler.lambda_handler",
    description="The caseworker web UI and the applicant's reply page (server-rendered GOV.UK Frontend pages)",
    environment=(
        Env.WEB_SESSION_TABLE, Env.USER_POOL_ID, Env.WEB_CLIENT_ID, Env.WEB_BASE_URL, Env.EVIDENCE_BUCKET,
        Env.IDEMPOTENCY_TABLE, Env.UNROUTED_TABLE, Env.WORKFLOW_ARNS, Env.TENANT_ROLE_ARN,
        Env.PARTNER_USER_POOL_ID, Env.PARTNER_CLIENT_ID,  # the partner portal (web/partner_session.py)
        Env.NOTIFY_COUNCILS,  # hub booking confirmations, through the council's channel
    ),
    layers=("web", "notify"),
)
RESPONSE_WATCH_FUNCTION = FunctionSpec(
    key="response-watch",
    handler="functions.response_watch.handler.lambda_handler",
    description="Every 15 minutes: counts, per council and service, the cases near or past their response target (alarmed)",
    environment=(Env.TENANT_ROLE_ARN,),
)
NATIONAL_PULL_FUNCTION = FunctionSpec(
    key="national-pull",
    handler="functions.national_pull.handler.lambda_handler",
    description="Every 15 minutes: pulls each council's new applications from the national Applications API into cases",
    environment=(Env.WORKFLOW_ARNS, Env.EVIDENCE_BUCKET, Env.TENANT_ROLE_ARN, Env.NATIONAL_PULLS),
)
NOTIFY_STATUS_FUNCTION = FunctionSpec(
    key="notify-status",
    handler="functions.notify_status.handler.lambda_handler",
    description="Every 30 minutes: reads back from GOV.UK Notify what became of each Notify council's emails and letters",
    environment=(Env.TENANT_ROLE_ARN, Env.NOTIFY_COUNCILS),  # NOTIFY_COUNCILS: and with it the Notify councils' API keys only
    layers=("notify",),
)
# Cognito's pre-sign-up trigger of the partner pool: admits an email only on its council's agency allow-list (GetItem
# through the council data role).
PARTNER_SIGN_UP_FUNCTION = FunctionSpec(
    key="partner-sign-up",
    handler="functions.partner_sign_up.handler.lambda_handler",
    description="Cognito pre-sign-up trigger: admits a partner professional only from an agency domain the council approved",
    environment=(Env.TENANT_ROLE_ARN,),
)
FUNCTIONS: tuple[FunctionSpec, ...] = (
    INGEST_FUNCTION, API_FUNCTION, WORKFLOW_STEP_FUNCTION, REMINDERS_FUNCTION, RENEWAL_REMINDERS_FUNCTION, PRINT_DISPATCH_FUNCTION,
    PRINT_RESULTS_FUNCTION,
    WEB_FUNCTION, PRINT_PUSH_FUNCTION, PRINT_PULL_FUNCTION, RESUME_SWEEPER_FUNCTION, ERASURE_FUNCTION, RECONCILER_FUNCTION, ASC_STEP_FUNCTION,
    CRM_CONNECTOR_FUNCTION, RESPONSE_WATCH_FUNCTION, NATIONAL_PULL_FUNCTION, PARTNER_SIGN_UP_FUNCTION, NOTIFY_STATUS_FUNCTION,
    FFD_STEP_FUNCTION,
)
# Accepted ASC referrals to each council's CRM: the rule on the bus, and where what could not be delivered waits.
CRM_RULE_NAME = f"{PREFIX}-referral-accepted-to-crm"
# Accepted Family Front Door contacts, to the same connector function (and its dead-letter queues) by a rule of their own.
FFD_CRM_RULE_NAME = f"{PREFIX}-contact-accepted-to-crm"
# Events EventBridge could not hand to the function at all (throttled or failing invocations, its retries used up).
CRM_DELIVERY_DLQ_NAME = f"{PREFIX}-crm-delivery-dlq"
# Invocations that failed on every retry: the CRM refused the token or the record, or stayed down for hours.
CRM_CONNECTOR_DLQ_NAME = f"{PREFIX}-crm-connector-dlq"
# "true" only in local runs, whose stand-in CRM listens on plain http on loopback (infra/local/crm_receiver.py); the
# CDK app never sets it.
CRM_ALLOW_LOOPBACK_HTTP = "CRM_ALLOW_LOOPBACK_HTTP"
# Asynchronous invocations (an S3 event, a scheduled run) that failed on every retry, kept for a person to act on.
PRINT_RESULTS_DLQ_NAME = f"{PREFIX}-print-results-dlq"
REMINDERS_DLQ_NAME = f"{PREFIX}-reminders-dlq"
# Third-party packages a function needs beyond the Powertools layer and the runtime, as Lambda layers
# (infra/dependency_layers.py builds them; the versions are pyproject.toml's pins).
DEPENDENCY_LAYERS: dict[str, tuple[str, ...]] = {
    "web": ("jinja2", "govuk-frontend-jinja"),
    "sftp": ("paramiko",),
    "calendar": ("holidays",),  # the working-day calendar's bank holidays (the data ships inside the package)
    # GOV.UK Notify's client and what it imports, each pinned: installed without dependency resolution (WHOLE_LAYERS),
    # because the client also requires docopt, for a command line it never imports, which PyPI has only as an sdist.
    "notify": ("notifications-python-client", "requests", "PyJWT", "urllib3", "certifi", "idna", "charset-normalizer"),
}
# Layers that list every package they hold (pip installs exactly these, --no-deps).
WHOLE_LAYERS: frozenset[str] = frozenset({"notify"})
# Every function imports the core, whose working-day calendar (shared/core/domain/working_days.py) needs these.
CORE_LAYERS: tuple[str, ...] = ("calendar",)
# ASL files reference these functions by placeholder; the CDK app and the local stack substitute them.
WORKFLOW_TASK_FUNCTIONS: tuple[FunctionSpec, ...] = (
    WORKFLOW_STEP_FUNCTION, PRINT_DISPATCH_FUNCTION, PRINT_PUSH_FUNCTION, ASC_STEP_FUNCTION, FFD_STEP_FUNCTION,
)


def render_definition(workflow: WorkflowSpec, substitutions: dict[str, str]) -> str:
    """Fill ${Placeholders} in an ASL file the way CDK's definition_substitutions does."""
    text = workflow.definition_path.read_text(encoding="utf-8")
    for key, value in substitutions.items():
        text = text.replace("${" + key + "}", value)
    if "${" in text:
        raise ValueError(f"{workflow.definition_file}: unsubstituted placeholder in {text[text.index('${'):][:60]!r}")
    json.loads(text)  # must stay valid JSON
    return text


# ---------------------------------------------------------------- Identity
class Role(StrEnum):
    CASEWORKER = "caseworker"
    TEAM_LEADER = "team-leader"
    ASSESSOR = "assessor"
    READ_ONLY = "read-only"
    COUNCIL_ADMIN = "council-admin"


ROLE_NAMES = {Role.CASEWORKER: "caseworker", Role.TEAM_LEADER: "team leader", Role.ASSESSOR: "assessor",
              Role.READ_ONLY: "read-only", Role.COUNCIL_ADMIN: "council administrator"}


def needs_role(doing: str, roles: tuple[Role, ...]) -> str:
    """What a person refused for want of a role reads: the roles by name, and whom to ask."""
    names = [ROLE_NAMES[role] for role in roles]
    which = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f"{doing[:1].upper()}{doing[1:]} needs the {which} role. Ask your council administrator if you need it."


NATIONAL_ADMIN_GROUP = "national-admin"
USER_POOL_NAME = f"{PREFIX}-staff"
USER_POOL_CLIENT_NAME = f"{PREFIX}-web"
GROUP_SEPARATOR = "--"


def council_group(council_code: str, role: Role) -> str:
    """Cognito group that grants `role` in one council, e.g. NORTHSHIRE--caseworker."""
    return f"{council_code}{GROUP_SEPARATOR}{role.value}"


TEAM_GROUP_MARK = "team"


def team_group(council_code: str, team_key: str) -> str:
    """Cognito group of one team's members in one council, e.g. NORTHSHIRE--team--asc-front-door (roles come from the
    role groups: a team says whose queues a person works, not what they may do)."""
    return f"{council_code}{GROUP_SEPARATOR}{TEAM_GROUP_MARK}{GROUP_SEPARATOR}{team_key}"


# ---------------------------------------------------------------- Schedules and API
SCHEDULE_TIMEZONE = "Europe/London"  # schedules follow UK local time through the clock changes
PRINT_DISPATCH_SCHEDULE = "cron(30 0 * * ? *)"  # 00:30, clear of the 01:00-02:00 clock change
PRINT_DISPATCH_TIMEZONE = SCHEDULE_TIMEZONE
# 07:00: the reminder is waiting in the morning, and the run is clear of the 01:00-02:00 clock change
# (no day skipped or run twice).
REMINDER_SCHEDULE = "cron(0 7 * * ? *)"
# A night's or a morning's run that the scheduler could not start (its retries used up).
PRINT_DISPATCH_SCHEDULE_DLQ_NAME = f"{PREFIX}-print-dispatch-schedule-dlq"
REMINDER_SCHEDULE_DLQ_NAME = f"{PREFIX}-reminders-schedule-dlq"
# 07:15: the renewal reminders, after the information reminders and clear of the 01:00-02:00 clock change.
RENEWAL_REMINDER_SCHEDULE = "cron(15 7 * * ? *)"
RENEWAL_REMINDER_SCHEDULE_DLQ_NAME = f"{PREFIX}-renewal-reminders-schedule-dlq"
RENEWAL_REMINDERS_DLQ_NAME = f"{PREFIX}-renewal-reminders-dlq"
# 03:00: clear of the print run and of the 01:00-02:00 clock change.
ERASURE_SCHEDULE = "cron(0 3 * * ? *)"
ERASURE_SCHEDULE_DLQ_NAME = f"{PREFIX}-erasure-schedule-dlq"
ERASURE_DLQ_NAME = f"{PREFIX}-erasure-dlq"
# Where the supplier runs its own SFTP server: its result files are collected hourly (it writes them once a night); a
# failed run leaves them on its server for the next one.
PRINT_PULL_SCHEDULE = "rate(1 hour)"
# Often enough that a case whose workflow missed a resume is moving again within minutes.
RESUME_SWEEP_SCHEDULE = "rate(5 minutes)"
# Hourly: a stopped workflow is noticed within the hour, and the Queries stay cheap.
RECONCILE_SCHEDULE = "rate(1 hour)"
RECONCILER_METRIC_REPAIRED = "WorkflowsRepaired"  # workflows started again (stopped, or near the one-year limit)
RECONCILER_METRIC_FLAGGED = "CasesOutOfStepWithWorkflow"  # cases flagged for a person: alarmed
# Often enough that the warning comes well inside the last business hours before a response target (a council's warning
# hours must be longer than this: infra/constructs/response_watch.py refuses a shorter one).
RESPONSE_WATCH_EVERY_MINUTES = 15
RESPONSE_WATCH_SCHEDULE = f"rate({RESPONSE_WATCH_EVERY_MINUTES} minutes)"
# The national service's applications reach a council within a quarter of an hour of submission.
NATIONAL_PULL_SCHEDULE = "rate(15 minutes)"
NATIONAL_PULL_SCHEDULE_DLQ_NAME = f"{PREFIX}-national-pull-schedule-dlq"
NATIONAL_PULL_DLQ_NAME = f"{PREFIX}-national-pull-dlq"
# Notify's statuses: an email's is final within minutes, a letter's within a day or two; a failure reaches staff within
# the half hour. A failed run keeps its watermark, so the next run is its retry (no dead-letter queue).
NOTIFY_STATUS_SCHEDULE = "rate(30 minutes)"
# Each council's OAuth client secret for the national Applications API, put there by operators (never in the CDK app).
NATIONAL_API_SECRET_PREFIX = f"{PREFIX}/national-api/"
# "true" only in local runs, whose stand-in national API listens on plain http on loopback (infra/local/national_api.py).
NATIONAL_API_ALLOW_LOOPBACK_HTTP = "NATIONAL_API_ALLOW_LOOPBACK_HTTP"


def national_api_secret_name(council_code: str) -> str:
    return f"{NATIONAL_API_SECRET_PREFIX}{tenant_id(council_code)}"


# Each GOV.UK Notify council's API key (the whole key as Notify shows it: name, service id, secret), put there by
# operators (never in the CDK app); only the functions that send notifications may read it, and only the Notify councils'.
NOTIFY_SECRET_PREFIX = f"{PREFIX}/notify/"
# "true" only in local runs, whose Notify stand-in listens on plain http on loopback (infra/local/notify_api.py).
NOTIFY_ALLOW_LOOPBACK_HTTP = "NOTIFY_ALLOW_LOOPBACK_HTTP"


def notify_secret_name(council_code: str) -> str:
    return f"{NOTIFY_SECRET_PREFIX}{tenant_id(council_code)}"


API_NAME = f"{PREFIX}-api"
API_MAX_BODY_BYTES = 256 * 1024

# ---------------------------------------------------------------- Web UI
WEB_API_NAME = f"{PREFIX}-web"
WEB_SESSION_TABLE_NAME = f"{PREFIX}-web-sessions"
WEB_SESSION_TABLE_LAYOUT = TableLayout(partition_key="pk", sort_key="", ttl_attribute="expires_at")
REPLY_PATH_PREFIX = "/reply/"  # the applicant's public reply pages (their own, lower WAF rate limit)
ASC_PUBLIC_PATH_PREFIX = "/adult-social-care/"  # the public referral form and hub bookings (no sign-in; own WAF rate limit)
WEB_ASSETS_PATH = "/assets/"  # GOV.UK Frontend's and our own CSS, JS, fonts and images (S3 behind CloudFront)
# The partner professionals' portal: its pages (and its own sessions) live under this path, and no other page takes a
# partner's session (web/partner_session.py).
PORTAL_PATH = "/portal"
# The partners' user pool, apart from staff's: self-registration from approved agency domains, email verification, MFA.
PARTNER_USER_POOL_NAME = f"{PREFIX}-partners"
PARTNER_USER_POOL_CLIENT_NAME = f"{PREFIX}-portal"
# The council a partner registered with: an immutable custom attribute set at sign-up (checked by the pre-sign-up
# trigger against that council's allow-list); in tokens as "custom:council".
PARTNER_COUNCIL_ATTRIBUTE = "council"
WEB_MAX_BODY_BYTES = 256 * 1024

# ---------------------------------------------------------------- Monitoring
# Named so that a council shard's alarms can notify it without a reference crossing into the nested stack.
ALARM_TOPIC_NAME = f"{PREFIX}-alarms"
