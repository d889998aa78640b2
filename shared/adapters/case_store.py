"""DynamoDB access for one council's table (single-table design; layout in shared.resources).

Items in a council table:
  CASE#<id> / CASE              the case (GSI1: stage queue, GSI2: assignee queue)
  CASE#<id> / AUDIT#<at>#<n>     audit entries, oldest first
  APPLICATION#<id> / APPLICATION marks an application id as taken: one case per application
  LOOKUP#<kind>#<value> / CASE#<id>  search keys (NI number, postcode, surname+birth date, badge)
  PARKED#<id> / PARKED          an application that could not become a case (GSI1: parked queue)
Every access is a GetItem, a Query or a transaction; every change is conditional.
"""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any, TypeVar

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from shared.domain.case import AuditEntry, Case, ParkedApplication, ParkedStatus, Stage
from shared.resources import ASSIGNEE_INDEX, CASE_TABLE_LAYOUT, STAGE_INDEX, IndexSpec

PK, SK = CASE_TABLE_LAYOUT.partition_key, CASE_TABLE_LAYOUT.sort_key
CASE_SK = "CASE"
PARKED_SK = "PARKED"
PARKED_QUEUE = "PARKED"

PageItem = TypeVar("PageItem", Case, ParkedApplication)

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class DuplicateApplication(Exception):
    def __init__(self, application_id: str, existing_case_id: str):
        super().__init__(f"application {application_id} is already case {existing_case_id}")
        self.existing_case_id = existing_case_id


class InvalidCursor(ValueError):
    """A page cursor that this store did not hand out."""


def encode_cursor(last_key: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(last_key, sort_keys=True).encode()).decode()


def decode_cursor(cursor: str, key_names: set[str]) -> dict[str, Any]:
    try:
        last_key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError):
        raise InvalidCursor("cursor is not one this API returned") from None
    if not isinstance(last_key, dict) or set(last_key) != key_names or not all(
        isinstance(value, dict) and set(value) == {"S"} and isinstance(value["S"], str) for value in last_key.values()
    ):
        raise InvalidCursor("cursor is not one this API returned")
    return last_key


class StaleVersion(Exception):
    """Someone else changed the item since it was read."""


def case_key(case_id: str) -> dict[str, str]:
    return {PK: f"CASE#{case_id}", SK: CASE_SK}


def parked_key(parked_id: str) -> dict[str, str]:
    return {PK: f"PARKED#{parked_id}", SK: PARKED_SK}


def stage_queue_key(stage: Stage) -> str:
    return f"STAGE#{stage.value}"


def assignee_queue_key(assignee: str) -> str:
    return f"ASSIGNEE#{assignee}"


def lookup_keys(case: Case) -> list[str]:
    """Search keys of a case, each a partition of its own so that a search is one Query."""
    application = case.application
    keys: list[str] = []
    holder = application.holder
    if holder is not None:
        if holder.nino:
            keys.append(f"LOOKUP#NINO#{holder.nino}")
        if holder.address and holder.address.postcode:
            keys.append(f"LOOKUP#POSTCODE#{holder.address.postcode.replace(' ', '')}")
        if holder.surname and holder.date_of_birth:
            keys.append(f"LOOKUP#PERSON#{holder.surname.upper()}#{holder.date_of_birth.isoformat()}")
    if application.existing_badge_number:
        keys.append(f"LOOKUP#BADGE#{application.existing_badge_number}")
    return keys


def _marshal(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in item.items()}


def _unmarshal(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


def _condition_failed(error: ClientError) -> bool:
    return error.response["Error"]["Code"] == "ConditionalCheckFailedException"


class CaseStore:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self.table_name = table_name

    # ------------------------------------------------------------ cases
    def create(self, case: Case, audit: AuditEntry) -> None:
        """Write a new case with its audit entry, application marker and search keys, all or nothing."""
        application_id = case.application.application_id
        marker_key = {PK: f"APPLICATION#{application_id}", SK: "APPLICATION"}
        marker = marker_key | {"case_id": case.case_id}
        lookups = [{PK: key, SK: f"CASE#{case.case_id}", "case_id": case.case_id} for key in lookup_keys(case)]
        items = [
            self._put(self._case_item(case), new_only=True),
            self._put(marker, new_only=True),
            self._put(self._audit_item(audit)),
            *(self._put(item) for item in lookups),
        ]
        try:
            self._client.transact_write_items(TransactItems=items)
        except ClientError as error:
            reasons = error.response.get("CancellationReasons") or []
            if len(reasons) > 1 and reasons[1].get("Code") == "ConditionalCheckFailed":
                existing = self._get_item(marker_key)
                raise DuplicateApplication(application_id, existing["case_id"] if existing else "unknown") from None
            raise

    def get(self, case_id: str) -> Case | None:
        item = self._get_item(case_key(case_id))
        return Case.model_validate_json(item["body"]) if item else None

    def save(self, case: Case, expected_version: int, audit: AuditEntry) -> None:
        """Replace the case if nobody changed it since `expected_version` was read; audit in the same transaction."""
        put = self._put(self._case_item(case))
        put["Put"]["ConditionExpression"] = "version = :expected"
        put["Put"]["ExpressionAttributeValues"] = {":expected": {"N": str(expected_version)}}
        try:
            self._client.transact_write_items(TransactItems=[put, self._put(self._audit_item(audit))])
        except ClientError as error:
            reasons = error.response.get("CancellationReasons") or []
            if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                raise StaleVersion(f"case {case.case_id} changed since version {expected_version}") from None
            raise

    def append_audit(self, audit: AuditEntry) -> None:
        """An entry that records something about the case without changing it (a notification sent)."""
        self._client.put_item(**self._put(self._audit_item(audit), new_only=True)["Put"])

    def history(self, case_id: str) -> list[AuditEntry]:
        items = self._query_all(
            KeyConditionExpression="#pk = :pk AND begins_with(#sk, :audit)",
            ExpressionAttributeNames={"#pk": PK, "#sk": SK},
            ExpressionAttributeValues={":pk": {"S": f"CASE#{case_id}"}, ":audit": {"S": "AUDIT#"}},
        )
        return [AuditEntry.model_validate_json(item["body"]) for item in items]

    def by_stage(self, stage: Stage, limit: int = 50, after: str | None = None) -> tuple[list[Case], str | None]:
        """One page of a stage's queue, oldest first; `after` is the opaque cursor of the previous page."""
        return self._query_page(Case, STAGE_INDEX, stage_queue_key(stage), limit, after)

    def by_assignee(self, assignee: str, limit: int = 50, after: str | None = None) -> tuple[list[Case], str | None]:
        """One page of the cases a person works, oldest first."""
        return self._query_page(Case, ASSIGNEE_INDEX, assignee_queue_key(assignee), limit, after)

    def lookup(self, kind: str, value: str) -> list[str]:
        items = self._query_all(
            KeyConditionExpression="#pk = :pk",
            ExpressionAttributeNames={"#pk": PK},
            ExpressionAttributeValues={":pk": {"S": f"LOOKUP#{kind}#{value}"}},
        )
        return [item["case_id"] for item in items]

    # ------------------------------------------------------------ parked applications
    def park(self, parked: ParkedApplication) -> None:
        self._client.put_item(**self._put(self._parked_item(parked), new_only=True)["Put"])

    def get_parked(self, parked_id: str) -> ParkedApplication | None:
        item = self._get_item(parked_key(parked_id))
        return ParkedApplication.model_validate_json(item["body"]) if item else None

    def parked(self, limit: int = 50, after: str | None = None) -> tuple[list[ParkedApplication], str | None]:
        return self._query_page(ParkedApplication, STAGE_INDEX, PARKED_QUEUE, limit, after)

    def update_parked(self, parked: ParkedApplication, expected_version: int) -> None:
        item = self._parked_item(parked)
        try:
            self._client.put_item(
                TableName=self.table_name,
                Item=_marshal(item),
                ConditionExpression="version = :expected",
                ExpressionAttributeValues={":expected": {"N": str(expected_version)}},
            )
        except ClientError as error:
            if _condition_failed(error):
                raise StaleVersion(f"parked application {parked.parked_id} changed since version {expected_version}") from None
            raise

    # ------------------------------------------------------------ item shapes
    @staticmethod
    def _case_item(case: Case) -> dict[str, Any]:
        item = case_key(case.case_id) | {
            "body": case.model_dump_json(),
            "version": case.version,
            "stage": case.stage.value,
            STAGE_INDEX.partition_key: stage_queue_key(case.stage),
            STAGE_INDEX.sort_key: f"{case.received_at.isoformat()}#{case.case_id}",
        }
        if case.assignee:
            item[ASSIGNEE_INDEX.partition_key] = assignee_queue_key(case.assignee)
            item[ASSIGNEE_INDEX.sort_key] = f"{case.received_at.isoformat()}#{case.case_id}"
        return item

    @staticmethod
    def _audit_item(audit: AuditEntry) -> dict[str, Any]:
        # The random tail keeps two entries written in the same microsecond apart.
        sort_key = f"AUDIT#{audit.at.isoformat()}#{secrets.token_hex(4)}"
        return {PK: f"CASE#{audit.case_id}", SK: sort_key, "body": audit.model_dump_json()}

    @staticmethod
    def _parked_item(parked: ParkedApplication) -> dict[str, Any]:
        item = parked_key(parked.parked_id) | {"body": parked.model_dump_json(), "version": parked.version}
        if parked.status is ParkedStatus.PARKED:  # replayed ones leave the queue
            item[STAGE_INDEX.partition_key] = PARKED_QUEUE
            item[STAGE_INDEX.sort_key] = f"{parked.parked_at.isoformat()}#{parked.parked_id}"
        return item

    # ------------------------------------------------------------ low level
    def _put(self, item: dict[str, Any], new_only: bool = False) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self.table_name, "Item": _marshal(item)}
        if new_only:
            put["ConditionExpression"] = "attribute_not_exists(#pk)"
            put["ExpressionAttributeNames"] = {"#pk": PK}
        return {"Put": put}

    def _get_item(self, key: dict[str, str]) -> dict[str, Any] | None:
        response = self._client.get_item(TableName=self.table_name, Key=_marshal(key), ConsistentRead=True)
        return _unmarshal(response["Item"]) if "Item" in response else None

    def _query_all(self, **query: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"TableName": self.table_name, **query}
        while True:
            response = self._client.query(**kwargs)
            items += [_unmarshal(item) for item in response["Items"]]
            if "LastEvaluatedKey" not in response:
                return items
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def _query_page(
        self, model: type[PageItem], index: IndexSpec, key_value: str, limit: int, after: str | None
    ) -> tuple[list[PageItem], str | None]:
        """One page of an index partition, parsed as `model`, with the opaque cursor of the next page."""
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": index.name,
            "KeyConditionExpression": "#k = :v",
            "ExpressionAttributeNames": {"#k": index.partition_key},
            "ExpressionAttributeValues": {":v": {"S": key_value}},
            "Limit": limit,
        }
        if after:
            kwargs["ExclusiveStartKey"] = decode_cursor(after, {PK, SK, index.partition_key, index.sort_key})
        response = self._client.query(**kwargs)
        cursor = encode_cursor(response["LastEvaluatedKey"]) if "LastEvaluatedKey" in response else None
        return [model.model_validate_json(_unmarshal(item)["body"]) for item in response["Items"]], cursor
