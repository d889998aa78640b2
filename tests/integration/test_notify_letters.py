"""Councils on GOV.UK Notify, through the real workflows on moto and the real Notify client against the local stand-in
(infra/local/notify_api.py): an applicant without an email address is sent a letter at every step that emails, a Notify
failure is recorded and never stops the case, and a Welsh council's emails are bilingual."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import timedelta

import boto3
import pytest

from infra.local.notify_api import NotifyStandIn, Received, start_notify_stand_in
from shared.bootstrap import secret_values, store_for
from shared.core.domain.email import BILINGUAL_DIVIDER
from shared.core.domain.notify import NotificationStatus
from shared.core.logic.emails import LETTER_TO_POST
from shared.core.logic.reconciler import cases_needing_attention
from shared.resources import DEFAULT_REGION, NOTIFY_ALLOW_LOOPBACK_HTTP, Env, Role, notify_secret_name
from shared.services.blue_badge.domain.case import Stage
from shared.bootstrap import councils, notifier
from shared.services.blue_badge.logic.reminders import send_information_reminders
from tests.factories import REMOVE, complete_application
from tests.integration.conftest import emails_to, wait_until
from tests.integration.test_decisions import CASEWORKER, SECOND_CASEWORKER, act, at, key_in

NORTHSHIRE, VALEWYE = "NORTHSHIRE", "VALEWYE"
ADDRESS = {"address_line_1": "Ada Lovelace", "address_line_2": "12 Mill Lane", "address_line_3": "Northby",
           "address_line_4": "NE1 4XF"}


@pytest.fixture
def notify(stack, monkeypatch) -> Iterator[NotifyStandIn]:
    """Northshire and Vale of Wye on Notify (their own services on the stand-in, keys in Secrets Manager) for one test."""
    server = start_notify_stand_in()
    secrets = boto3.client("secretsmanager", region_name=DEFAULT_REGION)
    councils = {}
    for code in (NORTHSHIRE, VALEWYE):
        settings, api_key = server.register(code)
        councils[code] = settings.model_dump(mode="json")
        try:
            secrets.create_secret(Name=notify_secret_name(code), SecretString=api_key)
        except secrets.exceptions.ResourceExistsException:
            secrets.put_secret_value(SecretId=notify_secret_name(code), SecretString=api_key)
    secret_values().clear_cache()  # a key from an earlier test's service is cached for five minutes
    monkeypatch.setenv(Env.NOTIFY_COUNCILS, json.dumps(councils))
    monkeypatch.setenv(NOTIFY_ALLOW_LOOPBACK_HTTP, "true")
    yield server
    server.stop()


@pytest.fixture
def caseworker(api_as):
    return api_as(NORTHSHIRE, Role.CASEWORKER, user=CASEWORKER)


def letters(notify: NotifyStandIn, case_id: str, count: int) -> list[Received]:
    """The letters asked for about the case, once there are `count` (the workflow sends after it saves)."""
    return wait_until(lambda: (found if len(found := notify.received("letter", f"{case_id}/")) >= count else None),
                      what=f"{count} letters for {case_id}")


def kinds(items: list[Received]) -> list[str]:
    return [item.reference.split("/")[1] for item in items]


def no_email(**overrides) -> dict:
    """A complete application for a person nobody else in the test run is (one badge per person), with no email address."""
    tag = uuid.uuid4().hex[:8]
    return complete_application(NORTHSHIRE, channel="PAPER", holder__surname=f"Tester{tag}",
                                holder__nino=f"JK{uuid.uuid4().int % 1000000:06d}A", contact__email=REMOVE,
                                contact__phone="01632 960999", **overrides)


def assert_a_letter_to_the_holder(item: Received, notify: NotifyStandIn, subject: str) -> None:
    service = next(service for service in notify.services.values() if service.council_code == NORTHSHIRE)
    assert item.template_id == service.template_of("letter").id and item.council_code == NORTHSHIRE
    values = item.personalisation
    assert {name: values[name] for name in values if name.startswith("address_line")} == ADDRESS
    assert values["subject"].startswith(subject) and values["body"].startswith("Dear Ada Lovelace,\n")


def test_an_applicant_without_email_gets_a_letter_at_each_step_to_an_ordered_badge(notify, caseworker):
    case_id = key_in(caseworker, no_email())
    [received] = letters(notify, case_id, 1)
    assert kinds([received]) == ["RECEIVED"]
    assert_a_letter_to_the_holder(received, notify, "We have received your Blue Badge application")
    at(case_id, Stage.PROOF_CHECK)
    act(caseworker, case_id, "proof-check", {"confirmed": True, "notes": "PIP letter seen, 10 points moving around"})
    at(case_id, Stage.DECISION)
    act(caseworker, case_id, "decision", {"outcome": "APPROVE", "order": {"deliver_to": "HOME", "delivery_option": "STANDARD"}})
    at(case_id, Stage.ORDERED)
    sent = letters(notify, case_id, 2)
    assert kinds(sent) == ["RECEIVED", "APPROVED_AND_ORDERED"]
    assert_a_letter_to_the_holder(sent[1], notify, "Your Blue Badge application has been approved and your badge ordered")
    assert "It will be printed and sent to you by post." in sent[1].personalisation["body"]
    assert notify.received("email", f"{case_id}/") == []  # no email was sent in their place

    history = wait_until(lambda: (found if len(found := [entry for entry in store_for(NORTHSHIRE).history(case_id)
                                                        if entry.action.startswith("NOTIFICATION")]) == len(sent) else None),
                         what="each letter in the history")  # recorded once Notify has answered
    assert [(entry.action, entry.after["channel"], entry.after["provider"], entry.after["message_id"]) for entry in history] == [
        ("NOTIFICATION_SENT", "letter", "NOTIFY", item.id) for item in sent]


def test_a_refusal_and_the_review_upholding_it_are_each_a_letter(notify, caseworker, api_as):
    case_id = key_in(caseworker, no_email())
    at(case_id, Stage.PROOF_CHECK)
    act(caseworker, case_id, "proof-check", {"confirmed": False, "notes": "The letter is for the daily living component only"})
    at(case_id, Stage.DECISION)
    act(caseworker, case_id, "decision", {"outcome": "REFUSE", "reasons": ["Your PIP award does not include the mobility points needed."]})
    at(case_id, Stage.REFUSED)
    refused = letters(notify, case_id, 2)[1]
    assert kinds([refused]) == ["DECISION_REFUSED"]
    assert_a_letter_to_the_holder(refused, notify, "Decision on your Blue Badge application")
    assert "- Your PIP award does not include the mobility points needed." in refused.personalisation["body"]
    act(caseworker, case_id, "review-request", {"grounds": "I have appealed the PIP decision."})
    at(case_id, Stage.REVIEW)
    act(api_as(NORTHSHIRE, Role.CASEWORKER, user=SECOND_CASEWORKER), case_id, "review",
        {"outcome": "UPHOLD", "reasons": ["The PIP award letter still shows 4 points."]})
    sent = letters(notify, case_id, 3)
    assert kinds(sent) == ["RECEIVED", "DECISION_REFUSED", "REVIEW_UPHELD"]
    assert "- The PIP award letter still shows 4 points." in sent[2].personalisation["body"]


@pytest.mark.parametrize(("status", "attempts"), [(400, 1), (500, 3)], ids=["4xx: not retried", "5xx: retried"])
def test_a_notify_failure_is_recorded_and_counted_and_the_case_goes_on(notify, caseworker, capsys, status, attempts):
    notify.fail_next(status, count=attempts)
    case_id = key_in(caseworker, no_email())
    case = at(case_id, Stage.PROOF_CHECK)  # the case moved on, past the letter that could not be sent
    failed = wait_until(lambda: [entry for entry in store_for(NORTHSHIRE).history(case_id) if entry.action == "NOTIFICATION_FAILED"],
                        what="the failure record")
    [entry] = failed
    assert entry.after["kind"] == "RECEIVED" and entry.after["attempts"] == attempts and entry.after["channel"] == "letter"
    assert entry.after["error"].startswith(f"GOV.UK Notify answered {status}")
    assert notify.received("letter", f"{case_id}/") == []
    printed: list[str] = []

    def failure_counted() -> bool:
        printed.extend(capsys.readouterr().out.splitlines())
        return any(line.startswith('{"_aws"') and '"Notifications"' in line and (metric := json.loads(line)).get("result") == "FAILED"
                   and metric.get("council") == NORTHSHIRE and metric.get("scheme") == "blue-badge" for line in printed)
    wait_until(failure_counted, what="the Notifications metric with result FAILED")
    act(caseworker, case_id, "proof-check", {"confirmed": True, "notes": "seen"})  # and staff carry on
    assert case.stage is Stage.PROOF_CHECK and at(case_id, Stage.DECISION)


def test_a_welsh_councils_email_through_notify_is_welsh_then_english(notify, api_as):
    vale = api_as(VALEWYE, Role.CASEWORKER, user="cai.caseworker@valewye.example.gov.uk")
    tag = uuid.uuid4().hex[:10]
    application = complete_application(VALEWYE, channel="PAPER", holder__surname=f"Cymraeg{tag}",
                                       holder__nino=f"JK{uuid.uuid4().int % 1000000:06d}B", contact__email=f"cymraeg{tag}@example.com")
    case_id = key_in(vale, application)
    [email] = wait_until(lambda: notify.received("email", f"{case_id}/") or None, what="the acknowledgement")
    service = next(service for service in notify.services.values() if service.council_code == VALEWYE)
    assert email.recipient == application["contact"]["email"] and email.template_id == service.template_of("email").id
    assert email.email_reply_to_id == service.email_reply_to_id
    welsh, english = email.personalisation["body"].split(f"\n{BILINGUAL_DIVIDER}\n\n")
    assert welsh.startswith("Annwyl Ada Lovelace,\n\nRydym wedi cael eich cais am Fathodyn Glas.")
    assert english.startswith("Dear Ada Lovelace,\n\nWe have received your Blue Badge application.")
    assert email.personalisation["subject"] == (f"Rydym wedi cael eich cais am Fathodyn Glas - cyfeirnod {case_id} / "
                                                f"We have received your Blue Badge application - reference {case_id}")
    assert emails_to(application["contact"]["email"]) == []  # through Notify, not SES


def test_an_ses_council_keeps_the_letter_needed_record_with_the_letters_text(stack, caseworker, monkeypatch):
    monkeypatch.setenv(Env.NOTIFY_COUNCILS, "{}")
    case_id = key_in(caseworker, no_email())
    [entry] = wait_until(lambda: [entry for entry in store_for(NORTHSHIRE).history(case_id) if entry.action == "NOTIFICATION_NOT_SENT"],
                         what="the letter-needed record")
    assert entry.after["reason"] == LETTER_TO_POST and entry.after["channel"] == "letter"
    assert entry.after["body"].startswith("Dear Ada Lovelace,\n\nWe have received your Blue Badge application.")


def test_the_reminder_before_the_information_is_due_is_a_letter_too(notify, caseworker):
    case_id = key_in(caseworker, no_email(evidence=[]))
    case = wait_until(lambda: (found if (found := store_for(NORTHSHIRE).get(case_id)).task_token else None), what="the request")
    due = case.information_due
    reminded = send_information_reminders(store_for(NORTHSHIRE), notifier(), councils().get(NORTHSHIRE), due - timedelta(days=3))
    assert case_id in reminded
    sent = letters(notify, case_id, 3)
    assert kinds(sent) == ["RECEIVED", "INFORMATION_REQUESTED", "INFORMATION_REMINDER"]
    assert_a_letter_to_the_holder(sent[1], notify, "We need more information for your Blue Badge application")
    assert "- A recent passport-style photo" in sent[1].personalisation["body"]
    assert_a_letter_to_the_holder(sent[2], notify, "Reminder: we still need information")


def test_a_welsh_referrer_with_only_a_mobile_gets_a_bilingual_text_message(notify):
    from shared.services.asc_triage.domain.referral import Referral
    from tests.integration.asc_triage.test_referral_workflow import receive
    from tests.unit.asc_triage.test_referral import referral_data

    referral = Referral.model_validate(referral_data(referral_id=f"REF-{uuid.uuid4().hex[:12]}", council_code=VALEWYE,
                                                     referrer__email=REMOVE, referrer__phone="07700 900123"))
    case = receive(referral)
    [text] = wait_until(lambda: notify.received("sms", f"{case.case_id}/") or None, what="the acknowledgement by text")
    service = next(service for service in notify.services.values() if service.council_code == VALEWYE)
    assert (text.recipient, text.template_id, text.sms_sender_id) == ("07700900123", service.template_of("sms").id,
                                                                      service.sms_sender_id)
    assert text.personalisation["body"] == (
        f"Cyngor Bro Gwy / Vale of Wye Council: Rydym wedi cael eich atgyfeiriad - cyfeirnod {case.reference} / We have received your "
        f"referral - reference {case.reference}. Ffoniwch 01632 960002 amdano. Call 01632 960002 about it.")
    [entry] = wait_until(lambda: [entry for entry in store_for(VALEWYE).history(case.case_id) if entry.action == "NOTIFICATION_SENT"],
                         what="the text message in the history")  # recorded once Notify has answered
    assert (entry.after["channel"], entry.after["provider"]) == ("text", "NOTIFY")


def test_a_hub_booking_is_confirmed_through_the_councils_notify_service(notify):
    from datetime import UTC, datetime

    from shared.services.asc_triage.domain.settings import triage_settings
    from shared.services.asc_triage.domain.signposting import HubVisitor
    from web.pages.asc_referral import _email_booking

    council = councils().get(VALEWYE)
    hub = triage_settings(council).directory.hubs[0]
    sent = _email_booking(council, hub, "BK-TEST-1", datetime(2026, 12, 8, 10, 0, tzinfo=UTC),
                          HubVisitor(name="Ada Lovelace", contact="ada.hub@example.com"), "https://example.gov.uk/cancel")
    [email] = notify.received("email")
    assert sent and email.recipient == "ada.hub@example.com" and email.council_code == VALEWYE
    # Vale of Wye is a Welsh council: Welsh first, then English (shared/services/asc_triage/domain/welsh_notifications.py).
    assert email.personalisation["subject"] == f"Eich apwyntiad yn {hub.name} / Your appointment at {hub.name}"
    assert "BK-TEST-1" in email.personalisation["body"]
    assert emails_to("ada.hub@example.com") == []  # not through SES


def test_a_kind_with_its_own_letter_template_goes_out_on_it_and_notify_checks_its_personalisation(notify, caseworker, monkeypatch):
    own = notify.add_template(NORTHSHIRE, "letter", "Blue Badge: ((subject))", "((body))\n\nNorthshire Council, Blue Badge team")
    needs_more = notify.add_template(NORTHSHIRE, "letter", "((subject))", "((body)) Your badge: ((badge_number))")
    councils_now = json.loads(os.environ[Env.NOTIFY_COUNCILS])

    def received_on(template_id: str) -> Received | None:
        councils_now[NORTHSHIRE]["templates"]["by_kind"] = {"RECEIVED": {"letter": template_id}}
        monkeypatch.setenv(Env.NOTIFY_COUNCILS, json.dumps(councils_now))
        case_id = key_in(caseworker, no_email())
        failed = lambda: [entry for entry in store_for(NORTHSHIRE).history(case_id) if entry.action == "NOTIFICATION_FAILED"]  # noqa: E731
        found = wait_until(lambda: notify.received("letter", f"{case_id}/") or failed(), what="the acknowledgement, or its failure")
        return found[0] if isinstance(found[0], Received) else found[0].after["error"]

    letter = received_on(own)
    assert letter.template_id == own and letter.personalisation["subject"].startswith("We have received your Blue Badge application")
    assert received_on(needs_more) == "GOV.UK Notify answered 400 BadRequestError: Missing personalisation: badge_number"


def test_notify_statuses_are_read_back_onto_the_cases_and_a_returned_letter_goes_to_staff(notify, caseworker, capsys):
    notify.page_size = 1  # one notification a page: the read-back follows Notify's pages
    returned_case, delivered_case = key_in(caseworker, no_email()), key_in(caseworker, no_email())
    [returned] = letters(notify, returned_case, 1)
    [delivered] = letters(notify, delivered_case, 1)
    waiting = at(returned_case, Stage.PROOF_CHECK)
    notify.set_status(returned.id, "returned-letter")
    notify.set_status(delivered.id, "received")

    first = read_back()[NORTHSHIRE]
    assert first["failed"] == [returned_case] and first["delivered"] == 1 and first["pages"] >= 2
    store = store_for(NORTHSHIRE)
    assert store.case_record(NotificationStatus, returned_case, returned.id).status == "returned-letter"
    assert store.case_record(NotificationStatus, delivered_case, delivered.id).status == "received"
    history = store.history(returned_case)
    [status] = [entry for entry in history if entry.action == "NOTIFICATION_STATUS"]
    assert status.after == {"kind": "RECEIVED", "channel": "letter", "message_id": returned.id, "status": "returned-letter",
                            "outcome": "FAILED"}
    [to_write] = [entry for entry in history if entry.action == "NOTIFICATION_NOT_SENT"]
    assert to_write.after["channel"] == "letter" and to_write.after["body"] == returned.personalisation["body"]
    flagged = store.get(returned_case)
    assert flagged.needs_attention == "GOV.UK Notify could not deliver the letter (returned-letter): write to them another way"
    assert flagged.task_token == waiting.task_token  # the workflow still waits for the caseworker
    assert returned_case in [case.case_id for case in cases_needing_attention(store, councils().get(NORTHSHIRE))]
    assert store.get(delivered_case).needs_attention is None
    metrics = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"NotificationStatuses"' in line]
    assert {(m["outcome"], m["channel"]) for m in metrics if m.get("council") == NORTHSHIRE} == {("FAILED", "letter"), ("DELIVERED", "letter")}

    again = read_back()[NORTHSHIRE]  # the same statuses: nothing recorded twice
    assert again["failed"] == [] and again["delivered"] == 0
    assert len(store.history(returned_case)) == len(history)


def read_back() -> dict:
    from functions.notify_status.handler import lambda_handler
    from infra.local.bridge import lambda_context
    from shared.resources import NOTIFY_STATUS_FUNCTION

    return lambda_handler({}, lambda_context(NOTIFY_STATUS_FUNCTION))["councils"]
