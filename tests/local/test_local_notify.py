"""The GOV.UK Notify stand-in (infra/local/notify_api.py) with the real Notify client: it takes the client's requests on
Notify's paths, refuses a bad token or payload as Notify does, and answers in Notify's shapes."""

from __future__ import annotations

import time
import uuid

import jwt
import pytest
import requests
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from infra.local.notify_api import NotifyStandIn, start_notify_stand_in

ADDRESS = {"address_line_1": "Ada Lovelace", "address_line_2": "12 Mill Lane", "address_line_3": "Northby",
           "address_line_4": "NE1 4XF"}


@pytest.fixture
def stand_in():
    server = start_notify_stand_in()
    yield server
    server.stop()


def client_of(server: NotifyStandIn, code: str = "VALEWYE"):
    settings, api_key = server.register(code)
    return NotificationsAPIClient(api_key, base_url=server.base_url), settings


def refused(call) -> tuple[int, list]:
    with pytest.raises(HTTPError) as error:
        call()
    return error.value.status_code, error.value.message


def test_an_email_a_letter_and_a_text_are_accepted_and_answered_in_notifys_shapes(stand_in):
    client, settings = client_of(stand_in)
    email = client.send_email_notification("ada@example.com", str(settings.templates.email), {"subject": "S", "body": "B"},
                                           reference="CASE/RECEIVED", email_reply_to_id=str(settings.email_reply_to_id))
    assert set(email) == {"id", "reference", "content", "uri", "template", "scheduled_for"}
    assert email["content"]["subject"] == "S" and email["content"]["body"] == "B" and "from_email" in email["content"]
    assert email["template"]["id"] == str(settings.templates.email) and email["reference"] == "CASE/RECEIVED"
    letter = client.send_letter_notification(str(settings.templates.letter), ADDRESS | {"subject": "S", "body": "B"}, "CASE/X")
    assert letter["content"] == {"subject": "S", "body": "B"} and letter["postage"] == "second"
    text = client.send_sms_notification("07700 900123", str(settings.templates.sms), {"body": "Hi"}, "CASE/T",
                                        str(settings.sms_sender_id))
    assert text["content"]["body"] == "Hi" and "from_number" in text["content"]
    assert [(item.type, item.reference) for item in stand_in.received()] == [("email", "CASE/RECEIVED"), ("letter", "CASE/X"), ("sms", "CASE/T")]
    assert stand_in.received("letter")[0].personalisation == ADDRESS | {"subject": "S", "body": "B"}


def test_a_bad_token_is_refused_as_notify_refuses_it(stand_in):
    client, settings = client_of(stand_in)
    other, _ = client_of(stand_in, "NORTHSHIRE")
    forged = NotificationsAPIClient(f"casework-local-{client.service_id}-{uuid.uuid4()}", base_url=stand_in.base_url)
    assert refused(lambda: forged.send_email_notification("a@b.com", str(settings.templates.email), {"subject": "S", "body": "B"})) == (
        403, [{"error": "AuthError", "message": "Invalid token: signature, api token not found"}])
    stale = jwt.encode({"iss": client.service_id, "iat": int(time.time()) - 120}, client.api_key, algorithm="HS256")
    answer = requests.post(f"{stand_in.base_url}/v2/notifications/email", json={}, headers={"Authorization": f"Bearer {stale}"}, timeout=5)
    assert answer.status_code == 403 and "within 30 seconds" in answer.json()["errors"][0]["message"]
    assert requests.post(f"{stand_in.base_url}/v2/notifications/email", json={}, timeout=5).status_code == 401
    # Another council's key does not reach this council's templates.
    status, errors = refused(lambda: other.send_email_notification("a@b.com", str(settings.templates.email), {"subject": "S", "body": "B"}))
    assert (status, errors[0]["message"]) == (400, "Template not found")
    assert stand_in.received() == []


@pytest.mark.parametrize(
    ("send", "message"),
    [
        (lambda c, s: c.send_email_notification("a@b.com", str(s.templates.email), {"subject": "S"}), "Missing personalisation: body"),
        (lambda c, s: c.send_email_notification("not-an-email", str(s.templates.email), {"subject": "S", "body": "B"}),
         "email_address Not a valid email address"),
        (lambda c, s: c.send_email_notification("a@b.com", str(s.templates.letter), {"subject": "S", "body": "B"}),
         "letter template is not suitable for email notification"),
        (lambda c, s: c.send_email_notification("a@b.com", str(s.templates.email), {"subject": "S", "body": "B"},
                                                email_reply_to_id=str(uuid.uuid4())), "does not exist in database"),
        (lambda c, s: c.send_letter_notification(str(s.templates.letter), {"address_line_1": "Ada", "address_line_2": "NE1 4XF",
                                                                            "subject": "S", "body": "B"}), "Address must be at least 3 lines"),
        (lambda c, s: c.send_letter_notification(str(s.templates.letter), ADDRESS | {"address_line_4": "Northby", "subject": "S", "body": "B"}),
         "Last line of the address must be a real UK postcode"),
        (lambda c, s: c.send_sms_notification("0191 496 0000", str(s.templates.sms), {"body": "Hi"}), "phone_number Not a UK mobile number"),
        (lambda c, s: c.send_email_notification("a@b.com", "not-a-uuid", {"subject": "S", "body": "B"}), "template_id is not a valid UUID"),
    ],
    ids=["missing personalisation", "bad email address", "wrong template type", "unknown reply-to", "short address",
         "no postcode last", "a landline", "template id not a uuid"],
)
def test_a_payload_notify_would_refuse_is_refused_with_its_error(stand_in, send, message):
    client, settings = client_of(stand_in)
    status, errors = refused(lambda: send(client, settings))
    assert status == 400 and any(message in error["message"] for error in errors), errors
    assert stand_in.received() == []


def test_a_failure_a_test_asks_for_is_answered_and_nothing_is_kept(stand_in):
    client, settings = client_of(stand_in)
    stand_in.fail_next(500, count=1)
    status, errors = refused(lambda: client.send_letter_notification(str(settings.templates.letter), ADDRESS | {"subject": "S", "body": "B"}))
    assert (status, errors[0]["error"]) == (500, "Exception") and stand_in.received() == []
    client.send_letter_notification(str(settings.templates.letter), ADDRESS | {"subject": "S", "body": "B"})
    assert len(stand_in.received("letter")) == 1 and stand_in.requests == 2
