"""Applications in the national service's own format on the bus (detail-type `National Application Submitted`) and on
the API (`POST /applications/national`), on the local stack: every eligibility type and an organisation's become cases
as the mapping says, with the original kept; what cannot be mapped parks naming the national field, and replays."""

from __future__ import annotations

import copy
import json
import secrets
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from infra.local.national_api import demo_files, demo_records
from shared.bootstrap import evidence_files_for, store_for
from shared.core.domain.council import load_councils
from shared.core.domain.evidence import case_evidence_prefix, intake_evidence_prefix
from shared.resources import DEFAULT_REGION, EVIDENCE_BUCKET_LOCAL_NAME, NATIONAL_APPLICATION_SUBMITTED, Role
from shared.services.blue_badge.domain.application import NationalFormat
from shared.services.blue_badge.domain.national import original_key, read_national, to_application
from shared.services.blue_badge.domain.settings import badge_settings

SUBMITTED = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


def national_records(local_authority: str = "NSHIRE", council: str = "NORTHSHIRE") -> list[dict]:
    """The demo set (every eligibility type, and an organisation's), each artifact uploaded to the application's intake
    folder first and linked by its key, as a sender on the bus does."""
    s3 = boto3.client("s3", region_name=DEFAULT_REGION)
    records = demo_records(local_authority, SUBMITTED, secrets.token_hex(4))
    for record in (record for record in records if record.get("artifacts")):  # an organisation's have none
        for index, (artifact, (body, content_type)) in enumerate(zip(record["artifacts"], demo_files(), strict=True)):
            key = f"{intake_evidence_prefix(council, record['applicationId'])}{index}.{'jpg' if content_type == 'image/jpeg' else 'pdf'}"
            s3.put_object(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=key, Body=body, ContentType=content_type)
            artifact["link"] = key
    return records


def publish(clients, stack, pump, *records: dict) -> None:
    entries = [{"EventBusName": stack.event_bus_name, "Source": NATIONAL_APPLICATION_SUBMITTED.source,
                "DetailType": NATIONAL_APPLICATION_SUBMITTED.detail_type, "Detail": json.dumps(record)} for record in records]
    for start in range(0, len(entries), 10):
        assert clients["events"].put_events(Entries=entries[start:start + 10])["FailedEntryCount"] == 0
    assert pump.drain(max_seconds=60).drained


def check_case(council_code: str, record: dict, channel_format: NationalFormat) -> None:
    store = store_for(council_code)
    case_id = store.case_for_application(record["applicationId"])
    assert case_id, record["applicationId"]
    case = store.get(case_id)
    council = load_councils().get(council_code)
    expected = to_application(read_national(record), council_code, badge_settings(council).badge_fee_pence)
    assert case.application.model_dump(exclude={"evidence"}) == expected.model_dump(exclude={"evidence"})
    assert case.application.national_format is channel_format
    assert [item.type for item in case.application.evidence] == [item.type for item in expected.evidence]
    prefix = case_evidence_prefix(council_code, case_id)
    assert all(item.key.startswith(prefix) for item in case.application.evidence)
    assert json.loads(evidence_files_for(council_code).read(original_key(prefix))) == record


def test_every_eligibility_type_and_an_organisation_on_the_bus(clients, stack, pump):
    records = national_records()
    publish(clients, stack, pump, *records)
    for record in records:
        check_case("NORTHSHIRE", record, NationalFormat.SENT)


def test_a_value_that_cannot_be_mapped_parks_naming_the_national_field_and_replays(clients, stack, pump, api_as):
    record = national_records()[5]  # WALKD
    bad = copy.deepcopy(record)
    bad["eligibility"]["walkingDifficulty"]["typeCodes"] = ["PAIN", "XYZ"]
    publish(clients, stack, pump, bad)

    caseworker = api_as("NORTHSHIRE", Role.CASEWORKER)
    status, page = caseworker.call("GET", "/parked?limit=100")
    assert status == 200
    [parked] = [item for item in page["parked"] if (item.get("payload") or {}).get("applicationId") == record["applicationId"]]
    assert parked["reasons"] == [{"field": "eligibility.walkingDifficulty.typeCodes[1]",
                                  "message": "'XYZ' is not a national walking difficulty code"}]
    assert parked["source"].startswith("national:event:")

    status, answer = caseworker.call("POST", f"/parked/{parked['parked_id']}/replay", record)  # corrected, still national
    assert status == 201, answer
    check_case("NORTHSHIRE", record, NationalFormat.SENT)


def test_a_record_for_a_council_we_do_not_serve_parks_unrouted(clients, stack, pump):
    record = national_records()[3]
    record["localAuthorityCode"] = "NOWHERE"
    publish(clients, stack, pump, record)
    assert store_for("NORTHSHIRE").case_for_application(record["applicationId"]) is None
    parked, _ = store_for(None).parked(limit=100)
    [mine] = [item for item in parked if isinstance(item.payload, dict) and item.payload.get("applicationId") == record["applicationId"]]
    assert [(reason.field, reason.message) for reason in mine.reasons] == [
        ("localAuthorityCode", "no council with national code 'NOWHERE' is served by this deployment")]


def test_the_api_takes_a_national_application_for_the_callers_council_only(api_as):
    northshire, valewye = national_records()[4], national_records("VWYE", "VALEWYE")[4]
    caseworker = api_as("NORTHSHIRE", Role.CASEWORKER)

    status, answer = caseworker.call("POST", "/applications/national", northshire)
    assert status == 201, answer
    check_case("NORTHSHIRE", northshire, NationalFormat.SENT)
    assert caseworker.call("POST", "/applications/national", northshire)[0] == 200  # already taken in: the same case

    status, answer = caseworker.call("POST", "/applications/national", valewye)
    assert status == 403 and "localAuthorityCode" in answer["message"]
    assert store_for("VALEWYE").case_for_application(valewye["applicationId"]) is None


def test_the_api_names_the_national_fields_it_refuses(api_as):
    caseworker = api_as("NORTHSHIRE", Role.CASEWORKER)
    record = national_records()[0]
    record["party"]["person"]["genderCode"] = "UNSPECIFIED"  # ours; the national code is UNSPECIFIE
    status, answer = caseworker.call("POST", "/applications/national", record)
    assert status == 422
    assert [error["field"] for error in answer["errors"]] == ["party.person.genderCode"]

    record = national_records()[0]
    record["party"]["contact"]["primaryPhoneNumber"] = "ring after 6"  # the document allows it; our model does not
    status, answer = caseworker.call("POST", "/applications/national", record)
    assert status == 422 and answer["status"] == "PARKED"
    assert answer["reasons"][0]["field"] == "party.contact.primaryPhoneNumber"


@pytest.mark.parametrize("route", ["PIP"])
def test_a_national_pip_application_is_marked_for_the_proof_check(clients, stack, pump, route):
    record = next(r for r in national_records() if (r.get("eligibility") or {}).get("typeCode") == route)
    publish(clients, stack, pump, record)
    store = store_for("NORTHSHIRE")
    case = store.get(store.case_for_application(record["applicationId"]))
    assert case.application.pip_points_at_proof_check
    assert "PIP_POINTS" not in case.missing_codes


def test_a_national_replacement_asks_for_its_reason(clients, stack, pump):
    record = national_records()[4]  # BLIND
    record["applicationTypeCode"], record["existingBadgeNumber"] = "REPLACE", "ab12cd"
    publish(clients, stack, pump, record)
    store = store_for("NORTHSHIRE")
    case = store.get(store.case_for_application(record["applicationId"]))
    assert case.application.replace_reason is None
    assert "REPLACE_REASON" in case.missing_codes
