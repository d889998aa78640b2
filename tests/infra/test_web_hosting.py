"""The web UI's hosting (infra/constructs/web.py): CloudFront (with its web ACL from the us-east-1 edge stack) in front of
the web function's REST API (which answers CloudFront alone) and the asset bucket, the security headers, the session
table, and what the web function may do."""

from __future__ import annotations

import json

import pytest
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk.assertions import Match

from shared.resources import (
    REPLY_PATH_PREFIX,
    WEB_API_NAME,
    WEB_ASSETS_PATH,
    WEB_FUNCTION,
    WEB_SESSION_TABLE_LAYOUT,
    WEB_SESSION_TABLE_NAME,
    WORKFLOWS,
    Env,
    WorkflowKey,
)
from infra.app import EDGE_STACK_ID, LOGS_STACK_ID
from infra.constructs.partner_identity import PARTNER_ADMIN_ACTIONS
from infra.constructs.web import EDGE_REGION, ORIGIN_VERIFY_HEADER
from web.build import STAMP

from .conftest import synthesise
from .test_stack_resources import _actions, app_functions, role_statements

pytestmark = pytest.mark.slow

ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]


def _one(synthesised, resource_type: str, prefix: str = "") -> tuple[str, dict]:
    [(logical_id, resource)] = [(k, r) for k, r in synthesised.resources(resource_type).items() if k.startswith(prefix)]
    return logical_id, resource


def _distribution(synthesised) -> dict:
    return _one(synthesised, "AWS::CloudFront::Distribution")[1]["Properties"]["DistributionConfig"]


def _origin(config: dict, origin_id: str) -> dict:
    [origin] = [o for o in config["Origins"] if o["Id"] == origin_id]
    return origin


def _logical_id(synthesised, resource_type: str, prefix: str) -> str:
    return _one(synthesised, resource_type, prefix)[0]


def _web_function(synthesised) -> tuple[str, dict]:
    [(logical_id, function)] = [(k, r) for k, r in app_functions(synthesised).items()
                                if r["Properties"]["FunctionName"] == WEB_FUNCTION.function_name]
    return logical_id, function


# ---------------------------------------------------------------- CloudFront
def test_pages_go_uncached_to_the_web_api_with_cookies_query_and_headers_but_host(synthesised):
    config = _distribution(synthesised)
    pages = config["DefaultCacheBehavior"]
    assert pages["CachePolicyId"] == cloudfront.CachePolicy.CACHING_DISABLED.cache_policy_id
    assert pages["OriginRequestPolicyId"] == cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.origin_request_policy_id
    assert pages["AllowedMethods"] == ALL_METHODS
    assert pages["ViewerProtocolPolicy"] == "redirect-to-https"
    origin = _origin(config, pages["TargetOriginId"])
    # The stage's address from the RestApi's id and the stage name (no dependency on the stage: see WebHosting.base_url).
    web_api = _logical_id(synthesised, "AWS::ApiGateway::RestApi", "WebRestApi")
    assert origin["DomainName"]["Fn::Join"][1][0] == {"Ref": web_api}
    assert origin["OriginPath"] == "/v1"
    assert origin["CustomOriginConfig"] == {"OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"]}


def test_assets_come_from_the_private_bucket_through_origin_access_control(synthesised):
    config = _distribution(synthesised)
    [assets] = config["CacheBehaviors"]
    assert assets["PathPattern"] == f"{WEB_ASSETS_PATH}*"
    assert assets["AllowedMethods"] == ["GET", "HEAD"]
    assert assets["ViewerProtocolPolicy"] == "redirect-to-https"
    origin = _origin(config, assets["TargetOriginId"])
    bucket = _logical_id(synthesised, "AWS::S3::Bucket", "WebAssets")
    assert origin["DomainName"] == {"Fn::GetAtt": [bucket, "RegionalDomainName"]}
    oac = _logical_id(synthesised, "AWS::CloudFront::OriginAccessControl", "WebDistribution")
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": [oac, "Id"]}
    synthesised.template.has_resource_properties("AWS::CloudFront::OriginAccessControl", {
        "OriginAccessControlConfig": Match.object_like({"OriginAccessControlOriginType": "s3", "SigningBehavior": "always",
                                                        "SigningProtocol": "sigv4"})})
    # Only this distribution may read the objects; nothing else is allowed in.
    _, policy = _one(synthesised, "AWS::S3::BucketPolicy", "WebAssets")
    allows = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    distribution = _logical_id(synthesised, "AWS::CloudFront::Distribution", "WebDistribution")
    assert len(allows) == 1
    assert allows[0]["Principal"] == {"Service": "cloudfront.amazonaws.com"} and allows[0]["Action"] == "s3:GetObject"
    assert {"Ref": distribution} in allows[0]["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Join"][1]


def test_every_response_carries_hsts_frame_denial_nosniff_and_no_referrer(synthesised):
    policy_id, policy = _one(synthesised, "AWS::CloudFront::ResponseHeadersPolicy")
    assert policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"] == {
        "StrictTransportSecurity": {"AccessControlMaxAgeSec": 63072000, "IncludeSubdomains": True, "Override": True},
        "FrameOptions": {"FrameOption": "DENY", "Override": True},
        "ContentTypeOptions": {"Override": True},
        "ReferrerPolicy": {"ReferrerPolicy": "no-referrer", "Override": True},
    }
    config = _distribution(synthesised)
    for behaviour in (config["DefaultCacheBehavior"], *config["CacheBehaviors"]):
        assert behaviour["ResponseHeadersPolicyId"] == {"Ref": policy_id}


# Fields an operator needs from each access-log record, and those that could carry a reply link's token or a session.
OPERATOR_LOG_FIELDS = {"date", "time", "x-edge-location", "c-ip", "cs-method", "sc-status", "time-taken", "x-edge-result-type",
                       "cs(User-Agent)", "x-edge-request-id", "sc-bytes", "cs-bytes", "ssl-protocol", "ssl-cipher"}
SECRET_BEARING_LOG_FIELDS = {"cs-uri-stem", "cs-uri-query", "cs(Referer)", "cs(Cookie)"}


def test_the_distribution_has_no_legacy_logging_which_would_record_reply_tokens(synthesised):
    assert "Logging" not in _distribution(synthesised)
    assert not [k for k in synthesised.resources("AWS::S3::Bucket") if k.startswith("WebDistributionLogs")]


def test_the_distribution_s_access_logs_leave_out_the_uri_and_keep_what_an_operator_needs(synthesised):
    logs = synthesised.web_logs
    assert synthesised.app.node.find_child(LOGS_STACK_ID).region == EDGE_REGION
    [(source_id, source)] = logs.resources("AWS::Logs::DeliverySource").items()
    [(destination_id, destination)] = logs.resources("AWS::Logs::DeliveryDestination").items()
    [(bucket_id, _)] = logs.resources("AWS::S3::Bucket").items()
    [delivery] = logs.resources("AWS::Logs::Delivery").values()
    props = delivery["Properties"]
    assert props["DeliverySourceName"] == source["Properties"]["Name"] and source_id in delivery["DependsOn"]
    assert props["DeliveryDestinationArn"] == {"Fn::GetAtt": [destination_id, "Arn"]}
    assert destination["Properties"]["DestinationResourceArn"] == {"Fn::GetAtt": [bucket_id, "Arn"]}
    fields = set(props["RecordFields"])
    assert not fields & SECRET_BEARING_LOG_FIELDS
    assert OPERATOR_LOG_FIELDS <= fields
    # The source is this distribution's access logs: its ARN built from the distribution's id, which the main stack
    # writes and the logs stack reads (cross-region reference).
    assert source["Properties"]["LogType"] == "ACCESS_LOGS"
    [reader] = logs.resources("Custom::CrossRegionExportReader")
    arn = source["Properties"]["ResourceArn"]["Fn::Join"][1]
    assert ":cloudfront::" in arn and arn[-2] == ":distribution/"
    read_from, parameter = arn[-1]["Fn::GetAtt"]
    assert read_from == reader
    _, writer = _one(synthesised, "Custom::CrossRegionExportWriter")
    assert writer["Properties"]["WriterProps"]["region"] == EDGE_REGION
    assert writer["Properties"]["WriterProps"]["exports"][parameter] == {
        "Ref": _logical_id(synthesised, "AWS::CloudFront::Distribution", "WebDistribution")}


def test_the_access_log_bucket_is_private_tls_only_encrypted_written_by_log_delivery_and_kept_400_days(synthesised):
    logs = synthesised.web_logs
    [(bucket_id, bucket)] = logs.resources("AWS::S3::Bucket").items()
    props = bucket["Properties"]
    assert all(props["PublicAccessBlockConfiguration"].values()) and len(props["PublicAccessBlockConfiguration"]) == 4
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    [rule] = props["LifecycleConfiguration"]["Rules"]
    assert rule["ExpirationInDays"] == 400 and rule["Status"] == "Enabled"
    assert bucket["DeletionPolicy"] == "Retain"
    [policy] = logs.resources("AWS::S3::BucketPolicy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in statements)
    [allow] = [s for s in statements if s["Effect"] == "Allow"]
    [source_id] = logs.resources("AWS::Logs::DeliverySource")
    assert allow["Principal"] == {"Service": "delivery.logs.amazonaws.com"} and allow["Action"] == "s3:PutObject"
    assert allow["Condition"]["ArnLike"] == {"aws:SourceArn": {"Fn::GetAtt": [source_id, "Arn"]}}
    assert allow["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}


def test_without_a_web_domain_the_distribution_uses_cloudfront_s_name(synthesised):
    assert "Aliases" not in _distribution(synthesised) and "ViewerCertificate" not in _distribution(synthesised)
    assert _distribution(synthesised)["HttpVersion"] == "http2and3"


# ---------------------------------------------------------------- assets
def test_the_asset_bucket_is_private_tls_only_encrypted_and_logged(synthesised):
    _, bucket = _one(synthesised, "AWS::S3::Bucket", "WebAssets")
    props = bucket["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert props["LoggingConfiguration"]["DestinationBucketName"]["Ref"].startswith("BucketsAccessLogs")
    _, policy = _one(synthesised, "AWS::S3::BucketPolicy", "WebAssets")
    denies = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]
    assert any(s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in denies)


def test_the_assets_built_from_npm_are_deployed_under_the_assets_path_and_invalidated(synthesised):
    _, deployment = _one(synthesised, "Custom::CDKBucketDeployment")
    props = deployment["Properties"]
    assert props["DestinationBucketName"] == {"Ref": _logical_id(synthesised, "AWS::S3::Bucket", "WebAssets")}
    assert props["DestinationBucketKeyPrefix"] == WEB_ASSETS_PATH.strip("/") + "/"
    assert props["DistributionId"] == {"Ref": _logical_id(synthesised, "AWS::CloudFront::Distribution", "WebDistribution")}
    assert props["DistributionPaths"] == [f"{WEB_ASSETS_PATH}*"]
    assert props["SystemMetadata"] == {"cache-control": "public, max-age=3600"}
    [source_key] = props["SourceObjectKeys"]
    staged = synthesised.outdir / f"asset.{source_key.removesuffix('.zip')}"
    files = {p.relative_to(staged).as_posix() for p in staged.rglob("*") if p.is_file()}
    assert {"app.css", "app.mjs", "govuk-frontend.min.js", "images/favicon.ico"} <= files
    assert STAMP not in files


# ---------------------------------------------------------------- the pages' API
def test_the_web_api_has_no_authorizer_and_proxies_every_path_to_the_web_function(synthesised):
    web_api = _logical_id(synthesised, "AWS::ApiGateway::RestApi", "WebRestApi")
    synthesised.template.has_resource_properties("AWS::ApiGateway::RestApi", {
        "Name": WEB_API_NAME, "EndpointConfiguration": {"Types": ["REGIONAL"]}})
    methods = [m["Properties"] for m in synthesised.resources("AWS::ApiGateway::Method").values()
               if m["Properties"]["RestApiId"] == {"Ref": web_api}]
    assert len(methods) == 2  # ANY / and ANY /{proxy+}
    function, _ = _web_function(synthesised)
    for method in methods:
        assert method["HttpMethod"] == "ANY"
        assert method["AuthorizationType"] == "NONE" and "AuthorizerId" not in method
        assert method["Integration"]["Type"] == "AWS_PROXY"
        assert {"Fn::GetAtt": [function, "Arn"]} in method["Integration"]["Uri"]["Fn::Join"][1]
    assert not [a for a in synthesised.resources("AWS::ApiGateway::Authorizer").values()
                if a["Properties"]["RestApiId"] == {"Ref": web_api}]


def test_the_web_api_stage_throttles_and_logs_no_reply_token(synthesised):
    web_api = _logical_id(synthesised, "AWS::ApiGateway::RestApi", "WebRestApi")
    _, stage = _one(synthesised, "AWS::ApiGateway::Stage", "WebRestApi")
    props = stage["Properties"]
    assert props["RestApiId"] == {"Ref": web_api}
    assert props["AccessLogSetting"]["DestinationArn"]["Fn::GetAtt"][0].startswith("WebAccessLogs")
    # The resource path (/{proxy+}), never the request's own path, which for a reply link holds its token.
    access_log_format = props["AccessLogSetting"]["Format"]
    assert '"$context.resourcePath"' in access_log_format
    assert "$context.path" not in access_log_format and "requestOverride" not in access_log_format
    [settings] = props["MethodSettings"]
    assert settings["ThrottlingRateLimit"] > 0 and settings["ThrottlingBurstLimit"] > 0 and settings["DataTraceEnabled"] is False
    # Execution logging uses the account's CloudWatch role, which the caseworker API's stack part sets up.
    assert any(d.startswith("ApiRestApiAccount") for d in stage["DependsOn"])


def _secret_reference(synthesised) -> dict:
    """The origin secret as a CloudFormation dynamic reference (resolved at deployment)."""
    secret, _ = _one(synthesised, "AWS::SecretsManager::Secret", "WebOriginSecret")
    return {"Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": secret}, ":SecretString:::}}"]]}


def test_the_web_api_answers_only_requests_that_carry_cloudfront_s_origin_secret(synthesised):
    # The secret is generated by Secrets Manager at deployment: no value in the template or the code.
    _, secret = _one(synthesised, "AWS::SecretsManager::Secret", "WebOriginSecret")
    assert "SecretString" not in secret["Properties"]
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32
    reference = _secret_reference(synthesised)
    # CloudFront sends it to the pages' origin...
    config = _distribution(synthesised)
    pages_origin = _origin(config, config["DefaultCacheBehavior"]["TargetOriginId"])
    assert pages_origin["OriginCustomHeaders"] == [{"HeaderName": ORIGIN_VERIFY_HEADER, "HeaderValue": reference}]
    # ...and the API's web ACL blocks every request without it (its execute-api address leads nowhere else).
    stage_id, _ = _one(synthesised, "AWS::ApiGateway::Stage", "WebRestApi")
    _, association = _one(synthesised, "AWS::WAFv2::WebACLAssociation", "Web")
    assert {"Ref": stage_id} in association["Properties"]["ResourceArn"]["Fn::Join"][1]
    acl_id, acl = _one(synthesised, "AWS::WAFv2::WebACL", "Web")
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    props = acl["Properties"]
    assert props["Scope"] == "REGIONAL" and props["DefaultAction"] == {"Block": {}}
    [rule] = props["Rules"]
    assert rule["Action"] == {"Allow": {}}
    assert rule["Statement"] == {"ByteMatchStatement": {
        "FieldToMatch": {"SingleHeader": {"Name": ORIGIN_VERIFY_HEADER}}, "PositionalConstraint": "EXACTLY",
        "SearchString": reference, "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}}


def test_cloudfront_s_web_acl_lives_in_us_east_1_and_limits_each_viewer_address(synthesised):
    edge = synthesised.edge
    assert synthesised.app.node.find_child(EDGE_STACK_ID).region == EDGE_REGION == "us-east-1"
    [(acl_id, acl)] = edge.resources("AWS::WAFv2::WebACL").items()
    props = acl["Properties"]
    assert props["Scope"] == "CLOUDFRONT" and props["DefaultAction"] == {"Allow": {}}
    rules = {rule["Name"]: rule for rule in props["Rules"]}
    assert {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"} < set(rules)
    # The viewer's own address as CloudFront saw it: no X-Forwarded-For, which a client writes itself.
    rate = rules["rate-limit-per-ip"]["Statement"]["RateBasedStatement"]
    assert rate["AggregateKeyType"] == "IP" and "ForwardedIPConfig" not in rate
    # The public reply links get a far lower limit per address, so guessing tokens is slow.
    links = rules["public-links-per-ip"]["Statement"]["RateBasedStatement"]
    assert links["Limit"] < rate["Limit"] and links["AggregateKeyType"] == "IP" and "ForwardedIPConfig" not in links
    match = links["ScopeDownStatement"]["ByteMatchStatement"]
    assert match["SearchString"] == REPLY_PATH_PREFIX and match["PositionalConstraint"] == "STARTS_WITH"
    # The distribution uses it: its ARN written by the edge stack and read in this stack's region (cross-region reference).
    [(_, writer)] = edge.resources("Custom::CrossRegionExportWriter").items()
    [(parameter, value)] = writer["Properties"]["WriterProps"]["exports"].items()
    assert value == {"Fn::GetAtt": [acl_id, "Arn"]}
    assert writer["Properties"]["WriterProps"]["region"] == synthesised.stack.region
    reader, _ = _one(synthesised, "Custom::CrossRegionExportReader")
    assert _distribution(synthesised)["WebACLId"] == {"Fn::GetAtt": [reader, parameter]}
    # Neither stack counts clients by a header they could forge.
    assert "FORWARDED_IP" not in json.dumps(synthesised.template_json) and "FORWARDED_IP" not in json.dumps(edge.json)


# ---------------------------------------------------------------- sessions and the web function
def test_the_session_table_is_encrypted_with_the_platform_key_expires_by_ttl_and_is_recoverable(synthesised):
    synthesised.template.has_resource_properties("AWS::DynamoDB::Table", {
        "TableName": WEB_SESSION_TABLE_NAME,
        "KeySchema": [{"AttributeName": WEB_SESSION_TABLE_LAYOUT.partition_key, "KeyType": "HASH"}],
        "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS",
                             "KMSMasterKeyId": {"Fn::GetAtt": [Match.string_like_regexp("^EncryptionKey"), "Arn"]}},
        "TimeToLiveSpecification": {"AttributeName": WEB_SESSION_TABLE_LAYOUT.ttl_attribute, "Enabled": True},
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "BillingMode": "PAY_PER_REQUEST",
    })


def test_the_web_function_knows_its_session_table_user_pool_client_and_public_address(synthesised):
    _, function = _web_function(synthesised)
    variables = function["Properties"]["Environment"]["Variables"]
    assert variables[Env.WEB_SESSION_TABLE] == {"Ref": _logical_id(synthesised, "AWS::DynamoDB::Table", "WebSessions")}
    assert variables[Env.USER_POOL_ID] == {"Ref": _logical_id(synthesised, "AWS::Cognito::UserPool", "Identity")}
    assert variables[Env.WEB_CLIENT_ID] == {"Ref": _logical_id(synthesised, "AWS::Cognito::UserPoolClient", "Identity")}
    distribution = _logical_id(synthesised, "AWS::CloudFront::Distribution", "WebDistribution")
    assert variables[Env.WEB_BASE_URL] == {"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution, "DomainName"]}]]}
    assert synthesised.template_json["Outputs"]["WebUrl"]["Value"] == variables[Env.WEB_BASE_URL]
    assert {env.value for env in WEB_FUNCTION.environment} <= set(variables)


def test_the_web_function_may_do_what_its_pages_need_and_nothing_more(synthesised):
    statements = role_statements(synthesised, "FunctionsWebRole")
    granted: dict[str, set[str]] = {}  # action -> the resources (as JSON) it is granted on
    for statement in statements:
        assert statement["Effect"] == "Allow"
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        for action in _actions(statement):
            granted.setdefault(action, set()).update(json.dumps(resource) for resource in resources)
    services = {action.split(":")[0] for action in granted}
    # Sign-in is Cognito's public InitiateAuth. No email, no print, no bucket of its own:
    # evidence is reached (links signed, uploads checked) only through the council data role, assumed per council.
    assert {"dynamodb", "states", "kms", "logs", "xray", "sts"} <= services and "s3" not in services
    # Re-checking a signed-in account (web/security.py) reads it and its groups, and the assignee picker lists the council's
    # staff by group (StaffDirectory); council admins manage staff accounts with exactly the admin actions StaffAccounts
    # makes (invite, groups, disable, enable, reset the authenticator); on this pool only, and nothing else.
    # The partner pool (Family Front Door) gets only what re-checking a partner and suspending one needs.
    pool = _logical_id(synthesised, "AWS::Cognito::UserPool", "IdentityUserPool")
    partner_pool = _logical_id(synthesised, "AWS::Cognito::UserPool", "PartnerIdentity")
    expected: dict[str, set[str]] = {
        action: {json.dumps({"Fn::GetAtt": [pool, "Arn"]})}
        for action in ("cognito-idp:AdminGetUser", "cognito-idp:AdminListGroupsForUser", "cognito-idp:ListUsersInGroup",
                       "cognito-idp:AdminCreateUser", "cognito-idp:AdminAddUserToGroup", "cognito-idp:AdminRemoveUserFromGroup",
                       "cognito-idp:AdminDisableUser", "cognito-idp:AdminEnableUser", "cognito-idp:AdminSetUserMFAPreference")}
    for action in PARTNER_ADMIN_ACTIONS:
        expected.setdefault(action, set()).add(json.dumps({"Fn::GetAtt": [partner_pool, "Arn"]}))
    assert {action: granted[action] for action in granted if action.startswith("cognito-idp:")} == expected
    assert granted["sts:AssumeRole"] == granted["sts:TagSession"] and all("CouncilDataRole" in role for role in granted["sts:AssumeRole"])
    tables = " ".join(granted["dynamodb:GetItem"])
    for table in ("WebSessions", "TablesUnrouted", "TablesIdempotency"):
        assert table in tables
    assert "casework-council-" not in tables
    assert "BadgeNumbers" not in tables and "PrintBatches" not in tables
    # It starts and resumes the case workflows only, like the API; never the print dispatch.
    machines = {r["Properties"]["StateMachineName"]: k for k, r in synthesised.resources("AWS::StepFunctions::StateMachine").items()}
    for action in ("states:StartExecution", "states:SendTaskSuccess"):
        for workflow in WORKFLOWS:
            expected = workflow.key is not WorkflowKey.PRINT_DISPATCH
            assert (json.dumps({"Ref": machines[workflow.state_machine_name]}) in granted[action]) == expected, (action, workflow.key)


# ---------------------------------------------------------------- the council's own domain
def test_with_a_web_domain_the_distribution_requires_tls_1_2_on_that_name(tmp_path):
    certificate = "arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-0000-0000-000000000000"
    domain = "casework.northshire.example"
    # cdk-nag on: with the council's certificate the TLS finding (CFR4) is compliant, not acknowledged.
    synthesised = synthesise(tmp_path, nag=True, context={"webDomainName": domain, "webCertificateArn": certificate})
    config = _distribution(synthesised)
    assert config["Aliases"] == [domain]
    assert config["ViewerCertificate"] == {"AcmCertificateArn": certificate, "MinimumProtocolVersion": "TLSv1.2_2021",
                                           "SslSupportMethod": "sni-only"}
    _, function = _web_function(synthesised)
    assert function["Properties"]["Environment"]["Variables"][Env.WEB_BASE_URL] == f"https://{domain}"
    report = json.loads((tmp_path / "validation-report.json").read_text())["pluginReports"][0]
    assert not [f for f in report["suppressedViolations"] if f["ruleName"] == "AwsSolutions-CFR4"]


def test_a_web_domain_needs_its_certificate(tmp_path):
    from infra.app import build_app

    with pytest.raises(ValueError, match="webCertificateArn"):
        build_app(outdir=str(tmp_path), nag=False, context={"webDomainName": "casework.northshire.example"})
