"""provision() creates every resource shared/resources.py names, with the same layout."""

import json

import pytest

from infra.local.provision import LOCAL_VISIBILITY_TIMEOUT_SECONDS
from shared.resources import (
    APPLICATION_SUBMITTED,
    CASE_TABLE_LAYOUT,
    DEFAULT_REGION,
    EVENT_BUS_NAME,
    EVIDENCE_BUCKET_LOCAL_NAME,
    FUNCTIONS,
    IDEMPOTENCY_TABLE_LAYOUT,
    IDEMPOTENCY_TABLE_NAME,
    INTAKE_MAX_RECEIVE_COUNT,
    INTAKE_RULE_NAME,
    NATIONAL_ADMIN_GROUP,
    ASC_STEP_FUNCTION,
    FFD_STEP_FUNCTION,
    PRINT_DISPATCH_FUNCTION,
    PRINT_DROP_BUCKET_LOCAL_NAME,
    UNROUTED_TABLE_NAME,
    WORKFLOW_STEP_FUNCTION,
    WORKFLOWS,
    Env,
    Role,
    WorkflowKey,
    council_group,
    team_group,
    council_table_name,
)


@pytest.fixture
def aws(module_stack):
    return module_stack[0]


@pytest.fixture
def resources(module_stack):
    return module_stack[1]


def test_case_tables_per_council_and_unrouted_have_keys_and_gsis(aws, resources, councils):
    dynamodb = aws.client("dynamodb")
    expected_tables = [council_table_name(code) for code in councils.codes] + [UNROUTED_TABLE_NAME]
    assert sorted(resources.council_tables.values()) == sorted(expected_tables[:-1])
    for name in expected_tables:
        table = dynamodb.describe_table(TableName=name)["Table"]
        assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        assert {key["AttributeName"]: key["KeyType"] for key in table["KeySchema"]} == {
            CASE_TABLE_LAYOUT.partition_key: "HASH",
            CASE_TABLE_LAYOUT.sort_key: "RANGE",
        }
        indexes = {index["IndexName"]: index for index in table["GlobalSecondaryIndexes"]}
        assert set(indexes) == {index.name for index in CASE_TABLE_LAYOUT.indexes}
        for spec in CASE_TABLE_LAYOUT.indexes:
            assert [key["AttributeName"] for key in indexes[spec.name]["KeySchema"]] == [spec.partition_key, spec.sort_key]
            assert indexes[spec.name]["Projection"] == ({"ProjectionType": "ALL"} if spec.projected is None else
                                                        {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(spec.projected)})


def test_idempotency_table_has_id_key_and_ttl(aws, resources):
    dynamodb = aws.client("dynamodb")
    table = dynamodb.describe_table(TableName=IDEMPOTENCY_TABLE_NAME)["Table"]
    assert table["KeySchema"] == [{"AttributeName": IDEMPOTENCY_TABLE_LAYOUT.partition_key, "KeyType": "HASH"}]
    ttl = dynamodb.describe_time_to_live(TableName=IDEMPOTENCY_TABLE_NAME)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": IDEMPOTENCY_TABLE_LAYOUT.ttl_attribute}


def test_buckets_and_ses_identities(aws, resources, councils):
    buckets = {bucket["Name"] for bucket in aws.client("s3").list_buckets()["Buckets"]}
    assert {EVIDENCE_BUCKET_LOCAL_NAME, PRINT_DROP_BUCKET_LOCAL_NAME} <= buckets
    identities = aws.client("ses").list_identities(IdentityType="EmailAddress")["Identities"]
    assert sorted(identities) == sorted(str(council.contact.email) for council in councils)


def test_intake_queue_redrives_to_dlq_with_short_local_visibility(aws, resources):
    attributes = aws.client("sqs").get_queue_attributes(QueueUrl=resources.intake_queue_url, AttributeNames=["All"])["Attributes"]
    redrive = json.loads(attributes["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == resources.intake_dlq_arn
    assert int(redrive["maxReceiveCount"]) == INTAKE_MAX_RECEIVE_COUNT
    assert attributes["VisibilityTimeout"] == str(LOCAL_VISIBILITY_TIMEOUT_SECONDS)


def test_rule_matches_application_submitted_and_targets_the_queue(aws, resources):
    events = aws.client("events")
    rule = events.describe_rule(Name=INTAKE_RULE_NAME, EventBusName=EVENT_BUS_NAME)
    assert json.loads(rule["EventPattern"]) == APPLICATION_SUBMITTED.pattern
    targets = events.list_targets_by_rule(Rule=INTAKE_RULE_NAME, EventBusName=EVENT_BUS_NAME)["Targets"]
    assert [target["Arn"] for target in targets] == [resources.intake_queue_arn]


def test_published_event_reaches_the_queue_in_aws_envelope(aws, resources):
    aws.client("events").put_events(
        Entries=[{"EventBusName": EVENT_BUS_NAME, "Source": APPLICATION_SUBMITTED.source,
                  "DetailType": APPLICATION_SUBMITTED.detail_type, "Detail": json.dumps({"application_id": "X1"})}]
    )
    [message] = aws.client("sqs").receive_message(QueueUrl=resources.intake_queue_url)["Messages"]
    envelope = json.loads(message["Body"])
    # "account" is the field moto leaves out without the envelope fix in install_lambda_bridge.
    assert {"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"} <= set(envelope)
    assert envelope["detail"] == {"application_id": "X1"}
    assert envelope["detail-type"] == APPLICATION_SUBMITTED.detail_type


def test_functions_exist_for_every_spec_with_handler_and_environment(aws, resources):
    lambda_client = aws.client("lambda")
    for spec in FUNCTIONS:
        configuration = lambda_client.get_function(FunctionName=spec.function_name)["Configuration"]
        assert configuration["Handler"] == spec.handler
        assert configuration["FunctionArn"] == resources.function_arns[spec.key]
        variables = configuration.get("Environment", {}).get("Variables", {})
        assert set(variables) == {env.value for env in spec.environment}


def test_state_machines_for_every_workflow_call_their_task_function(aws, resources):
    sfn = aws.client("stepfunctions")
    assert set(resources.state_machine_arns) == {workflow.key for workflow in WORKFLOWS}
    for workflow in WORKFLOWS:
        described = sfn.describe_state_machine(stateMachineArn=resources.state_machine_arns[workflow.key])
        assert described["name"] == workflow.state_machine_name
        assert "${" not in described["definition"]
        task_function = {WorkflowKey.PRINT_DISPATCH: PRINT_DISPATCH_FUNCTION, WorkflowKey.ASC_REFERRAL: ASC_STEP_FUNCTION,
                         WorkflowKey.FFD_CONTACT: FFD_STEP_FUNCTION}.get(workflow.key, WORKFLOW_STEP_FUNCTION)
        assert resources.function_arns[task_function.key] in described["definition"]
    assert json.loads(resources.handler_environment()[Env.WORKFLOW_ARNS]) == {key.value: arn for key, arn in resources.state_machine_arns.items()}


def test_user_pool_has_client_and_a_group_per_council_role_and_team(aws, resources, councils):
    cognito = aws.client("cognito-idp")
    groups = {group["GroupName"] for group in cognito.list_groups(UserPoolId=resources.user_pool_id, Limit=60)["Groups"]}
    teams = {team_group(council.code, team.key) for council in councils for team in council.teams}
    assert groups == {council_group(code, role) for code in councils.codes for role in Role} | teams | {NATIONAL_ADMIN_GROUP}
    client = cognito.describe_user_pool_client(UserPoolId=resources.user_pool_id, ClientId=resources.user_pool_client_id)["UserPoolClient"]
    assert "ALLOW_USER_PASSWORD_AUTH" in client["ExplicitAuthFlows"]


def test_handler_environment_is_set_for_in_process_handlers(module_stack):
    _, resources, environ = module_stack
    assert environ[Env.IDEMPOTENCY_TABLE] == IDEMPOTENCY_TABLE_NAME
    assert environ[Env.UNROUTED_TABLE] == UNROUTED_TABLE_NAME
    assert environ[Env.EVIDENCE_BUCKET] == EVIDENCE_BUCKET_LOCAL_NAME
    assert json.loads(environ[Env.WORKFLOW_ARNS]) == json.loads(resources.handler_environment()[Env.WORKFLOW_ARNS])
    assert environ["POWERTOOLS_METRICS_NAMESPACE"] == "Casework"
    assert environ["POWERTOOLS_TRACE_DISABLED"] == "true"
    assert environ["AWS_DEFAULT_REGION"] == DEFAULT_REGION
