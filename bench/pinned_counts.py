"""What one application costs in requests, as the tests pin it: tests/integration/test_request_counts.py asserts these
figures and bench/cost.py prices them, so the cost model moves only when the measured path does."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PathCounts:
    """DynamoDB requests and write units of one path, measured on the local stack (write units computed from item sizes
    and each index's projection: tests/integration/write_units.py)."""

    reads: int  # GetItem and Query requests (each item read here is under 4 KB: one read unit, consistent)
    writes: int  # PutItem, UpdateItem, DeleteItem, TransactWriteItems requests
    write_units: int  # on-demand write request units, tables and indexes together

    @property
    def requests(self) -> int:
        return self.reads + self.writes


# Submitted online, screened, proof checked and approved, the badge ordered: ingest (it opens the case at its first
# working stage and tells the applicant; its case write refuses a repeat: no read first), the workflow's steps (none
# opens or screens the case: the execution starts from what opening found; the fee check orders the badge), the emails'
# audit entries and the two caseworker calls (proof check, decision: each sends its resume, whose outbox item the
# workflow's next write deletes); each of those invocations that reads the council's settings reads its council
# admin's stored settings once (3 GetItems: ingest, the decision's timeliness against the council's target, and the fee
# check that also orders the badge; the waits need only the deployment entry).
ONLINE_AUTOMATIC_ROUTE = PathCounts(reads=10, writes=9, write_units=163)
WHOLE_PATH_REQUESTS = 12  # the target the whole path is held to
# GET /cases/{id}: the case's partition and the view-log entry.
READ_A_CASE = PathCounts(reads=1, writes=1, write_units=1)
# Step Functions Standard state transitions of the automatic route (tests/integration/test_request_counts.py).
AUTOMATIC_ROUTE_TRANSITIONS = 9
# Emails the automatic route sends (SES messages): application received, badge ordered.
AUTOMATIC_ROUTE_EMAILS = 2
