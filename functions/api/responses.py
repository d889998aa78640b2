"""What the caseworker API answers, as typed models: the routes in handler.py return these, Powertools checks each
answer against its model and publishes the models in the OpenAPI document (schemas/openapi.json).

They live beside the API rather than in shared/ because they are the REST API's wire shapes: the web UI calls the
services directly and never sees them. Each one wraps or projects domain models; none copies a domain model's fields.
"""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from shared.core.adapters.case_store import CaseFile
from shared.services.blue_badge.domain.application import ApplicationType, Channel, EligibilityCode
from shared.services.blue_badge.adapters.badge_store import badges_of
from shared.services.blue_badge.domain.badge import Badge
from shared.core.domain.case import WORKFLOW_INTERNAL, AuditEntry, Case, Note, ParkedApplication
from shared.services.blue_badge.domain.case import BadgeCase
from shared.services.blue_badge.domain.case import Stage
from shared.services.blue_badge.domain.completeness import MissingCode
from shared.services.blue_badge.domain.queue_row import BadgeQueueRow
from shared.core.logic.casework import BulkResult
from shared.services.blue_badge.logic.intake import IntakeOutcome
from shared.services.blue_badge.logic.people import CaseSummary


class Answer(BaseModel):
    """An answer's fields are all it carries: the published schema forbids others, so a contract test sees a stray one."""

    model_config = ConfigDict(extra="forbid")


# ------------------------------------------------------------------------------------------------ refusals


class FieldProblem(Answer):
    field: str = Field(description="The input at fault: a dotted path in the body, or a query or path parameter")
    location: str = Field(description="Where that input is: body, query, path (or badge, for what a replacement lacks)")
    message: str


class Refusal(Answer):
    """Why the function refused the request."""

    statusCode: int  # noqa: N815 - the wire name, as Powertools' own errors spell it
    message: str


class InvalidRequest(Refusal):
    """422: each bad field and why."""

    errors: list[FieldProblem]


class GatewayRefusal(Answer):
    """API Gateway's own answer, before the function runs: 401 without a valid token, 413 over its size limit."""

    message: str


# ------------------------------------------------------------------------------------------------ cases


class CaseView(BadgeCase):
    """A case as staff see it: the workflow's callback token, and the resume owed on one, stay inside the platform."""

    task_token: SkipJsonSchema[str | None] = Field(default=None, exclude=True)
    owed_resume: SkipJsonSchema[str | None] = Field(default=None, exclude=True)

    @classmethod
    def of(cls, case: Case) -> CaseView:
        # Built without validating again: the case was validated when it was read or changed.
        return cls.model_construct(**{name: getattr(case, name) for name in BadgeCase.model_fields if name not in WORKFLOW_INTERNAL})


class CaseAnswer(Answer):
    """A case after a step on it (assignment, priority, referral, a decision...), at its new version."""

    case: CaseView

    @classmethod
    def of(cls, case: Case) -> CaseAnswer:
        return cls(case=CaseView.of(case))


class CaseDetail(Answer):
    """Everything about a case on one call."""

    case: CaseView
    notes: list[Note]
    badges: list[Badge]
    history: list[AuditEntry]
    catching_up: bool = Field(description="A step is recorded and the workflow not yet resumed: it moves the case on shortly")

    @classmethod
    def of(cls, loaded: CaseFile) -> CaseDetail:
        return cls(case=CaseView.of(loaded.case), notes=loaded.notes, badges=badges_of(loaded), history=loaded.history,
                   catching_up=loaded.catching_up)


class QueueEntry(Answer):
    """One line of a work queue: enough to choose a case without opening it."""

    case_id: str
    stage: Stage
    received_at: datetime
    application_type: ApplicationType
    channel: Channel
    route: EligibilityCode | None = Field(description="The eligibility route")
    priority: int
    version: int
    assignee: str | None
    referred_to: str | None
    missing: list[MissingCode]
    needs_attention: str | None

    @classmethod
    def of(cls, row: BadgeQueueRow) -> QueueEntry:
        return cls(case_id=row.case_id, stage=row.stage, received_at=row.received_at, application_type=row.application_type,
                   channel=row.channel, route=row.route, priority=row.priority, version=row.version, assignee=row.assignee,
                   referred_to=row.referred_to, missing=row.missing, needs_attention=row.needs_attention)


class Page(Answer):
    cursor: str | None = Field(description="Pass back as `cursor` for the next page; null on the last page")


class QueuePage(Page):
    cases: list[QueueEntry]


class SearchResults(Answer):
    results: list[CaseSummary] = Field(description="Newest first")


class BulkResults(Answer):
    results: list[BulkResult] = Field(description="One per case asked for, in the order asked")


class NoteAdded(Answer):
    note: Note


# ------------------------------------------------------------------------------------------------ badges and parked items


class BadgeAnswer(Answer):
    badge: Badge


class BadgePage(Page):
    badges: list[Badge]


class ParkedPage(Page):
    parked: list[ParkedApplication]


# ------------------------------------------------------------------------------------------------ what each route declares

REFUSALS = {
    HTTPStatus.BAD_REQUEST: ("The request cannot be read (the body, or a page cursor this API did not hand out)", Refusal),
    HTTPStatus.UNAUTHORIZED: ("No valid sign-in token (API Gateway's Cognito authorizer)", GatewayRefusal),
    HTTPStatus.FORBIDDEN: ("Your role or council may not do this", Refusal),
    HTTPStatus.NOT_FOUND: ("No such case, badge or parked application in your council", Refusal),
    HTTPStatus.CONFLICT: ("Changed since you read it (expected_version), or not at the step this is for", Refusal),
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE: ("The body is over the size limit (from API Gateway, or from the function)", Refusal | GatewayRefusal),
    HTTPStatus.UNSUPPORTED_MEDIA_TYPE: ("The body is not application/json", Refusal),
    HTTPStatus.UNPROCESSABLE_ENTITY: ("Bad input: each field at fault and why", InvalidRequest),
}
# Every route: no token, a role or council that may not, input outside its declared types.
ALWAYS = (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN, HTTPStatus.UNPROCESSABLE_ENTITY)
# Every route with a JSON body.
WITH_BODY = (HTTPStatus.BAD_REQUEST, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
# Keying in (or replaying, or replacing) answers 201 for a new case, 200 for one already opened from it.
INTAKE = {HTTPStatus.CREATED: "A case is opened: its id and the items still missing",
          HTTPStatus.OK: "Already keyed (the same application_id): the case it opened"}
# A replayed application that still cannot become a case answers 422 with its reasons, as intake parks it.
STILL_PARKED = IntakeOutcome | InvalidRequest


def answers(success: dict[HTTPStatus, str], *refusals: HTTPStatus, overrides: dict[HTTPStatus, tuple[str, Any]] | None = None
            ) -> dict[int, OpenAPIResponse]:
    """The route's `responses=`: each success status (its schema comes from the route's return annotation) and each
    refusal it can answer with the model of its body."""
    declared: dict[int, OpenAPIResponse] = {int(status): {"description": description} for status, description in success.items()}
    for status in sorted({*ALWAYS, *refusals}):
        description, model = (overrides or {}).get(status, REFUSALS[status])
        declared[int(status)] = {"description": description, "content": {"application/json": {"model": model}}}
    return declared


CASE_STEP = answers({HTTPStatus.OK: "The case at its new version"}, *WITH_BODY, HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT)
BADGE_STEP = answers({HTTPStatus.OK: "The badge at its new version"}, *WITH_BODY, HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT)
PAGE = answers({HTTPStatus.OK: "One page, and the cursor of the next"}, HTTPStatus.BAD_REQUEST)
