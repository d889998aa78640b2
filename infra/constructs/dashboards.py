"""The service dashboards, generated from configuration (the councils) and the metric catalogue
(shared.core.domain.metrics and each service's metrics.py):

- `casework-service`: the platform overview, every council on one page: intake, parked, needing attention, decisions
  against target, the print night and the supplier's answers, emails, dead-letter queues and the service alarms;
- `casework-council`: one council at a time, chosen with the dashboard's Council variable (one dashboard for every
  council, however many: the variable swaps the council code in each widget's search).

Neither names a council: the council variable lists the councils from the metrics themselves, so adding a council
changes nothing in the parent stack (only its shard: tests/infra/test_council_shards.py). A council's own alarms are
in its shard, named `casework-<council>-...`.

Every graph reads a series the code emits: `search` accepts only a dimension set the metric declares. The plumbing
(queues, Lambda, workflows, APIs) stays on the `casework` dashboard (infra/constructs/monitoring.py)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cw
from constructs import Construct

from infra.constructs.monitoring import DeadLetterQueue
from infra.constructs.service_alarms import RUNBOOK, business_metric
from shared.core.domain.metrics import (
    APPLICATIONS_RECEIVED,
    CASES_DUE_SOON,
    CASES_ENTERED_STAGE,
    CASES_ERASED,
    CASES_NEEDING_ATTENTION,
    CASES_OUT_OF_STEP,
    CASES_OVERDUE,
    COUNCIL,
    DECISIONS_MADE,
    ERASURE_COUNCILS_FAILED,
    EXPIRED_FILES_DELETED,
    FUNCTION,
    INFORMATION_REMINDER_COUNCILS_FAILED,
    INFORMATION_REMINDERS_SENT,
    NAMESPACE,
    NOTIFICATIONS,
    NOTIFICATION_STATUSES,
    OLDEST_ATTENTION_HOURS,
    OLDEST_PARKED_HOURS,
    WORKING_HOURS_WITHOUT_APPLICATIONS,
    PARKED_APPLICATIONS,
    SCHEME,
    WORKFLOW_RESUMES_SENT,
    WORKFLOWS_REPAIRED,
    Metric,
    Timeliness,
)
from shared.resources import PREFIX
from shared.services.asc_triage.metrics import CRM_DELIVERY_FAILURES, REFERRALS_DELIVERED_TO_CRM
from shared.services.family_front_door.metrics import CONTACTS_DELIVERED_TO_RECORD_SYSTEM, RECORD_SYSTEM_DELIVERY_FAILURES
from shared.services.blue_badge.metrics import (
    BADGES_ISSUED,
    BADGES_REJECTED_BY_PRINTER,
    BADGES_SENT_TO_PRINT,
    BADGES_SKIPPED_FROM_PRINT,
    BATCH_TYPE,
    EXTRACTS_PUSHED,
    PRINT_BATCHES_COMPLETED,
    PRINT_BATCHES_LEFT_UNFINISHED,
    PRINT_RESULTS_SKIPPED,
    RESULT_FILES_APPLIED,
    RESULT_FILES_QUARANTINED,
    RENEWAL_REMINDER_COUNCILS_FAILED,
    RENEWAL_REMINDERS_SENT,
)

OVERVIEW_DASHBOARD = f"{PREFIX}-service"
COUNCIL_DASHBOARD = f"{PREFIX}-council"
HOURLY = Duration.hours(1)
DAILY = Duration.days(1)
# What the Council variable replaces in the council dashboard: a text no council code can be (codes have no hyphen),
# standing where each search names the council.
COUNCIL_PLACEHOLDER = "COUNCIL-CODE"


def search(metric: Metric, dimensions: Sequence[str], period: Duration, label: str | None = None, **equal: str) -> cw.MathExpression:
    """Every series of `metric` under one of its declared dimension sets (ValueError for any other), narrowed to
    dimensions `equal` to the values given: one line each, however many councils or stages."""
    if set(dimensions) not in [set(names) for names in metric.dimension_sets]:
        raise ValueError(f"metric {metric.name} is not emitted with dimensions {sorted(dimensions)}")
    if not set(equal) <= set(dimensions):
        raise ValueError(f"metric {metric.name}: can only narrow by its dimensions {sorted(dimensions)}")
    schema = ",".join([NAMESPACE, *dimensions])
    narrowed = "".join(f' {name}="{value}"' for name, value in equal.items())
    return cw.MathExpression(
        expression=f"SEARCH('{{{schema}}} MetricName=\"{metric.name}\"{narrowed}', '{metric.statistic}', {int(period.to_seconds())})",
        period=period, label=label, using_metrics={},  # no label: each line is named by its dimensions' values
    )


def response_target_lines(period: Duration, **equal: str) -> list[cw.IMetric]:
    """The response watch's counts (shared.core.logic.response_watch), one line per service and council, each named by
    both: every service that declares response targets, however many."""
    return [search(metric, (COUNCIL, SCHEME), period, label=f"{what} ${{PROP('Dim.{SCHEME}')}} ${{PROP('Dim.{COUNCIL}')}}", **equal)
            for metric, what in ((CASES_DUE_SOON, "due soon:"), (CASES_OVERDUE, "overdue:"))]


def _graph(title: str, metrics: Sequence[cw.IMetric], width: int = 8, stacked: bool = False) -> cw.GraphWidget:
    return cw.GraphWidget(title=title, left=list(metrics), width=width, height=6, stacked=stacked,
                          view=cw.GraphWidgetView.TIME_SERIES)


def _bars(title: str, metrics: Sequence[cw.IMetric], width: int = 8) -> cw.GraphWidget:
    return cw.GraphWidget(title=title, left=list(metrics), width=width, height=6, view=cw.GraphWidgetView.BAR)


class ServiceDashboards(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, dead_letter_queues: Sequence[DeadLetterQueue], alarms: Sequence[cw.Alarm],
                 response_alarms: Sequence[cw.Alarm] = ()) -> None:
        super().__init__(scope, construct_id)
        self.overview = cw.Dashboard(
            self, "Overview", dashboard_name=OVERVIEW_DASHBOARD, default_interval=Duration.days(7),
            widgets=_overview_widgets(dead_letter_queues, list(alarms), list(response_alarms)),
        )
        # The councils to choose from are those with a parked-applications level: the reconciler emits it every hour
        # for every council, zeros too, so each council is listed from its first hour.
        self.council = cw.Dashboard(
            self, "Council", dashboard_name=COUNCIL_DASHBOARD, default_interval=Duration.days(7),
            variables=[cw.DashboardVariable(
                id="council", label="Council", type=cw.VariableType.PATTERN, value=COUNCIL_PLACEHOLDER,
                input_type=cw.VariableInputType.SELECT,
                values=cw.Values.from_search_components(namespace=NAMESPACE, dimensions=[COUNCIL], metric_name=PARKED_APPLICATIONS.name,
                                                        populate_from=COUNCIL),
                default_value=cw.DefaultValue.FIRST, visible=True,
            )],
            widgets=_council_widgets(COUNCIL_PLACEHOLDER),
        )


def _overview_widgets(dead_letter_queues: Sequence[DeadLetterQueue], alarms: list[cw.IAlarm],
                      response_alarms: list[cw.IAlarm]) -> list[list[cw.IWidget]]:
    return [
        [cw.TextWidget(width=24, height=2, markdown=(
            "# Casework: the service, every council\n"
            f"What councils receive and decide, the print night and the supplier's answers. One council: dashboard "
            f"`{COUNCIL_DASHBOARD}`. Each alarm's description names its section of `{RUNBOOK}`."))],
        [
            _graph("Applications received, by council (per hour)",
                   [search(APPLICATIONS_RECEIVED, (COUNCIL,), HOURLY)]),
            _graph("Applications parked, by council and channel (per hour)",
                   [search(APPLICATIONS_RECEIVED, (COUNCIL, SCHEME, "channel", "outcome"), HOURLY, outcome="PARKED")]),
            _graph("Parked applications waiting to be replayed, by council",
                   [search(PARKED_APPLICATIONS, (COUNCIL,), HOURLY)]),
        ],
        [
            _graph("Cases needing attention, by council", [search(CASES_NEEDING_ATTENTION, (COUNCIL,), HOURLY)]),
            _graph("Decisions past target, by council (per day)",
                   [search(DECISIONS_MADE, (COUNCIL, "timeliness"), DAILY, timeliness=Timeliness.PAST_TARGET.value)]),
            _graph("Decisions within target, by council (per day)",
                   [search(DECISIONS_MADE, (COUNCIL, "timeliness"), DAILY, timeliness=Timeliness.WITHIN_TARGET.value)]),
        ],
        [
            _bars("Print night: badges sent, by batch type", [search(BADGES_SENT_TO_PRINT, (BATCH_TYPE,), DAILY)]),
            _bars("Print night: batches completed, and badges left out", [
                business_metric(PRINT_BATCHES_COMPLETED, DAILY, label="batches completed"),
                search(BADGES_SKIPPED_FROM_PRINT, (BATCH_TYPE,), DAILY, label="badges skipped"),
            ]),
            _bars("Supplier results: files applied and quarantined, badges issued and rejected", [
                business_metric(RESULT_FILES_APPLIED, DAILY, label="files applied"),
                business_metric(RESULT_FILES_QUARANTINED, DAILY, label="files quarantined"),
                business_metric(BADGES_ISSUED, DAILY, label="badges issued"),
                business_metric(BADGES_REJECTED_BY_PRINTER, DAILY, label="badges rejected"),
            ]),
        ],
        [
            _graph("Emails sent and failed, and letters to write instead (per day)",
                   [search(NOTIFICATIONS, ("result",), DAILY)], width=6),
            _graph("GOV.UK Notify: emails, letters and texts delivered or failed (per day)",
                   [search(NOTIFICATION_STATUSES, ("outcome",), DAILY)], width=6),
            _graph("Cases near or past their response target, by service and council", response_target_lines(HOURLY), width=6),
            _graph("Dead-letter queues: messages waiting for a person",
                   [dlq.depth.with_(label=dlq.queue_name) for dlq in dead_letter_queues], width=6),
        ],
        [
            _graph("Information and renewal reminders sent, and councils whose run failed", [
                search(INFORMATION_REMINDERS_SENT, (FUNCTION,), DAILY), search(INFORMATION_REMINDER_COUNCILS_FAILED, (FUNCTION,), DAILY),
                business_metric(RENEWAL_REMINDERS_SENT, DAILY, label="renewal reminders"),
                business_metric(RENEWAL_REMINDER_COUNCILS_FAILED, DAILY, label="renewal councils failed")], width=6),
            _graph("Workflows started again, resumes sent again, cases out of step", [
                search(WORKFLOWS_REPAIRED, (FUNCTION,), DAILY), search(WORKFLOW_RESUMES_SENT, (FUNCTION,), DAILY),
                search(CASES_OUT_OF_STEP, (FUNCTION,), DAILY)], width=6),
            _graph("Closed cases erased, expired files deleted, councils whose erasure failed", [
                search(CASES_ERASED, (FUNCTION,), DAILY), search(EXPIRED_FILES_DELETED, (FUNCTION,), DAILY),
                search(ERASURE_COUNCILS_FAILED, (FUNCTION,), DAILY)], width=6),
            _graph("Print batches finished for an earlier night, files pushed, results naming no waiting badge", [
                business_metric(PRINT_BATCHES_LEFT_UNFINISHED, DAILY, label="batches left unfinished"),
                business_metric(EXTRACTS_PUSHED, DAILY, label="files pushed"),
                business_metric(PRINT_RESULTS_SKIPPED, DAILY, label="results skipped")], width=6),
        ],
        [
            cw.AlarmStatusWidget(title="Print night and supplier results", alarms=alarms, width=8, height=4),
            *([cw.AlarmStatusWidget(title="Response targets: cases due soon and overdue, by service", alarms=response_alarms,
                                    width=8, height=4)] if response_alarms else []),
            cw.TextWidget(width=8 if response_alarms else 16, height=4, markdown=(
                "### Councils' alarms\nEach council has four, in CloudWatch > Alarms: search `casework-<council>-` "
                "(e.g. `casework-northshire-`): `no-applications`, `parked-applications-waiting`, "
                "`cases-needing-attention`, `decision-target-missed`. Firing ones are first under *In alarm*.")),
        ],
    ]


def _council_widgets(code: str) -> list[list[cw.IWidget]]:
    """One council's widgets; `code` is the text the Council variable replaces with the chosen council's code."""
    council = {COUNCIL: code}
    return [
        [cw.TextWidget(width=24, height=2, markdown=(
            "# Casework: one council\nChoose the council at the top. Its alarms are `casework-<council>-...` "
            f"(no applications, parked applications waiting, cases needing attention, decision target missed): `{RUNBOOK}`."))],
        [
            _graph("Applications received, by channel and outcome (case, parked, duplicate), per hour",
                   [search(APPLICATIONS_RECEIVED, (COUNCIL, SCHEME, "channel", "outcome"), HOURLY, **council)], width=12),
            _graph("Cases entering each stage (per day)",
                   [search(CASES_ENTERED_STAGE, (COUNCIL, SCHEME, "stage"), DAILY, **council)], width=12, stacked=True),
        ],
        [
            _graph("Hours of working days since the newest application (what the no-applications alarm reads)",
                   [search(WORKING_HOURS_WITHOUT_APPLICATIONS, (COUNCIL,), HOURLY, label="working hours", **council)], width=12),
        ],
        [
            _graph("Decisions, by outcome and whether within target (per day)",
                   [search(DECISIONS_MADE, (COUNCIL, SCHEME, "outcome", "timeliness"), DAILY, **council)]),
            _graph("Cases needing attention, and hours the oldest has waited", [
                search(CASES_NEEDING_ATTENTION, (COUNCIL,), HOURLY, label="cases needing attention", **council),
                search(OLDEST_ATTENTION_HOURS, (COUNCIL,), HOURLY, label="oldest (hours)", **council)]),
            _graph("Parked applications waiting, and hours the oldest has waited", [
                search(PARKED_APPLICATIONS, (COUNCIL,), HOURLY, label="parked applications", **council),
                search(OLDEST_PARKED_HOURS, (COUNCIL,), HOURLY, label="oldest (hours)", **council)]),
        ],
        [
            _bars("Badges sent to print, by batch type (per night)",
                  [search(BADGES_SENT_TO_PRINT, (COUNCIL, BATCH_TYPE), DAILY, **council)]),
            _graph("Emails sent and failed, letters to write instead, and what GOV.UK Notify delivered (per day)", [
                search(NOTIFICATIONS, (COUNCIL, SCHEME, "result"), DAILY, **council),
                search(NOTIFICATION_STATUSES, (COUNCIL, SCHEME, "channel", "outcome"), DAILY, **council)]),
            _graph("Adult social care: referrals recorded in the CRM, and CRM failures (per day)", [
                search(REFERRALS_DELIVERED_TO_CRM, (COUNCIL, FUNCTION), DAILY, **council),
                search(CRM_DELIVERY_FAILURES, (COUNCIL, FUNCTION), DAILY, **council)]),
        ],
        [
            _graph("Cases near or past their response target, by service", response_target_lines(HOURLY, **council), width=16),
            _graph("Family Front Door: episodes opened in the social care record system, and failures (per day)", [
                search(CONTACTS_DELIVERED_TO_RECORD_SYSTEM, (COUNCIL, FUNCTION), DAILY, **council),
                search(RECORD_SYSTEM_DELIVERY_FAILURES, (COUNCIL, FUNCTION), DAILY, **council)]),
        ],
    ]
