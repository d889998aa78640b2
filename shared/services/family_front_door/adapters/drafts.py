"""Partners' drafts in the council's own table: PORTAL_DRAFTS#<partner's sub> / DRAFT#<draft id>, with a TTL.

Every read names the partner in the key: one partner's draft id opens nothing for another (GetItem answers nothing).
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from shared.resources import CASE_TABLE_LAYOUT
from shared.services.family_front_door.domain.drafts import Draft

_TTL = CASE_TABLE_LAYOUT.ttl_attribute
assert _TTL is not None


def _key(user_id: str, draft_id: str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": f"PORTAL_DRAFTS#{user_id}"}, "sk": {"S": f"DRAFT#{draft_id}"}}


class DraftGone(Exception):
    """The draft was sent or deleted meanwhile (another tab)."""


class Drafts:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table = table_name

    def get(self, user_id: str, draft_id: str) -> Draft | None:
        item = self._client.get_item(TableName=self._table, Key=_key(user_id, draft_id), ConsistentRead=True).get("Item")
        return Draft.model_validate_json(item["body"]["S"]) if item else None

    def of(self, user_id: str) -> list[Draft]:
        """The partner's drafts, newest first (one Query)."""
        pages = self._client.get_paginator("query").paginate(
            TableName=self._table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": f"PORTAL_DRAFTS#{user_id}"}},
        )
        drafts = [Draft.model_validate_json(item["body"]["S"]) for page in pages for item in page["Items"]]
        return sorted(drafts, key=lambda draft: draft.saved_at, reverse=True)

    def create(self, draft: Draft) -> None:
        self._client.put_item(TableName=self._table, Item=self._item(draft), ConditionExpression="attribute_not_exists(pk)")

    def save(self, draft: Draft) -> None:
        """DraftGone when it was sent or deleted meanwhile."""
        try:
            self._client.put_item(TableName=self._table, Item=self._item(draft), ConditionExpression="attribute_exists(pk)")
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise DraftGone(draft.draft_id) from None
            raise

    def discard(self, user_id: str, draft_id: str) -> None:
        self._client.delete_item(TableName=self._table, Key=_key(user_id, draft_id))

    @staticmethod
    def _item(draft: Draft) -> dict[str, Any]:
        return {**_key(draft.user_id, draft.draft_id), "body": {"S": draft.model_dump_json()},
                _TTL: {"N": str(int(draft.expires_at().timestamp()))}}
