"""The data lifecycle (UK GDPR): how long a closed case is kept, the anonymised record left when it is erased, and a
person's request to be erased, which a second council admin confirms."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from shared.core.domain.case import AuditEntry, Case, CaseStage
from shared.core.domain.council import RetentionSchedule
from shared.core.domain.evidence import council_evidence_prefix

ERASED_ACTION = "ERASED"
# Subject access exports wait here, in the council's own folder, for the admin's download (expired by S3 lifecycle).
EXPORTS_FOLDER = "exports/"


def export_prefix(council_code: str) -> str:
    return f"{council_evidence_prefix(council_code)}{EXPORTS_FOLDER}"


def years_later(day: date, years: int) -> date:
    """The same day `years` on; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class RetentionRule:
    """What a service declares (ServiceSpec.retention) for its closed cases to be kept, then erased."""

    # The stages a case rests in once nothing more will happen to it; each is a stage queue the erasure job reads.
    stages: tuple[CaseStage, ...]
    # The day a case's retention period runs from (given the case and its records by kind, CaseFile.records);
    # None while it is open or can still be reopened (a refusal within its review window).
    period_starts: Callable[[Any, Mapping[str, Sequence[Any]]], date | None]
    # What of the case, beyond the engine's own facts, stays in its tombstone: codes only, no personal data.
    tombstone_facts: Callable[[Any], dict[str, str]]


def retain_until(case: Case, records: Mapping[str, Sequence[Any]], rule: RetentionRule, schedule: RetentionSchedule) -> date | None:
    """The last day a case (and its documents) is kept; None while its service says the period has not begun."""
    starts = rule.period_starts(case, records)
    return years_later(starts, schedule.case_years) if starts is not None else None


def received_before_to_review(today: date, schedule: RetentionSchedule) -> date:
    """Cases received on or after this day cannot be past their period yet (every end above is after receipt), so
    the erasure job reads only the older part of each stage queue."""
    return years_later(today, -schedule.case_years)


class ErasureReason(StrEnum):
    RETENTION_PERIOD_ENDED = "RETENTION_PERIOD_ENDED"
    PERSON_ASKED = "PERSON_ASKED"  # the right to erasure (UK GDPR Article 17)
    CONSENT_WITHDRAWN = "CONSENT_WITHDRAWN"
    HELD_UNLAWFULLY = "HELD_UNLAWFULLY"
    LEGAL_OBLIGATION = "LEGAL_OBLIGATION"  # a court order, or another law requires it


# Reasons an admin may give for erasing a person's data on request, as the form offers them.
REQUEST_REASONS = {
    ErasureReason.PERSON_ASKED: "The person asked for their data to be erased",
    ErasureReason.CONSENT_WITHDRAWN: "The person withdrew the consent it was held on",
    ErasureReason.HELD_UNLAWFULLY: "The data was held unlawfully",
    ErasureReason.LEGAL_OBLIGATION: "A court order or another law requires it",
}


def tombstone(case: Case, facts: dict[str, str], *, reason: ErasureReason, actor: str, now: datetime,
              request: ErasureRequest | None = None) -> AuditEntry:
    """What stays of an erased case: its service, when it came and closed, how it ended (with `facts`, the codes its
    service keeps: RetentionRule.tombstone_facts) and why it was erased - no personal data."""
    after = {
        "council_code": case.council_code, "service": case.service, **facts,
        "received_at": case.received_at.isoformat(), "closed_at": case.updated_at.isoformat(),
        "outcome": case.stage.value, "reason": reason.value,
    }
    if request is not None:  # staff, not the person: who asked (the actor confirmed)
        after |= {"erasure_request": request.request_id, "requested_by": request.requested_by}
    return AuditEntry(case_id=case.case_id, at=now, actor=actor, action=ERASED_ACTION, after=after)


class ErasureRequest(BaseModel):
    """A council admin's request to erase a person's cases; a different council admin confirms it before it is done."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    request_id: str
    council_code: str
    case_id: str  # the case the person was found from
    case_ids: list[str]  # every case of the person's, found by their search keys
    reason: ErasureReason
    requested_by: str
    requested_at: datetime
    expires_at: datetime

    @classmethod
    def new(cls, *, council_code: str, case_id: str, case_ids: list[str], reason: ErasureReason, requested_by: str,
            now: datetime, schedule: RetentionSchedule) -> ErasureRequest:
        return cls(
            request_id=f"E-{now:%y%m%d}-{secrets.token_hex(4).upper()}", council_code=council_code, case_id=case_id,
            case_ids=case_ids, reason=reason, requested_by=requested_by, requested_at=now,
            expires_at=now + timedelta(days=schedule.erasure_request_days),
        )

    def expired(self, now: datetime) -> bool:
        """DynamoDB's TTL removes the record within a day or two of expiry; until then it is treated as gone."""
        return now >= self.expires_at
