"""Each council's own resources - its case table and its Cognito groups - in nested stacks ("shards").

One council costs ~7 CloudFormation resources (a table, its throttling alarm, one group per Role); in the parent stack
that would stop near 70 councils (500 resources per template). Councils are spread over COUNCIL_SHARDS nested
stacks instead, each council in shard `council_shard(code)`: a stable hash of its code alone. Adding or
removing a council therefore changes only its own shard's template; no other council's table moves to
another stack, which would replace it (a RETAINed table with a fixed name: the deploy would fail).

What crosses the stack boundary: the platform CMK's ARN and the user pool's id, which CDK passes to each
nested stack as parameters; each council table's throttling alarm names the alarm topic by its fixed name instead.
Nothing comes back: the functions reach council tables through the council data role,
whose policy names the table from the session's council tag (tenancy.py), so the parent references no council resource and its template does not
change with the councils, apart from one AWS::CloudFormation::Stack per shard in use.
"""

from __future__ import annotations

from collections.abc import Iterable

from aws_cdk import NestedStack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from infra.constructs.api import council_groups
from infra.constructs.monitoring import imported_alarm_topic, table_throttled_alarm
from infra.constructs.service_alarms import council_service_alarms
from infra.constructs.storage import LaidOutTable, case_table
from shared.core.domain.council import CouncilConfig
from shared.resources import CASE_TABLE_LAYOUT, COUNCIL_SHARDS, council_shard, council_table_name


class CouncilResources(Construct):
    """One council's case table (the tenant boundary; retained, deletion-protected), its throttling alarm and its role
    groups."""

    def __init__(
        self, scope: Construct, construct_id: str, *, council: CouncilConfig, key: kms.IKey, user_pool_id: str,
        alarm_topic: sns.ITopic,
    ) -> None:
        super().__init__(scope, construct_id)
        self.council = council
        self.table: LaidOutTable = case_table(
            self, "Table", council_table_name(council.code), CASE_TABLE_LAYOUT, key=key, retain=True
        )
        self.throttled_alarm = table_throttled_alarm(self, "ThrottledAlarm", topic=alarm_topic, table=self.table.table)
        self.service_alarms = council_service_alarms(self, council, alarm_topic)  # intake, parked, attention, decisions
        self.groups: dict[str, cognito.CfnUserPoolGroup] = council_groups(self, council, user_pool_id=user_pool_id)


class CouncilShard(NestedStack):
    """The councils whose code hashes to `shard`. Construct ids carry the council code and councils are
    added in code order, so the template depends only on the set of councils in this shard."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        shard: int,
        councils: Iterable[CouncilConfig],
        key: kms.IKey,
        user_pool_id: str,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            description=f"Casework council shard {shard} of {COUNCIL_SHARDS}: case tables and staff groups",
        )
        self.shard = shard
        alarm_topic = imported_alarm_topic(self)
        self.councils: dict[str, CouncilResources] = {}
        for council in sorted(councils, key=lambda c: c.code):
            if council_shard(council.code) != shard:
                raise ValueError(f"council {council.code!r} belongs in shard {council_shard(council.code)}, not {shard}")
            self.councils[council.code] = CouncilResources(
                self, f"Council{council.code}", council=council, key=key, user_pool_id=user_pool_id, alarm_topic=alarm_topic
            )


class CouncilShards(Construct):
    """A nested stack for each shard that has at least one council.

    Shards without councils are not created. An empty nested stack is not free anyway - CloudFormation
    rejects a template without resources, so it would need a placeholder resource - and eight stacks for a
    two-council deployment are clutter. Creating a shard later (its first council) or deleting it (its last
    council removed: the tables are RETAINed and stay, the groups go) adds or removes only that shard's
    AWS::CloudFormation::Stack in the parent; the other shards' logical ids derive from their fixed
    construct ids (Shard<n>) and do not change.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        councils: Iterable[CouncilConfig],
        key: kms.IKey,
        user_pool_id: str,
    ) -> None:
        super().__init__(scope, construct_id)
        by_shard: dict[int, list[CouncilConfig]] = {}
        for council in councils:
            by_shard.setdefault(council_shard(council.code), []).append(council)
        self.shards: dict[int, CouncilShard] = {
            shard: CouncilShard(
                self, f"Shard{shard}", shard=shard, councils=members, key=key, user_pool_id=user_pool_id
            )
            for shard, members in sorted(by_shard.items())
        }

    @property
    def councils(self) -> dict[str, CouncilResources]:
        """Every council's resources by council code, whichever shard holds them."""
        return {code: resources for shard in self.shards.values() for code, resources in shard.councils.items()}

    def shard_of(self, council_code: str) -> CouncilShard:
        return self.shards[council_shard(council_code)]
