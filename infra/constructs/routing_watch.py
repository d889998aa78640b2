"""The ASC routing watch's schedule and its two alarms: referrals near their routing target, and referrals past it
(functions/asc_routing_watch counts them per council every 15 minutes)."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from constructs import Construct

from infra.constructs.functions import METRICS_NAMESPACE
from infra.constructs.monitoring import notifying_alarm
from infra.constructs.schedules import schedule_function
from shared.core.domain.council import CouncilRegistry
from shared.resources import (
    ASC_METRIC_DUE_SOON,
    ASC_METRIC_OVERDUE,
    ASC_ROUTING_WATCH_FUNCTION,
    ASC_ROUTING_WATCH_SCHEDULE,
)
from shared.services.asc_triage import SERVICE_KEY as ASC_TRIAGE
from shared.services.asc_triage.domain.settings import triage_settings

# Two runs of the schedule: a period never goes without data (which would clear the alarm between runs), and Maximum
# reads the larger of the two counts rather than adding them.
ALARM_PERIOD = Duration.minutes(30)


class RoutingWatch(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, watch: lambda_.Function, councils: CouncilRegistry, alarm_topic: sns.ITopic,
        dashboard: cw.Dashboard,
    ) -> None:
        super().__init__(scope, construct_id)
        # No retries and no dead-letter queue, as the reconciler: the referrals stay in the tables and the next run is the retry.
        self.schedule = schedule_function(
            self, "Schedule", function=watch, spec=ASC_ROUTING_WATCH_FUNCTION, expression=ASC_ROUTING_WATCH_SCHEDULE,
            description="Counts the adult social care referrals near or past their routing target, per council",
        ).schedule

        def total(metric_name: str) -> cw.Metric:
            return cw.Metric(namespace=METRICS_NAMESPACE, metric_name=metric_name, period=ALARM_PERIOD, statistic="Maximum",
                             dimensions_map={"service": ASC_ROUTING_WATCH_FUNCTION.function_name})

        self.due_soon_alarm = notifying_alarm(
            self, "DueSoonAlarm", topic=alarm_topic, name="asc-referrals-due-soon", metric=total(ASC_METRIC_DUE_SOON),
            description=f"A referral is within {_warning_hours(councils)} business hours of its routing target and is not yet "
                        "routed: see the front door queue (metric ReferralsDueSoon, dimension council, says which council)",
        )
        self.overdue_alarm = notifying_alarm(
            self, "OverdueAlarm", topic=alarm_topic, name="asc-referrals-overdue", metric=total(ASC_METRIC_OVERDUE),
            description="A referral has passed its routing target and is not yet routed: see the front door queue "
                        "(metric ReferralsOverdue, dimension council, says which council)",
        )
        self.alarms = [self.due_soon_alarm, self.overdue_alarm]
        dashboard.add_widgets(
            cw.AlarmStatusWidget(title="Referral routing clock", alarms=self.alarms, width=8, height=3),
            cw.GraphWidget(title="Referrals near or past their routing target, by council", width=16, height=6,
                           left=[_by_council(ASC_METRIC_DUE_SOON), _by_council(ASC_METRIC_OVERDUE)]),
        )


def _warning_hours(councils: CouncilRegistry) -> str:
    """The councils' warning hours (settings `warn_within_hours`), e.g. "4", or "2 to 4" when they differ."""
    hours = sorted({triage_settings(council).warn_within_hours for council in councils if council.runs(ASC_TRIAGE)})
    if not hours:
        return "the council's warning"
    return f"{hours[0]:g}" if len(hours) == 1 else f"{hours[0]:g} to {hours[-1]:g}"


def _by_council(metric_name: str) -> cw.MathExpression:
    """One line per council, however many: graphs may SEARCH (alarms may not)."""
    return cw.MathExpression(
        expression=f"SEARCH('{{{METRICS_NAMESPACE},council,service}} MetricName=\"{metric_name}\"', 'Maximum', {int(ALARM_PERIOD.to_seconds())})",
        period=ALARM_PERIOD, label=metric_name,
    )
