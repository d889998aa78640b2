"""Saved views of a queue (Blue Badge's team queue, the Family Front Door's holding area): a person's named filter sets,
kept per user and queue in the web session table.

One item per user and queue holds all their views (a GetItem reads them, a PutItem saves them), each a name and the
queue's query string. Views outlive sessions; an item nobody has saved to for VIEWS_LIFETIME expires.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import boto3

from shared.core.domain.case import utcnow
from shared.resources import WEB_SESSION_TABLE_LAYOUT, Env
from web.forms import Errors

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
    def __init__(self, dynamodb: Any, table_name: str, queue: str | None = None):
        """`queue`: whose views these are (None: the team queue's, whose items predate the others and keep their key)."""
        self._dynamodb = dynamodb
        self._table = table_name
        self._prefix = "VIEWS#" if queue is None else f"VIEWS#{queue}#"

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

    def _key(self, user: str) -> str:
        return f"{self._prefix}{user}"


@cache
def saved_views_of(queue: str | None = None) -> SavedViewStore:
    """A queue's saved views (see SavedViewStore), in the web function's session table."""
    return SavedViewStore(boto3.client("dynamodb"), os.environ[Env.WEB_SESSION_TABLE], queue)


def save_named_view(store: SavedViewStore, user: str, name: str, query: str) -> Errors:
    """Keep the queue's filters (`query`) as the view `name`; what is wrong with the name (on "view-name"), if anything."""
    errors = Errors()
    if not name:
        errors.add("view-name", "Enter a name for this view")
    elif len(name) > MAX_NAME_LENGTH:
        errors.add("view-name", f"The name must be {MAX_NAME_LENGTH} characters or fewer")
    else:
        try:
            store.save(user, SavedView(name=name, query=query))
        except TooManyViews as error:
            errors.add("view-name", str(error))
    return errors
