"""Where the supplier runs its own SFTP server: its result files are pulled from there, through the print push's
pinned-host-key client, into its inbox folder, and applied by the same result processing as a file dropped there."""

from __future__ import annotations

import pytest

from functions.print_pull.handler import lambda_handler as pull_handler
from infra.local.bridge import lambda_context
from infra.local.supplier_sftp import SUPPLIER_RESULTS_FOLDER
from shared.bootstrap import badge_store_for
from shared.resources import PRINT_PULL_FUNCTION, SUPPLIER_INBOX
from shared.services.blue_badge.domain.badge import BadgeStatus
from shared.services.blue_badge.logic import print_pull
from tests.integration.test_decisions import NORTHSHIRE, someone_new
from tests.integration.test_print_dispatch import caseworker, s3  # noqa: F401 - fixtures
from tests.integration.test_print_push import pushing, supplier  # noqa: F401 - fixtures
from tests.integration.test_print_results import at_the_printer, confirmations_file, deliver, keys  # noqa: F401 - fixtures


def leave_result(supplier, name: str, data: bytes) -> None:  # noqa: F811
    (supplier.server.root / SUPPLIER_RESULTS_FOLDER / name).write_bytes(data)


def results_on_server(supplier) -> set[str]:  # noqa: F811
    return {path.name for path in (supplier.server.root / SUPPLIER_RESULTS_FOLDER).iterdir()}


def test_a_confirmation_left_on_the_suppliers_server_is_pulled_applied_and_removed(at_the_printer, pushing, s3):  # noqa: F811
    [(_, badge)] = at_the_printer((someone_new(), None))
    leave_result(pushing, "BADGECONFIRM_PULLED.xml", confirmations_file((badge["badge_number"], "no", "2026-11-21")))
    leave_result(pushing, "BADGECONFIRM_LATER.xml.part", b"still being written")

    answer = pull_handler({}, lambda_context(PRINT_PULL_FUNCTION))

    assert answer == {"collected": 1, "keys": [SUPPLIER_INBOX + "BADGECONFIRM_PULLED.xml"]}
    assert results_on_server(pushing) == {"BADGECONFIRM_LATER.xml.part"}  # a file still being written is left
    [file] = deliver(s3)  # S3's notification of the new inbox object: the same path as a file dropped by SFTP
    assert (file["file"], file["issued"]) == ("BADGECONFIRM_PULLED.xml", 1)
    assert badge_store_for(NORTHSHIRE).get_badge(badge["badge_number"]).status is BadgeStatus.ISSUED
    assert "BADGECONFIRM_PULLED.xml" not in keys(s3, SUPPLIER_INBOX)
    (pushing.server.root / SUPPLIER_RESULTS_FOLDER / "BADGECONFIRM_LATER.xml.part").unlink()


class FailingRemove:
    """The supplier's server, failing once to remove a file it handed over (a run cut short between put and remove)."""

    def __init__(self, files: dict[str, bytes]):
        self.files, self.failed = files, False

    def result_files(self) -> list[str]:
        return sorted(self.files)

    def fetch(self, name: str, max_bytes: int) -> bytes:
        return self.files[name][:max_bytes + 1]

    def remove_result(self, name: str) -> None:
        if not self.failed:
            self.failed = True
            raise ConnectionError("link dropped")
        del self.files[name]


class Inbox(dict):
    def put(self, key: str, data: bytes, content_type: str) -> None:
        self[key] = data


def test_a_run_cut_short_after_the_put_puts_the_file_again_and_loses_nothing():
    server, inbox = FailingRemove({"A.xml": b"a", "B.xml": b"b"}), Inbox()
    with pytest.raises(ConnectionError):
        print_pull.pull(server, inbox)
    assert inbox == {SUPPLIER_INBOX + "A.xml": b"a"} and set(server.files) == {"A.xml", "B.xml"}  # not removed: not lost
    assert print_pull.pull(server, inbox).collected == [SUPPLIER_INBOX + "A.xml", SUPPLIER_INBOX + "B.xml"]
    assert server.files == {} and inbox == {SUPPLIER_INBOX + "A.xml": b"a", SUPPLIER_INBOX + "B.xml": b"b"}
