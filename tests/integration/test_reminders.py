"""One reminder before the missing-information deadline: the service on moto, and the daily run through Lambda.

Cases are keyed in without evidence, so the real workflow asks for it and sets the due date; each test then
runs the reminders at a `now` relative to that date instead of waiting for it.
"""

from datetime import datetime, timedelta

import boto3
import pytest

from infra.local.reminders import run_reminders
from infra.local.seed import wait_for_workflows
from shared.bootstrap import councils, notifier, store_for
from shared.core.domain.case import Case, utcnow
from shared.services.blue_badge.domain.case import Stage
from shared.core.domain.email import BILINGUAL_DIVIDER
from shared.services.blue_badge.domain.notifications import format_date
from shared.resources import DEFAULT_REGION, REMINDERS_FUNCTION, Role
from shared.services.blue_badge.logic.reminders import reminder_window_opens, send_information_reminders
from tests.factories import case_file, complete_application
from tests.integration.conftest import emails_to, invoke
from tests.integration.test_information_loop import waiting_case


def waiting(api_as, council: str) -> Case:
    """A new case of `council` whose workflow has asked for the evidence it was keyed in without."""
    status, body = api_as(council, Role.CASEWORKER).call("POST", "/applications", complete_application(council, channel="PAPER", evidence=[]))
    assert status == 201, body
    return waiting_case(council, body["case_id"])


def remind(council: str, now: datetime) -> list[str]:
    return send_information_reminders(store_for(council), notifier(), councils().get(council), now)


def reminder_emails(case_id: str) -> list:
    # A Welsh council's subject is "Welsh / English": the English reminder's subject is its second half there.
    return [mail for mail in emails_to("ada@example.com") if case_id in mail.body and mail.subject.split(" / ")[-1].startswith("Reminder")]


def test_a_case_in_the_window_is_reminded_once_and_it_is_recorded(api_as):
    case = waiting(api_as, "NORTHSHIRE")
    due = case.information_due
    now = reminder_window_opens(due, councils().get("NORTHSHIRE"))  # the window's first moment: 7 working days before
    assert case.case_id in remind("NORTHSHIRE", now)
    assert case.case_id not in remind("NORTHSHIRE", now + timedelta(days=1))  # the next day's run

    store = store_for("NORTHSHIRE")
    reminded = store.get(case.case_id)
    assert reminded.reminder_sent_at == now and reminded.version == case.version + 1
    assert reminded.stage is Stage.AWAITING_INFORMATION and reminded.task_token == case.task_token  # still waiting
    history = store.history(case.case_id)
    [recorded] = [entry for entry in history if entry.action == "REMINDER_SENT"]
    assert (recorded.actor, recorded.at, recorded.after) == ("reminders", now, {"due": due.isoformat()})
    [sent] = [entry for entry in history if entry.action == "NOTIFICATION_SENT" and entry.after["kind"] == "INFORMATION_REMINDER"]
    assert sent.after["delivered"] is True and sent.after["subject"].startswith("Reminder:")
    [email] = reminder_emails(case.case_id)
    assert f"by {format_date(due.date())}" in email.body and "A recent passport-style photo" in email.body


@pytest.mark.parametrize(
    "when",
    [lambda due: reminder_window_opens(due, councils().get("NORTHSHIRE")) - timedelta(seconds=1), lambda due: due,
     lambda due: due + timedelta(days=1)],
    ids=["too early", "on the due date", "past the due date"],
)
def test_no_reminder_outside_the_window(api_as, when):
    case = waiting(api_as, "NORTHSHIRE")
    assert case.case_id not in remind("NORTHSHIRE", when(case.information_due))
    assert store_for("NORTHSHIRE").get(case.case_id).version == case.version
    assert reminder_emails(case.case_id) == []


def test_a_case_no_longer_waiting_for_information_is_untouched(api_as, stack, clients):
    case = waiting(api_as, "NORTHSHIRE")
    status, body = api_as("NORTHSHIRE", Role.CASEWORKER).call(
        "POST", f"/cases/{case.case_id}/supplied", {"expected_version": case.version, "evidence": [
            case_file(case.case_id, kind, f"reply-{kind.lower()}-1.pdf") for kind in ("PROOF_ELIG", "PROOF_ID", "PROOF_ADD", "PHOTO")]})
    assert status == 200, body
    assert wait_for_workflows(clients["stepfunctions"], stack.state_machine_arns.values())  # moved on, wherever to
    store = store_for("NORTHSHIRE")
    assert store.get(case.case_id).stage is not Stage.AWAITING_INFORMATION

    assert case.case_id not in remind("NORTHSHIRE", case.information_due - timedelta(days=3))  # its due date is still set
    assert store.get(case.case_id).reminder_sent_at is None
    assert "REMINDER_SENT" not in [entry.action for entry in store.history(case.case_id)]
    assert reminder_emails(case.case_id) == []


def test_the_daily_run_reminds_in_every_council_by_its_own_deadline(api_as):
    """Through Lambda, as the schedule invokes it (the local stack's bridge runs the real handler)."""
    north, vale = waiting(api_as, "NORTHSHIRE"), waiting(api_as, "VALEWYE")
    lambda_client = boto3.client("lambda", region_name=DEFAULT_REGION)
    # Vale of Wye waits 21 days and Northshire 28; each reminds 7 working days before: when Vale's window opens,
    # Northshire's has not (7 working days are at least 9 calendar days, and at most about 13 over Christmas).
    first = run_reminders(lambda_client, reminder_window_opens(vale.information_due, councils().get("VALEWYE")))
    assert set(first["reminded"]) == {"NORTHSHIRE", "VALEWYE"}
    assert vale.case_id in first["reminded"]["VALEWYE"] and north.case_id not in first["reminded"]["NORTHSHIRE"]
    second = run_reminders(lambda_client, north.information_due - timedelta(days=3))
    assert north.case_id in second["reminded"]["NORTHSHIRE"] and vale.case_id not in second["reminded"]["VALEWYE"]

    [north_email], [vale_email] = reminder_emails(north.case_id), reminder_emails(vale.case_id)
    assert north_email.source == str(councils().get("NORTHSHIRE").contact.email)
    assert vale_email.source == str(councils().get("VALEWYE").contact.email)
    assert vale_email.body.startswith("Annwyl ") and f"\n{BILINGUAL_DIVIDER}\n\nDear " in vale_email.body  # Welsh, then English


def test_a_failing_council_does_not_stop_the_others_and_fails_the_run(api_as, monkeypatch):
    from functions.reminders import handler

    vale = waiting(api_as, "VALEWYE")

    def northshire_unavailable(store, notifier, council, now):
        if council.code == "NORTHSHIRE":
            raise RuntimeError("table unavailable")
        return send_information_reminders(store, notifier, council, now)

    monkeypatch.setattr(handler, "send_information_reminders", northshire_unavailable)
    result, errored = invoke(REMINDERS_FUNCTION, {"scheduled_time": (vale.information_due - timedelta(days=3)).isoformat()})
    assert errored and result["errorType"] == "CouncilsFailed" and "NORTHSHIRE" in result["errorMessage"]
    assert store_for("VALEWYE").get(vale.case_id).reminder_sent_at is not None
    assert len(reminder_emails(vale.case_id)) == 1


def test_without_a_scheduled_time_the_run_is_now(stack):
    result, errored = invoke(REMINDERS_FUNCTION, {})
    assert not errored, result
    assert abs(datetime.fromisoformat(result["scheduled_time"]) - utcnow()) < timedelta(minutes=1)
