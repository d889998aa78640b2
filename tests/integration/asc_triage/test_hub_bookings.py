"""Hub bookings against moto's DynamoDB: seats are never over-booked, cancel links work once and only with their token.

Uses its own function-scoped mock_aws and a table of its own per test (moto nests mocks without resetting them)."""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import boto3
import pytest
from moto import mock_aws

from shared.resources import DEFAULT_REGION
from shared.services.asc_triage.adapters.hub_bookings import (
    AlreadyCancelled,
    BookingNotFound,
    HubBookings,
    SlotFull,
    booking_key,
    slot_key,
    token_digest,
)
from shared.services.asc_triage.domain.signposting import BookingStatus, Hub, HubVisitor, hub_slot_starts

NOW = datetime(2026, 6, 1, 8, tzinfo=UTC)
HUB = Hub(id="civic-centre", name="Civic Centre hub", address="1 Market Street\nNewcastle", postcode="NE1 4XF",
          opening_hours={"TUE": [("10:00", "12:00")]}, slot_minutes=30, slots_per_time=2)
SLOTS = hub_slot_starts(HUB, date(2026, 6, 2), date(2026, 6, 2), "ENG")  # Tuesday 10:00-12:00 BST: four slots
SLOT = SLOTS[1]


def visitor(name: str = "Ada Lovelace") -> HubVisitor:
    return HubVisitor(name=name, contact="07700 900123", referral_reference="ASC-260601-0001")


@pytest.fixture
def client(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", DEFAULT_REGION)
    with mock_aws():
        yield boto3.client("dynamodb", region_name=DEFAULT_REGION)


@pytest.fixture
def table(client) -> str:
    name = f"council-{secrets.token_hex(4)}"
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                              {"AttributeName": "sk", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
    return name


@pytest.fixture
def bookings(client, table) -> HubBookings:
    return HubBookings(client, table)


def operations_of(client) -> Counter:
    """Counts the DynamoDB operations `client` sends from now on."""
    counted: Counter = Counter()
    client.meta.events.register("before-call.dynamodb", lambda model, **_: counted.update([model.name]))
    return counted


def stored(client, table: str, key: dict[str, str]) -> dict:
    """The raw item, as DynamoDB holds it."""
    return client.get_item(TableName=table, Key={name: {"S": value} for name, value in key.items()})["Item"]


def seats_left(bookings: HubBookings) -> dict[datetime, int]:
    return dict(bookings.available_slots(HUB, SLOTS))


def test_the_last_seat_is_taken_once(bookings):
    assert seats_left(bookings) == {start: 2 for start in SLOTS}
    bookings.book(HUB, SLOT, visitor("Ada"), NOW)
    assert seats_left(bookings)[SLOT] == 1
    bookings.book(HUB, SLOT, visitor("Grace"), NOW)
    assert seats_left(bookings) == {start: 0 if start == SLOT else 2 for start in SLOTS}
    with pytest.raises(SlotFull, match="2026-06-02T09:30:00\\+00:00 at hub civic-centre is full") as full:
        bookings.book(HUB, SLOT, visitor("Mary"), NOW)
    assert full.value.slot_start == SLOT and full.value.hub_id == "civic-centre"
    assert seats_left(bookings)[SLOT] == 0


def test_two_people_booking_the_last_seat_at_once_one_gets_slot_full(client, table):
    first, second = HubBookings(client, table), HubBookings(boto3.client("dynamodb", region_name=DEFAULT_REGION), table)
    first.book(HUB, SLOT, visitor("Ada"), NOW)
    assert seats_left(first)[SLOT] == seats_left(second)[SLOT] == 1  # both are shown the last seat
    raced: list = []

    def second_person_gets_there_first(**_):  # runs as the first person's transaction is about to be sent
        if not raced:
            raced.append(second.book(HUB, SLOT, visitor("Grace"), NOW))

    client.meta.events.register("before-call.dynamodb.TransactWriteItems", second_person_gets_there_first)
    with pytest.raises(SlotFull):
        first.book(HUB, SLOT, visitor("Mary"), NOW)
    assert raced and seats_left(first)[SLOT] == 0
    assert stored(client, table, slot_key(HUB.id, SLOT))["booked"] == {"N": "2"}


def test_cancel_frees_the_seat(bookings):
    booking, token = bookings.book(HUB, SLOT, visitor("Ada"), NOW)
    bookings.book(HUB, SLOT, visitor("Grace"), NOW)
    cancelled = bookings.cancel(booking.booking_id, token, NOW + timedelta(hours=1))
    assert cancelled.status is BookingStatus.CANCELLED and cancelled.cancelled_at == NOW + timedelta(hours=1)
    assert bookings.booking(booking.booking_id) == cancelled
    assert seats_left(bookings)[SLOT] == 1
    bookings.book(HUB, SLOT, visitor("Mary"), NOW)
    assert seats_left(bookings)[SLOT] == 0


def test_a_wrong_token_or_an_unknown_booking_are_told_apart_by_nobody(bookings):
    booking, token = bookings.book(HUB, SLOT, visitor(), NOW)
    with pytest.raises(BookingNotFound, match="with this cancel link"):
        bookings.cancel(booking.booking_id, token[:-1] + ("A" if token[-1] != "A" else "B"), NOW)
    with pytest.raises(BookingNotFound, match="with this cancel link"):
        bookings.cancel("HB-260601-00000000", token, NOW)
    assert bookings.booking(booking.booking_id).status is BookingStatus.BOOKED
    assert seats_left(bookings)[SLOT] == 1


def test_a_second_cancel_is_refused_and_frees_no_second_seat(bookings):
    booking, token = bookings.book(HUB, SLOT, visitor("Ada"), NOW)
    bookings.book(HUB, SLOT, visitor("Grace"), NOW)
    bookings.cancel(booking.booking_id, token, NOW)
    with pytest.raises(AlreadyCancelled):
        bookings.cancel(booking.booking_id, token, NOW)
    assert seats_left(bookings)[SLOT] == 1


def test_two_cancels_at_once_free_one_seat(client, table):
    first, second = HubBookings(client, table), HubBookings(boto3.client("dynamodb", region_name=DEFAULT_REGION), table)
    booking, token = first.book(HUB, SLOT, visitor("Ada"), NOW)
    first.book(HUB, SLOT, visitor("Grace"), NOW)
    raced: list = []

    def other_tab_cancels_first(**_):
        if not raced:
            raced.append(second.cancel(booking.booking_id, token, NOW))

    client.meta.events.register("before-call.dynamodb.TransactWriteItems", other_tab_cancels_first)
    with pytest.raises(AlreadyCancelled):
        first.cancel(booking.booking_id, token, NOW)
    assert raced and seats_left(second)[SLOT] == 1


def test_items_keep_a_digest_of_the_token_and_expire_90_days_after_the_slot(client, table, bookings):
    booking, token = bookings.book(HUB, SLOT, visitor(), NOW)
    item = stored(client, table, booking_key(booking.booking_id))
    assert token not in str(item) and item["cancel_token_sha256"] == {"S": token_digest(token)}
    assert len(token) >= 43  # 32 random bytes
    assert item["referral_reference"] == {"S": "ASC-260601-0001"} and item["status"] == {"S": "BOOKED"}
    expires_at = int((SLOT + timedelta(days=90)).timestamp())
    assert item["expires_at"] == {"N": str(expires_at)}
    slot = stored(client, table, slot_key(HUB.id, SLOT))
    assert slot["expires_at"] == {"N": str(expires_at)} and slot["capacity"] == {"N": "2"}


def test_a_started_slot_cannot_be_booked(bookings):
    with pytest.raises(ValueError, match="has started"):
        bookings.book(HUB, SLOT, visitor(), SLOT)


def test_available_slots_is_one_query_and_nothing_scans(client, bookings):
    booking, token = bookings.book(HUB, SLOTS[0], visitor("Ada"), NOW)
    bookings.book(HUB, SLOTS[-1], visitor("Grace"), NOW)
    counted = operations_of(client)
    assert bookings.available_slots(HUB, SLOTS) == [(SLOTS[0], 1), (SLOTS[1], 2), (SLOTS[2], 2), (SLOTS[3], 1)]
    assert counted == {"Query": 1}
    assert bookings.available_slots(HUB, []) == [] and counted == {"Query": 1}
    bookings.book(HUB, SLOT, visitor("Mary"), NOW)
    bookings.cancel(booking.booking_id, token, NOW)
    with pytest.raises(AlreadyCancelled):
        bookings.cancel(booking.booking_id, token, NOW)
    assert counted == {"Query": 1, "TransactWriteItems": 2, "GetItem": 2}
