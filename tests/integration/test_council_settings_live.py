"""A council admin's change of the fee or the information wait is used by the very next case step, through the real
intake and workflow Lambdas on the local stack: no redeploy, nothing cached between invocations."""

from __future__ import annotations

from datetime import datetime

import boto3
import pytest

from shared.bootstrap import council_admin_records_for, councils
from shared.core.adapters.council_admin_records import SETTINGS_PARTITION, SETTINGS_SORT_KEY
from shared.core.domain.case import utcnow
from shared.core.domain.working_days import working_days_later
from shared.core.logic.council_admin import save_settings
from shared.core.logic.tenancy import Caller
from shared.resources import DEFAULT_REGION, Role, council_table_name
from shared.services.blue_badge.domain.settings import badge_settings
from shared.services.registry import SERVICES
from tests.factories import REMOVE, complete_application
from tests.integration.conftest import upload_intake_files
from tests.integration.test_information_loop import waiting_case

NORTHSHIRE = "NORTHSHIRE"
ADMIN = Caller(user="admin@northshire.example.gov.uk", council_code=NORTHSHIRE, roles=frozenset({Role.COUNCIL_ADMIN}))


@pytest.fixture
def as_deployed(stack):
    def clear() -> None:
        boto3.client("dynamodb", region_name=DEFAULT_REGION).delete_item(
            TableName=council_table_name(NORTHSHIRE), Key={"pk": {"S": SETTINGS_PARTITION}, "sk": {"S": SETTINGS_SORT_KEY}})
    clear()
    yield
    clear()


def change(edits: dict) -> None:
    records = council_admin_records_for(NORTHSHIRE)
    stored = records.settings()
    save_settings(records, councils().deployed(NORTHSHIRE), councils().get(NORTHSHIRE), edits, stored.version if stored else 0,
                  ADMIN, utcnow(), SERVICES)


def keyed_in(api, **overrides) -> str:
    status, body = api.call("POST", "/applications", upload_intake_files(complete_application(NORTHSHIRE, channel="PAPER", **overrides)))
    assert status == 201, body
    return body["case_id"]


def missing_codes(api, case_id: str) -> list[str]:
    status, body = api.call("GET", f"/cases/{case_id}")
    assert status == 200, body
    return [item["code"] for item in body["case"]["missing"]]


def test_a_changed_fee_is_the_fee_of_the_next_application(api_as, as_deployed):
    api = api_as(NORTHSHIRE, Role.CASEWORKER)
    half_fee = {"payment__amount_pence": 500}
    assert badge_settings(councils().get(NORTHSHIRE)).badge_fee_pence == 1000
    assert "FEE" in missing_codes(api, keyed_in(api, **half_fee))  # £5 paid of £10: the fee is missing
    change({"services": {"blue-badge": {"badge_fee_pence": 500}}})
    assert "FEE" not in missing_codes(api, keyed_in(api, **half_fee))  # the next application: £5 is the whole fee


def test_a_changed_information_wait_is_used_by_the_next_workflow_step(api_as, as_deployed):
    api = api_as(NORTHSHIRE, Role.CASEWORKER)
    deployed_days = councils().deployed(NORTHSHIRE).information_request_days
    days = deployed_days - 3
    change({"information_request_days": days, "information_reminder_days": 2})

    case = waiting_case(NORTHSHIRE, keyed_in(api, holder__nino=REMOVE))  # the workflow step asks for the NI number
    status, body = api.call("GET", f"/cases/{case.case_id}")
    [asked] = [entry for entry in body["history"] if entry["action"] == "INFORMATION_REQUESTED"]
    asked_at = datetime.fromisoformat(asked["at"])
    nation = councils().get(NORTHSHIRE).nation
    # The deadline step runs a moment before the request is recorded: the day due is what counts.
    assert case.information_due.date() == working_days_later(asked_at, days, nation).date()
    assert case.information_due.date() != working_days_later(asked_at, deployed_days, nation).date()
