"""A person's cases: every case found by the search keys that identify a person on their own (each service's
ServiceSpec.identifying_lookups: an NI number, an NHS number, a surname with date of birth; never a postcode alone).
Each key is a partition of its own, so this is one Query per key."""

from __future__ import annotations

from shared.core.adapters.case_store import CaseStore
from shared.core.domain.case import Case

MAX_RESULTS = 50


def same_person_case_ids(store: CaseStore, case: Case) -> list[str]:
    """The other cases of the person of `case`, as the case's service identifies a person."""
    from shared.services.registry import SERVICES  # the deployment's services (the registry imports the core)

    identifying = SERVICES.for_case(case).identifying_lookups
    ids: list[str] = []
    for key in store.lookup_keys(case):
        kind, value = key.removeprefix("LOOKUP#").split("#", 1)
        if kind in identifying:
            ids += store.lookup(kind, value)
    return [case_id for case_id in dict.fromkeys(ids) if case_id != case.case_id][:MAX_RESULTS]
