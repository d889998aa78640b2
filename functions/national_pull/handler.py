"""National pull: on a schedule, each council's new applications from its national Applications API into cases
(shared/services/blue_badge/logic/national_pull.py).

Every council is pulled even when another fails; then any failure is raised, so the scheduler's invocation is retried
by Lambda (the pull is idempotent: what was taken in is found again) and, failing every retry, kept in the function's
dead-letter queue for a person.
"""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.bootstrap import TRACED_MODULES, one_invocation, national_pullers

logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)
metrics = Metrics()


class PullFailed(Exception):
    """One or more councils' pulls failed (named, with the error type and status only: never a record's contents)."""


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
@one_invocation  # each council's settings read once per invocation, never kept for the next
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    reports, failed = [], []
    for puller in national_pullers():
        try:
            report = puller.run()
        except Exception as error:  # raised below, after the other councils are pulled
            failed.append(f"{puller.council_code}: {type(error).__name__}: {error}")
            logger.exception("national pull failed", extra={"council_code": puller.council_code})
            continue
        summary = {"council_code": report.council_code, "cases_created": report.created, "duplicates": report.duplicates,
                   "parked": report.parked, "not_this_council": report.not_this_council,
                   "artifacts_not_fetched": report.artifacts_not_fetched, "statuses_sent": report.statuses_sent, "pages": report.pages,
                   "pulled_to": report.pulled_to.isoformat()}
        logger.info("national pull done", extra=summary)
        reports.append(summary)
    if failed:
        raise PullFailed("; ".join(failed))
    return {"councils": reports}
