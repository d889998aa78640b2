"""The human steps of a referral: the screening officer's decision on the triage recommendation, and the referrer's
answer to the officer's question (sent through the single-use reply link). Each records what was decided
(conditionally, audited, with the workflow resume it owes) and resumes the workflow task waiting for it
(shared.core.logic.resumes). Triage only recommends: the officer decides, and a decision other than the recommended
one carries its reason.

screen() returns None when the referral is not in the caller's council (the API answers 404).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from shared.core.adapters.case_store import CaseStore
from shared.core.adapters.reply_links import ReplyLinks
from shared.core.domain.reply_tokens import reply_path
from shared.core.adapters.workflows import Workflows
from shared.core.domain.case import CASE_ID_PATTERN, AuditEntry, ExpectedVersion
from shared.core.domain.council import TEAM_KEY_PATTERN, CouncilConfig
from shared.core.domain.formats import LongText
from shared.core.domain.pending_resume import PendingResume
from shared.core.logic.casework import EDITING_ROLES, can_see, require
from shared.core.logic.steps import NotWaitingForInformation
from shared.core.domain.reply_tokens import MAX_ATTEMPTS
from shared.core.logic.resumes import record_and_resume, resend_retried
from shared.core.logic.tenancy import Caller
from shared.services.asc_triage.domain.case import (
    RECOMMENDED_OUTCOME,
    ReferralCase,
    ReferralStage,
    ReferrerQuestion,
    Screening,
    ScreeningOutcome,
)
from shared.services.asc_triage.domain.settings import AscTriageSettings, triage_settings
from shared.services.asc_triage.domain.triage import TriageRoute

# The engine's step errors (the API and the web UI map them to 409 and 422); they live with Blue Badge's decisions.
from shared.core.logic.steps import InvalidStep, StepNotOpen

SCREENED = "SCREENED"
REFERRER_ANSWERED = "REFERRER_ANSWERED"
REFERRER_ACTOR = "referrer (reply link)"
MAX_QUESTIONS = 20  # ReferralCase.questions holds at most this many


class ScreeningInput(BaseModel):
    """The screening officer's decision; what each outcome needs is checked here, the council's rules in screen()."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    expected_version: ExpectedVersion
    outcome: ScreeningOutcome
    team: str | None = Field(default=None, pattern=TEAM_KEY_PATTERN, description="With ROUTE: the team the referral goes to")
    reason: LongText | None = Field(default=None, description="Required when the outcome is not the one triage recommended")
    linked_case_id: str | None = Field(default=None, pattern=CASE_ID_PATTERN,
                                       description="With CLOSE: the existing case of the same person it joins")
    question: LongText | None = Field(default=None, description="With ASK_REFERRER: what the referrer is asked")

    @model_validator(mode="after")
    def what_each_outcome_needs(self) -> ScreeningInput:
        routing, asking = self.outcome is ScreeningOutcome.ROUTE, self.outcome is ScreeningOutcome.ASK_REFERRER
        if routing != bool(self.team):
            raise ValueError("team: choose the team the referral goes to" if routing else "team: only given when routing the referral")
        if asking != bool(self.question):
            raise ValueError("question: say what the referrer is asked" if asking else "question: only given when asking the referrer")
        if self.linked_case_id and self.outcome is not ScreeningOutcome.CLOSE:
            raise ValueError("linked_case_id: only given when closing the referral as part of an existing case")
        return self


def overrides_recommendation(route: TriageRoute, outcome: ScreeningOutcome) -> bool:
    """Asking the referrer decides nothing yet, so it overrides nothing (the question says why)."""
    return outcome is not ScreeningOutcome.ASK_REFERRER and outcome is not RECOMMENDED_OUTCOME[route]


def routing_teams(settings: AscTriageSettings) -> list[str]:
    """The teams a screening officer may route a referral to: the council's routing teams and its safeguarding team."""
    return list(dict.fromkeys([*settings.routing_teams, settings.safeguarding_team]))


def check_screening(case: ReferralCase, given: ScreeningInput, settings: AscTriageSettings) -> bool:
    """Refuse a decision the council's rules do not allow (InvalidStep naming the field); True when it is an override."""
    if given.team is not None and given.team not in routing_teams(settings):
        raise InvalidStep("team", f"{given.team} is not a team referrals are routed to ({', '.join(routing_teams(settings))})")
    overrides = overrides_recommendation(case.recommendation.route, given.outcome)
    if overrides and not given.reason:
        recommended = RECOMMENDED_OUTCOME[case.recommendation.route].value.lower()
        raise InvalidStep("reason", f"say why the referral is not {recommended}d as triage recommended")
    if given.outcome is ScreeningOutcome.ASK_REFERRER:
        if case.application.referrer.email is None:
            raise InvalidStep("outcome", "the referrer gave no email address to send the question to: phone them on "
                                         f"{case.application.referrer.phone} and add what they say as a note")
        if len(case.questions) >= MAX_QUESTIONS:
            raise InvalidStep("question", f"the referrer has been asked {MAX_QUESTIONS} questions already: phone them")
    if given.linked_case_id == case.case_id:
        raise InvalidStep("linked_case_id", "a referral cannot be linked to itself")
    return overrides


def screen(
    store: CaseStore, workflows: Workflows, council: CouncilConfig, case_id: str, given: ScreeningInput, caller: Caller,
    now: datetime,
) -> ReferralCase | None:
    require(caller, EDITING_ROLES, "screening a referral")
    if caller.council_code != council.code:
        return None
    case = store.get(case_id)
    if not isinstance(case, ReferralCase) or not can_see(caller, case):
        return None
    if case.stage is not ReferralStage.SCREENING or not case.task_token:
        # The officer's own retry of a decision whose resume is still owed is sent again; anything else is refused.
        resent = resend_retried(store, workflows, case, given.expected_version, caller.actor, SCREENED, now)
        if resent is None:
            raise StepNotOpen(f"referral {case_id} is at {case.stage.value}, not waiting to be screened")
        return resent
    overrides = check_screening(case, given, triage_settings(council))
    if given.linked_case_id is not None and store.get(given.linked_case_id) is None:
        raise InvalidStep("linked_case_id", f"{given.linked_case_id} is not a case of {council.name}")
    screening = Screening(outcome=given.outcome, team=given.team, overrides_recommendation=overrides, reason=given.reason,
                          linked_case_id=given.linked_case_id, by=caller.user, at=now)
    changes: dict = {"screening": screening}
    if given.outcome is ScreeningOutcome.ROUTE:
        changes["team"] = given.team
    if given.outcome is ScreeningOutcome.ASK_REFERRER:
        changes["questions"] = [*case.questions, ReferrerQuestion(question=given.question, by=caller.user, at=now)]
    updated = case.changed(now, task_token=None, **changes)
    audit = AuditEntry(case_id=case_id, at=now, actor=caller.actor, action=SCREENED,
                       before={"stage": case.stage.value, "team": case.team},
                       after={"outcome": given.outcome.value, "recommendation": case.recommendation.route.value,
                              "overrides_recommendation": overrides, "team": updated.team, "linked_case_id": given.linked_case_id})
    resume = PendingResume(case_id=case_id, task_token=case.task_token, output={"outcome": given.outcome.value}, action=SCREENED,
                           actor=caller.actor, expected_version=given.expected_version, at=now)
    return record_and_resume(store, workflows, updated, given.expected_version, audit, resume)


def answer_question(store: CaseStore, workflows: Workflows, case_id: str, answer_text: str, now: datetime) -> ReferralCase:
    """Record the referrer's answer to the open question and resume the workflow (back to screening)."""
    case = store.get(case_id)
    waiting = (isinstance(case, ReferralCase) and case.stage is ReferralStage.AWAITING_INFORMATION and case.task_token
               and case.questions and case.questions[-1].answer is None)
    if not waiting:
        raise NotWaitingForInformation(f"referral {case_id} is not waiting for an answer from the referrer")
    try:
        answered = ReferrerQuestion.model_validate(case.questions[-1].model_dump() | {"answer": answer_text, "answered_at": now})
    except ValidationError:
        raise InvalidStep("answer", "enter your answer, in 4000 characters or fewer") from None
    updated = case.changed(now, task_token=None, questions=[*case.questions[:-1], answered])
    audit = AuditEntry(case_id=case_id, at=now, actor=REFERRER_ACTOR, action=REFERRER_ANSWERED,
                       before={"stage": case.stage.value}, after={"answer_length": len(answered.answer)})
    resume = PendingResume(case_id=case_id, task_token=case.task_token, output={"answered": True}, action=REFERRER_ANSWERED,
                           actor=REFERRER_ACTOR, expected_version=case.version, at=now)
    return record_and_resume(store, workflows, updated, case.version, audit, resume)


# The referrer's reply page: under the reply prefix (public, with its own rate limit), apart from Blue Badge's page.
REFERRAL_REPLY_SUFFIX = "/referral"


def referral_reply_path(token: str) -> str:
    return f"{reply_path(token)}{REFERRAL_REPLY_SUFFIX}"


def open_question(links: ReplyLinks, store: CaseStore, token: str, now: datetime) -> ReferralCase | None:
    """The referral waiting for the answer this link was sent for; None when the link is unknown, used, of an earlier
    question or past its date (one answer for all, so tokens cannot be probed). `links` and `store` are those of the
    council the token names (parse_token)."""
    link = links.find(token)
    if link is None or now >= link.due:
        return None
    case = store.get(link.case_id)
    if (isinstance(case, ReferralCase) and case.stage is ReferralStage.AWAITING_INFORMATION and case.task_token
            and case.information_due == link.due):
        return case
    return None


def answer_by_link(links: ReplyLinks, store: CaseStore, workflows: Workflows, token: str, answer_text: str,
                   now: datetime) -> ReferralCase | None:
    """The referrer's answer sent from the reply page; the link then stops working. None when the link does not work
    (or was tried too often)."""
    if not links.count_attempt(token, MAX_ATTEMPTS):
        return None
    case = open_question(links, store, token, now)
    if case is None:
        return None
    answered = answer_question(store, workflows, case.case_id, answer_text, now)
    links.revoke_all(case.case_id)
    return answered
