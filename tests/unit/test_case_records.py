"""A service's own kind of case record goes through the core's CaseStore (on moto) without the core knowing it: added with
its case, read by its id alone, listed in its queue, loaded into CaseFile.records, and its owner key erased with the case.

The service here is made up (parcels), so that nothing of Blue Badge's badges, the first records, is needed."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import UTC, datetime

import boto3
import pytest
from moto import mock_aws
from pydantic import BaseModel

from shared.core.adapters.case_store import CaseStore, StaleVersion, record_owner_key
from shared.core.domain.case import AuditEntry, Case, CaseStage
from shared.core.domain.email import EmailCatalogue
from shared.core.domain.records import CaseRecord
from shared.core.domain.services import ServiceRegistry, ServiceSpec
from tests.factories import create_council_table
from shared.resources import DEFAULT_REGION, STAGE_INDEX

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
WAITING = "PARCELS#WAITING"


class ParcelStage(CaseStage):
    RECEIVED = "RECEIVED"

    @classmethod
    def service_key(cls) -> str:
        return "parcels"


class Order(BaseModel):
    order_id: str


class ParcelCase(Case):
    service: str = "parcels"
    application: Order
    stage: ParcelStage = ParcelStage.RECEIVED


class Parcel(CaseRecord):
    """A parcel a case sent out: waits in a queue until it is posted."""

    KIND = "PARCEL"
    FOUND_BY_ID = True

    tracking_number: str
    case_id: str
    posted: bool = False
    version: int = 1

    @property
    def record_id(self) -> str:
        return self.tracking_number

    def queue_position(self) -> tuple[str, str] | None:
        return None if self.posted else (WAITING, self.tracking_number)

    def plain_attributes(self) -> dict[str, bool]:
        return {"posted": self.posted}


PARCELS = ServiceSpec(
    key="parcels", name="Parcels", staff_title="Parcels", home_path="/parcels", team_queue_path="/parcels?team={team}",
    case_path="/parcels/{case_id}",
    case_model=ParcelCase, intake_model=Order, intake_schema_file="order.schema.json", stages=ParcelStage, workflows=(),
    settings_model=BaseModel, emails=EmailCatalogue(templates={}, placeholders=()), application_id=lambda order: order.order_id, lookup_keys=lambda case: [],
    identifying_lookups=(), queue_filters=lambda case: {}, dashboard=lambda *given: {}, case_actions=lambda case, who: [],
    records=(Parcel,),
)


@pytest.fixture
def client(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", DEFAULT_REGION)
    with mock_aws():
        yield boto3.client("dynamodb", region_name=DEFAULT_REGION)


@pytest.fixture
def table(client) -> str:
    """A council table with the keys and the index (GSI1) that case records use."""
    name = create_council_table(client)
    return name


@pytest.fixture
def store(client, table) -> CaseStore:
    return CaseStore(client, table, ServiceRegistry((PARCELS,), legacy=PARCELS.key))


def audit(case_id: str, action: str) -> AuditEntry:
    return AuditEntry(case_id=case_id, at=NOW, actor="test", action=action)


def case_with_parcels(store: CaseStore, *tracking_numbers: str) -> tuple[ParcelCase, list[Parcel]]:
    case = ParcelCase(case_id=f"PARCELS-{secrets.token_hex(3).upper()}", council_code="NORTHSHIRE", application=Order(order_id=secrets.token_hex(4)),
                      workflow="none", received_at=NOW, updated_at=NOW)
    store.create(case, audit(case.case_id, "CASE_OPENED"))
    parcels = [Parcel(tracking_number=number, case_id=case.case_id) for number in tracking_numbers]
    sent = case.changed(NOW)
    store.add_records(sent, case.version, parcels, audit(case.case_id, "PARCELS_SENT"))
    return sent, parcels


def raw_item(client, table: str, key: dict[str, str]) -> dict | None:
    return client.get_item(TableName=table, Key={name: {"S": value} for name, value in key.items()}).get("Item")


def test_a_record_is_added_with_its_case_and_read_by_its_id_alone(store, client, table):
    case, [first, second] = case_with_parcels(store, "P1", "P2")
    assert store.get_record(Parcel, "P1") == first and store.get_record(Parcel, "P9") is None
    assert store.get(case.case_id).version == case.version
    item = raw_item(client, table, {"pk": f"CASE#{case.case_id}", "sk": "PARCEL#P2"})
    assert item["posted"] == {"BOOL": False} and item["version"] == {"N": "1"}
    assert (item[STAGE_INDEX.partition_key], item[STAGE_INDEX.sort_key]) == ({"S": WAITING}, {"S": "P2"})
    loaded = store.load(case.case_id)
    assert loaded.records == {"PARCEL": [first, second]} and loaded.records_of(Parcel) == [first, second]


def test_a_record_leaves_its_queue_when_it_is_saved_out_of_it(store):
    _, [first, second] = case_with_parcels(store, "P1", "P2")
    page, cursor = store.record_queue(Parcel, WAITING, limit=1)
    assert page == [first] and store.record_queue(Parcel, WAITING, limit=1, after=cursor)[0] == [second]
    posted = first.model_copy(update={"posted": True, "version": 2})
    store.save_record(posted, first.version, audit(first.case_id, "PARCEL_POSTED"))
    assert store.record_queue(Parcel, WAITING, limit=10) == ([second], None)
    with pytest.raises(StaleVersion, match="parcel P1 was changed"):
        store.save_record(posted, first.version, audit(first.case_id, "PARCEL_POSTED"))


def test_erasing_the_case_removes_its_records_and_their_owner_keys(store, client, table):
    case, _ = case_with_parcels(store, "P1")
    store.erase(store.load(case.case_id), audit(case.case_id, "ERASED"))
    assert store.get_record(Parcel, "P1") is None
    assert raw_item(client, table, record_owner_key(Parcel.KIND, "P1")) is None
    assert raw_item(client, table, {"pk": f"CASE#{case.case_id}", "sk": "PARCEL#P1"}) is None


def test_two_services_never_share_a_record_kind():
    with pytest.raises(ValueError, match="record kinds"):
        ServiceRegistry((PARCELS, replace(PARCELS, key="more-parcels")), legacy=PARCELS.key)
