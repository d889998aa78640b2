"""Accepted adult social care referrals to the councils' CRMs: the bus's `Referral Accepted` events to the CRM connector
function, a dead-letter queue on each hop (alarmed as soon as it is not empty), and the function's reading of the CRM
client secrets, which operators put under casework/crm/ (one per council; the CDK app never holds their values)."""

from __future__ import annotations

from aws_cdk import ArnFormat, Duration, Stack, Token
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from constructs import Construct

from infra.constructs.monitoring import DeadLetterQueue, notifying_alarm
from infra.nag import NAG, acknowledge
from shared.core.domain.crm import CRM_SECRET_PREFIX
from shared.resources import CRM_CONNECTOR_DLQ_NAME, CRM_DELIVERY_DLQ_NAME, CRM_RULE_NAME, FFD_CRM_RULE_NAME, PREFIX
from shared.services.asc_triage.domain.crm import REFERRAL_ACCEPTED
from shared.services.family_front_door.domain.accepted import CONTACT_ACCEPTED

# Each service's accepted-case event, by its rule: (construct id, rule name, event, what the rule says it sends).
HAND_OVER_RULES = (
    ("ReferralAccepted", CRM_RULE_NAME, REFERRAL_ACCEPTED, "Sends accepted adult social care referrals to the CRM connector"),
    ("ContactAccepted", FFD_CRM_RULE_NAME, CONTACT_ACCEPTED,
     "Sends accepted Family Front Door contacts to the same connector, for the social care record system"),
)

# Handing an event to Lambda rarely fails; when it does, a few tries over two hours, then the DLQ. The function's own
# failures are retried by Lambda (DeadLetterQueue.keep_failed_invocations).
DELIVERY_RETRY_ATTEMPTS = 4
DELIVERY_MAX_EVENT_AGE = Duration.hours(2)


class CrmConnector(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        bus: events.IEventBus,
        connector: lambda_.Function,
        key: kms.Key,
        alarm_topic: sns.ITopic,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)

        self.delivery_dead_letter_queue = DeadLetterQueue(
            self, "DeliveryDeadLetterQueue", queue_name=CRM_DELIVERY_DLQ_NAME, key=key,
            holds="Referral Accepted events that EventBridge could not hand to the CRM connector",
        )
        self.dead_letter_queue = DeadLetterQueue(
            self, "DeadLetterQueue", queue_name=CRM_CONNECTOR_DLQ_NAME, key=key,
            holds="Accepted referrals the CRM connector could not deliver on any retry",
        )
        self.dead_letter_queue.keep_failed_invocations(connector)

        # One rule per service's accepted-case event, all to the one connector, its retries and its dead-letter queues.
        # Each target adds the delivery DLQ's queue-policy statement for events.amazonaws.com, scoped to its rule.
        self.rules = [
            events.Rule(
                self,
                construct_id_of_rule,
                event_bus=bus,
                rule_name=rule_name,
                description=description,
                event_pattern=events.EventPattern(source=event.pattern["source"], detail_type=event.pattern["detail-type"]),
                targets=[
                    targets.LambdaFunction(
                        connector,
                        dead_letter_queue=self.delivery_dead_letter_queue.queue,
                        retry_attempts=DELIVERY_RETRY_ATTEMPTS,
                        max_event_age=DELIVERY_MAX_EVENT_AGE,
                    )
                ],
            )
            for construct_id_of_rule, rule_name, event, description in HAND_OVER_RULES
        ]
        self.rule = self.rules[0]
        # EventBridge encrypts what it sends to the delivery DLQ with the platform key. The rules' ARNs are spelled out:
        # a reference to a rule would make the key depend on the rule, which depends on the queue, which needs the key.
        rule_arns = [stack.format_arn(service="events", resource="rule", resource_name=f"{bus.event_bus_name}/{rule_name}")
                     for _, rule_name, _, _ in HAND_OVER_RULES]
        key.add_to_resource_policy(iam.PolicyStatement(
            sid="AllowEventBridgeToSendToTheCrmDeliveryDeadLetterQueue",
            principals=[iam.ServicePrincipal("events.amazonaws.com")],
            actions=["kms:GenerateDataKey", "kms:Decrypt"],
            resources=["*"],
            conditions={"ArnEquals": {"aws:SourceArn": rule_arns}},
        ))

        crm_secrets = stack.format_arn(service="secretsmanager", resource="secret", resource_name=f"{CRM_SECRET_PREFIX}*",
                                       arn_format=ArnFormat.COLON_RESOURCE_NAME)
        connector.add_to_role_policy(iam.PolicyStatement(actions=["secretsmanager:GetSecretValue"], resources=[crm_secrets]))
        # cdk-nag names the resource as synthesised: pseudo parameters where the stack's environment leaves them open.
        region = "<AWS::Region>" if Token.is_unresolved(stack.region) else stack.region
        account = "<AWS::AccountId>" if Token.is_unresolved(stack.account) else stack.account
        acknowledge(
            connector.role,
            f"{NAG}-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:{region}:{account}:secret:{CRM_SECRET_PREFIX}*]",
            "Each council's CRM client secret is created by operators under casework/crm/ when its CRM is connected, and "
            "Secrets Manager adds a random suffix to every ARN: the grant is read-only, on that prefix alone.",
        )

        self.dead_letter_queues = [self.delivery_dead_letter_queue, self.dead_letter_queue]
        self.alarms = [
            notifying_alarm(
                self, f"{dlq.node.id}Alarm", topic=alarm_topic,
                name=f"{dlq.queue_name.removeprefix(f'{PREFIX}-')}-not-empty", metric=dlq.depth,
                description=f"{dlq.holds} wait in {dlq.queue_name}",
            )
            for dlq in self.dead_letter_queues
        ]
