"""The missing-information loop through the real application workflow (callback task) and the API."""

import json
import uuid

from shared.bootstrap import councils, store_for
from shared.services.blue_badge.domain.application import Application
from shared.core.domain.case import AuditEntry, Case, utcnow
from shared.services.blue_badge.domain.case import Stage
from shared.services.blue_badge.domain.completeness import missing_items
from shared.resources import Role, WorkflowKey
from shared.services.blue_badge.domain.case import BadgeCase
from tests.factories import REMOVE, case_file, complete_application
from tests.integration.conftest import case_actions, emails_to, upload_intake_files, wait_for_execution, wait_for_step, wait_until



def photo(case_id: str) -> dict[str, str]:
    return case_file(case_id, "PHOTO", "reply-photo-1.jpg")


def waiting_case(council: str, case_id: str, after_version: int = 0) -> Case:
    """The case once the workflow has asked for information (it holds the callback token)."""
    def asked():
        case = store_for(council).get(case_id)
        return case if case.task_token and case.version > after_version else None
    return wait_until(asked, what=f"information request on {case_id}")


def keyed_in(api, **overrides) -> str:
    status, body = api.call("POST", "/applications", upload_intake_files(complete_application("NORTHSHIRE", channel="PAPER", **overrides)))
    assert status == 201, body
    return body["case_id"]


def test_supplying_part_loops_and_supplying_the_rest_moves_to_screening(api_as, stack, clients):
    api = api_as("NORTHSHIRE", Role.CASEWORKER)
    application = complete_application("NORTHSHIRE", channel="PAPER", holder__nino=REMOVE)
    application["evidence"] = [item for item in application["evidence"] if item["type"] not in ("PHOTO", "PROOF_ADD")]
    status, body = api.call("POST", "/applications", upload_intake_files(application))
    assert status == 201, body
    case_id = body["case_id"]
    case = waiting_case("NORTHSHIRE", case_id)
    assert [item.code.value for item in case.missing] == ["PROOF_OF_ADDRESS", "PHOTO", "NINO"]

    status, body = api.call("POST", f"/cases/{case_id}/supplied", {"expected_version": case.version, "evidence": [photo(case_id)]})
    assert status == 200, body
    assert [item["code"] for item in body["case"]["missing"]] == ["PROOF_OF_ADDRESS", "NINO"]
    assert "task_token" not in body["case"]

    # The workflow rechecks, finds items still missing, and asks again with a new token.
    case = waiting_case("NORTHSHIRE", case_id, after_version=body["case"]["version"])
    assert case.stage is Stage.AWAITING_INFORMATION
    status, body = api.call("POST", f"/cases/{case_id}/supplied", {
        "expected_version": case.version, "evidence": [case_file(case_id, "PROOF_ADD", "reply-address-1.pdf")], "changes": {"holder": {"nino": "ab 12 34 56 c"}}})
    assert status == 200 and body["case"]["missing"] == []

    case = wait_for_step(store_for("NORTHSHIRE"), case_id, Stage.PROOF_CHECK)  # screened: PIP is an automatic route
    assert case.application.holder.nino == "AB123456C"
    assert case_actions(store_for("NORTHSHIRE"), case_id) == [  # opened by intake waiting for information
        "CASE_OPENED", "INFORMATION_REQUESTED", "INFORMATION_SUPPLIED",
        "INFORMATION_REQUESTED", "INFORMATION_SUPPLIED", "STAGE_CHANGED", "STAGE_CHANGED"]
    # The applicant was told it arrived, then asked twice, each time for what was still missing.
    emails = [mail for mail in emails_to("ada@example.com") if case_id in mail.body]
    assert len(emails) == 3
    first_request, second_request = emails[1].body, emails[2].body
    assert "A recent passport-style photo" in first_request and "A recent passport-style photo" not in second_request
    assert "Proof of address" in second_request


def test_a_stale_version_is_refused_and_nothing_changes(api_as):
    api = api_as("NORTHSHIRE", Role.CASEWORKER)
    case = waiting_case("NORTHSHIRE", keyed_in(api, evidence=[]))
    status, body = api.call("POST", f"/cases/{case.case_id}/supplied", {"expected_version": case.version - 1, "evidence": [photo(case.case_id)]})
    assert status == 409
    assert store_for("NORTHSHIRE").get(case.case_id).version == case.version


def test_supplied_changes_are_validated_field_by_field(api_as):
    api = api_as("NORTHSHIRE", Role.CASEWORKER)
    case = waiting_case("NORTHSHIRE", keyed_in(api, evidence=[]))
    status, body = api.call("POST", f"/cases/{case.case_id}/supplied",
                            {"expected_version": case.version, "changes": {"holder": {"date_of_birth": "2999-01-01"}}})
    assert status == 422 and body["errors"][0]["field"] == "holder.date_of_birth"
    status, body = api.call("POST", f"/cases/{case.case_id}/supplied", {"expected_version": case.version, "changes": {"council_code": "VALEWYE"}})
    assert status == 422 and body["errors"][0]["field"] == "changes.council_code"
    status, body = api.call("POST", f"/cases/{case.case_id}/supplied", {"expected_version": case.version, "evidence": [{"type": "SELFIE", "key": "x"}]})
    assert status == 422 and body["errors"][0]["field"] == "evidence.0.type"
    for outside in ("NORTHSHIRE-261203-OTHER1", f"{case.case_id}/../NORTHSHIRE-261203-OTHER1"):  # another case's folder
        status, body = api.call("POST", f"/cases/{case.case_id}/supplied", {"expected_version": case.version, "evidence": [case_file(outside, "PHOTO", "p.jpg")]})
        assert status == 422 and body["errors"][0]["field"] == "evidence.0.key", body


def test_only_the_councils_own_editors_can_supply(api_as):
    case = waiting_case("NORTHSHIRE", keyed_in(api_as("NORTHSHIRE", Role.CASEWORKER), evidence=[]))
    supply = {"expected_version": case.version, "evidence": [photo(case.case_id)]}
    assert api_as("VALEWYE", Role.CASEWORKER).call("POST", f"/cases/{case.case_id}/supplied", supply)[0] == 404
    assert api_as("NORTHSHIRE", Role.READ_ONLY).call("POST", f"/cases/{case.case_id}/supplied", supply)[0] == 403


def test_a_complete_case_is_not_waiting_for_information(api_as, stack, clients):
    api = api_as("NORTHSHIRE", Role.CASEWORKER)
    case = wait_for_step(store_for("NORTHSHIRE"), keyed_in(api), Stage.PROOF_CHECK)
    status, body = api.call("POST", f"/cases/{case.case_id}/supplied", {"expected_version": case.version, "evidence": [photo(case.case_id)]})
    assert status == 409 and "not waiting for information" in body["message"]


def test_no_reply_by_the_due_date_withdraws_the_case(stack, clients, monkeypatch):
    """The real ASL with a 1-second wait (the deadline step made to say the information is due a second from now): the
    callback times out and the case closes as withdrawn."""
    from datetime import timedelta

    from shared.services.blue_badge.logic import workflow_steps

    monkeypatch.setattr(workflow_steps, "information_deadline", lambda council, now: now + timedelta(seconds=1))
    council = councils().get("VALEWYE")
    application = Application.model_validate(complete_application("VALEWYE", evidence=[], payment=REMOVE))
    now = utcnow()
    case = BadgeCase.open(application, missing_items(application, council), now)
    store_for("VALEWYE").create(case, AuditEntry(case_id=case.case_id, at=now, actor="test", action="CASE_OPENED"))
    arn = stack.state_machine_arns[WorkflowKey.APPLICATION]
    clients["stepfunctions"].start_execution(stateMachineArn=arn, name=case.case_id, input=json.dumps(
        {"council_code": "VALEWYE", "case_id": case.case_id}))
    execution = wait_for_execution(clients["stepfunctions"], arn, case.case_id, timeout=30)
    assert execution["status"] == "SUCCEEDED"
    closed = store_for("VALEWYE").get(case.case_id)
    assert closed.stage is Stage.WITHDRAWN and closed.task_token is None
    assert case_actions(store_for("VALEWYE"), case.case_id)[-2:] == ["INFORMATION_REQUESTED", "STAGE_CHANGED"]
    [received, request, withdrawn] = [mail for mail in emails_to("ada@example.com") if case.case_id in mail.body]
    assert withdrawn.body.startswith("Annwyl Ada Lovelace,\n\nRydym wedi cau eich cais am Fathodyn Glas.")  # Welsh, then English
    assert "\n\nDear Ada Lovelace,\n\nWe have closed your Blue Badge application." in withdrawn.body
    assert len({received.subject, request.subject, withdrawn.subject}) == 3


def test_an_email_that_cannot_be_sent_is_recorded_and_the_case_goes_on(api_as, stack, clients, monkeypatch):
    from botocore.exceptions import ClientError

    from shared.core.adapters.email import SesEmailSender

    def rejected(self, message):
        raise ClientError({"Error": {"Code": "MessageRejected", "Message": "Email address is not verified."}}, "SendEmail")

    monkeypatch.setattr(SesEmailSender, "send", rejected)
    case_id = keyed_in(api_as("NORTHSHIRE", Role.CASEWORKER))
    wait_for_step(store_for("NORTHSHIRE"), case_id, Stage.PROOF_CHECK)
    [failed] = [entry for entry in store_for("NORTHSHIRE").history(case_id) if entry.action == "NOTIFICATION_FAILED"]
    assert failed.after["kind"] == "RECEIVED" and "not verified" in failed.after["error"]


def test_the_request_carries_a_reply_link_that_stops_working_once_the_information_is_recorded(api_as):
    """The applicant's link (see tests/web/test_reply.py for its page) belongs to the round it was sent in."""
    import re

    from shared.bootstrap import reply_desk
    from shared.services.blue_badge.logic.reply import LinkState

    api = api_as("NORTHSHIRE", Role.CASEWORKER)
    email = f"reply-{uuid.uuid4().hex[:8]}@example.com"
    case = waiting_case("NORTHSHIRE", keyed_in(api, evidence=[], contact__email=email))
    [request] = wait_until(lambda: [mail for mail in emails_to(email) if "/reply/" in mail.body], what="the request email")
    token = re.search(r"/reply/(\S+)", request.body).group(1)
    assert token.startswith(f"{case.case_id}.") and len(token) > len(case.case_id) + 30
    assert reply_desk().open(token).state is LinkState.OPEN

    status, _ = api.call("POST", f"/cases/{case.case_id}/supplied", {"expected_version": case.version, "evidence": [photo(case.case_id)]})
    assert status == 200
    assert reply_desk().open(token).state is LinkState.GONE
