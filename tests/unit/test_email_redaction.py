"""A failed email is logged by its error code only: SES's messages can quote the applicant's address."""

from __future__ import annotations

import logging

from botocore.exceptions import ClientError, ParamValidationError

from shared.core.adapters.email import deliver
from shared.services.blue_badge.domain.notifications import NotificationKind
from shared.core.domain.email import EmailMessage

APPLICANT = "quillon.vexbridge@example.org"


class RefusingSender:
    def __init__(self, error: Exception):
        self.error = error

    def send(self, message: EmailMessage) -> str:
        raise self.error


def message() -> EmailMessage:
    return EmailMessage(to=APPLICANT, reply_to="bluebadge@northshire.example.gov.uk", sender="bluebadge@northshire.example.gov.uk",
                        subject="We have received your Blue Badge application", body_text="Dear Quillon Vexbridge,\n")


def test_the_log_names_the_error_code_and_the_case_history_keeps_the_providers_words(caplog):
    rejected = ClientError({"Error": {"Code": "MessageRejected", "Message": "Email address is not verified. The following identities "
                                      f"failed the check in region EU-WEST-2: {APPLICANT}"}}, "SendEmail")
    with caplog.at_level(logging.DEBUG, logger="shared.core.adapters.email"):
        outcome = deliver(RefusingSender(rejected), message(), NotificationKind.RECEIVED, sleep=lambda _: None)
    assert [record.getMessage() for record in caplog.records] == [
        "email RECEIVED to case contact failed (attempt 1 of 3, giving up): MessageRejected; the case history has the details"]
    assert not outcome.delivered and APPLICANT in outcome.error  # kept in the case's history, in the encrypted case table


def test_an_error_that_is_not_the_providers_is_logged_by_its_type(caplog):
    # botocore's own check quotes the parameters it refused, the recipient among them.
    invalid = ParamValidationError(report=f"Invalid type for parameter Destination.ToAddresses[0], value: {APPLICANT}")
    with caplog.at_level(logging.DEBUG, logger="shared.core.adapters.email"):
        deliver(RefusingSender(invalid), message(), NotificationKind.RECEIVED, sleep=lambda _: None)
    assert "ParamValidationError" in caplog.text and APPLICANT not in caplog.text
