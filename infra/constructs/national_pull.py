"""The pull from the national Applications API (functions/national_pull): its schedule, the runs kept when they fail
(two dead-letter queues, alarmed with the others), and its reading of the councils' API client secrets, which operators
put under casework/national-api/ (one per council; the CDK app never holds their values)."""

from __future__ import annotations

from aws_cdk import ArnFormat, Stack, Token
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.constructs.schedules import KeptRuns, schedule_function
from infra.nag import NAG, acknowledge
from shared.resources import (
    NATIONAL_API_SECRET_PREFIX,
    NATIONAL_PULL_DLQ_NAME,
    NATIONAL_PULL_FUNCTION,
    NATIONAL_PULL_SCHEDULE,
    NATIONAL_PULL_SCHEDULE_DLQ_NAME,
)


class NationalPull(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, puller: lambda_.Function, key: kms.IKey) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        # Council tables and documents through the council data role, as for the other functions (tenancy.py). A failed
        # run is retried by the scheduler and by Lambda, then kept: the pull is idempotent and its watermark stays put.
        scheduled = schedule_function(
            self, "Schedule", function=puller, spec=NATIONAL_PULL_FUNCTION, expression=NATIONAL_PULL_SCHEDULE,
            description="Pulls each council's new applications from its national Applications API into cases",
            kept=KeptRuns(key=key, schedule_queue_name=NATIONAL_PULL_SCHEDULE_DLQ_NAME, failed_queue_name=NATIONAL_PULL_DLQ_NAME,
                          what="National application pulls"),
        )
        self.schedule = scheduled.schedule
        self.dead_letter_queues = scheduled.dead_letter_queues

        secrets = stack.format_arn(service="secretsmanager", resource="secret", resource_name=f"{NATIONAL_API_SECRET_PREFIX}*",
                                   arn_format=ArnFormat.COLON_RESOURCE_NAME)
        puller.add_to_role_policy(iam.PolicyStatement(actions=["secretsmanager:GetSecretValue"], resources=[secrets]))
        region = "<AWS::Region>" if Token.is_unresolved(stack.region) else stack.region
        account = "<AWS::AccountId>" if Token.is_unresolved(stack.account) else stack.account
        acknowledge(
            puller.role,
            f"{NAG}-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:{region}:{account}:secret:{NATIONAL_API_SECRET_PREFIX}*]",
            "Each council's national Applications API client secret is created by operators under casework/national-api/ "
            "when its pull is set up, and Secrets Manager adds a random suffix to every ARN: the grant is read-only, on that "
            "prefix alone.",
        )
