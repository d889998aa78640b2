"""The pull connector against the stand-in national Applications API (infra/local/national_api.py), on the local stack:
every eligibility type and an organisation's, page by page; a repeated pull; an artifact that cannot be fetched; 5xx
answers; a value that cannot be mapped; and each council pulling only its own applications."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from functions.national_pull.handler import PullFailed, lambda_handler
from infra.local.bridge import lambda_context
from infra.local.national_api import NationalApiStandIn, demo_files, demo_records
from tests.integration.conftest import wait_until
from shared.bootstrap import evidence_files_for, secret_values, store_for
from shared.core.domain.council import load_councils
from shared.core.domain.evidence import case_evidence_prefix
from shared.resources import (
    DEFAULT_REGION,
    Role,
    NATIONAL_API_ALLOW_LOOPBACK_HTTP,
    NATIONAL_PULL_FUNCTION,
    Env,
    council_table_name,
    national_api_secret_name,
)
from shared.services.blue_badge.adapters import national_api
from shared.services.blue_badge.adapters.pull_watermarks import WATERMARK_KEY
from shared.services.blue_badge.domain.application import NationalFormat
from shared.services.blue_badge.domain.national import (
    NATIONAL_STATUS_QUEUE,
    NationalStatus,
    NationalStatusReport,
    original_key,
    read_national,
    to_application,
)
from shared.services.blue_badge.domain.settings import badge_settings

COUNCILS = {"NORTHSHIRE": ("nshire-casework", "NSHIRE"), "VALEWYE": ("vwye-casework", "VWYE")}
SUBMITTED = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)


@pytest.fixture
def national(stack, monkeypatch):
    """A fresh stand-in each test, both demo councils pulling from it, and no watermark yet."""
    stand_in = NationalApiStandIn().start()
    secretsmanager = boto3.client("secretsmanager", region_name=DEFAULT_REGION)
    pulls = {}
    for code, (client_id, local_authority) in COUNCILS.items():
        stand_in.add_client(client_id, local_authority)
        name = national_api_secret_name(code)
        try:
            secretsmanager.create_secret(Name=name, SecretString=stand_in.client_secret)
        except secretsmanager.exceptions.ResourceExistsException:
            secretsmanager.put_secret_value(SecretId=name, SecretString=stand_in.client_secret)
        pulls[code] = stand_in.pull_for(client_id, SUBMITTED - timedelta(days=1)).model_dump(mode="json")
        boto3.client("dynamodb", region_name=DEFAULT_REGION).delete_item(TableName=council_table_name(code), Key=WATERMARK_KEY)
    monkeypatch.setenv(Env.NATIONAL_PULLS, json.dumps(pulls))
    monkeypatch.setenv(NATIONAL_API_ALLOW_LOOPBACK_HTTP, "true")
    monkeypatch.setattr(national_api, "RETRY_BACKOFF_SECONDS", (0.0, 0.0))  # the retries, without the waiting
    secret_values().clear_cache()  # each test's stand-in has its own client secret
    yield stand_in
    stand_in.stop()


def pull() -> dict:
    return lambda_handler({}, lambda_context(NATIONAL_PULL_FUNCTION))


def report_of(result: dict, council: str) -> dict:
    return next(report for report in result["councils"] if report["council_code"] == council)


def add_demo(stand_in: NationalApiStandIn, local_authority: str, submitted: datetime = SUBMITTED) -> list[dict]:
    records = demo_records(local_authority, submitted, secrets.token_hex(4))
    for record in records:
        stand_in.add(record, demo_files() if record["party"]["typeCode"] == "PERSON" else [])
    return records


def test_every_eligibility_type_and_an_organisation_page_by_page(national):
    records = add_demo(national, "NSHIRE")
    northshire = load_councils().get("NORTHSHIRE")

    result = pull()

    report = report_of(result, "NORTHSHIRE")
    assert len(report["cases_created"]) == len(records) == 10
    assert report["pages"] == 5  # pages of two
    assert sorted(national.status_updates) == sorted((record["applicationId"], "INPROGRESS") for record in records)
    store, files = store_for("NORTHSHIRE"), evidence_files_for("NORTHSHIRE")
    for record in records:
        case = store.get(store.case_for_application(record["applicationId"]))
        expected = to_application(read_national(record), "NORTHSHIRE", badge_settings(northshire).badge_fee_pence,
                                  ["x"] * len(record.get("artifacts") or []))
        got = case.application
        assert got.model_dump(exclude={"evidence"}) == expected.model_dump(exclude={"evidence"}), record["eligibility"] if "eligibility" in record else "ORG"
        assert got.national_format is NationalFormat.PULLED
        assert [item.type.value for item in got.evidence] == [artifact["type"] for artifact in record.get("artifacts") or []]
        prefix = case_evidence_prefix("NORTHSHIRE", case.case_id)
        assert all(item.key.startswith(prefix) for item in got.evidence)
        # The original, kept with the case as delivered (the stand-in's copy has moved on to INPROGRESS since).
        assert json.loads(files.read(original_key(prefix))) == {**record, "applicationStatus": "TODO"}
    pip = store.get(store.case_for_application(records[0]["applicationId"]))
    assert pip.application.pip_points_at_proof_check and "PIP_POINTS" not in pip.missing_codes


def test_a_repeated_pull_makes_no_second_case(national):
    records = add_demo(national, "NSHIRE")
    first = report_of(pull(), "NORTHSHIRE")
    assert len(first["cases_created"]) == 10
    # As if the first run died before moving its watermark: the same window again.
    boto3.client("dynamodb", region_name=DEFAULT_REGION).delete_item(TableName=council_table_name("NORTHSHIRE"), Key=WATERMARK_KEY)
    updates_before = len(national.status_updates)

    again = report_of(pull(), "NORTHSHIRE")

    assert again["cases_created"] == [] and again["duplicates"] == len(records)
    assert len(national.status_updates) == updates_before  # INPROGRESS already: not sent again
    assert report_of(pull(), "NORTHSHIRE")["cases_created"] == []  # and from the watermark, nothing new


def test_an_artifact_that_cannot_be_fetched_leaves_a_missing_document(national):
    record = add_demo(national, "NSHIRE")[3]  # AFRFCS: proof of identity, of address, photo
    national.lose_artifact(record["applicationId"], 2)

    report = report_of(pull(), "NORTHSHIRE")

    assert any(entry.startswith(f"{record['applicationId']} artifacts[2]: HTTP 404") for entry in report["artifacts_not_fetched"])
    store = store_for("NORTHSHIRE")
    case = store.get(store.case_for_application(record["applicationId"]))
    assert [item.type.value for item in case.application.evidence] == ["PROOF_ID", "PROOF_ADD"]
    assert "PHOTO" in case.missing_codes  # asked of the applicant; the original keeps the link
    [opened] = [entry for entry in store.history(case.case_id) if entry.action == "CASE_OPENED"]
    assert "artifacts[2]: HTTP 404" in opened.after["note"]
    original = json.loads(evidence_files_for("NORTHSHIRE").read(original_key(case_evidence_prefix("NORTHSHIRE", case.case_id))))
    assert original["artifacts"][2]["link"].endswith(f"/{record['applicationId']}/2")


def test_5xx_is_retried_and_a_run_that_still_fails_loses_nothing(national):
    records = add_demo(national, "NSHIRE")[:2]
    national.fail("/applications", times=2)  # the client's own retries get through
    assert len(report_of(pull(), "NORTHSHIRE")["cases_created"]) == 10

    # Submitted since that pull (a minute apart, the last a little before now), so inside the next window.
    more = add_demo(national, "NSHIRE", datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=12))
    national.fail("/applications", times=1000)
    with pytest.raises(PullFailed, match="NORTHSHIRE: NationalApiUnavailable"):
        pull()  # Lambda retries the invocation, then keeps it in the function's dead-letter queue
    store = store_for("NORTHSHIRE")
    assert all(store.case_for_application(record["applicationId"]) is None for record in more)

    national.fail("/applications", times=0)
    again = report_of(pull(), "NORTHSHIRE")  # the watermark stayed: the failed run's window is pulled again
    assert len(again["cases_created"]) == len(more) and records


def test_a_value_that_cannot_be_mapped_parks_naming_the_national_field(national):
    record = add_demo(national, "NSHIRE")[5]  # WALKD
    record["eligibility"]["walkingDifficulty"]["typeCodes"] = ["PAIN", "XYZ"]

    report = report_of(pull(), "NORTHSHIRE")

    [parked_id] = report["parked"]
    parked = store_for("NORTHSHIRE").get_parked(parked_id)
    assert [(reason.field, reason.message) for reason in parked.reasons] == [
        ("eligibility.walkingDifficulty.typeCodes[1]", "'XYZ' is not a national walking difficulty code")]
    assert parked.payload == record and parked.source == "national:pull:NORTHSHIRE"
    assert (record["applicationId"], "INPROGRESS") not in national.status_updates
    assert report_of(pull(), "NORTHSHIRE")["parked"] == []  # parked once: the window overlap finds it parked already


def test_each_council_pulls_only_its_own_applications(national):
    northshire = add_demo(national, "NSHIRE")[:1]
    valewye = add_demo(national, "VWYE")
    national.leak("NSHIRE", valewye[0]["applicationId"])  # the API wrongly offers Northshire a Valewye application

    result = pull()

    assert report_of(result, "NORTHSHIRE")["not_this_council"] == [valewye[0]["applicationId"]]
    assert len(report_of(result, "NORTHSHIRE")["cases_created"]) == 10 and northshire
    assert store_for("NORTHSHIRE").case_for_application(valewye[0]["applicationId"]) is None
    assert store_for("VALEWYE").case_for_application(valewye[0]["applicationId"]) is not None
    assert len(report_of(result, "VALEWYE")["cases_created"]) == len(valewye)


def test_a_decision_owes_completed_and_the_next_pull_sends_it(national, api_as):
    organisation = add_demo(national, "VWYE")[-1]  # complete at once in Valewye (no fee, no personal documents)
    pull()
    store = store_for("VALEWYE")
    case_id = store.case_for_application(organisation["applicationId"])
    caseworker = api_as("VALEWYE", Role.CASEWORKER)

    def waiting_at(*stages: str):
        case = store.get(case_id)
        return case if case.stage.value in stages and case.task_token else None

    case = wait_until(lambda: waiting_at("ASSESSMENT", "DECISION"), what="the organisation's case waiting for a person")
    if case.stage.value == "ASSESSMENT":
        status, _ = caseworker.call("POST", f"/cases/{case_id}/assessment",
                                    {"expected_version": case.version, "outcome": "ELIGIBLE", "summary": "Carries eligible people"})
        assert status == 200
        case = wait_until(lambda: waiting_at("DECISION"), what="the case at DECISION")
    status, answer = caseworker.call("POST", f"/cases/{case_id}/decision",
                                     {"expected_version": case.version, "outcome": "REFUSE", "reasons": ["Too few eligible people carried"]})
    assert status == 200, answer
    assert (organisation["applicationId"], "COMPLETED") not in national.status_updates  # owed, not sent from the decision

    assert report_of(pull(), "VALEWYE")["statuses_sent"] == 1

    assert (organisation["applicationId"], NationalStatus.COMPLETED.value) in national.status_updates
    [sent] = store.load(case_id).records_of(NationalStatusReport)
    assert sent.sent_at is not None
    assert store.record_queue(NationalStatusReport, NATIONAL_STATUS_QUEUE, limit=10)[0] == []
    assert report_of(pull(), "VALEWYE")["statuses_sent"] == 0  # sent once


def owed_statuses(store, case_id: str) -> list[str]:
    return [record.status.value for record in store.load(case_id).records_of(NationalStatusReport)]


def test_a_review_outcome_owes_completed_again(national, api_as):
    """A refusal owes COMPLETED; the review that follows ends the work again (upheld here) and owes it once more."""
    organisation = add_demo(national, "VWYE")[-1]
    pull()
    store = store_for("VALEWYE")
    case_id = store.case_for_application(organisation["applicationId"])
    refuser = api_as("VALEWYE", Role.CASEWORKER, user="rhys.caseworker@valewye.example.gov.uk")
    reviewer = api_as("VALEWYE", Role.CASEWORKER, user="nia.caseworker@valewye.example.gov.uk")

    def waiting_at(*stages: str):
        case = store.get(case_id)
        return case if case.stage.value in stages and case.task_token else None

    def step(api, name: str, body: dict, stages: tuple[str, ...]):
        case = wait_until(lambda: waiting_at(*stages), what=f"the case waiting at {stages}")
        status, answer = api.call("POST", f"/cases/{case_id}/{name}", {"expected_version": case.version, **body})
        assert status == 200, answer

    if wait_until(lambda: waiting_at("ASSESSMENT", "DECISION"), what="a person's step").stage.value == "ASSESSMENT":
        step(refuser, "assessment", {"outcome": "NOT_ELIGIBLE", "summary": "Carries no eligible people"}, ("ASSESSMENT",))
    step(refuser, "decision", {"outcome": "REFUSE", "reasons": ["Carries no eligible people"]}, ("DECISION",))
    step(refuser, "review-request", {"grounds": "We do carry eligible people"}, ("REFUSED",))
    step(reviewer, "review", {"outcome": "UPHOLD", "reasons": ["No evidence of eligible people carried"]}, ("REVIEW",))

    assert owed_statuses(store, case_id) == ["COMPLETED", "COMPLETED"]  # the refusal's, then the review's
    assert report_of(pull(), "VALEWYE")["statuses_sent"] == 2
    assert national.status_updates.count((organisation["applicationId"], "COMPLETED")) == 2


def test_a_withdrawal_owes_completed(national):
    """A pulled application withdrawn by staff (e.g. one of two duplicates) is finished with too."""
    from shared.bootstrap import workflows
    from shared.core.domain.case import utcnow
    from shared.core.logic.tenancy import Caller
    from shared.services.blue_badge.logic.withdrawal import WithdrawalInput, withdraw_case

    record = add_demo(national, "NSHIRE")[0]
    pull()
    store = store_for("NORTHSHIRE")
    case_id = store.case_for_application(record["applicationId"])
    case = wait_until(lambda: (found := store.get(case_id)).task_token and found, what="the case waiting for a person")
    staff = Caller(user="alex.caseworker@northshire.example.gov.uk", council_code="NORTHSHIRE", roles=frozenset({Role.CASEWORKER}))
    withdraw_case(store.serving("blue-badge"), workflows(), case_id, WithdrawalInput(expected_version=case.version, reason="A duplicate"),
                  staff, utcnow())

    assert owed_statuses(store, case_id) == ["COMPLETED"]
    assert report_of(pull(), "NORTHSHIRE")["statuses_sent"] == 1
    assert (record["applicationId"], "COMPLETED") in national.status_updates


def test_a_parked_pulled_application_replayed_owes_inprogress(national, api_as):
    """An unmappable pulled record parks (no INPROGRESS); corrected and replayed by staff it becomes a case, which owes
    INPROGRESS in its own transaction, and the next pull sends it."""
    record = add_demo(national, "NSHIRE")[5]  # WALKD
    record["eligibility"]["walkingDifficulty"]["typeCodes"] = ["PAIN", "XYZ"]
    [parked_id] = report_of(pull(), "NORTHSHIRE")["parked"]
    assert (record["applicationId"], "INPROGRESS") not in national.status_updates

    corrected = json.loads(json.dumps(record))
    corrected["eligibility"]["walkingDifficulty"]["typeCodes"] = ["PAIN", "SOMELSE"]
    status, outcome = api_as("NORTHSHIRE", Role.CASEWORKER).call("POST", f"/parked/{parked_id}/replay", corrected)
    assert status == 201, outcome["reasons"]
    store = store_for("NORTHSHIRE")
    assert owed_statuses(store, outcome["case_id"]) == ["INPROGRESS"]
    assert (record["applicationId"], "INPROGRESS") not in national.status_updates  # owed, not sent from the replay

    assert report_of(pull(), "NORTHSHIRE")["statuses_sent"] == 1
    assert (record["applicationId"], "INPROGRESS") in national.status_updates
