"""Saved views of the team queue: a caseworker's named filter sets, kept per user in the web session table.

One item per user holds all their views (a GetItem reads them, a PutItem saves them), each a name and the
queue's query string. Views outlive sessions; an item nobody has saved to for VIEWS_LIFETIME expires.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.core.domain.case import utcnow
from shared.resources import WEB_SESSION_TABLE_LAYOUT

MAX_VIEWS = 20
MAX_NAME_LENGTH = 60
VIEWS_LIFETIME = timedelta(days=365)

_KEY = WEB_SESSION_TABLE_LAYOUT.partition_key
_TTL = WEB_SESSION_TABLE_LAYOUT.ttl_attribute


@dataclass(frozen=True)
class SavedView:
    name: str
    query: str  # the team queue's query string, e.g. "stage=DECISION&sort=priority"


class TooManyViews(ValueError):
    pass


class SavedViewStore:
    def __init__(self, dynamodb: Any, table_name: str):
        self._dynamodb = dynamodb
        self._table = table_name

    def list(self, user: str) -> list[SavedView]:
        item = self._dynamodb.get_item(TableName=self._table, Key={_KEY: {"S": self._key(user)}}).get("Item")
        if not item:
            return []
        return [SavedView(**view) for view in json.loads(item["views"]["S"])]

    def save(self, user: str, view: SavedView, now: datetime | None = None) -> None:
        """Add the view, or replace the one of the same name (names compare without regard to case)."""
        views = [kept for kept in self.list(user) if kept.name.casefold() != view.name.casefold()]
        if len(views) >= MAX_VIEWS:
            raise TooManyViews(f"You can keep up to {MAX_VIEWS} saved views: delete one first")
        self._write(user, sorted([*views, view], key=lambda kept: kept.name.casefold()), now)

    def delete(self, user: str, name: str, now: datetime | None = None) -> None:
        self._write(user, [kept for kept in self.list(user) if kept.name != name], now)

    def _write(self, user: str, views: list[SavedView], now: datetime | None) -> None:
        expires = int(((now or utcnow()) + VIEWS_LIFETIME).timestamp())
        body = json.dumps([{"name": view.name, "query": view.query} for view in views])
        self._dynamodb.put_item(TableName=self._table, Item={
            _KEY: {"S": self._key(user)}, "views": {"S": body}, _TTL: {"N": str(expires)}})

    @staticmethod
    def _key(user: str) -> str:
        return f"VIEWS#{user}"
