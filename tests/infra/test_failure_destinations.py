"""Nothing an event source gives up on is dropped: the intake rule's and the CRM rule's targets, the schedules and the
asynchronously invoked functions each have a dead-letter queue (encrypted, kept 14 days, TLS only, alarmed as soon as it is not empty), and
throttling of functions and tables and requests blocked by the web ACLs raise alarms too."""

from __future__ import annotations

import json

import pytest

from shared.resources import CRM_CONNECTOR_DLQ_NAME, CRM_DELIVERY_DLQ_NAME, CRM_RULE_NAME, FFD_CRM_RULE_NAME, PREFIX
from infra.constructs.monitoring import WAF_BLOCKED_REQUESTS_PER_PERIOD
from shared.resources import (
    ALARM_TOPIC_NAME,
    BADGE_NUMBER_TABLE_NAME,
    CRM_CONNECTOR_FUNCTION,
    FUNCTIONS,
    ERASURE_DLQ_NAME,
    ERASURE_FUNCTION,
    ERASURE_SCHEDULE_DLQ_NAME,
    IDEMPOTENCY_TABLE_NAME,
    INTAKE_DELIVERY_DLQ_NAME,
    INTAKE_DLQ_NAME,
    INTAKE_QUEUE_NAME,
    INTAKE_RULE_NAME,
    NATIONAL_INTAKE_RULE_NAME,
    NATIONAL_PULL_DLQ_NAME,
    NATIONAL_PULL_FUNCTION,
    NATIONAL_PULL_SCHEDULE_DLQ_NAME,
    PRINT_BATCH_TABLE_NAME,
    PRINT_DISPATCH_SCHEDULE_DLQ_NAME,
    PRINT_RESULTS_DLQ_NAME,
    PRINT_RESULTS_FUNCTION,
    REMINDER_SCHEDULE_DLQ_NAME,
    REMINDERS_DLQ_NAME,
    REMINDERS_FUNCTION,
    RENEWAL_REMINDER_SCHEDULE_DLQ_NAME,
    RENEWAL_REMINDERS_DLQ_NAME,
    RENEWAL_REMINDERS_FUNCTION,
    UNROUTED_TABLE_NAME,
    WEB_SESSION_TABLE_NAME,
    WORKFLOWS_BY_KEY,
    WorkflowKey,
    council_table_name,
)
from shared.services.asc_triage.domain.crm import REFERRAL_ACCEPTED
from shared.services.family_front_door.domain.accepted import CONTACT_ACCEPTED

pytestmark = pytest.mark.slow

DEAD_LETTER_QUEUES = (
    INTAKE_DLQ_NAME,
    INTAKE_DELIVERY_DLQ_NAME,
    PRINT_DISPATCH_SCHEDULE_DLQ_NAME,
    REMINDER_SCHEDULE_DLQ_NAME,
    REMINDERS_DLQ_NAME,
    RENEWAL_REMINDER_SCHEDULE_DLQ_NAME,
    RENEWAL_REMINDERS_DLQ_NAME,
    PRINT_RESULTS_DLQ_NAME,
    ERASURE_SCHEDULE_DLQ_NAME,
    ERASURE_DLQ_NAME,
    CRM_DELIVERY_DLQ_NAME,
    CRM_CONNECTOR_DLQ_NAME,
    NATIONAL_PULL_SCHEDULE_DLQ_NAME,
    NATIONAL_PULL_DLQ_NAME,
)
SCHEDULE_DEAD_LETTER_QUEUES = {  # schedule name -> its target's DLQ
    WORKFLOWS_BY_KEY[WorkflowKey.PRINT_DISPATCH].state_machine_name: PRINT_DISPATCH_SCHEDULE_DLQ_NAME,
    REMINDERS_FUNCTION.function_name: REMINDER_SCHEDULE_DLQ_NAME,
    RENEWAL_REMINDERS_FUNCTION.function_name: RENEWAL_REMINDER_SCHEDULE_DLQ_NAME,
    ERASURE_FUNCTION.function_name: ERASURE_SCHEDULE_DLQ_NAME,
    NATIONAL_PULL_FUNCTION.function_name: NATIONAL_PULL_SCHEDULE_DLQ_NAME,
}
ASYNC_DEAD_LETTER_QUEUES = {PRINT_RESULTS_FUNCTION.function_name: PRINT_RESULTS_DLQ_NAME, REMINDERS_FUNCTION.function_name: REMINDERS_DLQ_NAME,
                            ERASURE_FUNCTION.function_name: ERASURE_DLQ_NAME, CRM_CONNECTOR_FUNCTION.function_name: CRM_CONNECTOR_DLQ_NAME,
                            NATIONAL_PULL_FUNCTION.function_name: NATIONAL_PULL_DLQ_NAME,
                            RENEWAL_REMINDERS_FUNCTION.function_name: RENEWAL_REMINDERS_DLQ_NAME}
SHARED_TABLES = (UNROUTED_TABLE_NAME, IDEMPOTENCY_TABLE_NAME, BADGE_NUMBER_TABLE_NAME, PRINT_BATCH_TABLE_NAME, WEB_SESSION_TABLE_NAME)
SENDER_KEY_ACTIONS = {"kms:GenerateDataKey", "kms:Decrypt"}  # what a sender to a KMS-encrypted queue needs


def _queue_ids(synthesised) -> dict[str, str]:
    """Queue name -> logical id."""
    return {r["Properties"]["QueueName"]: k for k, r in synthesised.resources("AWS::SQS::Queue").items()}


def _arn_of(logical_id: str) -> dict:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def _key_arn(synthesised) -> dict:
    return _arn_of(synthesised.stack.get_logical_id(synthesised.stack.key.node.default_child))


def _one(resources: dict[str, dict], **properties) -> tuple[str, dict]:
    [(logical_id, resource)] = [(k, r) for k, r in resources.items() if properties.items() <= r["Properties"].items()]
    return logical_id, resource["Properties"]


def _statements(synthesised, role_ref: dict) -> list[dict]:
    return [
        statement
        for policy in synthesised.resources("AWS::IAM::Policy").values()
        if role_ref in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def _allows(statements: list[dict], actions: set[str], resource: dict) -> bool:
    granted = set()
    for statement in statements:
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        if statement["Effect"] == "Allow" and resource in resources:
            granted |= set(statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])
    return actions <= granted


def _role_of(synthesised, function_name: str) -> dict:
    _, function = _one(synthesised.resources("AWS::Lambda::Function"), FunctionName=function_name)
    return {"Ref": function["Role"]["Fn::GetAtt"][0]}


def _dimensions(alarm: dict) -> dict:
    return {d["Name"]: d["Value"] for d in alarm.get("Dimensions", [])}


def _events_key_statements(synthesised) -> list[dict]:
    [key] = synthesised.resources("AWS::KMS::Key").values()
    return [s for s in key["Properties"]["KeyPolicy"]["Statement"] if s.get("Principal") == {"Service": "events.amazonaws.com"}]


def _only_these_rules_may_send(synthesised, queue_name: str, *rule_ids: str) -> None:
    [policy] = [p["Properties"] for p in synthesised.resources("AWS::SQS::QueuePolicy").values()
                if p["Properties"]["Queues"] == [{"Ref": _queue_ids(synthesised)[queue_name]}]]
    allows = [s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert len(allows) == len(rule_ids)
    for allow, rule_id in zip(allows, rule_ids, strict=True):
        assert allow["Principal"] == {"Service": "events.amazonaws.com"} and allow["Action"] == "sqs:SendMessage"
        assert allow["Condition"] == {"ArnEquals": {"aws:SourceArn": _arn_of(rule_id)}}  # these rules only


def test_the_intake_rule_target_has_a_retry_policy_and_a_dlq_eventbridge_may_send_to(synthesised):
    queues = _queue_ids(synthesised)
    rule_ids = []
    for name in (INTAKE_RULE_NAME, NATIONAL_INTAKE_RULE_NAME):  # our own format's, and the national service's
        rule_id, rule = _one(synthesised.resources("AWS::Events::Rule"), Name=name)
        [target] = rule["Targets"]
        assert target["Arn"] == _arn_of(queues[INTAKE_QUEUE_NAME])
        assert target["DeadLetterConfig"] == {"Arn": _arn_of(queues[INTAKE_DELIVERY_DLQ_NAME])}
        assert target["RetryPolicy"]["MaximumRetryAttempts"] > 0 and target["RetryPolicy"]["MaximumEventAgeInSeconds"] > 0
        rule_ids.append(rule_id)
    _only_these_rules_may_send(synthesised, INTAKE_DELIVERY_DLQ_NAME, *rule_ids)
    # EventBridge encrypts what it sends with the platform key, which its key policy lets it use (same account only).
    [events] = [s for s in _events_key_statements(synthesised) if "aws:SourceAccount" in s["Condition"].get("StringEquals", {})]
    assert SENDER_KEY_ACTIONS <= {a.rstrip("*") for a in events["Action"]}


def test_the_crm_rules_invoke_the_connector_with_a_retry_policy_and_a_dlq_eventbridge_may_send_to(synthesised):
    """One rule per service's accepted-case event (adult social care's, the Family Front Door's), one connector."""
    function_id, _ = _one(synthesised.resources("AWS::Lambda::Function"), FunctionName=CRM_CONNECTOR_FUNCTION.function_name)
    rule_ids = []
    for rule_name, event in ((CRM_RULE_NAME, REFERRAL_ACCEPTED), (FFD_CRM_RULE_NAME, CONTACT_ACCEPTED)):
        rule_id, rule = _one(synthesised.resources("AWS::Events::Rule"), Name=rule_name)
        assert rule["EventPattern"] == event.pattern
        [target] = rule["Targets"]
        assert target["Arn"] == _arn_of(function_id)
        assert target["DeadLetterConfig"] == {"Arn": _arn_of(_queue_ids(synthesised)[CRM_DELIVERY_DLQ_NAME])}
        assert target["RetryPolicy"]["MaximumRetryAttempts"] > 0 and target["RetryPolicy"]["MaximumEventAgeInSeconds"] > 0
        rule_ids.append(rule_id)
    _only_these_rules_may_send(synthesised, CRM_DELIVERY_DLQ_NAME, *rule_ids)
    # The key policy names the rules by their ARNs, spelled out (a reference would make the key depend on a rule).
    [events] = [s for s in _events_key_statements(synthesised) if "ArnEquals" in s["Condition"]]
    assert SENDER_KEY_ACTIONS <= set(events["Action"])
    assert f"/{CRM_RULE_NAME}" in json.dumps(events["Condition"]["ArnEquals"]["aws:SourceArn"])
    assert f"/{FFD_CRM_RULE_NAME}" in json.dumps(events["Condition"]["ArnEquals"]["aws:SourceArn"])


@pytest.mark.parametrize("schedule_name", sorted(SCHEDULE_DEAD_LETTER_QUEUES))
def test_each_schedule_target_has_a_dlq_its_role_may_send_to(synthesised, schedule_name):
    dlq = _queue_ids(synthesised)[SCHEDULE_DEAD_LETTER_QUEUES[schedule_name]]
    _, schedule = _one(synthesised.resources("AWS::Scheduler::Schedule"), Name=schedule_name)
    assert schedule["Target"]["DeadLetterConfig"] == {"Arn": _arn_of(dlq)}
    assert schedule["Target"]["RetryPolicy"]["MaximumRetryAttempts"] > 0
    # Scheduler sends to the DLQ as the target's role: it needs the queue and the queue's key.
    statements = _statements(synthesised, {"Ref": schedule["Target"]["RoleArn"]["Fn::GetAtt"][0]})
    assert _allows(statements, {"sqs:SendMessage"}, _arn_of(dlq))
    assert _allows(statements, SENDER_KEY_ACTIONS, _key_arn(synthesised))


@pytest.mark.parametrize("function_name", sorted(ASYNC_DEAD_LETTER_QUEUES))
def test_asynchronously_invoked_functions_keep_failed_invocations(synthesised, function_name):
    dlq = _queue_ids(synthesised)[ASYNC_DEAD_LETTER_QUEUES[function_name]]
    function_id, _ = _one(synthesised.resources("AWS::Lambda::Function"), FunctionName=function_name)
    _, config = _one(synthesised.resources("AWS::Lambda::EventInvokeConfig"), FunctionName={"Ref": function_id})
    assert config["DestinationConfig"] == {"OnFailure": {"Destination": _arn_of(dlq)}}
    assert config["Qualifier"] == "$LATEST"  # what the S3 notification and the schedule invoke
    assert 0 < config["MaximumRetryAttempts"] <= 2 and config["MaximumEventAgeInSeconds"] > 0
    # Lambda sends the failed invocation's record as the function's role.
    statements = _statements(synthesised, _role_of(synthesised, function_name))
    assert _allows(statements, {"sqs:SendMessage"}, _arn_of(dlq))
    assert _allows(statements, SENDER_KEY_ACTIONS, _key_arn(synthesised))


def _dead_letter_arns(node) -> list:
    """Every value the template dead-letters to: queue redrive targets, target DLQs, on-failure destinations."""
    if isinstance(node, list):
        return [arn for item in node for arn in _dead_letter_arns(item)]
    if not isinstance(node, dict):
        return []
    found = []
    if "deadLetterTargetArn" in node:
        found.append(node["deadLetterTargetArn"])
    if "DeadLetterConfig" in node:
        found.append(node["DeadLetterConfig"]["Arn"])
    if "OnFailure" in node:
        found.append(node["OnFailure"]["Destination"])
    return found + [arn for value in node.values() for arn in _dead_letter_arns(value)]


def test_every_dead_letter_target_is_one_of_the_checked_queues(synthesised):
    # Found from what points at a queue, so that a new DLQ cannot escape the checks below.
    by_arn = {json.dumps(_arn_of(logical_id)): name for name, logical_id in _queue_ids(synthesised).items()}
    targets = [json.dumps(arn) for arn in _dead_letter_arns(synthesised.template_json["Resources"])]
    assert {by_arn.get(arn, arn) for arn in targets} == set(DEAD_LETTER_QUEUES)


@pytest.mark.parametrize("queue_name", DEAD_LETTER_QUEUES)
def test_each_dead_letter_queue_is_encrypted_kept_two_weeks_tls_only_and_alarmed(synthesised, queue_name):
    logical_id = _queue_ids(synthesised)[queue_name]
    queue = synthesised.resources("AWS::SQS::Queue")[logical_id]["Properties"]
    assert queue["KmsMasterKeyId"] == _key_arn(synthesised)
    assert queue["MessageRetentionPeriod"] == 14 * 24 * 3600
    [policy] = [p["Properties"]["PolicyDocument"] for p in synthesised.resources("AWS::SQS::QueuePolicy").values()
                if p["Properties"]["Queues"] == [{"Ref": logical_id}]]
    assert {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}.items() <= next(
        s for s in policy["Statement"] if s["Effect"] == "Deny").items()

    topic = {"Ref": next(iter(synthesised.resources("AWS::SNS::Topic")))}
    [alarm] = [a["Properties"] for a in synthesised.resources("AWS::CloudWatch::Alarm").values()
               if a["Properties"].get("MetricName") == "ApproximateNumberOfMessagesVisible"
               and _dimensions(a["Properties"]) == {"QueueName": {"Fn::GetAtt": [logical_id, "QueueName"]}}]
    # One message waiting is enough.
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanThreshold", 0)
    assert alarm["AlarmActions"] == [topic]


def test_every_function_has_a_throttles_alarm(synthesised):
    functions = {r["Properties"]["FunctionName"]: k for k, r in synthesised.resources("AWS::Lambda::Function").items()
                 if r["Properties"].get("FunctionName")}
    throttled = {_dimensions(a["Properties"])["FunctionName"]["Ref"] for a in synthesised.resources("AWS::CloudWatch::Alarm").values()
                 if a["Properties"].get("MetricName") == "Throttles" and a["Properties"]["Namespace"] == "AWS/Lambda"}
    assert throttled == {functions[spec.function_name] for spec in FUNCTIONS}


def _throttled_tables(resources: dict[str, dict], table_names: dict[str, str]) -> dict[str, dict]:
    """Table name -> its throttling alarm, from alarms whose metric math sums the table's read and write throttle events."""
    by_id = {v: k for k, v in table_names.items()}
    alarms = {}
    for alarm in resources.values():
        metrics = {m["MetricStat"]["Metric"]["MetricName"]: m["MetricStat"]["Metric"]
                   for m in alarm["Properties"].get("Metrics", []) if "MetricStat" in m}
        if set(metrics) == {"ReadThrottleEvents", "WriteThrottleEvents"}:
            [table] = {d["Value"]["Ref"] for metric in metrics.values() for d in metric["Dimensions"]}
            alarms[by_id[table]] = alarm["Properties"]
    return alarms


def test_shared_tables_have_throttling_alarms(synthesised):
    tables = {r["Properties"]["TableName"]: k for k, r in synthesised.resources("AWS::DynamoDB::Table").items()}
    alarms = _throttled_tables(synthesised.resources("AWS::CloudWatch::Alarm"), tables)
    assert set(alarms) == set(SHARED_TABLES)
    topic = {"Ref": next(iter(synthesised.resources("AWS::SNS::Topic")))}
    assert all(alarm["AlarmActions"] == [topic] for alarm in alarms.values())


def test_each_council_table_has_a_throttling_alarm_in_its_shard_notifying_the_alarm_topic(synthesised):
    # CloudWatch alarms cannot SEARCH over the council tables, so each council's table has its own alarm, in its shard.
    [topic] = synthesised.resources("AWS::SNS::Topic").values()
    assert topic["Properties"]["TopicName"] == ALARM_TOPIC_NAME
    councils = synthesised.stack.council_shards.councils
    for shard, template in synthesised.shards.items():
        tables = {r["Properties"]["TableName"]: k for k, r in template.resources("AWS::DynamoDB::Table").items()}
        alarms = _throttled_tables(template.resources("AWS::CloudWatch::Alarm"), tables)
        assert set(alarms) == {council_table_name(code) for code in councils if synthesised.shard_of(code) is template}, shard
        for alarm in alarms.values():
            # The topic by its name (no parameter crosses into the shard): arn:<partition>:sns:<region>:<account>:<name>
            assert alarm["AlarmActions"] == [{"Fn::Join": ["", [
                "arn:", {"Ref": "AWS::Partition"}, f":sns:{synthesised.stack.region}:", {"Ref": "AWS::AccountId"}, f":{ALARM_TOPIC_NAME}",
            ]]}]


def test_each_regional_web_acl_has_a_blocked_requests_alarm(synthesised):
    names = {r["Properties"]["Name"] for r in synthesised.resources("AWS::WAFv2::WebACL").values()}
    assert len(names) == 2  # the caseworker API's and the web UI's API's
    alarmed = {}
    for alarm in synthesised.resources("AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        if props.get("Namespace") == "AWS/WAFV2" and props["MetricName"] == "BlockedRequests":
            dimensions = _dimensions(props)
            assert dimensions["Rule"] == "ALL" and dimensions["Region"] == synthesised.stack.region
            alarmed[dimensions["WebACL"]] = props["Threshold"]
    assert alarmed == dict.fromkeys(names, WAF_BLOCKED_REQUESTS_PER_PERIOD)


def test_the_dashboard_shows_every_alarm_of_the_parent_stack(synthesised):
    # The operations dashboard (the service dashboards of infra/constructs/dashboards.py show figures, not alarms).
    [dashboard] = [d for d in synthesised.resources("AWS::CloudWatch::Dashboard").values() if d["Properties"]["DashboardName"] == PREFIX]
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    alarms = synthesised.resources("AWS::CloudWatch::Alarm")
    assert len(alarms) > len(FUNCTIONS) * 2
    assert [logical_id for logical_id in alarms if f'"{logical_id}", "Arn"' not in body] == []
