"""Every 15 minutes (EventBridge Scheduler): for every service that declares response targets (ServiceSpec.response_watch)
and every council running it, count the open cases near and past their target (shared.core.logic.response_watch), as
the metrics each service's alarms read: per council and service, and per service in all. Every count is emitted, zeros
too, so the alarms always have data."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.bootstrap import TRACED_MODULES, councils, one_invocation, store_for
from shared.core.adapters.metrics import emit
from shared.core.domain.case import utcnow
from shared.core.domain.council import CouncilConfig
from shared.core.domain.metrics import CASES_DUE_SOON, CASES_OVERDUE
from shared.core.domain.response_watch import ResponseCounts
from shared.core.logic.council_runs import for_every_council
from shared.core.logic.response_watch import watch_responses
from shared.services.registry import SERVICES

logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)
metrics = Metrics()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
@one_invocation  # each council's settings read once per invocation, never kept for the next
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    now = utcnow()
    watched = [spec for spec in SERVICES if spec.response_watch is not None]

    def watch_council(council: CouncilConfig) -> dict[str, ResponseCounts]:
        store = store_for(council.code)
        return {spec.key: watch_responses(store.serving(spec.key), spec.response_watch, council, now)
                for spec in watched if council.runs(spec.key)}

    # One council's failure must not leave the others unwatched.
    run = for_every_council([council for council in councils() if any(council.runs(spec.key) for spec in watched)],
                            watch_council, "response watch", logger)
    result: dict[str, dict[str, dict[str, int]]] = {}
    for spec in watched:
        by_council = {code: counts[spec.key] for code, counts in run.done.items() if spec.key in counts}
        for code, counts in by_council.items():
            emit(CASES_DUE_SOON, counts.due_soon, council=code, scheme=spec.key)
            emit(CASES_OVERDUE, counts.overdue, council=code, scheme=spec.key)
            if counts.due_soon or counts.overdue:
                logger.info("cases near or past their response target", extra={
                    "council_code": code, "scheme": spec.key, "due_soon": counts.due_soon, "overdue": counts.overdue})
        # The service's totals are what its alarms watch.
        emit(CASES_DUE_SOON, sum(counts.due_soon for counts in by_council.values()), scheme=spec.key)
        emit(CASES_OVERDUE, sum(counts.overdue for counts in by_council.values()), scheme=spec.key)
        result[spec.key] = {code: {"due_soon": counts.due_soon, "overdue": counts.overdue} for code, counts in by_council.items()}
    run.raise_if_failed("response watch")
    return result
