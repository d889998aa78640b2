"""Staff identity (Cognito) and the caseworker REST API (API Gateway + WAF)."""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from shared.core.domain.council import CouncilConfig
from shared.resources import (
    API_NAME,
    NATIONAL_ADMIN_GROUP,
    PREFIX,
    USER_POOL_CLIENT_NAME,
    USER_POOL_NAME,
    Role,
    council_group,
    team_group,
)

API_STAGE_NAME = "v1"
API_RATE_LIMIT_PER_SECOND = 50
API_BURST_LIMIT = 100
WAF_REQUESTS_PER_IP_PER_5_MIN = 2000  # councils' staff often share one outbound IP
# The applicant's reply page is public and its links carry a secret: far fewer tries per address, so guessing is slow
# (the page itself also limits the sends and uploads of each real link).
WAF_REPLY_REQUESTS_PER_IP_PER_5_MIN = 100
# The public referral form: a referral is some 20 pages, and a hub booking a few more; far below the staff limit.
WAF_PUBLIC_FORM_REQUESTS_PER_IP_PER_5_MIN = 300


def _pascal(value: str) -> str:
    return "".join(part.capitalize() for part in value.replace("_", "-").split("-"))


class StaffIdentity(Construct):
    """User pool for council staff: admin-created accounts only, TOTP MFA, and the national-admin group.

    The groups per council and role (`council_groups`) live with each council's table in its council shard
    (infra/constructs/councils.py), so the number of councils does not grow this stack."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)

        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            user_pool_name=USER_POOL_NAME,
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True)
            ),
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            mfa=cognito.Mfa.REQUIRED,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            # Plus tier: threat protection (compromised-credential and adaptive authentication) enforced
            # for staff who can read applicants' health information.
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )

        self.client = sign_in_client(self.user_pool, "WebClient", USER_POOL_CLIENT_NAME)

        self.national_admin_group = cognito.CfnUserPoolGroup(
            self,
            "GroupNationalAdmin",
            user_pool_id=self.user_pool.user_pool_id,
            group_name=NATIONAL_ADMIN_GROUP,
            description="Platform administrators across all councils",
            precedence=0,
        )


def sign_in_client(user_pool: cognito.UserPool, construct_id: str, name: str, **attributes: Any) -> cognito.UserPoolClient:
    """The web UI's sign-in client on a pool (staff or partners): password and SRP sign-in from our own pages, no OAuth,
    no secret, no hint whether an account exists, revocable hour-long tokens and a working day's refresh."""
    return user_pool.add_client(
        construct_id,
        user_pool_client_name=name,
        generate_secret=False,
        auth_flows=cognito.AuthFlow(user_password=True, user_srp=True),
        disable_o_auth=True,
        prevent_user_existence_errors=True,
        enable_token_revocation=True,
        id_token_validity=Duration.hours(1),
        access_token_validity=Duration.hours(1),
        refresh_token_validity=Duration.hours(12),
        **attributes,
    )


def council_groups(scope: Construct, council: CouncilConfig, *, user_pool_id: str) -> dict[str, cognito.CfnUserPoolGroup]:
    """One Cognito group per role in `council` (e.g. NORTHSHIRE--caseworker) and one per team (e.g.
    NORTHSHIRE--team--asc-front-door), in the user pool `user_pool_id`."""
    groups = {
        council_group(council.code, role): cognito.CfnUserPoolGroup(
            scope,
            f"Group{_pascal(role.value)}",
            user_pool_id=user_pool_id,
            group_name=council_group(council.code, role),
            description=f"{role.value} at {council.name}",
        )
        for role in Role
    }
    for team in council.teams:
        groups[team_group(council.code, team.key)] = cognito.CfnUserPoolGroup(
            scope, f"Team{_pascal(team.key)}", user_pool_id=user_pool_id, group_name=team_group(council.code, team.key),
            description=f"{team.name} team at {council.name}",
        )
    return groups


class CaseworkApi(Construct):
    """REST API proxying every path to the api function behind a Cognito authorizer and a WAF web ACL."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        handler: lambda_.IFunction,
        user_pool: cognito.IUserPool,
        key: kms.IKey,
        log_retention: logs.RetentionDays,
    ) -> None:
        super().__init__(scope, construct_id)

        self.access_logs = access_log_group(self, API_NAME, key=key, log_retention=log_retention)
        self.rest_api = apigw.RestApi(
            self,
            "RestApi",
            rest_api_name=API_NAME,
            description="Caseworker REST API",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # Execution logging (below) needs the account-level API Gateway CloudWatch role.
            cloud_watch_role=True,
            cloud_watch_role_removal_policy=RemovalPolicy.RETAIN,
            deploy_options=logged_stage_options(self.access_logs),
        )

        # The stack exports the URL as ApiUrl; drop RestApi's automatic duplicate output.
        self.rest_api.node.try_remove_child("Endpoint")

        authorizer = apigw.CognitoUserPoolsAuthorizer(
            self, "Authorizer", cognito_user_pools=[user_pool], authorizer_name=f"{PREFIX}-staff"
        )
        validator = self.rest_api.add_request_validator(
            "RequestValidator",
            request_validator_name=f"{PREFIX}-basic",
            validate_request_parameters=True,
            validate_request_body=True,
        )
        integration = apigw.LambdaIntegration(handler, proxy=True, allow_test_invoke=False)
        method_options = apigw.MethodOptions(
            authorizer=authorizer,
            authorization_type=apigw.AuthorizationType.COGNITO,
            request_validator=validator,
        )
        self.rest_api.root.add_method("ANY", integration, **_as_kwargs(method_options))
        self.rest_api.root.add_resource("{proxy+}").add_method("ANY", integration, **_as_kwargs(method_options))

        self.web_acl = regional_web_acl(self, name=f"{PREFIX}-api", stage=self.rest_api.deployment_stage)


def access_log_group(scope: Construct, api_name: str, *, key: kms.IKey, log_retention: logs.RetentionDays) -> logs.LogGroup:
    return logs.LogGroup(
        scope,
        "AccessLogs",
        log_group_name=f"/aws/apigateway/{api_name}/access",
        retention=log_retention,
        encryption_key=key,
        removal_policy=RemovalPolicy.RETAIN,
    )


def logged_stage_options(access_logs: logs.ILogGroup) -> apigw.StageOptions:
    """The stage every REST API of the platform gets: JSON access logs, error execution logs without bodies, metrics,
    X-Ray and throttling. Execution logging needs the account's API Gateway CloudWatch role (CaseworkApi creates it)."""
    return apigw.StageOptions(
        stage_name=API_STAGE_NAME,
        access_log_destination=apigw.LogGroupLogDestination(access_logs),
        access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
            caller=True,
            http_method=True,
            ip=True,
            protocol=True,
            request_time=True,
            resource_path=True,
            response_length=True,
            status=True,
            user=True,
        ),
        logging_level=apigw.MethodLoggingLevel.ERROR,
        data_trace_enabled=False,  # request/response bodies hold personal data
        metrics_enabled=True,
        tracing_enabled=True,
        throttling_rate_limit=API_RATE_LIMIT_PER_SECOND,
        throttling_burst_limit=API_BURST_LIMIT,
    )


def regional_web_acl(scope: Construct, *, name: str, stage: apigw.Stage) -> wafv2.CfnWebACL:
    """protection_rules() on one API stage reached directly by its clients."""
    web_acl = wafv2.CfnWebACL(
        scope,
        "WebAcl",
        name=name,
        scope="REGIONAL",
        default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
        visibility_config=waf_visibility(name),
        rules=protection_rules(),
    )
    wafv2.CfnWebACLAssociation(scope, "WebAclAssociation", resource_arn=stage.stage_arn, web_acl_arn=web_acl.attr_arn)
    return web_acl


def protection_rules(public_prefix: str | None = None, public_form_prefix: str | None = None) -> list[wafv2.CfnWebACL.RuleProperty]:
    """AWS's common and known-bad-input rule sets and a rate limit per client address: the connection's source, which
    for a CloudFront web ACL is the viewer's own address as CloudFront saw it (no header a client could set).
    `public_prefix`: paths under it (the applicant's reply links) get the much lower WAF_REPLY_REQUESTS_PER_IP_PER_5_MIN;
    `public_form_prefix`: paths under it (public forms, no sign-in) get WAF_PUBLIC_FORM_REQUESTS_PER_IP_PER_5_MIN."""
    return [
        _managed_rule(
            "AWSManagedRulesCommonRuleSet",
            priority=0,
            # The body-size rule blocks bodies over 8 KB; application payloads and long forms are larger and
            # the functions enforce their own limits (API_MAX_BODY_BYTES, WEB_MAX_BODY_BYTES), so count instead.
            count_only=("SizeRestrictions_BODY",),
        ),
        _managed_rule("AWSManagedRulesKnownBadInputsRuleSet", priority=1),
        _rate_limit("rate-limit-per-ip", 2, WAF_REQUESTS_PER_IP_PER_5_MIN),
        *([_rate_limit("public-links-per-ip", 3, WAF_REPLY_REQUESTS_PER_IP_PER_5_MIN, public_prefix)] if public_prefix else []),
        *([_rate_limit("public-forms-per-ip", 4, WAF_PUBLIC_FORM_REQUESTS_PER_IP_PER_5_MIN, public_form_prefix)]
          if public_form_prefix else []),
    ]


def _rate_limit(name: str, priority: int, limit: int, path_prefix: str | None = None) -> wafv2.CfnWebACL.RuleProperty:
    """Block a client address over `limit` requests in 5 minutes (only requests under `path_prefix`, if given)."""
    scope_down = wafv2.CfnWebACL.StatementProperty(
        byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
            field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(uri_path={}),
            positional_constraint="STARTS_WITH",
            search_string=path_prefix,
            text_transformations=[wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="NONE")],
        )
    ) if path_prefix else None
    return wafv2.CfnWebACL.RuleProperty(
        name=name,
        priority=priority,
        action=wafv2.CfnWebACL.RuleActionProperty(block={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                aggregate_key_type="IP", limit=limit, scope_down_statement=scope_down,
            )
        ),
        visibility_config=waf_visibility(name),
    )


def _as_kwargs(options: apigw.MethodOptions) -> dict:
    return {
        "authorizer": options.authorizer,
        "authorization_type": options.authorization_type,
        "request_validator": options.request_validator,
    }


def waf_visibility(metric_name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=metric_name, sampled_requests_enabled=True
    )


def _managed_rule(name: str, *, priority: int, count_only: tuple[str, ...] = ()) -> wafv2.CfnWebACL.RuleProperty:
    return wafv2.CfnWebACL.RuleProperty(
        name=name,
        priority=priority,
        override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                vendor_name="AWS",
                name=name,
                rule_action_overrides=[
                    wafv2.CfnWebACL.RuleActionOverrideProperty(
                        name=rule, action_to_use=wafv2.CfnWebACL.RuleActionProperty(count={})
                    )
                    for rule in count_only
                ]
                or None,
            )
        ),
        visibility_config=waf_visibility(name),
    )
