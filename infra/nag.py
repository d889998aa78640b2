"""cdk-nag 3.x wiring and a single place through which every acknowledgement goes.

cdk-nag 3 runs as a CDK policy-validation plugin (``Validations.of(app).add_plugins(...)``) and reads
acknowledgements that ``Validations.of(construct).acknowledge(...)`` records as construct metadata.
An acknowledgement on a construct covers that construct and everything below it.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, App, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

ACKNOWLEDGED_RULES_METADATA_KEY = Validations.ACKNOWLEDGED_RULES_METADATA_KEY
MIN_REASON_LENGTH = 40
NAG = "AwsSolutions::AwsSolutions"  # prefix of cdk-nag 3 rule ids in Validations acknowledgements


def add_nag_checks(app: App) -> None:
    """Run the AWS Solutions rule pack on every stack of the app at synth time."""
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))


def acknowledge(scope: IConstruct, rule_id: str, reason: str) -> None:
    """Acknowledge one cdk-nag finding (e.g. ``AwsSolutions-IAM5[Resource::*]``) with a written reason."""
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON_LENGTH:
        raise ValueError(f"acknowledgement of {rule_id} on {scope.node.path} needs a specific reason, got {reason!r}")
    Validations.of(scope).acknowledge(Acknowledgment(id=rule_id, reason=reason))
