"""Appointments at a council's hubs, in the council's own table (single-table design, keys pk/sk).

Items:
  HUB#<hub id> / SLOT#<start, UTC ISO>   one slot: `booked` (people booked) and `capacity`; made by its first booking
  BOOKING#<booking id> / BOOKING         one booking, with the SHA-256 of its cancel token (the token is never stored)
Both carry expires_at, the slot's start + 90 days, for the table's TTL to clear the personal data.

Every access is a GetItem, a Query or a transaction; every change is conditional. The seat count is guarded by the
transaction's condition, so two people taking the last seat at once cannot both have it, whatever they read before.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from shared.resources import CASE_TABLE_LAYOUT
from shared.services.asc_triage.domain.signposting import Booking, BookingStatus, Hub, HubVisitor

PK, SK = CASE_TABLE_LAYOUT.partition_key, CASE_TABLE_LAYOUT.sort_key
EXPIRES_AT = CASE_TABLE_LAYOUT.ttl_attribute
BOOKING_SK = "BOOKING"
KEEP_AFTER_SLOT = timedelta(days=90)
CANCEL_TOKEN_BYTES = 32

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class SlotFull(Exception):
    def __init__(self, hub_id: str, slot_start: datetime):
        super().__init__(f"the slot at {slot_start.astimezone(UTC).isoformat()} at hub {hub_id} is full")
        self.hub_id, self.slot_start = hub_id, slot_start


class BookingNotFound(Exception):
    """No booking has this id and cancel token; which of the two is wrong is not told."""


class AlreadyCancelled(Exception):
    pass


def _slot_sort_key(slot_start: datetime) -> str:
    return f"SLOT#{slot_start.astimezone(UTC).isoformat()}"


def slot_key(hub_id: str, slot_start: datetime) -> dict[str, str]:
    return {PK: f"HUB#{hub_id}", SK: _slot_sort_key(slot_start)}


def booking_key(booking_id: str) -> dict[str, str]:
    return {PK: f"BOOKING#{booking_id}", SK: BOOKING_SK}


def token_digest(cancel_token: str) -> str:
    return hashlib.sha256(cancel_token.encode()).hexdigest()


def new_booking_id(now: datetime) -> str:
    """Short enough to read out on the phone; unique in practice, and the booking's put is conditional anyway."""
    return f"HB-{now:%y%m%d}-{secrets.token_hex(4).upper()}"


def _marshal(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in item.items()}


def _unmarshal(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


def _failed_conditions(error: ClientError) -> list[bool]:
    """Per transaction item, whether its condition failed (empty when the transaction failed otherwise)."""
    if error.response["Error"]["Code"] != "TransactionCanceledException":
        return []
    return [reason.get("Code") == "ConditionalCheckFailed" for reason in error.response.get("CancellationReasons") or []]


class HubBookings:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self.table_name = table_name

    def book(self, hub: Hub, slot_start: datetime, person: HubVisitor, now: datetime) -> tuple[Booking, str]:
        """Take a seat in a slot for `person`: the booking and its cancel token (to send them, and not keep).
        SlotFull when the slot's seats are taken. The caller checks that the slot is one of the hub's
        (signposting.hub_slot_starts)."""
        if slot_start <= now:
            raise ValueError("a slot that has started cannot be booked")
        cancel_token = secrets.token_urlsafe(CANCEL_TOKEN_BYTES)
        booking = Booking(booking_id=new_booking_id(now), hub_id=hub.id, slot_start=slot_start.astimezone(UTC),
                          visitor=person, status=BookingStatus.BOOKED, booked_at=now)
        expires_at = int((slot_start + KEEP_AFTER_SLOT).timestamp())
        # Counted against the hub's capacity as configured now, so a lowered capacity holds for part-booked slots.
        take_seat = {"Update": {
            "TableName": self.table_name, "Key": _marshal(slot_key(hub.id, slot_start)),
            "UpdateExpression": "SET #booked = if_not_exists(#booked, :zero) + :one, #capacity = :capacity, "
                                "#expires = :expires",
            "ConditionExpression": "attribute_not_exists(#pk) OR #booked < :capacity",
            "ExpressionAttributeNames": {"#pk": PK, "#booked": "booked", "#capacity": "capacity", "#expires": EXPIRES_AT},
            "ExpressionAttributeValues": _marshal({":zero": 0, ":one": 1, ":capacity": hub.slots_per_time,
                                                   ":expires": expires_at}),
        }}
        record = {"Put": {
            "TableName": self.table_name,
            "Item": _marshal(self._booking_item(booking) | {"cancel_token_sha256": token_digest(cancel_token),
                                                            EXPIRES_AT: expires_at}),
            "ConditionExpression": "attribute_not_exists(#pk)", "ExpressionAttributeNames": {"#pk": PK},
        }}
        try:
            self._client.transact_write_items(TransactItems=[take_seat, record])
        except ClientError as error:
            if _failed_conditions(error)[:1] == [True]:
                raise SlotFull(hub.id, slot_start) from None
            raise
        return booking, cancel_token

    def cancel(self, booking_id: str, cancel_token: str, now: datetime) -> Booking:
        """Cancel a booking with the token given when it was made, and free its seat: the cancelled booking.
        BookingNotFound for an unknown id or a wrong token alike; AlreadyCancelled the second time."""
        response = self._client.get_item(TableName=self.table_name, Key=_marshal(booking_key(booking_id)),
                                          ConsistentRead=True)
        item = _unmarshal(response["Item"]) if "Item" in response else None
        if item is None or not hmac.compare_digest(item["cancel_token_sha256"], token_digest(cancel_token)):
            raise BookingNotFound(f"no booking {booking_id} with this cancel link")
        booking = self._booking(item)
        if booking.status is BookingStatus.CANCELLED:
            raise AlreadyCancelled(f"booking {booking_id} was already cancelled")
        cancelled = booking.model_copy(update={"status": BookingStatus.CANCELLED, "cancelled_at": now})
        mark_cancelled = {"Update": {
            "TableName": self.table_name, "Key": _marshal(booking_key(booking_id)),
            "UpdateExpression": "SET #status = :cancelled, #cancelled_at = :now",
            "ConditionExpression": "#status = :booked",
            "ExpressionAttributeNames": {"#status": "status", "#cancelled_at": "cancelled_at"},
            "ExpressionAttributeValues": _marshal({":cancelled": BookingStatus.CANCELLED.value,
                                                   ":booked": BookingStatus.BOOKED.value,
                                                   ":now": now.astimezone(UTC).isoformat()}),
        }}
        free_seat = {"Update": {
            "TableName": self.table_name, "Key": _marshal(slot_key(booking.hub_id, booking.slot_start)),
            "UpdateExpression": "SET #booked = #booked - :one",
            "ConditionExpression": "#booked > :zero",
            "ExpressionAttributeNames": {"#booked": "booked"},
            "ExpressionAttributeValues": _marshal({":zero": 0, ":one": 1}),
        }}
        try:
            self._client.transact_write_items(TransactItems=[mark_cancelled, free_seat])
        except ClientError as error:
            if _failed_conditions(error)[:1] == [True]:  # cancelled by another request since it was read
                raise AlreadyCancelled(f"booking {booking_id} was already cancelled") from None
            raise
        return cancelled

    def booking(self, booking_id: str) -> Booking | None:
        response = self._client.get_item(TableName=self.table_name, Key=_marshal(booking_key(booking_id)),
                                          ConsistentRead=True)
        return self._booking(_unmarshal(response["Item"])) if "Item" in response else None

    def available_slots(self, hub: Hub, starts: list[datetime]) -> list[tuple[datetime, int]]:
        """Seats left in each of `starts` (in the order given): one Query on the hub's slots between the first and
        the last. A slot nobody booked has no item and all its seats left."""
        if not starts:
            return []
        sort_keys = sorted(_slot_sort_key(start) for start in starts)
        query: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "#pk = :pk AND #sk BETWEEN :first AND :last",
            "ProjectionExpression": "#sk, #booked",
            "ExpressionAttributeNames": {"#pk": PK, "#sk": SK, "#booked": "booked"},
            "ExpressionAttributeValues": _marshal({":pk": f"HUB#{hub.id}", ":first": sort_keys[0], ":last": sort_keys[-1]}),
        }
        booked: dict[str, int] = {}
        while True:  # a Query returns up to 1 MB a page: weeks of slots fit in one
            response = self._client.query(**query)
            booked |= {item[SK]: int(item["booked"]) for item in map(_unmarshal, response["Items"])}
            if "LastEvaluatedKey" not in response:
                break
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return [(start, max(hub.slots_per_time - booked.get(_slot_sort_key(start), 0), 0)) for start in starts]

    @staticmethod
    def _booking_item(booking: Booking) -> dict[str, Any]:
        visitor = booking.visitor
        item = booking_key(booking.booking_id) | {
            "booking_id": booking.booking_id, "hub_id": booking.hub_id,
            "slot_start": booking.slot_start.astimezone(UTC).isoformat(), "status": booking.status.value,
            "booked_at": booking.booked_at.astimezone(UTC).isoformat(), "name": visitor.name, "contact": visitor.contact,
        }
        if visitor.referral_reference is not None:
            item["referral_reference"] = visitor.referral_reference
        return item

    @staticmethod
    def _booking(item: dict[str, Any]) -> Booking:
        return Booking(
            booking_id=item["booking_id"], hub_id=item["hub_id"], slot_start=item["slot_start"],
            visitor=HubVisitor(name=item["name"], contact=item["contact"], referral_reference=item.get("referral_reference")),
            status=item["status"], booked_at=item["booked_at"], cancelled_at=item.get("cancelled_at"),
        )
