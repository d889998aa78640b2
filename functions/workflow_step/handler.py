"""Task states of the case workflows call this function with an action and a case."""

from datetime import datetime
from typing import Literal

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, Field, model_validator

from shared.core.adapters.lambda_events import parsed_event
from shared.bootstrap import TRACED_MODULES, one_invocation, badge_numbers, badge_store_for, councils, deployed_councils, notifier
from shared.core.domain.case import utcnow
from shared.services.blue_badge.domain.case import HUMAN_STAGES, Stage
from shared.services.blue_badge.domain.ordering import screened
from shared.core.domain.council import COUNCIL_CODE_PATTERN
from shared.core.logic.workflow_steps import escalate, flag_attention
from shared.services.blue_badge.logic import workflow_steps
from shared.services.blue_badge import SERVICE_KEY

logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)

CALLBACK_ACTIONS = ("request_information", "wait")


class StepError(BaseModel):
    """What a Catch puts in the state (`ResultPath: $.error`)."""

    Error: str = Field(default="", max_length=256)
    Cause: str = Field(default="", max_length=32768)


class WorkflowStepRequest(BaseModel):
    action: Literal[
        "open_case", "information_deadline", "request_information", "recheck_information", "withdraw", "screen",
        "review_deadline", "wait", "check_fee", "order_badge", "cancel_badge", "close_refused", "flag_attention", "escalate",
    ]
    council_code: str = Field(pattern=COUNCIL_CODE_PATTERN)
    case_id: str = Field(min_length=1, max_length=64)
    task_token: str | None = Field(default=None, max_length=4096)
    due: datetime | None = Field(default=None, description="request_information: when the information is due (information_deadline's)")
    stage: Stage | None = None
    error: StepError | None = None

    @model_validator(mode="after")
    def what_each_action_needs(self) -> "WorkflowStepRequest":
        if self.action in CALLBACK_ACTIONS and not self.task_token:
            raise ValueError(f"{self.action} needs task_token")
        if self.action == "request_information" and (self.due is None or self.due.tzinfo is None):
            raise ValueError("request_information needs due, with a time zone")
        if self.action in ("wait", "escalate") and self.stage not in HUMAN_STAGES:
            raise ValueError(f"{self.action} needs a stage where people act: {', '.join(sorted(HUMAN_STAGES))}")
        return self


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@parsed_event(WorkflowStepRequest)
@one_invocation  # each council's settings read once per invocation, never kept for the next
def lambda_handler(request: WorkflowStepRequest, context: LambdaContext) -> dict:
    logger.append_keys(council_code=request.council_code, case_id=request.case_id, action=request.action)
    store, now, case_id = badge_store_for(request.council_code).serving(SERVICE_KEY), utcnow(), request.case_id
    match request.action:
        case "open_case":
            case = workflow_steps.open_case(store, notifier(), case_id, now)
        case "information_deadline":  # the wait's timeout and the date due, from the council's working days
            due = workflow_steps.information_deadline(councils().get(request.council_code), now)
            return {"due": due.isoformat(), "seconds": workflow_steps.seconds_until(due, now)}
        case "request_information":
            case = workflow_steps.request_information(store, notifier(), case_id, request.task_token, request.due, now)
        case "recheck_information":
            case = workflow_steps.recheck_information(store, case_id, now)
        case "withdraw":
            case = workflow_steps.withdraw(store, notifier(), case_id, now)
        case "screen":
            route = workflow_steps.screen(store, case_id)
            logger.info("screened", extra={"route_to": route.value})
            return {"route_to": route.value}
        case "review_deadline":  # the refusal's review window, from the working days of the council's nation (as "wait")
            closes = workflow_steps.review_window_closes(store, deployed_councils().get(request.council_code), case_id)
            return {"closes": closes.isoformat(), "seconds": workflow_steps.seconds_until(closes, now)}
        case "wait":
            # Its nation (a refusal's review window) is the deployment's, which no council admin edits: no settings read.
            case = workflow_steps.wait_for_people(store, notifier(), deployed_councils().get(request.council_code), case_id, request.stage,
                                                  request.task_token, now)
        case "check_fee":
            due = workflow_steps.check_fee(store, badge_numbers(), notifier(), councils().get(request.council_code), case_id, now)
            return {"fee_due": due}
        case "order_badge":
            case = workflow_steps.order_badge(store, badge_numbers(), notifier(), case_id, now)
        case "cancel_badge":
            case = workflow_steps.cancel_badge(store, notifier(), case_id, now)
        case "close_refused":
            case = workflow_steps.close_refused(store, notifier(), case_id, now)
        case "flag_attention":
            error = request.error or StepError()
            case = flag_attention(store, case_id, error.Error, error.Cause, now)
        case "escalate":
            case = escalate(store, case_id, request.stage, now)
    logger.info("workflow step done", extra={"stage": case.stage.value})
    if request.action == "open_case":  # with its route, screened from the case in hand: a complete case needs no Screen step
        return screened(case)
    return {"stage": case.stage.value, "missing": case.missing_codes}
