"""Caseworker REST API. Every route works on the caller's own council only: the council comes from
the identity token's groups, never from the request, so a case of another council answers 404.

Each route declares every status it can answer and the model of each body (functions/api/responses.py); Powertools
checks every answer against its route's return annotation, so an answer off the published contract is a 500, not a
silent drift."""

import re
from datetime import date
from http import HTTPStatus
from collections.abc import Callable
from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import ForbiddenError, NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestUnsupportedContentType, RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from functions.api.responses import (
    BADGE_STEP,
    CASE_STEP,
    INTAKE,
    PAGE,
    STILL_PARKED,
    WITH_BODY,
    BadgeAnswer,
    BadgePage,
    BulkResults,
    CaseAnswer,
    CaseDetail,
    FieldProblem,
    InvalidRequest,
    NoteAdded,
    ParkedPage,
    QueueEntry,
    QueuePage,
    Refusal,
    SearchResults,
    answers,
)
from shared.bootstrap import councils, intake_service, staff_directory, store_for, workflows
from shared.core.adapters.case_store import CaseStore, InvalidCursor, QueueOrder, StaleVersion
from shared.services.blue_badge.adapters.badge_store import BadgeStore
from shared.services.blue_badge.domain.application import Application, ApplicationType, EligibilityCode
from shared.services.blue_badge.domain.badge import BADGE_NUMBER_PATTERN, Badge, BadgeRuleError, BadgeStatus
from shared.core.domain.case import CASE_ID_PATTERN, Case, ExpectedVersion, ParkedApplication, utcnow
from shared.services.blue_badge.domain.case import Stage
from shared.services.blue_badge.domain.national import NATIONAL_SOURCE_PREFIX, NationalApplication
from shared.core.domain.council import TEAM_KEY_PATTERN, CouncilConfig
from shared.core.domain.evidence import EvidenceRefused
from shared.core.domain.formats import OneLine
from shared.resources import API_MAX_BODY_BYTES, Role
from shared.core.logic import recovery
from shared.core.logic.steps import InvalidStep, StepNotOpen
from shared.services.blue_badge.logic import decisions
from shared.core.logic.casework import (
    ActionNotAllowed,
    AssignmentInput,
    BulkAssignment,
    EDITING_ROLES,
    NoteInput,
    ReferralInput,
    StaffCheck,
    TeamInput,
    add_note,
    assign,
    assign_many,
    move_to_team,
    refer,
    set_priority,
    view_case,
    visible_case,
)
from shared.services.blue_badge.logic.badges import (
    BadgeNotChangeable,
    CancelBadgeInput,
    ReorderBadgeInput,
    ReplacementNotPossible,
    cancel_badge,
    reorder_badge,
    replace_badge,
)
from shared.core.logic.steps import NotWaitingForInformation
from shared.services.blue_badge.logic.information import InvalidSupply, SuppliedInformation, record_supplied
from shared.services.blue_badge.logic.intake import IntakeOutcome, IntakeStatus, ReplayNotAllowed
from shared.services.blue_badge.logic.people import PersonView, SearchKind, person_view, search
from shared.services.blue_badge.logic.queues import QueueNotAllowed, QueueQuery, queue_filter
from shared.services.blue_badge.logic.replacement import ReplaceBadgeInput
from shared.core.logic.tenancy import Caller, NoCouncilAccess, caller_from_claims
from shared.bootstrap import TRACED_MODULES, one_invocation, service_store_for
from shared.services.blue_badge import SERVICE_KEY

logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)
metrics = Metrics()
# An answer its route's model refuses is our bug: a 500 (which alarms), never a 422 that blames the caller.
app = APIGatewayRestResolver(enable_validation=True, response_validation_error_http_code=HTTPStatus.INTERNAL_SERVER_ERROR)

CASE_ID = Annotated[str, Path(pattern=CASE_ID_PATTERN)]
BADGE_NUMBER = Annotated[str, Path(pattern=BADGE_NUMBER_PATTERN)]
PARKED_ID = Annotated[str, Path(pattern=r"^P-[0-9A-F-]{6,40}$")]


def written_as_a_date(value: object) -> object:
    """Pydantic alone reads a number ("0") as a Unix time, so a query date must be spelt YYYY-MM-DD, as published."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


ISO_DATE = Annotated[date, BeforeValidator(written_as_a_date)]


class InvalidQuery(Exception):
    """A parameter of the declared type that a rule still refuses (422 naming it, and where it was: query or body)."""

    def __init__(self, field: str, message: str, location: str = "query"):
        super().__init__(message)
        self.field, self.location = field, location


def json_response(status: HTTPStatus, body: Any) -> Response:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


def refused(status: HTTPStatus, message: str) -> Response:
    return json_response(status, Refusal(statusCode=status, message=message).model_dump(mode="json"))


def unprocessable(message: str, errors: list[FieldProblem]) -> Response:
    """422 naming each bad field and why: {field, location, message} per problem."""
    body = InvalidRequest(statusCode=HTTPStatus.UNPROCESSABLE_ENTITY, message=message, errors=errors)
    return json_response(HTTPStatus.UNPROCESSABLE_ENTITY, body.model_dump(mode="json"))


def require_editor(caller: Caller, doing: str) -> None:
    if not caller.has_any(*EDITING_ROLES):
        raise ForbiddenError(f"{doing} needs the caseworker, team leader or council admin role")


def badge_found(badge: Badge | None, badge_number: str) -> BadgeAnswer:
    if badge is None:
        raise NotFoundError(f"no badge {badge_number}")
    return BadgeAnswer(badge=badge)


def found(case: Case | None, case_id: str) -> CaseAnswer:
    if case is None:
        raise NotFoundError(f"no case {case_id}")
    return CaseAnswer.of(case)


def current_caller() -> Caller:
    claims = app.current_event.request_context.authorizer.claims or {}
    caller = caller_from_claims(claims)
    logger.append_keys(council_code=caller.council_code, user=caller.user)
    return caller


def council_store(caller: Caller) -> BadgeStore:
    """The caller's council's Blue Badge cases (this API is Blue Badge's: another service's case id answers 404)."""
    if caller.council_code is None:
        raise ForbiddenError("this action needs a council account")
    store = service_store_for(caller.council_code, SERVICE_KEY)
    if store is None:
        raise NotFoundError("this council does not run Blue Badge")
    return store


def callers_council(caller: Caller) -> CouncilConfig:
    council = councils().get(caller.council_code) if caller.council_code else None
    if council is None:
        raise ForbiddenError("this action needs a council account")
    return council


def parked_store(caller: Caller) -> CaseStore:
    """Council staff see their council's parked applications; national administrators those of unknown councils."""
    if caller.national_admin:
        return store_for(None)
    require_editor(caller, "replaying applications")
    return store_for(caller.council_code)


def intake_answer(outcome: IntakeOutcome) -> Response[IntakeOutcome]:
    return json_response(HTTPStatus.CREATED if outcome.status is IntakeStatus.CREATED else HTTPStatus.OK, outcome)


@app.post("/applications", summary="Key in an application received on paper, by phone or in person", responses=answers(INTAKE, *WITH_BODY))
def submit_application(application: Application) -> Response[IntakeOutcome]:
    caller = current_caller()
    require_editor(caller, "keying in applications")
    if application.council_code != caller.council_code:
        raise ForbiddenError(f"council_code must be your council, {caller.council_code}")
    return intake_answer(intake_service().accept(application, actor=caller.actor))


@app.post("/applications/national", summary="Take in an application in the national Blue Badge service's own format (its Applications API 1.0.8)",
          responses=answers(INTAKE, *WITH_BODY, overrides={HTTPStatus.UNPROCESSABLE_ENTITY: (
              "Not an application in the national format (the body's fields named), or a value we cannot map: parked, its "
              "reasons naming the national fields", STILL_PARKED)}))
def submit_national_application(application: NationalApplication) -> Response[IntakeOutcome]:
    caller = current_caller()
    require_editor(caller, "taking in national applications")
    intake = intake_service()
    council = intake.national_council(application.localAuthorityCode)
    if council is None or council.code != caller.council_code:
        raise ForbiddenError(f"localAuthorityCode must be your council's code in the national service, not {application.localAuthorityCode}")
    # The record as sent is what the case keeps as its original (domain/national.py maps it, field by field).
    outcome = intake.receive(app.current_event.json_body, source=f"{NATIONAL_SOURCE_PREFIX}api:{caller.actor}")
    if outcome.status is IntakeStatus.PARKED:
        return json_response(HTTPStatus.UNPROCESSABLE_ENTITY, outcome)
    return intake_answer(outcome)


@app.get("/cases", summary="One page of a work queue: by stage, type, eligibility route, assignee ('me' for yours), age and priority",
         responses=PAGE)
def list_cases(
    stage: Annotated[Stage | None, Query(description="Required unless assignee is given")] = None,
    application_type: Annotated[ApplicationType | None, Query()] = None,
    route: Annotated[EligibilityCode | None, Query(description="Eligibility route")] = None,
    assignee: Annotated[str | None, Query(max_length=254)] = None,
    team: Annotated[str | None, Query(pattern=TEAM_KEY_PATTERN, description="A team of the council (with a stage)")] = None,
    older_than_days: Annotated[int | None, Query(ge=0, le=3650, description="Only cases received more than this many working days ago")] = None,
    min_priority: Annotated[int | None, Query(ge=0, le=100)] = None,
    sort: Annotated[QueueOrder, Query()] = QueueOrder.OLDEST,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> QueuePage:
    caller = current_caller()
    store = council_store(caller)
    query = QueueQuery(stage=stage, application_type=application_type, route=route, assignee=assignee, team=team,
                       older_than_days=older_than_days, min_priority=min_priority, sort=sort)
    cases, next_cursor = store.queue(queue_filter(query, caller, callers_council(caller), utcnow()), limit=limit, after=cursor)
    return QueuePage(cases=[QueueEntry.of(case) for case in cases], cursor=next_cursor)


@app.get("/cases/<case_id>", summary="Everything about a case: application, missing items, evidence, notes, history and badges",
         responses=answers({HTTPStatus.OK: "The case, its notes, badges and history"}, HTTPStatus.NOT_FOUND))
def get_case(case_id: CASE_ID) -> CaseDetail:
    caller = current_caller()
    logger.append_keys(case_id=case_id)
    loaded = view_case(council_store(caller), case_id, caller, utcnow())
    if loaded is None:
        raise NotFoundError(f"no case {case_id}")
    return CaseDetail.of(loaded)


@app.get("/cases/<case_id>/person", summary="The single view of the case's person: earlier applications, badges, possible duplicates",
         responses=answers({HTTPStatus.OK: "The person's other applications (newest first), badges and open duplicates"}, HTTPStatus.NOT_FOUND))
def get_person(case_id: CASE_ID) -> PersonView:
    caller = current_caller()
    require_staff(caller, "seeing a person's other cases")
    store = council_store(caller)
    case = visible_case(store, case_id, caller)
    if case is None:
        raise NotFoundError(f"no case {case_id}")
    return person_view(store, case)


class SearchInput(BaseModel):
    """What to look for; sent as a body, so no NI number, name, date of birth or postcode is ever in a URL or its logs."""

    model_config = ConfigDict(extra="forbid")

    kind: SearchKind
    value: Annotated[str, Field(min_length=2, max_length=100), OneLine]
    date_of_birth: ISO_DATE | None = Field(default=None, description="Required with kind=PERSON (value is the surname)")


@app.post("/search", summary="Find cases by badge number, surname + date of birth, postcode or NI number",
          responses=answers({HTTPStatus.OK: "The cases found, newest first"}, *WITH_BODY))
def search_cases(query: SearchInput) -> SearchResults:
    caller = current_caller()
    require_staff(caller, "searching")
    try:
        results = search(council_store(caller), query.kind, query.value, query.date_of_birth)
    except (ValueError, BadgeRuleError) as error:
        field = "date_of_birth" if query.kind is SearchKind.PERSON and query.date_of_birth is None else "value"
        raise InvalidQuery(field, str(error), location="body") from error
    return SearchResults(results=results)


def require_staff(caller: Caller, doing: str) -> None:
    """Council staff other than assessors (who see only the cases referred to them)."""
    if not caller.has_any(*EDITING_ROLES, Role.READ_ONLY):
        raise ForbiddenError(f"{doing} needs a caseworker, team leader, council admin or read-only role")


def staff_of(caller: Caller, *roles: Role) -> StaffCheck:
    """Whether someone is one of the caller's council's staff with `roles` (the user pool's groups, read only when asked)."""
    return lambda person: person.lower() in staff_directory().members(caller.council_code, roles)


@app.post("/cases/<case_id>/assignment", summary="Claim or release a case; team leaders give it to someone", responses=CASE_STEP)
def assign_case(case_id: CASE_ID, assignment: AssignmentInput) -> CaseAnswer:
    caller = current_caller()
    logger.append_keys(case_id=case_id)
    return found(assign(council_store(caller), case_id, assignment.assignee, assignment.expected_version, caller, utcnow(),
                        staff_of(caller, *EDITING_ROLES)), case_id)


@app.post("/assignments", summary="Team leaders: give many cases to someone (or release them); each case answers on its own",
          responses=answers({HTTPStatus.OK: "Each case's own answer: 200 done, 404 no such case, 409 changed since read"}, *WITH_BODY))
def assign_cases(assignment: BulkAssignment) -> BulkResults:
    caller = current_caller()
    return BulkResults(results=assign_many(council_store(caller), assignment, caller, utcnow(), staff_of(caller, *EDITING_ROLES)))


class PriorityChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expected_version: ExpectedVersion
    priority: int = Field(ge=0, le=100, description="0 lowest, 100 most urgent; 50 by default")


@app.post("/cases/<case_id>/priority", summary="Team leaders: override a case's priority", responses=CASE_STEP)
def change_priority(case_id: CASE_ID, change: PriorityChange) -> CaseAnswer:
    caller = current_caller()
    return found(set_priority(council_store(caller), case_id, change.priority, change.expected_version, caller, utcnow()), case_id)


@app.post("/cases/<case_id>/referral", summary="Refer a case at assessment to an assessor", responses=CASE_STEP)
def refer_case(case_id: CASE_ID, referral: ReferralInput) -> CaseAnswer:
    caller = current_caller()
    return found(refer(council_store(caller), case_id, referral.assessor, referral.expected_version, caller, utcnow(),
                       staff_of(caller, Role.ASSESSOR)), case_id)


@app.post("/cases/<case_id>/team", summary="Team leaders: move a case to another of the council's teams", responses=CASE_STEP)
def move_case_to_team(case_id: CASE_ID, moved: TeamInput) -> CaseAnswer:
    caller = current_caller()
    store = council_store(caller)
    return found(move_to_team(store, callers_council(caller), case_id, moved.team, moved.expected_version, caller, utcnow()), case_id)


@app.post("/cases/<case_id>/notes", summary="Add a note to a case", status_code=HTTPStatus.CREATED,
          responses=answers({HTTPStatus.CREATED: "The note as kept"}, *WITH_BODY, HTTPStatus.NOT_FOUND))
def note_case(case_id: CASE_ID, note: NoteInput) -> NoteAdded:
    caller = current_caller()
    added = add_note(council_store(caller), case_id, note.text, caller, utcnow())
    if added is None:
        raise NotFoundError(f"no case {case_id}")
    return NoteAdded(note=added)


def human_step(step: Callable[..., Case | None], case_id: str, given: BaseModel) -> CaseAnswer:
    """Record a person's step on the caller's council's case and resume its workflow."""
    caller = current_caller()
    logger.append_keys(case_id=case_id)
    return found(step(council_store(caller), workflows(), case_id, given, caller, utcnow()), case_id)


@app.post("/cases/<case_id>/proof-check", summary="Automatic routes: record the check of the proof of eligibility", responses=CASE_STEP)
def check_proof(case_id: CASE_ID, check: decisions.ProofCheckInput) -> CaseAnswer:
    return human_step(decisions.record_proof_check, case_id, check)


@app.post("/cases/<case_id>/assessment", summary="Further-assessment routes: record the assessment (caseworkers, or the assessor it is referred to)",
          responses=CASE_STEP)
def assess(case_id: CASE_ID, assessment: decisions.AssessmentInput) -> CaseAnswer:
    return human_step(decisions.record_assessment, case_id, assessment)


@app.post("/cases/<case_id>/decision", summary="Approve (with the badge's start and delivery) or refuse (with reasons)", responses=CASE_STEP)
def decide(case_id: CASE_ID, decision: decisions.DecisionInput) -> CaseAnswer:
    return human_step(decisions.decide, case_id, decision)


@app.post("/cases/<case_id>/payment", summary="Record the badge fee paid for an approved case", responses=CASE_STEP)
def pay(case_id: CASE_ID, payment: decisions.PaymentInput) -> CaseAnswer:
    caller = current_caller()
    return found(decisions.record_payment(council_store(caller), workflows(), callers_council(caller), case_id, payment, caller, utcnow()),
                 case_id)


@app.post("/cases/<case_id>/review-request", summary="Record the applicant's request for a review of the refusal", responses=CASE_STEP)
def ask_for_review(case_id: CASE_ID, request: decisions.ReviewRequestInput) -> CaseAnswer:
    return human_step(decisions.request_review, case_id, request)


@app.post("/cases/<case_id>/review", summary="Uphold or overturn a refusal (not by the caseworker who refused)", responses=CASE_STEP)
def review_refusal(case_id: CASE_ID, review: decisions.ReviewInput) -> CaseAnswer:
    return human_step(decisions.review, case_id, review)


@app.post("/cases/<case_id>/information-request",
          summary="At a proof check, assessment or decision: ask the applicant for missing items; the case is screened again once answered",
          responses=CASE_STEP)
def ask_for_information(case_id: CASE_ID, request: decisions.InformationRequestInput) -> CaseAnswer:
    return human_step(decisions.request_information, case_id, request)


@app.post("/cases/<case_id>/recovery",
          summary="Council administrators: start the case's stopped workflow again (failed, timed out or aborted) where the case stands",
          responses=CASE_STEP)
def recover_workflow(case_id: CASE_ID, request: recovery.RecoveryInput) -> CaseAnswer:
    caller = current_caller()
    logger.append_keys(case_id=case_id)
    return found(recovery.recover(council_store(caller), workflows(), callers_council(caller), case_id, request, caller, utcnow()), case_id)


@app.get("/badges", summary="Your council's badges the printer rejected (status=REJECT), oldest order first, to correct and order again",
         responses=PAGE)
def list_badges(
    status: Annotated[BadgeStatus, Query(description="REJECT: the only status listed (find other badges by number or by case)")],
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> BadgePage:
    caller = current_caller()
    require_staff(caller, "seeing badges")
    if status is not BadgeStatus.REJECT:
        raise InvalidQuery("status", "only REJECT badges are listed; find other badges by number or by case")
    badges, next_cursor = council_store(caller).rejected_badges(limit=limit, after=cursor)
    return BadgePage(badges=badges, cursor=next_cursor)


@app.get("/badges/<badge_number>", summary="A badge of your council", responses=answers({HTTPStatus.OK: "The badge"}, HTTPStatus.NOT_FOUND))
def get_badge(badge_number: BADGE_NUMBER) -> BadgeAnswer:
    caller = current_caller()
    require_staff(caller, "seeing badges")
    return badge_found(council_store(caller).get_badge(badge_number), badge_number)


@app.post("/badges/<badge_number>/cancel", summary="Cancel a badge with a reason", responses=BADGE_STEP)
def cancel(badge_number: BADGE_NUMBER, request: CancelBadgeInput) -> BadgeAnswer:
    caller = current_caller()
    return badge_found(cancel_badge(council_store(caller), badge_number, request, caller, utcnow()), badge_number)


@app.post("/badges/<badge_number>/reorder", summary="Order again a badge the printer rejected, with corrections to the holder's details",
          responses=BADGE_STEP)
def reorder(badge_number: BADGE_NUMBER, request: ReorderBadgeInput) -> BadgeAnswer:
    caller = current_caller()
    return badge_found(reorder_badge(council_store(caller), badge_number, request, caller, utcnow()), badge_number)


@app.post("/badges/<badge_number>/replace", summary="Open a replacement for a lost, stolen, damaged or undelivered badge",
          responses=answers(INTAKE, *WITH_BODY, HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT))
def replace(badge_number: BADGE_NUMBER, request: ReplaceBadgeInput) -> Response[IntakeOutcome]:
    caller = current_caller()
    require_editor(caller, "replacing a badge")
    outcome = replace_badge(council_store(caller), intake_service(), badge_number, request, caller, utcnow())
    if outcome is None:
        raise NotFoundError(f"no badge {badge_number}")
    return intake_answer(outcome)


@app.post("/cases/<case_id>/supplied", summary="Record missing information the applicant supplied; the workflow continues", responses=CASE_STEP)
def supply_information(case_id: CASE_ID, supplied: SuppliedInformation) -> CaseAnswer:
    caller = current_caller()
    require_editor(caller, "recording supplied information")
    logger.append_keys(case_id=case_id)
    case = record_supplied(council_store(caller), councils().get(caller.council_code), workflows(), case_id, supplied, caller.actor, utcnow())
    return found(case, case_id)


@app.get("/parked", summary="Applications that could not become cases, with the reasons", responses=PAGE)
def list_parked(
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> ParkedPage:
    items, next_cursor = parked_store(current_caller()).parked(limit=limit, after=cursor)
    return ParkedPage(parked=items, cursor=next_cursor)


@app.get("/parked/<parked_id>", summary="One parked application",
         responses=answers({HTTPStatus.OK: "The parked application and why it was parked"}, HTTPStatus.NOT_FOUND))
def get_parked(parked_id: PARKED_ID) -> ParkedApplication:
    parked = intake_service().open_parked(parked_store(current_caller()), parked_id)
    if parked is None:
        raise NotFoundError(f"no parked application {parked_id}")
    return parked


@app.post("/parked/<parked_id>/replay", summary="Try a parked application again, as it was or corrected",
          responses=answers(INTAKE, *WITH_BODY, HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT, overrides={
              HTTPStatus.UNPROCESSABLE_ENTITY: ("Still not a valid application: parked again, with its reasons (or a bad parked id)", STILL_PARKED)}))
def replay_parked(parked_id: PARKED_ID, corrected: Annotated[dict[str, Any] | None, Body()] = None) -> Response[IntakeOutcome]:
    caller = current_caller()
    outcome = intake_service().replay(parked_store(caller), parked_id, corrected, actor=caller.actor)
    if outcome is None:
        raise NotFoundError(f"no parked application {parked_id}")
    if outcome.status is IntakeStatus.PARKED:
        return json_response(HTTPStatus.UNPROCESSABLE_ENTITY, outcome)
    return intake_answer(outcome)


@app.exception_handler(RequestValidationError)
def invalid_request(error: RequestValidationError) -> Response:
    """422 naming each bad field and why, in the shape parked applications use for their reasons."""
    problems = [
        FieldProblem(field="(body)" if problem["type"] == "json_invalid" else ".".join(str(part) for part in problem["loc"][1:]) or problem["loc"][0],
                     location=problem["loc"][0], message=problem.get("msg", problem["type"]))
        for problem in error.errors()
    ]
    return unprocessable("the request is not valid", problems)


@app.exception_handler(RequestUnsupportedContentType)
def unsupported_content(error: RequestUnsupportedContentType) -> Response:
    return refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json")


@app.exception_handler([RecursionError, UnicodeDecodeError, ValueError])
def unreadable_request(error: Exception) -> Response:
    """A body the parser cannot read at all (nested too deep, not UTF-8, a multipart without a boundary)."""
    logger.info("unreadable request", extra={"error": type(error).__name__})
    reason = "nested too deeply" if isinstance(error, RecursionError) else "not UTF-8" if isinstance(error, UnicodeDecodeError) else str(error)[:200]
    return refused(HTTPStatus.BAD_REQUEST, f"the request body cannot be read: {reason}")


@app.exception_handler([InvalidQuery, QueueNotAllowed])
def invalid_query(error: InvalidQuery | QueueNotAllowed) -> Response:
    location = error.location if isinstance(error, InvalidQuery) else "query"
    return unprocessable("the request is not valid", [FieldProblem(field=error.field, location=location, message=str(error))])


@app.exception_handler(InvalidSupply)
def invalid_supply(error: InvalidSupply) -> Response:
    errors = [FieldProblem(field=reason.field, location="body", message=reason.message) for reason in error.reasons]
    return unprocessable("the supplied information is not valid", errors)


@app.exception_handler(ReplacementNotPossible)
def replacement_not_possible(error: ReplacementNotPossible) -> Response:
    errors = [FieldProblem(field=reason.field, location="badge", message=reason.message) for reason in error.reasons]
    return unprocessable("the replacement cannot be made from this badge", errors)


@app.exception_handler(EvidenceRefused)
def refused_evidence(error: EvidenceRefused) -> Response:
    """A document key outside the folder this request may use, or naming no uploaded file."""
    errors = [FieldProblem(field=reason.field, location="body", message=reason.message) for reason in error.reasons]
    return unprocessable("a document cannot be taken from where it is", errors)


@app.exception_handler([InvalidStep, BadgeNotChangeable])
def refused_by_rule(error: InvalidStep | BadgeNotChangeable) -> Response:
    message = error.message if isinstance(error, InvalidStep) else error.reason
    return unprocessable("a rule refuses this", [FieldProblem(field=error.field, location="body", message=message)])


@app.exception_handler([NoCouncilAccess, ActionNotAllowed])
def no_council_access(error: PermissionError) -> Response:
    return refused(HTTPStatus.FORBIDDEN, str(error))


@app.exception_handler(InvalidCursor)
def bad_cursor(error: InvalidCursor) -> Response:
    return refused(HTTPStatus.BAD_REQUEST, f"query parameter 'cursor': {error}")


@app.exception_handler([ReplayNotAllowed, StaleVersion, NotWaitingForInformation, StepNotOpen, recovery.NothingToRecover])
def conflict(error: Exception) -> Response:
    return refused(HTTPStatus.CONFLICT, str(error))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
@one_invocation  # each council's settings read once per invocation, never kept for the next
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    body = event.get("body") or ""
    if len(body.encode("utf-8")) > API_MAX_BODY_BYTES:
        too_large = Refusal(statusCode=HTTPStatus.REQUEST_ENTITY_TOO_LARGE, message=f"request body over {API_MAX_BODY_BYTES} bytes")
        return {"statusCode": 413, "headers": {"Content-Type": "application/json"}, "body": too_large.model_dump_json()}
    return app.resolve(event, context)
