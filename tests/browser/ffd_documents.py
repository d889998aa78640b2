"""A contact carrying a partner's document, for the browser checks of the team's document viewer (a sent draft's
attachment: a real PDF in the stack's evidence bucket, under the contact's own folder)."""

from __future__ import annotations

from shared.core.adapters.case_store import CaseStore
from shared.core.domain.case import AuditEntry, utcnow
from shared.core.domain.uploads import FileFormat
from shared.resources import EVIDENCE_BUCKET_LOCAL_NAME, council_table_name
from shared.services.family_front_door.domain.drafts import Attachment, attachment_key

from .conftest import LocalStack
from .test_ffd_holding import NORTHSHIRE, contact_in_holding_area

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def contact_with_a_document(stack: LocalStack) -> str:
    """A contact in the holding area with one PDF the partner attached: its case id."""
    case = contact_in_holding_area(stack)
    now = utcnow()
    document = Attachment(key=attachment_key(NORTHSHIRE, case.case_id, FileFormat.PDF), file_format=FileFormat.PDF,
                          size=len(PDF), uploaded_at=now)
    stack.client("s3").put_object(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=document.key, Body=PDF, ContentType=FileFormat.PDF.value)
    CaseStore(stack.client("dynamodb"), council_table_name(NORTHSHIRE)).save(
        case.changed(now, documents=[document]), expected_version=case.version,
        audit=AuditEntry(case_id=case.case_id, at=now, actor="test", action="DOCUMENTS_KEPT", after={"documents": 1}))
    return case.case_id
