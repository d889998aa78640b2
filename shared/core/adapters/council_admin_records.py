"""What a council admin keeps in the council's own table: the settings they changed, the audit of every admin action,
and each staff member's last sign-in.

Items:
  COUNCIL#SETTINGS / CURRENT            the changes over the deployment entry (StoredSettings), with its version
  COUNCIL#ADMIN-AUDIT / <time>#<id>     one AuditEntry per admin action (settings saved, staff invited, roles set...)
  COUNCIL#SIGN-IN / <user name>         the time of that person's last successful sign-in (one PutItem per sign-in)
None carries an index key: no work queue ever sees them.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from shared.core.domain.case import AuditEntry
from shared.core.domain.council_settings import StoredSettings

SETTINGS_PARTITION = "COUNCIL#SETTINGS"
SETTINGS_SORT_KEY = "CURRENT"
AUDIT_PARTITION = "COUNCIL#ADMIN-AUDIT"
SIGN_IN_PARTITION = "COUNCIL#SIGN-IN"
AUDIT_PAGE = 50  # the admin pages show the newest entries


class SettingsChangedMeanwhile(Exception):
    """Someone saved the council's settings since they were read: reload and change them again."""


def _audit_item(entry: AuditEntry) -> dict[str, Any]:
    return {"pk": {"S": AUDIT_PARTITION}, "sk": {"S": f"{entry.at.isoformat()}#{uuid.uuid4().hex[:12]}"},
            "subject": {"S": entry.case_id}, "body": {"S": entry.model_dump_json()}}


class CouncilAdminRecords:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table = table_name

    def settings(self) -> StoredSettings | None:
        """The council admin's stored changes (one consistent GetItem: a change is in effect at once); None if never set."""
        response = self._client.get_item(TableName=self._table, ConsistentRead=True,
                                         Key={"pk": {"S": SETTINGS_PARTITION}, "sk": {"S": SETTINGS_SORT_KEY}})
        item = response.get("Item")
        return StoredSettings.model_validate_json(item["body"]["S"]) if item else None

    def save_settings(self, changes: dict[str, Any], expected_version: int, by: str, now: datetime,
                      before: dict[str, Any], after: dict[str, Any]) -> StoredSettings:
        """Store `changes` as the version after `expected_version` (0: none stored yet), with its audit entry, in one
        transaction; SettingsChangedMeanwhile when the stored version is no longer `expected_version`."""
        saved = StoredSettings(changes=changes, version=expected_version + 1, updated_by=by, updated_at=now)
        condition = ({"ConditionExpression": "attribute_not_exists(pk)"} if expected_version == 0 else
                     {"ConditionExpression": "version = :expected", "ExpressionAttributeValues": {":expected": {"N": str(expected_version)}}})
        audit = AuditEntry(case_id=SETTINGS_PARTITION, at=now, actor=by, action="COUNCIL_SETTINGS_CHANGED", before=before, after=after)
        try:
            self._client.transact_write_items(TransactItems=[
                {"Put": {"TableName": self._table, **condition,
                         "Item": {"pk": {"S": SETTINGS_PARTITION}, "sk": {"S": SETTINGS_SORT_KEY}, "version": {"N": str(saved.version)},
                                  "body": {"S": saved.model_dump_json()}}}},
                {"Put": {"TableName": self._table, "ConditionExpression": "attribute_not_exists(pk)", "Item": _audit_item(audit)}},
            ])
        except self._client.exceptions.TransactionCanceledException:
            raise SettingsChangedMeanwhile(f"the settings are no longer at version {expected_version}") from None
        return saved

    def audit(self, entry: AuditEntry) -> None:
        self._client.put_item(TableName=self._table, Item=_audit_item(entry), ConditionExpression="attribute_not_exists(pk)")

    def recent_audit(self, subject: str | None = None, limit: int = AUDIT_PAGE) -> list[AuditEntry]:
        """The newest admin actions first (a Query on the audit partition); given a subject (an entry's case_id, e.g.
        staff_subject(email)), only those about it."""
        query: dict[str, Any] = {"TableName": self._table, "KeyConditionExpression": "pk = :pk", "ScanIndexForward": False,
                                 "ExpressionAttributeValues": {":pk": {"S": AUDIT_PARTITION}}}
        if subject is not None:
            query["FilterExpression"] = "subject = :subject"
            query["ExpressionAttributeValues"][":subject"] = {"S": subject}
        entries: list[AuditEntry] = []
        for page in self._client.get_paginator("query").paginate(**query, PaginationConfig={"PageSize": limit}):
            entries += [AuditEntry.model_validate_json(item["body"]["S"]) for item in page["Items"]]
            if len(entries) >= limit:
                break
        return entries[:limit]

    def record_sign_in(self, user: str, at: datetime) -> None:
        """One PutItem per successful sign-in (Cognito keeps no last sign-in: UserLastModifiedDate is not one)."""
        self._client.put_item(TableName=self._table, Item={"pk": {"S": SIGN_IN_PARTITION}, "sk": {"S": user.lower()},
                                                           "at": {"S": at.isoformat()}})

    def last_sign_ins(self) -> dict[str, datetime]:
        """Each staff member's last sign-in, by the email they sign in with (one Query: the council's staff)."""
        signed_in: dict[str, datetime] = {}
        for page in self._client.get_paginator("query").paginate(
                TableName=self._table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": SIGN_IN_PARTITION}}):
            signed_in |= {item["sk"]["S"]: datetime.fromisoformat(item["at"]["S"]) for item in page["Items"]}
        return signed_in
