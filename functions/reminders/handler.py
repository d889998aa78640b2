"""The daily information reminders: EventBridge Scheduler invokes this once a day, for every council."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.bootstrap import councils, notifier, store_for
from shared.core.domain.case import utcnow
from shared.core.logic.council_runs import ScheduledRun, for_every_council
from shared.services.blue_badge.logic.reminders import send_information_reminders

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
@event_parser(model=ScheduledRun)
def lambda_handler(run: ScheduledRun, context: LambdaContext) -> dict:
    now = run.scheduled_time or utcnow()
    reminded = for_every_council(councils(), lambda council: send_information_reminders(store_for(council.code), notifier(), council, now),
                                 "information reminders", logger)
    for code, cases in reminded.done.items():
        logger.info("information reminders sent", extra={"council_code": code, "reminded": len(cases)})
    metrics.add_metric(name="InformationRemindersSent", unit=MetricUnit.Count, value=sum(map(len, reminded.done.values())))
    metrics.add_metric(name="InformationReminderCouncilsFailed", unit=MetricUnit.Count, value=len(reminded.failed))
    reminded.raise_if_failed("information reminders")
    return {"scheduled_time": now.isoformat(), "reminded": reminded.done}
