"""Partners' drafts in the council's own table: PORTAL_DRAFTS#<partner's sub> / DRAFT#<draft id>, with a TTL; and the
files uploaded for them in the evidence bucket (DraftFiles: tagged while they belong to a draft, deleted with it).

Every read names the partner in the key: one partner's draft id opens nothing for another (GetItem answers nothing).
"""

from __future__ import annotations

import re
from typing import Any

from botocore.exceptions import ClientError

from shared.core.domain.case import CASE_ID_PATTERN
from shared.resources import CASE_TABLE_LAYOUT
from shared.services.family_front_door.domain.drafts import DRAFT_FILE_TAG, Draft

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
        """None too for an id no draft can have (an address typed or made up): never looked up, since a key too long
        for DynamoDB would fail the request."""
        if not re.fullmatch(CASE_ID_PATTERN, draft_id):
            return None
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

    def discard(self, user_id: str, draft_id: str, still_there: bool = False) -> None:
        """still_there: DraftGone if it was sent or deleted meanwhile (a partner deleting it; sending deletes it anyway)."""
        try:
            self._client.delete_item(TableName=self._table, Key=_key(user_id, draft_id),
                                     **({"ConditionExpression": "attribute_exists(pk)"} if still_there else {}))
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise DraftGone(draft_id) from None
            raise

    @staticmethod
    def _item(draft: Draft) -> dict[str, Any]:
        return {**_key(draft.user_id, draft.draft_id), "body": {"S": draft.model_dump_json()},
                _TTL: {"N": str(int(draft.expires_at().timestamp()))}}


class DraftFiles:
    """A draft's uploads in the evidence bucket, through the council's own scoped credentials (which may list only the
    council's folder, and tag or delete only partners' uploads: infra/constructs/tenancy.py)."""

    def __init__(self, s3: Any, bucket: str):
        self._s3 = s3
        self._bucket = bucket

    def under(self, prefix: str) -> list[str]:
        """Every file whose key starts with `prefix` (a draft's attachment prefix: one folder, so one page or few)."""
        pages = self._s3.get_paginator("list_objects_v2").paginate(Bucket=self._bucket, Prefix=prefix)
        return [item["Key"] for page in pages for item in page.get("Contents", [])]

    def mark_draft(self, key: str) -> None:
        """The file belongs to a draft: the lifecycle rule deletes it if the draft is never sent."""
        tag, value = DRAFT_FILE_TAG
        self._s3.put_object_tagging(Bucket=self._bucket, Key=key, Tagging={"TagSet": [{"Key": tag, "Value": value}]})

    def release(self, key: str) -> None:
        """The file is the case's now: out of the draft files' lifecycle rule."""
        self._s3.delete_object_tagging(Bucket=self._bucket, Key=key)

    def delete(self, key: str) -> None:
        self._s3.delete_object(Bucket=self._bucket, Key=key)
