"""Alarm topic, alarms and the operations dashboard."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from shared.resources import PREFIX

PERIOD = Duration.minutes(5)
INTAKE_MAX_AGE_SECONDS = 15 * 60  # a submitted application should be picked up within 15 minutes


def _pascal(value: str) -> str:
    return "".join(part.capitalize() for part in value.replace("_", "-").split("-"))


class Monitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        key: kms.IKey,
        intake_queue: sqs.IQueue,
        dead_letter_queue: sqs.IQueue,
        functions: Mapping[str, lambda_.IFunction],
        state_machines: Mapping[str, sfn.IStateMachine],
        rest_apis: Mapping[str, apigw.RestApi],  # alarm-name stem -> API, e.g. {"api": caseworker API, "web": web UI}
        alarm_email: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)

        self.topic = sns.Topic(
            self, "AlarmTopic", topic_name=f"{PREFIX}-alarms", display_name="Casework alarms", master_key=key, enforce_ssl=True
        )
        if alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
        action = cw_actions.SnsAction(self.topic)
        self.alarms: list[cw.Alarm] = []

        def alarm(construct_id: str, name: str, metric: cw.IMetric, description: str, threshold: float = 0) -> None:
            created = cw.Alarm(
                self,
                construct_id,
                alarm_name=f"{PREFIX}-{name}",
                alarm_description=description,
                metric=metric,
                threshold=threshold,
                comparison_operator=cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
                evaluation_periods=1,
                treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
            )
            created.add_alarm_action(action)
            created.add_ok_action(action)
            self.alarms.append(created)

        dlq_depth = dead_letter_queue.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum")
        intake_depth = intake_queue.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum")
        intake_age = intake_queue.metric_approximate_age_of_oldest_message(period=PERIOD, statistic="Maximum")
        alarm("IntakeDlqAlarm", "intake-dlq-not-empty", dlq_depth, "Applications failed intake repeatedly and wait in the DLQ")
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
        for key_name, state_machine in state_machines.items():
            alarm(
                f"{_pascal(key_name)}FailedAlarm",
                f"{key_name}-executions-failed",
                state_machine.metric_failed(period=PERIOD, statistic="Sum"),
                f"Workflow {key_name} has failed executions",
            )
        for stem, rest_api in rest_apis.items():
            alarm(f"{_pascal(stem)}5xxAlarm", f"{stem}-5xx", rest_api.metric_server_error(period=PERIOD, statistic="Sum"),
                  f"{rest_api.rest_api_name} returned server errors")

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
                    graph("Intake DLQ depth", [dlq_depth]),
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
            ],
        )
