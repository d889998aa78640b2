"""cdk-nag (AWS Solutions) leaves nothing unacknowledged, in the parent stack, the nested council shards and the web UI's
us-east-1 stacks; cfn-lint finds no errors in any template of the cloud assembly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_cdk import aws_sqs as sqs
from cfnlint.api import ManualArgs, lint_file

from infra.app import build_app
from infra.constructs.web import EDGE_REGION
from infra.nag import ACKNOWLEDGED_RULES_METADATA_KEY, MIN_REASON_LENGTH

pytestmark = pytest.mark.slow

# Every acknowledged finding, by rule. A new kind of acknowledgement must be reviewed and added here.
EXPECTED_ACKNOWLEDGED_RULES = {
    "AwsSolutions-IAM5[Resource::*]",  # X-Ray / vended log delivery actions without resource-level permissions
    "AwsSolutions-L1",  # runtime pinned to the Powertools layer's Python
    "AwsSolutions-SQS3",  # dead-letter queues of EventBridge targets, schedules and async invocations: no DLQ of their own
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
    # CDK's deploy-time handler of the S3 bucket notification (print drop bucket -> print-results): CDK gives its
    # role the managed basic-execution policy (its own logs) and no way to replace it.
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
    # The web UI (infra/constructs/web.py): its pages check their own server-side session, so its API has no authorizer;
    "AwsSolutions-APIG4",
    "AwsSolutions-COG4",
    # its distribution: no geo restriction (applicants reply from anywhere), CloudFront's default certificate unless a
    # web domain is configured, no legacy logging (which records the reply links' tokens: standard logging v2 instead,
    # whose bucket in us-east-1 has no same-region access-log bucket); its origin secret, not rotated alone (CloudFront
    # and the API's web ACL hold copies);
    "AwsSolutions-CFR1",
    "AwsSolutions-CFR4",
    "AwsSolutions-CFR3",
    "AwsSolutions-S1",
    "AwsSolutions-SMG4",
    # and CDK's BucketDeployment copying the built assets, which grants its function CDK's own S3 action groups.
    "AwsSolutions-IAM5[Action::s3:GetObject*]",
    "AwsSolutions-IAM5[Action::s3:GetBucket*]",
    "AwsSolutions-IAM5[Action::s3:List*]",
    "AwsSolutions-IAM5[Action::s3:DeleteObject*]",
    "AwsSolutions-IAM5[Action::s3:Abort*]",
}
EXPECTED_ACKNOWLEDGED_PREFIXES = (
    "AwsSolutions-IAM5[Resource::<BucketsEvidence",  # evidence objects: Get/Put only
    "AwsSolutions-IAM5[Resource::<BucketsPrintDrop",  # extracts under the supplier's outbox folder only
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:dynamodb:",  # council tables by name prefix: one policy size for any number of councils
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:",  # SendEmail from any council's verified identity
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:",  # Transfer Family session logs, its log groups only
    "AwsSolutions-IAM5[Resource::<WebAssets",  # the web assets' copy at deployment, in their bucket only
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-",  # ... from CDK's asset staging bucket
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:",  # the reconciler: executions of a case workflow, named by case
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:",  # the CRM connector: CRM client secrets under casework/crm/ only
)


def _report(synthesised) -> dict:
    return json.loads((synthesised.outdir / "validation-report.json").read_text())


def test_cdk_nag_ran_and_found_nothing_unacknowledged(synthesised):
    # The session synth would have raised ValidationFailed otherwise; the report says so explicitly too.
    plugins = _report(synthesised)["pluginReports"]
    assert [p["pluginName"] for p in plugins] == ["AwsSolutions"]
    assert plugins[0]["conclusion"] == "success"
    assert plugins[0]["violations"] == []


def test_every_acknowledged_finding_has_a_specific_reason(synthesised):
    suppressed = _report(synthesised)["pluginReports"][0]["suppressedViolations"]
    assert suppressed
    for finding in suppressed:
        assert len(finding["reason"].strip()) >= MIN_REASON_LENGTH, finding
        rule = finding["ruleName"]
        assert rule in EXPECTED_ACKNOWLEDGED_RULES or rule.startswith(EXPECTED_ACKNOWLEDGED_PREFIXES), rule


def test_acknowledgements_in_construct_metadata_all_carry_reasons(synthesised):
    entries = [
        (construct.node.path, entry.data)
        for construct in synthesised.app.node.find_all()
        for entry in construct.node.metadata
        if entry.type == ACKNOWLEDGED_RULES_METADATA_KEY
    ]
    assert entries
    for path, data in entries:  # data maps acknowledged rule id -> reason
        assert data, path
        for rule_id, reason in data.items():
            assert rule_id.startswith("AwsSolutions::"), (path, rule_id)
            assert len(str(reason).strip()) >= MIN_REASON_LENGTH, (path, rule_id)


def test_cdk_nag_checks_the_nested_council_shards_too(tmp_path):
    # A deliberately non-compliant queue inside a council shard must fail the synth: the shards' resources
    # are checked, not only the parent's.
    app, stack = build_app(outdir=str(tmp_path), nag=True)
    shard = next(iter(stack.council_shards.shards.values()))
    sqs.Queue(shard, "CanaryQueue")  # no DLQ (SQS3), no SSL enforcement (SQS4)
    with pytest.raises(Exception, match="ValidationFailed"):
        app.synth()
    violations = json.loads((tmp_path / "validation-report.json").read_text())["pluginReports"][0]["violations"]
    paths = {c["constructPath"] for v in violations for c in v["violatingConstructs"]}
    assert paths == {f"{shard.node.path}/CanaryQueue/Resource"}


def lint_errors(template_path: Path, region: str) -> list[str]:
    matches = lint_file(template_path, config=ManualArgs(regions=[region]))
    return [
        f"{template_path.name}: {m.rule.id} {m.message} at {'/'.join(map(str, m.path))}"
        for m in matches
        if m.rule.id.startswith("E")
    ]


def test_cfn_lint_reports_no_errors_in_any_template(synthesised):
    paths = synthesised.template_paths
    # The parent, one nested template per council shard in use and the two us-east-1 stacks: nothing unlinted, nothing
    # unexpected.
    assert {p.name for p in paths} == {synthesised.template_path.name} | {t.path.name for t in synthesised.shards.values()}
    assert len(paths) == 1 + len(synthesised.shards)
    us_east_1 = [synthesised.edge.path, synthesised.web_logs.path]
    assert set(synthesised.outdir.glob("*.template.json")) == {*paths, *us_east_1}
    errors = [error for path in paths for error in lint_errors(path, synthesised.stack.region)]
    errors += [error for path in us_east_1 for error in lint_errors(path, EDGE_REGION)]
    assert errors == []
