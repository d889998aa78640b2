"""The partner professionals' own user pool (Family Front Door portal), apart from staff's: a partner token carries no
council group and is never accepted where staff sign in, and the staff pool's groups grant nothing here.

Self-registration is open, but the pre-sign-up trigger (functions/partner_sign_up) admits only an email whose domain is
on the chosen council's allow-list; the council is an immutable custom attribute set at sign-up. Email verification
by code, TOTP MFA required, threat protection as for staff.

The pool's emails (registration codes, account recovery) go through Cognito's own sender, which sends only a few dozen
a day, unless the deployment names an SES identity (context `partnerEmail`, PartnerEmail): then through SES, from that
verified identity, with the configuration set if one is named.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Annotated

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from infra.constructs.api import sign_in_client
from shared.resources import PARTNER_COUNCIL_ATTRIBUTE, PARTNER_USER_POOL_CLIENT_NAME, PARTNER_USER_POOL_NAME

# What the web function may do to partner accounts: the account check, and a council admin's suspend and re-enable.
PARTNER_ADMIN_ACTIONS = ("cognito-idp:AdminGetUser", "cognito-idp:AdminDisableUser", "cognito-idp:AdminEnableUser")


EmailAddress = Annotated[str, Field(pattern=r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$", max_length=254)]


class PartnerEmailConfigError(ValueError):
    """The `partnerEmail` context is not usable (the message names the field)."""


class PartnerEmail(BaseModel):
    """The `partnerEmail` context: the SES identity the partner pool sends from. `verified_domain`: when the identity
    verified in SES is the address's domain rather than the address itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    from_address: EmailAddress
    from_name: str | None = Field(default=None, min_length=1, max_length=100)
    reply_to: EmailAddress | None = None
    configuration_set: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    verified_domain: str | None = Field(default=None, pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$")

    def user_pool_email(self) -> cognito.UserPoolEmail:
        return cognito.UserPoolEmail.with_ses(
            from_email=self.from_address, from_name=self.from_name, reply_to=self.reply_to,
            configuration_set_name=self.configuration_set, ses_verified_domain=self.verified_domain)


def partner_email(context_value: object) -> PartnerEmail | None:
    """The `partnerEmail` context (an object in cdk.json, or its JSON with -c), validated; None: Cognito's own sender."""
    if context_value in (None, ""):
        return None
    try:
        settings = json.loads(context_value) if isinstance(context_value, str) else context_value
        chosen = PartnerEmail.model_validate(settings)
    except (ValueError, ValidationError) as error:
        problems = ("; ".join(f"field '{'.'.join(map(str, e['loc']))}': {e['msg']}" for e in error.errors())
                    if isinstance(error, ValidationError) else str(error))
        raise PartnerEmailConfigError(f"context partnerEmail: {problems}") from None
    if chosen.verified_domain and not chosen.from_address.lower().endswith(f"@{chosen.verified_domain}"):
        raise PartnerEmailConfigError(f"context partnerEmail: field 'from_address' must be at the verified domain {chosen.verified_domain}")
    return chosen


class PartnerIdentity(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, sign_up_trigger: lambda_.IFunction,
                 administered_by: Sequence[iam.IRole], email: PartnerEmail | None = None) -> None:
        super().__init__(scope, construct_id)
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            user_pool_name=PARTNER_USER_POOL_NAME,
            self_sign_up_enabled=True,
            sign_in_aliases=cognito.SignInAliases(email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            # The email's domain decides the partner's agency: a changed address takes effect only once confirmed, so an
            # unconfirmed one never stands (the portal also refuses a token whose email is not verified).
            keep_original=cognito.KeepOriginalAttrs(email=True),
            user_verification=cognito.UserVerificationConfig(
                email_subject="Your Family Front Door portal code",
                email_body="Your code to finish registering for the Family Front Door portal is {####}. "
                           "If you did not register, you can ignore this email.",
                email_style=cognito.VerificationEmailStyle.CODE,
            ),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True),
                fullname=cognito.StandardAttribute(required=True, mutable=True),
            ),
            # Set once at sign-up and checked there by the trigger: a partner cannot move themselves to another council.
            custom_attributes={PARTNER_COUNCIL_ATTRIBUTE: cognito.StringAttribute(min_len=3, max_len=10, mutable=False)},
            password_policy=cognito.PasswordPolicy(
                min_length=12, require_lowercase=True, require_uppercase=True, require_digits=True, require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            mfa=cognito.Mfa.REQUIRED,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            # Partners write about children at risk: compromised-credential and adaptive-authentication checks, as for staff.
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
            email=email.user_pool_email() if email else None,
        )
        self.user_pool.add_trigger(cognito.UserPoolOperation.PRE_SIGN_UP, sign_up_trigger)

        attributes = cognito.ClientAttributes().with_standard_attributes(email=True, fullname=True)
        self.client = sign_in_client(
            self.user_pool,
            "PortalClient",
            PARTNER_USER_POOL_CLIENT_NAME,
            # The council is written at sign-up only (the attribute is immutable) and read into the ID token.
            read_attributes=attributes.with_standard_attributes(email_verified=True).with_custom_attributes(PARTNER_COUNCIL_ATTRIBUTE),
            write_attributes=attributes.with_custom_attributes(PARTNER_COUNCIL_ATTRIBUTE),
        )
        for role in administered_by:
            role.add_to_principal_policy(iam.PolicyStatement(actions=list(PARTNER_ADMIN_ACTIONS), resources=[self.user_pool.user_pool_arn]))
