"""The caseworker web UI and the applicant's reply page: server-rendered GOV.UK Frontend pages.

Thin by design: the routes live in web/pages/, every request passes web/security.py's session and CSRF
checks first, and the pages call the same services as the JSON API.
"""

from http import HTTPStatus

from aws_lambda_powertools import Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.exceptions import ForbiddenError, NotFoundError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.core.adapters.case_store import StaleVersion
from shared.core.logic.casework import ActionNotAllowed
from shared.core.logic.steps import StepNotOpen
from shared.core.logic.tenancy import NoCouncilAccess
from web.pages import ROUTERS
from web.rendering import render_html
from web.security import logger, session_middleware
from shared.bootstrap import TRACED_MODULES, one_invocation

tracer = Tracer(patch_modules=TRACED_MODULES)
metrics = Metrics()
app = APIGatewayRestResolver()
app.use(middlewares=[session_middleware])
for router in ROUTERS:
    app.include_router(router)


def _error_page(status: HTTPStatus, title: str, message: str, **way_back: str) -> Response:
    return render_html("error.html", status, session=app.context.get("session"), title=title, message=message, **way_back)


@app.not_found
def page_not_found(_: NotFoundError) -> Response:
    return _error_page(HTTPStatus.NOT_FOUND, "Page not found", "If you typed the web address, check it is correct.")


@app.exception_handler(NotFoundError)
def thing_not_found(error: NotFoundError) -> Response:
    return _error_page(HTTPStatus.NOT_FOUND, "Page not found", str(error.msg))


@app.exception_handler(ForbiddenError)
def not_allowed(error: ForbiddenError) -> Response:
    return _error_page(HTTPStatus.FORBIDDEN, "You cannot do that", str(error.msg))


@app.exception_handler([ActionNotAllowed, NoCouncilAccess])
def refused_by_service(error: PermissionError) -> Response:
    return _error_page(HTTPStatus.FORBIDDEN, "You cannot do that", str(error))


@app.exception_handler([StaleVersion, StepNotOpen])
def changed_meanwhile(error: Exception) -> Response:
    # Optimistic locking: someone else saved the case (or moved its workflow on) since this page was loaded. Every action
    # on a case is under its page (/cases/<id>/..., /referrals/<id>/...), so the way back is the address's first two parts.
    parts = app.current_event.path.split("/")
    noun = CASE_PAGES.get(parts[1]) if len(parts) > 3 else None
    if noun is None:
        return _error_page(HTTPStatus.CONFLICT, "This has changed since you opened it",
                           "Someone else has updated it. Open it again to see the latest version, then try again.")
    return _error_page(
        HTTPStatus.CONFLICT, f"This {noun} has changed since you opened it",
        f"Someone else has updated it. Go back to the {noun} to see the latest version, then try again.",
        back_href="/".join(parts[:3]), back_text=f"Go back to the {noun}",
    )


CASE_PAGES = {"cases": "case", "referrals": "referral"}  # the first part of a case page's address -> what it shows


# clear_state: a warm function serves staff and applicants in turn, so no request's user or council may carry over.
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
@one_invocation  # each council's settings read once per invocation, never kept for the next
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
