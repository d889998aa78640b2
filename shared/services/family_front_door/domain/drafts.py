"""A partner's part-completed form, kept server-side so they can come back to it (per partner: no one else opens it).

The draft's id is the case id the submission will have (shared.core.domain.case.new_case_id), so a document attached
to the draft is uploaded straight into the case's own evidence folder and is already where the team finds it once the
form is sent.

How long a draft and its files are kept:
- a draft is deleted (the table's TTL) DRAFT_LIFETIME after it was last saved, and at the latest DRAFT_MAX_AGE after it
  was started;
- a document uploaded for it carries the tag DRAFT_FILE_TAG while it belongs to a draft (S3 sets it on upload, as the
  upload form's policy says, so a file never brought back to the portal has it too); the evidence bucket's lifecycle
  rule (infra/constructs/storage.py) deletes tagged files DRAFT_FILES_EXPIRE_AFTER after upload, which is always after
  their draft has gone (a file is uploaded after its draft was started);
- deleting a draft deletes its files at once (every file under the draft's own attachment prefix, attached or not);
- sending it takes the tag off its attached files, which are the case's then, kept as the case's documents are.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shared.core.domain.case import CASE_ID_PATTERN
from shared.core.domain.evidence import case_evidence_prefix
from shared.core.domain.formats import Text
from shared.core.domain.uploads import FileFormat
from shared.services.family_front_door.domain.submission import Form, Phone, SubmissionKind

DRAFT_LIFETIME = timedelta(days=30)
DRAFT_MAX_AGE = timedelta(days=90)
DRAFT_FILES_EXPIRE_AFTER = DRAFT_MAX_AGE + timedelta(days=1)
DRAFT_FILE_TAG = ("portal-draft", "yes")  # (key, value) of the S3 object tag
MAX_ATTACHMENTS = 10
MAX_DRAFTS = 20  # per partner: enough for any real workload, and a bound on what one account can keep in storage
# A partner's upload in the case's folder. It starts "reply-", the platform's mark of a file uploaded from outside the
# council, the only kind a session may delete (a refused upload: infra/constructs/tenancy.py).
ATTACHMENT_MARK = "reply-portal-"


class Attachment(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    file_format: FileFormat
    size: int
    uploaded_at: datetime

    @property
    def name(self) -> str:
        return self.key.rpartition("/")[2].removeprefix(ATTACHMENT_MARK)


class Draft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    draft_id: Annotated[str, Field(pattern=CASE_ID_PATTERN)]
    council_code: str
    user_id: str  # the partner's `sub`: their drafts are theirs alone
    form: Form
    role: Text | None = Field(default=None, description="The partner's role, e.g. designated safeguarding lead")
    phone: Phone | None = None
    attachments: list[Attachment] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)
    created_at: datetime
    saved_at: datetime

    @property
    def kind(self) -> SubmissionKind:
        return self.form.kind

    def expires_at(self) -> datetime:
        return min(self.saved_at + DRAFT_LIFETIME, self.created_at + DRAFT_MAX_AGE)


def attachment_prefix(council_code: str, draft_id: str) -> str:
    return f"{case_evidence_prefix(council_code, draft_id)}{ATTACHMENT_MARK}"


def attachment_key(council_code: str, draft_id: str, file_format: FileFormat) -> str:
    """Random, so a new upload never overwrites an older one."""
    return f"{attachment_prefix(council_code, draft_id)}{secrets.token_hex(6)}.{file_format.extension}"
