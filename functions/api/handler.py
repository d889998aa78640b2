"""Caseworker REST API. Every route works on the caller's own council only: the council comes from
the identity token's groups, never from the request, so a case of another council answers 404."""

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import ForbiddenError, NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field

from shared.adapters.aws import councils, intake_service, store_for, workflows
from shared.adapters.case_store import CaseStore, InvalidCursor, StaleVersion
from shared.domain.application import Application
from shared.domain.case import Case, Stage, utcnow
from shared.domain.formats import Email
from shared.resources import API_MAX_BODY_BYTES
from shared.service.casework import EDITING_ROLES, AssignmentNotAllowed, assign, view_case
from shared.service.information import InvalidSupply, NotWaitingForInformation, SuppliedInformation, record_supplied
from shared.service.intake import IntakeOutcome, IntakeStatus, ReplayNotAllowed
from shared.service.tenancy import Caller, NoCouncilAccess, caller_from_claims

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = APIGatewayRestResolver(enable_validation=True)

CASE_ID = Annotated[str, Path(pattern=r"^[A-Z0-9-]{6,64}$")]
PARKED_ID = Annotated[str, Path(pattern=r"^P-[0-9A-F-]{6,40}$")]


def case_view(case: Case) -> dict:
    """A case as staff see it: the workflow's callback token stays inside the platform."""
    return case.model_dump(mode="json", exclude={"task_token"})


def json_response(status: HTTPStatus, body: Any) -> Response:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


def unprocessable(message: str, errors: list[dict]) -> Response:
    """422 naming each bad field and why: {field, location, message} per problem."""
    return json_response(HTTPStatus.UNPROCESSABLE_ENTITY, {"statusCode": 422, "message": message, "errors": errors})


def require_editor(caller: Caller, doing: str) -> None:
    if not caller.has_any(*EDITING_ROLES):
        raise ForbiddenError(f"{doing} needs the caseworker, team leader or council admin role")


def current_caller() -> Caller:
    claims = app.current_event.request_context.authorizer.claims or {}
    caller = caller_from_claims(claims)
    logger.append_keys(council_code=caller.council_code, user=caller.user)
    return caller


def council_store(caller: Caller) -> CaseStore:
    if caller.council_code is None:
        raise ForbiddenError("this action needs a council account")
    return store_for(caller.council_code)


def parked_store(caller: Caller) -> CaseStore:
    """Council staff see their council's parked applications; national administrators those of unknown councils."""
    if caller.national_admin:
        return store_for(None)
    require_editor(caller, "replaying applications")
    return store_for(caller.council_code)


@app.post("/applications", summary="Key in an application received on paper, by phone or in person")
def submit_application(application: Application) -> Response[IntakeOutcome]:
    caller = current_caller()
    require_editor(caller, "keying in applications")
    if application.council_code != caller.council_code:
        raise ForbiddenError(f"council_code must be your council, {caller.council_code}")
    outcome = intake_service().accept(application, actor=caller.actor)
    status = HTTPStatus.CREATED if outcome.status is IntakeStatus.CREATED else HTTPStatus.OK
    return json_response(status, outcome.model_dump(mode="json"))


@app.get("/cases", summary="One page of a work queue, oldest first: a stage's, or one person's (assignee, 'me' for yours)")
def list_cases(
    stage: Annotated[Stage, Query()] = Stage.RECEIVED,
    assignee: Annotated[str | None, Query(max_length=254)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> dict:
    caller = current_caller()
    store = council_store(caller)
    if assignee is None:
        cases, next_cursor = store.by_stage(stage, limit=limit, after=cursor)
    else:
        cases, next_cursor = store.by_assignee(caller.user if assignee == "me" else assignee, limit=limit, after=cursor)
    return {
        "cases": [
            {"case_id": case.case_id, "stage": case.stage.value, "received_at": case.received_at.isoformat(),
             "application_type": case.application.application_type.value, "channel": case.application.channel.value,
             "assignee": case.assignee, "missing": case.missing_codes}
            for case in cases
        ],
        "cursor": next_cursor,
    }


@app.get("/cases/<case_id>", summary="A case with its missing items and history")
def get_case(case_id: CASE_ID) -> dict:
    caller = current_caller()
    logger.append_keys(case_id=case_id)
    viewed = view_case(council_store(caller), case_id, caller, utcnow())
    if viewed is None:
        raise NotFoundError(f"no case {case_id}")
    case, history = viewed
    return {"case": case_view(case), "history": [entry.model_dump(mode="json") for entry in history]}


class Assignment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expected_version: int = Field(ge=1, description="The case version the caller saw; a newer one answers 409")
    assignee: Email | None = Field(description="Who works the case (their sign-in email); null releases it")


@app.post("/cases/<case_id>/assignment", summary="Claim or release a case; team leaders give it to someone")
def assign_case(case_id: CASE_ID, assignment: Assignment) -> dict:
    caller = current_caller()
    logger.append_keys(case_id=case_id)
    case = assign(council_store(caller), case_id, assignment.assignee, assignment.expected_version, caller, utcnow())
    if case is None:
        raise NotFoundError(f"no case {case_id}")
    return {"case": case_view(case)}


@app.post("/cases/<case_id>/supplied", summary="Record missing information the applicant supplied; the workflow continues")
def supply_information(case_id: CASE_ID, supplied: SuppliedInformation) -> dict:
    caller = current_caller()
    require_editor(caller, "recording supplied information")
    logger.append_keys(case_id=case_id)
    case = record_supplied(council_store(caller), councils().get(caller.council_code), workflows(), case_id, supplied, caller.actor, utcnow())
    if case is None:
        raise NotFoundError(f"no case {case_id}")
    return {"case": case_view(case)}


@app.get("/parked", summary="Applications that could not become cases, with the reasons")
def list_parked(
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> dict:
    items, next_cursor = parked_store(current_caller()).parked(limit=limit, after=cursor)
    return {"parked": [item.model_dump(mode="json") for item in items], "cursor": next_cursor}


@app.get("/parked/<parked_id>", summary="One parked application")
def get_parked(parked_id: PARKED_ID) -> dict:
    parked = parked_store(current_caller()).get_parked(parked_id)
    if parked is None:
        raise NotFoundError(f"no parked application {parked_id}")
    return parked.model_dump(mode="json")


@app.post("/parked/<parked_id>/replay", summary="Try a parked application again, as it was or corrected")
def replay_parked(parked_id: PARKED_ID, corrected: Annotated[dict[str, Any] | None, Body()] = None) -> Response[IntakeOutcome]:
    caller = current_caller()
    outcome = intake_service().replay(parked_store(caller), parked_id, corrected, actor=caller.actor)
    if outcome is None:
        raise NotFoundError(f"no parked application {parked_id}")
    if outcome.status is IntakeStatus.PARKED:
        return json_response(HTTPStatus.UNPROCESSABLE_ENTITY, outcome.model_dump(mode="json"))
    return json_response(HTTPStatus.CREATED if outcome.status is IntakeStatus.CREATED else HTTPStatus.OK, outcome.model_dump(mode="json"))


@app.exception_handler(RequestValidationError)
def invalid_request(error: RequestValidationError) -> Response:
    """422 naming each bad field and why, in the shape parked applications use for their reasons."""
    problems = [
        {"field": "(body)" if problem["type"] == "json_invalid" else ".".join(str(part) for part in problem["loc"][1:]) or problem["loc"][0],
         "location": problem["loc"][0], "message": problem.get("msg", problem["type"])}
        for problem in error.errors()
    ]
    return unprocessable("the request is not valid", problems)


@app.exception_handler(InvalidSupply)
def invalid_supply(error: InvalidSupply) -> Response:
    errors = [{"field": reason.field, "location": "body", "message": reason.message} for reason in error.reasons]
    return unprocessable("the supplied information is not valid", errors)


@app.exception_handler([NoCouncilAccess, AssignmentNotAllowed])
def no_council_access(error: PermissionError) -> Response:
    return json_response(HTTPStatus.FORBIDDEN, {"statusCode": 403, "message": str(error)})


@app.exception_handler(InvalidCursor)
def bad_cursor(error: InvalidCursor) -> Response:
    return json_response(HTTPStatus.BAD_REQUEST, {"statusCode": 400, "message": f"query parameter 'cursor': {error}"})


@app.exception_handler([ReplayNotAllowed, StaleVersion, NotWaitingForInformation])
def conflict(error: Exception) -> Response:
    return json_response(HTTPStatus.CONFLICT, {"statusCode": 409, "message": str(error)})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    body = event.get("body") or ""
    if len(body.encode("utf-8")) > API_MAX_BODY_BYTES:
        return {"statusCode": 413, "headers": {"Content-Type": "application/json"},
                "body": f'{{"statusCode": 413, "message": "request body over {API_MAX_BODY_BYTES} bytes"}}'}
    return app.resolve(event, context)
