"""The applicant's reply links, kept in the council's table on the case's partition (so one Query finds them all).

  CASE#<id> / REPLY#<sha256 of the token>   one link: the round it belongs to (the information due date),
                                            the evidence uploaded through it, and how often it was tried

Only the token's hash is stored: a copy of the table gives no one a working link. Every access is a GetItem, a
Query on the case's partition or a conditional write.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError
from pydantic import BaseModel

from shared.core.domain.reply_tokens import new_token, parse_token, token_hash
from shared.resources import CASE_TABLE_LAYOUT, case_partition

PK, SK = CASE_TABLE_LAYOUT.partition_key, CASE_TABLE_LAYOUT.sort_key
LINK_PREFIX = "REPLY#"


@dataclass(frozen=True)
class ReplyLink:
    case_id: str
    due: datetime  # the round's information due date: the link ends then, or when a new round starts
    issued_at: datetime
    uploads: dict[str, Any] = field(default_factory=dict)  # what was uploaded through it, by kind (one of each)
    attempts: int = 0


class ReplyLinks:
    def __init__(self, client: Any, table_name: str, upload_model: type[BaseModel] | None = None):
        """`upload_model` reads back what was uploaded through a link (a service's evidence reference); without it
        uploads read as plain JSON objects."""
        self._client = client
        self._table = table_name
        self._upload_model = upload_model

    def issue(self, case_id: str, due: datetime, now: datetime) -> str:
        """A new link for this round (returns the token, which is not kept); links of earlier rounds go."""
        token = new_token(case_id)
        self._client.put_item(TableName=self._table, Item={
            PK: {"S": case_partition(case_id)}, SK: {"S": LINK_PREFIX + token_hash(token)},
            # "body", as every item on a case's partition has (CaseStore.load groups them by kind).
            "body": {"S": json.dumps({"due": due.isoformat(), "issued_at": now.isoformat()})},
            "uploads": {"M": {}}, "attempts": {"N": "0"},
        }, ConditionExpression=f"attribute_not_exists({PK})")
        for key, item in self._links_of(case_id):
            if json.loads(item["body"]["S"])["due"] != due.isoformat():
                self._client.delete_item(TableName=self._table, Key=key)
        return token

    def find(self, token: str) -> ReplyLink | None:
        parts = parse_token(token)
        if parts is None:
            return None
        item = self._client.get_item(TableName=self._table, Key=self._key(parts.case_id, token), ConsistentRead=True).get("Item")
        if item is None:
            return None
        body = json.loads(item["body"]["S"])
        uploads = {kind: self._read_upload(value["S"]) for kind, value in item["uploads"]["M"].items()}
        return ReplyLink(case_id=parts.case_id, due=datetime.fromisoformat(body["due"]), issued_at=datetime.fromisoformat(body["issued_at"]),
                         uploads=uploads, attempts=int(item["attempts"]["N"]))

    def record_upload(self, token: str, kind: str, upload: BaseModel) -> bool:
        """The checked upload, replacing an earlier one of its kind; False when the link is gone."""
        return self._update(token, "SET uploads.#kind = :upload", {"#kind": kind},
                            {":upload": {"S": upload.model_dump_json(exclude_none=True)}}, f"attribute_exists({PK})")

    def _read_upload(self, body: str) -> Any:
        return self._upload_model.model_validate_json(body) if self._upload_model else json.loads(body)

    def count_attempt(self, token: str, limit: int) -> bool:
        """One more try with this link; False once it has been tried `limit` times (or it is gone)."""
        return self._update(token, "ADD attempts :one", {}, {":one": {"N": "1"}, ":limit": {"N": str(limit)}},
                            f"attribute_exists({PK}) AND attempts < :limit")

    def revoke_all(self, case_id: str) -> None:
        """Used: no link of this case works any more."""
        for key, _ in self._links_of(case_id):
            self._client.delete_item(TableName=self._table, Key=key)

    def _update(self, token: str, expression: str, names: dict[str, str], values: dict[str, Any], condition: str) -> bool:
        parts = parse_token(token)
        if parts is None:
            return False
        extra = {"ExpressionAttributeNames": names} if names else {}
        try:
            self._client.update_item(TableName=self._table, Key=self._key(parts.case_id, token), UpdateExpression=expression,
                                     ExpressionAttributeValues=values, ConditionExpression=condition, **extra)
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _links_of(self, case_id: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        response = self._client.query(
            TableName=self._table, KeyConditionExpression="#pk = :pk AND begins_with(#sk, :link)",
            ExpressionAttributeNames={"#pk": PK, "#sk": SK},
            ExpressionAttributeValues={":pk": {"S": case_partition(case_id)}, ":link": {"S": LINK_PREFIX}},
            ProjectionExpression="#pk, #sk, body",
        )
        return [({PK: item[PK], SK: item[SK]}, item) for item in response["Items"]]

    @staticmethod
    def _key(case_id: str, token: str) -> dict[str, Any]:
        return {PK: {"S": case_partition(case_id)}, SK: {"S": LINK_PREFIX + token_hash(token)}}
