"""The council's partner allow-list, its partner accounts and their audit trail, in the council's own table.

Items (partition PARTNERS#family-front-door):
  AGENCY#<agency id>   an agency: name, kind, permissions
  DOMAIN#<domain>      an email domain on the allow-list and the agency it admits
  ACCOUNT#<email>      a partner's account as the council keeps it (first sign-in, suspended or not)
and PARTNERS#family-front-door#AUDIT / <when>#<random>: who changed what, when (newest first on the admin page).

Reads are GetItem (the pre-sign-up trigger: a domain, then its agency) or one Query per kind; every change is one
conditional transaction with its audit entry.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from shared.core.domain.case import AuditEntry
from shared.services.family_front_door import SERVICE_KEY
from shared.services.family_front_door.domain.agencies import Agency, AllowedDomain, AllowList
from shared.services.family_front_door.domain.partners import PartnerAccount, PartnerAdminAction

PARTITION = f"PARTNERS#{SERVICE_KEY}"
AUDIT_PARTITION = f"{PARTITION}#AUDIT"
AGENCY, DOMAIN, ACCOUNT = "AGENCY#", "DOMAIN#", "ACCOUNT#"


class AllowListRefused(Exception):
    """The change cannot be made as asked (the message says why, for the page)."""


def _key(sort_key: str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": PARTITION}, "sk": {"S": sort_key}}


class PartnerDirectory:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table = table_name

    # ------------------------------------------------------------------ reads
    def agency_for_domain(self, domain: str) -> Agency | None:
        """The agency an email domain admits (two GetItems); None when the domain is not on the allow-list."""
        entry = self._client.get_item(TableName=self._table, Key=_key(DOMAIN + domain), ConsistentRead=True).get("Item")
        return self.agency(entry["agency_id"]["S"]) if entry else None

    def agency(self, agency_id: str) -> Agency | None:
        item = self._client.get_item(TableName=self._table, Key=_key(AGENCY + agency_id), ConsistentRead=True).get("Item")
        return Agency.model_validate_json(item["body"]["S"]) if item else None

    def allow_list(self) -> AllowList:
        """Every agency and domain (one Query each)."""
        agencies = tuple(Agency.model_validate_json(item["body"]["S"]) for item in self._query(AGENCY))
        domains = tuple(AllowedDomain(domain=item["sk"]["S"].removeprefix(DOMAIN), agency_id=item["agency_id"]["S"])
                        for item in self._query(DOMAIN))
        return AllowList(agencies=tuple(sorted(agencies, key=lambda agency: agency.name.lower())), domains=domains)

    def accounts(self) -> list[PartnerAccount]:
        return [self._account(item) for item in self._query(ACCOUNT)]

    def account(self, email: str) -> PartnerAccount | None:
        item = self._client.get_item(TableName=self._table, Key=_key(ACCOUNT + email.lower()), ConsistentRead=True).get("Item")
        return self._account(item) if item else None

    def audit_trail(self, limit: int = 50) -> list[AuditEntry]:
        """The latest changes to the allow-list and the accounts, newest first (one Query)."""
        items = self._client.query(
            TableName=self._table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": AUDIT_PARTITION}},
            ScanIndexForward=False, Limit=limit,
        )["Items"]
        return [AuditEntry.model_validate_json(item["body"]["S"]) for item in items]

    def _query(self, kind: str) -> Iterator[dict[str, Any]]:
        pages = self._client.get_paginator("query").paginate(
            TableName=self._table, KeyConditionExpression="pk = :pk AND begins_with(sk, :kind)",
            ExpressionAttributeValues={":pk": {"S": PARTITION}, ":kind": {"S": kind}}, ConsistentRead=True,
        )
        for page in pages:
            yield from page["Items"]

    @staticmethod
    def _account(item: dict[str, Any]) -> PartnerAccount:
        return PartnerAccount.model_validate_json(item["body"]["S"]).model_copy(update={"suspended": item["suspended"]["BOOL"]})

    # ------------------------------------------------------------------ changes (each audited in its own transaction)
    def save_agency(self, agency: Agency, actor: str, now: datetime) -> None:
        before = self.agency(agency.agency_id)
        self._write({"Put": {"TableName": self._table, "Item": {**_key(AGENCY + agency.agency_id), "body": {"S": agency.model_dump_json()}}}},
                    self._audit(PartnerAdminAction.AGENCY_SAVED, agency.agency_id, actor, now,
                                before.model_dump(mode="json") if before else None, agency.model_dump(mode="json")))

    def allow_domain(self, entry: AllowedDomain, actor: str, now: datetime) -> None:
        """Add a domain for an existing agency; refused when the domain is listed already or the agency is gone."""
        self._write(
            {"ConditionCheck": {"TableName": self._table, "Key": _key(AGENCY + entry.agency_id), "ConditionExpression": "attribute_exists(pk)"}},
            {"Put": {"TableName": self._table, "ConditionExpression": "attribute_not_exists(pk)",
                     "Item": {**_key(DOMAIN + entry.domain), "agency_id": {"S": entry.agency_id}}}},
            self._audit(PartnerAdminAction.DOMAIN_ALLOWED, entry.domain, actor, now, None, entry.model_dump()),
            refused=f"{entry.domain} is already on the allow-list, or its agency no longer exists: reload the page",
        )

    def remove_domain(self, domain: str, actor: str, now: datetime) -> None:
        item = self._client.get_item(TableName=self._table, Key=_key(DOMAIN + domain), ConsistentRead=True).get("Item")
        if item is None:
            raise AllowListRefused(f"{domain} is not on the allow-list")
        agency_id = item["agency_id"]["S"]
        self._write(
            {"Delete": {"TableName": self._table, "Key": _key(DOMAIN + domain), "ConditionExpression": "agency_id = :agency",
                        "ExpressionAttributeValues": {":agency": {"S": agency_id}}}},
            self._audit(PartnerAdminAction.DOMAIN_REMOVED, domain, actor, now, {"domain": domain, "agency_id": agency_id}, None),
            refused=f"{domain} was changed by someone else meanwhile: reload the page",
        )

    def record_account(self, account: PartnerAccount) -> None:
        """Keep a partner's account at their first sign-in (later sign-ins leave it as it is)."""
        try:
            self._client.put_item(
                TableName=self._table, ConditionExpression="attribute_not_exists(pk)",
                Item={**_key(ACCOUNT + account.email.lower()), "body": {"S": account.model_dump_json(exclude={"suspended"})},
                      "suspended": {"BOOL": account.suspended}},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    def set_suspended(self, email: str, suspended: bool, actor: str, now: datetime) -> None:
        action = PartnerAdminAction.ACCOUNT_SUSPENDED if suspended else PartnerAdminAction.ACCOUNT_ENABLED
        self._write(
            {"Update": {"TableName": self._table, "Key": _key(ACCOUNT + email.lower()),
                        "ConditionExpression": "attribute_exists(pk) AND suspended = :was",
                        "UpdateExpression": "SET suspended = :now",
                        "ExpressionAttributeValues": {":was": {"BOOL": not suspended}, ":now": {"BOOL": suspended}}}},
            self._audit(action, email.lower(), actor, now, {"suspended": not suspended}, {"suspended": suspended}),
            refused=f"{email} is not a partner of this council, or was {'suspended' if suspended else 'enabled'} already",
        )

    def _audit(self, action: PartnerAdminAction, subject: str, actor: str, now: datetime,
               before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
        entry = AuditEntry(case_id=subject, at=now, actor=actor, action=action.value, before=before, after=after)
        return {"Put": {"TableName": self._table, "ConditionExpression": "attribute_not_exists(pk)", "Item": {
            "pk": {"S": AUDIT_PARTITION}, "sk": {"S": f"{now.isoformat()}#{secrets.token_hex(4)}"}, "body": {"S": entry.model_dump_json()}}}}

    def _write(self, *items: dict[str, Any], refused: str = "") -> None:
        try:
            self._client.transact_write_items(TransactItems=list(items))
        except ClientError as error:
            if error.response["Error"]["Code"] == "TransactionCanceledException" and refused:
                raise AllowListRefused(refused) from None
            raise
