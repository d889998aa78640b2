"""A case's history as a person reads it: each audit entry a sentence in plain English, with the full text of each
email sent. The engine words its own actions (stages, who works the case, notes, teams, priority, restarts, flags,
emails); a service words its own steps in its package (ServiceSpec.history) and may word an engine action more
precisely (None from its sentence leaves the action to the engine)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from shared.core.domain.case import AuditEntry
from shared.core.domain.duplicates import DUPLICATE_LINKED, OTHER_CASE
from shared.core.domain.retention import ERASED_ACTION, REQUEST_REASONS, ErasureReason

VIEWED = "CASE_VIEWED"  # listed apart from the history, so that the changes stay readable
# A repeat of the same thing by the same actor this soon after is one event recorded twice (a retried delivery).
SAME_EVENT_WITHIN = timedelta(seconds=1)
SYSTEM = "The system"


@dataclass(frozen=True)
class Words:
    """What a sentence needs to name things: its service's wording and the council's team names."""

    service: ServiceHistory
    teams: Mapping[str, str]  # the council's teams: key -> name

    def team_name(self, key: str) -> str:
        return self.teams.get(key, key)

    @property
    def noun(self) -> str:
        return self.service.noun

    def stage(self, value: Any) -> str:
        return self.service.stages.get(str(value), in_words(value)) if value else ""

    def actor(self, actor: str) -> str:
        """A person by their sign-in email, as it is; an online form, a service's own actor, or else the system."""
        if actor.startswith(("user:", "partner:")):  # staff, and partner professionals (by their sign-in email)
            return actor.split(":", 1)[1]
        if actor.startswith("event:"):
            return "The online application service"
        return self.service.actors.get(actor, SYSTEM)


Sentence = Callable[[AuditEntry, Words], "str | None"]


@dataclass(frozen=True)
class ServiceHistory:
    """A service's wording of its history."""

    noun: str  # what staff call one of its cases: "case", "referral"
    recipient: str  # whom its emails go to: "the applicant"
    stages: Mapping[str, str] = field(default_factory=dict)  # stage value -> words: "PROOF_CHECK" -> "proof check"
    sentences: Mapping[str, Sentence] = field(default_factory=dict)  # audit action -> its sentence
    actors: Mapping[str, str] = field(default_factory=dict)  # its own non-staff actors: "print-supplier" -> "The print supplier"


ENGINE_ONLY = ServiceHistory(noun="case", recipient="the person")


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    who: str
    what: str
    email_subject: str | None = None  # an email sent: its subject and text, as sent
    email_body: str | None = None
    email_medium: str = "email"  # or "letter", "text message": what the text was sent (or is to be posted) as


def in_words(value: Any) -> str:
    """A code nobody gave words: PROOF_CHECK -> proof check."""
    return str(getattr(value, "value", value)).replace("_", " ").replace("-", " ").lower()


def govuk_date(value: str | date | None) -> str:
    """An ISO date or date-time from an audit entry in GOV.UK style: 3 January 2027."""
    if not value:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day.day} {day:%B %Y}"


def listed(items: Iterable[str]) -> str:
    """a, b and c."""
    items = [item for item in items if item]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}" if items else ""


def readable_history(entries: Iterable[AuditEntry], service: ServiceHistory | None,
                     teams: Mapping[str, str]) -> list[HistoryLine]:
    """Newest first, without views (listed apart), and a repeat of the line before it merged into it."""
    words = Words(service or ENGINE_ONLY, teams)
    lines: list[HistoryLine] = []
    for entry in sorted(entries, key=lambda entry: entry.at):
        if entry.action == VIEWED:
            continue
        line = _line(entry, words)
        last = lines[-1] if lines else None
        if last and (last.who, last.what, last.email_body) == (line.who, line.what, line.email_body) \
                and line.at - last.at <= SAME_EVENT_WITHIN:
            continue
        lines.append(line)
    return lines[::-1]


def _line(entry: AuditEntry, words: Words) -> HistoryLine:
    after = entry.after or {}
    own = words.service.sentences.get(entry.action)
    what = (own(entry, words) if own else None) or _ENGINE.get(entry.action, _unknown)(entry, words)
    line = HistoryLine(at=entry.at, who=words.actor(entry.actor), what=what)
    if entry.action in ("NOTIFICATION_SENT", "NOTIFICATION_NOT_SENT") and after.get("body"):  # not sent: a letter to post
        line = replace(line, email_subject=after.get("subject"), email_body=after["body"],
                       email_medium=_MEDIUM_NOUN[after.get("channel") or "email"])
    return line


def _before(entry: AuditEntry, name: str) -> Any:
    return (entry.before or {}).get(name)


def _after(entry: AuditEntry, name: str) -> Any:
    return (entry.after or {}).get(name)


def _stage_changed(entry: AuditEntry, words: Words) -> str:
    before, after = words.stage(_before(entry, "stage")), words.stage(_after(entry, "stage"))
    return f"The {words.noun} moved from {before} to {after}." if before else f"The {words.noun} moved to {after}."


def _task_renewed(entry: AuditEntry, words: Words) -> str:
    return f"The {words.noun} is still at {words.stage(_after(entry, 'stage'))}: the system is waiting for someone to act again."


def _assigned(entry: AuditEntry, words: Words) -> str:
    before, after, by = _before(entry, "assignee"), _after(entry, "assignee"), entry.actor.removeprefix("user:")
    from_whom = f" from {before}" if before and before != by else ""
    if after is None:
        return f"Released the {words.noun}{from_whom}: nobody is working on it."
    if after == by:
        return f"Took the {words.noun}{from_whom}."
    return f"Gave the {words.noun} to {after}{from_whom}."


def _priority(entry: AuditEntry, words: Words) -> str:
    return f"Changed the priority from {_before(entry, 'priority')} to {_after(entry, 'priority')} (out of 100)."


def _referred(entry: AuditEntry, words: Words) -> str:
    assessor, before = _after(entry, "referred_to"), _before(entry, "referred_to")
    if assessor is None:
        return f"Withdrew the referral to {before}." if before else "Withdrew the referral to an assessor."
    return f"Referred the {words.noun} to {assessor} to assess."


def _moved_to_team(entry: AuditEntry, words: Words) -> str:
    before = _before(entry, "team")
    return f"Moved the {words.noun} to {words.team_name(_after(entry, 'team'))}" + (f" from {words.team_name(before)}." if before else ".")


def _restarted(entry: AuditEntry, words: Words) -> str:
    return f"Restarted the {words.noun}'s workflow. The reason given: {_after(entry, 'reason')}"


def _resumed(entry: AuditEntry, words: Words) -> str:
    recorded = _after(entry, "recorded_at")
    return f"Passed a step recorded on {govuk_date(recorded)} on to the workflow, which had not taken it." if recorded else \
        "Passed a step recorded earlier on to the workflow, which had not taken it."


def _needs_attention(entry: AuditEntry, words: Words) -> str:
    return f"Flagged the {words.noun} as needing attention: {_after(entry, 'reason')}"


def _escalated(entry: AuditEntry, words: Words) -> str:
    return f"Flagged the {words.noun} for a team leader: nobody acted at {words.stage(_after(entry, 'stage'))} in the time allowed."


# What the engine sent, by the history's `channel` (an email when it has none).
_MEDIUM_NOUN = {"email": "email", "letter": "letter", "text": "text message"}


def _email(entry: AuditEntry, words: Words) -> str:
    subject, recipient = _after(entry, "subject"), words.service.recipient
    medium = _after(entry, "channel") or "email"
    if entry.action == "NOTIFICATION_NOT_SENT":
        if _after(entry, "channel") == "letter":
            return f"Write to {recipient} by post: {_after(entry, 'reason')}."
        return f"Could not email {recipient}: {_after(entry, 'reason')}."
    about = f" “{subject}”" if subject else ""
    if entry.action == "NOTIFICATION_FAILED":
        return f"The {_MEDIUM_NOUN[medium]}{about} to {recipient} could not be sent. The error: {_after(entry, 'error')}"
    if medium == "letter":
        return f"Asked GOV.UK Notify to post a letter{about} to {recipient}."
    if medium == "text":
        return f"Sent {recipient} a text message."
    return f"Emailed {recipient}{about}."


def _notify_status(entry: AuditEntry, words: Words) -> str:
    medium, status = _MEDIUM_NOUN[_after(entry, "channel") or "email"], _after(entry, "status")
    if _after(entry, "outcome") == "DELIVERED":
        return f"GOV.UK Notify reported the {medium} to {words.service.recipient} {status}."
    return f"GOV.UK Notify could not deliver the {medium} to {words.service.recipient}: {status}."


def _exported(entry: AuditEntry, words: Words) -> str:
    return "Exported the person's data for a subject access request."


def _erasure_requested(entry: AuditEntry, words: Words) -> str:
    return f"Asked for the person's data to be erased. {_reason(_after(entry, 'reason'))}."


def _erased(entry: AuditEntry, words: Words) -> str:
    return f"Erased the personal data of this {words.noun}. {_reason(_after(entry, 'reason'))}."


_ERASURE_REASONS = {ErasureReason.RETENTION_PERIOD_ENDED: "The time it is kept for had ended", **REQUEST_REASONS}


def _reason(value: str | None) -> str:
    return _ERASURE_REASONS.get(value, "No reason was recorded")


def _note(entry: AuditEntry, words: Words) -> str:
    return "Added a note."


def _duplicate(entry: AuditEntry, words: Words) -> str:
    return f"Linked this {words.noun} and {words.noun} {_after(entry, OTHER_CASE)} as duplicates: the same person applied twice."


def _unknown(entry: AuditEntry, words: Words) -> str:
    return f"{in_words(entry.action).capitalize()}."


# The engine's actions (its logic modules name them; the domain does not import logic).
_ENGINE: dict[str, Sentence] = {
    "STAGE_CHANGED": _stage_changed, "TASK_RENEWED": _task_renewed, "ASSIGNED": _assigned, "PRIORITY_CHANGED": _priority,
    "REFERRED": _referred, "MOVED_TO_TEAM": _moved_to_team, "NOTE_ADDED": _note, "WORKFLOW_RESTARTED": _restarted,
    "WORKFLOW_RESUMED": _resumed, "NEEDS_ATTENTION": _needs_attention, "WAIT_ESCALATED": _escalated,
    "NOTIFICATION_SENT": _email, "NOTIFICATION_FAILED": _email, "NOTIFICATION_NOT_SENT": _email, "NOTIFICATION_STATUS": _notify_status,
    "PERSONAL_DATA_EXPORTED": _exported, "ERASURE_REQUESTED": _erasure_requested, ERASED_ACTION: _erased,
    DUPLICATE_LINKED: _duplicate,
}
