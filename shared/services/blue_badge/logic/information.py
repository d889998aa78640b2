"""The missing-information loop, caseworker side: record what the applicant supplied and resume the workflow
(with the resume owed written beside the case, as for every person's step: shared.core.logic.resumes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.core.adapters.case_store import CaseStore
from shared.core.adapters.workflows import Workflows
from shared.services.blue_badge.domain.application import FILE_ONLY, Application, DocumentSeen, EvidenceRef, EvidenceType
from shared.core.domain.case import AuditEntry, Case, ExpectedVersion, ParkReason
from shared.services.blue_badge.domain.case import Stage
from shared.services.blue_badge.domain.completeness import MissingCode, missing_items
from shared.services.blue_badge.domain.reply import INPUT_FOR_FIELD, Answers, ReplyBy, ReplyItem, read_answers, reply_items
from shared.services.blue_badge.domain.reply import _date as read_date  # the reply page's own date checks
from shared.core.domain.council import CouncilConfig
from shared.core.domain.evidence import case_evidence_prefix, refused_keys
from shared.core.domain.pending_resume import PendingResume
from shared.services.blue_badge.logic.intake import reasons_from
from shared.core.logic.resumes import record_and_resume, resend_retried
from shared.core.logic.steps import NotWaitingForInformation

SUPPLIED = "INFORMATION_SUPPLIED"
# What identifies an application cannot be "supplied" later.
FIXED_FIELDS = ("application_id", "council_code", "application_type", "party", "channel", "submitted_at")


class SuppliedInformation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expected_version: ExpectedVersion
    changes: dict[str, Any] = Field(default_factory=dict, description="Application fields to change, as a JSON merge patch (RFC 7386)")
    evidence: list[EvidenceRef] = Field(default_factory=list, max_length=20, description="Documents received, added to the evidence list")
    documents_seen: list[DocumentSeen] = Field(default_factory=list, max_length=20,
                                               description="Paper documents seen and handed back, added to documents_seen")


class InvalidSupply(ValueError):
    def __init__(self, reasons: list[ParkReason]):
        super().__init__("; ".join(f"{reason.field}: {reason.message}" for reason in reasons))
        self.reasons = reasons


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge key by key, null removes a key, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def record_supplied(
    store: CaseStore, council: CouncilConfig, workflows: Workflows, case_id: str,
    supplied: SuppliedInformation, actor: str, now: datetime,
) -> Case | None:
    """Apply what was supplied, recheck completeness, save (conditionally, audited) and resume the workflow.

    None when there is no such case in this council's table.
    """
    case = store.get(case_id)
    if case is None:
        return None
    if case.stage is not Stage.AWAITING_INFORMATION or not case.task_token:
        resent = resend_retried(store, workflows, case, supplied.expected_version, actor, SUPPLIED, now)
        if resent is None:
            raise NotWaitingForInformation(f"case {case_id} is at {case.stage.value} and not waiting for information")
        return resent
    fixed = [field for field in FIXED_FIELDS if field in supplied.changes]
    if fixed:
        raise InvalidSupply([ParkReason(field=f"changes.{field}", message="cannot be changed once received") for field in fixed])
    outside = refused_keys([item.key for item in supplied.evidence], [case_evidence_prefix(case.council_code, case.case_id)])
    if outside:
        raise InvalidSupply(outside)
    document = merge_patch(case.application.model_dump(mode="json"), supplied.changes)
    document["evidence"] = document.get("evidence", []) + [item.model_dump(mode="json") for item in supplied.evidence]
    document["documents_seen"] = document.get("documents_seen", []) + [item.model_dump(mode="json") for item in supplied.documents_seen]
    try:
        application = Application.model_validate(document)
    except ValidationError as error:
        raise InvalidSupply(reasons_from(error)) from None
    updated = case.changed(now, application=application, missing=missing_items(application, council), task_token=None)
    audit = AuditEntry(
        case_id=case_id, at=now, actor=actor, action=SUPPLIED,
        before={"missing": case.missing_codes},
        after={"missing": updated.missing_codes, "changed": sorted(supplied.changes),
               "evidence_added": [item.type.value for item in supplied.evidence],
               "documents_seen": [item.type.value for item in supplied.documents_seen]},
    )
    resume = PendingResume(case_id=case_id, task_token=case.task_token, output={"supplied_by": actor}, action=SUPPLIED, actor=actor,
                           expected_version=supplied.expected_version, at=now)
    return record_and_resume(store, workflows, updated, supplied.expected_version, audit, resume)


# ---------------------------------------------------------------- "Record information received" (a caseworker's form)
# The inputs each answer has on the form (names as the reply page's questions use them).
ANSWER_INPUTS: dict[MissingCode, tuple[str, ...]] = {
    MissingCode.HOLDER_NAME: ("forenames", "surname"),
    MissingCode.DATE_OF_BIRTH: ("dob-day", "dob-month", "dob-year"),
    MissingCode.ADDRESS: ("address-line1", "address-line2", "address-town", "address-postcode"),
    MissingCode.POSTCODE: ("postcode",),
    MissingCode.NINO: ("nino",),
    MissingCode.AWARD_DATES: ("award-start-day", "award-start-month", "award-start-year", "award-end-day", "award-end-month",
                              "award-end-year", "award-indefinite"),
}
SEEN_FIELD, SEEN_ON_FIELD = "seen", "seen-on"


class ReceivedItems:
    """What a case still lacks, as the "Record information received" page offers it."""

    def __init__(self, case: Case):
        items = reply_items([MissingCode(code) for code in case.missing_codes])
        self.scannable: list[ReplyItem] = [item for item in items if item.by is ReplyBy.UPLOAD and item.evidence_type]
        self.seeable: list[ReplyItem] = [item for item in self.scannable if item.evidence_type not in FILE_ONLY]
        self.questions: list[ReplyItem] = [item for item in items if item.by is ReplyBy.ANSWER]
        self.elsewhere: list[ReplyItem] = [item for item in items if item not in self.scannable and item not in self.questions]

    def __bool__(self) -> bool:
        """Something the page can record (a fee or a route is recorded by other steps)."""
        return bool(self.scannable or self.questions)


def record_received(
    store: CaseStore, council: CouncilConfig, workflows: Workflows, case: Case, fields: Mapping[str, str], seen: list[str],
    expected_version: str, actor: str, now: datetime, scanned: Sequence[EvidenceRef] = (),
) -> dict[str, str]:
    """A caseworker's "Record information received": recorded as supplied (the workflow resumes), or the problems by input id.
    `scanned`: the files uploaded on the page (already checked, in the case's own folder)."""
    supplied, errors = _received(case, fields, seen, expected_version, actor, now.date(), scanned)
    if supplied is None:
        return errors
    try:
        record_supplied(store, council, workflows, case.case_id, supplied, actor, now)
    except InvalidSupply as invalid:
        return {INPUT_FOR_FIELD.get(reason.field, SEEN_FIELD): reason.message[:1].upper() + reason.message[1:] for reason in invalid.reasons}
    except NotWaitingForInformation:
        return {SEEN_FIELD: "The case is no longer waiting for information. Go back to the case to see where it is"}
    return {}


def _received(case: Case, fields: Mapping[str, str], seen: list[str], expected_version: str, actor: str,
              today: date, scanned: Sequence[EvidenceRef] = ()) -> tuple[SuppliedInformation | None, dict[str, str]]:
    """The caseworker's record of what arrived (documents seen and returned, and the answers typed), or the problems
    by input id. Only the questions given an answer are read: what has not arrived stays missing."""
    offered = ReceivedItems(case)
    kinds = {item.evidence_type.value for item in offered.seeable if item.evidence_type}
    typed = [item for item in offered.questions if any(fields.get(name, "").strip() for name in ANSWER_INPUTS[item.code])]
    answers = read_answers(typed, fields, today)
    errors = dict(answers.errors)
    if any(kind not in kinds for kind in seen):
        errors[SEEN_FIELD] = "Select documents from the list"
    if not seen and not typed and not scanned:
        if offered.seeable or not (offered.questions or offered.scannable):
            first = SEEN_FIELD
        elif offered.questions:
            first = ANSWER_INPUTS[offered.questions[0].code][0]
        else:  # only a photo is missing: its upload (the page's file inputs are named by document type)
            first = "file-" + offered.scannable[0].evidence_type.value.lower().replace("_", "-")
        errors[first] = ("Upload a scan, select the documents you saw, or enter the information received" if offered.scannable
                         else "Select the documents you saw, or enter the information received")
    seen_on = _seen_on(fields, today, errors) if seen else None
    if errors:
        return None, errors
    documents = [DocumentSeen(type=EvidenceType(kind), seen_by=actor, seen_on=seen_on or today) for kind in seen]
    try:
        return SuppliedInformation(expected_version=expected_version, changes=answers.changes, documents_seen=documents,
                                   evidence=list(scanned)), {}
    except ValidationError:
        return None, {"expected_version": "The case has changed: go back to the case and start again"}


def _seen_on(fields: Mapping[str, str], today: date, errors: dict[str, str]) -> date | None:
    """The date typed, checked as the reply page checks dates; None (today) when left blank."""
    if not any(fields.get(f"{SEEN_ON_FIELD}-{part}", "").strip() for part in ("day", "month", "year")):
        return None
    typed = Answers(changes={}, errors={})
    seen_on = read_date(typed, fields, SEEN_ON_FIELD, "date the documents were seen")
    if seen_on is not None and seen_on > today:
        typed.errors[f"{SEEN_ON_FIELD}-day"] = "The date the documents were seen must be today or in the past"
    errors.update(typed.errors)
    return seen_on
