"""The daily renewal reminders: EventBridge Scheduler invokes this once a day, for every council that runs Blue Badge."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.bootstrap import TRACED_MODULES, badge_store_for, councils, notification_channels, one_invocation
from shared.core.adapters.lambda_events import parsed_event
from shared.core.adapters.metrics import emit
from shared.core.domain.case import utcnow
from shared.core.logic.council_runs import ScheduledRun, for_every_council
from shared.services.blue_badge import SERVICE_KEY
from shared.services.blue_badge.logic.renewal_reminders import send_renewal_reminders
from shared.services.blue_badge.metrics import RENEWAL_REMINDER_COUNCILS_FAILED, RENEWAL_REMINDERS_SENT

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
    channels = notification_channels()
    serving = [council for council in councils() if council.runs(SERVICE_KEY)]
    reminded = for_every_council(serving, lambda council: send_renewal_reminders(badge_store_for(council.code), channels, council, now),
                                 "renewal reminders", logger)
    for code, badges in reminded.done.items():
        logger.info("renewal reminders sent", extra={"council_code": code, "reminded": len(badges)})
        emit(RENEWAL_REMINDERS_SENT, len(badges), council=code)
    emit(RENEWAL_REMINDER_COUNCILS_FAILED, len(reminded.failed))
    reminded.raise_if_failed("renewal reminders")
    return {"scheduled_time": now.isoformat(), "reminded": reminded.done}
