"""Application intake: EventBridge bus -> rule -> encrypted SQS queue, with a DLQ on each hop."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constructs.monitoring import DeadLetterQueue
from shared.resources import (
    APPLICATION_SUBMITTED,
    EVENT_BUS_NAME,
    INTAKE_DELIVERY_DLQ_NAME,
    INTAKE_DLQ_NAME,
    INTAKE_MAX_RECEIVE_COUNT,
    INTAKE_QUEUE_NAME,
    INTAKE_RULE_NAME,
    INTAKE_VISIBILITY_TIMEOUT_SECONDS,
    NATIONAL_APPLICATION_SUBMITTED,
    NATIONAL_INTAKE_RULE_NAME,
)

# EventBridge's most patient retry policy, set explicitly: an application must outlast an outage of the intake queue.
DELIVERY_RETRY_ATTEMPTS = 185
DELIVERY_MAX_EVENT_AGE = Duration.hours(24)


class Intake(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, key: kms.IKey) -> None:
        super().__init__(scope, construct_id)

        self.bus = events.EventBus(self, "Bus", event_bus_name=EVENT_BUS_NAME, description="Submitted applications, and the events services put (e.g. Referral Accepted)")

        self.dead_letter_queue = DeadLetterQueue(
            self, "DeadLetterQueue", queue_name=INTAKE_DLQ_NAME, key=key, holds="Applications that failed intake repeatedly"
        )
        # EventBridge sends here with the key-policy grant the SQS target gives it for the intake queue (same key).
        self.delivery_dead_letter_queue = DeadLetterQueue(
            self,
            "DeliveryDeadLetterQueue",
            queue_name=INTAKE_DELIVERY_DLQ_NAME,
            key=key,
            holds="Submitted applications that EventBridge could not deliver to the intake queue",
        )
        self.queue = sqs.Queue(
            self,
            "Queue",
            queue_name=INTAKE_QUEUE_NAME,
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=key,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(INTAKE_VISIBILITY_TIMEOUT_SECONDS),
            retention_period=Duration.days(4),
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.dead_letter_queue.queue, max_receive_count=INTAKE_MAX_RECEIVE_COUNT),
        )

        # The SQS target adds the queue-policy statement for events.amazonaws.com (scoped to this rule)
        # and, because the queue is encrypted with our CMK, the matching key-policy statement; likewise
        # a statement (scoped to this rule) in the delivery DLQ's policy.
        self.rule = self._to_the_queue("ApplicationSubmitted", INTAKE_RULE_NAME, "Routes submitted applications to the intake queue",
                                       APPLICATION_SUBMITTED.pattern)
        # Applications in the national service's own format (its detail-type): the same queue, ingest maps them.
        self.national_rule = self._to_the_queue(
            "NationalApplicationSubmitted", NATIONAL_INTAKE_RULE_NAME,
            "Routes applications in the national service's own format to the intake queue", NATIONAL_APPLICATION_SUBMITTED.pattern)

    def _to_the_queue(self, construct_id: str, rule_name: str, description: str, pattern: dict) -> events.Rule:
        return events.Rule(
            self,
            construct_id,
            event_bus=self.bus,
            rule_name=rule_name,
            description=description,
            event_pattern=events.EventPattern(source=pattern["source"], detail_type=pattern["detail-type"]),
            targets=[
                targets.SqsQueue(
                    self.queue,
                    dead_letter_queue=self.delivery_dead_letter_queue.queue,
                    retry_attempts=DELIVERY_RETRY_ATTEMPTS,
                    max_event_age=DELIVERY_MAX_EVENT_AGE,
                )
            ],
        )
