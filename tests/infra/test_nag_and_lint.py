"""cdk-nag (AWS Solutions) leaves nothing unacknowledged; cfn-lint finds no errors."""

from __future__ import annotations

import json

import pytest
from cfnlint.api import ManualArgs, lint_file

from infra.nag import ACKNOWLEDGED_RULES_METADATA_KEY, MIN_REASON_LENGTH

pytestmark = pytest.mark.slow

# Every acknowledged finding, by rule. A new kind of acknowledgement must be reviewed and added here.
EXPECTED_ACKNOWLEDGED_RULES = {
    "AwsSolutions-IAM5[Resource::*]",  # X-Ray / vended log delivery actions without resource-level permissions
    "AwsSolutions-L1",  # runtime pinned to the Powertools layer's Python
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
}
EXPECTED_ACKNOWLEDGED_PREFIXES = (
    "AwsSolutions-IAM5[Resource::<BucketsEvidence",  # evidence objects: Get/Put only
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:dynamodb:",  # council tables by name prefix: one policy size for any number of councils
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


def test_cfn_lint_reports_no_errors(synthesised):
    matches = lint_file(synthesised.template_path, config=ManualArgs(regions=[synthesised.stack.region]))
    errors = [f"{m.rule.id} {m.message} at {'/'.join(map(str, m.path))}" for m in matches if m.rule.id.startswith("E")]
    assert errors == []
