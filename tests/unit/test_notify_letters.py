"""GOV.UK Notify as a council's channel: the letter address mapping (Notify's address_line_1..7), the council config,
the adapter's errors, and how send_and_record routes an email, a letter or a text message by the council's channel."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest
import requests
from notifications_python_client.errors import HTTPError
from pydantic import ValidationError

from shared.core.adapters.email import ProviderError, is_transient
from shared.core.adapters.notify import CouncilChannels, NotifySender, notify_error
from shared.core.domain.case import AuditEntry
from shared.core.domain.council import COUNCILS_FILE, CouncilConfigError, parse_councils
from shared.core.domain.email import EmailMessage
from shared.core.domain.history import readable_history
from shared.core.domain.notify import (
    Letter,
    LetterAddress,
    LetterAddressError,
    NotificationChannel,
    NotificationSettings,
    NotifySettings,
    TextMessage,
    letter_address_personalisation,
    letter_personalisation,
    notify_councils_from_json,
)
from shared.core.logic.emails import LETTER_TO_POST, send_and_record
from shared.services.blue_badge.domain.history import BLUE_BADGE_HISTORY
from shared.services.blue_badge.domain.notifications import NotificationKind, compose, letter_address
from tests.unit.test_notifications import APPLICANT_KINDS, NORTHSHIRE, compose_any, make_case

AT = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
TEMPLATES = {"email": "8d1f6c5e-0b7a-4c41-9d0e-0d6a4e7f0a01", "letter": "8d1f6c5e-0b7a-4c41-9d0e-0d6a4e7f0a02",
             "sms": "8d1f6c5e-0b7a-4c41-9d0e-0d6a4e7f0a03"}
REPLY_TO = "8d1f6c5e-0b7a-4c41-9d0e-0d6a4e7f0a04"
SETTINGS = NotifySettings.model_validate({"templates": TEMPLATES, "email_reply_to_id": REPLY_TO})


# ---------------------------------------------------------------- the address mapping
def test_a_letter_address_is_the_name_the_lines_and_the_postcode_last():
    address = LetterAddress(name="Ada Lovelace", lines=("1 Main Street", "Flat 2", "Northby"), postcode="ne14xf")
    assert letter_address_personalisation(address) == {
        "address_line_1": "Ada Lovelace", "address_line_2": "1 Main Street", "address_line_3": "Flat 2",
        "address_line_4": "Northby", "address_line_5": "NE1 4XF",
    }


def test_blank_lines_are_left_out_and_lines_that_notify_refuses_are_tidied():
    address = LetterAddress(name="  Ada   Lovelace ", lines=("(Flat 2) 1 Main Street", "", "  ", ", Northby"), postcode="NE1 4XF")
    assert letter_address_personalisation(address) == {
        "address_line_1": "Ada Lovelace", "address_line_2": "Flat 2) 1 Main Street", "address_line_3": "Northby",
        "address_line_4": "NE1 4XF",
    }


@pytest.mark.parametrize(
    ("lines", "postcode", "message"),
    [
        ((), "NE1 4XF", "at least 3 lines"),
        (("", " "), "NE1 4XF", "at least 3 lines"),
        (("1", "2", "3", "4", "5", "6"), "NE1 4XF", "at most 7 lines; this one has 8"),
        (("1 Main Street", "Northby"), "NOT A CODE", "is not a UK postcode"),
    ],
    ids=["name and postcode only", "blank lines only", "too many lines", "not a postcode"],
)
def test_an_address_notify_would_refuse_is_refused_naming_the_rule(lines, postcode, message):
    with pytest.raises(LetterAddressError, match=message):
        letter_address_personalisation(LetterAddress(name="Ada Lovelace", lines=lines, postcode=postcode))


def test_a_letter_carries_the_address_the_subject_and_the_text():
    letter = Letter(address=LetterAddress(name="Ada", lines=("1 Main Street",), postcode="NE1 4XF"), subject="S", body_text="B")
    assert letter_personalisation(letter) == {"address_line_1": "Ada", "address_line_2": "1 Main Street",
                                              "address_line_3": "NE1 4XF", "subject": "S", "body": "B"}


def test_a_blue_badge_letter_goes_to_the_holder_or_the_organisations_address():
    person = make_case(contact__email=None)
    assert letter_address(person) == LetterAddress(name="Ada Lovelace", lines=("12 Mill Lane", "Northby"), postcode="NE1 4XF")
    organisation = make_case(party="ORG", holder=None, eligibility=None, evidence=[], contact={"email": None}, organisation={
        "name": "Northby Community Transport", "number_of_badges": 2,
        "address": {"line1": "Depot Road", "line2": "Unit 4", "town": "Northby", "postcode": "NE2 1AB"}})
    assert letter_address_personalisation(letter_address(organisation)) == {
        "address_line_1": "Northby Community Transport", "address_line_2": "Depot Road", "address_line_3": "Unit 4",
        "address_line_4": "Northby", "address_line_5": "NE2 1AB"}
    assert letter_address(make_case(contact__email=None, holder__address=None)) is None


# ---------------------------------------------------------------- council config
def test_councils_stay_on_ses_unless_their_config_says_notify():
    assert all(council.notifications.channel is NotificationChannel.SES for council in parse_councils(json.loads(COUNCILS_FILE.read_text())))
    assert NotificationSettings().channel is NotificationChannel.SES


def test_a_notify_council_needs_its_template_ids_and_they_must_be_uuids():
    entries = json.loads(COUNCILS_FILE.read_text())
    entries[0]["notifications"] = {"channel": "NOTIFY"}
    with pytest.raises(CouncilConfigError, match="channel NOTIFY needs `notify`"):
        parse_councils(copy.deepcopy(entries))
    entries[0]["notifications"] = {"channel": "NOTIFY", "notify": {"templates": {**TEMPLATES, "letter": "my-letter"}}}
    with pytest.raises(CouncilConfigError, match=r"notifications.notify.templates.letter"):
        parse_councils(copy.deepcopy(entries))
    entries[0]["notifications"] = {"channel": "NOTIFY", "notify": {"templates": TEMPLATES, "email_reply_to_id": REPLY_TO}}
    council = parse_councils(entries).get(entries[0]["code"])
    assert str(council.notifications.notify.templates.letter) == TEMPLATES["letter"]
    assert str(council.notifications.notify.base_url).startswith("https://api.notifications.service.gov.uk")


def test_the_notify_councils_variable_is_read_and_checked():
    assert notify_councils_from_json("") == {}
    assert notify_councils_from_json(json.dumps({"VALEWYE": SETTINGS.model_dump(mode="json")})) == {"VALEWYE": SETTINGS}
    with pytest.raises(ValidationError):
        notify_councils_from_json(json.dumps({"VALEWYE": {"templates": {"email": "x"}}}))


# ---------------------------------------------------------------- the adapter
class FakeClient:
    """Records the calls the real NotificationsAPIClient would make (the stand-in tests use the real one)."""

    calls: list[tuple[str, dict]] = []

    def __init__(self, api_key: str, base_url: str, timeout: int):
        self.api_key, self.base_url = api_key, base_url

    def send_email_notification(self, **kwargs):
        FakeClient.calls.append(("email", kwargs))
        return {"id": "email-id"}

    def send_letter_notification(self, **kwargs):
        FakeClient.calls.append(("letter", kwargs))
        return {"id": "letter-id"}

    def send_sms_notification(self, **kwargs):
        FakeClient.calls.append(("sms", kwargs))
        return {"id": "sms-id"}


def test_the_sender_passes_the_councils_templates_and_reply_to_and_our_reference():
    FakeClient.calls = []
    sender = NotifySender(SETTINGS, lambda: "key", client_factory=FakeClient)
    email = EmailMessage(to="ada@example.com", reply_to="x@c.gov.uk", sender="x@c.gov.uk", subject="S", body_text="B", reference="C/RECEIVED")
    assert sender.send(email) == "email-id"
    assert FakeClient.calls[-1] == ("email", {"email_address": "ada@example.com", "template_id": TEMPLATES["email"],
                                              "personalisation": {"subject": "S", "body": "B"}, "reference": "C/RECEIVED",
                                              "email_reply_to_id": REPLY_TO})
    with pytest.raises(ProviderError, match="no Notify text message template") as refused:
        NotifySender(SETTINGS.model_copy(update={"templates": SETTINGS.templates.model_copy(update={"sms": None})}),
                     lambda: "key", client_factory=FakeClient).send(TextMessage(to="07700900123", body_text="Hi"))
    assert not refused.value.transient


def test_plain_http_is_refused_except_to_loopback_where_allowed():
    local = SETTINGS.model_copy(update={"base_url": "http://127.0.0.1:9999"})
    email = EmailMessage(to="a@b.com", reply_to="x@c.gov.uk", sender="x@c.gov.uk", subject="S", body_text="B")
    with pytest.raises(ProviderError, match="must be reached over https"):
        NotifySender(local, lambda: "key", client_factory=FakeClient).send(email)
    assert NotifySender(local, lambda: "key", allow_loopback_http=True, client_factory=FakeClient).send(email) == "email-id"
    remote = SETTINGS.model_copy(update={"base_url": "http://notify.example.com"})
    with pytest.raises(ProviderError, match="must be reached over https"):
        NotifySender(remote, lambda: "key", allow_loopback_http=True, client_factory=FakeClient).send(email)


def _http_error(status: int, name: str, message: str) -> HTTPError:
    response = requests.Response()
    response.status_code, response._content = status, json.dumps({"status_code": status, "errors": [{"error": name, "message": message}]}).encode()
    return HTTPError.create(requests.HTTPError(response=response))


@pytest.mark.parametrize(
    ("error", "code", "transient"),
    [
        (_http_error(400, "BadRequestError", "Template not found"), "Notify400BadRequestError", False),
        (_http_error(403, "AuthError", "Invalid token: signature"), "Notify403AuthError", False),
        (_http_error(429, "RateLimitError", "Exceeded rate limit"), "Notify429RateLimitError", True),
        (_http_error(500, "Exception", "Internal server error"), "Notify500Exception", True),
    ],
    ids=["400", "403", "429", "500"],
)
def test_notify_errors_say_whether_another_try_may_succeed(error, code, transient):
    failure = notify_error(error)
    assert (failure.code, failure.transient, is_transient(failure)) == (code, transient, transient)
    assert failure.detail.startswith(f"GOV.UK Notify answered {error.status_code}")


def test_a_request_that_never_reached_notify_is_retried_but_one_that_timed_out_after_sending_is_not():
    def raised(cause: Exception) -> Exception:
        try:
            try:
                raise cause
            except requests.RequestException as error:
                raise HTTPError.create(error) from error
        except HTTPError as wrapped:
            return wrapped

    assert notify_error(raised(requests.ConnectionError("refused"))).transient
    assert notify_error(raised(requests.ConnectTimeout("connect"))).transient
    timed_out = notify_error(raised(requests.ReadTimeout("read")))
    assert not timed_out.transient and "may have accepted" in timed_out.detail


# ---------------------------------------------------------------- routing by the council's channel
class Store:
    def __init__(self) -> None:
        self.audits: list[AuditEntry] = []

    def append_audit(self, audit: AuditEntry) -> None:
        self.audits.append(audit)


class Ses:
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> str:
        self.sent.append(message)
        return "ses-id"


CASE = type("Case", (), {"case_id": "NORTHSHIRE-261203-ABCDEF", "council_code": "NORTHSHIRE", "service": "blue-badge"})()
LETTER = Letter(address=LetterAddress(name="Ada Lovelace", lines=("1 Main Street", "Northby"), postcode="NE1 4XF"),
                subject="Your badge", body_text="Dear Ada Lovelace,\n\nWe have ordered your badge.\n")


def channels(notify: dict[str, NotifySettings], ses: Ses) -> CouncilChannels:
    return CouncilChannels(ses, lambda: notify, lambda code: "key", client_factory=FakeClient)


def test_an_ses_council_keeps_the_letter_for_staff_to_post(capsys):
    store = Store()
    send_and_record(channels({}, Ses()), store, CASE, "BADGE_ORDERED", LETTER, "phone them", AT)
    [audit] = store.audits
    assert audit.action == "NOTIFICATION_NOT_SENT"
    assert audit.after == {"kind": "BADGE_ORDERED", "reason": LETTER_TO_POST, "channel": "letter", "subject": "Your badge",
                           "body": LETTER.body_text}
    assert '"result":"LETTER_NEEDED"' in capsys.readouterr().out.replace(" ", "")


def test_a_notify_council_posts_the_letter_through_notify(capsys):
    FakeClient.calls, store = [], Store()
    send_and_record(channels({"NORTHSHIRE": SETTINGS}, Ses()), store, CASE, "BADGE_ORDERED", LETTER, "phone them", AT)
    [audit] = store.audits
    assert audit.action == "NOTIFICATION_SENT"
    assert audit.after | {"attempts": 1} == {"kind": "BADGE_ORDERED", "delivered": True, "message_id": "letter-id", "attempts": 1,
                                             "error": None, "subject": "Your badge", "channel": "letter", "provider": "NOTIFY",
                                             "body": LETTER.body_text}
    [(kind, call)] = FakeClient.calls
    assert kind == "letter" and call["reference"] == "NORTHSHIRE-261203-ABCDEF/BADGE_ORDERED"
    assert call["personalisation"]["address_line_4"] == "NE1 4XF"
    assert '"result":"LETTER_SENT"' in capsys.readouterr().out.replace(" ", "")
    [line] = readable_history(store.audits, BLUE_BADGE_HISTORY, {})
    assert line.what == "Asked GOV.UK Notify to post a letter “Your badge” to the applicant."


def test_another_council_on_notify_leaves_this_one_on_ses():
    ses, store = Ses(), Store()
    email = EmailMessage(to="ada@example.com", reply_to="x@c.gov.uk", sender="x@c.gov.uk", subject="S", body_text="B")
    send_and_record(channels({"VALEWYE": SETTINGS}, ses), store, CASE, "RECEIVED", email, "phone them", AT)
    assert [message.to for message in ses.sent] == ["ada@example.com"]
    assert "channel" not in store.audits[0].after  # an SES email is recorded as before


def test_a_text_message_goes_only_where_the_council_can_send_one():
    store = Store()
    text = TextMessage(to="07700900123", body_text="Vale of Wye Council: referral received. Call 01632 960002 about it.")
    send_and_record(channels({}, Ses()), store, CASE, "REFERRAL_RECEIVED", text, "the referrer gave no email address: phone them", AT)
    assert store.audits[-1].action == "NOTIFICATION_NOT_SENT" and store.audits[-1].after["reason"].endswith("phone them")
    FakeClient.calls = []
    send_and_record(channels({"NORTHSHIRE": SETTINGS}, Ses()), store, CASE, "REFERRAL_RECEIVED", text, "phone them", AT)
    assert store.audits[-1].after["channel"] == "text" and FakeClient.calls[0][1]["phone_number"] == "07700900123"


def test_the_blue_badge_letter_is_the_email_text_for_the_holders_address():
    case = make_case(contact__email=None)
    letter = compose(NotificationKind.RECEIVED, NORTHSHIRE, case)
    assert isinstance(letter, Letter) and letter.body_text.startswith("Dear Ada Lovelace,")
    assert letter_personalisation(letter)["address_line_1"] == "Ada Lovelace"


def test_a_letter_for_staff_to_post_is_shown_with_its_text():
    store = Store()
    send_and_record(channels({}, Ses()), store, CASE, "BADGE_ORDERED", LETTER, "phone them", AT)
    [line] = readable_history(store.audits, BLUE_BADGE_HISTORY, {})
    assert line.what == f"Write to the applicant by post: {LETTER_TO_POST}."
    assert (line.email_subject, line.email_body, line.email_medium) == ("Your badge", LETTER.body_text, "letter")


@pytest.mark.parametrize("kind", APPLICANT_KINDS)
def test_a_letter_never_speaks_of_an_email_in_either_language(kind):
    from tests.unit.test_notifications import VALEWYE

    for council in (NORTHSHIRE, VALEWYE):
        letter = compose_any(kind, council=council, case=make_case(council.code, contact__email=None))
        email = compose_any(kind, council=council, case=make_case(council.code))
        assert isinstance(letter, Letter) and isinstance(email, EmailMessage)
        for phrase in ("email you", "this email", "Reply to this email", "e-bost atoch", "e-bost hwn"):
            assert phrase not in letter.body_text, (council.code, phrase)
        # Each says the same otherwise: the letter's words for the medium are where the email's are.
        if "reply to this email" in email.body_text:
            assert "write to us or call us" in letter.body_text
        if "We will email you" in email.body_text:
            assert "We will write to you" in letter.body_text


def test_a_refusal_letter_counts_the_review_window_from_the_letter():
    letter = compose_any(NotificationKind.DECISION_REFUSED, case=make_case(contact__email=None))
    assert "within 20 working days of the date of this letter, by 23 December 2026.\nWrite to us or call us on 01632 960001." in letter.body_text
