"""Intake end to end on moto: bus -> rule -> queue -> ingest handler -> council table -> workflow (real ASL)."""

import json
from datetime import timedelta

from botocore.exceptions import ClientError

from shared.bootstrap import store_for
from shared.core.adapters.case_store import CaseStore
from shared.core.domain.case import ParkedApplication, ParkedStatus
from shared.core.domain.working_days import working_days_between
from shared.services.blue_badge.domain.case import Stage
from shared.resources import Role, WorkflowKey, council_table_name
from tests.factories import REMOVE, complete_application
from tests.integration.conftest import emails_to, wait_for_step, wait_until


def case_id_for(application_id: str, council: str) -> str | None:
    """The case of an application, found by the marker item (a GetItem)."""
    store = store_for(council)
    item = store._client.get_item(
        TableName=store.table_name, Key={"pk": {"S": f"APPLICATION#{application_id}"}, "sk": {"S": "APPLICATION"}}
    ).get("Item")
    return item["case_id"]["S"] if item else None


def items_of_application(clients, table: str, application_id: str) -> int:
    return clients["dynamodb"].query(
        TableName=table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": f"APPLICATION#{application_id}"}}
    )["Count"]


def test_complete_online_application_becomes_a_case_and_its_workflow_screens_it(intake, stack, clients):
    application = complete_application("NORTHSHIRE")  # PIP: an automatic route
    intake.deliver(application)

    case_id = case_id_for(application["application_id"], "NORTHSHIRE")
    assert case_id and case_id.startswith("NORTHSHIRE-")
    case = wait_for_step(store_for("NORTHSHIRE"), case_id, Stage.PROOF_CHECK)
    assert case.missing == []
    assert case.version == 2  # opened by intake at screening; the workflow's wait moved it to the proof check
    history = store_for("NORTHSHIRE").history(case_id)
    assert [entry.action for entry in history] == ["CASE_OPENED", "NOTIFICATION_SENT", "STAGE_CHANGED"]
    assert history[0].actor == "event:casework.intake" and history[0].after["stage"] == "SCREENING"
    assert history[1].after["kind"] == "RECEIVED" and history[1].after["delivered"] is True
    assert history[2].before == {"stage": "SCREENING"}
    assert history[2].after == {"stage": "PROOF_CHECK", "route_reason": "PIP award with 10 points in moving around (8 or more qualify)"}
    [email] = [mail for mail in emails_to(application["contact"]["email"]) if case_id in mail.body]
    assert email.source == "bluebadge@northshire.example.gov.uk"


def test_a_case_stored_received_before_intake_opened_cases_is_opened_by_its_workflow(stack):
    """Cases written RECEIVED by an earlier version (their workflow never started, or restarted by the reconciler) start
    without what opening found: the workflow's OpenCase step opens them, tells the applicant, and screens them."""
    from shared.bootstrap import councils, workflows
    from shared.core.domain.case import AuditEntry, utcnow
    from shared.services.blue_badge.domain.application import Application
    from shared.services.blue_badge.domain.case import BadgeCase
    from shared.services.blue_badge.logic.intake import workflow_input

    application = Application.model_validate(complete_application("NORTHSHIRE", evidence=[]))  # nothing missing but files
    now = utcnow()
    case = BadgeCase.open(application, [], now)
    store_for("NORTHSHIRE").create(case, AuditEntry(case_id=case.case_id, at=now, actor="earlier version", action="CASE_OPENED"))
    given = workflow_input(case, councils().get("NORTHSHIRE"))
    assert "screened" not in given
    workflows().start(case.workflow, case.case_id, given)
    opened = wait_for_step(store_for("NORTHSHIRE"), case.case_id, Stage.PROOF_CHECK)
    actions = [(entry.action, entry.before, entry.after) for entry in store_for("NORTHSHIRE").history(case.case_id)]
    assert ("STAGE_CHANGED", {"stage": "RECEIVED"}, {"stage": "SCREENING"}) in actions
    assert [after["kind"] for action, _, after in actions if action == "NOTIFICATION_SENT"] == ["RECEIVED"]
    assert opened.task_token


def test_case_is_written_to_its_own_council_table_only(intake, clients):
    application = complete_application("VALEWYE", payment=REMOVE)
    intake.deliver(application)
    assert items_of_application(clients, council_table_name("VALEWYE"), application["application_id"]) == 1
    assert items_of_application(clients, council_table_name("NORTHSHIRE"), application["application_id"]) == 0


def test_incomplete_application_lists_what_is_missing_and_waits_for_information(intake, stack, clients):
    application = complete_application("NORTHSHIRE", evidence=[], holder__nino=REMOVE)
    intake.deliver(application)
    case_id = case_id_for(application["application_id"], "NORTHSHIRE")
    case = wait_until(lambda: (found := store_for("NORTHSHIRE").get(case_id)).task_token and found, what="information request")
    assert [item.code.value for item in case.missing] == [
        "PROOF_OF_IDENTITY", "PROOF_OF_ADDRESS", "PHOTO", "NINO", "PROOF_OF_ELIGIBILITY"]
    assert case.stage is Stage.AWAITING_INFORMATION
    # Northshire's information_request_days, 20 working days of England, from the request (the same time of day).
    assert working_days_between(case.received_at.date(), case.information_due.date(), "ENG") == 20
    assert case.information_due - case.received_at >= timedelta(days=26)
    queue, _ = store_for("NORTHSHIRE").by_stage(Stage.AWAITING_INFORMATION, limit=100)
    assert case_id in [queued.case_id for queued in queue]


def test_replacement_and_cancellation_start_their_own_workflows(intake, stack, clients):
    replacement = complete_application("NORTHSHIRE", application_type="REPLACE", replace_reason="STOLE",
                                       crime_reference="CR/123/26", existing_badge_number="AB12CD", eligibility=REMOVE)
    cancellation = complete_application("NORTHSHIRE", application_type="CANCEL", cancel_reason="DECEASE",
                                        existing_badge_number="AB12CE", evidence=[], eligibility=REMOVE)
    intake.deliver(replacement, cancellation)
    for application, workflow in ((replacement, WorkflowKey.REPLACEMENT), (cancellation, WorkflowKey.CANCELLATION)):
        case_id = case_id_for(application["application_id"], "NORTHSHIRE")
        wait_for_step(store_for("NORTHSHIRE"), case_id, Stage.DECISION)  # both go straight to a caseworker's decision
        execution = clients["stepfunctions"].describe_execution(
            executionArn=stack.state_machine_arns[workflow].replace(":stateMachine:", ":execution:") + f":{case_id}")
        assert execution["status"] == "RUNNING"
    assert store_for("NORTHSHIRE").lookup("BADGE", "AB12CD") == [case_id_for(replacement["application_id"], "NORTHSHIRE")]


def test_same_event_twice_makes_one_case(intake):
    application = complete_application("NORTHSHIRE")
    intake.deliver(application, application)
    intake.deliver(application)
    case_id = case_id_for(application["application_id"], "NORTHSHIRE")
    history = store_for("NORTHSHIRE").history(case_id)
    assert [entry.action for entry in history].count("CASE_OPENED") == 1


def test_marker_refuses_a_second_case_even_after_idempotency_expired(intake, stack, clients):
    application = complete_application("NORTHSHIRE")
    intake.deliver(application)
    # Forget the idempotency record, as its 24 h expiry would.
    for item in clients["dynamodb"].scan(TableName=stack.idempotency_table)["Items"]:
        clients["dynamodb"].delete_item(TableName=stack.idempotency_table, Key={"id": item["id"]})
    intake.deliver(application)
    case_ids = {entry.case_id for entry in store_for("NORTHSHIRE").history(case_id_for(application["application_id"], "NORTHSHIRE"))}
    assert len(case_ids) == 1
    assert store_for("NORTHSHIRE").lookup("NINO", "AB123456C").count(case_ids.pop()) == 1


def parked_items(council: str | None) -> list:
    items, _ = store_for(council).parked(limit=100)
    return items


def parked_of(council: str | None, application_id: str) -> list[ParkedApplication]:
    """The parked items still waiting for one application, through every page of the council's parked queue."""
    found, cursor = [], None
    while True:
        items, cursor = store_for(council).parked(limit=100, after=cursor)
        found += [item for item in items if _claimed_application_id(item) == application_id]
        if cursor is None:
            return found


def _claimed_application_id(parked: ParkedApplication) -> str | None:
    if parked.stored_payload is not None:
        return parked.stored_payload.application_id
    payload = json.loads(parked.payload) if isinstance(parked.payload, str) and parked.payload.startswith("{") else parked.payload
    return payload.get("application_id") if isinstance(payload, dict) else None


def test_malformed_application_is_parked_with_its_reasons_in_its_council(intake):
    application = complete_application("NORTHSHIRE", eligibility__code="FLYING", holder__date_of_birth="2999-01-01")
    intake.deliver(application)
    [parked] = [item for item in parked_items("NORTHSHIRE") if item.payload.get("application_id") == application["application_id"]]
    assert {reason.field for reason in parked.reasons} == {"eligibility.code", "holder.date_of_birth"}
    assert parked.status is ParkedStatus.PARKED
    assert case_id_for(application["application_id"], "NORTHSHIRE") is None


def test_unknown_council_is_parked_for_national_administrators(intake):
    application = complete_application("ATLANTIS")
    intake.deliver(application)
    [parked] = [item for item in parked_items(None) if item.payload.get("application_id") == application["application_id"]]
    assert parked.council_code is None
    assert parked.reasons[0].field == "council_code"
    assert "ATLANTIS" in parked.reasons[0].message


def test_a_message_that_is_not_an_event_is_parked_not_lost(stack, clients, pump):
    clients["sqs"].send_message(QueueUrl=stack.intake_queue_url, MessageBody="this is not json")
    pump.drain(max_seconds=30)
    assert "this is not json" in [item.payload for item in parked_items(None)]


def test_a_passing_failure_returns_only_that_record_to_the_queue(intake, stack, clients, pump, monkeypatch):
    failing, passing = complete_application("NORTHSHIRE"), complete_application("NORTHSHIRE")
    original_create = CaseStore.create

    def throttled_for_one(self, case, audit, records=()):
        if case.application.application_id == failing["application_id"]:
            raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, "TransactWriteItems")
        return original_create(self, case, audit, records)

    monkeypatch.setattr(CaseStore, "create", throttled_for_one)
    intake.publish(failing, passing)
    stats = pump.pump_once()
    assert (stats.received, stats.succeeded, stats.failed) == (2, 1, 1)
    assert case_id_for(passing["application_id"], "NORTHSHIRE")
    # The throttling passes; SQS makes the message visible again and the retry opens the case.
    monkeypatch.setattr(CaseStore, "create", original_create)
    assert pump.drain(max_seconds=30).drained
    assert case_id_for(failing["application_id"], "NORTHSHIRE")


def test_an_application_that_keeps_failing_is_kept_in_the_dead_letter_queue(intake, stack, clients, pump, monkeypatch):
    stuck = complete_application("NORTHSHIRE")

    def always_throttled(self, case, audit, records=()):
        raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, "TransactWriteItems")

    monkeypatch.setattr(CaseStore, "create", always_throttled)
    intake.publish(stuck)
    pump.drain(max_seconds=60)  # each try fails; after INTAKE_MAX_RECEIVE_COUNT tries SQS moves it aside
    messages = clients["sqs"].receive_message(QueueUrl=stack.intake_dlq_url, MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(message["Body"])["detail"]["application_id"] for message in messages] == [stuck["application_id"]]
    assert case_id_for(stuck["application_id"], "NORTHSHIRE") is None


def test_text_with_control_or_bidi_characters_is_parked_naming_each_field_until_fixed(intake, api_as):
    """Refused at intake, so it never becomes a case, a badge or a line of a print extract (whose own guard stays as
    the last line of defence: tests/unit/test_print_extract.py)."""
    application = complete_application("NORTHSHIRE", holder__surname="Love\u202elace", contact__full_name="Ada\x07 Lovelace",
                                       eligibility__conditions="Arthritis\r\nin both knees\x1b[2J")
    intake.deliver(application)
    [parked] = [item for item in parked_items("NORTHSHIRE") if item.payload.get("application_id") == application["application_id"]]
    reasons = {reason.field: reason.message for reason in parked.reasons}
    assert set(reasons) == {"holder.surname", "contact.full_name", "eligibility.conditions"}
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in reasons["holder.surname"]
    assert "control character (U+0007)" in reasons["contact.full_name"]
    assert "control character (U+001B)" in reasons["eligibility.conditions"]  # the line break before it is allowed
    assert case_id_for(application["application_id"], "NORTHSHIRE") is None

    fixed = application | {"holder": application["holder"] | {"surname": "Lovelace"}, "contact": application["contact"] | {"full_name": "Ada Lovelace"},
                           "eligibility": application["eligibility"] | {"conditions": "Arthritis\r\nin both knees"}}
    status, outcome = api_as("NORTHSHIRE", Role.CASEWORKER).call("POST", f"/parked/{parked.parked_id}/replay", fixed)
    assert status == 201 and outcome["status"] == "CREATED", outcome
    case = store_for("NORTHSHIRE").get(outcome["case_id"])
    assert case.application.eligibility.conditions == "Arthritis\r\nin both knees"


def test_every_route_that_takes_typed_text_answers_422_naming_the_field(api_as):
    api = api_as("NORTHSHIRE", Role.CASEWORKER)
    status, body = api.call("POST", "/applications", complete_application("NORTHSHIRE", channel="PAPER", holder__forenames="Ada\u2066"))
    assert status == 422 and [(error["field"], "U+2066" in error["message"]) for error in body["errors"]] == [("holder.forenames", True)]

    status, body = api.call("POST", "/applications", complete_application("NORTHSHIRE", channel="PAPER", evidence=[]))
    assert status == 201, body
    case = wait_until(lambda: (found := store_for("NORTHSHIRE").get(body["case_id"])).task_token and found, what="information request")
    for step, given, field in [
        ("notes", {"text": "Called back\x00"}, "text"),
        ("proof-check", {"expected_version": case.version, "confirmed": True, "notes": "Letter seen\u200b"}, "notes"),
        ("decision", {"expected_version": case.version, "outcome": "REFUSE", "reasons": ["No\x85award"]}, "reasons.0"),
        ("review-request", {"expected_version": case.version, "grounds": "I disagree\u202d"}, "grounds"),
        ("payment", {"expected_version": case.version, "amount_pence": 1000, "reference": "PAY\x7f"}, "reference"),
        ("information-request", {"expected_version": case.version, "items": [{"code": "PHOTO", "note": "Face\u061c"}]}, "items.0.note"),
        ("supplied", {"expected_version": case.version, "changes": {"holder": {"surname": "Love\u202elace"}}}, "holder.surname"),
    ]:
        status, answer = api.call("POST", f"/cases/{case.case_id}/{step}", given)
        assert status == 422 and [error["field"] for error in answer["errors"]] == [field], (step, answer)
    assert store_for("NORTHSHIRE").get(case.case_id).version == case.version  # nothing was taken


def test_a_corrected_resend_within_a_day_becomes_a_case(intake):
    """Idempotency is keyed on the application as sent: a corrected re-send is new work, not the first send's answer."""
    wrong = complete_application("NORTHSHIRE", eligibility__code="FLYING")
    intake.deliver(wrong)
    [parked] = parked_of("NORTHSHIRE", wrong["application_id"])
    corrected = wrong | {"eligibility": wrong["eligibility"] | {"code": "PIP"}}
    intake.deliver(corrected)
    case_id = case_id_for(wrong["application_id"], "NORTHSHIRE")
    assert case_id and store_for("NORTHSHIRE").get(case_id).application.eligibility.code.value == "PIP"
    # Differing once more, it cannot open a second case: the application's marker answers with the first (DUPLICATE).
    intake.deliver(corrected | {"contact": corrected["contact"] | {"email": "ada.lovelace@example.com"}})
    assert [entry.action for entry in store_for("NORTHSHIRE").history(case_id)].count("CASE_OPENED") == 1
    assert parked_of("NORTHSHIRE", wrong["application_id"]) == [parked]


def test_an_identical_resend_of_a_parked_application_is_a_harmless_duplicate(intake):
    wrong = complete_application("NORTHSHIRE", eligibility__code="FLYING")
    intake.deliver(wrong)
    intake.deliver(wrong)
    assert len(parked_of("NORTHSHIRE", wrong["application_id"])) == 1
    assert case_id_for(wrong["application_id"], "NORTHSHIRE") is None
