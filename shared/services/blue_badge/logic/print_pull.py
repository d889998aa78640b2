"""Collecting the print supplier's result files from its own SFTP server (when it runs one, there is no Transfer Family
folder for it to drop them in): each file goes into the supplier's inbox folder of the print drop bucket, where its
arrival starts the same result processing as a file dropped there by SFTP (shared.services.blue_badge.logic.print_results),
and is then removed from the server.

At least once, never lost: a file is removed only after it is in the bucket. A run that stops between the two puts the
file again next time, and applying a result file twice changes nothing the second time (print_results)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from shared.resources import SUPPLIER_INBOX
from shared.services.blue_badge.domain.print_results import MAX_RESULT_FILE_BYTES  # not its logic: a pull applies nothing

RESULT_CONTENT_TYPE = "application/octet-stream"  # as Transfer Family stores a dropped file


class SupplierResults(Protocol):
    """The result files waiting on the supplier's server (shared.services.blue_badge.adapters.sftp.SftpPush)."""

    def result_files(self) -> list[str]: ...

    def fetch(self, name: str, max_bytes: int) -> bytes: ...

    def remove_result(self, name: str) -> None: ...


class Inbox(Protocol):
    """The supplier's inbox folder of the print drop bucket (shared.services.blue_badge.adapters.print_store.ResultFiles)."""

    def put(self, key: str, data: bytes, content_type: str) -> None: ...


@dataclass
class PullOutcome:
    collected: list[str] = field(default_factory=list)  # the inbox keys written

    def summary(self) -> dict:
        return {"collected": len(self.collected), "keys": self.collected}


def pull(server: SupplierResults, inbox: Inbox) -> PullOutcome:
    """Move every waiting result file from the supplier's server into the inbox, oldest first."""
    outcome = PullOutcome()
    for name in server.result_files():
        key = SUPPLIER_INBOX + name
        inbox.put(key, server.fetch(name, MAX_RESULT_FILE_BYTES), RESULT_CONTENT_TYPE)
        server.remove_result(name)
        outcome.collected.append(key)
    return outcome
