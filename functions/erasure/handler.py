"""The daily erasure run: EventBridge Scheduler invokes this once a day; each council's cases kept past its retention
period are erased (shared/service/lifecycle.py)."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import AwareDatetime, BaseModel

from shared.adapters.aws import councils, evidence_files_for, store_for
from shared.domain.case import utcnow
from shared.service.lifecycle import erase_expired_cases, expire_left_files

logger = Logger()
tracer = Tracer()
metrics = Metrics()


class ScheduledRun(BaseModel):
    """The schedule's input; a run started by hand may leave the time out (then: now)."""

    scheduled_time: AwareDatetime | None = None


class ErasureFailed(RuntimeError):
    """Raised once every council was tried, so that the failed run reaches the function's errors alarm."""


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
@event_parser(model=ScheduledRun)
def lambda_handler(run: ScheduledRun, context: LambdaContext) -> dict:
    now = run.scheduled_time or utcnow()
    erased: dict[str, list[str]] = {}
    files_expired = 0
    failed: list[str] = []
    for council in councils():
        try:
            evidence = evidence_files_for(council.code)
            erased[council.code] = erase_expired_cases(store_for(council.code), evidence, council, now)
            files_expired += expire_left_files(evidence, council, now)
        except Exception:  # one council's failure must not keep the others' data past its period
            logger.exception("erasure failed", extra={"council_code": council.code})
            failed.append(council.code)
        else:
            logger.info("cases past their retention period erased", extra={"council_code": council.code, "erased": len(erased[council.code])})
    metrics.add_metric(name="CasesErased", unit=MetricUnit.Count, value=sum(map(len, erased.values())))
    metrics.add_metric(name="ErasureCouncilsFailed", unit=MetricUnit.Count, value=len(failed))
    metrics.add_metric(name="ExpiredFilesDeleted", unit=MetricUnit.Count, value=files_expired)
    if failed:
        raise ErasureFailed(f"erasure failed for {', '.join(failed)}")
    return {"scheduled_time": now.isoformat(), "erased": erased, "files_expired": files_expired}
