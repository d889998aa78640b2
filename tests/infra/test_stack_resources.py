"""What the synthesised templates must contain (CDK assertions on the session's one synth): the parent stack's,
and the council shards' nested templates for each council's table and groups."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Match

from infra.constructs.response_watch import watched_services
from infra.dependency_layers import LAMBDA_PYTHON_VERSION
from infra.stack import crm_endpoints
from shared.core.domain.council import CouncilRegistry, load_councils
from shared.resources import (
    API_NAME,
    APPLICATION_SUBMITTED,
    ASC_STEP_FUNCTION,
    CASE_TABLE_LAYOUT,
    CRM_CONNECTOR_FUNCTION,
    EVENT_BUS_NAME,
    FUNCTIONS,
    BADGE_NUMBER_TABLE_NAME,
    IDEMPOTENCY_TABLE_NAME,
    PRINT_BATCH_TABLE_NAME,
    INTAKE_BATCH_SIZE,
    INTAKE_DLQ_NAME,
    INTAKE_MAX_RECEIVE_COUNT,
    INTAKE_QUEUE_NAME,
    INTAKE_RULE_NAME,
    INTAKE_VISIBILITY_TIMEOUT_SECONDS,
    NATIONAL_ADMIN_GROUP,
    PRINT_DISPATCH_SCHEDULE,
    PRINT_DISPATCH_TIMEZONE,
    PRINT_RESULTS_FUNCTION,
    RESULTS_PROCESSED,
    RESULTS_QUARANTINE,
    SUPPLIER_INBOX,
    SUPPLIER_OUTBOX,
    UNROUTED_TABLE_NAME,
    USER_POOL_CLIENT_NAME,
    USER_POOL_NAME,
    WEB_SESSION_TABLE_NAME,
    WORKFLOWS,
    Env,
    Role,
    WorkflowKey,
    council_group,
    team_group,
    council_table_name,
)
from shared.services.asc_triage import SERVICE_KEY as ASC_TRIAGE
from shared.services.asc_triage.domain.crm import CRM_SECRET_PREFIX, CrmEndpoint, crm_endpoints_from_json
from shared.services.asc_triage.domain.settings import triage_settings

pytestmark = pytest.mark.slow

COUNCILS = load_councils()


def app_functions(synthesised) -> dict[str, dict]:
    """Our functions (one per FunctionSpec) by logical id: not CDK's own deploy-time handlers (S3 notifications)."""
    names = {spec.function_name for spec in FUNCTIONS}
    return {key: resource for key, resource in synthesised.resources("AWS::Lambda::Function").items()
            if resource["Properties"].get("FunctionName") in names}


def role_statements(synthesised, role_prefix: str) -> list[dict]:
    return [statement for key, policy in synthesised.resources("AWS::IAM::Policy").items() if key.startswith(role_prefix)
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]]


def _actions(statement: dict) -> list[str]:
    return statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]


def _case_table_properties(table_name: str) -> dict:
    layout = CASE_TABLE_LAYOUT
    return {
        "TableName": table_name,
        "KeySchema": [
            {"AttributeName": layout.partition_key, "KeyType": "HASH"},
            {"AttributeName": layout.sort_key, "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": Match.array_with(
            [
                {
                    "IndexName": index.name,
                    "KeySchema": [
                        {"AttributeName": index.partition_key, "KeyType": "HASH"},
                        {"AttributeName": index.sort_key, "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"} if index.projected is None else
                                  {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(index.projected)},
                }
                for index in layout.indexes
            ]
        ),
        "BillingMode": "PAY_PER_REQUEST",
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": Match.any_value()},
        "DeletionProtectionEnabled": True,
    }


@pytest.mark.parametrize("code", COUNCILS.codes)
def test_one_case_table_per_council_with_the_shared_layout(synthesised, code):
    # In its council shard's nested template, encrypted with the parent's CMK (passed in as a parameter).
    shard = synthesised.shard_of(code)
    shard.template.has_resource(
        "AWS::DynamoDB::Table",
        {
            "Properties": _case_table_properties(council_table_name(code))
            | {"SSESpecification": {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": {"Ref": Match.string_like_regexp("EncryptionKey")}}},
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
        },
    )


def test_the_parent_holds_the_platform_tables_and_the_shards_the_council_tables(synthesised):
    table_names = lambda resources: sorted(r["Properties"]["TableName"] for r in resources.values())  # noqa: E731
    assert table_names(synthesised.resources("AWS::DynamoDB::Table")) == sorted([UNROUTED_TABLE_NAME, IDEMPOTENCY_TABLE_NAME, BADGE_NUMBER_TABLE_NAME, PRINT_BATCH_TABLE_NAME, WEB_SESSION_TABLE_NAME])
    assert table_names(synthesised.shard_resources("AWS::DynamoDB::Table")) == sorted(council_table_name(c) for c in COUNCILS.codes)


def test_unrouted_table_has_the_case_layout(synthesised):
    synthesised.template.has_resource(
        "AWS::DynamoDB::Table",
        {"Properties": _case_table_properties(UNROUTED_TABLE_NAME), "DeletionPolicy": "Retain"},
    )


def test_idempotency_table_keys_on_id_with_ttl(synthesised):
    synthesised.template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "TableName": IDEMPOTENCY_TABLE_NAME,
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "TimeToLiveSpecification": {"AttributeName": "expiration", "Enabled": True},
            "SSESpecification": Match.object_like({"SSEType": "KMS"}),
        },
    )


def test_badge_number_counter_is_retained_and_only_the_workflow_step_may_move_it(synthesised):
    synthesised.template.has_resource(
        "AWS::DynamoDB::Table",
        {"Properties": {"TableName": BADGE_NUMBER_TABLE_NAME, "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]},
         "DeletionPolicy": "Retain"},
    )
    counter_users = [
        name for name, policy in synthesised.resources("AWS::IAM::Policy").items()
        if any("dynamodb:UpdateItem" in _actions(statement) and "BadgeNumbers" in json.dumps(statement["Resource"])
               for statement in policy["Properties"]["PolicyDocument"]["Statement"])
    ]
    assert len(counter_users) == 1 and "WorkflowStep" in counter_users[0]
    # The print results only read where a badge lives (the owner items the order writes).
    [reading] = [statement for statement in role_statements(synthesised, "FunctionsPrintResultsRole")
                 if "BadgeNumbers" in json.dumps(statement["Resource"])]
    assert _actions(reading) == ["dynamodb:GetItem"]


def test_kms_key_rotates(synthesised):
    synthesised.template.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})


def test_buckets_are_private_encrypted_versioned_and_logged(synthesised):
    buckets = synthesised.resources("AWS::S3::Bucket")
    assert len(buckets) == 4  # access logs, evidence, print drop, the web UI's assets (CloudFront's logs: WebLogsStack, us-east-1)
    algorithms = []
    for bucket in buckets.values():
        props = bucket["Properties"]
        assert props["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }
        assert props["VersioningConfiguration"] == {"Status": "Enabled"}
        assert props["LifecycleConfiguration"]["Rules"]
        algorithm = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
        algorithms.append(algorithm["SSEAlgorithm"])
        if algorithm["SSEAlgorithm"] == "aws:kms":
            assert "LoggingConfiguration" in props  # data buckets log to the access-log bucket
    assert sorted(algorithms) == ["AES256", "AES256", "aws:kms", "aws:kms"]
    assert sum("LoggingConfiguration" not in bucket["Properties"] for bucket in buckets.values()) == 1  # all but the access logs
    # every bucket policy denies plain-HTTP access
    for policy in synthesised.resources("AWS::S3::BucketPolicy").values():
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        assert any(s["Effect"] == "Deny" and s.get("Condition", {}).get("Bool") == {"aws:SecureTransport": "false"} for s in statements)


def test_intake_rule_routes_submitted_applications_to_the_queue(synthesised):
    synthesised.template.has_resource_properties("AWS::Events::EventBus", {"Name": EVENT_BUS_NAME})
    synthesised.template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "Name": INTAKE_RULE_NAME,
            "EventPattern": APPLICATION_SUBMITTED.pattern,
            "Targets": [Match.object_like({"Arn": {"Fn::GetAtt": [Match.string_like_regexp("IntakeQueue"), "Arn"]}})],
        },
    )


def test_intake_queue_is_encrypted_with_dlq_redrive(synthesised):
    queues = {r["Properties"]["QueueName"]: (k, r["Properties"]) for k, r in synthesised.resources("AWS::SQS::Queue").items()}
    dlq_id, dlq = queues[INTAKE_DLQ_NAME]
    _, queue = queues[INTAKE_QUEUE_NAME]
    assert queue["VisibilityTimeout"] == INTAKE_VISIBILITY_TIMEOUT_SECONDS
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
        "maxReceiveCount": INTAKE_MAX_RECEIVE_COUNT,
    }
    for props in (queue, dlq):
        assert "KmsMasterKeyId" in props


def test_eventbridge_may_send_to_the_intake_queue(synthesised):
    synthesised.template.has_resource_properties(
        "AWS::SQS::QueuePolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Action": Match.array_with(["sqs:SendMessage"]), "Principal": {"Service": "events.amazonaws.com"}})]
                )
            }
        },
    )
    key_policy = next(iter(synthesised.resources("AWS::KMS::Key").values()))["Properties"]["KeyPolicy"]
    assert any(s.get("Principal") == {"Service": "events.amazonaws.com"} for s in key_policy["Statement"])


def test_ingest_consumes_the_queue_reporting_partial_batch_failures(synthesised):
    synthesised.template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "BatchSize": INTAKE_BATCH_SIZE,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "EventSourceArn": {"Fn::GetAtt": [Match.string_like_regexp("IntakeQueue"), "Arn"]},
        },
    )


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda s: s.key)
def test_function_matches_its_spec(synthesised, spec):
    functions = {r["Properties"]["FunctionName"]: r["Properties"] for r in app_functions(synthesised).values()}
    props = functions[spec.function_name]
    assert props["Handler"] == spec.handler
    assert props["Runtime"] in ("python3.12", "python3.13")
    assert props["Architectures"] == ["arm64"]
    assert props["TracingConfig"] == {"Mode": "Active"}
    # Powertools first, then a layer per DEPENDENCY_LAYERS key the spec names (built from pyproject.toml's pins).
    assert len(props["Layers"]) == 1 + len(spec.all_layers) and ":017000801446:layer:AWSLambdaPowertoolsPythonV3-" in props["Layers"][0]
    variables = props["Environment"]["Variables"]
    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == "Casework"
    assert {"POWERTOOLS_SERVICE_NAME", "LOG_LEVEL"} <= set(variables)
    assert {env.value for env in spec.environment} <= set(variables)
    assert "LoggingConfig" in props


def test_no_function_puts_its_responses_or_errors_in_x_ray(synthesised):
    """Tracer records a handler's response and exception by default: the API's case JSON (names, NI numbers, health
    details) would then sit in X-Ray, outside the platform's encrypted, retained stores."""
    private = synthesised.template.find_resources("AWS::Lambda::Function", {"Properties": {"Environment": {"Variables": Match.object_like(
        {"POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false", "POWERTOOLS_TRACER_CAPTURE_ERROR": "false"})}}})
    assert app_functions(synthesised) and set(private) == set(app_functions(synthesised))


def test_workflow_arns_map_every_workflow_key(synthesised):
    functions = [r["Properties"] for r in app_functions(synthesised).values()]
    with_arns = [f for f in functions if Env.WORKFLOW_ARNS.value in f["Environment"]["Variables"]]
    assert with_arns
    for props in with_arns:
        joined = props["Environment"]["Variables"][Env.WORKFLOW_ARNS.value]["Fn::Join"][1]
        literal = "".join(part if isinstance(part, str) else "ARN" for part in joined)
        assert set(json.loads(literal)) == {key.value for key in WorkflowKey}


def test_functions_share_one_small_code_asset(synthesised):
    keys = {r["Properties"]["Code"]["S3Key"] for r in app_functions(synthesised).values()}
    assert len(keys) == 1
    asset_dir = synthesised.outdir / f"asset.{keys.pop().removesuffix('.zip')}"
    top_level = sorted(p.name for p in asset_dir.iterdir())
    assert top_level == ["functions", "shared", "web"]
    files = [p for p in asset_dir.rglob("*") if p.is_file()]
    # Every module ships with its bytecode for Lambda's Python (a cold start loads it rather than compiling), and no other.
    cache_tag = f"cpython-{LAMBDA_PYTHON_VERSION.replace('.', '')}"
    sources = [p for p in files if p.suffix == ".py"]
    assert {p for p in files if p.suffix == ".pyc"} == {p.parent / "__pycache__" / f"{p.stem}.{cache_tag}.pyc" for p in sources}
    # Only our own source (no vendored library): three services on the engine come to about 2 MB of it.
    assert sum(p.stat().st_size for p in files if p.suffix != ".pyc") < 2_500_000


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.key.value)
def test_state_machines_are_standard_logged_and_traced(synthesised, workflow):
    synthesised.template.has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        {
            "StateMachineName": workflow.state_machine_name,
            "StateMachineType": "STANDARD",
            "LoggingConfiguration": Match.object_like({"Level": "ALL"}),
            "TracingConfiguration": {"Enabled": True},
        },
    )


def test_state_machine_log_groups_are_encrypted(synthesised):
    for name in (w.state_machine_name for w in WORKFLOWS):
        synthesised.template.has_resource_properties(
            "AWS::Logs::LogGroup",
            {"LogGroupName": Match.string_like_regexp(f"{name}$"), "KmsKeyId": Match.any_value(), "RetentionInDays": Match.any_value()},
        )


def test_task_placeholders_are_substituted(synthesised):
    machines = {r["Properties"]["StateMachineName"]: r["Properties"] for r in synthesised.resources("AWS::StepFunctions::StateMachine").values()}
    for workflow in WORKFLOWS:
        text = workflow.definition_path.read_text()
        for placeholder in (p for p in ("WorkflowStepFunctionArn", ASC_STEP_FUNCTION.substitution_key) if "${" + p + "}" in text):
            assert placeholder in machines[workflow.state_machine_name]["DefinitionSubstitutions"]


def test_every_api_method_uses_the_cognito_authorizer(synthesised):
    methods = {key: method for key, method in synthesised.resources("AWS::ApiGateway::Method").items() if key.startswith("ApiRestApi")}
    assert len(methods) == 2  # ANY / and ANY /{proxy+} (the web UI's API: test_web_hosting.py)
    for method in methods.values():
        props = method["Properties"]
        assert props["AuthorizationType"] == "COGNITO_USER_POOLS"
        assert "AuthorizerId" in props and "RequestValidatorId" in props
        assert props["Integration"]["Type"] == "AWS_PROXY"
    synthesised.template.has_resource_properties("AWS::ApiGateway::Authorizer", {"Type": "COGNITO_USER_POOLS"})
    synthesised.template.has_resource_properties("AWS::ApiGateway::RestApi", {"Name": API_NAME})


def test_api_stage_throttles_logs_and_has_a_web_acl(synthesised):
    synthesised.template.has_resource_properties(
        "AWS::ApiGateway::Stage",
        {
            "AccessLogSetting": Match.object_like({"DestinationArn": Match.any_value()}),
            "MethodSettings": [Match.object_like({"ThrottlingRateLimit": Match.any_value(), "ThrottlingBurstLimit": Match.any_value()})],
        },
    )
    synthesised.template.has_resource_properties(
        "AWS::WAFv2::WebACL",
        {
            "Scope": "REGIONAL",
            "Rules": Match.array_with(
                [Match.object_like({"Statement": {"ManagedRuleGroupStatement": Match.object_like({"Name": "AWSManagedRulesCommonRuleSet"})}})]
            ),
        },
    )
    synthesised.template.resource_count_is("AWS::WAFv2::WebACLAssociation", 2)  # the API's and the web UI's


def test_user_pool_and_client(synthesised):
    synthesised.template.has_resource_properties(
        "AWS::Cognito::UserPool",
        {
            "UserPoolName": USER_POOL_NAME,
            "AdminCreateUserConfig": Match.object_like({"AllowAdminCreateUserOnly": True}),
            "MfaConfiguration": "ON",
        },
    )
    synthesised.template.has_resource_properties(
        "AWS::Cognito::UserPoolClient",
        {
            "ClientName": USER_POOL_CLIENT_NAME,
            "GenerateSecret": False,
            "ExplicitAuthFlows": Match.array_with(["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"]),
        },
    )


def test_a_group_per_council_role_and_team_in_the_shards_plus_national_admin_in_the_parent(synthesised):
    names = lambda resources: {r["Properties"]["GroupName"] for r in resources.values()}  # noqa: E731
    assert names(synthesised.resources("AWS::Cognito::UserPoolGroup")) == {NATIONAL_ADMIN_GROUP}
    assert names(synthesised.shard_resources("AWS::Cognito::UserPoolGroup")) == {
        council_group(code, role) for code in COUNCILS.codes for role in Role
    } | {team_group(council.code, team.key) for council in COUNCILS for team in council.teams}
    # Each shard's groups belong to the parent's user pool, whose id the parent passes in as a parameter.
    for group in synthesised.shard_resources("AWS::Cognito::UserPoolGroup").values():
        assert group["Properties"]["UserPoolId"]["Ref"].startswith("referencetoCaseworkIdentityUserPool")


def test_print_schedule_starts_only_the_print_dispatch_workflow(synthesised):
    synthesised.template.has_resource_properties(
        "AWS::Scheduler::Schedule",
        {
            "ScheduleExpression": PRINT_DISPATCH_SCHEDULE,
            "ScheduleExpressionTimezone": PRINT_DISPATCH_TIMEZONE,
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": Match.object_like({"Arn": {"Ref": Match.string_like_regexp("WorkflowsPrintDispatch")}}),
        },
    )
    statements = [
        statement
        for policy in synthesised.resources("AWS::IAM::Policy").values()
        if "PrintDispatchScheduleRole" in json.dumps(policy["Properties"]["Roles"])
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    # Besides starting the print dispatch, it may only put an undeliverable start in its dead-letter queue (and use the key for it).
    [start] = [statement for statement in statements if "states" in json.dumps(statement["Action"])]
    assert start["Action"] == "states:StartExecution"
    assert start["Resource"]["Ref"].startswith("WorkflowsPrintDispatch")
    assert {json.dumps(statement["Action"]).split(":")[0].strip('["') for statement in statements} == {"states", "sqs", "kms"}


def test_alarms_notify_an_encrypted_topic(synthesised):
    synthesised.template.has_resource_properties("AWS::SNS::Topic", {"KmsMasterKeyId": Match.any_value()})
    alarms = synthesised.resources("AWS::CloudWatch::Alarm")
    # Fourteen dead-letter queues (two the CRM connector's, two the national pull's, two the renewal reminders') and the intake age; errors
    # and throttles per function; failed,
    # timed-out and aborted executions per workflow; 5xx of the caseworker API and of the web UI's API; WAF blocks of both
    # regional web ACLs; throttling of the 5 shared tables (each council table's throttling alarm is in its shard); cases
    # the reconciler flags; each watched service's cases near and past their response target (infra/constructs/response_watch.py);
    # the print night and the supplier's results (infra/constructs/service_alarms.py; each council's own service alarms
    # are in its shard).
    assert len(alarms) == 14 + 1 + 2 * len(FUNCTIONS) + 3 * len(WORKFLOWS) + 2 + 2 + 5 + 1 + 2 * len(watched_services()) + 2
    assert {alarm["Properties"]["AlarmName"] for alarm in alarms.values()} >= {"casework-api-5xx", "casework-web-5xx"}
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"]
    synthesised.template.resource_count_is("AWS::CloudWatch::Dashboard", 3)  # operations, service overview, one council


def test_outputs(synthesised):
    assert set(synthesised.template_json["Outputs"]) == {
        "ApiUrl",
        "UserPoolId",
        "UserPoolClientId",
        "PartnerUserPoolId",
        "PartnerUserPoolClientId",
        "EventBusName",
        "EvidenceBucketName",
        "PrintDropBucketName",
        "AccessLogsBucketName",
        "AlarmTopicArn",
        "WebUrl",
    }


def test_api_may_resume_waiting_case_workflows_only(synthesised):
    """The missing-information loop: the API completes the callback task with SendTaskSuccess."""
    statements = [
        statement
        for key, policy in synthesised.resources("AWS::IAM::Policy").items()
        if key.startswith("FunctionsApiRole")
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if "states:SendTaskSuccess" in (statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])
    ]
    assert statements, "the api role cannot resume workflows"
    resumable = json.dumps([statement["Resource"] for statement in statements])
    for workflow in WORKFLOWS:
        logical_id = next(k for k, r in synthesised.resources("AWS::StepFunctions::StateMachine").items()
                          if r["Properties"]["StateMachineName"] == workflow.state_machine_name)
        assert (logical_id in resumable) == (workflow.key is not WorkflowKey.PRINT_DISPATCH), workflow.key


def test_the_api_lists_the_council_staff_of_its_own_user_pool_only(synthesised):
    """A case is given or referred only to the council's staff (StaffDirectory: ListUsersInGroup), on this pool."""
    pool = next(key for key in synthesised.resources("AWS::Cognito::UserPool"))
    granted = [statement["Resource"] for key, policy in synthesised.resources("AWS::IAM::Policy").items()
               if key.startswith("FunctionsApiRole") for statement in policy["Properties"]["PolicyDocument"]["Statement"]
               if "cognito-idp:ListUsersInGroup" in (statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])]
    assert granted == [{"Fn::GetAtt": [pool, "Arn"]}]


def test_files_the_supplier_drops_in_its_inbox_invoke_the_print_results(synthesised):
    [notification] = synthesised.resources("Custom::S3BucketNotifications").values()
    assert notification["Properties"]["BucketName"]["Ref"].startswith("BucketsPrintDrop")
    [target] = notification["Properties"]["NotificationConfiguration"]["LambdaFunctionConfigurations"]
    assert target["Events"] == ["s3:ObjectCreated:*"]
    assert target["Filter"] == {"Key": {"FilterRules": [{"Name": "prefix", "Value": SUPPLIER_INBOX}]}}
    assert target["LambdaFunctionArn"]["Fn::GetAtt"][0].startswith("FunctionsPrintResults")
    synthesised.template.has_resource_properties("AWS::Lambda::Permission", {
        "Principal": "s3.amazonaws.com", "SourceAccount": {"Ref": "AWS::AccountId"},
        "SourceArn": {"Fn::GetAtt": [Match.string_like_regexp("BucketsPrintDrop"), "Arn"]},
        "FunctionName": {"Fn::GetAtt": [Match.string_like_regexp("FunctionsPrintResults"), "Arn"]}})


def test_the_print_results_may_only_read_and_remove_inbox_files_and_write_where_they_are_moved(synthesised):
    statements = role_statements(synthesised, "FunctionsPrintResultsRole")
    by_folder: dict[str, set[str]] = {}
    for statement in statements:
        if not any(action.startswith("s3:") for action in _actions(statement)):
            continue
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        for resource in resources:
            folder = resource["Fn::Join"][1][1] if "Fn::Join" in resource else "(bucket)"
            assert "BucketsPrintDrop" in json.dumps(resource)
            by_folder.setdefault(folder, set()).update(_actions(statement))
    assert by_folder == {
        f"/{SUPPLIER_INBOX}*": {"s3:GetObject", "s3:DeleteObject"},
        f"/{RESULTS_QUARANTINE}*": {"s3:PutObject"},
        f"/{RESULTS_PROCESSED}*": {"s3:PutObject"},
        "(bucket)": {"s3:ListBucket"},
    }
    assert SUPPLIER_OUTBOX not in json.dumps(statements)
    assert "TablesUnrouted" not in json.dumps(statements)  # council tables only
    assert any("ses:SendEmail" in _actions(statement) for statement in statements)
    assert PRINT_RESULTS_FUNCTION.function_name in {r["Properties"]["FunctionName"] for r in app_functions(synthesised).values()}


def _function(synthesised, spec) -> dict:
    [props] = [r["Properties"] for r in app_functions(synthesised).values() if r["Properties"]["FunctionName"] == spec.function_name]
    return props


def test_the_crm_connector_gets_the_councils_crms_from_their_asc_settings_and_a_minute(synthesised):
    props = _function(synthesised, CRM_CONNECTOR_FUNCTION)
    # No council in the config has a CRM yet: an empty JSON object, and the connector skips every referral.
    assert props["Environment"]["Variables"][Env.CRM_ENDPOINTS.value] == crm_endpoints(COUNCILS) == "{}"
    assert "CRM_ALLOW_LOOPBACK_HTTP" not in props["Environment"]["Variables"]  # local runs only
    asc_step = _function(synthesised, ASC_STEP_FUNCTION)
    assert (props["MemorySize"], props["Timeout"], asc_step["MemorySize"], asc_step["Timeout"]) == (512, 60, 512, 30)


def test_the_crm_connector_may_read_only_the_crm_client_secrets(synthesised):
    statements = [statement for statement in role_statements(synthesised, "FunctionsCrmConnectorRole")
                  if any(action.startswith("secretsmanager:") for action in _actions(statement))]
    [read] = statements
    assert _actions(read) == ["secretsmanager:GetSecretValue"]
    assert f':secret:{CRM_SECRET_PREFIX}*"' in json.dumps(read["Resource"])


def test_the_asc_step_may_put_referral_accepted_events_on_the_bus(synthesised):
    statements = role_statements(synthesised, "FunctionsAscStepRole")
    assert any("events:PutEvents" in _actions(statement) for statement in statements)


def test_crm_endpoints_are_those_the_councils_asc_settings_name():
    northshire, valewye = COUNCILS.get("NORTHSHIRE"), COUNCILS.get("VALEWYE")
    endpoint = CrmEndpoint(api_url="https://northshire.crm11.dynamics.com/api/data/v9.2/cw_referrals",
                           token_url="https://login.microsoftonline.com/tenant/oauth2/v2.0/token", client_id="casework",
                           scope="https://northshire.crm11.dynamics.com/.default", secret_name=f"{CRM_SECRET_PREFIX}northshire")
    settings = triage_settings(northshire).model_copy(update={"crm": endpoint})
    connected = northshire.model_copy(update={"services": {**northshire.services, ASC_TRIAGE: settings}})
    assert crm_endpoints_from_json(crm_endpoints(CouncilRegistry([connected, valewye]))) == {"NORTHSHIRE": endpoint}
