"""Alarms on the service, not only on errors: from the business metrics (shared.core.domain.metrics and each service's
metrics.py). Each alarm's description names its section of docs/runbook.md, where an operator reads what it means,
how to check it and what to do.

The thresholds are here, once: the alarms, their descriptions, the runbook's text and the tests read them.
Per-council alarms live with the council's other resources in its shard (infra/constructs/councils.py), so the parent
stack does not grow with the councils.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_sns as sns
from constructs import Construct

from infra.constructs.monitoring import notifying_alarm
from shared.core.domain.council import CouncilConfig
from shared.core.domain.metrics import (
    DECISIONS_MADE,
    NAMESPACE,
    OLDEST_ATTENTION_HOURS,
    OLDEST_PARKED_HOURS,
    WORKING_HOURS_WITHOUT_APPLICATIONS,
    Metric,
    Timeliness,
)
from shared.resources import PREFIX, PRINT_DISPATCH_SCHEDULE
from shared.services.blue_badge.metrics import PRINT_BATCHES_COMPLETED, RESULT_FILES_APPLIED

RUNBOOK = "docs/runbook.md"

HOUR = Duration.hours(1)
# The night's print run starts at 00:30 (PRINT_DISPATCH_SCHEDULE): its batches are due complete within the hour, and
# the alarm allows two more before it says the night failed, so a retried push has time to land.
PRINT_NIGHT_GRACE_HOURS = 2
# The supplier answers each delivered file with a confirmation (and any rejections) within a day or two.
SUPPLIER_RESULTS_WITHIN_DAYS = 3
RESULTS_PERIOD = Duration.hours(6)
PARKED_MAX_AGE_HOURS = 48  # two days: a parked application is an applicant waiting with no case
ATTENTION_MAX_AGE_HOURS = 24  # a day: a flagged case has stopped; its applicant waits until someone acts
GAUGE_PERIOD = Duration.hours(1)  # the reconciler reads the levels every hour
DECISION_PERIOD = Duration.hours(6)


@dataclass(frozen=True)
class RunbookSection:
    title: str  # the section's heading in the runbook

    @property
    def anchor(self) -> str:
        """The heading's link anchor, as GitHub and most Markdown renderers make it."""
        return self.title.lower().replace(" ", "-")

    @property
    def reference(self) -> str:
        return f"Runbook: {RUNBOOK}#{self.anchor}"


NO_APPLICATIONS = RunbookSection("No applications")
PRINT_NIGHT = RunbookSection("Print batch not delivered")
SUPPLIER_RESULTS = RunbookSection("No supplier results file")
PARKED_TOO_LONG = RunbookSection("Parked applications waiting")
ATTENTION_TOO_LONG = RunbookSection("Cases needing attention")
DECISION_TARGET = RunbookSection("Decision target missed")
SECTIONS = (NO_APPLICATIONS, PRINT_NIGHT, SUPPLIER_RESULTS, PARKED_TOO_LONG, ATTENTION_TOO_LONG, DECISION_TARGET)


def business_metric(metric: Metric, period: Duration, label: str | None = None, **dimensions: str) -> cw.Metric:
    """A business metric as CloudWatch keys it: exactly one of its declared dimension sets (ValueError otherwise)."""
    if tuple(sorted(dimensions)) not in {tuple(sorted(names)) for names in metric.dimension_sets}:
        raise ValueError(f"metric {metric.name} is not emitted with dimensions {sorted(dimensions)}")
    return cw.Metric(namespace=NAMESPACE, metric_name=metric.name, dimensions_map=dimensions or None, period=period,
                     statistic=metric.statistic, label=label)


# A council's alarms, by what they watch: `casework-<council code, lower case>-<what>`.
NO_APPLICATIONS_ALARM = "no-applications"
PARKED_ALARM = "parked-applications-waiting"
ATTENTION_ALARM = "cases-needing-attention"
DECISION_TARGET_ALARM = "decision-target-missed"


def council_alarm_names(council: CouncilConfig) -> list[str]:
    """The full names of a council's alarms (as council_service_alarms makes them), for the dashboards."""
    watched = [PARKED_ALARM, ATTENTION_ALARM, DECISION_TARGET_ALARM]
    if council.no_applications_alarm_hours is not None:
        watched.insert(0, NO_APPLICATIONS_ALARM)
    return [f"{PREFIX}-{council.code.lower()}-{what}" for what in watched]


def council_service_alarms(scope: Construct, council: CouncilConfig, topic: sns.ITopic) -> list[cw.Alarm]:
    """One council's alarms on its service (in its shard): no applications, parked applications and flagged cases left
    too long, and a decision past the council's target."""
    code, stem = council.code, council.code.lower()
    alarms = []
    if council.no_applications_alarm_hours is not None:
        # Working-day aware: the reconciler reads, every hour, how many hours of the council's working days (its
        # nation's calendar, shared.core.domain.working_days) have passed since its newest application, so a weekend
        # or a bank holiday without applications raises nothing. No reading (the reconciler down) has its own alarms.
        hours = council.no_applications_alarm_hours
        alarms.append(notifying_alarm(
            scope, "NoApplicationsAlarm", topic=topic, name=f"{stem}-{NO_APPLICATIONS_ALARM}",
            metric=business_metric(WORKING_HOURS_WITHOUT_APPLICATIONS, GAUGE_PERIOD, council=code), threshold=hours,
            description=f"{council.name} ({code}) has received no application in {hours} hours of its working days "
                        f"(weekends and {council.nation.value} bank holidays not counted; councils.json "
                        f"no_applications_alarm_hours). {NO_APPLICATIONS.reference}",
        ))
    alarms.append(notifying_alarm(
        scope, "ParkedTooLongAlarm", topic=topic, name=f"{stem}-{PARKED_ALARM}",
        metric=business_metric(OLDEST_PARKED_HOURS, GAUGE_PERIOD, council=code), threshold=PARKED_MAX_AGE_HOURS,
        description=f"A parked application of {council.name} ({code}) has waited more than {PARKED_MAX_AGE_HOURS} hours "
                    f"to be corrected and replayed. {PARKED_TOO_LONG.reference}",
    ))
    alarms.append(notifying_alarm(
        scope, "AttentionTooLongAlarm", topic=topic, name=f"{stem}-{ATTENTION_ALARM}",
        metric=business_metric(OLDEST_ATTENTION_HOURS, GAUGE_PERIOD, council=code), threshold=ATTENTION_MAX_AGE_HOURS,
        description=f"A case of {council.name} ({code}) has needed attention for more than {ATTENTION_MAX_AGE_HOURS} "
                    f"hours. {ATTENTION_TOO_LONG.reference}",
    ))
    alarms.append(notifying_alarm(
        scope, "DecisionTargetAlarm", topic=topic, name=f"{stem}-{DECISION_TARGET_ALARM}",
        metric=business_metric(DECISIONS_MADE, DECISION_PERIOD, council=code, timeliness=Timeliness.PAST_TARGET.value),
        description=f"{council.name} ({code}) decided a case past its target for the service (Blue Badge: working days "
                    f"to decision; adult social care: the routing target). {DECISION_TARGET.reference}",
    ))
    return alarms


class ServiceAlarms(Construct):
    """The platform's alarms on the print night and the supplier's answers (one print supplier for every council)."""

    def __init__(self, scope: Construct, construct_id: str, *, topic: sns.ITopic) -> None:
        super().__init__(scope, construct_id)
        quiet_hours = 24 + PRINT_NIGHT_GRACE_HOURS
        self.print_night = notifying_alarm(
            self, "PrintNightAlarm", topic=topic, name="print-batch-not-delivered",
            metric=business_metric(PRINT_BATCHES_COMPLETED, HOUR), threshold=1, quiet_periods=quiet_hours,
            description=f"No print batch has completed (file delivered to the supplier, badges marked) for {quiet_hours} "
                        f"hours: the night's run ({PRINT_DISPATCH_SCHEDULE}, UK time) did not finish within "
                        f"{PRINT_NIGHT_GRACE_HOURS} hours of last night's. {PRINT_NIGHT.reference}",
        )
        periods = SUPPLIER_RESULTS_WITHIN_DAYS * 24 // int(RESULTS_PERIOD.to_hours())
        self.supplier_results = notifying_alarm(
            self, "SupplierResultsAlarm", topic=topic, name="no-supplier-results",
            metric=business_metric(RESULT_FILES_APPLIED, RESULTS_PERIOD), threshold=1, quiet_periods=periods,
            description=f"No results file from the print supplier has been applied in {SUPPLIER_RESULTS_WITHIN_DAYS} days, "
                        f"while print files go to it every night. {SUPPLIER_RESULTS.reference}",
        )
        self.alarms = [self.print_night, self.supplier_results]

