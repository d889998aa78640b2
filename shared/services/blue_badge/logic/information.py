"""The missing-information loop, caseworker side: record what the applicant supplied and resume the workflow
(with the resume owed written beside the case, as for every person's step: shared.core.logic.resumes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.core.adapters.case_store import CaseStore
from shared.core.adapters.workflows import Workflows
from shared.services.blue_badge.domain.application import Application, EvidenceRef
from shared.core.domain.case import AuditEntry, Case, ExpectedVersion, ParkReason
from shared.services.blue_badge.domain.case import Stage
from shared.services.blue_badge.domain.completeness import missing_items
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
    try:
        application = Application.model_validate(document)
    except ValidationError as error:
        raise InvalidSupply(reasons_from(error)) from None
    updated = case.changed(now, application=application, missing=missing_items(application, council), task_token=None)
    audit = AuditEntry(
        case_id=case_id, at=now, actor=actor, action=SUPPLIED,
        before={"missing": case.missing_codes},
        after={"missing": updated.missing_codes, "changed": sorted(supplied.changes),
               "evidence_added": [item.type.value for item in supplied.evidence]},
    )
    resume = PendingResume(case_id=case_id, task_token=case.task_token, output={"supplied_by": actor}, action=SUPPLIED, actor=actor,
                           expected_version=supplied.expected_version, at=now)
    return record_and_resume(store, workflows, updated, supplied.expected_version, audit, resume)
