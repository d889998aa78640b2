"""Link two open applications of one person as duplicates of each other: an audited entry on both cases, written
together and only if neither case changed since the person looked (shared.core.domain.duplicates)."""

from __future__ import annotations

from datetime import datetime

from shared.core.adapters.case_store import CaseStore
from shared.core.domain.duplicates import check_link, link_entries, linked_duplicates
from shared.core.logic.casework import can_see
from shared.core.logic.people import same_person_case_ids
from shared.core.logic.tenancy import Caller


def link_duplicate(store: CaseStore, case_id: str, other_id: str, expected_version: int, caller: Caller, now: datetime) -> str | None:
    """Link `case_id` (at `expected_version`, as the caller saw it) and `other_id`; the other case's id, or None when
    there is no case `case_id` this caller may see (another council's answers the same: 404). DuplicateRefused names
    what is wrong; StaleVersion when either case changed meanwhile."""
    loaded = store.load(case_id)
    if loaded is None or not can_see(caller, loaded.case):
        return None
    case = loaded.case
    other = check_link(case, store.get(other_id), same_person_case_ids(store, case), linked_duplicates(loaded.history))
    store.audit_together([(case.case_id, expected_version), (other.case_id, other.version)], link_entries(case, other, caller.actor, now))
    return other.case_id
