"""Intake: an application arrives, is validated, and becomes a case with its workflow started.

Nothing is lost: a malformed application, or one for a council this deployment does not serve,
is parked with the exact reasons and can be replayed after a fix.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import islice
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from shared.core.adapters.case_store import CaseStore, DuplicateApplication
from shared.core.adapters.evidence_files import CopyOutcome, EvidenceFiles
from shared.core.adapters.metrics import emit
from shared.core.adapters.parked_payloads import ParkedPayloads
from shared.core.adapters.workflows import Workflows
from shared.services.blue_badge import SERVICE_KEY
from shared.services.blue_badge.domain.application import Application, Channel
from shared.core.domain.case import AuditEntry, Case, ParkedApplication, ParkedStatus, ParkReason, StoredPayload, new_case_id, utcnow
from shared.services.blue_badge.domain.completeness import MissingItem, missing_items
from shared.core.domain.council import CouncilConfig, CouncilRegistry
from shared.core.domain.metrics import APPLICATIONS_RECEIVED, UNKNOWN
from shared.core.domain.evidence import EvidenceRefused, case_copy_key, case_evidence_prefix, intake_evidence_prefix, refused_keys
from shared.services.blue_badge.domain.case import BadgeCase, Stage
from shared.services.blue_badge.domain.national import (
    PULL_SOURCE,
    Unmappable,
    claimed_local_authority,
    fetched_artifact_keys,
    is_national_source,
    local_authority_codes,
    named_nationally,
    original_key,
    progress_owed,
    read_national,
    to_application,
)
from shared.services.blue_badge.domain.settings import badge_settings
from shared.services.blue_badge.domain.notifications import NotificationKind
from shared.services.blue_badge.domain.ordering import screened
from shared.services.blue_badge.logic.reapplication import reapplication_bar

logger = logging.getLogger(__name__)

if TYPE_CHECKING:  # built by the caller (shared.bootstrap.notifier) when the first application arrives
    from shared.services.blue_badge.logic.notify import Notifier


class IntakeStatus(StrEnum):
    CREATED = "CREATED"
    DUPLICATE = "DUPLICATE"
    PARKED = "PARKED"


class IntakeOutcome(BaseModel):
    status: IntakeStatus
    council_code: str | None = None
    case_id: str | None = None
    parked_id: str | None = None
    missing: list[MissingItem] = []
    reasons: list[ParkReason] = []


class ReplayNotAllowed(ValueError):
    pass


COPY_REFUSALS = {
    CopyOutcome.MISSING: "no file has been uploaded at this key",
    CopyOutcome.TOO_LARGE: "the file is larger than intake accepts (20 MB)",
}


def reasons_from(error: ValidationError) -> list[ParkReason]:
    return [
        ParkReason(field=".".join(str(part) for part in problem["loc"]) or "(application)", message=problem["msg"])
        for problem in error.errors(include_url=False)
    ]


# Parking never fails. A table item holds at most 400 KB: a payload larger than this (as JSON) is kept beside its item
# in S3 with a summary in the item, which leaves the item ample room for the reasons.
MAX_INLINE_PAYLOAD_BYTES = 64 * 1024
# An application nests 5 levels; pydantic, which reads a parked item back and writes the API's answer, stops at about
# 200. A payload nested deeper than this is kept as its JSON text, as a queue message that is not an event is.
MAX_PAYLOAD_DEPTH = 32
# However many problems a payload has (one per unknown key, say), a person reads the first ones and a count of the rest.
MAX_REASONS = 50
MAX_REASON_CHARS = 300
SUMMARY_KEYS = 20
SUMMARY_CHARS = 100


def capped(reasons: list[ParkReason]) -> list[ParkReason]:
    """The first MAX_REASONS reasons, each cut short, and one that counts the rest."""
    shown = [ParkReason(field=_cut(reason.field, MAX_REASON_CHARS), message=_cut(reason.message, MAX_REASON_CHARS))
             for reason in reasons[:MAX_REASONS]]
    if len(reasons) > MAX_REASONS:
        shown.append(ParkReason(field="(application)", message=f"and {len(reasons) - MAX_REASONS} more problems"))
    return shown


def nesting_depth(value: Any) -> int:
    """How deeply JSON objects and arrays nest in `value`, a level at a time (a payload may nest deeper than Python's stack)."""
    depth, level = 0, [value]
    while containers := [item for item in level if isinstance(item, dict | list)]:
        depth += 1
        level = [child for item in containers for child in (item.values() if isinstance(item, dict) else item)]
    return depth


def payload_summary(payload: Any, key: str, size_bytes: int) -> StoredPayload:
    """What the parked item shows of a payload kept in S3: its size, its first keys, and who it claims to be."""
    fields = payload if isinstance(payload, dict) else {}

    def claimed(name: str) -> str | None:
        value = fields.get(name)
        return _cut(value, SUMMARY_CHARS) if isinstance(value, str) else None

    return StoredPayload(
        key=key, size_bytes=size_bytes, top_level_keys=[_cut(str(name), SUMMARY_CHARS) for name in islice(fields, SUMMARY_KEYS)],
        top_level_key_count=len(fields), application_id=claimed("application_id"), council_code=claimed("council_code"),
    )


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit - 1]}…"


StoreFor = Callable[[str | None], CaseStore]  # council code -> its store; None -> the unrouted store


class IntakeService:
    def __init__(
        self,
        councils: CouncilRegistry,
        store_for: StoreFor,
        workflows: Workflows,
        files_for: Callable[[str], EvidenceFiles],
        payloads_for: Callable[[str | None], ParkedPayloads],
        notifier: Notifier,
        clock: Callable[[], datetime] = utcnow,
    ):
        """`notifier` tells the applicant their application arrived, once it is a case."""
        self._councils = councils
        self._notifier = notifier
        self._store_for = store_for
        self._workflows = workflows
        self._files_for = files_for
        self._payloads_for = payloads_for  # council code (None: unknown councils) -> where its large parked payloads are kept
        self._clock = clock

    def receive(self, payload: Any, source: str, note: str | None = None) -> IntakeOutcome:
        """Take an application as delivered (e.g. an event's detail): open a case, or park it. `note`: for the case's
        opening audit entry (e.g. the national artifacts the pull could not fetch)."""
        application, reasons = self._validate(payload, source)
        if application is None:
            return self._park(payload, reasons, source)
        national = is_national_source(source)
        try:
            return self.accept(application, actor=source, note=note, original=payload if national else None)
        except EvidenceRefused as refused:
            return self._park(payload, named_nationally(refused.reasons) if national else refused.reasons, source)

    def accept(self, application: Application, actor: str, note: str | None = None, carried_from_case: str | None = None,
               original: Any = None, replayed: bool = False) -> IntakeOutcome:
        """Open the case (or find the one this application already became). Its files are copied into the case's
        own folder from the application's intake folder (or, for a replacement, from the case it replaces);
        EvidenceRefused names each key outside those folders or whose file is not there. `original`: the record as the
        national service sent it, kept in the case's folder beside its files (domain/national.py). `replayed`: a parked
        application replayed by staff; a pulled one then owes its national API INPROGRESS (written with the case). Where the
        council bars reapplying soon after a refusal, a new application from a person refused within the bar is parked with
        the reason instead (logic/reapplication.py)."""
        council = self._councils.get(application.council_code)
        if council is None:
            return self._park(application.model_dump(mode="json"), [_unknown_council(application.council_code)], actor)
        store = self._store_for(council.code)
        allowed = [intake_evidence_prefix(council.code, application.application_id)]
        if carried_from_case:
            allowed.append(case_evidence_prefix(council.code, carried_from_case))
        refused = refused_keys([item.key for item in application.evidence], allowed)
        if refused:
            raise EvidenceRefused(refused)
        # A repeat delivery is refused by the case's own write (its application marker), not by a read first: one
        # request fewer for every application. Only where a repeat would take another path first (barred, or its
        # files already taken by its case) is the marker read, to answer with the case it became.
        now = self._clock()
        if (barred := reapplication_bar(store, council, application, now)) is not None:  # parked as delivered, with why
            if (repeated := self._repeat_of(store, council, application)) is not None:
                return repeated
            if replayed:  # already parked: replay keeps it so, with this reason
                return IntakeOutcome(status=IntakeStatus.PARKED, council_code=council.code, reasons=[barred])
            return self._park(original if original is not None else application.model_dump(mode="json"), [barred], actor)
        case_id = new_case_id(council.code, now)
        try:
            case, audit = self._opening(council, case_id, application, actor, note, original, now)
        except EvidenceRefused:
            self._discard_copies(council.code, case_id)
            if (repeated := self._repeat_of(store, council, application)) is not None:
                return repeated
            raise
        except Exception:  # S3 or KMS failed before the case was written: redelivered, it copies again under a new id
            self._discard_copies(council.code, case_id)
            raise
        try:
            store.create(case, audit, records=progress_owed(application, case.case_id, now) if replayed else ())
        except DuplicateApplication as duplicate:  # a repeat delivery: the copies made for it are not a case's
            self._discard_copies(council.code, case_id)
            return self._started(store.get(duplicate.existing_case_id), council, IntakeStatus.DUPLICATE)
        except Exception:
            self._discard_copies_unless_written(store, council.code, case_id)
            raise
        self._notifier.notify(store, case, NotificationKind.RECEIVED)  # before the start: a repeat delivery sends none
        return self._started(case, council, IntakeStatus.CREATED)

    def _opening(self, council: CouncilConfig, case_id: str, application: Application, actor: str, note: str | None,
                 original: Any, now: datetime) -> tuple[BadgeCase, AuditEntry]:
        """The case to write and its opening audit entry, its files copied into its folder (with the national original)."""
        application = self._copy_evidence(council.code, case_id, application)
        kept = None if original is None else self._keep_original(council.code, case_id, original)
        # Opened here at its first working stage (waiting for information, or screening), not by a workflow step that
        # would read it back: its workflow starts from what opening found (workflow_input).
        case = BadgeCase.open(application, missing_items(application, council), now, case_id=case_id,
                              team=badge_settings(council).team).opened()
        audit = AuditEntry(
            case_id=case.case_id,
            at=now,
            actor=actor,
            action="CASE_OPENED",
            after={"stage": case.stage.value, "missing": case.missing_codes, "note": note, **({"national_original": kept} if kept else {})},
        )
        return case, audit

    def _discard_copies(self, council_code: str, case_id: str) -> None:
        """Delete the files copied for a case that was not written (a repeat delivery, refused evidence, a failed opening),
        best effort: the answer does not depend on it (a failure here would only be redelivered, copy again under a new
        id and leave these behind all the same); a folder S3 would not empty is logged by name for removal by hand."""
        folder = case_evidence_prefix(council_code, case_id)
        try:
            self._files_for(council_code).delete_folder(folder)
        except Exception:  # any S3 or KMS refusal
            logger.error("the files copied for a case not written are left in %s: delete them by hand", folder, exc_info=True,
                         extra={"council_code": council_code})

    def _discard_copies_unless_written(self, store: CaseStore, council_code: str, case_id: str) -> None:
        """After the case's write failed: its copies go only once a read shows the case is not there, since a write whose
        answer was lost may have committed all the same (the case would then be the repeat's, with these files)."""
        try:
            written = store.get(case_id) is not None
        except Exception:  # the table is unreachable as well: the files stay (and are logged) rather than risk a case's
            logger.error("case %s may or may not be written: its files stay in %s", case_id, case_evidence_prefix(council_code, case_id),
                         exc_info=True, extra={"council_code": council_code})
            return
        if not written:
            self._discard_copies(council_code, case_id)

    def _repeat_of(self, store: CaseStore, council: CouncilConfig, application: Application) -> IntakeOutcome | None:
        """The outcome of a repeat delivery of an application that is a case already (None: it is not)."""
        existing_case_id = store.case_for_application(application.application_id)
        return None if existing_case_id is None else self._started(store.get(existing_case_id), council, IntakeStatus.DUPLICATE)

    def _started(self, case: Case | None, council: CouncilConfig, status: IntakeStatus) -> IntakeOutcome:
        if case is None:
            raise RuntimeError("the application's marker names a case that is not there")
        # Started on every delivery: if an earlier delivery wrote the case but died before this line,
        # the repeat starts the workflow; the execution name (the case id) makes a second start a no-op.
        self._workflows.start(case.workflow, case.case_id, workflow_input(case, council))
        emit(APPLICATIONS_RECEIVED, council=case.council_code, scheme=case.service, channel=case.application.channel.value,
             outcome=status.value)
        return IntakeOutcome(status=status, council_code=case.council_code, case_id=case.case_id, missing=case.missing)

    def _copy_evidence(self, council_code: str, case_id: str, application: Application) -> Application:
        """The application with each file copied into the case's folder (refused, naming the field, if not there)."""
        files = self._files_for(council_code)
        copied, reasons = [], []
        for index, item in enumerate(application.evidence):
            target = case_copy_key(council_code, case_id, index, item.key)
            outcome = files.copy(item.key, target)
            if outcome is not CopyOutcome.COPIED:
                reasons.append(ParkReason(field=f"evidence.{index}.key", message=COPY_REFUSALS[outcome]))
            copied.append(item.model_copy(update={"key": target}))
        if reasons:
            raise EvidenceRefused(reasons)
        return application.model_copy(update={"evidence": copied})

    def _keep_original(self, council_code: str, case_id: str, original: Any) -> str:
        """The national record as delivered, in the case's folder (S3, not the case item: a record with long free text
        would crowd the item's 400 KB)."""
        key = original_key(case_evidence_prefix(council_code, case_id))
        self._files_for(council_code).write(key, json.dumps(original).encode(), "application/json")
        return key

    def park_unreadable(self, body: str, reasons: list[ParkReason], source: str) -> IntakeOutcome:
        """Park a queue message that is not a readable event, as delivered, with why it could not be read."""
        return self._park(body, reasons, source)

    def open_parked(self, store: CaseStore, parked_id: str) -> ParkedApplication | None:
        """A parked application with its whole payload (one kept in S3 is read back). None if there is no such item."""
        parked = store.get_parked(parked_id)
        return None if parked is None else self._opened(parked)

    def _opened(self, parked: ParkedApplication) -> ParkedApplication:
        if parked.stored_payload is None:
            return parked
        text = self._payloads_for(parked.council_code).get(parked.stored_payload.key)
        return parked.model_copy(update={"payload": json.loads(text)})

    def replay(self, store: CaseStore, parked_id: str, corrected: Any | None, actor: str) -> IntakeOutcome | None:
        """Try a parked application again, as it was or as corrected. None if there is no such parked item."""
        parked = store.get_parked(parked_id)
        if parked is None:
            return None
        if parked.status is ParkedStatus.REPLAYED:
            raise ReplayNotAllowed(f"parked application {parked_id} was already replayed as case {parked.replayed_case_id}")
        payload = self._opened(parked).payload if corrected is None else corrected
        application, reasons = self._validate(payload, parked.source)
        if application is not None and parked.council_code and application.council_code != parked.council_code:
            raise ReplayNotAllowed(f"council_code must stay {parked.council_code}; ask a national administrator to move it")
        if application is not None and self._councils.get(application.council_code) is None:
            application, reasons = None, [_unknown_council(application.council_code)]
        if application is not None:
            national = is_national_source(parked.source)
            try:
                outcome = self.accept(application, actor=actor, note=f"replayed from parked application {parked_id}",
                                      original=payload if national else None, replayed=True)
            except EvidenceRefused as refused:
                reasons = named_nationally(refused.reasons) if national else refused.reasons
            else:
                if outcome.status is not IntakeStatus.PARKED:
                    kept_for = timedelta(days=self._councils.get(application.council_code).retention.parked_days)
                    store.update_parked(self._next_version(parked, corrected, status=ParkedStatus.REPLAYED, replayed_case_id=outcome.case_id,
                                                           expires_at=self._clock() + kept_for),
                                        expected_version=parked.version)
                    return outcome.model_copy(update={"parked_id": parked_id})
                reasons = outcome.reasons  # still barred (reapplying too soon after a refusal): it stays parked
        reasons = capped(reasons)
        store.update_parked(self._next_version(parked, corrected, reasons=reasons, attempts=parked.attempts + 1), expected_version=parked.version)
        return IntakeOutcome(status=IntakeStatus.PARKED, council_code=parked.council_code, parked_id=parked_id, reasons=reasons)

    def _next_version(self, parked: ParkedApplication, corrected: Any | None, **changes: Any) -> ParkedApplication:
        """The parked item's next version, holding the correction if one was sent (else the payload stays where it is)."""
        following = parked.model_copy(update=changes | {"version": parked.version + 1})
        return following if corrected is None else self._holding(following, corrected)

    def _holding(self, parked: ParkedApplication, payload: Any) -> ParkedApplication:
        """`parked` holding `payload`: in its item if it fits, else kept in S3 (under this version) with a summary."""
        if nesting_depth(payload) > MAX_PAYLOAD_DEPTH:
            payload = json.dumps(payload)
        text = json.dumps(payload)  # ASCII: its length is its size in bytes
        if len(text) <= MAX_INLINE_PAYLOAD_BYTES:
            return parked.model_copy(update={"payload": payload, "stored_payload": None})
        key = self._payloads_for(parked.council_code).put(parked.parked_id, parked.version, text)
        return parked.model_copy(update={"payload": None, "stored_payload": payload_summary(payload, key, len(text))})

    def _validate(self, payload: Any, source: str) -> tuple[Application | None, list[ParkReason]]:
        if is_national_source(source):
            return self._from_national(payload, source)
        if not isinstance(payload, dict):
            return None, [ParkReason(field="(application)", message="the application must be a JSON object")]
        try:
            return Application.model_validate(payload), []
        except ValidationError as error:
            return None, reasons_from(error)

    def _from_national(self, payload: Any, source: str) -> tuple[Application | None, list[ParkReason]]:
        """A record in the national service's own format, mapped to ours (reasons name the national fields)."""
        try:
            record = read_national(payload)
            council = self.national_council(record.localAuthorityCode)
            if council is None:
                return None, [ParkReason(field="localAuthorityCode",
                                         message=f"no council with national code '{record.localAuthorityCode}' is served by this deployment")]
            keys = None
            if source.startswith(PULL_SOURCE) and record.applicationId:  # the files the pull fetched for it
                prefix = intake_evidence_prefix(council.code, record.applicationId)
                keys = fetched_artifact_keys(self._files_for(council.code).keys(prefix), prefix, len(record.artifacts or []))
            return to_application(record, council.code, badge_settings(council).badge_fee_pence, keys), []
        except Unmappable as unmappable:
            return None, unmappable.reasons

    def national_council(self, local_authority_code: str) -> CouncilConfig | None:
        """The council the national service knows by this code (None: not one of ours)."""
        codes = local_authority_codes([(council.code, national.local_authority_code if (national := _national_settings(council)) else None)
                                       for council in self._councils])
        return self._councils.get(codes[local_authority_code]) if local_authority_code in codes else None

    def _park(self, payload: Any, reasons: list[ParkReason], source: str) -> IntakeOutcome:
        claimed = payload.get("council_code") if isinstance(payload, dict) else None
        if is_national_source(source) and (named := claimed_local_authority(payload)):
            council = self.national_council(named)
        else:
            council = self._councils.get(claimed) if isinstance(claimed, str) else None
        code = council.code if council else None
        now = self._clock()
        parked = self._holding(ParkedApplication(parked_id=parked_id_for(payload), council_code=code, payload=None,
                                                 reasons=capped(reasons), source=source, parked_at=now), payload)
        store = self._store_for(code)
        if not store.park(parked):  # parked before: a redelivery of the same payload gets the first answer
            first = store.get_parked(parked.parked_id) or parked
            return IntakeOutcome(status=IntakeStatus.PARKED, council_code=code, parked_id=first.parked_id, reasons=first.reasons)
        channel = payload.get("channel") if isinstance(payload, dict) else None  # anything at all: only a known one is named
        emit(APPLICATIONS_RECEIVED, council=code or UNKNOWN, scheme=SERVICE_KEY,
             channel=channel if channel in [known.value for known in Channel] else UNKNOWN, outcome=IntakeStatus.PARKED.value)
        return IntakeOutcome(status=IntakeStatus.PARKED, council_code=code, parked_id=parked.parked_id, reasons=parked.reasons)


def parked_id_for(payload: Any) -> str:
    """A parked application's id: the digest of the payload as sent, so parking is the one duplicate-refusing write of
    an application that cannot become a case (an identical re-send finds it; a corrected one is new work)."""
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
    return f"P-{digest[:24].upper()}"


def workflow_input(case: Case, council: CouncilConfig) -> dict[str, Any]:
    """What a case workflow execution starts with: for a case intake opened, what opening found (`screened`: its stage,
    what is missing, its route), which the workflow's first Choice goes by; a case still RECEIVED (stored before intake
    opened cases) is opened by the workflow's OpenCase step. Its timed waits (the information wait, the review window)
    are set by the step before each from the council's working-day calendar, when the wait begins."""
    started = {"council_code": case.council_code, "case_id": case.case_id}
    return started if case.stage is Stage.RECEIVED else started | {"screened": screened(case)}


def _national_settings(council: CouncilConfig):
    """The council's national settings (None: it does not run Blue Badge, or has none)."""
    return badge_settings(council).national if council.runs(SERVICE_KEY) else None


def _unknown_council(code: str) -> ParkReason:
    return ParkReason(field="council_code", message=f"no council with code '{code}' is served by this deployment")
