"""Task states of the adult social care referral workflow call this function with an action and a referral
(shared/services/asc_triage/logic/workflow_steps.py)."""

import os
from functools import cache
from typing import Literal

import boto3
from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, Field, model_validator

from shared.core.adapters.lambda_events import parsed_event
from shared.bootstrap import TRACED_MODULES, one_invocation, councils, notification_channels, reply_links_for, store_for
from shared.core.domain.case import utcnow
from shared.core.domain.council import COUNCIL_CODE_PATTERN
from shared.resources import Env
from shared.services.asc_triage.adapters.events import ReferralEvents
from shared.services.asc_triage.domain.case import HUMAN_STAGES, ReferralStage
from shared.services.asc_triage.logic import workflow_steps
from shared.services.asc_triage.logic.workflow_steps import ReferrerMail

# Service-neutral steps that live with Blue Badge's workflow steps until the core holds them.
from shared.core.logic.workflow_steps import escalate, flag_attention

logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)


class StepError(BaseModel):
    """What a Catch puts in the state (`ResultPath: $.error`)."""

    Error: str = Field(default="", max_length=256)
    Cause: str = Field(default="", max_length=32768)


class AscStepRequest(BaseModel):
    action: Literal["open", "wait", "escalate", "ask_referrer", "no_reply", "route", "signpost", "close", "flag_attention"]
    council_code: str = Field(pattern=COUNCIL_CODE_PATTERN)
    case_id: str = Field(min_length=1, max_length=64)
    task_token: str | None = Field(default=None, max_length=4096)
    timeout_seconds: int | None = Field(default=None, gt=0)
    stage: ReferralStage | None = None
    error: StepError | None = None

    @model_validator(mode="after")
    def what_each_action_needs(self) -> "AscStepRequest":
        if self.action in ("wait", "ask_referrer") and not self.task_token:
            raise ValueError(f"{self.action} needs task_token")
        if self.action == "ask_referrer" and not self.timeout_seconds:
            raise ValueError("ask_referrer needs timeout_seconds")
        if self.action == "wait" and self.stage is not ReferralStage.SCREENING:
            raise ValueError("wait is only at SCREENING (the referrer's answer is waited for by ask_referrer)")
        if self.action == "escalate" and self.stage not in HUMAN_STAGES:
            raise ValueError(f"escalate needs a stage where people act: {', '.join(sorted(HUMAN_STAGES))}")
        return self


@cache
def referrer_mail() -> ReferrerMail:
    return ReferrerMail(notification_channels(), councils())


@cache
def referral_events() -> ReferralEvents:
    return ReferralEvents(boto3.client("events"), os.environ[Env.EVENT_BUS])


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@parsed_event(AscStepRequest)
@one_invocation  # each council's settings read once per invocation, never kept for the next
def lambda_handler(request: AscStepRequest, context: LambdaContext) -> dict:
    logger.append_keys(council_code=request.council_code, case_id=request.case_id, action=request.action)
    store, now, case_id = store_for(request.council_code), utcnow(), request.case_id
    match request.action:
        case "open":
            case = workflow_steps.open_referral(store, referrer_mail(), case_id, now)
        case "wait":
            case = workflow_steps.wait_for_screening(store, case_id, request.task_token, now)
        case "escalate":
            case = escalate(store, case_id, request.stage, now)
        case "ask_referrer":
            case = workflow_steps.ask_referrer(store, referrer_mail(), reply_links_for(request.council_code),
                                               os.environ.get(Env.WEB_BASE_URL), case_id, request.task_token,
                                               request.timeout_seconds, now)
        case "no_reply":
            case = workflow_steps.no_reply(store, case_id, now)
        case "route":
            case = workflow_steps.route(store, referrer_mail(), referral_events(), councils().get(request.council_code), case_id, now)
        case "signpost":
            case = workflow_steps.signpost(store, referrer_mail(), councils().get(request.council_code), case_id, now)
        case "close":
            case = workflow_steps.close(store, referrer_mail(), case_id, now)
        case "flag_attention":
            error = request.error or StepError()
            case = flag_attention(store, case_id, error.Error, error.Cause, now)
    logger.info("referral workflow step done", extra={"stage": case.stage.value})
    return {"stage": case.stage.value}
