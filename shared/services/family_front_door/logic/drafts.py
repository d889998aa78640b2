"""A partner's drafts: starting one (if their agency may send that form), saving it, attaching documents (uploaded by
pre-signed POST into the future case's own folder, checked here before they count, and tagged as a draft's), sending
it, when nothing is missing, as the case whose id the draft had all along (its files then the case's), and deleting it
with its files. How long an untouched draft and its files are kept: shared.services.family_front_door.domain.drafts."""

from __future__ import annotations

from datetime import datetime

from shared.core.adapters.case_store import CaseStore
from shared.core.adapters.evidence_uploads import EvidenceUploads
from shared.core.adapters.workflows import Workflows
from shared.core.domain.case import new_case_id
from shared.core.domain.council import CouncilConfig
from shared.core.domain.evidence import is_within
from shared.core.domain.uploads import FileFormat, UploadProblem, sniff, upload_problem
from shared.services.family_front_door.adapters.drafts import DraftFiles, Drafts
from shared.services.family_front_door.domain.agencies import PartnerPermission
from shared.services.family_front_door.domain.case import ContactCase
from shared.services.family_front_door.domain.drafts import MAX_ATTACHMENTS, MAX_DRAFTS, Attachment, Draft, attachment_prefix
from shared.services.family_front_door.domain.partners import Partner
from shared.services.family_front_door.domain.submission import CauseForConcern, InformationRequest, SubmissionKind
from shared.services.family_front_door.logic.contacts import SubmissionIncomplete, submit

PERMISSION_FOR = {SubmissionKind.CAUSE_FOR_CONCERN: PartnerPermission.CAUSE_FOR_CONCERN,
                  SubmissionKind.INFORMATION_REQUEST: PartnerPermission.INFORMATION_REQUEST}


class FormNotAllowed(PermissionError):
    """The partner's agency may not send this kind of form (the council's allow-list says what it may)."""


class TooManyDrafts(ValueError):
    """The partner already keeps MAX_DRAFTS drafts."""


def may_send(partner: Partner, kind: SubmissionKind) -> bool:
    return partner.may(PERMISSION_FOR[kind])


def start(drafts: Drafts, partner: Partner, kind: SubmissionKind, now: datetime) -> Draft:
    if not may_send(partner, kind):
        raise FormNotAllowed(f"{partner.agency.name} is not approved to send this form: ask the council's Family Front Door")
    if len(drafts.of(partner.user_id)) >= MAX_DRAFTS:
        raise TooManyDrafts(f"You already have {MAX_DRAFTS} drafts. Send or delete one of them before you start another")
    form = CauseForConcern() if kind is SubmissionKind.CAUSE_FOR_CONCERN else InformationRequest()
    draft = Draft(draft_id=new_case_id(partner.council_code, now), council_code=partner.council_code, user_id=partner.user_id,
                  form=form, created_at=now, saved_at=now)
    drafts.create(draft)
    return draft


def save(drafts: Drafts, draft: Draft, form: CauseForConcern | InformationRequest, role: str | None, phone: str | None,
         now: datetime) -> Draft:
    """The answers as typed, without the sections the concern's categories no longer ask."""
    saved = draft.model_copy(update={"form": form.relevant_only() if isinstance(form, CauseForConcern) else form,
                                     "role": role, "phone": phone, "saved_at": now})
    drafts.save(saved)
    return saved


def attach(drafts: Drafts, uploads: EvidenceUploads, files: DraftFiles, draft: Draft, key: str,
           now: datetime) -> tuple[Draft, UploadProblem | None]:
    """Keep the file S3 holds at `key` (only inside the draft's own folder) if it is what it says: a PDF, JPEG or PNG
    within the size limit, tagged as a draft's; a refused file is deleted."""
    if not is_within(key, attachment_prefix(draft.council_code, draft.draft_id)) or any(a.key == key for a in draft.attachments):
        return draft, UploadProblem.MISSING
    if len(draft.attachments) >= MAX_ATTACHMENTS:
        return draft, UploadProblem.TOO_MANY_TRIES
    stored = uploads.stored(key)
    if stored is None:
        return draft, UploadProblem.MISSING
    found = sniff(stored.head)
    problem = upload_problem(stored.size, stored.content_type, stored.head)
    if problem is not None or found is None:
        uploads.delete(key)
        return draft, problem or UploadProblem.WRONG_TYPE
    files.mark_draft(key)  # first: a file kept by a draft always expires with it
    attached = draft.model_copy(update={"attachments": [*draft.attachments, Attachment(
        key=key, file_format=FileFormat(found.value), size=stored.size, uploaded_at=now)], "saved_at": now})
    drafts.save(attached)
    return attached, None


def discard(drafts: Drafts, files: DraftFiles, partner: Partner, draft: Draft) -> None:
    """Delete the partner's own draft (DraftGone if it was sent or deleted meanwhile: then nothing else is touched), then
    every file uploaded for it: those under its attachment prefix, attached or not. The draft was read under the
    partner's own key, so the prefix is never another partner's; and once a draft is sent it is gone, so a case's
    files are never reached from here."""
    assert draft.user_id == partner.user_id
    drafts.discard(partner.user_id, draft.draft_id, still_there=True)
    for key in files.under(attachment_prefix(draft.council_code, draft.draft_id)):
        files.delete(key)


def send(drafts: Drafts, files: DraftFiles, store: CaseStore, workflows: Workflows, council: CouncilConfig, partner: Partner,
         draft: Draft, now: datetime) -> ContactCase:
    """The draft as a contact (SubmissionIncomplete names what is missing, and the draft stays); the draft then goes.
    Its files lose their draft tag first, so a case never holds a file the draft files' lifecycle rule would delete."""
    if not may_send(partner, draft.kind):
        raise FormNotAllowed(f"{partner.agency.name} is not approved to send this form: ask the council's Family Front Door")
    for attachment in draft.attachments:
        files.release(attachment.key)
    try:
        case = submit(store, workflows, council, partner.submitter(draft.role, draft.phone), draft.form, now,
                      case_id=draft.draft_id, submission_id=draft.draft_id, documents=draft.attachments)
    except SubmissionIncomplete:
        for attachment in draft.attachments:  # still a draft's
            files.mark_draft(attachment.key)
        raise
    drafts.discard(partner.user_id, draft.draft_id)
    return case
