"""The CRM connector's construct in a bare stack: the rule that sends Referral Accepted events to the function, a
dead-letter queue on each hop (encrypted, TLS only, alarmed), and the secret grant limited to casework/crm/."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from aws_cdk import App, Environment, Stack  # noqa: E402
from aws_cdk import aws_events as events  # noqa: E402
from aws_cdk import aws_kms as kms  # noqa: E402
from aws_cdk import aws_lambda as lambda_  # noqa: E402
from aws_cdk import aws_sns as sns  # noqa: E402
from aws_cdk.assertions import Match, Template  # noqa: E402

from infra.constructs.crm_connector import (  # noqa: E402
    CRM_CONNECTOR_DLQ_NAME,
    CRM_DELIVERY_DLQ_NAME,
    CRM_RULE_NAME,
    FFD_CRM_RULE_NAME,
    DELIVERY_MAX_EVENT_AGE,
    DELIVERY_RETRY_ATTEMPTS,
    CrmConnector,
)
from infra.constructs.monitoring import ASYNC_RETRY_ATTEMPTS  # noqa: E402
from infra.nag import NAG, acknowledge, add_nag_checks  # noqa: E402
from shared.services.asc_triage.domain.crm import REFERRAL_ACCEPTED  # noqa: E402
from shared.services.family_front_door.domain.accepted import CONTACT_ACCEPTED  # noqa: E402

REGION = "eu-west-2"  # the account left open, as `cdk synth` without CDK_DEFAULT_ACCOUNT does


def bare_stack(app: App) -> Stack:
    stack = Stack(app, "Bare", env=Environment(region=REGION))
    connector = lambda_.Function(stack, "Connector", runtime=lambda_.Runtime.PYTHON_3_13, handler="index.handler",
                                 code=lambda_.Code.from_inline("def handler(event, context): pass"))
    CrmConnector(stack, "Crm", bus=events.EventBus(stack, "Bus", event_bus_name="test-bus"), connector=connector,
                 key=kms.Key(stack, "Key", enable_key_rotation=True), alarm_topic=sns.Topic(stack, "Alarms", enforce_ssl=True))
    return stack


@pytest.fixture(scope="module")
def synthesised() -> tuple[Stack, Template]:
    stack = bare_stack(App())
    return stack, Template.from_stack(stack)


def _logical_id(template: Template, resource_type: str, **properties) -> str:
    [(logical_id, _)] = template.find_resources(resource_type, {"Properties": properties} if properties else None).items()
    return logical_id


def _arn(logical_id: str) -> dict:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def test_the_rule_sends_referral_accepted_events_on_the_bus_to_the_connector_with_retries_and_a_dead_letter_queue(synthesised):
    _, template = synthesised
    function = _logical_id(template, "AWS::Lambda::Function")
    delivery_dlq = _logical_id(template, "AWS::SQS::Queue", QueueName=CRM_DELIVERY_DLQ_NAME)
    template.has_resource_properties("AWS::Events::Rule", {
        "Name": CRM_RULE_NAME,
        "EventBusName": {"Ref": _logical_id(template, "AWS::Events::EventBus")},
        "EventPattern": {"source": [REFERRAL_ACCEPTED.source], "detail-type": [REFERRAL_ACCEPTED.detail_type]},
        "Targets": [Match.object_like({
            "Arn": _arn(function),
            "DeadLetterConfig": {"Arn": _arn(delivery_dlq)},
            "RetryPolicy": {"MaximumRetryAttempts": DELIVERY_RETRY_ATTEMPTS,
                            "MaximumEventAgeInSeconds": int(DELIVERY_MAX_EVENT_AGE.to_seconds())},
        })],
    })
    assert DELIVERY_RETRY_ATTEMPTS == 4 and DELIVERY_MAX_EVENT_AGE.to_hours() == 2


def test_failed_invocations_go_to_the_connectors_own_dead_letter_queue(synthesised):
    _, template = synthesised
    function = _logical_id(template, "AWS::Lambda::Function")
    dlq = _logical_id(template, "AWS::SQS::Queue", QueueName=CRM_CONNECTOR_DLQ_NAME)
    template.has_resource_properties("AWS::Lambda::EventInvokeConfig", {
        "FunctionName": {"Ref": function},
        "MaximumRetryAttempts": ASYNC_RETRY_ATTEMPTS,
        "DestinationConfig": {"OnFailure": {"Destination": _arn(dlq)}},
    })


@pytest.mark.parametrize("queue_name", [CRM_DELIVERY_DLQ_NAME, CRM_CONNECTOR_DLQ_NAME])
def test_each_dead_letter_queue_is_encrypted_with_the_key_tls_only_and_alarmed_when_not_empty(synthesised, queue_name):
    _, template = synthesised
    key = _logical_id(template, "AWS::KMS::Key")
    queue = _logical_id(template, "AWS::SQS::Queue", QueueName=queue_name)
    template.has_resource_properties("AWS::SQS::Queue", {
        "QueueName": queue_name, "KmsMasterKeyId": _arn(key), "MessageRetentionPeriod": 14 * 24 * 3600})
    template.has_resource_properties("AWS::SQS::QueuePolicy", {
        "Queues": [{"Ref": queue}],
        "PolicyDocument": {"Statement": Match.array_with([Match.object_like({
            "Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})])},
    })
    template.has_resource_properties("AWS::CloudWatch::Alarm", {
        "AlarmName": f"{queue_name}-not-empty",
        "MetricName": "ApproximateNumberOfMessagesVisible",
        "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}],
        "Threshold": 0,
        "ComparisonOperator": "GreaterThanThreshold",
        "AlarmActions": [{"Ref": _logical_id(template, "AWS::SNS::Topic")}],
    })


def test_eventbridge_may_use_the_key_and_the_delivery_queue_only_for_these_rules(synthesised):
    """The connector's rules, one per service's accepted-case event (adult social care's and the Family Front Door's)."""
    _, template = synthesised

    def rule_arn(name: str) -> dict:
        return {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, f":events:{REGION}:", {"Ref": "AWS::AccountId"}, ":rule/",
                                  {"Ref": _logical_id(template, "AWS::Events::EventBus")}, f"/{name}"]]}
    template.has_resource_properties("AWS::KMS::Key", {"KeyPolicy": {"Statement": Match.array_with([{
        "Sid": "AllowEventBridgeToSendToTheCrmDeliveryDeadLetterQueue",
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
        "Resource": "*",
        "Condition": {"ArnEquals": {"aws:SourceArn": [rule_arn(CRM_RULE_NAME), rule_arn(FFD_CRM_RULE_NAME)]}},
    }])}})
    delivery_dlq = _logical_id(template, "AWS::SQS::Queue", QueueName=CRM_DELIVERY_DLQ_NAME)
    for name in (CRM_RULE_NAME, FFD_CRM_RULE_NAME):
        rule = _logical_id(template, "AWS::Events::Rule", Name=name)
        template.has_resource_properties("AWS::SQS::QueuePolicy", {
            "Queues": [{"Ref": delivery_dlq}],
            "PolicyDocument": {"Statement": Match.array_with([Match.object_like({
                "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage",
                "Condition": {"ArnEquals": {"aws:SourceArn": _arn(rule)}}})])},
        })


def test_the_contact_accepted_rule_sends_to_the_same_connector_with_the_same_retries_and_dead_letter_queue(synthesised):
    _, template = synthesised
    template.has_resource_properties("AWS::Events::Rule", {
        "Name": FFD_CRM_RULE_NAME,
        "EventPattern": {"source": [CONTACT_ACCEPTED.source], "detail-type": [CONTACT_ACCEPTED.detail_type]},
        "Targets": [Match.object_like({
            "Arn": _arn(_logical_id(template, "AWS::Lambda::Function")),
            "DeadLetterConfig": {"Arn": _arn(_logical_id(template, "AWS::SQS::Queue", QueueName=CRM_DELIVERY_DLQ_NAME))},
            "RetryPolicy": {"MaximumRetryAttempts": DELIVERY_RETRY_ATTEMPTS,
                            "MaximumEventAgeInSeconds": int(DELIVERY_MAX_EVENT_AGE.to_seconds())},
        })],
    })


def test_the_connector_reads_only_the_crm_secrets(synthesised):
    _, template = synthesised
    statements = [statement for policy in template.find_resources("AWS::IAM::Policy").values()
                  for statement in policy["Properties"]["PolicyDocument"]["Statement"]]
    secret_statements = [s for s in statements if any(str(a).startswith("secretsmanager:") for a in _listed(s["Action"]))]
    assert secret_statements == [{
        "Effect": "Allow",
        "Action": "secretsmanager:GetSecretValue",
        "Resource": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, f":secretsmanager:{REGION}:", {"Ref": "AWS::AccountId"},
                                       ":secret:casework/crm/*"]]},
    }]


def test_cdk_nag_finds_nothing_unacknowledged_in_the_construct(tmp_path):
    """The secret grant's wildcard is acknowledged under the exact id cdk-nag prints; the dummy function's own findings
    are not the construct's."""
    app = App(outdir=str(tmp_path))
    add_nag_checks(app)
    connector = bare_stack(app).node.find_child("Connector")
    basic_execution_role = "arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    for finding in ("AwsSolutions-L1", f"AwsSolutions-IAM4[Policy::{basic_execution_role}]"):
        acknowledge(connector, f"{NAG}-{finding.removeprefix('AwsSolutions-')}",
                    "A stand-in function for the construct under test, not a deployed one.")
    app.synth()  # raises ValidationFailed on any finding not acknowledged


def _listed(value: object) -> list:
    return value if isinstance(value, list) else [value]
