"""The daily information reminders: EventBridge Scheduler invokes this once a day, for every council."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.core.adapters.lambda_events import parsed_event
from shared.bootstrap import TRACED_MODULES, one_invocation, councils, notifier, store_for
from shared.core.domain.case import utcnow
from shared.core.adapters.metrics import emit
from shared.core.domain.metrics import INFORMATION_REMINDER_COUNCILS_FAILED, INFORMATION_REMINDERS_SENT
from shared.core.logic.council_runs import ScheduledRun, for_every_council
from shared.services.blue_badge.logic.reminders import send_information_reminders

logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)
metrics = Metrics()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
@parsed_event(ScheduledRun)
@one_invocation  # each council's settings read once per invocation, never kept for the next
def lambda_handler(run: ScheduledRun, context: LambdaContext) -> dict:
    now = run.scheduled_time or utcnow()
    reminded = for_every_council(councils(), lambda council: send_information_reminders(store_for(council.code), notifier(), council, now),
                                 "information reminders", logger)
    for code, cases in reminded.done.items():
        logger.info("information reminders sent", extra={"council_code": code, "reminded": len(cases)})
    emit(INFORMATION_REMINDERS_SENT, sum(map(len, reminded.done.values())))
    emit(INFORMATION_REMINDER_COUNCILS_FAILED, len(reminded.failed))
    reminded.raise_if_failed("information reminders")
    return {"scheduled_time": now.isoformat(), "reminded": reminded.done}
