"""Task states of the Family Front Door contact workflow call this function with an action and a contact
(shared/services/family_front_door/logic/workflow_steps.py)."""

import os
from functools import cache
from typing import Literal

import boto3
from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, Field, model_validator

from shared.core.adapters.lambda_events import parsed_event
from shared.bootstrap import TRACED_MODULES, councils, notification_channels, one_invocation, store_for
from shared.core.adapters.bus_events import BusEvents
from shared.core.adapters.workflows import Workflows
from shared.core.domain.case import utcnow
from shared.core.domain.council import COUNCIL_CODE_PATTERN
from shared.core.logic.workflow_steps import escalate, flag_attention
from shared.resources import Env
from shared.services.family_front_door import SERVICE_KEY
from shared.services.family_front_door.domain.case import ContactStage
from shared.services.family_front_door.logic import workflow_steps
from shared.services.family_front_door.logic.workflow_steps import PartnerMail

logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)

CALLBACK_ACTIONS = ("wait", "ask_partner", "remind_partner")


class FfdStepRequest(BaseModel):
    action: Literal["open", "wait", "escalate", "ask_partner", "remind_partner", "no_answer", "accept", "close", "flag_attention"]
    council_code: str = Field(pattern=COUNCIL_CODE_PATTERN)
    case_id: str = Field(min_length=1, max_length=64)
    task_token: str | None = Field(default=None, max_length=4096)
    stage: ContactStage | None = None
    # What a Catch puts in the state (`ResultPath: $.error`): {"Error": ..., "Cause": ...}.
    error: dict[str, str] | None = None

    @model_validator(mode="after")
    def what_each_action_needs(self) -> "FfdStepRequest":
        if self.action in CALLBACK_ACTIONS and not self.task_token:
            raise ValueError(f"{self.action} needs task_token")
        if self.action in ("wait", "escalate") and self.stage is not ContactStage.SCREENING:
            raise ValueError(f"{self.action} is only at SCREENING (the partner's answer is waited for by ask_partner)")
        return self


@cache
def partner_mail() -> PartnerMail:
    return PartnerMail(notification_channels(), councils(), os.environ.get(Env.WEB_BASE_URL))


@cache
def contact_events() -> BusEvents:
    return BusEvents(boto3.client("events"), os.environ[Env.EVENT_BUS])


@cache
def task_resumes() -> Workflows:
    """Resumes this workflow's own waits (a reminder wait whose question was answered meanwhile); it starts none."""
    return Workflows(boto3.client("stepfunctions"), {})


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@parsed_event(FfdStepRequest)
@one_invocation  # each council's settings read once per invocation, never kept for the next
def lambda_handler(request: FfdStepRequest, context: LambdaContext) -> dict:
    logger.append_keys(council_code=request.council_code, case_id=request.case_id, action=request.action)
    store, now, case_id = store_for(request.council_code).serving(SERVICE_KEY), utcnow(), request.case_id
    match request.action:
        case "open":
            case = workflow_steps.open_contact(store, partner_mail(), case_id, now)
        case "wait":
            case = workflow_steps.wait_for_screening(store, case_id, request.task_token, now)
        case "escalate":
            case = escalate(store, case_id, request.stage, now)
        case "ask_partner":
            case = workflow_steps.ask_partner(store, partner_mail(), councils(), case_id, request.task_token, now)
        case "remind_partner":
            case = workflow_steps.remind_partner(store, partner_mail(), task_resumes(), case_id, request.task_token, now)
        case "no_answer":
            case = workflow_steps.no_answer(store, case_id, now)
        case "accept":
            case = workflow_steps.accept(store, partner_mail(), contact_events(), case_id, now)
        case "close":
            case = workflow_steps.close(store, partner_mail(), case_id, now)
        case "flag_attention":
            error = request.error or {}
            case = flag_attention(store, case_id, error.get("Error", ""), error.get("Cause", ""), now)
    logger.info("contact workflow step done", extra={"stage": case.stage.value})
    return {"stage": case.stage.value}
