"""Referral changes made by the task states of the adult social care referral workflow (statemachines/asc-referral.asl.json).

Each step is safe to repeat: a retried task finds the referral changed already and changes nothing twice. Emails to
the referrer never block a step: their outcome is recorded in the case history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from shared.core.adapters.case_store import CaseStore
from shared.core.adapters.email import EmailSender
from shared.core.adapters.notify import CouncilChannels
from shared.core.adapters.reply_links import ReplyLinks
from shared.core.domain.case import WORKFLOW_ACTOR, AuditEntry, utcnow
from shared.core.domain.council import CouncilConfig, CouncilRegistry
from shared.core.logic.emails import send_and_record
from shared.services.asc_triage.adapters.events import ReferralEvents
from shared.services.asc_triage.domain import crm
from shared.services.asc_triage.domain.case import ReferralCase, ReferralStage, ScreeningOutcome
from shared.services.asc_triage.domain.notifications import ReferralEmail, referrer_email
from shared.services.asc_triage.domain.referral import Referral, ReferralFor
from shared.services.asc_triage.domain.settings import triage_settings
from shared.services.asc_triage.domain.signposting import OUTCOMES, signposts_for
from shared.services.asc_triage.logic.screening import referral_reply_path

# Service-neutral pieces that live with Blue Badge's workflow steps until the core holds them.
from shared.core.logic.workflow_steps import CaseNotFound

CARER_SUPPORT = "carer_support"
MAX_EVENT_REASON = 300  # a reason in the Referral Accepted event is one line of at most this many characters


class ReferrerMail:
    """Emails the referrer through the core email delivery, and records what became of each email on the case."""

    def __init__(self, sender: EmailSender | CouncilChannels, councils: CouncilRegistry, clock: Callable[[], datetime] = utcnow):
        self._sender, self._councils, self._clock = sender, councils, clock

    def send(self, store: CaseStore, case: ReferralCase, kind: ReferralEmail, **details: Any) -> None:
        message = referrer_email(kind, self._councils.get(case.council_code), case, **details)
        send_and_record(self._sender, store, case, kind, message, "the referrer gave no email address: phone them", self._clock())


def _referral(store: CaseStore, case_id: str) -> ReferralCase:
    case = store.get(case_id)
    if not isinstance(case, ReferralCase):
        raise CaseNotFound(f"referral {case_id} is not in {store.table_name}")
    return case


def _move(store: CaseStore, case: ReferralCase, stage: ReferralStage, now: datetime, action: str = "STAGE_CHANGED",
          audited: dict[str, Any] | None = None, **fields: Any) -> ReferralCase:
    moved = case.moved_to(stage, now).model_copy(update=fields)
    audit = AuditEntry(case_id=case.case_id, at=now, actor=WORKFLOW_ACTOR, action=action,
                       before={"stage": case.stage.value}, after={"stage": stage.value} | (audited or {}))
    store.save(moved, expected_version=case.version, audit=audit)
    return moved


def _screened_to(case: ReferralCase, outcome: ScreeningOutcome) -> None:
    """The workflow acts on the officer's decision: a step that finds another one stops (FlagAttention)."""
    if case.screening is None or case.screening.outcome is not outcome:
        found = case.screening.outcome.value if case.screening else "no decision"
        raise ValueError(f"referral {case.case_id} was not screened to {outcome.value} ({found})")


def team_name(council: CouncilConfig, team_key: str) -> str:
    return next((team.name for team in council.teams if team.key == team_key), team_key)


def open_referral(store: CaseStore, mail: ReferrerMail, case_id: str, now: datetime) -> ReferralCase:
    """RECEIVED -> SCREENING, and the referrer is told the referral arrived, with its reference."""
    case = _referral(store, case_id)
    if case.stage is not ReferralStage.RECEIVED:
        return case
    opened = _move(store, case, ReferralStage.SCREENING, now)
    mail.send(store, opened, ReferralEmail.RECEIVED)
    return opened


def wait_for_screening(store: CaseStore, case_id: str, task_token: str, now: datetime) -> ReferralCase:
    """Keep the token the screening officer's decision resumes; a referral back from the referrer (answered)
    moves to SCREENING. A renewed wait (after an escalation) keeps its flag for the team leader."""
    case = _referral(store, case_id)
    arriving = case.stage is not ReferralStage.SCREENING
    if arriving:
        case.moved_to(ReferralStage.SCREENING, now)  # refuses a move the stage table does not allow
    waiting = case.changed(now, stage=ReferralStage.SCREENING, task_token=task_token,
                           needs_attention=None if arriving else case.needs_attention)
    audit = AuditEntry(case_id=case_id, at=now, actor=WORKFLOW_ACTOR, action="STAGE_CHANGED" if arriving else "WAITING_FOR_SCREENING",
                       before={"stage": case.stage.value}, after={"stage": ReferralStage.SCREENING.value})
    store.save(waiting, expected_version=case.version, audit=audit)
    return waiting


def ask_referrer(
    store: CaseStore, mail: ReferrerMail, links: ReplyLinks, base_url: str | None, case_id: str, task_token: str,
    timeout_seconds: int, now: datetime,
) -> ReferralCase:
    """SCREENING -> AWAITING_INFORMATION with the token the referrer's answer resumes and the date it is due, and the
    officer's question emailed to the referrer with a single-use reply link. A retry keeps the due date."""
    case = _referral(store, case_id)
    if not case.questions or case.questions[-1].answer is not None:
        raise ValueError(f"referral {case_id} has no open question for the referrer")
    asking = case.stage is not ReferralStage.AWAITING_INFORMATION
    if asking:
        case.moved_to(ReferralStage.AWAITING_INFORMATION, now)
    due = now + timedelta(seconds=timeout_seconds) if asking or case.information_due is None else case.information_due
    waiting = case.changed(now, stage=ReferralStage.AWAITING_INFORMATION, task_token=task_token, information_due=due,
                           reminder_sent_at=None)
    audit = AuditEntry(case_id=case_id, at=now, actor=WORKFLOW_ACTOR, action="REFERRER_ASKED" if asking else "TASK_RENEWED",
                       before={"stage": case.stage.value}, after={"stage": ReferralStage.AWAITING_INFORMATION.value, "due": due.isoformat()})
    store.save(waiting, expected_version=case.version, audit=audit)
    reply_url = None
    if base_url and case.application.referrer.email:
        reply_url = base_url.rstrip("/") + referral_reply_path(links.issue(case_id, due, now))
    mail.send(store, waiting, ReferralEmail.QUESTION, question=case.questions[-1].question, reply_url=reply_url, reply_by=due)
    return waiting


def no_reply(store: CaseStore, case_id: str, now: datetime) -> ReferralCase:
    """The referrer did not answer in time: back to SCREENING, noted, for the officer to decide without the answer."""
    case = _referral(store, case_id)
    if case.stage is not ReferralStage.AWAITING_INFORMATION:
        return case
    due = case.information_due or now
    note = f"The referrer did not answer by {due.day} {due:%B %Y}: decide with what the referral says, or phone them"
    return _move(store, case, ReferralStage.SCREENING, now, action="NO_REPLY", audited={"note": note})


def _event_reason(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MAX_EVENT_REASON else line[:MAX_EVENT_REASON - 1] + "…"


def accepted_event(case: ReferralCase, council: CouncilConfig) -> crm.ReferralAccepted:
    """The Referral Accepted event of a referral the officer routed. Its id is the case's, so a repeated put (a retried
    step) is one delivery to the CRM."""
    screening, adult, referrer = case.screening, case.application.adult, case.application.referrer
    assert screening is not None and screening.team is not None
    reasons = [_event_reason(reason) for reason in case.recommendation.reasons]
    if screening.overrides_recommendation and screening.reason:
        reasons.insert(0, _event_reason(f"Accepted against the recommendation: {screening.reason}"))
    return crm.ReferralAccepted(
        event_id=f"{case.case_id}-accepted", council_code=case.council_code, case_id=case.case_id, reference=case.reference,
        accepted_at=screening.at, team=team_name(council, screening.team),
        adult=crm.Adult(given_name=adult.given_name, family_name=adult.family_name, date_of_birth=adult.date_of_birth,
                        nhs_number=adult.nhs_number, postcode=adult.address.postcode),
        triage=crm.Triage(route=case.recommendation.route.value, reasons=reasons[:20]),
        source=crm.ReferralSource(kind=referrer.kind, organisation=referrer.organisation),
    )


def route(store: CaseStore, mail: ReferrerMail, events: ReferralEvents, council: CouncilConfig, case_id: str,
          now: datetime) -> ReferralCase:
    """SCREENING -> ROUTED to the team the officer chose; the Referral Accepted event goes on the bus and the referrer
    hears where the referral went."""
    case = _referral(store, case_id)
    if case.stage is ReferralStage.ROUTED:
        return case
    _screened_to(case, ScreeningOutcome.ROUTE)
    # Put before the move: a step that fails after it puts the same event again, never none.
    events.accepted(accepted_event(case, council))
    routed = _move(store, case, ReferralStage.ROUTED, now, audited={"team": case.team}, routed_at=now)
    mail.send(store, routed, ReferralEmail.ROUTED, team_name=team_name(council, routed.team or ""))
    return routed


def outcomes_not_achieved(referral: Referral) -> list[str]:
    """The outcomes the person cannot achieve in any way, for signposting; a carer also gets support for carers."""
    answers = referral.answers
    given = answers.carer.outcomes if answers.carer is not None else answers.outcomes
    unable = [outcome for outcome, ways in given.items() if ways and outcome in OUTCOMES]
    return [*unable, CARER_SUPPORT] if referral.referral_for is ReferralFor.CARER else unable


def signpost(store: CaseStore, mail: ReferrerMail, council: CouncilConfig, case_id: str, now: datetime) -> ReferralCase:
    """SCREENING -> SIGNPOSTED, and the referrer is sent the council's community support for the person's needs."""
    case = _referral(store, case_id)
    if case.stage is ReferralStage.SIGNPOSTED:
        return case
    _screened_to(case, ScreeningOutcome.SIGNPOST)
    referral = case.application
    entries = signposts_for(triage_settings(council).directory, outcomes_not_achieved(referral), referral.adult.address.postcode)
    signposted = _move(store, case, ReferralStage.SIGNPOSTED, now, audited={"signposts": [entry.id for entry in entries]})
    mail.send(store, signposted, ReferralEmail.SIGNPOSTED, signposts=entries)
    return signposted


def close(store: CaseStore, mail: ReferrerMail, case_id: str, now: datetime) -> ReferralCase:
    """SCREENING -> CLOSED (no further action, or joined to the person's existing case), and the referrer is told."""
    case = _referral(store, case_id)
    if case.stage is ReferralStage.CLOSED:
        return case
    _screened_to(case, ScreeningOutcome.CLOSE)
    closed = _move(store, case, ReferralStage.CLOSED, now, audited={"linked_case_id": case.screening.linked_case_id})
    mail.send(store, closed, ReferralEmail.CLOSED)
    return closed
