"""How the Family Front Door's own steps read in a contact's history (shared.core.domain.history words the engine's)."""

from __future__ import annotations

from shared.core.domain.case import AuditEntry
from shared.core.domain.history import ServiceHistory, Words, govuk_date
from shared.services.family_front_door.domain.case import OUTCOME_NAMES, ContactStage

STAGES = {
    ContactStage.RECEIVED: "received", ContactStage.SCREENING: "screening",
    ContactStage.AWAITING_INFORMATION: "waiting for the partner", ContactStage.ACCEPTED: "accepted",
    ContactStage.CLOSED: "closed",
}
CONNECTOR_ACTOR = "crm-connector"


def _after(entry: AuditEntry) -> dict:
    return entry.after or {}


def _received(entry: AuditEntry, words: Words) -> str:
    after = _after(entry)
    kind = "Request for information" if after.get("kind") == "INFORMATION_REQUEST" else "Cause for concern"
    return (f"{kind} received from {after.get('agency') or 'a partner agency'}, level of need {after.get('level')}. "
            f"For {words.team_name(after.get('team') or '')} to respond by {govuk_date(after.get('response_due'))}.")


def _responsible(entry: AuditEntry, words: Words) -> str:
    return f"{_after(entry).get('screening_officer')} took responsibility as screening officer."


def _handed(entry: AuditEntry, words: Words) -> str:
    return f"Handed the contact to {_after(entry).get('screening_officer')} as screening officer."


def _overridden(entry: AuditEntry, words: Words) -> str:
    before, after = entry.before or {}, _after(entry)
    return (f"Changed the level of need from {before.get('level')} to {after.get('level')}, to respond by "
            f"{govuk_date(after.get('response_due'))}. Reason: {after.get('reason')}")


def _requested(entry: AuditEntry, words: Words) -> str:
    return "Asked the partner for more information."


def _question_sent(entry: AuditEntry, words: Words) -> str:
    return f"The question waits for the partner in the portal, to answer by {govuk_date(_after(entry).get('due'))}."


def _reminded(entry: AuditEntry, words: Words) -> str:
    return "Reminded the partner that a question waits for their answer."


def _answered(entry: AuditEntry, words: Words) -> str:
    return "The partner answered the question."


def _no_answer(entry: AuditEntry, words: Words) -> str:
    return f"{_after(entry).get('note') or 'The partner did not answer in time'}."


def _outcome(entry: AuditEntry, words: Words) -> str:
    outcome = str(_after(entry).get("outcome"))
    return f"Outcome recorded: {OUTCOME_NAMES.get(outcome, outcome)}."  # type: ignore[call-overload]  # a StrEnum key


def _waiting(entry: AuditEntry, words: Words) -> str:
    return "The contact is still waiting in the holding area."


def _episode(entry: AuditEntry, words: Words) -> str:
    return f"The social care record system opened contact and referral episode {_after(entry).get('episode_id')}."


FFD_HISTORY = ServiceHistory(
    noun="contact", recipient="the partner", stages=STAGES,
    actors={CONNECTOR_ACTOR: "The social care record system"},
    sentences={
        "CONTACT_RECEIVED": _received, "RESPONSIBILITY_TAKEN": _responsible, "RESPONSIBILITY_GIVEN": _handed,
        "PRIORITY_OVERRIDDEN": _overridden,
        "INFORMATION_REQUESTED": _requested, "PARTNER_ASKED": _question_sent, "PARTNER_REMINDED": _reminded,
        "PARTNER_ANSWERED": _answered, "NO_ANSWER": _no_answer, "OUTCOME_RECORDED": _outcome,
        "WAITING_FOR_SCREENING": _waiting, "EPISODE_OPENED": _episode,
    },
)
