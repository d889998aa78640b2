"""The view log: each read of a case is audited (CASE_VIEWED) in a partition of its own, so reading a case never loads
every earlier read of it; the history, a subject access export and erasure still take it in."""

from __future__ import annotations

from shared.bootstrap import store_for
from shared.core.domain.case import AuditEntry, utcnow
from shared.resources import Role
from tests.factories import complete_application
from tests.integration.conftest import upload_intake_files


def test_reads_are_logged_apart_from_the_case_and_erased_with_it(api_as):
    caseworker, reader = api_as("NORTHSHIRE", Role.CASEWORKER), api_as("NORTHSHIRE", Role.READ_ONLY, user="reader@northshire.example")
    _, opened = caseworker.call("POST", "/applications", upload_intake_files(complete_application("NORTHSHIRE")))
    case_id, store = opened["case_id"], store_for("NORTHSHIRE")
    for _ in range(3):
        status, body = reader.call("GET", f"/cases/{case_id}")
        assert status == 200 and body["history"][-1]["action"] == "CASE_VIEWED"  # this read is in the answer
    assert [entry["action"] for entry in body["history"]].count("CASE_VIEWED") == 1  # the earlier ones are not loaded

    assert not [entry for entry in store.load(case_id).history if entry.action == "CASE_VIEWED"]
    views = store.views(case_id)
    assert [entry.actor for entry in views] == ["user:reader@northshire.example"] * 3
    assert [entry.at for entry in views] == sorted((entry.at for entry in views), reverse=True)  # newest first
    assert store.views(case_id, limit=2) == views[:2]
    assert [entry.action for entry in store.history(case_id)].count("CASE_VIEWED") == 3
    assert [entry.action for entry in store.load(case_id, with_views=True).history].count("CASE_VIEWED") == 3

    store.erase(store.load(case_id), AuditEntry(case_id=case_id, at=utcnow(), actor="test", action="CASE_ERASED"))
    assert store.views(case_id) == []
