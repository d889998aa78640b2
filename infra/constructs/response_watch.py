"""The response watch's schedule and, for every service that declares response targets (ServiceSpec.response_watch),
its two alarms: cases near their target (fired before it is missed), and cases past it (functions/response_watch counts
them per council and service every 15 minutes). Generated from the service registry: a new service with targets gets
its alarms by declaring them, nothing here names a service."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from constructs import Construct

from infra.constructs.dashboards import response_target_lines
from infra.constructs.monitoring import notifying_alarm
from infra.constructs.schedules import schedule_function
from infra.constructs.service_alarms import RunbookSection, business_metric
from shared.core.domain.council import CouncilRegistry
from shared.core.domain.metrics import CASES_DUE_SOON, CASES_OVERDUE
from shared.core.domain.services import ServiceSpec
from shared.resources import PREFIX, RESPONSE_WATCH_EVERY_MINUTES, RESPONSE_WATCH_FUNCTION, RESPONSE_WATCH_SCHEDULE
from shared.services.registry import SERVICES

# Two runs of the schedule: a period never goes without data (which would clear the alarm between runs), and Maximum
# reads the larger of the two counts rather than adding them.
ALARM_PERIOD = Duration.minutes(2 * RESPONSE_WATCH_EVERY_MINUTES)
RESPONSE_TARGETS = RunbookSection("Cases near or past their response target")
DUE_SOON_ALARM = "cases-due-soon"
OVERDUE_ALARM = "cases-overdue"


def watched_services() -> list[ServiceSpec]:
    return [spec for spec in SERVICES if spec.response_watch is not None]


def response_alarm_names(spec: ServiceSpec) -> list[str]:
    """The full names of a watched service's two alarms: `casework-<service>-cases-due-soon` and `-cases-overdue`."""
    return [f"{PREFIX}-{spec.key}-{what}" for what in (DUE_SOON_ALARM, OVERDUE_ALARM)]


class ResponseWatch(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, watch: lambda_.Function, councils: CouncilRegistry, alarm_topic: sns.ITopic,
        dashboard: cw.Dashboard,
    ) -> None:
        super().__init__(scope, construct_id)
        # No retries and no dead-letter queue, as the reconciler: the cases stay in the tables and the next run is the retry.
        self.schedule = schedule_function(
            self, "Schedule", function=watch, spec=RESPONSE_WATCH_FUNCTION, expression=RESPONSE_WATCH_SCHEDULE,
            description="Counts the cases near or past their response target, per council and service",
        ).schedule
        self.alarms: list[cw.Alarm] = []
        for spec in watched_services():
            self.alarms.extend(_service_alarms(self, spec, councils, alarm_topic))
        dashboard.add_widgets(
            cw.AlarmStatusWidget(title="Response targets (due soon, overdue), by service", alarms=self.alarms, width=8, height=4),
            cw.GraphWidget(title="Cases near or past their response target, by service and council", width=16, height=6,
                           left=response_target_lines(ALARM_PERIOD)),
        )


def _service_alarms(scope: Construct, spec: ServiceSpec, councils: CouncilRegistry, topic: sns.ITopic) -> list[cw.Alarm]:
    watch = spec.response_watch
    assert watch is not None
    hours = _warning_hours(spec, councils)
    stem = "".join(part.title() for part in spec.key.split("-"))
    where = f"see its queue ({spec.home_path}; metric {{metric}}, dimension council, says which council)"
    due_soon = notifying_alarm(
        scope, f"{stem}DueSoonAlarm", topic=topic, name=f"{spec.key}-{DUE_SOON_ALARM}",
        metric=business_metric(CASES_DUE_SOON, ALARM_PERIOD, scheme=spec.key),
        description=f"{spec.name}: a {watch.case_noun} is within {hours} business hour{'' if hours == '1' else 's'} of its "
                    f"{watch.target} and has not been acted on yet: {where.format(metric=CASES_DUE_SOON.name)}. "
                    f"{RESPONSE_TARGETS.reference}",
    )
    overdue = notifying_alarm(
        scope, f"{stem}OverdueAlarm", topic=topic, name=f"{spec.key}-{OVERDUE_ALARM}",
        metric=business_metric(CASES_OVERDUE, ALARM_PERIOD, scheme=spec.key),
        description=f"{spec.name}: a {watch.case_noun} has passed its {watch.target} and has not been acted on yet: "
                    f"{where.format(metric=CASES_OVERDUE.name)}. {RESPONSE_TARGETS.reference}",
    )
    return [due_soon, overdue]


def _warning_hours(spec: ServiceSpec, councils: CouncilRegistry) -> str:
    """The warning hours of the councils running the service, e.g. "4", or "1 to 2" when they differ. A warning no longer
    than the schedule's interval could start and end between two runs, and the alarm would miss it: refused."""
    watch = spec.response_watch
    assert watch is not None
    running = [council for council in councils if council.runs(spec.key)]
    for council in running:
        if watch.warn_within_hours(council) * 60 <= RESPONSE_WATCH_EVERY_MINUTES:
            raise ValueError(f"{council.code} {spec.key} warn_within_hours: {watch.warn_within_hours(council):g} business "
                             f"hours is within one run of the response watch ({RESPONSE_WATCH_SCHEDULE}): give more, so "
                             "the due-soon alarm fires before the target is missed")
    hours = sorted({watch.warn_within_hours(council) for council in running})
    if not hours:
        return "the council's warning"
    return f"{hours[0]:g}" if len(hours) == 1 else f"{hours[0]:g} to {hours[-1]:g}"
