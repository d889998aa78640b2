"""How adult social care triage's own steps read in a referral's history (shared.core.domain.history words the
engine's)."""

from __future__ import annotations

from shared.core.domain.case import AuditEntry
from shared.core.domain.history import ServiceHistory, Words, govuk_date
from shared.services.asc_triage.domain.case import ReferralStage, ScreeningOutcome
from shared.services.asc_triage.domain.triage import TriageRoute

STAGES = {
    ReferralStage.RECEIVED: "received", ReferralStage.SCREENING: "screening",
    ReferralStage.AWAITING_INFORMATION: "waiting for the referrer", ReferralStage.ROUTED: "routed",
    ReferralStage.SIGNPOSTED: "signposted", ReferralStage.CLOSED: "closed",
}
RECOMMENDATIONS = {TriageRoute.URGENT: "urgent", TriageRoute.LIKELY_ELIGIBLE: "likely eligible",
                   TriageRoute.SUPPORT_NEEDS: "support needs"}


def _received(entry: AuditEntry, words: Words) -> str:
    after = entry.after or {}
    return (f"Referral received. Triage recommends: {RECOMMENDATIONS.get(after.get('recommendation'), 'none')}. "
            f"For {words.team_name(after.get('team') or '')} to route by {govuk_date(after.get('routing_due'))}.")


def _screened(entry: AuditEntry, words: Words) -> str:
    after = entry.after or {}
    outcome = after.get("outcome")
    if outcome == ScreeningOutcome.ROUTE:
        did = f"Screened the referral: route it to {words.team_name(after.get('team') or '')}"
    elif outcome == ScreeningOutcome.SIGNPOST:
        did = "Screened the referral: signpost the person to community support"
    elif outcome == ScreeningOutcome.ASK_REFERRER:
        did = "Screened the referral: ask the referrer for more information"
    else:
        linked = after.get("linked_case_id")
        did = f"Screened the referral: close it, linked to case {linked}" if linked else "Screened the referral: close it"
    recommended = RECOMMENDATIONS.get(after.get("recommendation"))
    return did + (f", overriding the recommendation ({recommended})." if after.get("overrides_recommendation") and recommended else ".")


def _moved(entry: AuditEntry, words: Words) -> str | None:
    """Where a referral ended: the team it went to, the support it was signposted to, or the case it joined."""
    after = entry.after or {}
    stage = after.get("stage")
    if stage == ReferralStage.ROUTED:
        return f"Routed the referral to {words.team_name(after.get('team') or '')}."
    if stage == ReferralStage.SIGNPOSTED:
        count = len(after.get("signposts") or [])
        return f"Signposted the person to {count} community service{'s' * (count != 1)}." if count else \
            "Closed the referral as signposted: no community service matched the person's needs."
    if stage == ReferralStage.CLOSED:
        linked = after.get("linked_case_id")
        return f"Closed the referral, linked to case {linked}." if linked else "Closed the referral: no further action."
    return None  # the engine's "moved from ... to ..."


def _asked(entry: AuditEntry, words: Words) -> str:
    return f"Asked the referrer for more information, by {govuk_date((entry.after or {}).get('due'))}."


def _answered(entry: AuditEntry, words: Words) -> str:
    return "The referrer answered the question."


def _no_reply(entry: AuditEntry, words: Words) -> str:
    return f"{(entry.after or {}).get('note') or 'The referrer did not answer in time'}."


def _waiting(entry: AuditEntry, words: Words) -> str:
    return "The referral is still waiting for screening."


def _crm(entry: AuditEntry, words: Words) -> str:
    return f"The council's case management system opened record {(entry.after or {}).get('crm_record_id')}."


ASC_HISTORY = ServiceHistory(
    noun="referral", recipient="the referrer", stages=STAGES,
    actors={"referrer (reply link)": "The referrer", "public-referral-form": "The online referral form",
            "crm-connector": "The council's case management system"},
    sentences={
        "REFERRAL_RECEIVED": _received, "SCREENED": _screened, "STAGE_CHANGED": _moved, "REFERRER_ASKED": _asked,
        "REFERRER_ANSWERED": _answered, "NO_REPLY": _no_reply, "WAITING_FOR_SCREENING": _waiting, "CRM_RECORD_OPENED": _crm,
    },
)
