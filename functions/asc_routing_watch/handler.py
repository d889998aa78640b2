"""Every 15 minutes (EventBridge Scheduler): for every council running adult social care triage, count the open
referrals near and past their routing target (shared.services.asc_triage.logic.routing_watch), as metrics the
routing alarms watch. Every count is emitted, zeros too, so the alarms always have data."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.bootstrap import TRACED_MODULES, one_invocation, councils, store_for
from shared.core.domain.case import utcnow
from shared.core.logic.council_runs import for_every_council
from shared.core.adapters.metrics import emit
from shared.services.asc_triage.metrics import REFERRALS_DUE_SOON, REFERRALS_OVERDUE
from shared.services.asc_triage import SERVICE_KEY as ASC_TRIAGE
from shared.services.asc_triage.logic.routing_watch import watch_routing

logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)
metrics = Metrics()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
@one_invocation  # each council's settings read once per invocation, never kept for the next
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    now = utcnow()
    watched = [council for council in councils() if council.runs(ASC_TRIAGE)]
    # One council's failure must not leave the others unwatched.
    run = for_every_council(watched, lambda council: watch_routing(store_for(council.code).serving(ASC_TRIAGE), council, now),
                            "routing watch", logger)
    for code, counts in run.done.items():
        emit(REFERRALS_DUE_SOON, counts.due_soon, council=code)
        emit(REFERRALS_OVERDUE, counts.overdue, council=code)
        if counts.due_soon or counts.overdue:
            logger.info("referrals near or past their routing target", extra={"council_code": code, "due_soon": counts.due_soon,
                                                                               "overdue": counts.overdue})
    # The totals (the function's own "service" dimension) are what the alarms watch.
    emit(REFERRALS_DUE_SOON, sum(counts.due_soon for counts in run.done.values()))
    emit(REFERRALS_OVERDUE, sum(counts.overdue for counts in run.done.values()))
    run.raise_if_failed("routing watch")
    return {code: {"due_soon": counts.due_soon, "overdue": counts.overdue} for code, counts in run.done.items()}
