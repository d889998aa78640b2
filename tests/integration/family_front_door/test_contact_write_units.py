"""A contact's listed search keys (submitter, agency, child, address: each item carries the contact's queue row) are
written only when the change alters them: a new key, a key gone, or a row that shows something else. Write units
measured on one path before (every listed key rewritten) and after, printed and pinned."""

from __future__ import annotations

from typing import Any

from shared.bootstrap import councils
from shared.core.domain.case import AuditEntry, utcnow
from shared.services.family_front_door.domain.lookups import AGENCY_LOOKUP, CHILD_LOOKUP, SUBMITTER_LOOKUP, child_lookup
from shared.services.family_front_door.logic import contacts
from shared.services.family_front_door.logic.accepted import record_episode_id
from tests.integration.family_front_door.test_contact_request_counts import settle
from tests.integration.family_front_door.test_contact_workflow import NORTHSHIRE, OFFICER, concern, store, submitter

# Write units of keeping the record system's episode id on a contact (the connector's path: what lists show unchanged).
# Before: the case and its audit entry in a transaction (8 units on the table), the work-queue indexes its row is
# projected into (7: the row's version changes), four listed keys (2 each: 8). Now the four listed keys are not written.
EPISODE_ID_SAVED_BEFORE = 23
EPISODE_ID_SAVED_NOW = 15
LISTED_KEYS_UNITS = 8


class NoWorkflow:
    def start(self, *_: Any) -> bool:
        return True


def _contact():
    return contacts.submit(store(), NoWorkflow(), councils().get(NORTHSHIRE), submitter(), concern(), utcnow())


def test_a_change_that_leaves_the_keys_and_the_row_alone_writes_no_search_key(stack, clients, write_units):
    every_key, only_changed = _contact(), _contact()
    settle(stack, clients)  # other tests' workflows write meanwhile: counted too, the write units are the whole process's
    write_units.clear()
    now = utcnow()
    store().save(every_key.changed(now, episode_id="EP-1"), expected_version=every_key.version,
                 audit=AuditEntry(case_id=every_key.case_id, at=now, actor="test", action="EPISODE_OPENED"))
    before, spent_before = write_units.total, dict(write_units)
    write_units.clear()
    record_episode_id(store(), only_changed.case_id, "EP-2", utcnow)
    after = write_units.total
    print(f"\nWrite units, episode id kept on a contact: {before} rewriting every listed key {spent_before}, {after} now {dict(write_units)}")
    assert before - after == LISTED_KEYS_UNITS
    assert (before, after) == (EPISODE_ID_SAVED_BEFORE, EPISODE_ID_SAVED_NOW)
    assert store().get(only_changed.case_id).episode_id == "EP-2"


def test_a_change_of_what_lists_show_rewrites_every_listed_key(stack, clients, write_units):
    case = _contact()
    settle(stack, clients)
    write_units.clear()
    contacts.take_responsibility(store(), councils().get(NORTHSHIRE), case.case_id, case.version, OFFICER, utcnow())
    assert write_units.total - EPISODE_ID_SAVED_NOW >= LISTED_KEYS_UNITS  # the assignee is on the row: the four keys rewritten
    sender = case.application.submitter
    for kind, value in ((SUBMITTER_LOOKUP, sender.user_id), (AGENCY_LOOKUP, sender.agency_id), child_lookup(case.application.child)):
        row = next(row for row in store().lookup_rows(kind, value) if row.case_id == case.case_id)
        assert row.assignee == OFFICER.user, kind


def test_a_key_the_change_takes_away_is_deleted_and_the_new_one_written(stack):
    case = _contact()
    old_child = child_lookup(case.application.child)
    renamed = case.application.model_copy(update={"form": case.application.form.model_copy(update={
        "child": case.application.child.model_copy(update={"family_name": case.application.child.family_name + "Renamed"})})})
    now = utcnow()
    changed = case.changed(now, application=renamed)
    store().save(changed, expected_version=case.version, before=case,
                 audit=AuditEntry(case_id=case.case_id, at=now, actor="test", action="CHILD_CORRECTED"))
    assert case.case_id not in [row.case_id for row in store().lookup_rows(*old_child)]
    new_child = child_lookup(changed.application.child)
    assert new_child is not None and new_child[0] == CHILD_LOOKUP and new_child != old_child
    assert case.case_id in [row.case_id for row in store().lookup_rows(*new_child)]
