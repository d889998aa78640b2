"""Two open applications from one person, linked by staff as duplicates of each other (pure rules, any service).

A link is an audit entry on each of the two cases (DUPLICATE_LINKED, naming the other), written together: the case
pages and histories of both show it, and a case's links are read from its own history (CaseFile.history, the same
Query that loads the case), so nothing about the case itself changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from shared.core.domain.case import AuditEntry, Case

DUPLICATE_LINKED = "DUPLICATE_LINKED"
OTHER_CASE = "duplicate_of"  # the audit entry's field naming the other case


class DuplicateRefused(ValueError):
    """A link a rule refuses; `field` names the input at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def linked_duplicates(history: Iterable[AuditEntry]) -> list[str]:
    """The cases this one was linked to as duplicates, in the order they were linked."""
    linked = [str((entry.after or {}).get(OTHER_CASE)) for entry in history if entry.action == DUPLICATE_LINKED]
    return list(dict.fromkeys(case_id for case_id in linked if case_id))


def is_open(case: Case) -> bool:
    return case.stage not in case.CLOSED_STAGES


def check_link(case: Case, other: Case | None, same_person: Iterable[str], already: Iterable[str]) -> Case:
    """The other case, if it may be linked to `case` as its duplicate: another open case of the same person (as its
    service identifies a person), not linked yet."""
    if other is None or other.case_id == case.case_id or other.case_id not in set(same_person):
        raise DuplicateRefused("duplicate_of", "Select one of this person's other applications")
    if not is_open(case) or not is_open(other):
        raise DuplicateRefused("duplicate_of", "Only open applications can be linked as duplicates: one of these is closed")
    if other.case_id in set(already):
        raise DuplicateRefused("duplicate_of", f"Case {other.case_id} is already linked as a duplicate of this one")
    return other


def link_entries(case: Case, other: Case, actor: str, now: datetime) -> tuple[AuditEntry, AuditEntry]:
    """The audit entry on each case, each naming the other."""
    return tuple(  # type: ignore[return-value]
        AuditEntry(case_id=this.case_id, at=now, actor=actor, action=DUPLICATE_LINKED, after={OTHER_CASE: that.case_id})
        for this, that in ((case, other), (other, case))
    )
