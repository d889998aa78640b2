"""S3 calls this function (asynchronously, retried twice on failure) for each object created in the print supplier's
inbox folder: a confirmation or rejection file, applied by shared/services/blue_badge/logic/print_results.py."""

from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.data_classes import S3Event, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.bootstrap import TRACED_MODULES, one_invocation, results_desk
from shared.core.domain.case import utcnow
from shared.resources import SUPPLIER_INBOX
from shared.services.blue_badge.logic import print_results
from shared.services.blue_badge.metrics import count_result_file
from shared.core.adapters.metrics import emit

logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)
metrics = Metrics()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
@event_source(data_class=S3Event)
@one_invocation  # each council's settings read once per invocation, never kept for the next
def lambda_handler(event: S3Event, context: LambdaContext) -> dict:
    desk = results_desk()
    files = []
    for record in event.records:
        key = unquote_plus(record.s3.get_object.key)  # S3 sends keys URL-encoded (a space as "+")
        logger.append_keys(result_file=key)
        if record.s3.bucket.name != desk.files.bucket or not key.startswith(SUPPLIER_INBOX) or key.endswith("/"):
            logger.info("not a result file in the supplier's inbox: ignored")  # e.g. the folder marker an SFTP mkdir makes
            continue
        data = desk.files.read(key, print_results.MAX_RESULT_FILE_BYTES)
        if data is None:
            logger.info("result file no longer in the inbox: an earlier delivery of this event handled it")
            continue
        outcome = print_results.apply_result_file(desk, key, data, utcnow)
        summary = outcome.summary()
        if outcome.quarantined:
            logger.warning("result file quarantined", extra=summary)
        else:
            logger.info("result file applied", extra=summary)
            if outcome.skipped:
                logger.warning("results skipped", extra={"skipped": summary["skipped"]})
        count_result_file(outcome, emit)
        files.append(summary)
    return {"files": files}
