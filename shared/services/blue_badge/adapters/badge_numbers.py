"""Badge numbers from the deployment's one atomic counter (the rules are in shared.services.blue_badge.domain.badge), and where
each ordered badge lives.

Each call takes a block of values with a single UpdateItem: DynamoDB applies updates to one item one
at a time, so two callers never get the same value, whichever council or Lambda they run in.

Items in the badge-number table (key "id"):
  badge-number                 the counter
  BADGE#<number>               the badge's owner: {council_code, case_id}. The print supplier's result files name
                               badges by number only, and the badge itself is in its council's table: this item,
                               written in the same transaction as the badge (BadgeStore.order_badges), says which.
Badges ordered before owner items existed have none (their results are skipped as unknown). No migration is
needed: the only deployment so far is the demo, whose seed re-creates every badge on each start.
"""

from __future__ import annotations

from typing import Any

from shared.services.blue_badge.domain.badge import COUNTER_SEED, Badge, issuable_badge_number
from shared.resources import BADGE_NUMBER_TABLE_LAYOUT

COUNTER_ID = "badge-number"
VALUE = "value"
KEY = BADGE_NUMBER_TABLE_LAYOUT.partition_key
OWNER_PREFIX = "BADGE#"


def owner_id(badge_number: str) -> str:
    return f"{OWNER_PREFIX}{badge_number}"


class BadgeNumbers:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table_name = table_name

    def issue(self, count: int = 1) -> list[str]:
        """`count` new badge numbers, highest first; values whose number is offensive are skipped."""
        numbers: list[str] = []
        while len(numbers) < count:
            wanted = count - len(numbers)
            lowest = self._take(wanted)
            taken = range(lowest + wanted - 1, lowest - 1, -1)  # the values this call took, highest first
            numbers += [number for value in taken if (number := issuable_badge_number(value))]
        return numbers

    def _take(self, count: int) -> int:
        """Move the counter down by `count`; the values taken are the new value and the `count - 1` above it."""
        response = self._client.update_item(
            TableName=self._table_name,
            Key={KEY: {"S": COUNTER_ID}},
            UpdateExpression="SET #value = if_not_exists(#value, :seed) - :count",
            ExpressionAttributeNames={"#value": VALUE},
            ExpressionAttributeValues={":seed": {"N": str(COUNTER_SEED)}, ":count": {"N": str(count)}},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"][VALUE]["N"])

    def owner_write(self, badge: Badge) -> dict[str, Any]:
        """The TransactWriteItems Put that records where a new badge lives (new only: a number is issued once)."""
        return {"Put": {
            "TableName": self._table_name,
            "Item": {KEY: {"S": owner_id(badge.badge_number)}, "council_code": {"S": badge.council_code}, "case_id": {"S": badge.case_id}},
            "ConditionExpression": "attribute_not_exists(#key)",
            "ExpressionAttributeNames": {"#key": KEY},
        }}

    def owner(self, badge_number: str) -> tuple[str, str] | None:
        """(council_code, case_id) of the case that ordered the badge, or None for a number never ordered here."""
        item = self._client.get_item(TableName=self._table_name, Key={KEY: {"S": owner_id(badge_number)}}, ConsistentRead=True).get("Item")
        return (item["council_code"]["S"], item["case_id"]["S"]) if item else None
