"""The print-dispatch state machine calls this function to plan a run (the batches a dead run left, then one per batch
type), then once per batch (and again after a push to the supplier's own server); and on demand to re-send a batch."""

from typing import Literal

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import AwareDatetime, BaseModel, Field, model_validator

from shared.core.adapters.lambda_events import parsed_event
from shared.bootstrap import TRACED_MODULES, one_invocation, print_desk, supplier_push_configured
from shared.services.blue_badge.domain.badge import PrintBatchType
from shared.core.domain.case import utcnow
from shared.services.blue_badge.domain.printing import run_id_for
from shared.services.blue_badge.logic import print_dispatch
from shared.services.blue_badge.metrics import count_dispatched, PRINT_BATCHES_LEFT_UNFINISHED
from shared.core.adapters.metrics import emit

logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)
metrics = Metrics()


class PrintDispatchRequest(BaseModel):
    action: Literal["plan", "dispatch", "resend"] = "dispatch"
    batch_type: PrintBatchType | None = None
    batch_types: list[PrintBatchType] = Field(default_factory=list, description="plan: this run's batch types")
    run_at: AwareDatetime | None = Field(default=None, description="A scheduled run's time: running that night again resumes its batches")
    run_name: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,80}$", description="A run on demand: its execution name")
    batch_id: str | None = Field(default=None, max_length=100, description="dispatch: resume this batch; resend: send it again")

    @model_validator(mode="before")
    @classmethod
    def run_from_the_state_machine(cls, data: object) -> object:
        """The state machine passes the run as {"run": {"run_at" or "run_name", "batch_types"}}."""
        if isinstance(data, dict) and isinstance(data.get("run"), dict):
            run = data["run"]
            data = {key: value for key, value in data.items() if key != "run"} | {
                key: run[key] for key in ("run_at", "run_name", "batch_types") if key in run}
        return data

    @model_validator(mode="after")
    def what_each_action_needs(self) -> "PrintDispatchRequest":
        has_run = bool(self.run_at or self.run_name)
        if self.action == "plan" and not (has_run and self.batch_types):
            raise ValueError("plan needs batch_types, and run_at or run_name")
        if self.action == "dispatch" and not (self.batch_id or (self.batch_type and has_run)):
            raise ValueError("dispatch needs batch_id, or batch_type and run_at or run_name")
        if self.action == "resend" and not self.batch_id:
            raise ValueError("resend needs batch_id")
        return self

    @property
    def run_id(self) -> str | None:
        return run_id_for(self.run_at) if self.run_at else self.run_name


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
@parsed_event(PrintDispatchRequest)
@one_invocation  # each council's settings read once per invocation, never kept for the next
def lambda_handler(request: PrintDispatchRequest, context: LambdaContext) -> dict:
    desk = print_desk()
    if request.action == "plan":
        return _plan(request)
    if request.action == "resend":
        batch = print_dispatch.resend(desk, request.batch_id, utcnow)
    elif request.batch_id:
        batch = print_dispatch.resume(desk, request.batch_id, utcnow)
    else:
        batch = print_dispatch.dispatch(desk, request.batch_type, request.run_id, utcnow, push_required=supplier_push_configured())
    if batch is None:
        raise LookupError(f"no print batch {request.batch_id}")
    logger.append_keys(batch_id=batch.batch_id)
    logger.info("print batch", extra={"status": batch.status.value, "written": batch.written, "skipped": len(batch.skipped)})
    if request.action != "resend":  # a re-send prints nothing new
        count_dispatched(batch, emit)
    return print_dispatch.summary(batch)


def _plan(request: PrintDispatchRequest) -> dict:
    """The dispatch requests of this run: first the batches earlier runs left unfinished, then one per batch type."""
    left = print_dispatch.unfinished(print_desk(), request.run_id, utcnow())
    if left:
        logger.warning("finishing print batches earlier runs left unfinished", extra={"batch_ids": left})
    emit(PRINT_BATCHES_LEFT_UNFINISHED, len(left))
    run = {"run_at": request.run_at.isoformat()} if request.run_at else {"run_name": request.run_name}
    return {"requests": [{"action": "dispatch", "batch_id": batch_id} for batch_id in left]
            + [{"action": "dispatch", "batch_type": batch_type.value, **run} for batch_type in request.batch_types]}
