"""The Family Front Door's service functions, called by the partner portal and the front-door team's pages.

Partners: submit a complete form (it becomes a contact, acknowledged with its reference, its workflow started), list
their own submissions and (where the council allows) their agency's, read one as a partner may, and answer the team's
question (which resumes the waiting workflow).

The team: take responsibility as screening officer, override the level of need with a reason, ask the partner for
more, record the outcome (which resumes the workflow: accepted contacts go to the record system), see earlier
contacts about the same child, and open a document the partner attached (each opening logged as a read of the record).

Every change of a contact is conditional on the version the caller read and audited (CaseStore.save); a step the
workflow waits for is saved with the resume it owes (shared.core.logic.resumes). Functions given a caller answer None
when the contact is not one of the caller's council's (the page answers 404); lists are one Query each, on a listed
search key (shared.services.family_front_door.domain.lookups).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from shared.core.adapters.case_store import CaseStore, DuplicateApplication
from shared.core.adapters.workflows import Workflows
from shared.core.domain.business_hours import add_business_hours
from shared.core.domain.case import AuditEntry, MissingItem, is_case_id_of
from shared.core.domain.council import CouncilConfig
from shared.core.domain.history import VIEWED
from shared.core.domain.pending_resume import PendingResume
from shared.core.logic.casework import ALLOCATING_ROLES, EDITING_ROLES, StaffCheck, can_see, ensure_staff, require
from shared.core.logic.resumes import record_and_resume, resend_retried
from shared.core.logic.steps import InvalidStep, NotWaitingForInformation, StepNotOpen
from shared.core.logic.tenancy import Caller
from shared.services.family_front_door.domain.case import (
    ACCEPTING_OUTCOMES,
    CLOSED_STAGES,
    MAX_INFORMATION_REQUESTS,
    OUTCOME_NAMES,
    ContactCase,
    ContactOutcome,
    ContactStage,
    InformationAsk,
    Outcome,
    PriorityOverride,
    ScreeningDecision,
)
from shared.services.family_front_door.domain.drafts import Attachment
from shared.services.family_front_door.domain.lookups import (
    AGENCY_LOOKUP,
    SUBMITTER_LOOKUP,
    address_lookup,
    child_lookup,
)
from shared.services.family_front_door.domain.queue_row import ContactQueueRow
from shared.services.family_front_door.domain.settings import FamilyFrontDoorSettings, front_door_settings
from shared.services.family_front_door.domain.submission import (
    CauseForConcern,
    Channel,
    InformationRequest,
    Submission,
    SubmissionKind,
    Submitter,
    missing_information,
)

# Audit actions of the steps recorded here (the history words them: shared.services.family_front_door.domain.history).
CONTACT_RECEIVED = "CONTACT_RECEIVED"
RESPONSIBILITY_TAKEN = "RESPONSIBILITY_TAKEN"
RESPONSIBILITY_GIVEN = "RESPONSIBILITY_GIVEN"
PRIORITY_OVERRIDDEN = "PRIORITY_OVERRIDDEN"
INFORMATION_REQUESTED = "INFORMATION_REQUESTED"
PARTNER_ANSWERED = "PARTNER_ANSWERED"
OUTCOME_RECORDED = "OUTCOME_RECORDED"


class SubmissionIncomplete(ValueError):
    """The form cannot be sent yet: `missing` names each field still needed (GOV.UK error messages)."""

    def __init__(self, missing: list[MissingItem]):
        super().__init__("; ".join(f"{item.code}: {item.description}" for item in missing))
        self.missing = missing


class ColleaguesNotShown(PermissionError):
    """The council does not let partners see their agency colleagues' submissions."""


def partner_actor(submitter: Submitter) -> str:
    """How the audit trail names a partner (staff are "user:<email>")."""
    return f"partner:{submitter.email}"


def _due(council: CouncilConfig, settings: FamilyFrontDoorSettings, level: str, received_at: datetime) -> datetime:
    found = settings.level(level)
    assert found is not None  # settings validated: every urgency maps to a level
    return add_business_hours(received_at, found.response_hours, council.nation.value)


def workflow_input(case: ContactCase, council: CouncilConfig) -> dict:
    """What a contact's workflow execution starts with: the reminder, then the rest of the partner's time to answer."""
    settings = front_door_settings(council)
    return {"council_code": case.council_code, "case_id": case.case_id,
            "reminder_after_seconds": settings.reminder_after_hours * 3600,
            "answer_window_seconds": (settings.answer_within_hours - settings.reminder_after_hours) * 3600}


# ------------------------------------------------------------------ partners
def submit(
    store: CaseStore, workflows: Workflows, council: CouncilConfig, submitter: Submitter,
    form: CauseForConcern | InformationRequest, now: datetime, *, case_id: str | None = None,
    submission_id: str | None = None, channel: Channel = Channel.PORTAL, documents: Sequence[Attachment] = (),
) -> ContactCase:
    """The complete form as a new contact in the council's holding area at the level the partner's urgency maps to,
    its workflow started (which acknowledges it by email with its reference). SubmissionIncomplete names what is
    missing. `case_id`: the id the portal gave the draft (its attachments already sit under it); `documents`: those
    attachments, kept on the contact (each must lie in its own folder); `submission_id`: the portal's id of the form
    (a repeat of it answers the contact it became)."""
    if missing := missing_information(form):
        raise SubmissionIncomplete(missing)
    if case_id is not None and not is_case_id_of(council.code, case_id):
        raise ValueError(f"case_id: {case_id!r} is not an id of {council.code}'s (shared.core.domain.case.new_case_id)")
    if isinstance(form, CauseForConcern):
        form = form.relevant_only()
    submission = Submission(submission_id=submission_id or case_id or uuid.uuid4().hex, council_code=council.code,
                            submitted_at=now, channel=channel, submitter=submitter, form=form)
    existing = store.case_for_application(submission.submission_id)
    if existing is not None:
        return _started(store.get(existing), council, workflows)
    settings = front_door_settings(council)
    level = settings.urgency_levels[form.urgency]
    case = ContactCase.open(case_id, submission, level, settings.priority_of(level), settings.team,
                            _due(council, settings, level, now), now, documents)
    audit = AuditEntry(case_id=case.case_id, at=now, actor=partner_actor(submitter), action=CONTACT_RECEIVED,
                       after={"kind": submission.kind.value, "level": level, "team": settings.team,
                              "response_due": case.response_due.isoformat(), "agency": submitter.agency_name,
                              "channel": channel.value, "documents": len(case.documents)})
    try:
        store.create(case, audit)
    except DuplicateApplication as duplicate:  # the same form sent twice at the same moment
        return _started(store.get(duplicate.existing_case_id), council, workflows)
    return _started(case, council, workflows)


def _started(case: object, council: CouncilConfig, workflows: Workflows) -> ContactCase:
    if not isinstance(case, ContactCase):
        raise RuntimeError("the submission's marker names a case that is not a contact")
    # Started on every delivery: a repeat after a crash between the write and the start starts it; the execution
    # name (the case id) makes a second start a no-op.
    workflows.start(case.workflow, case.execution_name, workflow_input(case, council))
    return case


def _newest_first(rows: list) -> list[ContactQueueRow]:
    return sorted(rows, key=lambda row: row.received_at, reverse=True)


def submissions_of(store: CaseStore, council: CouncilConfig, user_id: str) -> list[ContactQueueRow]:
    """A partner's own submissions with their status, newest first: one Query on their listed search key."""
    return _newest_first(store.lookup_rows(SUBMITTER_LOOKUP, user_id))


def agency_submissions(store: CaseStore, council: CouncilConfig, agency_id: str) -> list[ContactQueueRow]:
    """Every submission of the partner's agency, newest first (one Query), where the council lets colleagues see them;
    ColleaguesNotShown where it does not."""
    if not front_door_settings(council).colleagues_see_agency_submissions:
        raise ColleaguesNotShown(f"{council.name} does not show partners their colleagues' submissions")
    return _newest_first(store.lookup_rows(AGENCY_LOOKUP, agency_id))


def may_partner_see(council: CouncilConfig, case: ContactCase, user_id: str, agency_id: str) -> bool:
    submitter = case.application.submitter
    if submitter.user_id == user_id:
        return True
    return submitter.agency_id == agency_id and front_door_settings(council).colleagues_see_agency_submissions


@dataclass(frozen=True)
class PartnerView:
    """What a partner sees of a submission: what they sent, where it stands, the team's questions and their answers,
    and the outcome with the team's reply. Never the team's notes, level of need, officer or history."""

    reference: str
    kind: SubmissionKind
    submission: Submission
    stage: ContactStage
    status: str
    questions: list[InformationAsk]
    question_open: bool
    outcome: str | None
    reply: str | None
    version: int  # what the partner's answer sends back
    documents: list[Attachment]  # what they attached (named and described on the page, never linked)


PARTNER_STATUS = {
    ContactStage.RECEIVED: "Received", ContactStage.SCREENING: "Being looked at",
    ContactStage.AWAITING_INFORMATION: "More information needed",
}


def partner_view(case: ContactCase) -> PartnerView:
    outcome = case.outcome
    return PartnerView(
        reference=case.reference, kind=case.kind, submission=case.application, stage=case.stage,
        status=OUTCOME_NAMES[outcome.outcome] if outcome and case.is_closed else PARTNER_STATUS.get(case.stage, "Closed"),
        questions=list(case.information_requests), question_open=case.open_request is not None and bool(case.task_token),
        outcome=OUTCOME_NAMES[outcome.outcome] if outcome and case.is_closed else None,
        reply=outcome.reply if outcome and case.is_closed else None, version=case.version, documents=list(case.documents),
    )


def partner_submission(store: CaseStore, council: CouncilConfig, case_id: str, user_id: str, agency_id: str) -> PartnerView | None:
    """One submission as the partner may see it (GetItem); None when it is not theirs to see (the page answers 404)."""
    case = store.get(case_id) if is_case_id_of(council.code, case_id) else None
    if not isinstance(case, ContactCase) or case.council_code != council.code or not may_partner_see(council, case, user_id, agency_id):
        return None
    return partner_view(case)


def answer_information_request(
    store: CaseStore, workflows: Workflows, council: CouncilConfig, case_id: str, expected_version: int, answer: str,
    submitter: Submitter, now: datetime,
) -> ContactCase | None:
    """The partner's answer to the team's open question, recorded and the waiting workflow resumed (back to
    screening). None when the submission is not theirs to see; NotWaitingForInformation when no question waits
    (answered already, or past its time); InvalidStep("answer") for an empty or overlong answer."""
    case = store.get(case_id) if is_case_id_of(council.code, case_id) else None
    if not isinstance(case, ContactCase) or case.council_code != council.code or \
            not may_partner_see(council, case, submitter.user_id, submitter.agency_id):
        return None
    actor = partner_actor(submitter)
    question = case.open_request
    if case.stage is not ContactStage.AWAITING_INFORMATION or not case.task_token or question is None:
        resent = resend_retried(store, workflows, case, expected_version, actor, PARTNER_ANSWERED, now)
        if resent is None:
            raise NotWaitingForInformation(f"contact {case_id} is not waiting for an answer")
        return resent  # type: ignore[return-value]
    try:
        answered = InformationAsk.model_validate(question.model_dump() | {"answer": answer, "answered_by": submitter.email,
                                                                          "answered_at": now})
    except ValidationError:
        raise InvalidStep("answer", "Enter your answer, in 4000 characters or fewer") from None
    updated = case.changed(now, task_token=None, information_requests=[*case.information_requests[:-1], answered])
    audit = AuditEntry(case_id=case_id, at=now, actor=actor, action=PARTNER_ANSWERED, before={"stage": case.stage.value},
                       after={"answer_length": len(answered.answer or "")})
    resume = PendingResume(case_id=case_id, task_token=case.task_token, output={"answered": True}, action=PARTNER_ANSWERED,
                           actor=actor, expected_version=expected_version, at=now)
    return record_and_resume(store, workflows, updated, expected_version, audit, resume)  # type: ignore[return-value]


# ------------------------------------------------------------------ the front-door team
def _team_contact(store: CaseStore, council: CouncilConfig, case_id: str, caller: Caller, doing: str) -> ContactCase | None:
    require(caller, EDITING_ROLES, doing)
    if caller.council_code != council.code:
        return None
    case = store.get(case_id)
    return case if isinstance(case, ContactCase) and can_see(caller, case) else None


def _open(case: ContactCase) -> None:
    if case.stage in CLOSED_STAGES:
        raise StepNotOpen(f"contact {case.case_id} is closed ({case.stage.value})")


def take_responsibility(store: CaseStore, council: CouncilConfig, case_id: str, expected_version: int, caller: Caller,
                        now: datetime) -> ContactCase | None:
    """The caller becomes the contact's screening officer (and its assignee in the queues)."""
    case = _team_contact(store, council, case_id, caller, "taking responsibility for a contact")
    if case is None:
        return None
    _open(case)
    return _make_screening_officer(store, case, expected_version, caller.user, caller, now, RESPONSIBILITY_TAKEN)


def hand_to_officer(store: CaseStore, council: CouncilConfig, case_id: str, expected_version: int, officer: str,
                    caller: Caller, now: datetime, is_officer: StaffCheck) -> ContactCase | None:
    """A team leader makes an officer of the front-door team (`is_officer` says who is: InvalidStep on "assignee" for
    anyone else) the contact's screening officer, and its assignee in the queues."""
    require(caller, ALLOCATING_ROLES, "handing a contact to an officer")
    case = _team_contact(store, council, case_id, caller, "handing a contact to an officer")
    if case is None:
        return None
    _open(case)
    ensure_staff("assignee", officer, caller, is_officer)
    return _make_screening_officer(store, case, expected_version, officer.lower(), caller, now, RESPONSIBILITY_GIVEN)


def _make_screening_officer(store: CaseStore, case: ContactCase, expected_version: int, officer: str, caller: Caller,
                            now: datetime, action: str) -> ContactCase:
    updated = case.changed(now, screening_officer=officer, assignee=officer)
    audit = AuditEntry(case_id=case.case_id, at=now, actor=caller.actor, action=action,
                       before={"screening_officer": case.screening_officer, "assignee": case.assignee},
                       after={"screening_officer": officer, "assignee": officer})
    store.save(updated, expected_version=expected_version, audit=audit, before=case)
    return updated  # type: ignore[return-value]


def override_priority(store: CaseStore, council: CouncilConfig, case_id: str, expected_version: int, level: str,
                      reason: str, caller: Caller, now: datetime) -> ContactCase | None:
    """Change the contact's level of need, with the reason: its response target is counted again from receipt."""
    case = _team_contact(store, council, case_id, caller, "changing a contact's level of need")
    if case is None:
        return None
    _open(case)
    settings = front_door_settings(council)
    if settings.level(level) is None:
        raise InvalidStep("level", f"Select a level of need ({', '.join(found.name for found in settings.levels)})")
    if level == case.level:
        raise InvalidStep("level", "Select a different level of need from the one the contact has")
    try:
        override = PriorityOverride(from_level=case.level, to_level=level, reason=reason, by=caller.user, at=now)
    except ValidationError:
        raise InvalidStep("reason", "Enter why the level of need is changed, in 4000 characters or fewer") from None
    due = _due(council, settings, level, case.received_at)
    updated = case.changed(now, level=level, priority=settings.priority_of(level), response_due=due,
                           priority_overrides=[*case.priority_overrides, override][-20:])
    audit = AuditEntry(case_id=case_id, at=now, actor=caller.actor, action=PRIORITY_OVERRIDDEN,
                       before={"level": case.level, "response_due": case.response_due.isoformat()},
                       after={"level": level, "response_due": due.isoformat(), "reason": override.reason})
    store.save(updated, expected_version=expected_version, audit=audit, before=case)
    return updated  # type: ignore[return-value]


def _waiting_for_team(store: CaseStore, workflows: Workflows, case: ContactCase, expected_version: int, caller: Caller,
                      action: str, now: datetime) -> ContactCase | None:
    """None when the workflow waits for the team's decision; else the case when this is the caller's retry of a
    decision whose resume is still owed (sent again); else StepNotOpen."""
    if case.stage is ContactStage.SCREENING and case.task_token:
        return None
    resent = resend_retried(store, workflows, case, expected_version, caller.actor, action, now)
    if resent is None:
        raise StepNotOpen(f"contact {case.case_id} is at {case.stage.value}, not waiting for the team's decision")
    return resent  # type: ignore[return-value]


def request_more_information(
    store: CaseStore, workflows: Workflows, council: CouncilConfig, case_id: str, expected_version: int, question: str,
    caller: Caller, now: datetime,
) -> ContactCase | None:
    """Ask the partner for more, through the portal: the workflow moves the contact to AWAITING_INFORMATION, emails the
    partner, reminds them and waits for their answer until the council's time for it."""
    case = _team_contact(store, council, case_id, caller, "asking a partner for more information")
    if case is None:
        return None
    if (retried := _waiting_for_team(store, workflows, case, expected_version, caller, INFORMATION_REQUESTED, now)) is not None:
        return retried
    if len(case.information_requests) >= MAX_INFORMATION_REQUESTS:
        raise InvalidStep("question", f"The partner has been asked {MAX_INFORMATION_REQUESTS} questions already: phone them")
    try:
        asked = InformationAsk(question=question, by=caller.user, at=now)
    except ValidationError:
        raise InvalidStep("question", "Enter your question, in 4000 characters or fewer") from None
    updated = case.changed(now, task_token=None, information_requests=[*case.information_requests, asked])
    audit = AuditEntry(case_id=case_id, at=now, actor=caller.actor, action=INFORMATION_REQUESTED,
                       before={"stage": case.stage.value}, after={"question_length": len(asked.question)})
    resume = PendingResume(case_id=case_id, task_token=case.task_token, output={"decision": ScreeningDecision.ASK_PARTNER.value},
                           action=INFORMATION_REQUESTED, actor=caller.actor, expected_version=expected_version, at=now)
    return record_and_resume(store, workflows, updated, expected_version, audit, resume)  # type: ignore[return-value]


def record_outcome(
    store: CaseStore, workflows: Workflows, council: CouncilConfig, case_id: str, expected_version: int,
    outcome: ContactOutcome, reply: str, caller: Caller, now: datetime,
) -> ContactCase | None:
    """The team's outcome and its reply to the partner: the workflow closes the contact, emails the reply with the
    council's threshold guidance and, for a referral to children's social care or early help, pushes it to the record
    system (Contact Accepted)."""
    case = _team_contact(store, council, case_id, caller, "recording the outcome of a contact")
    if case is None:
        return None
    if (retried := _waiting_for_team(store, workflows, case, expected_version, caller, OUTCOME_RECORDED, now)) is not None:
        return retried
    if outcome in ACCEPTING_OUTCOMES and case.kind is SubmissionKind.INFORMATION_REQUEST:
        raise InvalidStep("outcome", "A request for information is answered with information and advice, or no "
                                     "further action: raise a contact of your own to refer the child")
    try:
        decided = Outcome(outcome=outcome, reply=reply, by=caller.user, at=now)
    except ValidationError:
        raise InvalidStep("reply", "Enter the reply to the partner, in 4000 characters or fewer") from None
    decision = ScreeningDecision.ACCEPT if outcome in ACCEPTING_OUTCOMES else ScreeningDecision.CLOSE
    updated = case.changed(now, task_token=None, outcome=decided)
    audit = AuditEntry(case_id=case_id, at=now, actor=caller.actor, action=OUTCOME_RECORDED,
                       before={"stage": case.stage.value, "level": case.level}, after={"outcome": outcome.value})
    resume = PendingResume(case_id=case_id, task_token=case.task_token, output={"decision": decision.value},
                           action=OUTCOME_RECORDED, actor=caller.actor, expected_version=expected_version, at=now)
    return record_and_resume(store, workflows, updated, expected_version, audit, resume)  # type: ignore[return-value]


def open_document(store: CaseStore, council: CouncilConfig, case_id: str, number: int, caller: Caller,
                  now: datetime) -> tuple[ContactCase, Attachment] | None:
    """The contact's document `number` (from 1) for the team to open (one GetItem), the opening logged in the contact's
    view log as a read of the child's record (who, when, which document). None when the contact is not one of the
    caller's council's or has no such document (the page answers 404): nothing is logged then."""
    if caller.council_code != council.code or not is_case_id_of(council.code, case_id):
        return None
    case = store.get(case_id)
    if not isinstance(case, ContactCase) or not can_see(caller, case) or not 1 <= number <= len(case.documents):
        return None
    document = case.documents[number - 1]
    store.record_view(AuditEntry(case_id=case_id, at=now, actor=caller.actor, action=VIEWED,
                                 after={"document": number, "key": document.key}))
    return case, document


@dataclass(frozen=True)
class EarlierContacts:
    """Other contacts about the same child in this council: by surname and date of birth, and at the same address
    (a contact found both ways is listed under the child)."""

    same_child: list[ContactQueueRow]
    same_address: list[ContactQueueRow]


def earlier_contacts(store: CaseStore, case: ContactCase) -> EarlierContacts:
    """The single view of the child: one Query per search key, newest first, without the contact itself."""
    child = case.application.child
    by_child = [row for key in [child_lookup(child)] if key for row in store.lookup_rows(*key) if row.case_id != case.case_id]
    seen = {row.case_id for row in by_child}
    by_address = [row for key in [address_lookup(child)] if key for row in store.lookup_rows(*key)
                  if row.case_id != case.case_id and row.case_id not in seen]
    return EarlierContacts(same_child=_newest_first(by_child), same_address=_newest_first(by_address))
