"""On a schedule, where the print supplier runs its own SFTP server: collects its result files from there (host key
pinned, the print push's client key) into its inbox folder of the print drop bucket, whose arrival applies them."""

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.bootstrap import TRACED_MODULES, pull_desk
from shared.services.blue_badge.logic import print_pull

logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    server, inbox = pull_desk()
    outcome = print_pull.pull(server, inbox)
    logger.info("supplier result files collected", extra=outcome.summary())
    return outcome.summary()
