"""A council's case store as Blue Badge uses it: its cases and the badges they ordered (case records of KIND BADGE,
kept on the case's partition; the print queues are their GSI1 partitions, see Badge.queue_position)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from shared.core.adapters.case_store import CaseFile, CaseStore
from shared.core.domain.case import AuditEntry, Case
from shared.resources import STAGE_INDEX
from shared.services.blue_badge.domain.badge import (
    REJECTED_QUEUE, RENEWAL_QUEUE, Badge, PrintBatchType, batch_queue_key, print_queue_key, renewal_sort_key,
)


def badges_of(case_file: CaseFile) -> list[Badge]:
    """The badges a loaded case ordered."""
    return case_file.records_of(Badge)


class BadgeStore(CaseStore):
    def get_badge(self, badge_number: str) -> Badge | None:
        """A badge by number: which case ordered it, then the badge itself (two GetItems)."""
        return self.get_record(Badge, badge_number)

    def order_badges(
        self, case: Case, expected_version: int, badges: Sequence[Badge], audit: AuditEntry, replaced: Badge | None = None,
        owner_write: Callable[[Badge], dict[str, Any]] | None = None,
    ) -> None:
        """Save the case with its new badges (and the badge they replace, already REPLACED).

        `owner_write` gives, per new badge, a write into the deployment's badge-number table in the same transaction
        (BadgeNumbers.owner_write): where the badge lives, which the print supplier's results (badge numbers only) are
        matched by. A large organisation order is written in several transactions (CaseStore.add_records)."""
        self.add_records(case, expected_version, badges, audit, replaced, extra_write=owner_write)

    def print_queue(self, batch_type: PrintBatchType, limit: int = 100, after: str | None = None) -> tuple[list[Badge], str | None]:
        """ORDERED badges of one batch type that no print batch has taken yet, oldest order first."""
        return self.record_queue(Badge, print_queue_key(batch_type), limit, after)

    def batch_badges(self, batch_id: str, limit: int = 100, after: str | None = None) -> tuple[list[Badge], str | None]:
        """The badges a print batch took, in the order they were ordered."""
        return self.record_queue(Badge, batch_queue_key(batch_id), limit, after)

    def rejected_badges(self, limit: int = 50, after: str | None = None) -> tuple[list[Badge], str | None]:
        """Badges the printer rejected, for a caseworker to correct and order again."""
        return self.record_queue(Badge, REJECTED_QUEUE, limit, after)

    def renewals_due(self, first_expiry: date, last_expiry: date) -> list[Badge]:
        """ISSUED badges not yet reminded to renew that expire from `first_expiry` to `last_expiry`, soonest first: one
        key range of the renewal queue (a Query, followed over its pages), never a Scan."""
        items = self._query_all(
            IndexName=STAGE_INDEX.name, KeyConditionExpression="#k = :queue AND #s BETWEEN :first AND :last",
            ExpressionAttributeNames={"#k": STAGE_INDEX.partition_key, "#s": STAGE_INDEX.sort_key, "#b": "body"},
            ExpressionAttributeValues={":queue": {"S": RENEWAL_QUEUE}, ":first": {"S": renewal_sort_key(first_expiry)},
                                       ":last": {"S": renewal_sort_key(last_expiry) + "~"}},  # "~" sorts after every badge number
            ProjectionExpression="#b",
        )
        return [Badge.model_validate_json(item["body"]) for item in items]

    def save_badges(self, changes: Sequence[tuple[Badge, int]], audits: Sequence[AuditEntry] = ()) -> None:
        """Several badge changes (each on condition of the version read) and their audit entries, all or nothing."""
        self.save_records(changes, audits)

    def save_badge(self, badge: Badge, expected_version: int, audit: AuditEntry) -> None:
        """Change a badge's status if nobody changed it since `expected_version`; audited on its case."""
        self.save_record(badge, expected_version, audit)
