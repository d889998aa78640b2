"""Contact changes made by the task states of the Family Front Door workflow (statemachines/ffd-contact.asl.json).

Each step is safe to repeat: a retried task finds the contact changed already and changes nothing twice. Emails to
the partner never block a step: their outcome is recorded in the contact's history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from shared.core.adapters.bus_events import BusEvents
from shared.core.adapters.case_store import CaseStore
from shared.core.adapters.email import EmailSender
from shared.core.adapters.notify import CouncilChannels
from shared.core.adapters.workflows import Workflows
from shared.core.domain.case import WORKFLOW_ACTOR, AuditEntry, utcnow
from shared.core.domain.council import CouncilRegistry
from shared.core.logic.emails import send_and_record
from shared.core.logic.workflow_steps import CaseNotFound
from shared.services.family_front_door.domain.accepted import CONTACT_ACCEPTED, accepted_event
from shared.services.family_front_door.domain.case import ContactCase, ContactStage, ScreeningDecision
from shared.services.family_front_door.domain.notifications import ContactEmail, referrer_email
from shared.services.family_front_door.domain.settings import front_door_settings

WAITING_FOR_SCREENING = "WAITING_FOR_SCREENING"
PARTNER_ASKED = "PARTNER_ASKED"
PARTNER_REMINDED = "PARTNER_REMINDED"
NO_ANSWER = "NO_ANSWER"


class PartnerMail:
    """Emails the partner through the core email delivery, and records what became of each email on the contact."""

    def __init__(self, sender: EmailSender | CouncilChannels, councils: CouncilRegistry, base_url: str | None,
                 clock: Callable[[], datetime] = utcnow):
        self._sender, self._councils, self._base_url, self._clock = sender, councils, base_url, clock

    def send(self, store: CaseStore, case: ContactCase, kind: ContactEmail) -> None:
        message = referrer_email(kind, self._councils.get(case.council_code), case, self._base_url)
        send_and_record(self._sender, store, case, kind, message, "", self._clock())


def _contact(store: CaseStore, case_id: str) -> ContactCase:
    case = store.get(case_id)
    if not isinstance(case, ContactCase):
        raise CaseNotFound(f"contact {case_id} is not in {store.table_name}")
    return case


def _move(store: CaseStore, case: ContactCase, stage: ContactStage, now: datetime, action: str = "STAGE_CHANGED",
          audited: dict[str, Any] | None = None, **fields: Any) -> ContactCase:
    moved = case.moved_to(stage, now).model_copy(update=fields)
    audit = AuditEntry(case_id=case.case_id, at=now, actor=WORKFLOW_ACTOR, action=action,
                       before={"stage": case.stage.value}, after={"stage": stage.value} | (audited or {}))
    store.save(moved, expected_version=case.version, audit=audit, before=case)
    return moved


def open_contact(store: CaseStore, mail: PartnerMail, case_id: str, now: datetime) -> ContactCase:
    """RECEIVED -> SCREENING (the holding area), and the partner is told it arrived, with its reference."""
    case = _contact(store, case_id)
    if case.stage is not ContactStage.RECEIVED:
        return case
    opened = _move(store, case, ContactStage.SCREENING, now)
    mail.send(store, opened, ContactEmail.RECEIVED)
    return opened


def wait_for_screening(store: CaseStore, case_id: str, task_token: str, now: datetime) -> ContactCase:
    """Keep the token the team's decision resumes; a contact back from the partner moves to SCREENING. A renewed wait
    (after an escalation) keeps its flag for the team leader."""
    case = _contact(store, case_id)
    arriving = case.stage is not ContactStage.SCREENING
    if arriving:
        case.moved_to(ContactStage.SCREENING, now)  # refuses a move the stage table does not allow
    waiting = case.changed(now, stage=ContactStage.SCREENING, task_token=task_token,
                           needs_attention=None if arriving else case.needs_attention)
    audit = AuditEntry(case_id=case_id, at=now, actor=WORKFLOW_ACTOR, action="STAGE_CHANGED" if arriving else WAITING_FOR_SCREENING,
                       before={"stage": case.stage.value}, after={"stage": ContactStage.SCREENING.value})
    store.save(waiting, expected_version=case.version, audit=audit, before=case)
    return waiting


def _decided(case: ContactCase, decision: ScreeningDecision) -> None:
    """The workflow acts on the team's decision: a step that finds another one stops (FlagAttention)."""
    found = (ScreeningDecision.ASK_PARTNER if case.open_request is not None and case.outcome is None
             else ScreeningDecision.ACCEPT if case.accepted else ScreeningDecision.CLOSE if case.outcome else None)
    if found is not decision:
        raise ValueError(f"contact {case.case_id} was not decided {decision.value} ({found.value if found else 'no decision'})")


def ask_partner(store: CaseStore, mail: PartnerMail, councils: CouncilRegistry, case_id: str, task_token: str,
                now: datetime) -> ContactCase:
    """SCREENING -> AWAITING_INFORMATION with the token the partner's answer resumes and the time it is due by (the
    council's), and the partner emailed that a question waits in the portal. A retry keeps the due time."""
    case = _contact(store, case_id)
    _decided(case, ScreeningDecision.ASK_PARTNER)
    question = case.open_request
    assert question is not None  # _decided
    asking = case.stage is not ContactStage.AWAITING_INFORMATION
    if asking:
        case.moved_to(ContactStage.AWAITING_INFORMATION, now)
    hours = front_door_settings(councils.get(case.council_code)).answer_within_hours
    due = question.due if question.due is not None else now + timedelta(hours=hours)
    asked = question.model_copy(update={"due": due})
    waiting = case.changed(now, stage=ContactStage.AWAITING_INFORMATION, task_token=task_token, information_due=due,
                           reminder_sent_at=None, information_requests=[*case.information_requests[:-1], asked])
    audit = AuditEntry(case_id=case_id, at=now, actor=WORKFLOW_ACTOR, action=PARTNER_ASKED if asking else "TASK_RENEWED",
                       before={"stage": case.stage.value}, after={"stage": ContactStage.AWAITING_INFORMATION.value, "due": due.isoformat()})
    store.save(waiting, expected_version=case.version, audit=audit, before=case)
    if asking:
        mail.send(store, waiting, ContactEmail.QUESTION)
    return waiting


def remind_partner(store: CaseStore, mail: PartnerMail, workflows: Workflows, case_id: str, task_token: str,
                   now: datetime) -> ContactCase:
    """The reminder is due: the new token kept and the partner reminded. A question answered meanwhile (the answer's
    resume found the first wait over) resumes this wait at once, so the answer is not lost."""
    case = _contact(store, case_id)
    if case.stage is not ContactStage.AWAITING_INFORMATION:
        return case
    if case.open_request is None:
        workflows.resume(task_token, {"answered": True})
        return case
    reminding = case.reminder_sent_at is None
    waiting = case.changed(now, task_token=task_token, reminder_sent_at=case.reminder_sent_at or now)
    audit = AuditEntry(case_id=case_id, at=now, actor=WORKFLOW_ACTOR, action=PARTNER_REMINDED if reminding else "TASK_RENEWED",
                       after={"due": case.information_due.isoformat() if case.information_due else None})
    store.save(waiting, expected_version=case.version, audit=audit, before=case)
    if reminding:
        mail.send(store, waiting, ContactEmail.REMINDER)
    return waiting


def no_answer(store: CaseStore, case_id: str, now: datetime) -> ContactCase:
    """The partner did not answer in time: back to SCREENING, noted, for the team to decide without the answer."""
    case = _contact(store, case_id)
    if case.stage is not ContactStage.AWAITING_INFORMATION:
        return case
    due = case.information_due or now
    note = f"The partner did not answer by {due.day} {due:%B %Y}: decide with what the contact says, or phone them"
    return _move(store, case, ContactStage.SCREENING, now, action=NO_ANSWER, audited={"note": note})


def accept(store: CaseStore, mail: PartnerMail, events: BusEvents, case_id: str, now: datetime) -> ContactCase:
    """SCREENING -> ACCEPTED: the Contact Accepted event goes on the bus (the connector opens the episode in the
    council's record system) and the partner is sent the team's reply."""
    case = _contact(store, case_id)
    if case.stage is ContactStage.ACCEPTED:
        return case
    _decided(case, ScreeningDecision.ACCEPT)
    # Put before the move: a step that fails after it puts the same event again (the same id), never none.
    events.put(CONTACT_ACCEPTED, accepted_event(case), case.case_id)
    accepted = _move(store, case, ContactStage.ACCEPTED, now, audited={"outcome": case.outcome.outcome.value})
    mail.send(store, accepted, ContactEmail.OUTCOME)
    return accepted


def close(store: CaseStore, mail: PartnerMail, case_id: str, now: datetime) -> ContactCase:
    """SCREENING -> CLOSED (information and advice, or no further action), and the partner is sent the team's reply."""
    case = _contact(store, case_id)
    if case.stage is ContactStage.CLOSED:
        return case
    _decided(case, ScreeningDecision.CLOSE)
    closed = _move(store, case, ContactStage.CLOSED, now, audited={"outcome": case.outcome.outcome.value})
    mail.send(store, closed, ContactEmail.OUTCOME)
    return closed
