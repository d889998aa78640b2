"""DynamoDB write units, computed from item sizes, for every write a test makes through boto3.

moto answers ReturnConsumedCapacity with fixed figures (not from the item), so the units are worked out here the way
DynamoDB bills them (on-demand write request units), from moto's own store before and after each successful write:
- the table: one unit per KB (rounded up) of the larger of the item before and after; a transaction's items count twice
  (a ConditionCheck too, sized on the item it checks);
- each global secondary index, from the index's projection as the table was created: an index entry is its projected
  attributes plus the table's and the index's keys plus 100 bytes; putting an entry costs its size in KB, a changed
  index key costs a delete of the old entry and a put of the new one, and a write that changes no projected attribute
  costs that index nothing.
Failed writes (condition refused) are not counted: on the happy paths measured here there are none.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pytest
from botocore.client import BaseClient

KB = 1024
INDEX_ENTRY_OVERHEAD = 100
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}


def _backend():
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from shared.resources import DEFAULT_REGION

    return dynamodb_backends[DEFAULT_ACCOUNT_ID][DEFAULT_REGION]


def _targets(operation: str, params: dict[str, Any]) -> list[tuple[str, dict[str, Any], int]]:
    """(table, key, multiplier) of each item the write touches."""
    if operation == "TransactWriteItems":
        targets = []
        for action in params["TransactItems"]:
            (kind, body), = action.items()
            targets.append((body["TableName"], body["Key"] if kind != "Put" else body["Item"], 2))
        return targets
    if operation == "BatchWriteItem":
        return [(table, (request.get("PutRequest") or {}).get("Item") or request["DeleteRequest"]["Key"], 1)
                for table, requests in params["RequestItems"].items() for request in requests]
    return [(params["TableName"], params.get("Key") or params["Item"], 1)]


def _snapshot(table_name: str, item_or_key: dict[str, Any]) -> dict[str, Any] | None:
    table = _backend().get_table(table_name)
    key = {name: item_or_key[name] for name in (table.hash_key_attr, table.range_key_attr) if name}
    found = _backend().get_item(table_name, key)
    return dict(found.attrs) if found is not None else None


def peek_item(table_name: str, key: dict[str, str]) -> dict[str, Any] | None:
    """An item as moto holds it, as plain values, read without a request (for polling that must not be counted)."""
    found = _snapshot(table_name, {name: {"S": value} for name, value in key.items()})
    return {name: value.cast_value for name, value in found.items()} if found is not None else None


def _size(attributes: dict[str, Any]) -> int:
    return sum(len(name.encode()) + value.size() for name, value in attributes.items())


def _units(size: int) -> int:
    return max(1, math.ceil(size / KB))


def _index_entry(index, table_keys: list[str], item: dict[str, Any] | None) -> dict[str, Any] | None:
    keys = [element["AttributeName"] for element in index.schema]
    if item is None or not all(name in item for name in keys):
        return None  # not in this (sparse) index
    projection = index.projection or {}
    kind = projection.get("ProjectionType", "ALL")
    if kind == "ALL":
        return item
    wanted = set(keys) | set(table_keys) | set(projection.get("NonKeyAttributes", []) if kind == "INCLUDE" else [])
    return {name: value for name, value in item.items() if name in wanted}


def _write_units(table_name: str, before: dict | None, after: dict | None, multiplier: int) -> dict[str, int]:
    """Units for one item's write, by where they are spent: the table name, or table/index."""
    table = _backend().get_table(table_name)
    spent = {table_name: multiplier * _units(max(_size(before or {}), _size(after or {})))}
    table_keys = [name for name in (table.hash_key_attr, table.range_key_attr) if name]
    for index in table.global_indexes:
        old, new = (_index_entry(index, table_keys, item) for item in (before, after))
        if old == new:
            continue  # no projected attribute changed (or in the index neither before nor after)
        keys = [element["AttributeName"] for element in index.schema]
        moved = old is not None and new is not None and any(old[name] != new[name] for name in keys)
        units = 0
        if old is not None and (new is None or moved):
            units += _units(_size(old) + INDEX_ENTRY_OVERHEAD)
        if new is not None:
            units += _units(_size(new) + INDEX_ENTRY_OVERHEAD)
        spent[f"{table_name}/{index.name}"] = units
    return spent


class WriteUnits(Counter):
    """Write units by table (and table/index) while the test runs; .total is their sum, .on_indexes the GSIs' share."""

    @property
    def total(self) -> int:
        return sum(self.values())

    @property
    def on_indexes(self) -> int:
        return sum(units for where, units in self.items() if "/" in where)


@pytest.fixture
def write_units(monkeypatch) -> WriteUnits:
    spent = WriteUnits()
    original = BaseClient._make_api_call

    def accounting(self, operation, params):
        if self.meta.service_model.service_name != "dynamodb" or operation not in WRITES:
            return original(self, operation, params)
        targets = _targets(operation, params)
        befores = [_snapshot(table, key) for table, key, _ in targets]
        response = original(self, operation, params)
        for (table, key, multiplier), before in zip(targets, befores):
            spent.update(_write_units(table, before, _snapshot(table, key), multiplier))
        return response

    monkeypatch.setattr(BaseClient, "_make_api_call", accounting)
    return spent
