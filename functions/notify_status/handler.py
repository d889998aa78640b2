"""Every half hour (EventBridge Scheduler): for every council on GOV.UK Notify, read back what became of its emails,
letters and texts, record each final status on its case, and send a failed email or letter to staff
(shared.core.logic.notify_status)."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.bootstrap import TRACED_MODULES, councils, notification_channels, notify_status_watermark, one_invocation, store_for
from shared.core.domain.case import utcnow
from shared.core.logic.council_runs import for_every_council
from shared.core.logic.notify_status import read_back_statuses

logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)
metrics = Metrics()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
@one_invocation  # each council's settings read once per invocation, never kept for the next
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    now = utcnow()
    readers = notification_channels().status_readers()
    # One council's failure (Notify down, a revoked key) must not hold up the others; its watermark stays put.
    run = for_every_council([council for council in councils() if council.code in readers], lambda council: read_back_statuses(
        council.code, store_for(council.code), readers[council.code], notify_status_watermark(council.code), now),
        "Notify status read-back", logger)
    summary = {code: {"delivered": done.delivered, "failed": done.failed, "under_way": done.under_way, "not_ours": done.not_ours,
                      "pages": done.pages, "read_from": done.read_from.isoformat() if done.read_from else None}
               for code, done in run.done.items()}
    for code, figures in summary.items():
        logger.info("Notify statuses read back", extra={"council_code": code, **figures})
    run.raise_if_failed("Notify status read-back")
    return {"councils": summary}
