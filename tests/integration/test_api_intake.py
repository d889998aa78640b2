"""The caseworker API for keyed-in applications, cases and parked applications, on moto."""

import time
from urllib.parse import quote

import boto3

from shared.bootstrap import councils, store_for
from shared.services.blue_badge.domain.case import Stage
from shared.resources import CASE_TABLE_LAYOUT, DEFAULT_REGION, EVIDENCE_BUCKET_LOCAL_NAME, NATIONAL_ADMIN_GROUP, Role, council_table_name
from shared.core.domain.evidence import case_evidence_prefix
from tests.factories import complete_application
from tests.integration.conftest import upload_intake_files, wait_for_step

CASEWORKER = (Role.CASEWORKER,)


def test_keyed_in_paper_application_opens_a_case(api_as):
    api = api_as("NORTHSHIRE", *CASEWORKER)
    status, body = api.call("POST", "/applications", upload_intake_files(complete_application("NORTHSHIRE", channel="PAPER")))
    assert status == 201, body
    assert body["status"] == "CREATED" and body["missing"] == []
    status, case = api.call("GET", f"/cases/{body['case_id']}")
    assert status == 200
    assert case["case"]["application"]["channel"] == "PAPER"
    assert case["history"][0]["actor"] == "user:NORTHSHIRE.user@example.gov.uk"


def test_keyed_in_application_with_gaps_lists_them(api_as):
    status, body = api_as("NORTHSHIRE", *CASEWORKER).call("POST", "/applications", complete_application("NORTHSHIRE", channel="PHONE", evidence=[]))
    assert status == 201
    assert [item["code"] for item in body["missing"]] == ["PROOF_OF_IDENTITY", "PROOF_OF_ADDRESS", "PHOTO", "PROOF_OF_ELIGIBILITY"]
    assert "passport-style photo" in body["missing"][2]["description"]


def test_same_validation_as_the_bus_names_each_bad_field(api_as):
    application = complete_application("NORTHSHIRE", eligibility__code="FLYING", holder__date_of_birth="2999-01-01")
    status, body = api_as("NORTHSHIRE", *CASEWORKER).call("POST", "/applications", application)
    assert status == 422
    reasons = {error["field"]: error["message"] for error in body["errors"]}
    assert set(reasons) == {"eligibility.code", "holder.date_of_birth"}
    assert "date of birth is in the future" in reasons["holder.date_of_birth"]
    status, body = api_as("NORTHSHIRE", *CASEWORKER).call("POST", "/applications", b"{not json")
    assert status == 422 and body["errors"][0]["field"] == "(body)"


def case_files() -> list[str]:
    s3 = boto3.client("s3", region_name=DEFAULT_REGION)
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Prefix=case_evidence_prefix("NORTHSHIRE", ""))
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


def test_keying_twice_gives_the_same_case(api_as):
    api = api_as("NORTHSHIRE", *CASEWORKER)
    application = upload_intake_files(complete_application("NORTHSHIRE", channel="INPERSON"))
    first_status, first = api.call("POST", "/applications", application)
    files = case_files()
    second_status, second = api.call("POST", "/applications", application)
    assert (first_status, second_status) == (201, 200)
    assert second["status"] == "DUPLICATE" and second["case_id"] == first["case_id"]
    # The repeat is refused by the case's own write, after its files were copied: the copies are not left behind.
    assert case_files() == files


def test_a_repeat_whose_files_its_case_took_is_a_duplicate_not_parked(api_as):
    api = api_as("NORTHSHIRE", *CASEWORKER)
    application = upload_intake_files(complete_application("NORTHSHIRE", channel="INPERSON"))
    _, first = api.call("POST", "/applications", application)
    s3 = boto3.client("s3", region_name=DEFAULT_REGION)
    for item in application["evidence"]:  # the intake folder emptied since (its files are the case's now)
        s3.delete_object(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=item["key"])
    status, second = api.call("POST", "/applications", application)
    assert (status, second["status"], second["case_id"]) == (200, "DUPLICATE", first["case_id"])


def test_a_caseworker_cannot_key_in_for_another_council(api_as):
    status, body = api_as("NORTHSHIRE", *CASEWORKER).call("POST", "/applications", upload_intake_files(complete_application("VALEWYE")))
    assert status == 403
    assert "NORTHSHIRE" in body["message"]


def test_read_only_staff_cannot_key_in(api_as):
    status, _ = api_as("NORTHSHIRE", Role.READ_ONLY).call("POST", "/applications", complete_application("NORTHSHIRE"))
    assert status == 403


def test_another_councils_case_answers_404(api_as):
    _, created = api_as("VALEWYE", *CASEWORKER).call("POST", "/applications", upload_intake_files(complete_application("VALEWYE")))
    status, _ = api_as("NORTHSHIRE", *CASEWORKER).call("GET", f"/cases/{created['case_id']}")
    assert status == 404
    status, _ = api_as("VALEWYE", Role.READ_ONLY).call("GET", f"/cases/{created['case_id']}")
    assert status == 200


def test_accounts_without_exactly_one_council_are_refused(api_as):
    assert api_as(None, groups=[]).call("GET", "/cases")[0] == 403
    assert api_as(None, groups=["NORTHSHIRE--caseworker", "VALEWYE--caseworker"]).call("GET", "/cases")[0] == 403


def test_queue_lists_cases_by_stage_with_pages(api_as, stack, clients):
    api = api_as("VALEWYE", *CASEWORKER)
    created = [api.call("POST", "/applications", upload_intake_files(complete_application("VALEWYE")))[1]["case_id"] for _ in range(3)]
    for case_id in created:
        wait_for_step(store_for("VALEWYE"), case_id, Stage.PROOF_CHECK)
    listed, cursor = [], None
    while True:
        status, page = api.call("GET", "/cases?stage=PROOF_CHECK&limit=2" + (f"&cursor={quote(cursor)}" if cursor else ""))
        assert status == 200 and len(page["cases"]) <= 2
        listed += page["cases"]
        cursor = page["cursor"]
        if not cursor:
            break
    assert set(created) <= {case["case_id"] for case in listed}
    received = [case["received_at"] for case in listed]
    assert received == sorted(received)
    assert api.call("GET", "/cases?stage=NOT_A_STAGE")[0] == 422
    for forged in ("not-base64!", "eyJhIjogMX0=", quote(cursor or "x")):
        status, body = api.call("GET", f"/cases?stage=PROOF_CHECK&cursor={forged}")
        assert status == 400 and "cursor" in body["message"]
    assert api.call("GET", "/cases?limit=1000")[0] == 422


def test_oversized_body_is_refused(api_as):
    status, body = api_as("NORTHSHIRE", *CASEWORKER).call("POST", "/applications", b"x" * (300 * 1024))
    assert status == 413


def test_parked_application_is_replayed_after_a_fix(intake, api_as):
    api = api_as("NORTHSHIRE", *CASEWORKER)
    application = complete_application("NORTHSHIRE", eligibility__code="FLYING")
    intake.deliver(application)
    _, listing = api.call("GET", "/parked?limit=100")
    [parked] = [item for item in listing["parked"] if isinstance(item["payload"], dict) and item["payload"].get("application_id") == application["application_id"]]

    # Replaying as it is fails again, with the same reason, and the parked item remembers the attempt.
    status, again = api.call("POST", f"/parked/{parked['parked_id']}/replay")
    assert status == 422 and again["reasons"][0]["field"] == "eligibility.code"
    assert api.call("GET", f"/parked/{parked['parked_id']}")[1]["attempts"] == 2

    corrected = application | {"eligibility": application["eligibility"] | {"code": "PIP"}}
    status, outcome = api.call("POST", f"/parked/{parked['parked_id']}/replay", corrected)
    assert status == 201 and outcome["status"] == "CREATED"
    status, case = api.call("GET", f"/cases/{outcome['case_id']}")
    assert case["history"][0]["after"]["note"] == f"replayed from parked application {parked['parked_id']}"
    assert api.call("GET", f"/parked/{parked['parked_id']}")[1]["status"] == "REPLAYED"
    assert api.call("POST", f"/parked/{parked['parked_id']}/replay")[0] == 409
    assert parked["parked_id"] not in [item["parked_id"] for item in api.call("GET", "/parked?limit=100")[1]["parked"]]
    # Once replayed, the record is kept for the council's period and then goes by DynamoDB's TTL.
    item = boto3.client("dynamodb", region_name=DEFAULT_REGION).get_item(
        TableName=council_table_name("NORTHSHIRE"), Key={"pk": {"S": f"PARKED#{parked['parked_id']}"}, "sk": {"S": "PARKED"}})["Item"]
    kept = int(item[CASE_TABLE_LAYOUT.ttl_attribute]["N"]) - time.time()
    assert abs(kept - councils().get("NORTHSHIRE").retention.parked_days * 86400) < 300


def test_parked_items_are_the_councils_own(intake, api_as):
    application = complete_application("VALEWYE", channel="FAX")
    intake.deliver(application)
    _, theirs = api_as("VALEWYE", *CASEWORKER).call("GET", "/parked?limit=100")
    [parked] = [item for item in theirs["parked"] if isinstance(item["payload"], dict) and item["payload"].get("application_id") == application["application_id"]]
    assert api_as("NORTHSHIRE", *CASEWORKER).call("GET", f"/parked/{parked['parked_id']}")[0] == 404
    assert api_as("NORTHSHIRE", *CASEWORKER).call("POST", f"/parked/{parked['parked_id']}/replay")[0] == 404


def test_national_admin_routes_an_unknown_councils_application(intake, api_as):
    application = complete_application("ATLANTIS")
    intake.deliver(application)
    admin = api_as(None, groups=[NATIONAL_ADMIN_GROUP], user="national@example.gov.uk")
    _, listing = admin.call("GET", "/parked?limit=100")
    [parked] = [item for item in listing["parked"] if isinstance(item["payload"], dict) and item["payload"].get("application_id") == application["application_id"]]
    status, outcome = admin.call("POST", f"/parked/{parked['parked_id']}/replay", application | {"council_code": "VALEWYE", "payment": None})
    # Its files were uploaded into the unknown council's folder: Vale of Wye's case may not take them from there.
    assert status == 422 and {reason["field"] for reason in outcome["reasons"]} == {f"evidence.{index}.key" for index in range(4)}, outcome
    resent = upload_intake_files(complete_application("VALEWYE", application_id=application["application_id"], payment=None))
    status, outcome = admin.call("POST", f"/parked/{parked['parked_id']}/replay", resent)
    assert status == 201 and outcome["council_code"] == "VALEWYE"
    assert api_as("VALEWYE", *CASEWORKER).call("GET", f"/cases/{outcome['case_id']}")[0] == 200
    assert admin.call("GET", f"/cases/{outcome['case_id']}")[0] == 403
