"""The contract a council service (Blue Badge, adult social care triage, ...) fulfils to run on the engine, and the
registry of the deployment's services. The core reads services only through this contract: it names none of them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from shared.core.domain.case import Case, CaseStage
from shared.core.domain.council import ServiceSettings
from shared.core.domain.crm import CaseHandOver
from shared.core.domain.email import EmailCatalogue
from shared.core.domain.history import ServiceHistory
from shared.core.domain.metrics import ServiceMetrics
from shared.core.domain.queue_row import QueueRow
from shared.core.domain.retention import RetentionRule
from shared.core.domain.records import CaseRecord
from shared.core.domain.recovery import WorkflowRecovery
from shared.core.domain.response_watch import ResponseWatch
from shared.core.domain.statistics import Table
from shared.resources import FILTER_INDEXES, IndexSpec, WorkflowSpec

SERVICE_KEY_PATTERN = r"^[a-z][a-z0-9-]{2,29}$"


@dataclass(frozen=True)
class CaseAction:
    """A step a person may take on a case now, offered on its page: the step's own page is `slug` under the case's."""

    slug: str
    label: str


@dataclass(frozen=True)
class ServiceSpec:
    """What a service declares, in its own package, for the core to carry it."""

    key: str  # in URLs, config, case items and stage keys, e.g. "blue-badge"
    name: str  # as staff and the public read it
    staff_title: str  # the service name in the header and page titles of its staff pages, e.g. "Blue Badge casework"
    # Where staff work the service in the web UI: its queue ("home") and one case's page ("{case_id}" filled in).
    home_path: str
    case_path: str
    team_queue_path: str  # its queue narrowed to one team ("{team}" filled in)
    case_model: type[Case]  # the service's case: its intake model as `application`, its stages and records
    intake_model: type[BaseModel]  # what a sender submits, published as JSON Schema (intake_schema_file)
    intake_schema_file: str  # under schemas/
    stages: type[CaseStage]
    workflows: tuple[WorkflowSpec, ...]  # its state machines, ASL in statemachines/
    settings_model: type[ServiceSettings]  # its per-council settings (council config `services.<key>`)
    # The emails it sends: default wording by kind and the placeholders a council's own wording may use.
    emails: EmailCatalogue
    # The sender's own id of what became a case: at most one case per id (a conditional marker item).
    application_id: Callable[[Any], str]
    # Search keys of a case (e.g. a person's identifier), each a partition of its own so a search is one Query.
    lookup_keys: Callable[[Any], list[str]]
    # The lookup kinds among them that identify a person on their own (a postcode does not: households, care homes):
    # a person's other cases, for the single view, a subject access export and erasure.
    identifying_lookups: tuple[str, ...]
    # Attributes a work queue may be narrowed by (attribute -> value of a case); the first len(FILTER_INDEXES) of
    # `indexed_filters` each have an index of their own, the rest filter the Query that reads the queue.
    queue_filters: Callable[[Any], dict[str, str]]
    # Its dashboard's tables by a stable name (in CSV download URLs), given (store, council, period, now, team): the
    # council's figures for the period, or one team's (team None: every team).
    dashboard: Callable[..., dict[str, Table]]
    # The steps a caller may take on one of its cases while its workflow waits for a person, given (case, caller):
    # the buttons of its case page (the engine adds its own, shared.core.logic.case_actions).
    case_actions: Callable[[Any, Any], list[CaseAction]]
    indexed_filters: tuple[str, ...] = ()
    # How long its closed cases are kept and what stays when one is erased (None: its cases are never erased on a
    # schedule, only on a person's request).
    retention: RetentionRule | None = None
    # How the engine starts its stopped workflows again and checks them against its cases (None: it does not).
    recovery: WorkflowRecovery | None = None
    # What it keeps on a case's partition beside the case (CaseStore's add_records, get_record, record_queue, ...).
    records: tuple[type[CaseRecord], ...] = ()
    # How its own steps read in a case's history (None: the engine words only its own actions).
    history: ServiceHistory | None = None
    # Its own business metrics, and how a decision reads off one of its cases (shared.core.domain.metrics).
    metrics: ServiceMetrics = ServiceMetrics()
    # Its cases' line in a work queue: what its queues show, kept on the case's item for the queue indexes.
    queue_row: type[QueueRow] = QueueRow
    # Lookup kinds whose items carry the case's queue row, rewritten with every change of the case, so that listing a
    # key's cases is one Query (CaseStore.lookup_rows), e.g. a partner's own submissions with their status. Each costs
    # one more item in every write of the case: only keys that a list is read from.
    listed_lookups: tuple[str, ...] = ()
    # How its accepted cases go to the council's record system through the one connector (None: they do not).
    hand_over: CaseHandOver | None = None
    # Its response targets, watched by the engine and alarmed before they are missed (None: it has none).
    response_watch: ResponseWatch | None = None

    def __post_init__(self) -> None:
        if len(self.indexed_filters) > len(FILTER_INDEXES):
            raise ValueError(f"service {self.key}: at most {len(FILTER_INDEXES)} indexed queue filters")

    def filter_index(self, attribute: str) -> IndexSpec | None:
        """The index that holds a stage's queue narrowed by `attribute`, if it has one."""
        return dict(zip(self.indexed_filters, FILTER_INDEXES, strict=False)).get(attribute)

    def case_page(self, case_id: str) -> str:
        return self.case_path.format(case_id=case_id)

    def owns(self, stage: CaseStage) -> bool:
        return isinstance(stage, self.stages)


class UnknownService(KeyError):
    pass


class ServiceRegistry:
    """The services of this deployment, by key. `legacy` is the service whose cases were stored before cases
    named their service (they read as that service's)."""

    def __init__(self, specs: Sequence[ServiceSpec], legacy: str):
        keys = [spec.key for spec in specs]
        if len(set(keys)) != len(keys):
            raise ValueError(f"service keys must be unique: {keys}")
        workflow_keys = [workflow.key for spec in specs for workflow in spec.workflows]
        if len(set(workflow_keys)) != len(workflow_keys):
            raise ValueError(f"workflow keys must be unique across services: {workflow_keys}")
        record_kinds = [record.KIND for spec in specs for record in spec.records]
        if len(set(record_kinds)) != len(record_kinds):
            raise ValueError(f"case record kinds must be unique across services: {record_kinds}")
        self._records = {record.KIND: record for spec in specs for record in spec.records}
        self._by_key = {spec.key: spec for spec in specs}
        if legacy not in self._by_key:
            raise ValueError(f"legacy service {legacy!r} is not registered")
        self.legacy = legacy

    def __iter__(self) -> Iterator[ServiceSpec]:
        return iter(self._by_key.values())

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    @property
    def keys(self) -> list[str]:
        return list(self._by_key)

    def get(self, key: str) -> ServiceSpec:
        try:
            return self._by_key[key]
        except KeyError:
            raise UnknownService(key) from None

    def for_case(self, case: Case) -> ServiceSpec:
        return self.get(case.service)

    def case_from_json(self, body: str, service: str | None) -> Case:
        """A stored case, as its service's model (`service` is the item's plain attribute, None on legacy items)."""
        return self.get(service or self.legacy).case_model.model_validate_json(body)

    def record_model(self, kind: str) -> type[CaseRecord] | None:
        """The record model a service stores under sort-key prefix `kind`, or None when no service does."""
        return self._records.get(kind)
