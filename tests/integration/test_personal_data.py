"""Personal data stays in the encrypted, retained stores (tables, buckets): a whole journey of one recognisable
person through the real handlers on moto writes none of their details to a log line or to what X-Ray would be sent.

Intake event -> proof check -> decision -> badge order -> print dispatch -> supplier's confirmation, with one of the
person's emails refused by SES with a message that quotes their address (as SES does for an unverified identity).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import boto3
import pytest
from aws_lambda_powertools import Tracer
from botocore.exceptions import ClientError

from infra.local.seed import tiny_jpeg
from shared.bootstrap import badge_store_for, store_for
from shared.core.adapters.email import SesEmailSender
from shared.services.blue_badge.domain.badge import BadgeStatus
from shared.services.blue_badge.domain.case import Stage
from shared.resources import DEFAULT_REGION, EVIDENCE_BUCKET_LOCAL_NAME, FUNCTIONS, Role
from tests.factories import complete_application
from tests.integration import test_print_results as supplier
from tests.integration.conftest import case_actions, emails_to, wait_until
from tests.integration.test_decisions import NORTHSHIRE, act, at
from tests.integration.test_intake import case_id_for
from tests.integration.test_print_dispatch import run_dispatch

# Details nobody else in the test run has, so any appearance is this person's.
FORENAMES, SURNAME = "Quillon", "Vexbridge-Oyelaran"
NINO = "WP773158D"
BORN = date(1947, 3, 29)
POSTCODE = "NE1 7QZ"
EMAIL = "quillon.vexbridge@example.org"

# Each detail in every form a log line or trace could carry it.
IDENTIFYING = {
    "name": [FORENAMES, SURNAME, "Vexbridge"],
    "NI number": [NINO, "WP 77 31 58 D"],
    "date of birth": [BORN.isoformat(), f"{BORN:%d/%m/%Y}", f"{BORN:%Y%m%d}", f"{BORN.day} {BORN:%B %Y}", f"{BORN:%d-%m-%Y}"],
    "postcode": [POSTCODE, POSTCODE.replace(" ", "")],
    "email": [EMAIL],
}

# Our code's loggers are captured at DEBUG (a deployment may run at `-c logLevel=DEBUG`). Libraries keep the level of
# Lambda's root logger, WARNING, as no deployment turns their DEBUG on: botocore then prints whole requests, and
# Powertools' event handler the route's arguments, by design.
OUR_LOGGERS = ("functions", "shared", "web", "infra")


def demo_person() -> dict:
    return complete_application(
        NORTHSHIRE,
        holder={"forenames": FORENAMES, "surname": SURNAME, "date_of_birth": BORN.isoformat(), "gender": "MALE", "nino": NINO,
                "address": {"line1": "7 Ropewalk Yard", "town": "Northby", "postcode": POSTCODE}},
        contact={"full_name": f"{FORENAMES} {SURNAME}", "email": EMAIL, "relationship": "SELF"},
    )


# ------------------------------------------------------------------------------------------------------- traces
@dataclass
class RecordedSubsegment:
    name: str
    sent: list[tuple[str, str, Any]]

    def put_annotation(self, key: str, value: Any) -> None:
        self.sent.append(("annotation", f"{self.name}/{key}", value))

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        self.sent.append(("metadata", f"{self.name}/{namespace}/{key}", value))


@dataclass
class TraceRecorder:
    """Stands in for the X-Ray recorder (Tracer's provider, disabled in tests): keeps what would be sent."""

    sent: list[tuple[str, str, Any]] = field(default_factory=list)

    @contextlib.contextmanager
    def in_subsegment(self, name: str | None = None, **_: Any) -> Iterator[RecordedSubsegment]:
        yield RecordedSubsegment(name or "", self.sent)

    def put_annotation(self, key: str, value: Any) -> None:
        self.sent.append(("annotation", key, value))

    def put_metadata(self, key: str, value: Any, namespace: str | None = None) -> None:
        self.sent.append(("metadata", f"{namespace}/{key}", value))


@pytest.fixture
def deployed_handlers(stack, monkeypatch) -> list:
    """Every function's handler module, imported again under the deployed Tracer settings (the decorators read them
    when a module is imported, and an earlier test may have imported the handlers without them)."""
    from infra.constructs.functions import TRACER_PRIVACY_ENVIRONMENT

    for name, value in TRACER_PRIVACY_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    return [importlib.reload(importlib.import_module(spec.handler.rpartition(".")[0])) for spec in FUNCTIONS]


@pytest.fixture
def traces(deployed_handlers, monkeypatch) -> TraceRecorder:
    recorder = TraceRecorder()
    for provider in {id(module.tracer.provider): module.tracer.provider for module in deployed_handlers}.values():
        monkeypatch.setattr(provider, "in_subsegment", recorder.in_subsegment)
    # Tracer's own put_annotation/put_metadata return early while tracing is disabled: record what they would send.
    monkeypatch.setattr(Tracer, "put_annotation", lambda self, key, value: recorder.put_annotation(key, value))
    monkeypatch.setattr(Tracer, "put_metadata", lambda self, key, value, namespace=None: recorder.put_metadata(key, value, namespace))
    return recorder


# --------------------------------------------------------------------------------------------------------- logs
@pytest.fixture
def log_lines(deployed_handlers, caplog, capsys) -> Iterator[Callable[[], str]]:
    """Everything the handlers log, at DEBUG: the Powertools loggers' own JSON lines (written to the stream each was given
    when created, which may be an earlier test's capture: redirected here), the records that reach the root logger
    (caplog, with their extra fields), and anything written straight to stdout or stderr (capsys)."""
    written = io.StringIO()
    # The handlers' Powertools Loggers, one per output handler (Loggers of one service name share it).
    service_loggers = {id(module.logger.registered_handler): module.logger for module in deployed_handlers}.values()
    before = [(logger, logger.log_level, logger.registered_handler.setStream(written)) for logger in service_loggers]
    for logger in service_loggers:
        logger.setLevel(logging.DEBUG)
    caplog.set_level(logging.WARNING)  # the root logger, as Lambda's Python runtime leaves it
    for name in OUR_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)

    def lines() -> str:
        records = "\n".join(f"{record.getMessage()} {json.dumps(record.__dict__, default=repr)}" for record in caplog.records)
        printed = capsys.readouterr()
        return "\n".join((written.getvalue(), records, printed.out, printed.err))

    yield lines
    for logger, level, stream in before:
        logger.registered_handler.setStream(stream)
        logger.setLevel(level)


def leaks(text: str) -> dict[str, list[str]]:
    found = {what: [form for form in forms if form.lower() in text.lower()] for what, forms in IDENTIFYING.items()}
    return {what: forms for what, forms in found.items() if forms}


# --------------------------------------------------------------------------------------------------------- test
def test_a_whole_journey_writes_no_personal_data_to_logs_or_traces(intake, api_as, stack, clients, traces, log_lines, monkeypatch):
    caseworker, s3 = api_as(NORTHSHIRE, Role.CASEWORKER), boto3.client("s3", region_name=DEFAULT_REGION)
    # SES refuses the first email, quoting the address, as it does for an identity that is not verified.
    real_send, refused = SesEmailSender.send, []

    def send(self, message):
        if not refused:
            refused.append(message.subject)
            raise ClientError({"Error": {"Code": "MessageRejected", "Message": f"Email address is not verified. The following "
                               f"identities failed the check in region EU-WEST-2: {message.to}"}}, "SendEmail")
        return real_send(self, message)

    monkeypatch.setattr(SesEmailSender, "send", send)

    application = demo_person()
    intake.deliver(application)  # event bus -> queue -> ingest
    case_id = case_id_for(application["application_id"], NORTHSHIRE)
    at(case_id, Stage.PROOF_CHECK)
    act(caseworker, case_id, "proof-check", {"confirmed": True, "notes": "PIP letter seen"})
    at(case_id, Stage.DECISION)
    act(caseworker, case_id, "decision", {"outcome": "APPROVE", "order": {"deliver_to": "HOME", "delivery_option": "STANDARD"}})
    at(case_id, Stage.ORDERED)
    # What a caseworker reads: the responses Tracer would have put in X-Ray.
    status, body = caseworker.call("GET", f"/cases/{case_id}")
    assert status == 200 and SURNAME in json.dumps(body) and NINO in json.dumps(body)
    assert caseworker.call("GET", f"/cases/{case_id}/person")[0] == 200
    for query in ({"kind": "NINO", "value": NINO}, {"kind": "POSTCODE", "value": POSTCODE}, {"kind": "PERSON", "value": SURNAME, "date_of_birth": BORN.isoformat()}):
        status, body = caseworker.call("POST", "/search", query)
        assert status == 200 and case_id in json.dumps(body), (query, body)
    [badge_number] = store_for(NORTHSHIRE).get(case_id).badge_numbers
    photo_key = badge_store_for(NORTHSHIRE).get_badge(badge_number).photo_key
    s3.put_object(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=photo_key, Body=tiny_jpeg())  # a photo the printer takes

    run_dispatch(stack, clients)  # the night's print run writes the extract
    assert badge_store_for(NORTHSHIRE).get_badge(badge_number).status is BadgeStatus.PROCESSED
    supplier.drop(s3, supplier.confirmations_file((badge_number, "no", date.today().isoformat())))
    supplier.deliver(s3)  # the supplier's confirmation, applied by the print-results function
    assert badge_store_for(NORTHSHIRE).get_badge(badge_number).status is BadgeStatus.ISSUED
    wait_until(lambda: [mail for mail in emails_to(EMAIL) if mail.subject.startswith("Your Blue Badge has been posted")],
               what="the badge-posted email")

    # The journey did touch the person's details, the refusal included, and the capture saw the handlers at work.
    assert refused and "NOTIFICATION_FAILED" in [entry.action for entry in store_for(NORTHSHIRE).history(case_id)]
    assert "BADGE_ISSUED" in case_actions(store_for(NORTHSHIRE), case_id)
    logged = log_lines()
    assert case_id in logged and "MessageRejected" in logged
    handlers_traced = {key.split("/")[0] for kind, key, _ in traces.sent if kind == "annotation" and key.endswith("/ColdStart")}
    assert {"## lambda_handler"} == handlers_traced and len(traces.sent) > 10
    traced = "\n".join(f"{key} {json.dumps(value, default=repr)}" for _, key, value in traces.sent)

    assert leaks(logged) == {}, [line for line in logged.splitlines() if leaks(line)][:5]
    assert leaks(traced) == {}, [entry for entry in traces.sent if leaks(repr(entry))][:5]
