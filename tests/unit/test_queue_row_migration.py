"""The queue-row migration's run over one table (shared.core.logic.migrations): each case once, a case changed while
written read again, and one that keeps changing left for a second run."""

from __future__ import annotations

from shared.core.adapters.case_store import RowsWrite
from shared.core.logic.migrations import ATTEMPTS, write_queue_rows


class TableOfCases:
    """A store whose cases answer write_rows in turn with what `answers` lists for them."""

    def __init__(self, found: list[str], answers: dict[str, list[RowsWrite]]):
        self.found, self.answers = found, answers
        self.writes: list[str] = []

    def cases_without_rows(self):
        return iter(self.found)

    def write_rows(self, case_id: str) -> RowsWrite:
        self.writes.append(case_id)
        return self.answers[case_id].pop(0)


def test_each_case_is_written_once_even_when_several_of_its_items_lacked_rows():
    table = TableOfCases(["A", "B", "A"], {"A": [RowsWrite.WRITTEN], "B": [RowsWrite.WRITTEN]})
    outcome = write_queue_rows(table)
    assert (outcome.written, outcome.left, table.writes) == (2, [], ["A", "B"])


def test_a_case_changed_while_written_is_read_again_and_one_that_keeps_changing_is_left():
    table = TableOfCases(["SETTLES", "BUSY", "ERASED"], {
        "SETTLES": [RowsWrite.CHANGED, RowsWrite.WRITTEN],
        "BUSY": [RowsWrite.CHANGED] * (ATTEMPTS + 1),
        "ERASED": [RowsWrite.GONE],
    })
    outcome = write_queue_rows(table)
    assert (outcome.written, outcome.left) == (1, ["BUSY"])  # an erased case needs no rows: neither written nor left
    assert table.writes.count("BUSY") == ATTEMPTS and table.writes.count("ERASED") == 1
