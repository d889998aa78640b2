"""The retention schedule on moto: a case kept past its council's period is erased by the daily job - its items,
search keys and documents gone, an anonymised tombstone kept - and cases still within their period are left alone.

Cases are written as the store writes them, received and closed years ago, so the job runs at the real time and
never reaches the other tests' cases on the same stack.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import boto3

from shared.bootstrap import councils, evidence_files_for, store_for
from shared.services.blue_badge.domain.application import Application
from shared.core.domain.case import AuditEntry, Case, Note, utcnow
from shared.services.blue_badge.domain.case import Stage
from shared.core.domain.evidence import case_evidence_prefix, intake_evidence_prefix
from shared.core.domain.retention import ERASED_ACTION, export_prefix
from shared.resources import DEFAULT_REGION, ERASURE_FUNCTION, EVIDENCE_BUCKET_LOCAL_NAME, council_table_name
from shared.core.logic.lifecycle import erase_expired_cases, expire_left_files
from shared.services.blue_badge.domain.case import BadgeCase
from tests.factories import complete_application
from tests.integration.conftest import invoke

COUNCIL = "NORTHSHIRE"


def someone() -> dict:
    return complete_application(COUNCIL, holder__surname=f"Retained{random.randint(0, 10**8)}",
                                holder__nino=f"RT{random.randint(0, 999999):06d}A")


def closed_case(stage: Stage, closed: datetime, **fields) -> Case:
    """A case of `stage`, received a month before it closed, with a note, a document and a file left in intake."""
    application = Application.model_validate(someone())
    case = BadgeCase.open(application, [], closed - timedelta(days=30)).model_copy(update={"stage": stage, "updated_at": closed, **fields})
    store = store_for(COUNCIL)
    store.create(case, AuditEntry(case_id=case.case_id, at=case.received_at, actor="intake", action="CASE_OPENED"))
    store.add_note(Note(case_id=case.case_id, at=closed, by="user:ann", text="Spoke to Ms Retained"),
                   AuditEntry(case_id=case.case_id, at=closed, actor="user:ann", action="NOTE_ADDED"))
    s3 = boto3.client("s3", region_name=DEFAULT_REGION)
    s3.put_object(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=f"{case_evidence_prefix(COUNCIL, case.case_id)}01-letter.pdf", Body=b"%PDF-1.4")
    s3.put_object(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=f"{intake_evidence_prefix(COUNCIL, application.application_id)}letter.pdf",
                  Body=b"%PDF-1.4")
    return store.get(case.case_id)


def partition(case_id: str) -> list[str]:
    """The sort keys left on the case's partition (one Query)."""
    client = boto3.client("dynamodb", region_name=DEFAULT_REGION)
    items = client.query(TableName=council_table_name(COUNCIL), KeyConditionExpression="pk = :pk",
                         ExpressionAttributeValues={":pk": {"S": f"CASE#{case_id}"}})["Items"]
    return [item["sk"]["S"] for item in items]


def files(case: Case) -> list[str]:
    evidence = evidence_files_for(COUNCIL)
    return (evidence.keys(case_evidence_prefix(COUNCIL, case.case_id))
            + evidence.keys(intake_evidence_prefix(COUNCIL, case.application.application_id)))


def test_a_case_past_its_period_is_erased_leaving_only_its_tombstone(stack):
    years = councils().get(COUNCIL).retention.case_years
    now = utcnow()
    # Withdrawn a day more than the period ago: past it. Withdrawn a day less: still kept.
    expired = closed_case(Stage.WITHDRAWN, now - timedelta(days=365 * years + 2))
    kept = closed_case(Stage.WITHDRAWN, now - timedelta(days=365 * years - 30))
    store = store_for(COUNCIL)
    holder = expired.application.holder
    assert store.lookup("NINO", holder.nino) == [expired.case_id] and files(expired)

    erased = erase_expired_cases(store, evidence_files_for(COUNCIL), councils().get(COUNCIL), now)

    assert expired.case_id in erased and kept.case_id not in erased
    assert store.get(expired.case_id) is None and store.load(expired.case_id) is None
    assert store.lookup("NINO", holder.nino) == []
    assert store.lookup("PERSON", f"{holder.surname.upper()}#{holder.date_of_birth.isoformat()}") == []
    assert store.case_for_application(expired.application.application_id) is None
    assert files(expired) == []
    [kept_key] = partition(expired.case_id)  # nothing but the tombstone: no note, no history, no case
    assert kept_key.startswith("AUDIT#")
    [tombstone] = store.history(expired.case_id)
    assert tombstone.action == ERASED_ACTION and tombstone.actor == "retention schedule"
    assert tombstone.after == {  # with the service it was a case of, now that the engine carries several
        "council_code": COUNCIL, "service": "blue-badge", "application_type": "NEW", "channel": "ONLINE", "received_at": expired.received_at.isoformat(),
        "closed_at": expired.updated_at.isoformat(), "outcome": "WITHDRAWN", "reason": "RETENTION_PERIOD_ENDED",
    }
    assert holder.surname not in tombstone.model_dump_json() and holder.nino not in tombstone.model_dump_json()
    # The case within its period is untouched.
    assert store.load(kept.case_id).notes and files(kept) and store.lookup("NINO", kept.application.holder.nino) == [kept.case_id]


def test_a_refusal_is_kept_for_the_period_after_it_becomes_final(stack):
    years = councils().get(COUNCIL).retention.case_years
    now = utcnow()
    decided = now - timedelta(days=365 * years + 60)
    # The review window closed only recently, so the refusal has been final for less than the period.
    refused = closed_case(Stage.REFUSED, decided, review_due=(now - timedelta(days=365 * years - 10)).date())
    open_case = closed_case(Stage.DECISION, decided)  # never closed: never erased, however old
    assert not {refused.case_id, open_case.case_id} & set(
        erase_expired_cases(store_for(COUNCIL), evidence_files_for(COUNCIL), councils().get(COUNCIL), now))
    later = now + timedelta(days=20)
    assert refused.case_id in erase_expired_cases(store_for(COUNCIL), evidence_files_for(COUNCIL), councils().get(COUNCIL), later)
    assert store_for(COUNCIL).load(open_case.case_id) is not None


def test_the_daily_run_erases_for_every_council(stack):
    years = councils().get(COUNCIL).retention.case_years
    expired = closed_case(Stage.BADGE_CANCELLED, utcnow() - timedelta(days=365 * (years + 1)))
    result, failed = invoke(ERASURE_FUNCTION, {"scheduled_time": datetime.now(UTC).isoformat()})
    assert not failed, result
    assert expired.case_id in result["erased"][COUNCIL]
    assert set(result["erased"]) == set(councils().codes)
    assert store_for(COUNCIL).get(expired.case_id) is None


def test_intake_files_and_exports_are_deleted_once_their_periods_end(stack):
    """Clock injected: files written now are past their period when the run is N+1 days later, and not before."""
    council = councils().get(COUNCIL)
    evidence = evidence_files_for(COUNCIL)
    intake = f"{intake_evidence_prefix(COUNCIL, 'APP-RETENTION-' + str(random.randint(0, 10**9)))}letter.pdf"
    export = f"{export_prefix(COUNCIL)}retention-test-{random.randint(0, 10**9)}.zip"
    s3 = boto3.client("s3", region_name=DEFAULT_REGION)
    for key in (intake, export):
        s3.put_object(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=key, Body=b"old")
    now = utcnow()
    assert expire_left_files(evidence, council, now + timedelta(days=council.retention.export_days - 1)) == 0
    assert expire_left_files(evidence, council, now + timedelta(days=council.retention.export_days + 1)) >= 1
    assert export not in evidence.keys(export_prefix(COUNCIL)) and intake in evidence.keys(intake.rsplit("/", 1)[0])
    assert expire_left_files(evidence, council, now + timedelta(days=council.retention.intake_file_days + 1)) >= 1
    assert evidence.keys(intake.rsplit("/", 1)[0]) == []
