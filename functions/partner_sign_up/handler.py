"""Cognito's pre-sign-up trigger of the partner pool: a partner professional may register only with an email address
whose domain their council has approved (the allow-list in the council's own table). The domain decides the agency, and
so the partner's permissions, which the portal reads afresh at every sign-in.

A refusal is an exception: Cognito answers the SignUp with UserLambdaValidationException, "PreSignUp failed with error
<this message>.", which the registration page shows. Nothing is confirmed or verified here: the email's code does that.
"""

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.bootstrap import TRACED_MODULES, councils, one_invocation, partner_directory_for
from shared.services.family_front_door.adapters.partner_accounts import COUNCIL_CLAIM
from shared.services.family_front_door.logic.partners import PartnerRefused, admit

logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)
# Self-registration through the portal, and accounts a council's administrators create; never a federated identity.
ADMITTED_SOURCES = ("PreSignUp_SignUp", "PreSignUp_AdminCreateUser")


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@one_invocation  # each council's settings read once per invocation, never kept for the next
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    """Cognito's PreSignUp event (read as a dict: Powertools' data classes cost every cold start their whole package)."""
    if event.get("triggerSource") not in ADMITTED_SOURCES:
        raise PartnerRefused("Register with your work email address on the portal")
    attributes = event["request"]["userAttributes"]
    council_code = attributes.get(COUNCIL_CLAIM)
    try:
        agency = admit(attributes.get("email", ""), council_code, councils(), partner_directory_for)
    except PartnerRefused as refused:
        logger.info("partner registration refused", extra={"council_code": council_code, "reason": str(refused)})
        raise
    logger.info("partner registration admitted", extra={"council_code": council_code, "agency_id": agency.agency_id})
    return event
