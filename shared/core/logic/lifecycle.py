"""The data lifecycle (UK GDPR): erasing cases kept past their council's retention period, a person's subject access
export, and erasing a person on request once a second council admin confirms it.

Every case is read from its stage queue (a Query on the stage index) or by a person's search keys; nothing scans.
"""

from __future__ import annotations

import io
import json
import logging
import secrets
import zipfile
from datetime import datetime, timedelta

from shared.core.adapters.case_store import CaseFile, CaseStore, QueueFilter, StaleVersion
from shared.core.adapters.evidence_files import EvidenceFiles
from shared.core.domain.case import WORKFLOW_INTERNAL, AuditEntry, Case
from shared.core.domain.council import CouncilConfig
from shared.core.domain.services import ServiceRegistry
from shared.core.domain.evidence import INTAKE_FOLDER, case_evidence_prefix, council_evidence_prefix, intake_evidence_prefix
from shared.core.domain.retention import (
    ErasureReason,
    ErasureRequest,
    export_prefix,
    received_before_to_review,
    retain_until,
    tombstone,
)
from shared.core.logic.people import same_person_case_ids

logger = logging.getLogger(__name__)

RETENTION_ACTOR = "retention schedule"
PAGE_SIZE = 100


def erase_case(store: CaseStore, evidence: EvidenceFiles, case_file: CaseFile, tombstone_entry: AuditEntry) -> None:
    """The case's documents first (its folder, and its application's intake folder if anything is left there), then
    its items: a run that fails in between finds the case again and finishes."""
    case = case_file.case
    evidence.delete_folder(case_evidence_prefix(case.council_code, case.case_id))
    evidence.delete_folder(intake_evidence_prefix(case.council_code, _services().for_case(case).application_id(case.application)))
    store.erase(case_file, tombstone_entry)


def _services() -> ServiceRegistry:
    from shared.services.registry import SERVICES  # the deployment's services (the registry imports the core)

    return SERVICES


def _tombstone_facts(case: Case) -> dict[str, str]:
    """The codes the case's service keeps in a tombstone (none where it declares no retention rule)."""
    rule = _services().for_case(case).retention
    return rule.tombstone_facts(case) if rule is not None else {}


def expire_left_files(evidence: EvidenceFiles, council: CouncilConfig, now: datetime) -> int:
    """Delete the council's intake files (long copied into their cases) and subject access exports once their periods
    end; how many. Listed per council folder here rather than as S3 lifecycle rules, which match fixed prefixes only and
    would put a rule per council in the platform stack (which must not change as councils are added)."""
    schedule, folder = council.retention, council_evidence_prefix(council.code)
    return (evidence.delete_older_than(f"{folder}{INTAKE_FOLDER}", now - timedelta(days=schedule.intake_file_days))
            + evidence.delete_older_than(export_prefix(council.code), now - timedelta(days=schedule.export_days)))


def erase_expired_cases(store: CaseStore, evidence: EvidenceFiles, council: CouncilConfig, now: datetime) -> list[str]:
    """Erase every closed case of the council whose retention period ended before today, in each service it runs that
    declares a retention rule; the ids erased."""
    schedule, today = council.retention, now.date()
    oldest_part = datetime.combine(received_before_to_review(today, schedule), datetime.min.time(), tzinfo=now.tzinfo)
    erased: list[str] = []
    rules = [spec.retention for spec in _services() if spec.retention is not None and council.runs(spec.key)]
    for rule, stage in ((rule, stage) for rule in rules for stage in rule.stages):
        cursor: str | None = None
        while True:
            cases, cursor = store.queue(QueueFilter(stage=stage, received_before=oldest_part), limit=PAGE_SIZE, after=cursor)
            for case in cases:
                case_file = store.load(case.case_id)
                if case_file is None:
                    continue
                until = retain_until(case_file.case, case_file.records, rule, schedule)
                if until is None or until >= today:
                    continue
                try:
                    erase_case(store, evidence, case_file,
                               tombstone(case_file.case, rule.tombstone_facts(case_file.case), reason=ErasureReason.RETENTION_PERIOD_ENDED, actor=RETENTION_ACTOR, now=now))
                except StaleVersion:  # changed while being erased: the next run looks again
                    logger.warning("case %s changed while being erased; left for the next run", case.case_id)
                    continue
                erased.append(case.case_id)
            if cursor is None:
                break
    return erased


# ---------------------------------------------------------------- a person's cases
def person_case_ids(store: CaseStore, case: Case) -> list[str]:
    """The case and every other case found by the person's identifying search keys (as the single view shows them)."""
    return [case.case_id, *same_person_case_ids(store, case)]


def _case_record(case_file: CaseFile) -> dict:
    return {
        "case": case_file.case.model_dump(mode="json", exclude=WORKFLOW_INTERNAL),
        # Each kind of record its service keeps on the case, by the plural of its kind ("badges").
        **{f"{kind.lower()}s": [record.model_dump(mode="json") for record in records] for kind, records in case_file.records.items()},
        "notes": [note.model_dump(mode="json") for note in case_file.notes],
        "history": [entry.model_dump(mode="json") for entry in case_file.history],
    }


def export_person(store: CaseStore, evidence: EvidenceFiles, case: Case, actor: str, now: datetime) -> str:
    """Everything held about the person of `case` - each case, its records (a badge), note and history entry, and the documents - as
    one zip in the council's exports folder; its key. The export is audited on the case it was made from."""
    case_files = [found for found in (store.load(case_id, with_views=True) for case_id in person_case_ids(store, case)) if found is not None]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        record = {"exported_at": now.isoformat(), "council_code": case.council_code,
                  "cases": [_case_record(case_file) for case_file in case_files]}
        archive.writestr("personal-data.json", json.dumps(record, indent=2, ensure_ascii=False))
        for case_file in case_files:
            folder = case_evidence_prefix(case.council_code, case_file.case.case_id)
            for key in evidence.keys(folder):
                archive.writestr(f"documents/{case_file.case.case_id}/{key.removeprefix(folder)}", evidence.read(key))
    key = f"{export_prefix(case.council_code)}{now:%Y%m%d}-{secrets.token_hex(8)}.zip"
    evidence.write(key, buffer.getvalue(), "application/zip")
    store.append_audit(AuditEntry(case_id=case.case_id, at=now, actor=actor, action="PERSONAL_DATA_EXPORTED",
                                  after={"cases": [case_file.case.case_id for case_file in case_files]}))
    return key


class ErasureRefused(ValueError):
    """The request is gone (confirmed, expired) or the admin who asked tries to confirm it."""


def request_erasure(store: CaseStore, council: CouncilConfig, case: Case, reason: ErasureReason, actor: str, now: datetime) -> ErasureRequest:
    """Record a request to erase the person of `case`, audited on each of their cases, for another admin to confirm."""
    request = ErasureRequest.new(council_code=council.code, case_id=case.case_id, case_ids=person_case_ids(store, case),
                                 reason=reason, requested_by=actor, now=now, schedule=council.retention)
    audits = [AuditEntry(case_id=case_id, at=now, actor=actor, action="ERASURE_REQUESTED",
                         after={"erasure_request": request.request_id, "reason": reason.value}) for case_id in request.case_ids]
    store.put_erasure_request(request, audits)
    return request


def pending_request(store: CaseStore, case_id: str, now: datetime) -> ErasureRequest | None:
    """The erasure request waiting on the case it was made from (one past its expiry counts as gone)."""
    request = store.erasure_request(case_id)
    return request if request is not None and not request.expired(now) else None


def confirm_erasure(store: CaseStore, evidence: EvidenceFiles, case_id: str, actor: str, now: datetime) -> list[str]:
    """A second council admin confirms: each case of the request is erased, its tombstone recording the request, who
    asked, who confirmed (its actor) and why. The ids erased."""
    request = pending_request(store, case_id, now)
    if request is None:
        raise ErasureRefused("This erasure request has already been carried out, or has expired")
    if request.requested_by == actor:
        raise ErasureRefused("Another council admin must confirm an erasure you asked for")
    erased: list[str] = []
    for erasing in request.case_ids:
        case_file = store.load(erasing)
        if case_file is None:  # erased meanwhile (its period ended, or an earlier confirmation stopped half way)
            continue
        erase_case(store, evidence, case_file,
                   tombstone(case_file.case, _tombstone_facts(case_file.case), reason=request.reason, actor=actor, now=now, request=request))
        erased.append(erasing)
    store.close_erasure_request(request)
    logger.info("erasure request %s carried out: %d cases erased", request.request_id, len(erased))
    return erased
