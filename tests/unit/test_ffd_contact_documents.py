"""A sent draft's documents are the contact's (shared/services/family_front_door/logic/drafts.py send ->
logic/contacts.py submit): kept on the contact, only ever files in its own folder, shown to the partner by name, and
opened by the team one at a time, each opening logged in the contact's view log (open_document)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from shared.core.domain.case import AuditEntry
from shared.core.domain.council import load_councils
from shared.core.domain.history import VIEWED
from shared.core.domain.uploads import FileFormat
from shared.core.logic.tenancy import Caller
from shared.resources import Role
from shared.services.family_front_door.domain.case import ContactCase
from shared.services.family_front_door.domain.drafts import MAX_ATTACHMENTS, Attachment, Draft, attachment_key
from shared.services.family_front_door.domain.submission import Submitter
from shared.services.family_front_door.logic import drafts as draft_steps
from shared.services.family_front_door.logic.contacts import open_document, partner_view, submit
from tests.unit.test_ffd_forms import complete

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)
COUNCILS = load_councils()
NORTHSHIRE = COUNCILS.get("NORTHSHIRE")
CASE_ID = "NORTHSHIRE-261123-ABCDEF"
OFFICER = Caller(user="officer@northshire.example.gov.uk", council_code="NORTHSHIRE", roles=frozenset({Role.CASEWORKER}))
SUBMITTER = Submitter(user_id="p1", email="p1@school.example", name="P One", agency_id="school", agency_name="School")


def attachment(case_id: str = CASE_ID, council: str = "NORTHSHIRE", size: int = 2048) -> Attachment:
    return Attachment(key=attachment_key(council, case_id, FileFormat.PDF), file_format=FileFormat.PDF, size=size,
                      uploaded_at=NOW - timedelta(hours=1))


class Store:
    """Stands in for CaseStore: the cases it holds, the views it logged."""

    def __init__(self) -> None:
        self.cases: dict[str, Any] = {}
        self.views: list[AuditEntry] = []

    def case_for_application(self, _: str) -> None:
        return None

    def create(self, case: ContactCase, _: AuditEntry) -> None:
        self.cases[case.case_id] = case

    def get(self, case_id: str) -> Any:
        return self.cases.get(case_id)

    def record_view(self, audit: AuditEntry) -> None:
        self.views.append(audit)


class NoWorkflow:
    def start(self, *_: Any) -> bool:
        return True


class Files:
    def __init__(self) -> None:
        self.released: list[str] = []

    def release(self, key: str) -> None:
        self.released.append(key)


class Drafts:
    def discard(self, *_: Any) -> None:
        pass


class Partner:
    user_id, council_code = "p1", "NORTHSHIRE"

    def may(self, _: Any) -> bool:
        return True

    def submitter(self, *_: Any) -> Submitter:
        return SUBMITTER


def contact(store: Store, documents: list[Attachment]) -> ContactCase:
    return submit(store, NoWorkflow(), NORTHSHIRE, SUBMITTER, complete(), NOW, case_id=CASE_ID, documents=documents)  # type: ignore[arg-type]


def test_a_sent_drafts_attachments_are_the_contacts_documents():
    attached = [attachment(), attachment(size=99_000)]
    draft = Draft(draft_id=CASE_ID, council_code="NORTHSHIRE", user_id="p1", form=complete(), attachments=attached,
                  created_at=NOW, saved_at=NOW)
    store, files = Store(), Files()
    case = draft_steps.send(Drafts(), files, store, NoWorkflow(), NORTHSHIRE, Partner(), draft, NOW)  # type: ignore[arg-type]
    assert case.documents == attached and store.get(CASE_ID).documents == attached
    assert files.released == [item.key for item in attached]
    # What the partner sees of it: the documents by name, type and size.
    assert [(item.name, item.file_format.label, item.size) for item in partner_view(case).documents] == \
        [(item.name, "PDF", item.size) for item in attached]
    assert all(item.name.endswith(".pdf") and "/" not in item.name for item in partner_view(case).documents)


def test_a_contact_names_no_file_outside_its_own_folder():
    for elsewhere in (attachment(case_id="NORTHSHIRE-261123-OTHERS"), attachment(council="VALEWYE"),
                      attachment().model_copy(update={"key": f"councils/northshire/cases/{CASE_ID}/../x.pdf"})):
        with pytest.raises(ValidationError, match="documents.0.key"):
            contact(Store(), [elsewhere])
    with pytest.raises(ValidationError, match="documents"):
        contact(Store(), [attachment() for _ in range(MAX_ATTACHMENTS + 1)])
    assert contact(Store(), []).documents == []


def test_the_documents_are_stored_with_the_contact_and_a_contact_without_any_stores_nothing_more():
    attached = [attachment(), attachment()]
    with_documents, without = contact(Store(), attached), contact(Store(), [])
    assert ContactCase.model_validate_json(with_documents.model_dump_json()).documents == attached
    assert '"documents"' not in without.model_dump_json()  # the item, and its write units, as before documents were kept
    assert ContactCase.model_validate_json(without.model_dump_json()).documents == []


def test_the_team_opens_a_document_by_its_number_and_each_opening_is_logged():
    store = Store()
    first, second = attachment(), attachment()
    contact(store, [first, second])
    opened = open_document(store, NORTHSHIRE, CASE_ID, 2, OFFICER, NOW)  # type: ignore[arg-type]
    assert opened is not None and opened[1] == second
    assert [(view.action, view.actor, view.after) for view in store.views] == \
        [(VIEWED, OFFICER.actor, {"document": 2, "key": second.key})]


def test_a_document_out_of_range_or_another_councils_contact_is_not_found_and_not_logged():
    store = Store()
    contact(store, [attachment()])
    valewye = Caller(user="someone@valewye.example.gov.uk", council_code="VALEWYE", roles=frozenset({Role.CASEWORKER}))
    assessor = Caller(user="assessor@northshire.example.gov.uk", council_code="NORTHSHIRE", roles=frozenset({Role.ASSESSOR}))
    for number, who, case_id in ((0, OFFICER, CASE_ID), (2, OFFICER, CASE_ID), (1, valewye, CASE_ID), (1, assessor, CASE_ID),
                                 (1, OFFICER, "VALEWYE-261123-ABCDEF"), (1, OFFICER, "NORTHSHIRE-261123-ZZZZZZ")):
        assert open_document(store, NORTHSHIRE, case_id, number, who, NOW) is None, (number, who.user, case_id)  # type: ignore[arg-type]
    assert store.views == []
