"""A case's line in a work queue: what the queues show of it, and no more.

The store keeps it on the case's item (attribute QUEUE_ROW_ATTRIBUTE) and the work-queue indexes project only it and
the attributes a queue filters on (shared.resources.QUEUE_ROW_PROJECTION), so a queue page is one Query that never
reads whole cases. Each service extends it with its own columns (ServiceSpec.queue_row); whoever needs the rest of a
case opens it (CaseStore.get)."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from pydantic import BaseModel, ConfigDict

from shared.core.domain.case import Case


class QueueRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    case_id: str
    service: str
    stage: str  # the service's stage (each service's row types it)
    received_at: datetime
    priority: int
    version: int  # what a bulk change from the queue sends back as expected_version
    assignee: str | None = None
    referred_to: str | None = None
    team: str | None = None
    needs_attention: str | None = None
    name: str  # whom the case is about, as the queues name them

    @classmethod
    def of(cls, case: Case) -> Self:
        return cls(**cls.common(case), name=case.case_id)

    @staticmethod
    def common(case: Case) -> dict:
        """The columns every service's row has, from its case."""
        return {"case_id": case.case_id, "service": case.service, "stage": case.stage, "received_at": case.received_at,
                "priority": case.priority, "version": case.version, "assignee": case.assignee,
                "referred_to": case.referred_to, "team": case.team, "needs_attention": case.needs_attention}
