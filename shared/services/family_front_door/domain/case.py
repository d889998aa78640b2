"""A contact at the Family Front Door being worked: received from a partner, screened by the front-door team (a
screening officer takes responsibility, the team may override its level of need, and may ask the partner for more),
then accepted (referred to children's social care or early help) or closed (information and advice, no further
action)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import ClassVar, Literal, Self

from pydantic import Field, model_validator

from shared.core.domain.case import Case, CaseStage, Record, new_case_id
from shared.core.domain.evidence import case_evidence_prefix, is_within
from shared.core.domain.formats import LongText, Text
from shared.resources import WorkflowKey
from shared.services.family_front_door import SERVICE_KEY
from shared.services.family_front_door.domain.drafts import MAX_ATTACHMENTS, Attachment
from shared.services.family_front_door.domain.submission import Submission, SubmissionKind

WORKFLOW_KEY = WorkflowKey.FFD_CONTACT
MAX_INFORMATION_REQUESTS = 10  # ContactCase.information_requests holds at most this many: beyond that, phone them


class ContactStage(CaseStage):
    @classmethod
    def service_key(cls) -> str:
        return SERVICE_KEY

    RECEIVED = "RECEIVED"  # written by submit, the workflow not yet at its first step
    SCREENING = "SCREENING"  # in the holding area: a screening officer decides
    AWAITING_INFORMATION = "AWAITING_INFORMATION"  # the partner was asked for more, in the portal
    ACCEPTED = "ACCEPTED"  # closed here: referred to children's social care or early help (pushed to the record system)
    CLOSED = "CLOSED"  # closed: information and advice, or no further action


TRANSITIONS: dict[ContactStage, frozenset[ContactStage]] = {
    ContactStage.RECEIVED: frozenset({ContactStage.SCREENING}),
    ContactStage.SCREENING: frozenset({ContactStage.AWAITING_INFORMATION, ContactStage.ACCEPTED, ContactStage.CLOSED}),
    ContactStage.AWAITING_INFORMATION: frozenset({ContactStage.SCREENING}),
    ContactStage.ACCEPTED: frozenset(),
    ContactStage.CLOSED: frozenset(),
}
HUMAN_STAGES = frozenset({ContactStage.SCREENING, ContactStage.AWAITING_INFORMATION})
CLOSED_STAGES = frozenset({ContactStage.ACCEPTED, ContactStage.CLOSED})
OPEN_STAGES = (ContactStage.RECEIVED, ContactStage.SCREENING, ContactStage.AWAITING_INFORMATION)


class ContactOutcome(StrEnum):
    REFER_TO_CSC = "REFER_TO_CSC"  # children's social care: a referral (section 17 or 47 enquiries)
    EARLY_HELP = "EARLY_HELP"
    INFORMATION_AND_ADVICE = "INFORMATION_AND_ADVICE"
    NO_FURTHER_ACTION = "NO_FURTHER_ACTION"


ACCEPTING_OUTCOMES = frozenset({ContactOutcome.REFER_TO_CSC, ContactOutcome.EARLY_HELP})
OUTCOME_NAMES = {
    ContactOutcome.REFER_TO_CSC: "Referred to children's social care",
    ContactOutcome.EARLY_HELP: "Referred to early help",
    ContactOutcome.INFORMATION_AND_ADVICE: "Information and advice given",
    ContactOutcome.NO_FURTHER_ACTION: "No further action",
}


class ScreeningDecision(StrEnum):
    """What the screening officer's decision resumes the workflow with (its Choice state reads it)."""

    ASK_PARTNER = "ASK_PARTNER"
    ACCEPT = "ACCEPT"
    CLOSE = "CLOSE"


class PriorityOverride(Record):
    """The team changed the contact's level of need, and why (the submitter's own view stays on the form)."""

    from_level: str
    to_level: str
    reason: LongText
    by: str
    at: datetime


class InformationAsk(Record):
    """What the team asked the partner (answered in the portal)."""

    question: LongText
    by: str
    at: datetime
    due: datetime | None = None
    answer: LongText | None = None
    answered_by: str | None = None
    answered_at: datetime | None = None


class Outcome(Record):
    """The team's decision on the contact, and what the referrer is told."""

    outcome: ContactOutcome
    reply: LongText = Field(description="The team's reply to the referrer (sent in the outcome email and shown in the portal)")
    by: str
    at: datetime


class ContactCase(Case):
    TRANSITIONS: ClassVar = TRANSITIONS
    HUMAN_STAGES: ClassVar = HUMAN_STAGES
    CLOSED_STAGES: ClassVar = CLOSED_STAGES

    service: Literal[SERVICE_KEY] = SERVICE_KEY
    application: Submission
    workflow: Literal[WORKFLOW_KEY] = WORKFLOW_KEY
    stage: ContactStage = ContactStage.RECEIVED
    level: str = Field(description="The level of need (a key of the council's levels): the submitter's view, or the team's override")
    requested_level: str = Field(description="The level the submitter's urgency maps to")
    response_due: datetime = Field(description="When the team must respond by: the level's target, in business hours from receipt")
    screening_officer: str | None = Field(default=None, description="The officer who took responsibility for it")
    priority_overrides: list[PriorityOverride] = Field(default_factory=list, max_length=20)
    information_requests: list[InformationAsk] = Field(default_factory=list, max_length=MAX_INFORMATION_REQUESTS)
    outcome: Outcome | None = None
    episode_id: Text | None = Field(default=None, description="The contact and referral episode the social care record system opened")
    # Left out of the stored item when there are none, so a contact without documents costs no more to write.
    documents: list[Attachment] = Field(default_factory=list, max_length=MAX_ATTACHMENTS, exclude_if=lambda documents: not documents,
                                        description="What the partner attached to the form, in the contact's own folder")

    @model_validator(mode="after")
    def _documents_in_own_folder(self) -> Self:
        """A contact names no file outside its own folder: the team's links are signed only for the contact's own."""
        folder = case_evidence_prefix(self.council_code, self.case_id)
        for index, document in enumerate(self.documents):
            if not is_within(document.key, folder):
                raise ValueError(f"documents.{index}.key: {document.key!r} is not in the contact's own folder ({folder})")
        return self

    @classmethod
    def open(cls, case_id: str | None, submission: Submission, level: str, priority: int, team: str, response_due: datetime,
             now: datetime, documents: Sequence[Attachment] = ()) -> ContactCase:
        return cls(
            case_id=case_id or new_case_id(submission.council_code, now), council_code=submission.council_code,
            application=submission, level=level, requested_level=level, priority=priority, team=team,
            response_due=response_due, received_at=now, updated_at=now, documents=list(documents),
        )

    @property
    def reference(self) -> str:
        return self.case_id

    @property
    def kind(self) -> SubmissionKind:
        return self.application.kind

    @property
    def submitter_id(self) -> str:
        return self.application.submitter.user_id

    @property
    def open_request(self) -> InformationAsk | None:
        """The question the partner has not answered yet, if any."""
        last = self.information_requests[-1] if self.information_requests else None
        return last if last is not None and last.answer is None else None

    @property
    def accepted(self) -> bool:
        return self.outcome is not None and self.outcome.outcome in ACCEPTING_OUTCOMES
