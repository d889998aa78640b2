"""Every few minutes (EventBridge Scheduler): send again, for every council, the workflow resumes that steps people
recorded still owe (shared.service.resumes)."""

from functools import cache

import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.adapters.aws import councils, store_for
from shared.adapters.workflows import Workflows
from shared.domain.case import utcnow
from shared.service.resumes import sweep_resumes

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@cache
def resumer() -> Workflows:
    # A task token names its own execution: no state machine ARNs, so this function may start none.
    return Workflows(boto3.client("stepfunctions"), state_machine_arns={})


class ResumesStillOwed(RuntimeError):
    """Raised once every council was tried, so that a case still waiting for its workflow reaches the errors alarm."""


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    now = utcnow()
    resumed: dict[str, list[str]] = {}
    unfinished: list[str] = []  # councils with a resume still owed, or whose sweep failed
    for council in councils():
        try:
            sweep = sweep_resumes(store_for(council.code), resumer(), now)
        except Exception:  # one council's failure must not keep the others' cases waiting
            logger.exception("resume sweep failed", extra={"council_code": council.code})
            unfinished.append(council.code)
            continue
        resumed[council.code] = sweep.resumed
        if sweep.resumed or sweep.dropped or sweep.still_owed:
            logger.info("resume sweep", extra={"council_code": council.code, "resumed": sweep.resumed, "dropped": sweep.dropped,
                                               "still_owed": sweep.still_owed})
        if sweep.still_owed:
            unfinished.append(council.code)
    metrics.add_metric(name="WorkflowResumesSent", unit=MetricUnit.Count, value=sum(map(len, resumed.values())))
    if unfinished:
        raise ResumesStillOwed(f"workflow resumes still owed in {', '.join(unfinished)}")
    return {"resumed": resumed}
