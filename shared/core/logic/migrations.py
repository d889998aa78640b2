"""Moving a council's stored cases to what this version writes, once per deployment (never in a request path).

Queue rows: the work-queue indexes project a case's queue row (shared/resources.py, where the steps of the move are
listed). Cases stored before rows were kept are written again, each with its row, between deploying the code that
writes rows and adding the row-projecting indexes (infra/migrate_queue_rows.py runs this for each council).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.core.adapters.case_store import CaseStore, RowsWrite

# A case changed while being written again is read again, this many times in all, before it is left for a second run.
ATTEMPTS = 3


@dataclass
class RowsWritten:
    written: int = 0  # cases whose items now carry their queue rows
    # Cases that kept changing while the run wrote them (one erased meanwhile needs no rows: neither written nor left).
    left: list[str] = field(default_factory=list)


def write_queue_rows(store: CaseStore) -> RowsWritten:
    """Write again, with its queue row, every case of the store's table stored without one. A case changed meanwhile is
    read again (the change may have come from a function still running the code before rows were kept)."""
    outcome = RowsWritten()
    for case_id in dict.fromkeys(store.cases_without_rows()):  # a case lacking rows on several items comes once
        for _ in range(ATTEMPTS):
            done = store.write_rows(case_id)
            if done is not RowsWrite.CHANGED:
                break
        if done is RowsWrite.WRITTEN:
            outcome.written += 1
        elif done is RowsWrite.CHANGED:
            outcome.left.append(case_id)
    return outcome
