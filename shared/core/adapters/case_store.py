"""DynamoDB access for one council's table (single-table design; layout in shared.resources).

Items in a council table (everything about a case shares its partition, so one Query reads it all):
  CASE#<id> / CASE              the case, and its queue row (GSI1-7: the work queues, see shared.resources; GSI2-7 hold
                                the row and the filtered attributes only)
  CASE#<id> / AUDIT#<at>#<n>     audit entries, oldest first
  CASE#<id> / NOTE#<at>#<n>      caseworkers' notes
  CASE#<id> / <KIND>#<record id> a service's case record (shared.core.domain.records), e.g. a badge the case ordered
                                 (GSI1: the record's queue_position, e.g. a badge's print queue)
  CASE#<id> / RESUME#<digest>    a workflow resume owed for a step recorded (GSI1: the council's pending resumes)
  VIEWS#<id> / AUDIT#<at>#<n>    who read the case (CASE_VIEWED entries): apart from its partition, so that reading a case
                                 never loads (nor pays for) every earlier read of it
  APPLICATION#<id> / APPLICATION marks an application id (ServiceSpec.application_id) as taken: one case per application
  LOOKUP#<kind>#<value> / CASE#<id>  search keys (each service's ServiceSpec.lookup_keys)
  LOOKUP#<KIND>#<record id> / <KIND>  which case holds a FOUND_BY_ID record (e.g. which case ordered a badge)
  PARKED#<id> / PARKED          an application that could not become a case (GSI1: parked queue)
  ERASURE#<case id> / ERASURE   an erasure request made from a case, waiting for a second council admin (TTL expires_at)
Every access is a GetItem, a Query or a transaction; every change is conditional.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Self, TypeVar

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from shared.core.adapters.metrics import case_written
from shared.core.domain.case import WORKFLOW_ACTOR, AuditEntry, Case, CaseStage, Note, ParkedApplication, ParkedStatus
from shared.core.domain.pending_resume import PendingResume
from shared.core.domain.queue_row import QueueRow
from shared.core.domain.records import CaseRecord
from shared.core.domain.retention import ErasureRequest
from shared.core.domain.services import ServiceRegistry
from shared.resources import (
    ASSIGNEE_INDEX,
    CASE_PARTITION_PREFIX,
    CASE_TABLE_LAYOUT,
    PRIORITY_INDEX,
    QUEUE_ROW_ATTRIBUTE,
    REFERRAL_INDEX,
    STAGE_INDEX,
    TEAM_INDEX,
    FILTER_INDEXES,
    IndexSpec,
    case_partition,
)

PK, SK = CASE_TABLE_LAYOUT.partition_key, CASE_TABLE_LAYOUT.sort_key
CASE_SK = "CASE"
PARKED_SK = "PARKED"
PARKED_QUEUE = "PARKED"

PageItem = TypeVar("PageItem", Case, QueueRow, ParkedApplication, CaseRecord, PendingResume)
Record = TypeVar("Record", bound=CaseRecord)
Item = TypeVar("Item")


def every_item(page: Callable[[str | None], tuple[list[Item], str | None]]) -> Iterator[Item]:
    """Each item of a paged read, page after page: `page(cursor)` answers one page and the cursor of the next (None
    after the last). A page is read only once the items before it are taken."""
    cursor: str | None = None
    while True:
        items, cursor = page(cursor)
        yield from items
        if cursor is None:
            return

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

logger = logging.getLogger(__name__)


def application_marker_key(application_id: str) -> dict[str, str]:
    return {PK: f"APPLICATION#{application_id}", SK: "APPLICATION"}


class DuplicateApplication(Exception):
    def __init__(self, application_id: str, existing_case_id: str):
        super().__init__(f"application {application_id} is already case {existing_case_id}")
        self.existing_case_id = existing_case_id


class InvalidCursor(ValueError):
    """A page cursor that this store did not hand out."""


def encode_cursor(last_key: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(last_key, sort_keys=True).encode()).decode()


def decode_cursor(cursor: str, key_names: set[str]) -> dict[str, Any]:
    try:
        last_key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError):
        raise InvalidCursor("cursor is not one this API returned") from None
    if not isinstance(last_key, dict) or set(last_key) != key_names or not all(
        isinstance(value, dict) and set(value) == {"S"} and isinstance(value["S"], str) for value in last_key.values()
    ):
        raise InvalidCursor("cursor is not one this API returned")
    return last_key


class RowsWrite(StrEnum):
    """What writing a case again with its queue rows did (CaseStore.write_rows)."""

    WRITTEN = "WRITTEN"
    GONE = "GONE"  # erased meanwhile: no rows to write
    CHANGED = "CHANGED"  # changed since it was read: nothing written


class StaleVersion(Exception):
    """Someone else changed the item since it was read."""



def case_key(case_id: str) -> dict[str, str]:
    return {PK: case_partition(case_id), SK: CASE_SK}


def parked_key(parked_id: str) -> dict[str, str]:
    return {PK: f"PARKED#{parked_id}", SK: PARKED_SK}


def stage_queue_key(stage: CaseStage) -> str:
    """A stage's work queue; the key names the stage's service, so two services may use one stage name."""
    return f"STAGE#{stage.service_key()}#{stage.value}"


def assignee_queue_key(assignee: str) -> str:
    return f"ASSIGNEE#{assignee}"


def team_queue_key(team: str, stage: CaseStage) -> str:
    return f"TEAM#{team}#{stage_queue_key(stage)}"


def filter_queue_key(stage: CaseStage, attribute: str, value: str) -> str:
    """A stage's queue narrowed by one of its service's queue filters (FILTER_INDEXES)."""
    return f"{stage_queue_key(stage)}#{attribute.upper()}#{value}"


def referral_queue_key(assessor: str) -> str:
    return f"REFERRED#{assessor}"


RESUME_QUEUE = "RESUME_PENDING"
# A condition check on the case and 99 deletes: DynamoDB's 100 items per transaction.
ERASE_PER_TRANSACTION = 99


def erasure_request_key(case_id: str) -> dict[str, str]:
    return {PK: f"ERASURE#{case_id}", SK: "ERASURE"}


def view_log_key(case_id: str) -> str:
    return f"VIEWS#{case_id}"


def _oldest_first(entries: list[AuditEntry]) -> list[AuditEntry]:
    return sorted(entries, key=lambda entry: entry.at)


def resume_key(resume: PendingResume) -> dict[str, str]:
    return resume_key_of(resume.case_id, resume.token_digest)


def resume_key_of(case_id: str, token_digest: str) -> dict[str, str]:
    return {PK: case_partition(case_id), SK: f"RESUME#{token_digest}"}


def record_key(kind: str, case_id: str, record_id: str) -> dict[str, str]:
    return {PK: case_partition(case_id), SK: f"{kind}#{record_id}"}


def record_owner_key(kind: str, record_id: str) -> dict[str, str]:
    """Which case holds a FOUND_BY_ID record (its item holds `case_id`)."""
    return {PK: f"LOOKUP#{kind}#{record_id}", SK: kind}


# Three items per new record at most (the record, its owner key and the caller's extra write, e.g. a badge's owner item in
# the badge-number table); the case, its audit entry and a replaced record fit beside, within DynamoDB's 100 per transaction.
RECORDS_PER_TRANSACTION = 32


class QueueOrder(StrEnum):
    OLDEST = "oldest"
    NEWEST = "newest"
    PRIORITY = "priority"  # highest priority first, then oldest


@dataclass(frozen=True)
class QueueFilter:
    """Which cases a work queue shows. The most selective filter picks the index; the rest filter that Query."""

    stage: CaseStage | None = None
    filters: dict[str, str] = field(default_factory=dict)  # the stage's service's queue filters (attribute -> value)
    team: str | None = None  # with a stage: that team's cases at the stage
    assignee: str | None = None
    referred_to: str | None = None
    received_before: datetime | None = None  # "older than": received before this instant
    min_priority: int | None = None
    order: QueueOrder = QueueOrder.OLDEST

    def __post_init__(self) -> None:
        if self.stage is None and self.assignee is None and self.referred_to is None:
            raise ValueError("a queue needs a stage, an assignee or an assessor")


@dataclass
class CaseFile:
    """Everything stored about one case, read in one Query."""

    case: Case
    history: list[AuditEntry] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    records: dict[str, list[CaseRecord]] = field(default_factory=dict)  # the services' case records, by KIND
    pending_resumes: list[PendingResume] = field(default_factory=list)

    def records_of(self, model: type[Record]) -> list[Record]:
        return self.records.get(model.KIND, [])  # type: ignore[return-value]  # load reads each KIND as its model

    @property
    def catching_up(self) -> bool:
        """A step is recorded and Step Functions did not take its resume (it is sent again). A resume it took stays owed
        only until the workflow's next write of the case; once the workflow waits again (a new token), an entry left
        behind is stale: the sweeper finds its token spent and drops it."""
        return any(resume.refused for resume in self.pending_resumes) and not self.case.task_token


def _queue_sort_key(case: Case) -> str:
    return f"{case.received_at.astimezone(UTC).isoformat()}#{case.case_id}"


def _body_reader(model: type[PageItem]) -> Callable[[dict[str, Any]], PageItem]:
    return lambda item: model.model_validate_json(item["body"])


def _marshal(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in item.items()}


def _unmarshal(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


def _condition_failed(error: ClientError) -> bool:
    return error.response["Error"]["Code"] == "ConditionalCheckFailedException"


class CaseStore:
    def __init__(self, client: Any, table_name: str, services: ServiceRegistry | None = None):
        if services is None:
            from shared.services.registry import SERVICES  # the deployment's services (the registry imports the core)

            services = SERVICES
        self._client = client
        self.table_name = table_name
        self._services = services
        self._only_service: str | None = None

    def serving(self, service_key: str) -> Self:
        """This store as one service's pages and API use it: a case of another service reads as not there (so an id
        of another service's case answers 404, and no service's code ever handles another's case)."""
        scoped = type(self)(self._client, self.table_name, self._services)  # a service's store subclass stays itself
        scoped._only_service = self._services.get(service_key).key
        return scoped

    def _read_case(self, item: dict[str, Any]) -> Case:
        return self._services.case_from_json(item["body"], item.get("service"))

    def _read_queued_case(self, item: dict[str, Any]) -> Case | None:
        """A case from a queue that may hold several services' cases (by assignee, by assessor): None when out of scope."""
        return self._read_case(item) if self._in_scope(item) else None

    def _read_queue_row(self, item: dict[str, Any]) -> QueueRow | None:
        """A case's line from a work-queue index (None when out of scope). Its row is projected into every queue index;
        only a case written before rows were kept lacks one, and it is read from its body (GSI1 holds whole items)."""
        if not self._in_scope(item):
            return None
        spec = self._services.get(item.get("service") or self._services.legacy)
        if QUEUE_ROW_ATTRIBUTE in item:
            return spec.queue_row.model_validate_json(item[QUEUE_ROW_ATTRIBUTE])
        if "body" in item:
            return spec.queue_row.of(self._read_case(item))
        raise RuntimeError(f"case item {item[PK]} in a queue index has no {QUEUE_ROW_ATTRIBUTE!r}: write the rows of cases "
                           "stored before rows were kept before reading queues from the projected indexes")

    def _in_scope(self, item: dict[str, Any]) -> bool:
        return self._only_service is None or (item.get("service") or self._services.legacy) == self._only_service

    # ------------------------------------------------------------ cases
    def create(self, case: Case, audit: AuditEntry, records: Sequence[CaseRecord] = ()) -> None:
        """Write a new case with its audit entry, application marker and search keys, all or nothing (with any records
        its opening makes: a service's own outbox entries, e.g. a status owed to another system)."""
        spec = self._services.for_case(case)
        application_id = spec.application_id(case.application)
        marker_key = application_marker_key(application_id)
        marker = marker_key | {"case_id": case.case_id}
        items = [
            self._put(self._case_item(case), new_only=True),
            self._put(marker, new_only=True),
            self._put(self._audit_item(audit)),
            *(self._put(item) for item in self._lookup_items(case)),
            *(write for record in records for write in self._new_record_writes(record, None)),
        ]
        try:
            self._client.transact_write_items(TransactItems=items)
        except ClientError as error:
            reasons = error.response.get("CancellationReasons") or []
            if len(reasons) > 1 and reasons[1].get("Code") == "ConditionalCheckFailed":
                existing = self._get_item(marker_key)
                raise DuplicateApplication(application_id, existing["case_id"] if existing else "unknown") from None
            raise
        case_written(case, spec, created=True)

    def case_for_application(self, application_id: str) -> str | None:
        """The case an application already became, if any (its marker, written with the case)."""
        marker = self._get_item(application_marker_key(application_id))
        return marker["case_id"] if marker else None

    def get(self, case_id: str) -> Case | None:
        item = self._get_item(case_key(case_id))
        return self._read_case(item) if item and self._in_scope(item) else None

    def save(self, case: Case, expected_version: int, audit: AuditEntry, resume: PendingResume | None = None,
             records: Sequence[CaseRecord] = (), before: Case | None = None) -> None:
        """Replace the case if nobody changed it since `expected_version` was read; audit in the same transaction,
        and with it the workflow resume the change owes, if any (an outbox entry: see pending_resume), and any new
        records the change makes (a service's own outbox entries, e.g. a status owed to another system). `before`:
        the case as read, so that only the listed search keys the change alters are written (_listed_lookup_writes)."""
        writes = self._case_writes(case, expected_version, audit, resume)
        writes += self._listed_lookup_writes(case, before)
        if resume is not None:
            writes.append(self._put(self._resume_item(resume), new_only=True))
        writes += [write for record in records for write in self._new_record_writes(record, None)]
        self._transact(writes, "case", case.case_id)
        case_written(case, self._services.for_case(case))

    def _case_writes(self, case: Case, expected_version: int, audit: AuditEntry, resume: PendingResume | None = None) -> list[dict[str, Any]]:
        """The case's conditional write and its audit entry. A person's step that owes its workflow a resume notes it on
        the case (owed_resume); the workflow's next write of the case deletes its outbox item, in the same transaction:
        the workflow runs on only once it took the resume, so the step's own request need not delete it."""
        settled = case.owed_resume if audit.actor == WORKFLOW_ACTOR else None
        if resume is not None or settled:
            case = case.model_copy(update={"owed_resume": resume.token_digest if resume is not None else None})
        writes = [self._conditional_put(self._case_item(case), expected_version), self._put(self._audit_item(audit))]
        if settled:
            writes.append({"Delete": {"TableName": self.table_name, "Key": _marshal(resume_key_of(case.case_id, settled))}})
        return writes

    def audit_together(self, unchanged: Sequence[tuple[str, int]], audits: Sequence[AuditEntry]) -> None:
        """Audit entries about several cases (two linked as duplicates), written all or none, and only while each
        case is still at the version given: StaleVersion if any changed."""
        checks = [{"ConditionCheck": {"TableName": self.table_name, "Key": _marshal(case_key(case_id)),
                                      "ConditionExpression": "version = :expected",
                                      "ExpressionAttributeValues": {":expected": {"N": str(version)}}}}
                  for case_id, version in unchanged]
        self._transact(checks + [self._put(self._audit_item(audit), new_only=True) for audit in audits], "case",
                       ", ".join(case_id for case_id, _ in unchanged))

    def record_view(self, audit: AuditEntry) -> None:
        """A read of the case (CASE_VIEWED), into the case's view log."""
        item = self._audit_item(audit) | {PK: view_log_key(audit.case_id)}
        self._client.put_item(**self._put(item, new_only=True)["Put"])

    def views(self, case_id: str, limit: int | None = None) -> list[AuditEntry]:
        """Reads of the case, newest first (the latest `limit` of them, or all)."""
        query: dict[str, Any] = {"KeyConditionExpression": "#pk = :pk", "ExpressionAttributeNames": {"#pk": PK},
                                 "ExpressionAttributeValues": {":pk": {"S": view_log_key(case_id)}}, "ScanIndexForward": False}
        if limit is not None:
            response = self._client.query(TableName=self.table_name, Limit=limit, **query)
            items = [_unmarshal(item) for item in response["Items"]]
        else:
            items = self._query_all(**query)
        return [AuditEntry.model_validate_json(item["body"]) for item in items]

    def append_audit(self, audit: AuditEntry) -> None:
        """An entry that records something about the case without changing it (a notification sent)."""
        self._client.put_item(**self._put(self._audit_item(audit), new_only=True)["Put"])

    def history(self, case_id: str) -> list[AuditEntry]:
        """Every audit entry of the case, its reads (the view log) included, oldest first."""
        items = self._query_all(
            KeyConditionExpression="#pk = :pk AND begins_with(#sk, :audit)",
            ExpressionAttributeNames={"#pk": PK, "#sk": SK},
            ExpressionAttributeValues={":pk": {"S": case_partition(case_id)}, ":audit": {"S": "AUDIT#"}},
        )
        return _oldest_first([AuditEntry.model_validate_json(item["body"]) for item in items] + self.views(case_id))

    def load(self, case_id: str, with_views: bool = False) -> CaseFile | None:
        """The case with its history, notes and case records: one Query on the case's partition. Its reads (the view
        log) are not in its history unless `with_views` (a second Query: a subject access export wants every one)."""
        items = self._query_all(
            KeyConditionExpression="#pk = :pk",
            ExpressionAttributeNames={"#pk": PK},
            ExpressionAttributeValues={":pk": {"S": case_partition(case_id)}},
        )
        by_kind: dict[str, list[str]] = {}
        case_item = None
        for item in items:
            by_kind.setdefault(item[SK].split("#", 1)[0], []).append(item["body"])
            if item[SK] == CASE_SK:
                case_item = item
        if case_item is None or not self._in_scope(case_item):
            return None
        history = [AuditEntry.model_validate_json(body) for body in by_kind.get("AUDIT", [])]
        return CaseFile(
            case=self._read_case(case_item),
            history=_oldest_first(history + self.views(case_id)) if with_views else history,
            notes=[Note.model_validate_json(body) for body in by_kind.get("NOTE", [])],
            records={kind: [model.model_validate_json(body) for body in bodies] for kind, bodies in by_kind.items()
                     if (model := self._services.record_model(kind)) is not None},
            pending_resumes=[PendingResume.model_validate_json(body) for body in by_kind.get("RESUME", [])],
        )

    def add_note(self, note: Note, audit: AuditEntry) -> None:
        """A note and its audit entry, on condition the case exists."""
        item = {PK: case_partition(note.case_id), SK: f"NOTE#{note.at.isoformat()}#{secrets.token_hex(4)}", "body": note.model_dump_json()}
        exists = {"ConditionCheck": {"TableName": self.table_name, "Key": _marshal(case_key(note.case_id)),
                                     "ConditionExpression": "attribute_exists(#pk)", "ExpressionAttributeNames": {"#pk": PK}}}
        self._transact([exists, self._put(item, new_only=True), self._put(self._audit_item(audit))], "case", note.case_id)

    def by_stage(self, stage: CaseStage, limit: int = 50, after: str | None = None) -> tuple[list[Case], str | None]:
        """One page of a stage's queue, oldest first; `after` is the opaque cursor of the previous page."""
        return self._query_page(self._read_queued_case, STAGE_INDEX, stage_queue_key(stage), limit, after)

    def queue(self, wanted: QueueFilter, limit: int = 50, after: str | None = None) -> tuple[list[QueueRow], str | None]:
        """One page of a work queue, as its lines (not whole cases): a Query on the index that matches the most selective
        filter."""
        filters: dict[str, tuple[str, Any]] = {}  # attribute -> (operator, value) for what the key does not cover
        if wanted.assignee is not None:
            index, key = ASSIGNEE_INDEX, assignee_queue_key(wanted.assignee)
        elif wanted.referred_to is not None:
            index, key = REFERRAL_INDEX, referral_queue_key(wanted.referred_to)
        elif wanted.order is QueueOrder.PRIORITY:
            index, key = PRIORITY_INDEX, stage_queue_key(wanted.stage)
        elif indexed := [attribute for attribute in wanted.filters if self._filter_index(wanted.stage, attribute)]:
            attribute = indexed[0]
            index = self._filter_index(wanted.stage, attribute)
            key = filter_queue_key(wanted.stage, attribute, wanted.filters[attribute])
        elif wanted.team is not None:
            index, key = TEAM_INDEX, team_queue_key(wanted.team, wanted.stage)
        else:
            index, key = STAGE_INDEX, stage_queue_key(wanted.stage)
        keyed_by_stage = index in (PRIORITY_INDEX, STAGE_INDEX, TEAM_INDEX, *FILTER_INDEXES)
        if wanted.stage is not None and not keyed_by_stage:
            filters["stage"] = ("=", wanted.stage.value)
            filters["service"] = ("=", wanted.stage.service_key())
        if wanted.team is not None and index is not TEAM_INDEX:
            filters["team"] = ("=", wanted.team)
        for attribute, value in wanted.filters.items():
            if index is not self._filter_index(wanted.stage, attribute):
                filters[attribute] = ("=", value)
        if wanted.min_priority is not None:
            filters["priority"] = (">=", wanted.min_priority)
        before = wanted.received_before.astimezone(UTC).isoformat() if wanted.received_before else None
        sort_before = None
        if before is not None:
            if index is PRIORITY_INDEX:
                filters["received_at"] = ("<", before)
            else:
                sort_before = before
        return self._query_page(self._read_queue_row, index, key, limit, after, sort_before=sort_before, filters=filters,
                                ascending=wanted.order is not QueueOrder.NEWEST)

    def _filter_index(self, stage: CaseStage | None, attribute: str) -> IndexSpec | None:
        return self._services.get(stage.service_key()).filter_index(attribute) if stage is not None else None

    def count_stage(self, stage: CaseStage) -> int:
        """How many cases stand at a stage: a Select=COUNT Query on the stage index (no items come back,
        though DynamoDB still charges for reading them)."""
        kwargs: dict[str, Any] = {
            "TableName": self.table_name, "IndexName": STAGE_INDEX.name, "Select": "COUNT",
            "KeyConditionExpression": "#k = :v", "ExpressionAttributeNames": {"#k": STAGE_INDEX.partition_key},
            "ExpressionAttributeValues": {":v": {"S": stage_queue_key(stage)}},
        }
        total = 0
        while True:
            response = self._client.query(**kwargs)
            total += response["Count"]
            if "LastEvaluatedKey" not in response:
                return total
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def newest_arrival(self, stages: Sequence[CaseStage]) -> datetime | None:
        """When the newest application arrived, as a case now at one of `stages` or as one still parked (None: none):
        one Query per stage and one on the parked queue, each the newest item only (sort keys start with the time)."""
        newest = None
        for partition in [*(stage_queue_key(stage) for stage in stages), PARKED_QUEUE]:
            response = self._client.query(
                TableName=self.table_name, IndexName=STAGE_INDEX.name, KeyConditionExpression="#k = :v",
                ExpressionAttributeNames={"#k": STAGE_INDEX.partition_key, "#s": STAGE_INDEX.sort_key},
                ExpressionAttributeValues={":v": {"S": partition}}, ScanIndexForward=False, Limit=1, ProjectionExpression="#s")
            for item in response["Items"]:
                arrived = datetime.fromisoformat(item[STAGE_INDEX.sort_key]["S"].split("#", 1)[0])
                newest = arrived if newest is None or arrived > newest else newest
        return newest

    def received_at_stage(self, stage: CaseStage, since: datetime | None, before: datetime) -> list[Case]:
        """Every case at a stage received in [since, before) (since None: any time before): one Query on the
        stage index, whose sort key starts with the time received, followed over its pages."""
        names = {"#k": STAGE_INDEX.partition_key, "#s": STAGE_INDEX.sort_key}
        values = {":v": {"S": stage_queue_key(stage)}, ":before": {"S": before.astimezone(UTC).isoformat()}}
        condition = "#k = :v AND #s < :before"
        if since is not None:
            values[":since"] = {"S": since.astimezone(UTC).isoformat()}
            condition = "#k = :v AND #s BETWEEN :since AND :before"  # a case received exactly at `before` sorts above it
        items = self._query_all(IndexName=STAGE_INDEX.name, KeyConditionExpression=condition,
                                ExpressionAttributeNames=names, ExpressionAttributeValues=values)
        return [self._read_case(item) for item in items]

    # ------------------------------------------------------------ case records (shared.core.domain.records)
    def get_record(self, model: type[Record], record_id: str) -> Record | None:
        """A FOUND_BY_ID record by its id: which case holds it, then the record itself (two GetItems)."""
        if not model.FOUND_BY_ID:
            raise ValueError(f"{model.KIND} records are not found by id alone")
        owner = self._get_item(record_owner_key(model.KIND, record_id))
        if owner is None:
            return None
        item = self._get_item(record_key(model.KIND, owner["case_id"], record_id))
        return model.model_validate_json(item["body"]) if item else None

    def add_records(
        self, case: Case, expected_version: int, records: Sequence[CaseRecord], audit: AuditEntry,
        replaced: CaseRecord | None = None, extra_write: Callable[[Any], dict[str, Any]] | None = None,
    ) -> None:
        """Save the case with its new records (and the record they replace).

        `extra_write` gives, per new record, a write into another table in the same transaction (Blue Badge: where
        a badge lives, in the deployment's badge-number table).

        A transaction holds at most 100 items, so a large addition writes its first records in transactions of their
        own and the last ones with the case; a retry finds those already written (CaseFile.records) and adds only the rest.
        """
        chunks = [records[start:start + RECORDS_PER_TRANSACTION] for start in range(0, len(records), RECORDS_PER_TRANSACTION)]
        *earlier, last = chunks or [[]]
        for chunk in earlier:
            self._transact([write for record in chunk for write in self._new_record_writes(record, extra_write)], "case", case.case_id)
        writes = self._case_writes(case, expected_version, audit)
        writes += [self._put(item) for item in self._lookup_items(case, listed_only=True)]
        writes += [write for record in last for write in self._new_record_writes(record, extra_write)]
        if replaced is not None:  # already changed by the caller, one version on from the one read
            writes.append(self._conditional_put(self._record_item(replaced), replaced.version - 1))
        self._transact(writes, "case", case.case_id)
        case_written(case, self._services.for_case(case))

    def _new_record_writes(self, record: CaseRecord, extra_write: Callable[[Any], dict[str, Any]] | None) -> list[dict[str, Any]]:
        writes = [self._put(self._record_item(record), new_only=True)]
        if record.FOUND_BY_ID:
            writes.append(self._put(record_owner_key(record.KIND, record.record_id) | {"case_id": record.case_id}, new_only=True))
        return writes + ([extra_write(record)] if extra_write is not None else [])

    def record_queue(self, model: type[Record], queue_key: str, limit: int, after: str | None = None) -> tuple[list[Record], str | None]:
        """One page of the records at GSI1 partition `queue_key` (their queue_position), in sort-key order."""
        return self._query_page(_body_reader(model), STAGE_INDEX, queue_key, limit, after)

    def save_records(self, changes: Sequence[tuple[CaseRecord, int]], audits: Sequence[AuditEntry] = ()) -> None:
        """Several record changes (each conditional on the version read) and their audit entries, all or nothing:
        StaleVersion if any record changed, and then none is saved. At most 100 items together."""
        writes = [self._conditional_put(self._record_item(record), expected) for record, expected in changes]
        writes += [self._put(self._audit_item(audit)) for audit in audits]
        kind = f"{changes[0][0].KIND.lower()}s" if changes else "records"
        self._transact(writes, kind, ", ".join(record.record_id for record, _ in changes[:3]))

    def put_record(self, record: CaseRecord, expected_version: int) -> None:
        """Bookkeeping that changes nothing a person follows (a status report sent on): conditional, not audited."""
        try:
            self._client.put_item(**self._conditional_put(self._record_item(record), expected_version)["Put"])
        except ClientError as error:
            if _condition_failed(error):
                raise StaleVersion(f"{record.KIND.lower()} {record.record_id} was changed by someone else") from None
            raise

    def save_record(self, record: CaseRecord, expected_version: int, audit: AuditEntry) -> None:
        """Change a record if nobody changed it since `expected_version` (0: add it, if nobody added it meanwhile);
        audited on its case."""
        write = (self._put(self._record_item(record), new_only=True) if expected_version == 0
                 else self._conditional_put(self._record_item(record), expected_version))
        self._transact([write, self._put(self._audit_item(audit))], record.KIND.lower(), record.record_id)

    def case_record(self, model: type[Record], case_id: str, record_id: str) -> Record | None:
        """One record of a case, by the case and the record's id (one GetItem)."""
        item = self._get_item(record_key(model.KIND, case_id, record_id))
        return model.model_validate_json(item["body"]) if item else None

    def lookup_keys(self, case: Case) -> list[str]:
        """The case's search keys, as its service defines them."""
        return self._services.for_case(case).lookup_keys(case)

    def lookup_rows(self, kind: str, value: str) -> list[QueueRow]:
        """The queue rows of the cases under a listed search key (ServiceSpec.listed_lookups): one Query, no case read."""
        items = self._query_all(
            KeyConditionExpression="#pk = :pk",
            ExpressionAttributeNames={"#pk": PK},
            ExpressionAttributeValues={":pk": {"S": f"LOOKUP#{kind}#{value}"}},
        )
        return [row for item in items if QUEUE_ROW_ATTRIBUTE in item and (row := self._read_queue_row(item)) is not None]

    def _listed_lookup_writes(self, case: Case, before: Case | None) -> list[dict[str, Any]]:
        """The listed search-key items a change writes: without `before`, all of them; with it, only a key that is new
        or whose queue row shows something else (its `version` aside: nothing sends a listed row's version back), and a
        delete for a key the change took away. A change that touches neither the keys nor what lists show writes none."""
        items = self._lookup_items(case, listed_only=True)
        if before is None:
            return [self._put(item) for item in items]
        spec = self._services.for_case(case)
        row_changed = spec.queue_row.of(case).model_dump(exclude={"version"}) != spec.queue_row.of(before).model_dump(exclude={"version"})
        kept = {item[PK] for item in self._lookup_items(before, listed_only=True)}
        gone = kept - {item[PK] for item in items}
        return ([self._put(item) for item in items if row_changed or item[PK] not in kept]
                + [self._delete({PK: key, SK: case_partition(case.case_id)}) for key in sorted(gone)])

    def _lookup_items(self, case: Case, listed_only: bool = False) -> list[dict[str, Any]]:
        """The case's search-key items; those of its service's listed kinds carry its queue row, rewritten with every
        change of the case so that a list of them is one Query (listed_only: those alone)."""
        spec = self._services.for_case(case)
        row = spec.queue_row.of(case).model_dump_json() if spec.listed_lookups else None
        items = []
        for key in dict.fromkeys(spec.lookup_keys(case)):
            listed = key.removeprefix("LOOKUP#").split("#", 1)[0] in spec.listed_lookups
            if listed_only and not listed:
                continue
            item = {PK: key, SK: case_partition(case.case_id), "case_id": case.case_id}
            if listed:
                item |= {QUEUE_ROW_ATTRIBUTE: row, "service": case.service}
            items.append(item)
        return items

    def lookup(self, kind: str, value: str) -> list[str]:
        items = self._query_all(
            KeyConditionExpression="#pk = :pk",
            ExpressionAttributeNames={"#pk": PK},
            ExpressionAttributeValues={":pk": {"S": f"LOOKUP#{kind}#{value}"}},
        )
        return [item["case_id"] for item in items]

    # ------------------------------------------------------------ workflow resumes owed (written by save)
    def pending_resumes(self, case_id: str) -> list[PendingResume]:
        """The resumes one case owes its workflow: one Query on the case's partition."""
        items = self._query_all(
            KeyConditionExpression="#pk = :pk AND begins_with(#sk, :resume)",
            ExpressionAttributeNames={"#pk": PK, "#sk": SK},
            ExpressionAttributeValues={":pk": {"S": case_partition(case_id)}, ":resume": {"S": "RESUME#"}},
        )
        return [PendingResume.model_validate_json(item["body"]) for item in items]

    def resume_queue(self, limit: int = 100, after: str | None = None) -> tuple[list[PendingResume], str | None]:
        """One page of the resumes this council's cases owe, oldest first (for the sweeper)."""
        return self._query_page(_body_reader(PendingResume), STAGE_INDEX, RESUME_QUEUE, limit, after)

    def note_resume_refused(self, resume: PendingResume) -> None:
        """Step Functions did not take the resume: say so on its outbox item (only while it is there), so that the case
        shows its workflow catching up. Best effort: the sweeper sends it again whether or not this lands."""
        try:
            self._client.put_item(TableName=self.table_name, Item=_marshal(self._resume_item(resume.model_copy(update={"refused": True}))),
                                  ConditionExpression="attribute_exists(#pk)", ExpressionAttributeNames={"#pk": PK})
        except ClientError:
            logger.warning("case %s's owed resume is not marked refused", resume.case_id, exc_info=True)

    def drop_resume(self, resume: PendingResume) -> None:
        """The resume was taken (or its task waits no more); dropping it twice is harmless. A delete that fails (throttled)
        leaves the item for the next sweep, which finds its token spent and drops it: the step it belongs to is done."""
        try:
            self._client.delete_item(TableName=self.table_name, Key=_marshal(resume_key(resume)))
        except ClientError:
            logger.warning("the outbox item of case %s's resume stays until the next sweep", resume.case_id, exc_info=True)

    # ------------------------------------------------------------ one-off migration (shared/core/logic/migrations.py)
    def cases_without_rows(self) -> Iterator[str]:
        """The ids of cases an earlier version stored without their queue rows: on the case's item, or on a listed
        search key's item. A Scan of the table, for the migration to the row-projecting indexes only (run once per
        deployment, never in a request path); an id may come more than once."""
        listed = sorted({kind for spec in self._services for kind in spec.listed_lookups})
        names = {"#pk": PK, "#sk": SK, "#row": QUEUE_ROW_ATTRIBUTE}
        values = {":case": {"S": CASE_SK}} | {f":listed{n}": {"S": f"LOOKUP#{kind}#"} for n, kind in enumerate(listed)}
        holders = " OR ".join(["#sk = :case", *(f"begins_with(#pk, :listed{n})" for n in range(len(listed)))])
        pages = self._client.get_paginator("scan").paginate(
            TableName=self.table_name, FilterExpression=f"attribute_not_exists(#row) AND ({holders})",
            ProjectionExpression="#pk, #sk, case_id", ExpressionAttributeNames=names, ExpressionAttributeValues=values)
        for page in pages:
            for item in map(_unmarshal, page["Items"]):
                yield item["case_id"] if "case_id" in item else item[PK].removeprefix(CASE_PARTITION_PREFIX)

    def write_rows(self, case_id: str) -> RowsWrite:
        """Write the case's item and its listed search keys again as this version writes them (each with its queue row),
        only while the case is at the version read. The case itself does not change (its version, body and history stay
        as they were), so no audit entry."""
        item = self._get_item(case_key(case_id))
        if item is None:
            return RowsWrite.GONE
        case = self._read_case(item)
        writes = [self._conditional_put(self._case_item(case), case.version),
                  *(self._put(lookup) for lookup in self._lookup_items(case, listed_only=True))]
        try:
            self._transact(writes, "case", case_id)
        except StaleVersion:
            return RowsWrite.CHANGED
        return RowsWrite.WRITTEN

    # ------------------------------------------------------------ erasure (shared/core/logic/lifecycle.py)
    def erase(self, case_file: CaseFile, tombstone: AuditEntry) -> None:
        """Delete every item of a case - its partition (history, notes, case records, reply links, resumes), its view
        log, its records' owner keys, its search keys and application marker - and leave `tombstone` in its place.

        A case can hold more than one transaction's items, so the items that hang off it go first, in transactions
        guarded by the case's version; the case, its keys and the tombstone go last, together. A run that stops
        half way leaves the case in its queue, and the next run finishes it."""
        case = case_file.case
        partition = self._query_all(
            KeyConditionExpression="#pk = :pk", ExpressionAttributeNames={"#pk": PK, "#sk": SK},
            ExpressionAttributeValues={":pk": {"S": case_partition(case.case_id)}}, ProjectionExpression="#pk, #sk",
        )
        views = self._query_all(
            KeyConditionExpression="#pk = :pk", ExpressionAttributeNames={"#pk": PK, "#sk": SK},
            ExpressionAttributeValues={":pk": {"S": view_log_key(case.case_id)}}, ProjectionExpression="#pk, #sk",
        )
        hanging = [{PK: item[PK], SK: item[SK]} for item in partition + views if item[SK] != CASE_SK]
        hanging += [record_owner_key(record.KIND, record.record_id)
                    for records in case_file.records.values() for record in records if record.FOUND_BY_ID]
        unchanged = {"ConditionCheck": {
            "TableName": self.table_name, "Key": _marshal(case_key(case.case_id)), "ConditionExpression": "version = :expected",
            "ExpressionAttributeValues": {":expected": {"N": str(case.version)}}}}
        for start in range(0, len(hanging), ERASE_PER_TRANSACTION):
            self._transact([unchanged, *(self._delete(key) for key in hanging[start:start + ERASE_PER_TRANSACTION])], "case", case.case_id)
        spec = self._services.for_case(case)
        keys = [{PK: key, SK: case_partition(case.case_id)} for key in dict.fromkeys(spec.lookup_keys(case))]
        keys.append(application_marker_key(spec.application_id(case.application)))
        last = self._delete(case_key(case.case_id))
        last["Delete"] |= {"ConditionExpression": "version = :expected", "ExpressionAttributeValues": {":expected": {"N": str(case.version)}}}
        self._transact([last, *(self._delete(key) for key in keys), self._put(self._audit_item(tombstone))], "case", case.case_id)

    def put_erasure_request(self, request: ErasureRequest, audits: list[AuditEntry]) -> None:
        """A pending erasure request, kept under the case it was made from (one at a time; gone by TTL if nobody
        confirms it), with its audit entries. StaleVersion if one is already waiting."""
        item = erasure_request_key(request.case_id) | {
            "body": request.model_dump_json(), CASE_TABLE_LAYOUT.ttl_attribute: int(request.expires_at.timestamp()),
        }
        self._transact([self._put(item, new_only=True), *(self._put(self._audit_item(audit)) for audit in audits)],
                       "erasure request for case", request.case_id)

    def erasure_request(self, case_id: str) -> ErasureRequest | None:
        """The erasure request waiting on the case it was made from, if any."""
        item = self._get_item(erasure_request_key(case_id))
        return ErasureRequest.model_validate_json(item["body"]) if item else None

    def close_erasure_request(self, request: ErasureRequest) -> None:
        """The request was carried out: it leaves the pending queue (the tombstones record who asked and who confirmed)."""
        delete = self._delete(erasure_request_key(request.case_id))
        delete["Delete"] |= {"ConditionExpression": "attribute_exists(#pk)", "ExpressionAttributeNames": {"#pk": PK}}
        try:
            self._client.delete_item(**delete["Delete"])
        except ClientError as error:
            if _condition_failed(error):
                raise StaleVersion(f"erasure request {request.request_id} was already carried out") from None
            raise

    def _delete(self, key: dict[str, str]) -> dict[str, Any]:
        return {"Delete": {"TableName": self.table_name, "Key": _marshal(key)}}

    # ------------------------------------------------------------ parked applications
    def park(self, parked: ParkedApplication) -> bool:
        """Park it; False if an item with its id is already parked (ids that are digests make this a duplicate check)."""
        try:
            self._client.put_item(**self._put(self._parked_item(parked), new_only=True)["Put"])
        except ClientError as error:
            if _condition_failed(error):
                return False
            raise
        return True

    def get_parked(self, parked_id: str) -> ParkedApplication | None:
        item = self._get_item(parked_key(parked_id))
        return ParkedApplication.model_validate_json(item["body"]) if item else None

    def parked(self, limit: int = 50, after: str | None = None) -> tuple[list[ParkedApplication], str | None]:
        return self._query_page(_body_reader(ParkedApplication), STAGE_INDEX, PARKED_QUEUE, limit, after)

    def update_parked(self, parked: ParkedApplication, expected_version: int) -> None:
        item = self._parked_item(parked)
        try:
            self._client.put_item(
                TableName=self.table_name,
                Item=_marshal(item),
                ConditionExpression="version = :expected",
                ExpressionAttributeValues={":expected": {"N": str(expected_version)}},
            )
        except ClientError as error:
            if _condition_failed(error):
                raise StaleVersion(f"parked application {parked.parked_id} changed since version {expected_version}") from None
            raise

    # ------------------------------------------------------------ item shapes
    def _case_item(self, case: Case) -> dict[str, Any]:
        by_age = _queue_sort_key(case)
        spec = self._services.for_case(case)
        filters = spec.queue_filters(case)
        item = case_key(case.case_id) | {
            # owed_resume is written only while a resume is owed: the item is no larger for it otherwise
            "body": case.model_dump_json(exclude=None if case.owed_resume else {"owed_resume"}),
            QUEUE_ROW_ATTRIBUTE: spec.queue_row.of(case).model_dump_json(),
            "version": case.version,
            "service": case.service,
            # Plain attributes that queue Queries filter on.
            "stage": case.stage.value,
            "priority": case.priority,
            "received_at": case.received_at.astimezone(UTC).isoformat(),
            STAGE_INDEX.partition_key: stage_queue_key(case.stage),
            STAGE_INDEX.sort_key: by_age,
            PRIORITY_INDEX.partition_key: stage_queue_key(case.stage),
            PRIORITY_INDEX.sort_key: f"{100 - case.priority:03d}#{by_age}",
        }
        for attribute, value in filters.items():
            item[attribute] = value
            if (index := spec.filter_index(attribute)) is not None:
                item[index.partition_key] = filter_queue_key(case.stage, attribute, value)
                item[index.sort_key] = by_age
        if case.team:
            item["team"] = case.team  # a plain attribute too: a queue read on another index filters on it
            item[TEAM_INDEX.partition_key] = team_queue_key(case.team, case.stage)
            item[TEAM_INDEX.sort_key] = by_age
        if case.assignee:
            item[ASSIGNEE_INDEX.partition_key] = assignee_queue_key(case.assignee)
            item[ASSIGNEE_INDEX.sort_key] = by_age
        if case.referred_to:
            item[REFERRAL_INDEX.partition_key] = referral_queue_key(case.referred_to)
            item[REFERRAL_INDEX.sort_key] = by_age
        return item

    @staticmethod
    def _record_item(record: CaseRecord) -> dict[str, Any]:
        item = record_key(record.KIND, record.case_id, record.record_id) | {
            "body": record.model_dump_json(), "version": record.version, **record.plain_attributes(),
        }
        if (position := record.queue_position()) is not None:
            item[STAGE_INDEX.partition_key], item[STAGE_INDEX.sort_key] = position
        return item

    @staticmethod
    def _audit_item(audit: AuditEntry) -> dict[str, Any]:
        # The random tail keeps two entries written in the same microsecond apart.
        sort_key = f"AUDIT#{audit.at.isoformat()}#{secrets.token_hex(4)}"
        return {PK: case_partition(audit.case_id), SK: sort_key, "body": audit.model_dump_json()}

    @staticmethod
    def _resume_item(resume: PendingResume) -> dict[str, Any]:
        return resume_key(resume) | {
            "body": resume.model_dump_json(),
            STAGE_INDEX.partition_key: RESUME_QUEUE,
            STAGE_INDEX.sort_key: f"{resume.at.astimezone(UTC).isoformat()}#{resume.case_id}#{resume.token_digest}",
        }

    @staticmethod
    def _parked_item(parked: ParkedApplication) -> dict[str, Any]:
        item = parked_key(parked.parked_id) | {"body": parked.model_dump_json(), "version": parked.version}
        if parked.status is ParkedStatus.PARKED:  # replayed ones leave the queue
            item[STAGE_INDEX.partition_key] = PARKED_QUEUE
            item[STAGE_INDEX.sort_key] = f"{parked.parked_at.isoformat()}#{parked.parked_id}"
        if parked.expires_at is not None:  # DynamoDB's TTL deletes it then (UK GDPR storage limitation)
            item[CASE_TABLE_LAYOUT.ttl_attribute] = int(parked.expires_at.timestamp())
        return item

    # ------------------------------------------------------------ low level
    def _put(self, item: dict[str, Any], new_only: bool = False) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self.table_name, "Item": _marshal(item)}
        if new_only:
            put["ConditionExpression"] = "attribute_not_exists(#pk)"
            put["ExpressionAttributeNames"] = {"#pk": PK}
        return {"Put": put}

    def _conditional_put(self, item: dict[str, Any], expected_version: int) -> dict[str, Any]:
        put = self._put(item)
        put["Put"]["ConditionExpression"] = "version = :expected"
        put["Put"]["ExpressionAttributeValues"] = {":expected": {"N": str(expected_version)}}
        return put

    def _transact(self, writes: list[dict[str, Any]], kind: str, name: str) -> None:
        """Write all or nothing; a failed condition on any item means someone changed it first."""
        try:
            self._client.transact_write_items(TransactItems=writes)
        except ClientError as error:
            reasons = error.response.get("CancellationReasons") or []
            if any(reason.get("Code") == "ConditionalCheckFailed" for reason in reasons):
                raise StaleVersion(f"{kind} {name} was changed by someone else; reload it and try again") from None
            raise

    def _get_item(self, key: dict[str, str]) -> dict[str, Any] | None:
        response = self._client.get_item(TableName=self.table_name, Key=_marshal(key), ConsistentRead=True)
        return _unmarshal(response["Item"]) if "Item" in response else None

    def _query_all(self, **query: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"TableName": self.table_name, **query}
        while True:
            response = self._client.query(**kwargs)
            items += [_unmarshal(item) for item in response["Items"]]
            if "LastEvaluatedKey" not in response:
                return items
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def _query_page(
        self, read: Callable[[dict[str, Any]], PageItem | None], index: IndexSpec, key_value: str, limit: int, after: str | None, *,
        sort_before: str | None = None, filters: dict[str, tuple[str, Any]] | None = None,
        ascending: bool = True,
    ) -> tuple[list[PageItem], str | None]:
        """One page of an index partition, each item made into an object by `read`, with the opaque cursor of the next page.

        `sort_before` keeps sort keys below it; `filters` (attribute -> operator, value)
        filter the page after it is read (so a filtered page may hold fewer than `limit`: follow the cursor).
        """
        names = {"#k": index.partition_key}
        values: dict[str, Any] = {":v": {"S": key_value}}
        condition = "#k = :v"
        if sort_before is not None:
            names["#s"] = index.sort_key
            values[":s"] = {"S": sort_before}
            condition += " AND #s < :s"
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": index.name,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "Limit": limit,
            "ScanIndexForward": ascending,
        }
        if filters:
            clauses = []
            for position, (attribute, (operator, value)) in enumerate(sorted(filters.items())):
                names[f"#f{position}"] = attribute
                values[f":f{position}"] = _serializer.serialize(value)
                clauses.append(f"#f{position} {operator} :f{position}")
            kwargs["FilterExpression"] = " AND ".join(clauses)
        if after:
            start = decode_cursor(after, {PK, SK, index.partition_key, index.sort_key})
            # A cursor from another queue would start outside this Query's key range, which DynamoDB refuses.
            sort_value = start[index.sort_key]["S"]
            if start[index.partition_key]["S"] != key_value or (sort_before is not None and not sort_value < sort_before):
                raise InvalidCursor("cursor belongs to another queue")
            kwargs["ExclusiveStartKey"] = start
        response = self._client.query(**kwargs)
        cursor = encode_cursor(response["LastEvaluatedKey"]) if "LastEvaluatedKey" in response else None
        read_items = (read(_unmarshal(item)) for item in response["Items"])
        return [found for found in read_items if found is not None], cursor
