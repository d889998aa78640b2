"""How far a council's pull from the national Applications API has come: one item in the council's own table.

The watermark only moves forward (a conditional write), so a slow run that finishes after a newer one cannot move it
back; a run that fails keeps the old one, and the next run pulls the same window again (intake is idempotent).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

WATERMARK_KEY = {"pk": {"S": "NATIONALPULL"}, "sk": {"S": "WATERMARK"}}


class PullWatermarks:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client, self._table = client, table_name

    def get(self) -> datetime | None:
        item = self._client.get_item(TableName=self._table, Key=WATERMARK_KEY, ConsistentRead=True).get("Item")
        return datetime.fromisoformat(item["pulled_to"]["S"]) if item else None

    def advance(self, pulled_to: datetime, applications: int) -> bool:
        """Move the watermark to `pulled_to` (UTC); False if it is already there or beyond."""
        at = pulled_to.isoformat()
        try:
            self._client.put_item(
                TableName=self._table,
                Item={**WATERMARK_KEY, "pulled_to": {"S": at}, "applications": {"N": str(applications)}},
                ConditionExpression="attribute_not_exists(pk) OR pulled_to < :at",
                ExpressionAttributeValues={":at": {"S": at}},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True
