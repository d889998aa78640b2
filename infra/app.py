"""CDK app entry point: `python -m infra.app` (what cdk.json runs) or `python infra/app.py`.

Context (all optional, `-c name=value` or cdk.json):
  councilsFile            path of the council config (default shared/config/councils.json)
  region                  deployment region (default shared.resources.DEFAULT_REGION)
  logLevel                LOG_LEVEL of every function (default INFO)
  powertoolsLayerVersion  version of the public Powertools layer (default pinned in infra/constructs/functions.py)
  alarmEmail              address subscribed to the alarm topic
  webDomainName           the web UI's own domain (e.g. casework.northshire.gov.uk), with webCertificateArn: an
  webCertificateArn       ACM certificate for it in us-east-1. Without them the UI is on CloudFront's own name.
  supplierPush            the print supplier's own SFTP server, as JSON ({"host", "port", "username", "remote_dir",
                          "host_key"}; shared/services/blue_badge/adapters/sftp.py SftpTarget): each night's extracts are pushed there too
  supplierSshPublicKey    the supplier's public key for its Transfer Family user (collecting from our SFTP)
  partnerEmail            the SES identity the Family Front Door's partner pool emails from, as JSON ({"from_address",
                          optional "from_name", "reply_to", "configuration_set", "verified_domain"}; infra/constructs/
                          partner_identity.py PartnerEmail). Without it Cognito's own sender (a few dozen emails a day)
  nag                     "false" to skip cdk-nag (default on)
The account comes from CDK_DEFAULT_ACCOUNT (set by the CDK CLI when credentials exist); without it the
stacks are environment-agnostic in account and still synthesise offline.

Three stacks: Casework (the platform, in `region`) and, in us-east-1 where AWS keeps them, CaseworkWebEdge (the web
UI's CloudFront web ACL) and CaseworkWebLogs (its distribution's access logs). `cdk deploy --all` deploys the edge
first and the logs last; both regions must be bootstrapped.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script: Python put infra/ first on sys.path, where infra/constructs would shadow the
    # `constructs` library. Put the project root there instead.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import aws_cdk as cdk

from infra.constructs.functions import POWERTOOLS_LAYER_VERSION
from infra.constructs.web import EDGE_REGION, WebEdgeStack, WebLogsStack
from infra.nag import add_nag_checks
from infra.stack import CaseworkStack
from shared.core.domain.council import COUNCILS_FILE, CouncilConfigError, CouncilRegistry, load_councils
from shared.resources import DEFAULT_REGION, PREFIX

STACK_ID = "Casework"
EDGE_STACK_ID = "CaseworkWebEdge"  # the web UI's CloudFront web ACL, in us-east-1 (infra/constructs/web.py)
LOGS_STACK_ID = "CaseworkWebLogs"  # the web UI distribution's access logs, in us-east-1 (infra/constructs/web.py)

# CDK feature flags this app relies on. Set here rather than only in cdk.json so that the tests, which
# build the app in-process, synthesise exactly what `cdk synth` does.
FEATURE_FLAGS = {
    # Grant S3 server-access-log delivery through the log bucket's policy instead of the legacy
    # LogDeliveryWrite ACL (which would need ACLs enabled on the bucket).
    "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True,
    # With a KMS-encrypted queue CDK otherwise grants events.amazonaws.com SendMessage with no condition
    # at all; with this flag the grant is limited to rules in this account (aws:SourceAccount).
    "@aws-cdk/aws-events:eventsTargetQueueSameAccount": True,
}


def _flag(value: object, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in ("false", "0", "no", "off")


def build_app(
    councils: CouncilRegistry | None = None,
    *,
    councils_file: Path | str | None = None,
    outdir: str | None = None,
    context: dict | None = None,
    nag: bool | None = None,
) -> tuple[cdk.App, CaseworkStack]:
    """Build the app and its stack. Councils come from `councils`, else `councils_file`, else context
    `councilsFile`, else the default config; an invalid entry raises CouncilConfigError."""
    app = cdk.App(outdir=outdir or os.environ.get("CDK_OUTDIR") or "cdk.out", context={**FEATURE_FLAGS, **(context or {})})
    ctx = app.node.try_get_context

    if councils is None:
        path = councils_file or ctx("councilsFile") or COUNCILS_FILE
        councils = load_councils(Path(path))

    account = os.environ.get("CDK_DEFAULT_ACCOUNT")
    # Cross-region references (both ends): CDK passes the edge web ACL's ARN to the main stack, and the distribution's
    # ARN from the main stack to the logs stack, through SSM.
    edge = WebEdgeStack(
        app,
        EDGE_STACK_ID,
        stack_name=f"{PREFIX}-web-edge",
        description="Casework: the web UI's CloudFront web ACL (CLOUDFRONT scope exists only in us-east-1)",
        env=cdk.Environment(account=account, region=EDGE_REGION),
        cross_region_references=True,
    )
    stack = CaseworkStack(
        app,
        STACK_ID,
        stack_name=PREFIX,
        description="Casework: multi-council Blue Badge case management",
        env=cdk.Environment(account=account, region=ctx("region") or DEFAULT_REGION),
        cross_region_references=True,
        web_acl_arn=edge.web_acl.attr_arn,
        councils=councils,
        log_level=str(ctx("logLevel") or "INFO"),
        powertools_layer_version=int(ctx("powertoolsLayerVersion") or POWERTOOLS_LAYER_VERSION),
        alarm_email=ctx("alarmEmail"),
    )
    WebLogsStack(
        app,
        LOGS_STACK_ID,
        stack_name=f"{PREFIX}-web-logs",
        description="Casework: the web UI distribution's access logs, without the URI (CloudFront log delivery is in us-east-1)",
        env=cdk.Environment(account=account, region=EDGE_REGION),
        cross_region_references=True,
        distribution_arn=stack.web.distribution.distribution_arn,
    )
    if _flag(nag if nag is not None else ctx("nag"), default=True):
        add_nag_checks(app)
    return app, stack


def main() -> None:
    try:
        app, _ = build_app()
    except CouncilConfigError as error:
        print(f"Council configuration error: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    app.synth()


if __name__ == "__main__":
    main()
