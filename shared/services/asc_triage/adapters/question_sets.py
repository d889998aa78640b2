"""A council's threshold question sets, versioned, in its own table: staff publish a new version without a deploy,
and each referral records the version it was answered on (so an old referral still reads against its questions).

Items: QUESTIONS#asc-triage / V#<version, 6 digits>  the set as published, with who published it and when (never
changed: a change is a new version)
Until a council publishes its own, version 1 is the default set built from the Regulations (never stored).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from shared.core.domain.case import AuditEntry
from shared.services.asc_triage import SERVICE_KEY
from shared.services.asc_triage.domain.questions import QuestionSet, default_question_set

PARTITION = f"QUESTIONS#{SERVICE_KEY}"


@dataclass(frozen=True)
class Publication:
    """Who published a version, and when (the default version 1 was never published: None)."""

    by: str
    at: datetime


class VersionTaken(Exception):
    """Someone published a version at the same time: reload and publish again."""


def _sort_key(version: int) -> str:
    return f"V#{version:06d}"


class QuestionSets:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table = table_name

    def current(self) -> QuestionSet:
        """The newest published version (one Query, newest first, one item)."""
        response = self._client.query(
            TableName=self._table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": PARTITION}},
            ScanIndexForward=False, Limit=1, ConsistentRead=True,
        )
        items = response["Items"]
        return QuestionSet.model_validate_json(items[0]["body"]["S"]) if items else default_question_set()

    def version(self, version: int) -> QuestionSet | None:
        """The set a referral was answered on (one GetItem); None when the council never had that version."""
        response = self._client.get_item(TableName=self._table, Key={"pk": {"S": PARTITION}, "sk": {"S": _sort_key(version)}},
                                         ConsistentRead=True)
        if "Item" in response:
            return QuestionSet.model_validate_json(response["Item"]["body"]["S"])
        default = default_question_set()
        return default if version == default.version else None

    def publication(self, version: int) -> Publication | None:
        """Who published `version` and when (one GetItem); None for the default set or an unknown version."""
        response = self._client.get_item(TableName=self._table, Key={"pk": {"S": PARTITION}, "sk": {"S": _sort_key(version)}},
                                         ProjectionExpression="published_by, published_at")
        item = response.get("Item") or {}
        if "published_by" not in item:
            return None
        return Publication(by=item["published_by"]["S"], at=datetime.fromisoformat(item["published_at"]["S"]))

    def publish(self, edited: QuestionSet, by: str, now: datetime) -> QuestionSet:
        """Store `edited` as the version after the one it was edited from, with an audit entry; VersionTaken when someone
        published that version meanwhile (the conditional put refuses a second one)."""
        published = edited.model_copy(update={"version": edited.version + 1})
        audit = AuditEntry(case_id=PARTITION, at=now, actor=by, action="QUESTION_SET_PUBLISHED",
                           after={"version": published.version})
        try:
            self._client.transact_write_items(TransactItems=[
                {"Put": {"TableName": self._table, "ConditionExpression": "attribute_not_exists(pk)",
                         "Item": {"pk": {"S": PARTITION}, "sk": {"S": _sort_key(published.version)},
                                  "body": {"S": published.model_dump_json()},
                                  "published_by": {"S": by}, "published_at": {"S": now.isoformat()}}}},
                {"Put": {"TableName": self._table, "ConditionExpression": "attribute_not_exists(pk)",
                         "Item": {"pk": {"S": PARTITION}, "sk": {"S": f"AUDIT#{now.isoformat()}#{published.version}"},
                                  "body": {"S": audit.model_dump_json()}}}},
            ])
        except ClientError as error:
            if error.response["Error"]["Code"] == "TransactionCanceledException":
                raise VersionTaken(f"question set version {published.version} was published by someone else") from None
            raise
        return published
