"""Task states of the case workflows call this function with an action and a case."""

from typing import Literal

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, Field

from shared.adapters.aws import store_for
from shared.domain.case import utcnow
from shared.domain.council import COUNCIL_CODE_PATTERN
from shared.service import workflow_steps

logger = Logger()
tracer = Tracer()


class WorkflowStepRequest(BaseModel):
    action: Literal["open_case"]
    council_code: str = Field(pattern=COUNCIL_CODE_PATTERN)
    case_id: str = Field(min_length=1, max_length=64)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@event_parser(model=WorkflowStepRequest)
def lambda_handler(request: WorkflowStepRequest, context: LambdaContext) -> dict:
    logger.append_keys(council_code=request.council_code, case_id=request.case_id, action=request.action)
    case = workflow_steps.open_case(store_for(request.council_code), request.case_id, utcnow())
    logger.info("case opened", extra={"stage": case.stage.value})
    return {"stage": case.stage.value, "missing": [item.code.value for item in case.missing]}
