"""Create, in moto, every resource that shared/resources.py names: the same definitions the CDK app uses.

Works against whatever the boto3 clients point at: `moto.mock_aws(...)` in-process (tests) or a moto
server (`AWS_ENDPOINT_URL`, see __main__). Step Functions execution must already be switched on in
moto when this runs, because moto decides per state machine at creation time whether it executes.
Provisioning expects an empty moto backend; it does not reconcile existing resources.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3

from infra.local.bridge import DEFAULT_TIMEOUT_SECONDS
from infra.local.partner_pool import create_partner_pool
from shared.core.domain.council import CouncilRegistry
from shared.resources import (
    CRM_ALLOW_LOOPBACK_HTTP,
    CRM_RULE_NAME,
    FFD_CRM_RULE_NAME,
    APPLICATION_SUBMITTED,
    NATIONAL_APPLICATION_SUBMITTED,
    NATIONAL_INTAKE_RULE_NAME,
    CASE_TABLE_LAYOUT,
    DEFAULT_REGION,
    EVENT_BUS_NAME,
    EVIDENCE_BUCKET_LOCAL_NAME,
    FUNCTIONS,
    BADGE_NUMBER_TABLE_LAYOUT,
    BADGE_NUMBER_TABLE_NAME,
    PRINT_BATCH_TABLE_LAYOUT,
    PRINT_BATCH_TABLE_NAME,
    IDEMPOTENCY_TABLE_LAYOUT,
    IDEMPOTENCY_TABLE_NAME,
    INTAKE_DLQ_NAME,
    INTAKE_MAX_RECEIVE_COUNT,
    INTAKE_QUEUE_NAME,
    INTAKE_RULE_NAME,
    NATIONAL_ADMIN_GROUP,
    PARTNER_SIGN_UP_FUNCTION,
    PREFIX,
    PRINT_DROP_BUCKET_LOCAL_NAME,
    SUPPLIER_PUSH_KEY_SECRET_NAME,
    TENANT_ROLE_NAME,
    UNROUTED_TABLE_NAME,
    USER_POOL_CLIENT_NAME,
    USER_POOL_NAME,
    WORKFLOW_TASK_FUNCTIONS,
    WORKFLOWS,
    WEB_SESSION_TABLE_LAYOUT,
    WEB_SESSION_TABLE_NAME,
    Env,
    Role,
    TableLayout,
    WorkflowKey,
    council_group,
    team_group,
    council_table_name,
    render_definition,
)
from shared.services.asc_triage.domain.crm import REFERRAL_ACCEPTED, CrmEndpoint
from shared.services.family_front_door.domain.accepted import CONTACT_ACCEPTED

ClientFactory = Callable[[str], Any]

# AWS uses INTAKE_VISIBILITY_TIMEOUT_SECONDS (180 s, six times the function timeout). Locally a failed
# message should come back within seconds, so retries and the move to the DLQ can be watched and tested.
LOCAL_VISIBILITY_TIMEOUT_SECONDS = 2
# The CRM connector's rule: in AWS it invokes the function (Lambda tries an event three times, then its DLQ); moto's
# EventBridge cannot invoke Lambda, so locally the rule sends to this queue and infra.local.pump.EventTargetPump
# invokes the connector with each event, three receives before the queue's DLQ.
CRM_EVENTS_QUEUE_LOCAL_NAME = f"{PREFIX}-crm-connector-events-local"
CRM_EVENTS_DLQ_LOCAL_NAME = f"{PREFIX}-crm-connector-dlq-local"
CRM_ATTEMPTS = 3
# An invocation's whole time (lambda_context's timeout), so that no event is handed to a second invocation while the
# first still runs; Lambda waits a minute and more between its own tries.
CRM_EVENTS_VISIBILITY_SECONDS = int(DEFAULT_TIMEOUT_SECONDS)
DLQ_RETENTION_SECONDS = 14 * 24 * 3600
LAMBDA_RUNTIME = "python3.12"
DEFAULT_LOCAL_WEB_URL = "http://127.0.0.1:8000"
METRICS_NAMESPACE = "Casework"
# One role for the stand-in functions and state machines: moto's Lambda refuses a role that IAM does not
# know, and moto enforces no permissions, so finer roles would only pretend to test IAM.
LOCAL_ROLE_NAME = f"{PREFIX}-local-execution"
_TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": ["lambda.amazonaws.com", "states.amazonaws.com"]},
            "Action": "sts:AssumeRole",
        }
    ],
}


@dataclass(frozen=True)
class LocalResources:
    """Names, URLs and ARNs of what `provision` created; pass it to the pump, HTTP adapter and seed."""

    region: str
    council_tables: dict[str, str]  # council code -> table name
    unrouted_table: str
    idempotency_table: str
    evidence_bucket: str
    print_drop_bucket: str
    event_bus_name: str
    event_bus_arn: str
    intake_rule_name: str
    intake_queue_url: str
    intake_queue_arn: str
    intake_dlq_url: str
    intake_dlq_arn: str
    function_arns: dict[str, str]  # FunctionSpec.key -> ARN
    state_machine_arns: dict[WorkflowKey, str]
    user_pool_id: str
    user_pool_client_id: str
    web_base_url: str
    ses_identities: tuple[str, ...]
    execution_role_arn: str  # the role given to the functions and state machines
    tenant_role_arn: str  # the role the functions assume, tagged with a council, to reach that council's data
    crm_events_queue_url: str
    crm_events_queue_arn: str
    crm_events_dlq_url: str
    supplier_push_target: str = ""  # the supplier's own SFTP server (SftpTarget JSON), if the print push is configured
    crm_endpoints: str = "{}"  # Env.CRM_ENDPOINTS: the councils' CRMs (JSON), if the local run points them at a receiver
    partner_user_pool_id: str = ""  # the Family Front Door portal's partner pool (infra/local/partner_pool.py)
    partner_client_id: str = ""

    def handler_environment(self) -> dict[str, str]:
        return handler_environment(self.state_machine_arns, self.user_pool_id, self.user_pool_client_id, self.web_base_url,
                                   self.tenant_role_arn, self.supplier_push_target, self.crm_endpoints,
                                   partner_pool=(self.partner_user_pool_id, self.partner_client_id))


def handler_environment(
    state_machine_arns: dict[WorkflowKey, str], user_pool_id: str, user_pool_client_id: str, web_base_url: str,
    tenant_role_arn: str, supplier_push_target: str = "", crm_endpoints: str = "{}", partner_pool: tuple[str, str] = ("", ""),
) -> dict[str, str]:
    """Every Env variable, with the values the CDK app gives the functions."""
    return {
        Env.SUPPLIER_PUSH.value: supplier_push_target,
        Env.SUPPLIER_PUSH_KEY_SECRET.value: SUPPLIER_PUSH_KEY_SECRET_NAME if supplier_push_target else "",
        Env.WEB_SESSION_TABLE.value: WEB_SESSION_TABLE_NAME,
        Env.USER_POOL_ID.value: user_pool_id,
        Env.WEB_CLIENT_ID.value: user_pool_client_id,
        Env.WEB_BASE_URL.value: web_base_url,
        Env.IDEMPOTENCY_TABLE.value: IDEMPOTENCY_TABLE_NAME,
        Env.UNROUTED_TABLE.value: UNROUTED_TABLE_NAME,
        Env.EVIDENCE_BUCKET.value: EVIDENCE_BUCKET_LOCAL_NAME,
        Env.WORKFLOW_ARNS.value: json.dumps({key.value: arn for key, arn in state_machine_arns.items()}),
        Env.BADGE_NUMBER_TABLE.value: BADGE_NUMBER_TABLE_NAME,
        Env.PRINT_BATCH_TABLE.value: PRINT_BATCH_TABLE_NAME,
        Env.PRINT_DROP_BUCKET.value: PRINT_DROP_BUCKET_LOCAL_NAME,
        Env.TENANT_ROLE_ARN.value: tenant_role_arn,
        Env.EVENT_BUS.value: EVENT_BUS_NAME,
        Env.CRM_ENDPOINTS.value: crm_endpoints,
        Env.NATIONAL_PULLS.value: "{}",  # no council pulls from the national API unless a local run points one at its stand-in
        Env.NOTIFY_COUNCILS.value: "{}",  # every council on SES unless a local run points one at its Notify stand-in
        Env.PARTNER_USER_POOL_ID.value: partner_pool[0],
        Env.PARTNER_CLIENT_ID.value: partner_pool[1],
    }


def client_factory(session_or_clients: boto3.session.Session | ClientFactory | None = None) -> ClientFactory:
    """A boto3 Session (clients made in DEFAULT_REGION), a `service name -> client` callable, or None."""
    if session_or_clients is None:
        session_or_clients = boto3.session.Session()
    if isinstance(session_or_clients, boto3.session.Session):
        session = session_or_clients
        return lambda service: session.client(service, region_name=DEFAULT_REGION)
    return session_or_clients


def provision(
    session_or_clients: boto3.session.Session | ClientFactory | None,
    councils: CouncilRegistry,
    web_base_url: str = DEFAULT_LOCAL_WEB_URL,
    supplier_push: SupplierPushSettings | None = None,
    crm: CrmSettings | None = None,
) -> LocalResources:
    """Create every resource on moto. web_base_url is where the local web UI listens (links in emails); supplier_push,
    the supplier's own SFTP server the print dispatch pushes extracts to (none: the supplier's folder in S3 only); crm,
    the councils' CRMs the CRM connector delivers accepted referrals to (none: no council has a CRM)."""
    clients = client_factory(session_or_clients)
    role_arn = _create_role(clients("iam"))
    tenant_role_arn = _create_tenant_role(clients("iam"), role_arn)

    dynamodb = clients("dynamodb")
    council_tables = {council.code: council_table_name(council.code) for council in councils}
    for table in council_tables.values():
        _create_table(dynamodb, table, CASE_TABLE_LAYOUT)
    _create_table(dynamodb, UNROUTED_TABLE_NAME, CASE_TABLE_LAYOUT)
    _create_table(dynamodb, IDEMPOTENCY_TABLE_NAME, IDEMPOTENCY_TABLE_LAYOUT)
    _create_table(dynamodb, BADGE_NUMBER_TABLE_NAME, BADGE_NUMBER_TABLE_LAYOUT)
    _create_table(dynamodb, PRINT_BATCH_TABLE_NAME, PRINT_BATCH_TABLE_LAYOUT)
    _create_table(dynamodb, WEB_SESSION_TABLE_NAME, WEB_SESSION_TABLE_LAYOUT)

    s3 = clients("s3")
    for bucket in (EVIDENCE_BUCKET_LOCAL_NAME, PRINT_DROP_BUCKET_LOCAL_NAME):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": DEFAULT_REGION})

    sqs = clients("sqs")
    dlq_url = sqs.create_queue(QueueName=INTAKE_DLQ_NAME, Attributes={"MessageRetentionPeriod": str(DLQ_RETENTION_SECONDS)})["QueueUrl"]
    dlq_arn = _queue_arn(sqs, dlq_url)
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(INTAKE_MAX_RECEIVE_COUNT)}
    queue_url = sqs.create_queue(
        QueueName=INTAKE_QUEUE_NAME,
        Attributes={"VisibilityTimeout": str(LOCAL_VISIBILITY_TIMEOUT_SECONDS), "RedrivePolicy": json.dumps(redrive)},
    )["QueueUrl"]
    queue_arn = _queue_arn(sqs, queue_url)

    # Rule -> queue -> pump -> ingest: moto's EventBridge delivers to SQS (not to Lambda), as the AWS design does.
    events = clients("events")
    bus_arn = events.create_event_bus(Name=EVENT_BUS_NAME)["EventBusArn"]
    events.put_rule(
        Name=INTAKE_RULE_NAME,
        EventBusName=EVENT_BUS_NAME,
        EventPattern=json.dumps(APPLICATION_SUBMITTED.pattern),
        State="ENABLED",
    )
    events.put_targets(Rule=INTAKE_RULE_NAME, EventBusName=EVENT_BUS_NAME, Targets=[{"Id": "intake-queue", "Arn": queue_arn}])
    # Applications in the national service's own format: their own detail-type, the same queue and ingest.
    events.put_rule(Name=NATIONAL_INTAKE_RULE_NAME, EventBusName=EVENT_BUS_NAME,
                    EventPattern=json.dumps(NATIONAL_APPLICATION_SUBMITTED.pattern), State="ENABLED")
    events.put_targets(Rule=NATIONAL_INTAKE_RULE_NAME, EventBusName=EVENT_BUS_NAME, Targets=[{"Id": "intake-queue", "Arn": queue_arn}])
    crm_queue_url, crm_queue_arn, crm_dlq_url = _create_crm_events_queue(sqs, events)

    # State machine ARNs follow from their names, so the functions get WORKFLOW_ARNS in their
    # environment before the state machines (which need the function ARNs) exist, as in the CDK app.
    account = role_arn.split(":")[4]
    state_machine_arns = {workflow.key: _state_machine_arn(account, workflow.state_machine_name) for workflow in WORKFLOWS}
    user_pool_id, client_id = _create_user_pool(clients("cognito-idp"), councils)
    partner_pool_id, partner_client_id, sign_up_trigger_arn = create_partner_pool(clients("cognito-idp"), account)
    supplier_push_target = _configure_supplier_push(clients("secretsmanager"), supplier_push) if supplier_push else ""
    crm_endpoints = _configure_crm(clients("secretsmanager"), crm) if crm else "{}"
    environment = handler_environment(state_machine_arns, user_pool_id, client_id, web_base_url, tenant_role_arn,
                                      supplier_push_target, crm_endpoints, partner_pool=(partner_pool_id, partner_client_id))
    function_arns = _create_functions(clients("lambda"), role_arn, environment)
    if function_arns[PARTNER_SIGN_UP_FUNCTION.key] != sign_up_trigger_arn:
        raise RuntimeError(f"function ARN {function_arns[PARTNER_SIGN_UP_FUNCTION.key]} differs from the partner pool's trigger {sign_up_trigger_arn}")
    sfn = clients("stepfunctions")
    substitutions = {function.substitution_key: function_arns[function.key] for function in WORKFLOW_TASK_FUNCTIONS}
    for workflow in WORKFLOWS:
        created = sfn.create_state_machine(
            name=workflow.state_machine_name,
            definition=render_definition(workflow, substitutions),
            roleArn=role_arn,
            type="STANDARD",
        )["stateMachineArn"]
        if created != state_machine_arns[workflow.key]:
            raise RuntimeError(f"state machine ARN {created} differs from the expected {state_machine_arns[workflow.key]}")

    ses = clients("ses")
    identities = tuple(str(council.contact.email) for council in councils)
    for email in identities:
        ses.verify_email_identity(EmailAddress=email)  # moto verifies at once

    resources = LocalResources(
        region=DEFAULT_REGION,
        council_tables=council_tables,
        unrouted_table=UNROUTED_TABLE_NAME,
        idempotency_table=IDEMPOTENCY_TABLE_NAME,
        evidence_bucket=EVIDENCE_BUCKET_LOCAL_NAME,
        print_drop_bucket=PRINT_DROP_BUCKET_LOCAL_NAME,
        event_bus_name=EVENT_BUS_NAME,
        event_bus_arn=bus_arn,
        intake_rule_name=INTAKE_RULE_NAME,
        intake_queue_url=queue_url,
        intake_queue_arn=queue_arn,
        intake_dlq_url=dlq_url,
        intake_dlq_arn=dlq_arn,
        function_arns=function_arns,
        state_machine_arns=state_machine_arns,
        user_pool_id=user_pool_id,
        user_pool_client_id=client_id,
        web_base_url=web_base_url,
        ses_identities=identities,
        execution_role_arn=role_arn,
        tenant_role_arn=tenant_role_arn,
        crm_events_queue_url=crm_queue_url,
        crm_events_queue_arn=crm_queue_arn,
        crm_events_dlq_url=crm_dlq_url,
        supplier_push_target=supplier_push_target,
        crm_endpoints=crm_endpoints,
        partner_user_pool_id=partner_pool_id,
        partner_client_id=partner_client_id,
    )
    apply_handler_environment(resources)
    return resources


def apply_handler_environment(resources: LocalResources) -> None:
    """Set os.environ as Lambda would for the handlers, which run in this process.

    One process hosts all functions, so the variables are the union of what each function gets.
    """
    os.environ.update(resources.handler_environment())
    os.environ.update(
        {
            "POWERTOOLS_SERVICE_NAME": PREFIX,
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
            "POWERTOOLS_TRACE_DISABLED": "true",  # no X-Ray daemon locally
            "AWS_DEFAULT_REGION": resources.region,
            "AWS_REGION": resources.region,  # Lambda sets both
            CRM_ALLOW_LOOPBACK_HTTP: "true",
        }
    )


@dataclass(frozen=True)
class SupplierPushSettings:
    """The supplier's own SFTP server as the print push sees it: where it is (SftpTarget JSON) and the client key."""

    target_json: str
    client_private_key: str  # held in Secrets Manager, as in AWS


def _configure_supplier_push(secretsmanager: Any, settings: SupplierPushSettings) -> str:
    secretsmanager.create_secret(Name=SUPPLIER_PUSH_KEY_SECRET_NAME, SecretString=settings.client_private_key)
    return settings.target_json


@dataclass(frozen=True)
class CrmSettings:
    """The councils' CRMs as the CRM connector sees them: where each is (council code -> endpoint, in AWS the
    asc-triage settings' `crm`) and the client secret they accept, held in Secrets Manager as in AWS."""

    endpoints: dict[str, CrmEndpoint]
    client_secret: str
    # Later services' endpoints, by service key then council code (shared.core.domain.crm.crm_endpoints_by_service).
    service_endpoints: dict[str, dict[str, CrmEndpoint]] = field(default_factory=dict)


def _configure_crm(secretsmanager: Any, settings: CrmSettings) -> str:
    every = [*settings.endpoints.values(), *(endpoint for by_council in settings.service_endpoints.values() for endpoint in by_council.values())]
    for secret_name in dict.fromkeys(endpoint.secret_name for endpoint in every):  # a council's services may share one
        secretsmanager.create_secret(Name=secret_name, SecretString=settings.client_secret)
    return json.dumps({code: endpoint.model_dump(mode="json") for code, endpoint in settings.endpoints.items()} | {
        service: {code: endpoint.model_dump(mode="json") for code, endpoint in by_council.items()}
        for service, by_council in settings.service_endpoints.items()})


def _create_crm_events_queue(sqs: Any, events: Any) -> tuple[str, str, str]:
    """The CRM connector's rule, sending Referral Accepted events to a queue for its pump: (queue URL, ARN, DLQ URL)."""
    dlq_url = sqs.create_queue(QueueName=CRM_EVENTS_DLQ_LOCAL_NAME,
                               Attributes={"MessageRetentionPeriod": str(DLQ_RETENTION_SECONDS)})["QueueUrl"]
    redrive = {"deadLetterTargetArn": _queue_arn(sqs, dlq_url), "maxReceiveCount": str(CRM_ATTEMPTS)}
    queue_url = sqs.create_queue(
        QueueName=CRM_EVENTS_QUEUE_LOCAL_NAME,
        Attributes={"VisibilityTimeout": str(CRM_EVENTS_VISIBILITY_SECONDS), "RedrivePolicy": json.dumps(redrive)},
    )["QueueUrl"]
    queue_arn = _queue_arn(sqs, queue_url)
    for rule_name, event in ((CRM_RULE_NAME, REFERRAL_ACCEPTED), (FFD_CRM_RULE_NAME, CONTACT_ACCEPTED)):  # as HAND_OVER_RULES
        events.put_rule(Name=rule_name, EventBusName=EVENT_BUS_NAME, EventPattern=json.dumps(event.pattern), State="ENABLED")
        events.put_targets(Rule=rule_name, EventBusName=EVENT_BUS_NAME, Targets=[{"Id": "crm-connector-events", "Arn": queue_arn}])
    return queue_url, queue_arn, dlq_url


def _create_role(iam: Any) -> str:
    return iam.create_role(RoleName=LOCAL_ROLE_NAME, AssumeRolePolicyDocument=json.dumps(_TRUST_POLICY))["Role"]["Arn"]


def _create_tenant_role(iam: Any, execution_role_arn: str) -> str:
    """The role the handlers assume with a council's session tag. moto's STS hands out the session and its
    credentials as AWS would; it does not evaluate the role's policy (tests/infra/test_tenant_isolation.py does)."""
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": execution_role_arn}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]}
    return iam.create_role(RoleName=TENANT_ROLE_NAME, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]


def _create_table(dynamodb: Any, name: str, layout: TableLayout) -> None:
    key_schema = [{"AttributeName": layout.partition_key, "KeyType": "HASH"}]
    if layout.sort_key:
        key_schema.append({"AttributeName": layout.sort_key, "KeyType": "RANGE"})
    attributes = [layout.partition_key, layout.sort_key]
    indexes = []
    for index in layout.indexes:
        attributes += [index.partition_key, index.sort_key]
        indexes.append(
            {
                "IndexName": index.name,
                "KeySchema": [
                    {"AttributeName": index.partition_key, "KeyType": "HASH"},
                    {"AttributeName": index.sort_key, "KeyType": "RANGE"},
                ],
                "Projection": ({"ProjectionType": "ALL"} if index.projected is None
                               else {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(index.projected)}),
            }
        )
    definitions = [{"AttributeName": name_, "AttributeType": "S"} for name_ in dict.fromkeys(attributes) if name_]
    extra = {"GlobalSecondaryIndexes": indexes} if indexes else {}
    dynamodb.create_table(TableName=name, KeySchema=key_schema, AttributeDefinitions=definitions, BillingMode="PAY_PER_REQUEST", **extra)
    if layout.ttl_attribute:
        dynamodb.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": layout.ttl_attribute}
        )


def _queue_arn(sqs: Any, queue_url: str) -> str:
    return sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def _state_machine_arn(account: str, name: str) -> str:
    return f"arn:aws:states:{DEFAULT_REGION}:{account}:stateMachine:{name}"


def _placeholder_zip() -> bytes:
    """Code for moto's function record only: infra.local.bridge runs the real handler from this repository."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.txt", "Local stand-in; the handler named by Handler is imported from the repository.\n")
    return buffer.getvalue()


def _create_functions(lambda_client: Any, role_arn: str, environment: dict[str, str]) -> dict[str, str]:
    code = _placeholder_zip()
    arns: dict[str, str] = {}
    for function in FUNCTIONS:
        arns[function.key] = lambda_client.create_function(
            FunctionName=function.function_name,
            Runtime=LAMBDA_RUNTIME,
            Role=role_arn,
            Handler=function.handler,
            Code={"ZipFile": code},
            Description=function.description,
            Environment={"Variables": {env.value: environment[env.value] for env in function.environment}},
        )["FunctionArn"]
    return arns


def _create_user_pool(cognito: Any, councils: CouncilRegistry) -> tuple[str, str]:
    pool_id = cognito.create_user_pool(
        PoolName=USER_POOL_NAME,
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},  # staff accounts only, no self sign-up
        AutoVerifiedAttributes=["email"],
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=USER_POOL_CLIENT_NAME,
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        # Cognito puts every readable attribute in the ID token when ReadAttributes is unset; moto puts none,
        # so name the ones the API reads (the email is the caller's user name).
        ReadAttributes=["email", "email_verified"],
    )["UserPoolClient"]["ClientId"]
    for council in councils:
        for role in Role:
            cognito.create_group(
                UserPoolId=pool_id, GroupName=council_group(council.code, role), Description=f"{council.name}: {role.value}"
            )
        for team in council.teams:
            cognito.create_group(UserPoolId=pool_id, GroupName=team_group(council.code, team.key),
                                 Description=f"{council.name}: {team.name} team")
    cognito.create_group(UserPoolId=pool_id, GroupName=NATIONAL_ADMIN_GROUP, Description="National administrators")
    return pool_id, client_id
