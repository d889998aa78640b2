"""Cases written straight into a council's table, at the stage and age a queue or dashboard test needs
(no workflow runs for them, so nothing moves them on while the test looks)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from shared.bootstrap import store_for
from shared.services.blue_badge.domain.application import Application
from shared.core.domain.case import AuditEntry, Case, utcnow
from shared.services.blue_badge.domain.case import Stage
from shared.services.blue_badge.domain.case import BadgeCase
from tests.factories import complete_application


def put_case(council: str = "NORTHSHIRE", stage: Stage = Stage.DECISION, *, days_old: float = 0, received_at: datetime | None = None,
             application: dict[str, Any] | None = None, **changes: Any) -> Case:
    when = received_at or utcnow() - timedelta(days=days_old)
    case = BadgeCase.open(Application.model_validate(complete_application(council, **(application or {}))), [], when)
    case = case.model_copy(update={"stage": stage, **changes})
    store_for(council).create(case, AuditEntry(case_id=case.case_id, at=when, actor="test", action="CASE_OPENED"))
    return case
