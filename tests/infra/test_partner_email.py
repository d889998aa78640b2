"""The partner pool's emails: through SES from the identity the deployment names (context `partnerEmail`), cdk-nag and
cfn-lint clean; Cognito's own sender without it; a bad setting refused naming the field. On a stack of the partner
pool alone (the whole app's synth, without the context, is tests/infra/test_partner_identity.py)."""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Match, Template
from cfnlint.api import ManualArgs, lint_file

from infra.constructs.partner_identity import PartnerEmailConfigError, PartnerIdentity, partner_email
from infra.nag import add_nag_checks

pytestmark = pytest.mark.slow

REGION, ACCOUNT = "eu-west-2", "111122223333"
SES = {"from_address": "front-door@northshire.gov.uk", "from_name": "Northshire Family Front Door", "configuration_set": "partner-mail"}


def _synth(tmp_path, context_value: object) -> tuple[Template, dict]:
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "PartnerPoolOnly", env=cdk.Environment(account=ACCOUNT, region=REGION))
    trigger = lambda_.Function.from_function_arn(stack, "Trigger", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:casework-partner-sign-up")
    PartnerIdentity(stack, "PartnerIdentity", sign_up_trigger=trigger, administered_by=[], email=partner_email(context_value))
    add_nag_checks(app)
    app.synth()  # cdk-nag: raises on any unacknowledged finding
    report = json.loads((tmp_path / "validation-report.json").read_text())
    return Template.from_stack(stack), report


def test_a_named_ses_identity_sends_the_pools_emails_clean_under_nag_and_lint(tmp_path):
    template, report = _synth(tmp_path, json.dumps(SES))
    template.has_resource_properties("AWS::Cognito::UserPool", {"EmailConfiguration": {
        "EmailSendingAccount": "DEVELOPER",
        "From": "Northshire Family Front Door <front-door@northshire.gov.uk>",
        "ConfigurationSet": "partner-mail",
        "SourceArn": Match.any_value(),
    }})
    [pool] = template.find_resources("AWS::Cognito::UserPool").values()
    source = json.dumps(pool["Properties"]["EmailConfiguration"]["SourceArn"])
    assert f":ses:{REGION}:{ACCOUNT}:identity/front-door@northshire.gov.uk" in source
    assert [plugin for plugin in report["pluginReports"] if plugin["violations"]] == []  # a clean stack reports no plugin
    errors = [m for m in lint_file(tmp_path / "PartnerPoolOnly.template.json", config=ManualArgs(regions=[REGION])) if m.rule.id.startswith("E")]
    assert errors == []


def test_without_one_the_pool_keeps_cognitos_own_sender(tmp_path):
    template, _ = _synth(tmp_path, None)
    [pool] = template.find_resources("AWS::Cognito::UserPool").values()
    assert pool["Properties"].get("EmailConfiguration", {}).get("EmailSendingAccount", "COGNITO_DEFAULT") == "COGNITO_DEFAULT"


@pytest.mark.parametrize(("value", "message"), [
    ('{"from_address": "not-an-address"}', "field 'from_address'"),
    ({"from_address": "a@northshire.gov.uk", "verified_domain": "valewye.gov.uk"}, "must be at the verified domain valewye.gov.uk"),
    ({"from_address": "a@northshire.gov.uk", "configuration_set": "has spaces"}, "field 'configuration_set'"),
    ({"from_address": "a@northshire.gov.uk", "from": "typo"}, "field 'from'"),
    ("{not json", "context partnerEmail"),
])
def test_a_bad_setting_is_refused_naming_the_field(value, message):
    with pytest.raises(PartnerEmailConfigError, match=message):
        partner_email(value)
