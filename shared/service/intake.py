"""Intake: an application arrives, is validated, and becomes a case with its workflow started.

Nothing is lost: a malformed application, or one for a council this deployment does not serve,
is parked with the exact reasons and can be replayed after a fix.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ValidationError

from shared.adapters.case_store import CaseStore, DuplicateApplication
from shared.adapters.workflows import Workflows
from shared.domain.application import Application
from shared.domain.case import AuditEntry, Case, ParkedApplication, ParkedStatus, ParkReason, utcnow
from shared.domain.completeness import MissingItem, missing_items
from shared.domain.council import CouncilConfig, CouncilRegistry
from shared.domain.notifications import REVIEW_DAYS


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


def reasons_from(error: ValidationError) -> list[ParkReason]:
    return [
        ParkReason(field=".".join(str(part) for part in problem["loc"]) or "(application)", message=problem["msg"])
        for problem in error.errors(include_url=False)
    ]


StoreFor = Callable[[str | None], CaseStore]  # council code -> its store; None -> the unrouted store


class IntakeService:
    def __init__(
        self,
        councils: CouncilRegistry,
        store_for: StoreFor,
        workflows: Workflows,
        clock: Callable[[], datetime] = utcnow,
    ):
        self._councils = councils
        self._store_for = store_for
        self._workflows = workflows
        self._clock = clock

    def receive(self, payload: Any, source: str) -> IntakeOutcome:
        """Take an application as delivered (e.g. an event's detail): open a case, or park it."""
        application, reasons = self._validate(payload)
        if application is None:
            return self._park(payload, reasons, source)
        return self.accept(application, actor=source)

    def accept(self, application: Application, actor: str, note: str | None = None) -> IntakeOutcome:
        council = self._councils.get(application.council_code)
        if council is None:
            return self._park(application.model_dump(mode="json"), [_unknown_council(application.council_code)], actor)
        store = self._store_for(council.code)
        now = self._clock()
        case = Case.open(application, missing_items(application, council), now)
        audit = AuditEntry(
            case_id=case.case_id,
            at=now,
            actor=actor,
            action="CASE_OPENED",
            after={"stage": case.stage.value, "missing": case.missing_codes, "note": note},
        )
        try:
            store.create(case, audit)
            status = IntakeStatus.CREATED
        except DuplicateApplication as duplicate:
            existing = store.get(duplicate.existing_case_id)
            if existing is None:
                raise
            case, status = existing, IntakeStatus.DUPLICATE
        # Started on every delivery: if an earlier delivery wrote the case but died before this line,
        # the repeat starts the workflow; the execution name (the case id) makes a second start a no-op.
        self._workflows.start(case.workflow, case.case_id, workflow_input(case, council))
        return IntakeOutcome(status=status, council_code=case.council_code, case_id=case.case_id, missing=case.missing)

    def replay(self, store: CaseStore, parked_id: str, corrected: Any | None, actor: str) -> IntakeOutcome | None:
        """Try a parked application again, as it was or as corrected. None if there is no such parked item."""
        parked = store.get_parked(parked_id)
        if parked is None:
            return None
        if parked.status is ParkedStatus.REPLAYED:
            raise ReplayNotAllowed(f"parked application {parked_id} was already replayed as case {parked.replayed_case_id}")
        payload = parked.payload if corrected is None else corrected
        application, reasons = self._validate(payload)
        if application is not None and parked.council_code and application.council_code != parked.council_code:
            raise ReplayNotAllowed(f"council_code must stay {parked.council_code}; ask a national administrator to move it")
        if application is not None and self._councils.get(application.council_code) is None:
            application, reasons = None, [_unknown_council(application.council_code)]
        if application is None:
            store.update_parked(
                parked.model_copy(update={"payload": payload, "reasons": reasons, "attempts": parked.attempts + 1, "version": parked.version + 1}),
                expected_version=parked.version,
            )
            return IntakeOutcome(status=IntakeStatus.PARKED, council_code=parked.council_code, parked_id=parked_id, reasons=reasons)
        outcome = self.accept(application, actor=actor, note=f"replayed from parked application {parked_id}")
        store.update_parked(
            parked.model_copy(
                update={"payload": payload, "status": ParkedStatus.REPLAYED, "replayed_case_id": outcome.case_id, "version": parked.version + 1}
            ),
            expected_version=parked.version,
        )
        return outcome.model_copy(update={"parked_id": parked_id})

    def _validate(self, payload: Any) -> tuple[Application | None, list[ParkReason]]:
        if not isinstance(payload, dict):
            return None, [ParkReason(field="(application)", message="the application must be a JSON object")]
        try:
            return Application.model_validate(payload), []
        except ValidationError as error:
            return None, reasons_from(error)

    def _park(self, payload: Any, reasons: list[ParkReason], source: str) -> IntakeOutcome:
        claimed = payload.get("council_code") if isinstance(payload, dict) else None
        council = self._councils.get(claimed) if isinstance(claimed, str) else None
        code = council.code if council else None
        now = self._clock()
        parked = ParkedApplication(
            parked_id=ParkedApplication.new_id(now), council_code=code, payload=payload, reasons=reasons, source=source, parked_at=now
        )
        self._store_for(code).park(parked)
        return IntakeOutcome(status=IntakeStatus.PARKED, council_code=code, parked_id=parked.parked_id, reasons=reasons)


DAY_SECONDS = 24 * 3600


def workflow_input(case: Case, council: CouncilConfig) -> dict[str, Any]:
    """What a case workflow execution starts with; the council's settings travel with it."""
    return {
        "council_code": case.council_code,
        "case_id": case.case_id,
        "information_timeout_seconds": council.information_request_days * DAY_SECONDS,
        "review_window_seconds": REVIEW_DAYS * DAY_SECONDS,
    }


def _unknown_council(code: str) -> ParkReason:
    return ParkReason(field="council_code", message=f"no council with code '{code}' is served by this deployment")
