"""The daily renewal reminders through Lambda, as the schedule invokes them (the local stack's bridge runs the real
handler): a holder whose ISSUED badge has 12 weeks or less to run is emailed once, through the council's channel."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

import boto3

from infra.local.reminders import run_reminders
from shared.bootstrap import badge_store_for
from shared.core.domain.case import AuditEntry, utcnow
from shared.resources import DEFAULT_REGION, RENEWAL_REMINDERS_FUNCTION
from shared.services.blue_badge.domain.application import Application
from shared.services.blue_badge.domain.badge import Badge, BadgeStatus, DeliverTo, DeliveryOption, PrintBatchType, badge_number_for
from shared.services.blue_badge.domain.case import BadgeCase
from tests.factories import complete_application
from tests.integration.conftest import emails_to


def test_the_daily_run_reminds_each_holder_once(stack):
    now = utcnow()
    email = f"holder-{secrets.token_hex(4)}@example.com"
    case = BadgeCase.open(Application.model_validate(complete_application(**{"contact.email": email})), [], now)
    store = badge_store_for("NORTHSHIRE")
    store.create(case, AuditEntry(case_id=case.case_id, at=now, actor="test", action="CASE_OPENED"))
    expiry = date.today() + timedelta(days=2000)  # past every other test's badges' window
    number = badge_number_for(secrets.randbelow(20 ** 6))
    badge = Badge(badge_number=number, council_code="NORTHSHIRE", case_id=case.case_id, status=BadgeStatus.ISSUED,
                  start_date=expiry - timedelta(days=1000), expiry_date=expiry, deliver_to=DeliverTo.HOME,
                  delivery_option=DeliveryOption.STANDARD, batch_type=PrintBatchType.STANDARD, ordered_at=now, updated_at=now)
    store.order_badges(case.changed(now), case.version, [badge], AuditEntry(case_id=case.case_id, at=now, actor="test", action="ORDERED"))
    lambda_client = boto3.client("lambda", region_name=DEFAULT_REGION)

    too_soon = run_reminders(lambda_client, now + timedelta(days=2000 - 7 * 13), RENEWAL_REMINDERS_FUNCTION)  # 13 weeks to run
    assert number not in too_soon["reminded"]["NORTHSHIRE"] and emails_to(email) == []
    due = run_reminders(lambda_client, now + timedelta(days=2000 - 7 * 12), RENEWAL_REMINDERS_FUNCTION)
    assert number in due["reminded"]["NORTHSHIRE"]
    [mail] = emails_to(email)
    assert mail.subject.startswith("Your Blue Badge expires on") and number in mail.body
    again = run_reminders(lambda_client, now + timedelta(days=2000 - 7 * 11), RENEWAL_REMINDERS_FUNCTION)
    assert number not in again["reminded"]["NORTHSHIRE"] and len(emails_to(email)) == 1
