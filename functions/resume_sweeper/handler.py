"""Every few minutes (EventBridge Scheduler): send again, for every council, the workflow resumes that steps people
recorded still owe (shared.core.logic.resumes)."""

from functools import cache

import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.bootstrap import TRACED_MODULES, one_invocation, councils, store_for
from shared.core.adapters.workflows import Workflows
from shared.core.domain.case import utcnow
from shared.core.adapters.metrics import emit
from shared.core.domain.metrics import WORKFLOW_RESUMES_SENT
from shared.core.logic.council_runs import for_every_council
from shared.core.logic.resumes import sweep_resumes

logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)
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
@one_invocation  # each council's settings read once per invocation, never kept for the next
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    now = utcnow()
    # One council's failure must not keep the others' cases waiting.
    run = for_every_council(councils(), lambda council: sweep_resumes(store_for(council.code), resumer(), now), "resume sweep", logger)
    for code, sweep in run.done.items():
        if sweep.resumed or sweep.dropped or sweep.still_owed:
            logger.info("resume sweep", extra={"council_code": code, "resumed": sweep.resumed, "dropped": sweep.dropped,
                                               "still_owed": sweep.still_owed})
    resumed = {code: sweep.resumed for code, sweep in run.done.items()}
    emit(WORKFLOW_RESUMES_SENT, sum(map(len, resumed.values())))
    run.raise_if_failed("resume sweep")
    unfinished = [code for code, sweep in run.done.items() if sweep.still_owed]
    if unfinished:
        raise ResumesStillOwed(f"workflow resumes still owed in {', '.join(unfinished)}")
    return {"resumed": resumed}
