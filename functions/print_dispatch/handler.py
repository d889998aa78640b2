"""The print-dispatch state machine calls this function once per batch type (and on demand to re-send a batch)."""

from typing import Literal

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import AwareDatetime, BaseModel, Field, model_validator

from shared.adapters.aws import print_desk
from shared.domain.badge import PrintBatchType
from shared.domain.case import utcnow
from shared.domain.printing import run_id_for
from shared.service import print_dispatch

logger = Logger()
tracer = Tracer()
metrics = Metrics()


class PrintDispatchRequest(BaseModel):
    action: Literal["dispatch", "resend"] = "dispatch"
    batch_type: PrintBatchType | None = None
    run_at: AwareDatetime | None = Field(default=None, description="A scheduled run's time: running that night again resumes its batches")
    run_name: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,80}$", description="A run on demand: its execution name")
    batch_id: str | None = Field(default=None, max_length=100)

    @model_validator(mode="before")
    @classmethod
    def run_from_the_state_machine(cls, data: object) -> object:
        """The state machine passes the run as {"run": {"run_at" or "run_name", "batch_types"}}."""
        if isinstance(data, dict) and isinstance(data.get("run"), dict):
            run = data["run"]
            data = {key: value for key, value in data.items() if key != "run"} | {
                key: run[key] for key in ("run_at", "run_name") if key in run}
        return data

    @model_validator(mode="after")
    def what_each_action_needs(self) -> "PrintDispatchRequest":
        if self.action == "dispatch" and not (self.batch_type and (self.run_at or self.run_name)):
            raise ValueError("dispatch needs batch_type, and run_at or run_name")
        if self.action == "resend" and not self.batch_id:
            raise ValueError("resend needs batch_id")
        return self


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
@event_parser(model=PrintDispatchRequest)
def lambda_handler(request: PrintDispatchRequest, context: LambdaContext) -> dict:
    desk = print_desk()
    if request.action == "resend":
        batch = print_dispatch.resend(desk, request.batch_id, utcnow)
        if batch is None:
            raise LookupError(f"no print batch {request.batch_id}")
    else:
        run_id = run_id_for(request.run_at) if request.run_at else request.run_name
        batch = print_dispatch.dispatch(desk, request.batch_type, run_id, utcnow)
    logger.append_keys(batch_id=batch.batch_id)
    logger.info("print batch", extra={"status": batch.status.value, "written": batch.written, "skipped": len(batch.skipped)})
    metrics.add_metric(name="BadgesSentToPrint", unit=MetricUnit.Count, value=sum(batch.written.values()))
    metrics.add_metric(name="BadgesSkippedFromPrint", unit=MetricUnit.Count, value=len(batch.skipped))
    return {"batch_id": batch.batch_id, "status": batch.status.value, "filename": batch.sent_file,
            "written": sum(batch.written.values()), "skipped": len(batch.skipped)}
