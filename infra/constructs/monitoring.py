"""Alarm topic, alarms and the operations dashboard; the dead-letter queues where what failed waits for a person."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import jsii
from aws_cdk import Duration, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra.nag import NAG, acknowledge
from shared.resources import ALARM_TOPIC_NAME, COUNCIL_TABLE_PREFIX, PREFIX

PERIOD = Duration.minutes(5)
INTAKE_MAX_AGE_SECONDS = 15 * 60  # a submitted application should be picked up within 15 minutes
# A few blocked requests are routine on a public address (scanners); a burst is an attack, or a rule refusing real users.
WAF_BLOCKED_REQUESTS_PER_PERIOD = 50
DLQ_RETENTION = Duration.days(14)  # the longest SQS keeps a message
# Asynchronous invocations (S3 events, scheduled runs): Lambda's own retries, then the DLQ. The age is Lambda's longest,
# so that an invocation held back by throttling waits rather than being dropped.
ASYNC_RETRY_ATTEMPTS = 2
ASYNC_MAX_EVENT_AGE = Duration.hours(6)


def _pascal(value: str) -> str:
    return "".join(part.capitalize() for part in value.replace("_", "-").split("-"))


def notifying_alarm(
    scope: Construct, construct_id: str, *, topic: sns.ITopic, name: str, metric: cw.IMetric, description: str, threshold: float = 0,
    quiet_periods: int | None = None,
) -> cw.Alarm:
    """Alarm `<PREFIX>-<name>` when the metric exceeds `threshold` in one period, telling `topic` when it fires and
    when it clears. No data means nothing happened: not breaching.

    With `quiet_periods`, the other way round: alarm when the metric stays below `threshold` for that many periods
    in a row, no data counting as nothing (breaching): for what should keep happening (applications, print runs)."""
    alarm = cw.Alarm(
        scope,
        construct_id,
        alarm_name=f"{PREFIX}-{name}",
        alarm_description=description,
        metric=metric,
        threshold=threshold,
        comparison_operator=cw.ComparisonOperator.GREATER_THAN_THRESHOLD if quiet_periods is None
        else cw.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluation_periods=quiet_periods or 1,
        datapoints_to_alarm=quiet_periods,
        treat_missing_data=cw.TreatMissingData.NOT_BREACHING if quiet_periods is None else cw.TreatMissingData.BREACHING,
    )
    action = cw_actions.SnsAction(topic)
    alarm.add_alarm_action(action)
    alarm.add_ok_action(action)
    return alarm


def imported_alarm_topic(scope: Construct) -> sns.ITopic:
    """The alarm topic by its name, for alarms in the council shards: no reference crosses into a nested stack."""
    return sns.Topic.from_topic_arn(scope, "AlarmTopic", Stack.of(scope).format_arn(service="sns", resource=ALARM_TOPIC_NAME))


def table_throttled_alarm(scope: Construct, construct_id: str, *, topic: sns.ITopic, table: dynamodb.Table) -> cw.Alarm:
    """Alarm `<table name>-throttled` on the table's read and write throttle events. (Alarms cannot use SEARCH
    expressions, so each table, council tables included, has its own.)"""
    table_name = table.node.default_child.table_name  # as given: a plain string (table.table_name is a reference)
    return notifying_alarm(
        scope,
        construct_id,
        topic=topic,
        name=f"{table_name.removeprefix(f'{PREFIX}-')}-throttled",
        metric=table_throttle_events(table),
        description=f"DynamoDB throttled requests to {table_name}",
    )


def table_throttle_events(table: dynamodb.ITable) -> cw.MathExpression:
    # Metric ids from the table's construct id: several tables' expressions share one dashboard graph.
    name = table.node.id[0].lower() + table.node.id[1:]
    return cw.MathExpression(
        expression=f"FILL({name}Reads, 0) + FILL({name}Writes, 0)",
        using_metrics={
            f"{name}Reads": table.metric("ReadThrottleEvents", period=PERIOD, statistic="Sum"),
            f"{name}Writes": table.metric("WriteThrottleEvents", period=PERIOD, statistic="Sum"),
        },
        period=PERIOD,
        label=f"{table.node.id} throttle events",
    )


class DeadLetterQueue(Construct):
    """A queue where what failed every retry waits for a person: 14 days, encrypted with the platform key, TLS only.
    `holds` says what waits there, for its alarm (Monitoring alarms on every one as soon as it is not empty)."""

    def __init__(self, scope: Construct, construct_id: str, *, queue_name: str, key: kms.IKey, holds: str) -> None:
        super().__init__(scope, construct_id)
        self.queue_name = queue_name
        self.holds = holds
        self.key = key
        # "Default" keeps the logical id the intake DLQ had before this construct wrapped it.
        self.queue = sqs.Queue(
            self,
            "Default",
            queue_name=queue_name,
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=key,
            enforce_ssl=True,
            retention_period=DLQ_RETENTION,
        )
        acknowledge(
            self.queue,
            f"{NAG}-SQS3",
            "This queue is itself a dead-letter queue (of a queue, an EventBridge target, a schedule or a function's "
            "asynchronous invocations); what lands here is alarmed on and waits for a person, not for another redrive.",
        )

    @property
    def depth(self) -> cw.Metric:
        return self.queue.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum")

    def grant_key_use(self, grantee: iam.IGrantable) -> None:
        """What a sender to this encrypted queue needs of the key, spelled out (CDK's queue grants add kms:ReEncrypt*
        and kms:GenerateDataKey*)."""
        iam.Grant.add_to_principal(grantee=grantee, actions=["kms:GenerateDataKey", "kms:Decrypt"], resource_arns=[self.key.key_arn])

    def keep_failed_invocations(self, function: lambda_.IFunction) -> None:
        """Send the function's asynchronous invocations that fail every retry (or grow too old) here."""
        function.configure_async_invoke(
            on_failure=_QueueDestination(self), retry_attempts=ASYNC_RETRY_ATTEMPTS, max_event_age=ASYNC_MAX_EVENT_AGE
        )


@jsii.implements(lambda_.IDestination)
class _QueueDestination:
    """lambda_destinations.SqsDestination with the narrower grant of DeadLetterQueue.grant_key_use."""

    def __init__(self, dead_letter_queue: DeadLetterQueue) -> None:
        self.dead_letter_queue = dead_letter_queue

    def bind(self, _scope: Construct, fn: lambda_.IFunction, *, type: lambda_.DestinationType | None = None) -> lambda_.DestinationConfig:  # noqa: A002 - jsii's name
        queue = self.dead_letter_queue.queue
        iam.Grant.add_to_principal(grantee=fn, actions=["sqs:SendMessage"], resource_arns=[queue.queue_arn])
        self.dead_letter_queue.grant_key_use(fn)
        return lambda_.DestinationConfig(destination=queue.queue_arn)


class Monitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        key: kms.IKey,
        intake_queue: sqs.IQueue,
        dead_letter_queues: Sequence[DeadLetterQueue],
        functions: Mapping[str, lambda_.IFunction],
        state_machines: Mapping[str, sfn.IStateMachine],
        rest_apis: Mapping[str, apigw.RestApi],  # alarm-name stem -> API, e.g. {"api": caseworker API, "web": web UI}
        web_acls: Mapping[str, wafv2.CfnWebACL],  # alarm-name stem -> regional web ACL (this stack's region)
        tables: Sequence[dynamodb.Table],  # the shared tables; each council shard alarms on its own (councils.py)
        alarm_email: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.dead_letter_queues = list(dead_letter_queues)  # the service dashboards show them too

        self.topic = sns.Topic(
            self, "AlarmTopic", topic_name=ALARM_TOPIC_NAME, display_name="Casework alarms", master_key=key, enforce_ssl=True
        )
        if alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
        self.alarms: list[cw.Alarm] = []

        def alarm(construct_id: str, name: str, metric: cw.IMetric, description: str, threshold: float = 0) -> None:
            self.alarms.append(notifying_alarm(
                self, construct_id, topic=self.topic, name=name, metric=metric, description=description, threshold=threshold))

        intake_depth = intake_queue.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum")
        intake_age = intake_queue.metric_approximate_age_of_oldest_message(period=PERIOD, statistic="Maximum")
        for dlq in dead_letter_queues:
            stem = dlq.queue_name.removeprefix(f"{PREFIX}-")  # e.g. "intake-dlq": alarm casework-intake-dlq-not-empty
            alarm(f"{_pascal(stem)}Alarm", f"{stem}-not-empty", dlq.depth, f"{dlq.holds} wait in {dlq.queue_name}")
        alarm(
            "IntakeAgeAlarm",
            "intake-queue-stale",
            intake_age,
            "The oldest submitted application has waited more than 15 minutes",
            threshold=INTAKE_MAX_AGE_SECONDS,
        )

        for key_name, function in functions.items():
            alarm(
                f"{_pascal(key_name)}ErrorsAlarm",
                f"{key_name}-errors",
                function.metric_errors(period=PERIOD, statistic="Sum"),
                f"Function {key_name} raised errors",
            )
            alarm(
                f"{_pascal(key_name)}ThrottlesAlarm",
                f"{key_name}-throttled",
                function.metric_throttles(period=PERIOD, statistic="Sum"),
                f"Function {key_name} was throttled (account or reserved concurrency used up)",
            )
        for key_name, state_machine in state_machines.items():
            alarm(
                f"{_pascal(key_name)}FailedAlarm",
                f"{key_name}-executions-failed",
                state_machine.metric_failed(period=PERIOD, statistic="Sum"),
                f"Workflow {key_name} has failed executions",
            )
            # A timed-out or aborted execution leaves its case without a workflow: the reconciler restarts it, a person looks why.
            alarm(
                f"{_pascal(key_name)}TimedOutAlarm",
                f"{key_name}-executions-timed-out",
                state_machine.metric_timed_out(period=PERIOD, statistic="Sum"),
                f"Workflow {key_name} has timed-out executions",
            )
            alarm(
                f"{_pascal(key_name)}AbortedAlarm",
                f"{key_name}-executions-aborted",
                state_machine.metric_aborted(period=PERIOD, statistic="Sum"),
                f"Workflow {key_name} has aborted executions",
            )
        for stem, rest_api in rest_apis.items():
            alarm(f"{_pascal(stem)}5xxAlarm", f"{stem}-5xx", rest_api.metric_server_error(period=PERIOD, statistic="Sum"),
                  f"{rest_api.rest_api_name} returned server errors")
        waf_blocked = {stem: _blocked_requests(web_acl) for stem, web_acl in web_acls.items()}
        for stem, blocked in waf_blocked.items():
            alarm(f"{_pascal(stem)}WafBlockedAlarm", f"{stem}-waf-blocked", blocked,
                  f"Web ACL {web_acls[stem].name} blocked more than {WAF_BLOCKED_REQUESTS_PER_PERIOD} requests in 5 minutes",
                  threshold=WAF_BLOCKED_REQUESTS_PER_PERIOD)
        for table in tables:
            self.alarms.append(table_throttled_alarm(self, f"{table.node.id}ThrottledAlarm", topic=self.topic, table=table))

        def graph(title: str, metrics: list[cw.IMetric], width: int = 8) -> cw.GraphWidget:
            return cw.GraphWidget(title=title, left=metrics, width=width, height=6)

        self.dashboard = cw.Dashboard(
            self,
            "Dashboard",
            dashboard_name=PREFIX,
            default_interval=Duration.hours(24),
            widgets=[
                [
                    cw.TextWidget(markdown="# Casework operations", width=24, height=1),
                ],
                [
                    graph("Intake queue depth", [intake_depth]),
                    graph("Intake oldest message age (s)", [intake_age]),
                    graph("Dead-letter queues: messages waiting", [dlq.depth.with_(label=dlq.queue_name) for dlq in dead_letter_queues]),
                ],
                [
                    graph("Lambda errors", [f.metric_errors(period=PERIOD, label=k) for k, f in functions.items()], 12),
                    graph(
                        "Lambda duration p95 (ms)",
                        [f.metric_duration(period=PERIOD, statistic="p95", label=k) for k, f in functions.items()],
                        12,
                    ),
                ],
                [
                    graph(
                        "Workflow executions failed",
                        [m.metric_failed(period=PERIOD, label=k) for k, m in state_machines.items()],
                        12,
                    ),
                    graph(
                        "Workflow executions succeeded",
                        [m.metric_succeeded(period=PERIOD, label=k) for k, m in state_machines.items()],
                        12,
                    ),
                ],
                [
                    graph(
                        "API errors",
                        [metric for stem, rest_api in rest_apis.items() for metric in (
                            rest_api.metric_client_error(period=PERIOD, label=f"{stem} 4xx"),
                            rest_api.metric_server_error(period=PERIOD, label=f"{stem} 5xx"),
                        )],
                    ),
                    graph(
                        "API latency p95 (ms)",
                        [rest_api.metric_latency(period=PERIOD, statistic="p95", label=stem) for stem, rest_api in rest_apis.items()],
                    ),
                    cw.AlarmStatusWidget(title="Alarms", alarms=list(self.alarms), width=8, height=6),
                ],
                [
                    graph("Lambda throttles", [f.metric_throttles(period=PERIOD, label=k) for k, f in functions.items()]),
                    graph("DynamoDB throttle events", [
                        *(table_throttle_events(table) for table in tables),
                        _council_table_throttle_events(),
                    ]),
                    graph("WAF blocked requests", [blocked.with_(label=stem) for stem, blocked in waf_blocked.items()]),
                ],
            ],
        )


def _blocked_requests(web_acl: wafv2.CfnWebACL) -> cw.Metric:
    """Requests a regional web ACL blocked, by all its rules and its default action."""
    return cw.Metric(
        namespace="AWS/WAFV2",
        metric_name="BlockedRequests",
        dimensions_map={"WebACL": web_acl.name, "Rule": "ALL", "Region": Stack.of(web_acl).region},
        period=PERIOD,
        statistic="Sum",
    )


def _council_table_throttle_events() -> cw.MathExpression:
    """Every council table's throttle events, one line each, however many councils: graphs may SEARCH (alarms may not).
    The search terms are the words of the council tables' name prefix ("casework council")."""
    words = " ".join(COUNCIL_TABLE_PREFIX.strip("-").split("-"))
    return cw.MathExpression(
        expression=(
            "SEARCH('{AWS/DynamoDB,TableName} (MetricName=\"ReadThrottleEvents\" OR MetricName=\"WriteThrottleEvents\") "
            f"{words}', 'Sum', {int(PERIOD.to_seconds())})"
        ),
        period=PERIOD,
        label="council tables",
    )
