"""Step (1) of moving an existing deployment to the row-projecting work-queue indexes (shared/resources.py): the cases
stored before queue rows were kept are written again with their rows (infra/migrate_queue_rows.py), and nothing else of
them changes."""

from __future__ import annotations

import pytest

from infra import migrate_queue_rows
from shared.bootstrap import councils, store_for
from shared.core.adapters.case_store import PK, SK, case_key
from shared.core.domain.case import AuditEntry, utcnow
from shared.core.logic.migrations import write_queue_rows
from shared.resources import QUEUE_ROW_ATTRIBUTE, case_partition, council_table_name
from shared.services.blue_badge.domain.application import Application
from shared.services.blue_badge.domain.case import BadgeCase
from shared.services.family_front_door.domain.lookups import SUBMITTER_LOOKUP
from shared.services.family_front_door.logic import contacts
from shared.services.registry import SERVICES
from tests.factories import complete_application
from tests.integration.family_front_door.test_contact_workflow import concern, submitter
from tests.integration.family_front_door.test_contact_write_units import NoWorkflow
from tests.integration.write_units import peek_item
from tests.integration.test_decisions import NORTHSHIRE

TABLE = council_table_name(NORTHSHIRE)


def stored_without_rows(clients, case) -> None:
    """The case's items as an earlier version left them: its item and its listed search keys without a queue row."""
    keys = [case_key(case.case_id)] + [{PK: key, SK: case_partition(case.case_id)} for key in store_for(NORTHSHIRE).lookup_keys(case)]
    for key in keys:
        clients["dynamodb"].update_item(TableName=TABLE, Key={name: {"S": value} for name, value in key.items()},
                                        UpdateExpression="REMOVE #row", ConditionExpression="attribute_exists(#pk)",
                                        ExpressionAttributeNames={"#row": QUEUE_ROW_ATTRIBUTE, "#pk": PK})


def badge_case_opened_in_store():
    """A Blue Badge case written straight into the store (no workflow: the migration reads stored items only)."""
    now = utcnow()
    case = BadgeCase.open(Application.model_validate(complete_application(NORTHSHIRE)), [], now).opened()
    store_for(NORTHSHIRE).create(case, AuditEntry(case_id=case.case_id, at=now, actor="test", action="CASE_OPENED"))
    return case


def listed_as_submitter(case) -> bool:
    sender = case.application.submitter
    return case.case_id in [row.case_id for row in store_for(NORTHSHIRE).lookup_rows(SUBMITTER_LOOKUP, sender.user_id)]


def test_cases_stored_without_rows_are_written_again_with_them_and_otherwise_unchanged(stack, clients, capsys):
    council = councils().get(NORTHSHIRE)
    contact = contacts.submit(store_for(NORTHSHIRE), NoWorkflow(), council, submitter(), concern(), utcnow())
    badge = badge_case_opened_in_store()
    for case in (contact, badge):
        stored_without_rows(clients, case)
    assert not listed_as_submitter(contact)  # a list by a listed key shows only items with their rows
    histories = {case.case_id: store_for(NORTHSHIRE).history(case.case_id) for case in (contact, badge)}

    assert migrate_queue_rows.main(["--council", NORTHSHIRE], client=clients["dynamodb"]) == 0
    assert f"{NORTHSHIRE}: 2 cases written with their queue rows" in capsys.readouterr().out

    for case in (contact, badge):
        item = peek_item(TABLE, case_key(case.case_id))
        assert item[QUEUE_ROW_ATTRIBUTE] == SERVICES.for_case(case).queue_row.of(case).model_dump_json()
        after = store_for(NORTHSHIRE).get(case.case_id)
        assert after == case and after.version == case.version  # the same case: no new version
        assert store_for(NORTHSHIRE).history(case.case_id) == histories[case.case_id]  # and no history entry
    assert listed_as_submitter(contact)
    assert write_queue_rows(store_for(NORTHSHIRE)).written == 0  # run again: nothing left to write



def test_a_council_not_deployed_is_refused_by_name(stack, clients, capsys):
    with pytest.raises(SystemExit) as refused:
        migrate_queue_rows.main(["--council", NORTHSHIRE, "NOWHERESHIRE"], client=clients["dynamodb"])
    assert refused.value.code == 2 and "not a council of this deployment: NOWHERESHIRE" in capsys.readouterr().err
