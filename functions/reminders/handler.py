"""The daily information reminders: EventBridge Scheduler invokes this once a day, for every council."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import AwareDatetime, BaseModel

from shared.adapters.aws import councils, notifier, store_for
from shared.domain.case import utcnow
from shared.service.reminders import send_information_reminders

logger = Logger()
tracer = Tracer()
metrics = Metrics()


class ScheduledRun(BaseModel):
    """The schedule's input; a run started by hand may leave the time out (then: now)."""

    scheduled_time: AwareDatetime | None = None


class RemindersFailed(RuntimeError):
    """Raised once every council was tried, so that the failed run reaches the function's errors alarm."""


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
@event_parser(model=ScheduledRun)
def lambda_handler(run: ScheduledRun, context: LambdaContext) -> dict:
    now = run.scheduled_time or utcnow()
    reminded: dict[str, list[str]] = {}
    failed: list[str] = []
    for council in councils():
        try:
            reminded[council.code] = send_information_reminders(store_for(council.code), notifier(), council, now)
        except Exception:  # one council's failure must not keep the others' applicants unreminded
            logger.exception("information reminders failed", extra={"council_code": council.code})
            failed.append(council.code)
        else:
            logger.info("information reminders sent", extra={"council_code": council.code, "reminded": len(reminded[council.code])})
    metrics.add_metric(name="InformationRemindersSent", unit=MetricUnit.Count, value=sum(map(len, reminded.values())))
    metrics.add_metric(name="InformationReminderCouncilsFailed", unit=MetricUnit.Count, value=len(failed))
    if failed:
        raise RemindersFailed(f"information reminders failed for {', '.join(failed)}")
    return {"scheduled_time": now.isoformat(), "reminded": reminded}
