"""The workflow resumes that the steps people record owe (the outbox of shared.core.domain.pending_resume).

A step is saved in one transaction with the resume it owes; the resume is then sent, and the workflow's next write of
the case deletes it (CaseStore: owed_resume), so the step's request makes no delete of its own. When the send fails
(throttled, an outage), the step stands and the resume stays owed, marked refused (the case shows its workflow catching
up), so the case cannot be stranded: the sweeper (functions/resume_sweeper) sends it again every few minutes, and so
does the same person sending the same step again; a resume sent late is dropped once sent. A resume whose task waits no
more (already resumed, timed out) is dropped: sending one twice is harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from shared.core.adapters.case_store import CaseStore, every_item
from shared.core.adapters.workflows import ResumeFailed, Workflows
from shared.core.domain.case import AuditEntry, Case
from shared.core.domain.pending_resume import PendingResume
from shared.core.domain.records import CaseRecord

logger = logging.getLogger(__name__)

SWEEPER_ACTOR = "workflow resume sweeper"
RESUMED = "WORKFLOW_RESUMED"  # the audit action of a resume sent after the request that recorded its step
PAGE_SIZE = 100


class Delivery(StrEnum):
    SENT = "SENT"
    SPENT = "SPENT"  # no task waits for the token any more: dropped
    OWED = "OWED"  # Step Functions did not take it: kept, to be sent again


def record_and_resume(
    store: CaseStore, workflows: Workflows, updated: Case, expected_version: int, audit: AuditEntry, resume: PendingResume,
    records: Sequence[CaseRecord] = (),
) -> Case:
    """Save a person's step with the resume it owes (and any new records it makes), then send the resume; the step
    stands even if the send fails."""
    store.save(updated, expected_version=expected_version, audit=audit, resume=resume, records=records)
    # After the save, so the next workflow step reads what was recorded (and deletes the resume with its write).
    _deliver(store, workflows, resume)
    return updated.model_copy(update={"owed_resume": resume.token_digest})


def resend_retried(
    store: CaseStore, workflows: Workflows, case: Case, expected_version: int, actor: str, action: str, now: datetime,
) -> Case | None:
    """The case, when `actor` sends again a step they recorded on `expected_version` whose resume is still owed: the
    resume is sent again, the step is not recorded twice. None when the request is no such retry."""
    if case.task_token:  # the workflow waits for a new step: nothing earlier is owed
        return None
    for resume in store.pending_resumes(case.case_id):
        if resume.retried_by(actor, action, expected_version):
            _redeliver(store, workflows, resume, actor, now)
            return case
    return None


@dataclass
class Sweep:
    """Case ids, by what became of the resume each owed."""

    resumed: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    still_owed: list[str] = field(default_factory=list)


def sweep_resumes(store: CaseStore, workflows: Workflows, now: datetime) -> Sweep:
    """Send every resume one council's cases still owe (a Query on the pending-resume queue, never a Scan)."""
    sweep = Sweep()
    outcome = {Delivery.SENT: sweep.resumed, Delivery.SPENT: sweep.dropped, Delivery.OWED: sweep.still_owed}
    for resume in every_item(lambda after: store.resume_queue(limit=PAGE_SIZE, after=after)):
        outcome[_redeliver(store, workflows, resume, SWEEPER_ACTOR, now)].append(resume.case_id)
    return sweep


def _redeliver(store: CaseStore, workflows: Workflows, resume: PendingResume, actor: str, now: datetime) -> Delivery:
    """Send a resume after the request that recorded its step; the history says when the workflow got it."""
    delivery = _deliver(store, workflows, resume)
    if delivery is Delivery.SENT:
        store.drop_resume(resume)  # sent late (and perhaps marked refused): not left for the workflow's next write
        store.append_audit(AuditEntry(case_id=resume.case_id, at=now, actor=actor, action=RESUMED,
                                      after={"step": resume.action, "recorded_at": resume.at.isoformat()}))
    return delivery


def _deliver(store: CaseStore, workflows: Workflows, resume: PendingResume) -> Delivery:
    try:
        sent = workflows.resume(resume.task_token, resume.output)
    except ResumeFailed:
        logger.warning("the workflow of case %s did not take its resume; it stays owed", resume.case_id, exc_info=True)
        if not resume.refused:
            store.note_resume_refused(resume)
        return Delivery.OWED
    if not sent:  # no task waits for it, so no workflow write will delete it
        store.drop_resume(resume)  # best effort: dropping it twice is harmless
        return Delivery.SPENT
    return Delivery.SENT
