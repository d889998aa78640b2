"""The missing-information loop, applicant side: the single-use link in the email, and what the link's page does.

A link belongs to one round of the loop (the case's information due date). It works while the case waits for
that round and until the date it is due; once the reply is sent (or a new round starts) it stops working.
What the applicant sends is recorded by the same service as a caseworker's record of supplied information, so
it is revalidated, audited, and the waiting workflow resumes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import quote

from shared.core.adapters.case_store import CaseStore, StaleVersion
from shared.core.adapters.evidence_uploads import EvidenceUploads, UploadForm
from shared.core.adapters.reply_links import ReplyLink, ReplyLinks
from shared.core.adapters.workflows import Workflows
from shared.services.blue_badge.domain.application import EvidenceRef
from shared.core.domain.case import Case, utcnow
from shared.services.blue_badge.domain.case import Stage
from shared.core.domain.council import CouncilConfig, CouncilRegistry
from shared.services.blue_badge.domain.reply import INPUT_FOR_FIELD, ReplyBy, ReplyItem, evidence_key, read_answers, reply_items, reply_upload_prefix
from shared.core.domain.uploads import MAX_UPLOAD_BYTES, FileFormat, UploadProblem, sniff, upload_problem
from shared.core.domain.reply_tokens import parse_token
from shared.core.domain.evidence import is_within
from shared.services.blue_badge.logic.information import InvalidSupply, SuppliedInformation, record_supplied
from shared.core.domain.reply_tokens import MAX_ATTEMPTS, reply_path

APPLICANT_ACTOR = "applicant (reply link)"
UPLOAD_FORM_LIFETIME = timedelta(hours=1)


def link_issuer(links_for: Callable[[str], ReplyLinks], base_url: str | None) -> Callable[[Case, datetime], str | None]:
    """For the Notifier: a new link for the case's current round, as the URL the email carries."""
    def issue(case: Case, now: datetime) -> str | None:
        if not base_url or case.information_due is None:
            return None
        token = links_for(case.council_code).issue(case.case_id, case.information_due, now)
        return base_url.rstrip("/") + reply_path(token)
    return issue


class LinkState(StrEnum):
    OPEN = "OPEN"
    EXPIRED = "EXPIRED"  # the token is right but its round's due date has passed
    GONE = "GONE"  # unknown, used, or of an earlier round: one answer for all, so tokens cannot be probed


@dataclass(frozen=True)
class Reply:
    """An opened link. Only an OPEN or EXPIRED link names its council (the token proved to be right)."""

    state: LinkState
    token: str
    council: CouncilConfig | None = None
    case: Case | None = None
    link: ReplyLink | None = None
    items: list[ReplyItem] = field(default_factory=list)

    def item(self, slug: str) -> ReplyItem | None:
        return next((item for item in self.items if item.slug == slug), None)

    def of(self, by: ReplyBy) -> list[ReplyItem]:
        return [item for item in self.items if item.by is by]

    def uploaded(self, item: ReplyItem) -> EvidenceRef | None:
        return self.link.uploads.get(item.evidence_type) if self.link and item.evidence_type else None


@dataclass
class Sent:
    """The result of sending the reply: the case as recorded, or the problems by input id."""

    case: Case | None = None
    errors: dict[str, str] = field(default_factory=dict)
    too_many_tries: bool = False


class ReplyDesk:
    def __init__(
        self, councils: CouncilRegistry, store_for: Callable[[str], CaseStore], links_for: Callable[[str], ReplyLinks],
        workflows: Workflows, uploads_for: Callable[[str], EvidenceUploads], clock: Callable[[], datetime] = utcnow,
    ):
        self._councils, self._store_for, self._links_for = councils, store_for, links_for
        self._workflows, self._uploads_for, self._clock = workflows, uploads_for, clock

    def open(self, token: str) -> Reply:
        parts = parse_token(token)
        council = self._councils.get(parts.council_code) if parts else None
        if parts is None or council is None:
            return Reply(LinkState.GONE, token)
        link = self._links_for(council.code).find(token)
        if link is None:
            return Reply(LinkState.GONE, token)
        if self._clock() >= link.due:
            return Reply(LinkState.EXPIRED, token, council)
        case = self._store_for(council.code).get(parts.case_id)
        if case is None or not _waiting_for(case, link):
            return Reply(LinkState.GONE, token)
        return Reply(LinkState.OPEN, token, council, case, link, reply_items([item.code for item in case.missing]))

    def upload_form(self, reply: Reply, item: ReplyItem, fmt: FileFormat, base_url: str) -> UploadForm:
        """A one-hour form that lets the browser post one file of `fmt` for `item` straight to S3."""
        assert reply.case is not None
        redirect = f"{base_url.rstrip('/')}{reply_path(reply.token)}/uploaded?item={quote(item.slug)}"
        key = evidence_key(reply.case.council_code, reply.case.case_id, item, fmt)
        return self._uploads_for(reply.case.council_code).form(key, fmt, MAX_UPLOAD_BYTES, redirect, int(UPLOAD_FORM_LIFETIME.total_seconds()))

    def accept_upload(self, reply: Reply, item: ReplyItem, key: str) -> tuple[UploadProblem | None, FileFormat | None]:
        """Check what S3 holds at `key` and keep it as the item's evidence; a refused file is deleted.

        Returns the problem (None when accepted) and the format the file really is.
        """
        assert reply.case is not None and item.evidence_type is not None
        if not is_within(key, reply_upload_prefix(reply.case.council_code, reply.case.case_id, item)):
            return UploadProblem.MISSING, None
        uploads = self._uploads_for(reply.case.council_code)
        links = self._links_for(reply.case.council_code)
        if not links.count_attempt(reply.token, MAX_ATTEMPTS):
            return UploadProblem.TOO_MANY_TRIES, None
        stored = uploads.stored(key)
        if stored is None:
            return UploadProblem.MISSING, None
        found = sniff(stored.head)
        problem = upload_problem(stored.size, stored.content_type, stored.head)
        if problem is not None or found is None:
            uploads.delete(key)
            return problem, found
        if not links.record_upload(reply.token, item.evidence_type, EvidenceRef(type=item.evidence_type, key=key, content_type=found.value)):
            return UploadProblem.MISSING, found  # the link was used meanwhile (another tab); reopening shows that
        return None, found

    def send(self, reply: Reply, fields: Mapping[str, str]) -> Sent:
        """Check the answers and that every document asked for was uploaded, then record it all as supplied."""
        assert reply.case is not None and reply.council is not None and reply.link is not None
        links = self._links_for(reply.council.code)
        if not links.count_attempt(reply.token, MAX_ATTEMPTS):
            return Sent(too_many_tries=True)
        now = self._clock()
        answers = read_answers(reply.of(ReplyBy.ANSWER), fields, now.date())
        errors = dict(answers.errors)
        for item in reply.of(ReplyBy.UPLOAD):
            if reply.uploaded(item) is None:
                errors[f"file-{item.slug}"] = f"Upload {item.heading[:1].lower()}{item.heading[1:]}"
        if errors:
            return Sent(errors=_in_page_order(errors))
        try:
            return self._record(reply, answers.changes, now)
        except StaleVersion:
            # Changed meanwhile (say, a reminder was recorded): once more with the case as it is now, if the link still works.
            again = self.open(reply.token)
            if again.state is not LinkState.OPEN:
                raise
            return self._record(again, answers.changes, now)

    def _record(self, reply: Reply, changes: dict, now: datetime) -> Sent:
        assert reply.case is not None and reply.council is not None and reply.link is not None
        case = reply.case
        supplied = SuppliedInformation(expected_version=case.version, changes=changes, evidence=list(reply.link.uploads.values()))
        try:
            recorded = record_supplied(self._store_for(case.council_code), reply.council, self._workflows, case.case_id, supplied,
                                       APPLICANT_ACTOR, now)
        except InvalidSupply as invalid:
            return Sent(errors={INPUT_FOR_FIELD.get(reason.field, "answers"): _sentence(reason.message) for reason in invalid.reasons})
        self._links_for(case.council_code).revoke_all(case.case_id)
        return Sent(case=recorded)


def _waiting_for(case: Case, link: ReplyLink) -> bool:
    """The case still waits for the round this link was sent in."""
    return case.stage is Stage.AWAITING_INFORMATION and bool(case.task_token) and case.information_due == link.due


def _in_page_order(errors: dict[str, str]) -> dict[str, str]:
    """Uploads come first on the page, then the questions: the error summary follows that order."""
    uploads = {name: text for name, text in errors.items() if name.startswith("file-")}
    return uploads | {name: text for name, text in errors.items() if name not in uploads}


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]
