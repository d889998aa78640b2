"""The print-dispatch state machine calls this function after a batch's extract is in the supplier's folder, when the
supplier runs its own SFTP server: it streams the file there (host key pinned) and records it on the batch."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, Field

from shared.core.adapters.lambda_events import parsed_event
from shared.bootstrap import TRACED_MODULES, push_desk
from shared.core.domain.case import utcnow
from shared.services.blue_badge.logic import print_dispatch
from shared.services.blue_badge.metrics import EXTRACTS_PUSHED
from shared.core.adapters.metrics import emit

logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)
metrics = Metrics()


class PrintPushRequest(BaseModel):
    batch_id: str = Field(min_length=1, max_length=100)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
@parsed_event(PrintPushRequest)
def lambda_handler(request: PrintPushRequest, context: LambdaContext) -> dict:
    logger.append_keys(batch_id=request.batch_id)
    batch, pushed = print_dispatch.push(push_desk(), request.batch_id, utcnow)
    for file in pushed:
        logger.info("extract on the supplier's server", extra={"remote_path": file.remote_path, "bytes": file.bytes_written,
                                                                "sha256": file.sha256})
    emit(EXTRACTS_PUSHED, len(pushed))
    return print_dispatch.summary(batch)
