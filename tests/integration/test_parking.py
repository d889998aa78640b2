"""Parking never fails: whatever arrives on the bus, however large, wide or deep, becomes a parked application a person
can open (GET /parked/{id}, whole payload) and replay corrected into a case. Payloads too large for a table item are
kept in the evidence bucket (shared/core/adapters/parked_payloads.py) with a summary in the item."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from shared.bootstrap import store_for
from shared.resources import APPLICATION_SUBMITTED, DEFAULT_REGION, EVIDENCE_BUCKET_LOCAL_NAME, NATIONAL_ADMIN_GROUP, Role, tenant_id
from shared.services.blue_badge.logic.intake import MAX_INLINE_PAYLOAD_BYTES, MAX_REASONS
from tests.factories import complete_application
from tests.integration.conftest import upload_intake_files
from tests.integration.test_intake import case_id_for, parked_of

# AWS refuses a PutEvents entry of 256 KB or more (moto takes up to 1 MiB, so the tests keep to AWS's limit themselves).
EVENTBRIDGE_ENTRY_LIMIT = 256 * 1024


def entry_size(detail_json: str) -> int:
    """A PutEvents entry's size as AWS counts it: source, detail type and detail, in UTF-8 bytes (no time, no resources)."""
    return sum(len(part.encode()) for part in (APPLICATION_SUBMITTED.source, APPLICATION_SUBMITTED.detail_type, detail_json))


def put(stack, clients, detail_json: str) -> None:
    """Put one event as the national service would, within AWS's size limit."""
    assert entry_size(detail_json) < EVENTBRIDGE_ENTRY_LIMIT
    result = clients["events"].put_events(Entries=[{"EventBusName": stack.event_bus_name, "Source": APPLICATION_SUBMITTED.source,
                                                    "DetailType": APPLICATION_SUBMITTED.detail_type, "Detail": detail_json}])
    assert result["FailedEntryCount"] == 0


def send(stack, clients, pump, detail: Any) -> None:
    """An application's files, then its event (compact JSON, as large as AWS takes), then ingest runs."""
    upload_intake_files(detail)
    put(stack, clients, json.dumps(detail, separators=(",", ":")))
    assert pump.drain(max_seconds=60).drained


def objects_under(prefix: str) -> list[str]:
    listing = boto3.client("s3", region_name=DEFAULT_REGION).list_objects_v2(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Prefix=prefix)
    return [item["Key"] for item in listing.get("Contents", [])]


def padded_to_the_limit(application: dict[str, Any]) -> dict[str, Any]:
    """The application with an unknown field that brings its event to one byte under EventBridge's limit."""
    empty = application | {"scanned_form": ""}
    room = EVENTBRIDGE_ENTRY_LIMIT - 1 - entry_size(json.dumps(empty, separators=(",", ":")))
    return application | {"scanned_form": "x" * room}


def replayed_into_a_case(api, parked_id: str, corrected: dict[str, Any]) -> str:
    status, outcome = api.call("POST", f"/parked/{parked_id}/replay", corrected)
    assert status == 201 and outcome["status"] == "CREATED", outcome
    status, opened = api.call("GET", f"/parked/{parked_id}")
    assert status == 200 and opened["status"] == "REPLAYED" and opened["replayed_case_id"] == outcome["case_id"]
    return outcome["case_id"]


def test_an_event_at_eventbridges_size_limit_is_parked_with_its_payload_in_the_councils_folder(stack, clients, pump, api_as):
    application = complete_application("NORTHSHIRE")
    detail = padded_to_the_limit(application)
    send(stack, clients, pump, detail)

    [parked] = parked_of("NORTHSHIRE", application["application_id"])
    assert parked.payload is None  # the item holds a pointer and a summary only
    summary = parked.stored_payload
    assert summary.key == f"councils/{tenant_id('NORTHSHIRE')}/parked/{parked.parked_id}/1.json"
    assert summary.size_bytes > 250 * 1024 and summary.council_code == "NORTHSHIRE"
    assert "scanned_form" in summary.top_level_keys and summary.top_level_key_count == len(detail)
    assert [(reason.field, reason.message) for reason in parked.reasons] == [("scanned_form", "Extra inputs are not permitted")]

    caseworker = api_as("NORTHSHIRE", Role.CASEWORKER)
    status, opened = caseworker.call("GET", f"/parked/{parked.parked_id}")
    assert status == 200 and opened["payload"] == detail and opened["stored_payload"]["size_bytes"] == summary.size_bytes
    case_id = replayed_into_a_case(caseworker, parked.parked_id, application)
    assert store_for("NORTHSHIRE").get(case_id).application.application_id == application["application_id"]


def test_an_event_with_20000_unknown_keys_is_parked_with_the_first_reasons_and_a_count_of_the_rest(stack, clients, pump, api_as):
    application = complete_application("NORTHSHIRE")
    detail = application | {f"k{index}": 0 for index in range(20_000)}
    send(stack, clients, pump, detail)

    [parked] = parked_of("NORTHSHIRE", application["application_id"])
    assert len(parked.reasons) == MAX_REASONS + 1
    assert {reason.message for reason in parked.reasons[:-1]} == {"Extra inputs are not permitted"}
    assert (parked.reasons[-1].field, parked.reasons[-1].message) == ("(application)", f"and {20_000 - MAX_REASONS} more problems")
    assert parked.stored_payload.top_level_key_count == len(detail) and len(parked.stored_payload.top_level_keys) == 20

    caseworker = api_as("NORTHSHIRE", Role.CASEWORKER)
    status, opened = caseworker.call("GET", f"/parked/{parked.parked_id}")
    assert status == 200 and opened["payload"] == detail
    replayed_into_a_case(caseworker, parked.parked_id, application)


def nested(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = {"inner": value}
    return value


def test_a_deeply_nested_event_is_parked_in_its_council_as_json_text(stack, clients, pump, api_as):
    """Deeper than any application (but readable as an event): kept as its JSON text, which every reader can carry."""
    application = complete_application("NORTHSHIRE")
    detail = application | {"attachment": nested(150)}
    send(stack, clients, pump, detail)

    [parked] = parked_of("NORTHSHIRE", application["application_id"])
    assert json.loads(parked.payload) == detail
    assert [reason.field for reason in parked.reasons] == ["attachment"]
    caseworker = api_as("NORTHSHIRE", Role.CASEWORKER)
    assert json.loads(caseworker.call("GET", f"/parked/{parked.parked_id}")[1]["payload"]) == detail
    replayed_into_a_case(caseworker, parked.parked_id, application)


def test_the_deepest_event_the_bus_takes_is_parked_as_delivered_for_national_administrators(stack, clients, pump, api_as):
    """Past pydantic's ~200 levels the queue message cannot be read as an event: its body is parked as it came, saying why."""
    application = upload_intake_files(complete_application("NORTHSHIRE"))
    for depth in range(1000, 0, -25):  # the deepest detail that Python's json writes and the bus (moto's json) reads
        try:
            detail_json = json.dumps(application | {"attachment": nested(depth)}, separators=(",", ":"))
            put(stack, clients, detail_json)
        except RecursionError:
            continue
        break
    assert depth > 500
    assert pump.drain(max_seconds=60).drained

    admin = api_as(None, groups=[NATIONAL_ADMIN_GROUP], user="national@example.gov.uk")
    waiting, cursor = [], None
    while not waiting:
        items, cursor = store_for(None).parked(limit=100, after=cursor)
        waiting = [item for item in items if isinstance(item.payload, str) and application["application_id"] in item.payload]
        assert waiting or cursor, "the deep event was not parked"
    [parked] = waiting
    assert parked.source == "queue:unrecognised-message"
    assert "recursion limit" in parked.reasons[0].message
    status, opened = admin.call("GET", f"/parked/{parked.parked_id}")
    assert status == 200 and json.loads(opened["payload"])["detail"] == json.loads(detail_json)
    case_id = replayed_into_a_case(admin, parked.parked_id, application)
    assert case_id_for(application["application_id"], "NORTHSHIRE") == case_id


def test_a_large_payload_for_an_unknown_council_is_kept_in_the_unrouted_folder(stack, clients, pump, api_as):
    application = complete_application("ATLANTIS")
    detail = application | {"scanned_form": "y" * (2 * MAX_INLINE_PAYLOAD_BYTES)}
    send(stack, clients, pump, detail)

    [parked] = parked_of(None, application["application_id"])
    assert parked.stored_payload.key == f"unrouted/parked/{parked.parked_id}/1.json"
    assert parked.stored_payload.council_code == "ATLANTIS"  # as the payload claims it
    admin = api_as(None, groups=[NATIONAL_ADMIN_GROUP], user="national@example.gov.uk")
    status, opened = admin.call("GET", f"/parked/{parked.parked_id}")
    assert status == 200 and opened["payload"] == detail
    # Routed to a council the deployment serves, with the files re-sent to that council's intake folder.
    resent = upload_intake_files(complete_application("NORTHSHIRE", application_id=application["application_id"]))
    replayed_into_a_case(admin, parked.parked_id, resent)


def test_a_large_correction_that_still_fails_is_kept_as_a_new_version_beside_the_first(stack, clients, pump, api_as):
    application = complete_application("NORTHSHIRE")
    send(stack, clients, pump, padded_to_the_limit(application))
    [parked] = parked_of("NORTHSHIRE", application["application_id"])

    caseworker = api_as("NORTHSHIRE", Role.CASEWORKER)
    still_wrong = application | {"notes": "z" * (2 * MAX_INLINE_PAYLOAD_BYTES)}
    status, outcome = caseworker.call("POST", f"/parked/{parked.parked_id}/replay", still_wrong)
    assert status == 422 and [reason["field"] for reason in outcome["reasons"]] == ["notes"]
    status, opened = caseworker.call("GET", f"/parked/{parked.parked_id}")
    assert opened["payload"] == still_wrong and opened["version"] == 2
    folder = f"councils/{tenant_id('NORTHSHIRE')}/parked/{parked.parked_id}/"
    assert objects_under(folder) == [f"{folder}1.json", f"{folder}2.json"]
    replayed_into_a_case(caseworker, parked.parked_id, application)


@pytest.mark.parametrize(("council", "served"), [("NORTHSHIRE", True), ("ATLANTIS", False)])
def test_a_payload_that_fits_stays_in_the_item(intake, council, served):
    application = complete_application(council, eligibility__code="FLYING")
    intake.deliver(application)
    [parked] = parked_of(council if served else None, application["application_id"])
    assert parked.payload == application and parked.stored_payload is None
    folder = f"councils/{tenant_id(council)}/parked/" if served else "unrouted/parked/"
    assert objects_under(f"{folder}{parked.parked_id}/") == []
