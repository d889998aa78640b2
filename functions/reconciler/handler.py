"""Every hour (EventBridge Scheduler): for every council, check the cases at a person's step against their workflow
executions, start again the workflows that stopped, and flag what needs a person (shared.core.logic.reconciler)."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.bootstrap import TRACED_MODULES, one_invocation, councils, store_for, workflows
from shared.core.domain.case import utcnow
from shared.core.adapters.metrics import emit, report_arrivals, report_council_queues
from shared.core.domain.metrics import CASES_OUT_OF_STEP, WORKFLOWS_REPAIRED
from shared.core.logic.council_runs import for_every_council
from shared.core.logic.reconciler import reconcile

logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)
metrics = Metrics()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
@one_invocation  # each council's settings read once per invocation, never kept for the next
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    now = utcnow()
    # One council's failure must not leave the others unchecked.
    run = for_every_council(councils(), lambda council: reconcile(store_for(council.code), workflows(), council, now), "reconciliation", logger)
    for code, done in run.done.items():
        if done.restarted or done.renewed or done.flagged:
            logger.info("reconciled", extra={"council_code": code, "restarted": done.restarted, "renewed": done.renewed, "flagged": done.flagged})
    repaired = {code: done.restarted + done.renewed for code, done in run.done.items()}
    flagged = {code: done.flagged for code, done in run.done.items()}
    emit(WORKFLOWS_REPAIRED, sum(map(len, repaired.values())))
    emit(CASES_OUT_OF_STEP, sum(map(len, flagged.values())))
    for code, done in run.done.items():
        report_council_queues(store_for(code), code, done.attention_since, now)
        report_arrivals(store_for(code), councils().get(code), now)
    run.raise_if_failed("reconciliation")
    return {"repaired": repaired, "flagged": flagged}
