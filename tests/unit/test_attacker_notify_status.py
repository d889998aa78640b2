"""An attacker's references in the Notify status read-back (functions/notify_status): anyone who sends through the
council's Notify service sets the reference the read-back finds a case by. One naming another council's case, or
too long to be a key, must write nothing and must not stop the run (and so every later run at the same watermark)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from botocore.exceptions import ClientError

from shared.core.domain.notify import NotificationReport
from shared.core.logic.notify_status import read_back_statuses

NOW = datetime(2026, 12, 4, 9, tzinfo=UTC)
DYNAMODB_KEY_LIMIT = 2048  # bytes of a partition key value: DynamoDB refuses a longer one with ValidationException


class LookupsOnly:
    """A council's case store that holds no case and answers lookups as DynamoDB does; any write fails the test."""

    def __init__(self) -> None:
        self.looked_up: list[str] = []

    def get(self, case_id: str) -> None:
        if len(f"CASE#{case_id}".encode()) > DYNAMODB_KEY_LIMIT:
            raise ClientError({"Error": {"Code": "ValidationException", "Message": "Size of hashkey has exceeded the maximum size limit"}},
                              "GetItem")
        self.looked_up.append(case_id)

    def __getattr__(self, name: str):
        raise AssertionError(f"the read-back called store.{name} for a reference not of this council's cases")


class Reader:
    def __init__(self, reports: list[NotificationReport]):
        self._reports, self.pages = reports, 1

    def since(self, moment: datetime):
        return iter(self._reports)


class Watermark:
    def __init__(self) -> None:
        self.advanced_to: datetime | None = None

    def get(self) -> datetime | None:
        return None

    def advance(self, moment: datetime) -> None:
        self.advanced_to = moment


def _failed(reference: str, minutes_ago: int) -> NotificationReport:
    return NotificationReport(id=f"n-{minutes_ago}", reference=reference, type="email", status="permanent-failure",
                              created_at=NOW - timedelta(minutes=minutes_ago))


def test_a_reference_naming_another_council_or_no_case_is_not_ours_and_the_run_goes_on():
    store, watermark = LookupsOnly(), Watermark()
    reports = [_failed("VALEWYE-261203-ABCDEF/RECEIVED", 1), _failed(f"NORTHSHIRE-261203-{'A' * 3000}/RECEIVED", 2),
               _failed("northshire-261203-abcdef/RECEIVED", 3), _failed("NORTHSHIRE-261203-ABC DEF/RECEIVED", 4)]
    done = read_back_statuses("NORTHSHIRE", store, Reader(reports), watermark, NOW)
    assert done.not_ours == 4 and done.failed == [] and store.looked_up == []
    assert watermark.advanced_to == reports[0].created_at  # the run finished: the next one starts from here


def test_a_reference_of_this_council_is_still_looked_up():
    store = LookupsOnly()
    done = read_back_statuses("NORTHSHIRE", store, Reader([_failed("NORTHSHIRE-261203-ABCDEF/RECEIVED", 1)]), Watermark(), NOW)
    assert store.looked_up == ["NORTHSHIRE-261203-ABCDEF"] and done.not_ours == 1  # no such case here
