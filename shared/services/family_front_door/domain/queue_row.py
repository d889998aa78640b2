"""A contact's line in the holding area (shared.core.domain.queue_row), and in a partner's list of submissions (the
listed search keys carry it too: shared.services.family_front_door.domain.lookups)."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from shared.core.domain.queue_row import QueueRow
from shared.services.family_front_door.domain.case import CLOSED_STAGES, ContactCase, ContactOutcome, ContactStage
from shared.services.family_front_door.domain.submission import Channel, SubmissionKind, Urgency


class ContactQueueRow(QueueRow):
    stage: ContactStage
    kind: SubmissionKind
    level: str  # the level of need now (the team's override, or the submitter's)
    urgency: Urgency | None  # the submitter's own view
    response_due: datetime
    submitter_id: str  # the partner who sent it (a partner's list shows only their own, or their agency's)
    agency_id: str
    agency_name: str
    channel: Channel
    submitted_at: datetime
    outcome: ContactOutcome | None = None
    question_open: bool = False  # the team's question waits for the partner's answer

    @property
    def is_closed(self) -> bool:
        return self.stage in CLOSED_STAGES

    @classmethod
    def of(cls, case: ContactCase) -> Self:
        submission = case.application
        submitter = submission.submitter
        return cls(**cls.common(case), name=submission.child.full_name, kind=submission.kind, level=case.level,
                   urgency=submission.form.urgency, response_due=case.response_due, submitter_id=submitter.user_id,
                   agency_id=submitter.agency_id, agency_name=submitter.agency_name, channel=submission.channel,
                   submitted_at=submission.submitted_at, outcome=case.outcome.outcome if case.outcome else None,
                   question_open=case.open_request is not None)
