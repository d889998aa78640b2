"""Work queues as a caller may see them: the filters of GET /cases turned into a store Query, and the counts per stage."""

from __future__ import annotations

from datetime import UTC, datetime, time

from pydantic import BaseModel, ConfigDict, Field

from shared.core.adapters.case_store import CaseStore, QueueFilter, QueueOrder
from shared.core.domain.council import TEAM_KEY_PATTERN, CouncilConfig
from shared.core.domain.working_days import first_day_within
from shared.services.blue_badge.domain.application import ApplicationType, EligibilityCode
from shared.services.blue_badge.domain.case import Stage
from shared.resources import Role
from shared.core.logic.casework import EDITING_ROLES
from shared.core.logic.tenancy import Caller

# The stages where cases wait for a person, in the order a case meets them: the team queue counts these
# (closed and refused cases only grow, and counting them would read every case the council ever had).
WORKING_STAGES = (Stage.AWAITING_INFORMATION, Stage.PROOF_CHECK, Stage.ASSESSMENT, Stage.DECISION,
                  Stage.AWAITING_PAYMENT, Stage.REVIEW)
ME = "me"


class QueueQuery(BaseModel):
    """The filters and order of a work queue, exactly as GET /cases takes them."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    stage: Stage | None = None
    application_type: ApplicationType | None = None
    route: EligibilityCode | None = None
    assignee: str | None = Field(default=None, max_length=254)
    team: str | None = Field(default=None, pattern=TEAM_KEY_PATTERN, description="With a stage: that team's cases at it")
    older_than_days: int | None = Field(default=None, ge=0, le=3650, description="Working days, as a case's age counts them")
    min_priority: int | None = Field(default=None, ge=0, le=100)
    sort: QueueOrder = QueueOrder.OLDEST


class QueueNotAllowed(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def queue_filter(query: QueueQuery, caller: Caller, council: CouncilConfig, now: datetime) -> QueueFilter:
    """What the caller's queue Query may hold: assessors see only the cases referred to them (by default
    those waiting for their assessment); everyone else names a stage or an assignee ('me' for themselves).
    `older_than_days` counts working days of the council's nation, as the queue's "N working days old" does."""
    referred_to = caller.user if not caller.has_any(*EDITING_ROLES, Role.READ_ONLY) else None
    stage = query.stage or (Stage.ASSESSMENT if referred_to else None)
    if stage is None and not query.assignee:
        raise QueueNotAllowed("stage", "Choose a stage, or enter whose cases to show")
    if query.sort is QueueOrder.PRIORITY and (referred_to or query.assignee):
        raise QueueNotAllowed("sort", "A person's cases are sorted by age: sort by priority within a stage")
    assignee = None if referred_to else (caller.user if query.assignee == ME else query.assignee or None)
    return QueueFilter(
        stage=stage, filters={name: value.value for name, value in (("application_type", query.application_type), ("route", query.route)) if value},
        assignee=assignee, referred_to=referred_to, team=query.team or None,
        received_before=received_before(query.older_than_days, council, now) if query.older_than_days is not None else None,
        min_priority=query.min_priority, order=query.sort,
    )


def received_before(older_than_days: int, council: CouncilConfig, now: datetime) -> datetime:
    """Cases received before this moment are more than `older_than_days` working days old (their UTC day, as case age)."""
    return datetime.combine(first_day_within(now.astimezone(UTC).date(), older_than_days, council.nation), time.min, UTC)


def stage_counts(store: CaseStore) -> list[tuple[Stage, int]]:
    """How many cases wait at each working stage: one Select=COUNT Query per stage."""
    return [(stage, store.count_stage(stage)) for stage in WORKING_STAGES]
