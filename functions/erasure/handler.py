"""The daily erasure run: EventBridge Scheduler invokes this once a day; each council's cases kept past its retention
period are erased (shared/core/logic/lifecycle.py)."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.core.adapters.lambda_events import parsed_event
from shared.bootstrap import TRACED_MODULES, one_invocation, councils, evidence_files_for, store_for
from shared.core.domain.case import utcnow
from shared.core.adapters.metrics import emit
from shared.core.domain.metrics import CASES_ERASED, ERASURE_COUNCILS_FAILED, EXPIRED_FILES_DELETED
from shared.core.domain.council import CouncilConfig
from shared.core.logic.council_runs import ScheduledRun, for_every_council
from shared.core.logic.lifecycle import erase_expired_cases, expire_left_files

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

    def erase(council: CouncilConfig) -> tuple[list[str], int]:
        evidence = evidence_files_for(council.code)
        return erase_expired_cases(store_for(council.code), evidence, council, now), expire_left_files(evidence, council, now)

    # One council's failure must not keep the others' data past its period.
    erasure = for_every_council(councils(), erase, "erasure", logger)
    for code, (erased, files) in erasure.done.items():
        logger.info("kept past the retention period: erased", extra={"council_code": code, "cases": len(erased), "files": files})
    emit(CASES_ERASED, sum(len(erased) for erased, _ in erasure.done.values()))
    emit(EXPIRED_FILES_DELETED, sum(files for _, files in erasure.done.values()))
    emit(ERASURE_COUNCILS_FAILED, len(erasure.failed))
    erasure.raise_if_failed("erasure")
    return {"scheduled_time": now.isoformat(), "erased": {code: erased for code, (erased, _) in erasure.done.items()},
            "files_expired": sum(files for _, files in erasure.done.values())}
