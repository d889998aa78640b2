"""Case records: what a service keeps on a case's partition beside the case, stored by the core's CaseStore without it
knowing the service (Blue Badge: the badges a case ordered)."""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel


class CaseRecord(BaseModel):
    """Something a service keeps on a case's partition beside the case (Blue Badge: the badges it ordered).

    Stored as CASE#<case id> / <KIND>#<record_id> with its body, its version and its plain_attributes(); while it is in a
    queue, GSI1 holds it at queue_position(). A service lists its record models in its ServiceSpec.records."""

    KIND: ClassVar[str]  # the sort-key prefix of its items, e.g. "BADGE"
    # True: an owner key LOOKUP#<KIND>#<record_id> / <KIND> holds the record's case_id (written with a new record, deleted
    # when the case is erased), so the record is found by its id alone (CaseStore.get_record: two GetItems).
    FOUND_BY_ID: ClassVar[bool] = False

    if TYPE_CHECKING:
        # Fields each record model declares itself, in its own order: its stored body keeps its fields' order.
        case_id: str
        version: int

    @property
    @abstractmethod
    def record_id(self) -> str:
        """Unique among the records of its KIND (across cases, when FOUND_BY_ID)."""

    @abstractmethod
    def queue_position(self) -> tuple[str, str] | None:
        """The GSI1 partition and sort key values of the queue the record is in, or None when it is in none."""

    def plain_attributes(self) -> dict[str, Any]:
        """Attributes stored beside the body, for Queries to filter on."""
        return {}
