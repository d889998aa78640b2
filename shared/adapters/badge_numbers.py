"""Badge numbers from the deployment's one atomic counter (the rules are in shared.domain.badge).

Each call takes a block of values with a single UpdateItem: DynamoDB applies updates to one item one
at a time, so two callers never get the same value, whichever council or Lambda they run in.
"""

from __future__ import annotations

from typing import Any

from shared.domain.badge import COUNTER_SEED, issuable_badge_number
from shared.resources import BADGE_NUMBER_TABLE_LAYOUT

COUNTER_ID = "badge-number"
VALUE = "value"


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
            Key={BADGE_NUMBER_TABLE_LAYOUT.partition_key: {"S": COUNTER_ID}},
            UpdateExpression="SET #value = if_not_exists(#value, :seed) - :count",
            ExpressionAttributeNames={"#value": VALUE},
            ExpressionAttributeValues={":seed": {"N": str(COUNTER_SEED)}, ":count": {"N": str(count)}},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"][VALUE]["N"])
