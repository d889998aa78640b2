"""Every hour (EventBridge Scheduler): for every council, check the cases at a person's step against their workflow
executions, start again the workflows that stopped, and flag what needs a person (shared.service.reconciler)."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.adapters.aws import councils, store_for, workflows
from shared.domain.case import utcnow
from shared.resources import RECONCILER_METRIC_FLAGGED, RECONCILER_METRIC_REPAIRED
from shared.service.reconciler import reconcile

logger = Logger()
tracer = Tracer()
metrics = Metrics()


class ReconciliationFailed(RuntimeError):
    """Raised once every council was tried, so that a council whose check failed reaches the errors alarm."""


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    now, repaired, flagged, failed = utcnow(), {}, {}, []
    for council in councils():
        try:
            done = reconcile(store_for(council.code), workflows(), council, now)
        except Exception:  # one council's failure must not leave the others unchecked
            logger.exception("reconciliation failed", extra={"council_code": council.code})
            failed.append(council.code)
            continue
        repaired[council.code], flagged[council.code] = done.restarted + done.renewed, done.flagged
        if done.restarted or done.renewed or done.flagged:
            logger.info("reconciled", extra={"council_code": council.code, "restarted": done.restarted, "renewed": done.renewed,
                                             "flagged": done.flagged})
    metrics.add_metric(name=RECONCILER_METRIC_REPAIRED, unit=MetricUnit.Count, value=sum(map(len, repaired.values())))
    metrics.add_metric(name=RECONCILER_METRIC_FLAGGED, unit=MetricUnit.Count, value=sum(map(len, flagged.values())))
    if failed:
        raise ReconciliationFailed(f"reconciliation failed in {', '.join(failed)}")
    return {"repaired": repaired, "flagged": flagged}
