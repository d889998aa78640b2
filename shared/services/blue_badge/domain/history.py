"""How Blue Badge's own steps read in a case's history (shared.core.domain.history words the engine's)."""

from __future__ import annotations

from shared.core.domain.case import AuditEntry
from shared.core.domain.history import ServiceHistory, Words, govuk_date, listed
from shared.services.blue_badge.domain.application import CancelReason
from shared.services.blue_badge.domain.badge import PrintBatchType
from shared.services.blue_badge.domain.case import Stage
from shared.services.blue_badge.domain.completeness import DESCRIPTIONS
from shared.services.blue_badge.domain.notifications import COUNCIL_KINDS
from shared.services.blue_badge.domain.renewal import RENEWAL_REMINDER_ACTION

STAGES = {
    Stage.RECEIVED: "received", Stage.AWAITING_INFORMATION: "waiting for information", Stage.SCREENING: "screening",
    Stage.PROOF_CHECK: "proof check", Stage.ASSESSMENT: "assessment", Stage.DECISION: "decision",
    Stage.AWAITING_PAYMENT: "waiting for payment", Stage.ORDERED: "badge ordered", Stage.REFUSED: "refused",
    Stage.REVIEW: "review", Stage.BADGE_CANCELLED: "badge cancelled", Stage.WITHDRAWN: "withdrawn",
}
BADGE_REASONS = {
    CancelReason.REVOKE: "misused, or the holder is no longer eligible", CancelReason.DECEASE: "the holder has died",
    CancelReason.NOLONG: "no longer needed", CancelReason.UNDELIVER: "not delivered", CancelReason.LOST: "lost",
    CancelReason.STOLE: "stolen", CancelReason.DAMAGED: "damaged",
}
DELIVERY = {
    PrintBatchType.STANDARD: "posted to the holder's home", PrintBatchType.FASTTRACK: "sent to the holder's home by fast delivery",
    PrintBatchType.LA: "sent to the council for the holder to collect",
}


def _missing(codes: list[str] | None) -> str:
    """The items in the words the applicant's email uses, in lower case after the first."""
    described = [DESCRIPTIONS.get(code) for code in codes or ()]
    return listed(text[:1].lower() + text[1:] for text in described if text)


def _record(entry: AuditEntry, name: str) -> dict:
    """A step's record as its audit entry holds it (the decision, the review, ...)."""
    return (entry.after or {}).get(name) or {}


def _opened(entry: AuditEntry, words: Words) -> str:
    note = (entry.after or {}).get("note")
    missing = _missing((entry.after or {}).get("missing"))
    stage = (entry.after or {}).get("stage")  # intake opens a case at its first working stage (earlier ones: RECEIVED)
    moved = f" The case moved to {STAGES[Stage(stage)]}." if stage in STAGES and stage != Stage.RECEIVED else ""
    return (f"Application received ({note})." if note else "Application received.") + (f" Missing: {missing}." if missing else "") + moved


def _information_requested(entry: AuditEntry, words: Words) -> str:
    after = entry.after or {}
    return f"Asked the applicant for {_missing(after.get('missing'))}, by {govuk_date(after.get('due'))}."


def _information_asked_for(entry: AuditEntry, words: Words) -> str:
    return f"Sent the case back to the applicant for {_missing((entry.after or {}).get('missing'))}."


def _information_supplied(entry: AuditEntry, words: Words) -> str:
    after = entry.after or {}
    changed, added, missing = after.get("changed") or [], after.get("evidence_added") or [], _missing(after.get("missing"))
    sent = listed([f"changed {len(changed)} answer{'s' * (len(changed) != 1)}" if changed else "",
                   f"added {len(added)} document{'s' * (len(added) != 1)}" if added else ""])
    return (f"The applicant replied: {sent}." if sent else "The applicant replied.") + \
        (f" Still missing: {missing}." if missing else " Nothing is missing now.")


def _proof_checked(entry: AuditEntry, words: Words) -> str:
    confirmed = _record(entry, "proof_check").get("confirmed", (entry.after or {}).get("confirmed"))
    return "Checked the proof of eligibility: it shows the criterion is met." if confirmed else \
        "Checked the proof of eligibility: it does not show the criterion is met."


def _assessed(entry: AuditEntry, words: Words) -> str:
    eligible = _record(entry, "assessment").get("outcome", (entry.after or {}).get("outcome")) == "ELIGIBLE"
    return f"Assessed the applicant as {'eligible' if eligible else 'not eligible'}."


def _reasons(record: dict) -> str:
    reasons = record.get("reasons") or []
    return f" The reasons: {'; '.join(reasons)}." if reasons else ""


def _decided(entry: AuditEntry, words: Words) -> str:
    decision = _record(entry, "decision")
    approved = decision.get("outcome", (entry.after or {}).get("outcome")) == "APPROVE"
    if not approved:
        return "Refused the application." + _reasons(decision)
    order = decision.get("order") or {}
    start = f", starting {govuk_date(order['start_date'])}" if order.get("start_date") else ""
    to = " to collect from the council" if order.get("deliver_to") == "COUNCIL" else ""
    return f"Approved the application: the badge is to be ordered{start}{to}."


def _payment(entry: AuditEntry, words: Words) -> str:
    payment = _record(entry, "payment")
    pence = payment.get("amount_pence", (entry.after or {}).get("amount_pence")) or 0
    method = f" by {payment['method']}" if payment.get("method") else ""
    reference = f" (reference {payment['reference']})" if payment.get("reference") else ""
    return f"Recorded a payment of £{pence / 100:,.2f}{method}{reference}."


def _review_requested(entry: AuditEntry, words: Words) -> str:
    grounds = _record(entry, "review").get("grounds")
    return "Recorded the applicant's request for a review of the refusal." + (f" Their grounds: {grounds}" if grounds else "")


def _reviewed(entry: AuditEntry, words: Words) -> str:
    review = _record(entry, "review")
    if review.get("outcome", (entry.after or {}).get("outcome")) == "OVERTURN":
        return "Reviewed the refusal and overturned it: the badge is to be ordered."
    return "Reviewed the refusal and upheld it: the application stays refused." + _reasons(review)


def _badge_ordered(entry: AuditEntry, words: Words) -> str:
    after = entry.after or {}
    badges = after.get("badges") or []
    delivery = DELIVERY.get(after.get("batch_type"), "")
    replaces = f" It replaces badge {after['replaces']}." if after.get("replaces") else ""
    return (f"Ordered badge{'s' * (len(badges) != 1)} {listed(badges)}, valid from {govuk_date(after.get('start_date'))} to "
            f"{govuk_date(after.get('expiry_date'))}" + (f", to be {delivery}." if delivery else ".") + replaces)


def _badge(entry: AuditEntry) -> str:
    return (entry.before or {}).get("badge") or (entry.after or {}).get("badge") or ""


def _badge_cancelled(entry: AuditEntry, words: Words) -> str:
    reason = BADGE_REASONS.get((entry.after or {}).get("reason"))
    badge = f"badge {_badge(entry)}" if _badge(entry) else "the badge"
    return f"Cancelled {badge}" + (f": {reason}." if reason else ".")


def _badge_reordered(entry: AuditEntry, words: Words) -> str:
    corrected = (entry.after or {}).get("corrected")
    return f"Ordered badge {_badge(entry)} again" + (" with corrected details." if corrected else ".")


def _print_skipped(entry: AuditEntry, words: Words) -> str:
    return f"Left badge {_badge(entry)} out of the print batch: {(entry.after or {}).get('reason')}"


def _badge_processed(entry: AuditEntry, words: Words) -> str:
    return f"Sent badge {_badge(entry)} to the printer."


def _badge_issued(entry: AuditEntry, words: Words) -> str:
    return f"The printer dispatched badge {_badge(entry)} on {govuk_date((entry.after or {}).get('dispatched_on'))}."


def _badge_rejected(entry: AuditEntry, words: Words) -> str:
    return f"The printer did not print badge {_badge(entry)}: {(entry.after or {}).get('reason')}"


def _withdrawn(entry: AuditEntry, words: Words) -> str:
    return f"Withdrew the application. Reason: {(entry.after or {}).get('reason') or 'none given'}."


def _reminder(entry: AuditEntry, words: Words) -> str:
    return f"Reminded the applicant that the information is due by {govuk_date((entry.after or {}).get('due'))}."


def _renewal_reminder(entry: AuditEntry, words: Words) -> str:
    after = entry.after or {}
    return (f"Reminded the holder to renew: badge {', '.join(after.get('badge_numbers') or [])} expires on "
            f"{govuk_date(after.get('expiry_date'))}.")


def _email(entry: AuditEntry, words: Words) -> str | None:
    """An email to the council's own team (a badge to hand over); the engine words those to the applicant."""
    after = entry.after or {}
    if after.get("kind") not in COUNCIL_KINDS or entry.action != "NOTIFICATION_SENT":
        return None
    return f"Emailed the council's Blue Badge team “{after.get('subject')}”."


BLUE_BADGE_HISTORY = ServiceHistory(
    noun="case", recipient="the applicant", stages=STAGES,
    actors={"applicant (reply link)": "The applicant", "print-supplier": "The print supplier"},
    sentences={
        "CASE_OPENED": _opened, "INFORMATION_REQUESTED": _information_requested, "INFORMATION_ASKED_FOR": _information_asked_for,
        "INFORMATION_SUPPLIED": _information_supplied, "PROOF_CHECKED": _proof_checked, "ASSESSED": _assessed,
        "DECIDED": _decided, "PAYMENT_RECORDED": _payment, "REVIEW_REQUESTED": _review_requested, "REVIEWED": _reviewed,
        "BADGE_ORDERED": _badge_ordered, "BADGE_CANCELLED": _badge_cancelled, "BADGE_REORDERED": _badge_reordered,
        "PRINT_SKIPPED": _print_skipped, "BADGE_PROCESSED": _badge_processed, "BADGE_ISSUED": _badge_issued,
        "BADGE_REJECTED": _badge_rejected, "REMINDER_SENT": _reminder, "NOTIFICATION_SENT": _email,
        RENEWAL_REMINDER_ACTION: _renewal_reminder,
        "CASE_WITHDRAWN": _withdrawn,  # by staff (shared.services.blue_badge.logic.withdrawal)
    },
)
