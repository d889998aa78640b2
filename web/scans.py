"""Documents that came on paper, scanned by staff and uploaded from the browser straight to the evidence bucket.

The same way as the applicant's reply page: a plain form (no JavaScript) posts the file to S3 with a pre-signed
policy that fixes the key, the declared type and the size; S3 then sends the browser back to the page's own
address, where the stored file's size and first bytes are checked before it counts. No file passes through the web
function (its request size is capped well below the upload limit).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from shared.bootstrap import evidence_uploads_for
from shared.core.adapters.evidence_uploads import UploadForm
from shared.core.domain.case import Case
from shared.core.domain.evidence import case_evidence_prefix, is_within
from shared.core.domain.uploads import MAX_UPLOAD_BYTES, FileFormat, UploadProblem, sniff, upload_problem
from shared.resources import Env
from shared.services.blue_badge.domain.application import EvidenceRef, EvidenceType, upload_formats
from shared.services.blue_badge.logic.information import ReceivedItems
from shared.services.blue_badge.logic.reply import UPLOAD_FORM_LIFETIME
from web.forms import Errors
from web.rendering import origin_of
from web.security import draft_store

SCAN_PREFIX = "scan-"  # a staff scan's name in its folder: scan-<document>-<random>.<extension>
MAX_MEGABYTES = MAX_UPLOAD_BYTES // (1024 * 1024)
UPLOAD_MESSAGES = {
    UploadProblem.MISSING: "The file was not uploaded. Choose the file and upload it again",
    UploadProblem.EMPTY: "The selected file is empty",
    UploadProblem.TOO_LARGE: f"The selected file must be smaller than {MAX_MEGABYTES} MB",
    UploadProblem.WRONG_TYPE: "The selected file must be a JPG, PNG or PDF",
}


def upload_message(problem: UploadProblem, found: FileFormat | None, formats: tuple[FileFormat, ...] = tuple(FileFormat)) -> str:
    """The error for a refused file, saying what to do (a file of another allowed format gets that format's form)."""
    if problem is UploadProblem.WRONG_TYPE and found is not None and found in formats:
        return f"The selected file is a {found.label}. Choose it again: the form below now takes a {found.label} file"
    if problem is UploadProblem.WRONG_TYPE and formats == (FileFormat.JPEG,):
        return "The selected file must be a JPG: the photo is printed on the badge, and the printer takes JPG photos only"
    return UPLOAD_MESSAGES[problem]


def scan_slug(kind: EvidenceType) -> str:
    """For ids and addresses: PROOF_ID -> proof-id."""
    return kind.value.lower().replace("_", "-")


def scan_kind(slug: str) -> EvidenceType | None:
    return next((kind for kind in EvidenceType if scan_slug(kind) == slug), None)


@dataclass(frozen=True)
class ScanSection:
    """One document's upload form on a page (templates: _upload.html upload_section)."""

    kind: EvidenceType
    heading: str
    form: UploadForm
    format: FileFormat
    others: list[FileFormat]
    uploaded: bool

    @property
    def slug(self) -> str:
        return scan_slug(self.kind)


def scan_section(council_code: str, folder: str, kind: EvidenceType, heading: str, chosen: str | None, back_path: str,
                 uploaded: bool) -> ScanSection:
    """A one-hour form for one file of `kind` into `folder`, in the format chosen (?<slug>=png) or the usual one;
    S3 sends the browser to `back_path` with ?document=<slug>&key=... appended."""
    formats = upload_formats(kind)
    fmt = FileFormat.named(chosen) if FileFormat.named(chosen) in formats else formats[0]
    key = f"{folder}{SCAN_PREFIX}{scan_slug(kind)}-{secrets.token_hex(8)}.{fmt.extension}"
    redirect = f"{os.environ[Env.WEB_BASE_URL].rstrip('/')}{back_path}?document={scan_slug(kind)}"
    form = evidence_uploads_for(council_code).form(key, fmt, MAX_UPLOAD_BYTES, redirect, int(UPLOAD_FORM_LIFETIME.total_seconds()))
    return ScanSection(kind, heading, form, fmt, [other for other in formats if other is not fmt], uploaded)


def accept_scan(council_code: str, folder: str, kind: EvidenceType, key: str) -> tuple[UploadProblem | None, FileFormat | None]:
    """Whether the file S3 holds at `key` (a scan of `kind` in `folder`, nowhere else) may count, and what it really is.

    A refused file is left where it is: only the retention sweep deletes from these folders (infra/constructs/tenancy.py),
    and nothing refers to it."""
    if not is_within(key, f"{folder}{SCAN_PREFIX}{scan_slug(kind)}-"):
        return UploadProblem.MISSING, None
    stored = evidence_uploads_for(council_code).stored(key)
    if stored is None:
        return UploadProblem.MISSING, None
    return upload_problem(stored.size, stored.content_type, stored.head, upload_formats(kind)), sniff(stored.head)


def refused_message(query: dict, sections: list[ScanSection], errors: Errors) -> None:
    """The last refused file's problem (named by the redirect from the upload's address) as an error on its form."""
    refused = next((section for section in sections if section.slug == query.get("refused")), None)
    try:
        problem = UploadProblem(str(query.get("why") or ""))
    except ValueError:
        return
    if refused is not None and problem in UPLOAD_MESSAGES:
        errors.add(f"file-{refused.slug}", upload_message(problem, FileFormat.named(query.get(refused.slug)), upload_formats(refused.kind)))


def just_uploaded(query: dict, sections: list[ScanSection], errors: Errors) -> ScanSection | None:
    return None if errors else next((section for section in sections if section.slug == query.get("uploaded")), None)


def refused_path(page: str, kind: EvidenceType, problem: UploadProblem, found: FileFormat | None) -> str:
    """Back to the page naming the problem (and offering the form for the format the file really is, where allowed)."""
    slug = scan_slug(kind)
    again = found.extension if found in upload_formats(kind) else ""
    return f"{page}?{urlencode({'refused': slug, 'why': problem.value, slug: again})}"


def uploaded_path(page: str, kind: EvidenceType) -> str:
    return f"{page}?{urlencode({'uploaded': scan_slug(kind)})}#{scan_slug(kind)}"


# ---------------------------------------------------------------- "Record information received": scans for a case
# Accepted scans wait in the caseworker's draft for the page until "Record what was received" sends them with the rest.


def received_page(case_id: str) -> str:
    return f"/cases/{case_id}/information-received"


def _kept_key(case_id: str) -> str:
    return f"{received_page(case_id)}/scans"


@dataclass(frozen=True)
class CaseScans:
    sections: list[ScanSection]
    kept: list[EvidenceRef]  # the files accepted so far, for the record of what was received

    @property
    def evidence_origin(self) -> str | None:
        return origin_of(self.sections[0].form.url) if self.sections else None


def case_scans(user: str, case: Case, query: dict) -> CaseScans:
    """An upload form for each document the case still lacks (into the case's own folder), and the files kept so far."""
    found = draft_store().load(user, _kept_key(case.case_id))
    kept_fields = found[0] if found else {}
    items = [item for item in ReceivedItems(case).scannable if item.evidence_type]
    kept = [EvidenceRef(type=item.evidence_type, key=kept_fields[item.evidence_type.value][0],
                        content_type=FileFormat.named(kept_fields[item.evidence_type.value][0].rsplit(".", 1)[-1]).value)
            for item in items if kept_fields.get(item.evidence_type.value)]
    have = {ref.type for ref in kept}
    folder = case_evidence_prefix(case.council_code, case.case_id)
    sections = [scan_section(case.council_code, folder, item.evidence_type, item.heading, query.get(scan_slug(item.evidence_type)),
                             f"{received_page(case.case_id)}/uploaded", item.evidence_type in have) for item in items]
    return CaseScans(sections, kept)


def accept_case_scan(user: str, case: Case, slug: str, key: str) -> str:
    """Check the file S3 holds for one of the case's missing documents, keep it in the caseworker's draft if it may
    count, and say where the browser goes next (the page, naming the file's problem or that it was uploaded)."""
    kind = scan_kind(slug)
    if kind is None or kind not in {item.evidence_type for item in ReceivedItems(case).scannable}:
        return received_page(case.case_id)
    problem, found = accept_scan(case.council_code, case_evidence_prefix(case.council_code, case.case_id), kind, key)
    if problem is not None:
        return refused_path(received_page(case.case_id), kind, problem, found)
    stored = draft_store().load(user, _kept_key(case.case_id))
    draft_store().save(user, _kept_key(case.case_id), (stored[0] if stored else {}) | {kind.value: [key]})
    return uploaded_path(received_page(case.case_id), kind)


def forget_case_scans(user: str, case_id: str) -> None:
    draft_store().discard(user, _kept_key(case_id))
