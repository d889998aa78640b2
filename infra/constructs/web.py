"""Hosting of the caseworker web UI: a CloudFront distribution in front of the web function's REST API (pages) and an
S3 bucket (GOV.UK Frontend's and our static assets), plus the web session table.

    browser --HTTPS--> CloudFront (web ACL: managed rules, rate limits per viewer address; WebEdgeStack, us-east-1)
                         --/assets/*--> S3 (Origin Access Control; the bucket stays private)
                         --anything else, with the origin secret header--> REST API (regional web ACL: that header
                           or nothing) --> web function (Lambda proxy)

CloudFront's access logs go to WebLogsStack's bucket (us-east-1) without the URI, which for a reply link holds its token.

The REST API has no authorizer: sign-in and the applicant's reply pages are public, and every other page checks
the server-side session itself (web/security.py). Locally infra/local/web.py stands in for all of this.
"""

from __future__ import annotations

from aws_cdk import DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, Tags
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra.constructs.api import API_STAGE_NAME, access_log_group, logged_stage_options, protection_rules, waf_visibility
from infra.constructs.storage import LaidOutTable, case_table
from infra.nag import NAG, acknowledge
from shared.resources import ASC_PUBLIC_PATH_PREFIX, PREFIX, REPLY_PATH_PREFIX, WEB_API_NAME, WEB_ASSETS_PATH, WEB_SESSION_TABLE_LAYOUT, WEB_SESSION_TABLE_NAME
from web.build import STAMP, build_assets

HSTS_MAX_AGE = Duration.days(730)  # two years, as the pages' own header (web/rendering.py)
ASSET_BROWSER_CACHE = Duration.hours(1)  # as the local stand-in serves them (infra/local/web.py)
LOG_RETENTION_DAYS = 400
# CloudFront sends this header, with a secret value, on every request to the pages' API; the API's web ACL refuses
# requests without it, so the execute-api address is no way around CloudFront's web ACL. (CloudFront replaces a
# header of this name that a viewer sends.)
ORIGIN_VERIFY_HEADER = "x-casework-origin-verify"
EDGE_REGION = "us-east-1"  # CloudFront takes only web ACLs of scope CLOUDFRONT, which exist only in us-east-1
# The distribution's access-log fields (standard logging v2, WebLogsStack), in the legacy logs' order. Left out:
# cs-uri-stem and cs-uri-query (a reply link's path is its single-use token), cs(Referer) (a browser that ignores the
# pages' no-referrer policy would send the reply page's address, token and all) and cs(Cookie) (the session id).
# Abuse investigation loses which page a request was for and where it came from; a record still says who (address,
# port, user agent, X-Forwarded-For), when, at which edge, and how it ended (status, result types, bytes, timings).
ACCESS_LOG_FIELDS = (
    "date", "time", "x-edge-location", "sc-bytes", "c-ip", "cs-method", "sc-status", "cs(User-Agent)",
    "x-edge-result-type", "x-edge-request-id", "x-host-header", "cs-protocol", "cs-bytes", "time-taken",
    "x-forwarded-for", "ssl-protocol", "ssl-cipher", "x-edge-response-result-type", "cs-protocol-version", "c-port",
    "time-to-first-byte", "x-edge-detailed-result-type", "sc-content-type", "sc-content-len",
)


class WebEdgeStack(Stack):
    """The web UI's CloudFront web ACL, in its own small stack in us-east-1; the main stack reads its ARN through CDK's
    cross-region references (an SSM parameter written in the main stack's region at deployment)."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        Tags.of(self).add("project", PREFIX)
        name = f"{PREFIX}-web-edge"
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=name,
            scope="CLOUDFRONT",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=waf_visibility(name),
            # Rate limits count the viewer's own address (CloudFront's connection from it), which no header changes;
            # the public reply links get their far lower limit here too.
            rules=protection_rules(public_prefix=REPLY_PATH_PREFIX, public_form_prefix=ASC_PUBLIC_PATH_PREFIX),
        )


class WebLogsStack(Stack):
    """The web UI distribution's access logs (CloudFront standard logging v2) and their bucket, in their own small stack
    in us-east-1, where CloudWatch Logs takes a CloudFront distribution as a delivery source; the distribution's ARN
    comes from the main stack through CDK's cross-region references. The logs carry ACCESS_LOG_FIELDS only."""

    def __init__(self, scope: Construct, construct_id: str, *, distribution_arn: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        Tags.of(self).add("project", PREFIX)
        name = f"{PREFIX}-web-access-logs"
        # Not versioned: only the log delivery service writes here, each file once under a name of its own, so there is
        # no overwrite to undo, and expiry would otherwise leave noncurrent copies and delete markers to clear up.
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,  # SSE-KMS would need a key policy for the delivery service
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,  # v2 delivers by bucket policy, not ACL
            enforce_ssl=True,
            minimum_tls_version=1.2,
            removal_policy=RemovalPolicy.RETAIN,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="access-logs-retention",
                    expiration=Duration.days(LOG_RETENTION_DAYS),
                    abort_incomplete_multipart_upload_after=Duration.days(7),
                )
            ],
        )
        self.source = logs.CfnDeliverySource(self, "Source", name=name, log_type="ACCESS_LOGS", resource_arn=distribution_arn)
        # CloudWatch Logs' delivery service writes the files (under AWSLogs/<account>/), for this delivery source only:
        # the V2 log-delivery permissions, as CDK's own S3 log-delivery helpers grant them.
        self.bucket.add_to_resource_policy(iam.PolicyStatement(
            principals=[iam.ServicePrincipal("delivery.logs.amazonaws.com")],
            actions=["s3:PutObject"],
            resources=[self.bucket.arn_for_objects(f"AWSLogs/{self.account}/*")],
            conditions={
                "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": self.account},
                "ArnLike": {"aws:SourceArn": self.source.attr_arn},
            },
        ))
        destination = logs.CfnDeliveryDestination(
            self, "Destination", name=name, destination_resource_arn=self.bucket.bucket_arn, output_format="w3c"
        )
        self.delivery = logs.CfnDelivery(
            self,
            "Delivery",
            delivery_source_name=self.source.name,
            delivery_destination_arn=destination.attr_arn,
            record_fields=list(ACCESS_LOG_FIELDS),
            s3_suffix_path="{DistributionId}/{yyyy}/{MM}/{dd}/{HH}",  # hourly folders, for Athena partitions
        )
        self.delivery.node.add_dependency(self.source)  # named, not referenced, by the delivery
        self.delivery.node.add_dependency(self.bucket.policy)  # the service checks its access when the delivery is made
        acknowledge(
            self.bucket,
            f"{NAG}-S1",
            "This bucket holds the web distribution's access logs and is written only by CloudWatch Logs' delivery "
            "service (its bucket policy names that service and this stack's delivery source). S3 server access logs "
            "need a target bucket in the same region, and the platform's access-log bucket is in the main region: a "
            "us-east-1 bucket just for logging reads of these logs would itself be unlogged.",
        )


class WebHosting(Construct):
    """The web session table, the web REST API, the asset bucket and the CloudFront distribution in front of both.

    `edge_web_acl_arn` is WebEdgeStack's CloudFront web ACL. `domain_name` and `certificate_arn` (an ACM certificate
    in us-east-1, as CloudFront requires) give the UI the council's own address and TLS 1.2 or later; without them it
    is served on CloudFront's *.cloudfront.net name.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        handler: lambda_.IFunction,
        key: kms.IKey,
        access_logs_bucket: s3.IBucket,
        log_retention: logs.RetentionDays,
        edge_web_acl_arn: str,
        domain_name: str | None = None,
        certificate_arn: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        if bool(domain_name) != bool(certificate_arn):
            raise ValueError("webDomainName and webCertificateArn go together: the council's domain needs its certificate")
        self.custom_domain = domain_name

        # Sessions (hashed ids) and form drafts, both expiring by TTL. Nothing here outlives its TTL by design, so the
        # table may go with the stack.
        self.sessions: LaidOutTable = case_table(
            self, "Sessions", WEB_SESSION_TABLE_NAME, WEB_SESSION_TABLE_LAYOUT, key=key, retain=False
        )

        self.rest_api = self._pages_api(handler, key, log_retention)
        self.origin_secret = self._only_through_cloudfront()
        self.assets = self._asset_bucket(access_logs_bucket)
        self.distribution = self._distribution(domain_name, certificate_arn, edge_web_acl_arn)
        self._deploy_assets(key, log_retention)
        self._acknowledge_findings()

    @property
    def base_url(self) -> str:
        """Where staff and applicants reach the UI (WEB_BASE_URL).

        No dependency cycle although the function's environment names the distribution, which fronts the API that
        invokes the function: the distribution's origin is built from the RestApi resource's id and the stage's
        name (below), never from the stage or deployment, which are what depend on the function's methods. So
        CloudFormation creates RestApi -> distribution -> function -> methods -> deployment -> stage.
        """
        domain = self.custom_domain or self.distribution.distribution_domain_name
        return f"https://{domain}"

    def _pages_api(self, handler: lambda_.IFunction, key: kms.IKey, log_retention: logs.RetentionDays) -> apigw.RestApi:
        self.access_logs = access_log_group(self, WEB_API_NAME, key=key, log_retention=log_retention)
        rest_api = apigw.RestApi(
            self,
            "RestApi",
            rest_api_name=WEB_API_NAME,
            description="Caseworker web UI pages (reached through CloudFront)",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # The account-level CloudWatch role is the caseworker API's (one per account and region); the stack makes
            # this stage wait for it.
            cloud_watch_role=False,
            deploy_options=logged_stage_options(self.access_logs),
        )
        rest_api.node.try_remove_child("Endpoint")  # the stack exports the CloudFront address instead (WebUrl)
        validator = rest_api.add_request_validator(
            "RequestValidator",
            request_validator_name=f"{PREFIX}-web-basic",
            validate_request_parameters=True,
            validate_request_body=True,
        )
        integration = apigw.LambdaIntegration(handler, proxy=True, allow_test_invoke=False)
        # No authorizer (AuthorizationType NONE): the pages check their own session cookie.
        for resource in (rest_api.root, rest_api.root.add_resource("{proxy+}")):
            resource.add_method("ANY", integration, authorization_type=apigw.AuthorizationType.NONE, request_validator=validator)
        return rest_api

    def _only_through_cloudfront(self) -> secretsmanager.Secret:
        """The origin secret (generated by Secrets Manager at deployment, never in code or the template) and the API's
        web ACL, which lets through only requests that carry it: CloudFront's."""
        secret = secretsmanager.Secret(
            self,
            "OriginSecret",
            description="Value CloudFront sends in the x-casework-origin-verify header to the web UI's API",
            generate_secret_string=secretsmanager.SecretStringGenerator(exclude_punctuation=True, password_length=64),
        )
        name = f"{PREFIX}-web"
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=name,
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(block={}),
            visibility_config=waf_visibility(name),
            rules=[
                wafv2.CfnWebACL.RuleProperty(
                    name="through-cloudfront-only",
                    priority=0,
                    action=wafv2.CfnWebACL.RuleActionProperty(allow={}),
                    statement=wafv2.CfnWebACL.StatementProperty(
                        byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
                            field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(single_header={"Name": ORIGIN_VERIFY_HEADER}),
                            positional_constraint="EXACTLY",
                            search_string=self._origin_secret_value(secret),
                            text_transformations=[wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="NONE")],
                        )
                    ),
                    visibility_config=waf_visibility("through-cloudfront-only"),
                )
            ],
        )
        wafv2.CfnWebACLAssociation(self, "WebAclAssociation", resource_arn=self.rest_api.deployment_stage.stage_arn,
                                   web_acl_arn=self.web_acl.attr_arn)
        return secret

    @staticmethod
    def _origin_secret_value(secret: secretsmanager.ISecret) -> str:
        # A {{resolve:secretsmanager:...}} dynamic reference: CloudFormation reads the value at deployment.
        return secret.secret_value.unsafe_unwrap()

    def _asset_bucket(self, access_logs_bucket: s3.IBucket) -> s3.Bucket:
        # GOV.UK Frontend's and our CSS, JS and images: public content, kept private in S3 and read only by this
        # distribution (Origin Access Control). SSE-S3 rather than the platform key, so that CloudFront needs no grant
        # on the key that also protects the evidence.
        return s3.Bucket(
            self,
            "Assets",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            versioned=True,
            server_access_logs_bucket=access_logs_bucket,
            server_access_logs_prefix="web-assets/",
            removal_policy=RemovalPolicy.RETAIN,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="old-asset-versions",
                    noncurrent_version_expiration=Duration.days(30),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
        )

    def _distribution(self, domain_name: str | None, certificate_arn: str | None, web_acl_arn: str) -> cloudfront.Distribution:
        stack = Stack.of(self)
        security_headers = cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            response_headers_policy_name=f"{PREFIX}-web-security-headers",
            comment="HSTS, frame denial, nosniff and no referrer on every page and asset",
            # The pages' Content-Security-Policy carries a nonce per response, so the web function sends it itself.
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=HSTS_MAX_AGE, include_subdomains=True, override=True
                ),
                frame_options=cloudfront.ResponseHeadersFrameOptions(frame_option=cloudfront.HeadersFrameOption.DENY, override=True),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                # Reply links carry a secret token in their path: never let it leave in a Referer header.
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.NO_REFERRER, override=True
                ),
            ),
        )
        # The stage's own address, built from the RestApi's id rather than rest_api.url (see base_url).
        pages_origin = origins.HttpOrigin(
            f"{self.rest_api.rest_api_id}.execute-api.{stack.region}.{stack.url_suffix}",
            origin_path=f"/{API_STAGE_NAME}",
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2],
            custom_headers={ORIGIN_VERIFY_HEADER: self._origin_secret_value(self.origin_secret)},
        )
        pages = cloudfront.BehaviorOptions(
            origin=pages_origin,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            # Every page is personal and rendered per request: nothing is cached, and the origin gets the cookies,
            # the query string and every viewer header but Host (API Gateway answers only to its own name).
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            response_headers_policy=security_headers,
            compress=True,
        )
        assets = cloudfront.BehaviorOptions(
            origin=origins.S3BucketOrigin.with_origin_access_control(self.assets),
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
            cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
            response_headers_policy=security_headers,
            compress=True,
        )
        certificate = acm.Certificate.from_certificate_arn(self, "Certificate", certificate_arn) if certificate_arn else None
        return cloudfront.Distribution(
            self,
            "Distribution",
            comment="Casework web UI",
            default_behavior=pages,
            additional_behaviors={f"{WEB_ASSETS_PATH}*": assets},
            domain_names=[domain_name] if domain_name else None,
            certificate=certificate,
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,  # edges in Europe and North America: the users are in the UK
            # Access logs: standard logging v2 (WebLogsStack), never the legacy logs, which always record the path.
            web_acl_id=web_acl_arn,
        )

    def _deploy_assets(self, key: kms.IKey, log_retention: logs.RetentionDays) -> None:
        """Copy the assets built from npm at synth (web/build.py) into the bucket under WEB_ASSETS_PATH, and
        invalidate CloudFront's copies (the file names do not change between builds)."""
        # The deployment's own role and log group, like the platform's functions: no managed policy, logs encrypted.
        self.deployment_role = iam.Role(
            self, "AssetDeploymentRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Copies the web UI's static assets into their bucket at deployment",
        )
        deployment_logs = logs.LogGroup(
            self, "AssetDeploymentLogs", retention=log_retention, encryption_key=key, removal_policy=RemovalPolicy.DESTROY
        )
        deployment_logs.grant_write(self.deployment_role)
        prefix = WEB_ASSETS_PATH.strip("/") + "/"
        self.asset_deployment = s3deploy.BucketDeployment(
            self,
            "AssetDeployment",
            sources=[s3deploy.Source.asset(str(build_assets()), exclude=[STAMP])],
            destination_bucket=self.assets,
            destination_key_prefix=prefix,
            cache_control=[s3deploy.CacheControl.set_public(), s3deploy.CacheControl.max_age(ASSET_BROWSER_CACHE)],
            distribution=self.distribution,
            distribution_paths=[f"/{prefix}*"],
            role=self.deployment_role,
            log_group=deployment_logs,
        )

    def _acknowledge_findings(self) -> None:
        """cdk-nag findings accepted by design, each with its reason (see infra/nag.py)."""
        for method in (self.rest_api.root.node.find_child("ANY"), self.rest_api.root.get_resource("{proxy+}").node.find_child("ANY")):
            for rule in ("APIG4", "COG4"):
                acknowledge(
                    method,
                    f"{NAG}-{rule}",
                    "The web UI's pages authenticate staff themselves: signing in (Cognito USER_PASSWORD_AUTH, from the web "
                    "function) starts a server-side session whose random id is an HttpOnly, Secure cookie, and web/security.py "
                    "requires a live session (and a CSRF token on every post) before any route runs, except on sign-in, the "
                    "applicant's reply pages (single-use, expiring token links), health and the accessibility and privacy "
                    "statements. An API Gateway authorizer needs a bearer token, which a server-rendered page cannot send.",
                )
        distribution = self.distribution.node.default_child
        acknowledge(
            distribution,
            f"{NAG}-CFR1",
            "No geo restriction: applicants answering a request for information (reply links) and their carers may be "
            "anywhere, and staff are authenticated; the distribution's web ACL applies AWS's managed rule sets and rate "
            "limits per viewer address.",
        )
        acknowledge(
            distribution,
            f"{NAG}-CFR3",
            "The distribution's access logs are delivered by CloudFront standard logging v2 (CloudWatch Logs delivery in "
            "the us-east-1 stack WebLogsStack) to their own bucket, kept 400 days, with record fields that leave out "
            "the URI path and query. The legacy logging this rule checks for always records the path, which for an "
            "applicant's reply link is its single-use token.",
        )
        if not self.custom_domain:
            acknowledge(
                distribution,
                f"{NAG}-CFR4",
                "No web domain is configured (context webDomainName and webCertificateArn), so the UI is served on "
                "*.cloudfront.net with CloudFront's default certificate, whose security policy CloudFront fixes. With "
                "the council's own domain and certificate the distribution requires TLSv1.2_2021 and this "
                "acknowledgement is not made.",
            )

        # CDK's BucketDeployment grants its copy function these itself (not configurable); only that deploy-time
        # function assumes the role.
        stack = Stack.of(self)
        staging_objects = (
            f"arn:<AWS::Partition>:s3:::cdk-{DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-<AWS::AccountId>-{stack.region}/*"
        )
        assets_objects = f"<{stack.get_logical_id(self.assets.node.default_child)}.Arn>/*"
        for finding in (f"Resource::{staging_objects}", f"Resource::{assets_objects}", "Action::s3:GetObject*",
                        "Action::s3:GetBucket*", "Action::s3:List*", "Action::s3:DeleteObject*", "Action::s3:Abort*"):
            acknowledge(
                self.deployment_role,
                f"{NAG}-IAM5[{finding}]",
                "CDK's BucketDeployment grants its copy function read on CDK's asset staging bucket (the zip of the built "
                "assets) and read/write on the assets bucket, with CDK's own action groups; the role is assumed only by "
                "that function, which runs at deployment to replace the bucket's assets/ folder.",
            )
        acknowledge(
            self.deployment_role,
            f"{NAG}-IAM5[Resource::*]",
            "CDK's BucketDeployment grants cloudfront:CreateInvalidation and GetInvalidation on '*' (not configurable); "
            "the deploy-time copy function uses them only to invalidate /assets/* of this distribution after a copy.",
        )
        acknowledge(
            self.origin_secret,
            f"{NAG}-SMG4",
            "The origin secret only proves that a request to the web UI's API came through its CloudFront distribution; "
            "it opens no data. CloudFormation copies its value into the distribution's origin header and the API's web "
            "ACL, so rotating it in Secrets Manager alone would change neither and automatic rotation would have to update "
            "both in step. It is changed deliberately instead: a deployment that replaces the secret resource generates "
            "a new value and updates the distribution and the web ACL in one change.",
        )
        for child in stack.node.children:
            if child.node.id.startswith("Custom::CDKBucketDeployment"):
                acknowledge(
                    child,
                    f"{NAG}-L1",
                    "CDK's own deploy-time function that copies the web assets into their bucket; its runtime is chosen "
                    "and upgraded by CDK with its bundled code, and it runs only during deployments.",
                )
