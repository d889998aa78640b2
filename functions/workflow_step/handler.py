"""Task states of the case workflows call this function with an action and a case."""

from typing import Literal

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, Field, model_validator

from shared.adapters.aws import notifier, store_for
from shared.domain.case import utcnow
from shared.domain.council import COUNCIL_CODE_PATTERN
from shared.service import workflow_steps

logger = Logger()
tracer = Tracer()


class WorkflowStepRequest(BaseModel):
    action: Literal["open_case", "request_information", "recheck_information", "withdraw"]
    council_code: str = Field(pattern=COUNCIL_CODE_PATTERN)
    case_id: str = Field(min_length=1, max_length=64)
    task_token: str | None = Field(default=None, max_length=4096)
    timeout_seconds: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def callback_needs_token(self) -> "WorkflowStepRequest":
        if self.action == "request_information" and not (self.task_token and self.timeout_seconds):
            raise ValueError("request_information needs task_token and timeout_seconds")
        return self


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@event_parser(model=WorkflowStepRequest)
def lambda_handler(request: WorkflowStepRequest, context: LambdaContext) -> dict:
    logger.append_keys(council_code=request.council_code, case_id=request.case_id, action=request.action)
    store, now = store_for(request.council_code), utcnow()
    match request.action:
        case "open_case":
            case = workflow_steps.open_case(store, notifier(), request.case_id, now)
        case "request_information":
            case = workflow_steps.request_information(store, notifier(), request.case_id, request.task_token, request.timeout_seconds, now)
        case "recheck_information":
            case = workflow_steps.recheck_information(store, request.case_id, now)
        case "withdraw":
            case = workflow_steps.withdraw(store, notifier(), request.case_id, now)
    logger.info("workflow step done", extra={"stage": case.stage.value})
    return {"stage": case.stage.value, "missing": case.missing_codes}
