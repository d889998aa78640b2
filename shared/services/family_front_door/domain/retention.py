"""How long a closed Family Front Door contact is kept: its entry in ServiceSpec.retention. An accepted contact lives on
in the council's social care record (pushed to it); the contact itself is kept for the council's case retention period
from the day it closed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from shared.core.domain.retention import RetentionRule
from shared.services.family_front_door.domain.case import CLOSED_STAGES, ContactCase, ContactStage


def period_starts(case: ContactCase, records: Mapping[str, Sequence[Any]]) -> date | None:
    return case.updated_at.date() if case.stage in CLOSED_STAGES else None


def tombstone_facts(case: ContactCase) -> dict[str, str]:
    """What was sent, by which agency, and the outcome: enough to count contacts and conversions after the child's
    details are gone."""
    facts = {"kind": case.kind.value, "agency_id": case.application.submitter.agency_id, "level": case.level}
    if case.outcome is not None:
        facts["outcome"] = case.outcome.outcome.value
    return facts


CONTACT_RETENTION = RetentionRule(stages=(ContactStage.ACCEPTED, ContactStage.CLOSED), period_starts=period_starts,
                                  tombstone_facts=tombstone_facts)
