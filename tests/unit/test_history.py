"""A case's history in words: the engine's sentences, each service's own, who did it, merged repeats, and emails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.core.domain.case import AuditEntry
from shared.core.domain.email import EmailMessage
from shared.core.domain.history import readable_history
from shared.core.logic.emails import send_and_record
from shared.services.asc_triage.domain.history import ASC_HISTORY
from shared.services.blue_badge.domain.history import BLUE_BADGE_HISTORY

AT = datetime(2026, 12, 3, 14, 15, tzinfo=UTC)
TEAMS = {"bb-team": "Blue Badge team", "front-door": "Front door team"}


def entry(action: str, before: dict | None = None, actor: str = "user:jo@council.gov.uk", at: datetime = AT, **after) -> AuditEntry:
    return AuditEntry(case_id="NORTHSHIRE-261203-ABCDEF", at=at, actor=actor, action=action, before=before, after=after or None)


def said(audit: AuditEntry, service=BLUE_BADGE_HISTORY) -> str:
    [line] = readable_history([audit], service, TEAMS)
    return line.what


@pytest.mark.parametrize(("audit", "sentence"), [
    (entry("STAGE_CHANGED", {"stage": "PROOF_CHECK"}, stage="DECISION"), "The case moved from proof check to decision."),
    (entry("TASK_RENEWED", {"stage": "DECISION"}, stage="DECISION"),
     "The case is still at decision: the system is waiting for someone to act again."),
    (entry("ASSIGNED", {"assignee": None}, assignee="jo@council.gov.uk"), "Took the case."),
    (entry("ASSIGNED", {"assignee": "sam@council.gov.uk"}, assignee="jo@council.gov.uk"), "Took the case from sam@council.gov.uk."),
    (entry("ASSIGNED", {"assignee": None}, assignee="sam@council.gov.uk"), "Gave the case to sam@council.gov.uk."),
    (entry("ASSIGNED", {"assignee": "jo@council.gov.uk"}, assignee=None), "Released the case: nobody is working on it."),
    (entry("PRIORITY_CHANGED", {"priority": 50}, priority=90), "Changed the priority from 50 to 90 (out of 100)."),
    (entry("REFERRED", {"referred_to": None}, referred_to="al@council.gov.uk"), "Referred the case to al@council.gov.uk to assess."),
    (entry("REFERRED", {"referred_to": "al@council.gov.uk"}, referred_to=None), "Withdrew the referral to al@council.gov.uk."),
    (entry("MOVED_TO_TEAM", {"team": "bb-team"}, team="front-door"), "Moved the case to Front door team from Blue Badge team."),
    (entry("NOTE_ADDED", length=12), "Added a note."),
    (entry("WORKFLOW_RESTARTED", execution="x", resume_at="the start", reason="The printer was down"),
     "Restarted the case's workflow. The reason given: The printer was down"),
    (entry("WORKFLOW_RESUMED", step="DECIDED", recorded_at="2026-12-02T10:00:00+00:00"),
     "Passed a step recorded on 2 December 2026 on to the workflow, which had not taken it."),
    (entry("NEEDS_ATTENTION", reason="Order failed: no badge numbers left"),
     "Flagged the case as needing attention: Order failed: no badge numbers left"),
    (entry("WAIT_ESCALATED", stage="DECISION", reason="..."),
     "Flagged the case for a team leader: nobody acted at decision in the time allowed."),
    (entry("NOTIFICATION_NOT_SENT", kind="RECEIVED", reason="no email address: write to them"),
     "Could not email the applicant: no email address: write to them."),
    (entry("NOTIFICATION_FAILED", kind="RECEIVED", delivered=False, error="MessageRejected: unverified", subject="Received"),
     "The email “Received” to the applicant could not be sent. The error: MessageRejected: unverified"),
    (entry("PERSONAL_DATA_EXPORTED", cases=["A"]), "Exported the person's data for a subject access request."),
    (entry("ERASURE_REQUESTED", erasure_request="r", reason="PERSON_ASKED"),
     "Asked for the person's data to be erased. The person asked for their data to be erased."),
    (entry("ERASED", reason="RETENTION_PERIOD_ENDED"), "Erased the personal data of this case. The time it is kept for had ended."),
])
def test_the_engine_words_its_own_actions(audit, sentence):
    assert said(audit) == sentence


@pytest.mark.parametrize(("audit", "sentence"), [
    (entry("CASE_OPENED", stage="RECEIVED", missing=["PHOTO"], note="keyed in from a paper application"),
     "Application received (keyed in from a paper application). Missing: a recent passport-style photo of the badge holder."),
    (entry("INFORMATION_REQUESTED", missing=["PHOTO", "PROOF_OF_ADDRESS"], due="2027-01-03T12:00:00+00:00"),
     "Asked the applicant for a recent passport-style photo of the badge holder and proof of address, by 3 January 2027."),
    (entry("INFORMATION_ASKED_FOR", stage="AWAITING_INFORMATION", missing=["PROOF_OF_ADDRESS"], notes={}),
     "Sent the case back to the applicant for proof of address."),
    (entry("INFORMATION_SUPPLIED", {"missing": ["PHOTO"]}, missing=[], changed=["contact"], evidence_added=["PHOTO"]),
     "The applicant replied: changed 1 answer and added 1 document. Nothing is missing now."),
    (entry("PROOF_CHECKED", proof_check={"confirmed": False, "notes": None, "by": "jo", "at": "2026-12-03T14:15:00Z"}),
     "Checked the proof of eligibility: it does not show the criterion is met."),
    (entry("ASSESSED", assessment={"outcome": "NOT_ELIGIBLE", "summary": "s"}), "Assessed the applicant as not eligible."),
    (entry("DECIDED", decision={"outcome": "REFUSE", "reasons": ["Not enough points"], "order": None}),
     "Refused the application. The reasons: Not enough points."),
    (entry("DECIDED", decision={"outcome": "APPROVE", "reasons": [], "order": {"start_date": None, "deliver_to": "COUNCIL"}}),
     "Approved the application: the badge is to be ordered to collect from the council."),
    (entry("PAYMENT_RECORDED", payment={"amount_pence": 1000, "reference": "PAY-1", "paid": True, "method": "card"}),
     "Recorded a payment of £10.00 by card (reference PAY-1)."),
    (entry("REVIEW_REQUESTED", review={"grounds": "My walking is worse."}),
     "Recorded the applicant's request for a review of the refusal. Their grounds: My walking is worse."),
    (entry("REVIEWED", review={"outcome": "OVERTURN"}), "Reviewed the refusal and overturned it: the badge is to be ordered."),
    (entry("REVIEWED", review={"outcome": "UPHOLD", "reasons": ["No new evidence"]}),
     "Reviewed the refusal and upheld it: the application stays refused. The reasons: No new evidence."),
    (entry("BADGE_ORDERED", badges=["AB12CD", "EF34GH"], start_date="2026-12-10", expiry_date="2029-12-09", batch_type="LA",
           replaces="ZZ99ZZ"),
     ("Ordered badges AB12CD and EF34GH, valid from 10 December 2026 to 9 December 2029, to be sent to the council for the holder "
      "to collect. It replaces badge ZZ99ZZ.")),
    (entry("BADGE_CANCELLED", {"badge": "AB12CD", "status": "ISSUED"}, status="CANCELLED", reason="DECEASE"),
     "Cancelled badge AB12CD: the holder has died."),
    (entry("BADGE_REORDERED", {"badge": "AB12CD"}, status="ORDERED", corrected=True), "Ordered badge AB12CD again with corrected details."),
    (entry("PRINT_SKIPPED", badge="AB12CD", batch="b", reason="The photo is missing."),
     "Left badge AB12CD out of the print batch: The photo is missing."),
    (entry("BADGE_PROCESSED", {"badge": "AB12CD"}, status="PROCESSED", batch="b", file="f.xml"), "Sent badge AB12CD to the printer."),
    (entry("BADGE_ISSUED", {"badge": "AB12CD"}, status="ISSUED", dispatched_on="2026-12-05", file="f.xml"),
     "The printer dispatched badge AB12CD on 5 December 2026."),
    (entry("BADGE_REJECTED", {"badge": "AB12CD"}, status="REJECT", reason="Photo unreadable.", file="f.xml"),
     "The printer did not print badge AB12CD: Photo unreadable."),
    (entry("REMINDER_SENT", due="2027-01-03T12:00:00+00:00"), "Reminded the applicant that the information is due by 3 January 2027."),
    (entry("NOTIFICATION_SENT", kind="BADGE_FOR_COLLECTION", subject="Badge to collect", body="Hand it over."),
     "Emailed the council's Blue Badge team “Badge to collect”."),
])
def test_blue_badge_words_its_own_steps(audit, sentence):
    assert said(audit) == sentence


@pytest.mark.parametrize(("audit", "sentence"), [
    (entry("REFERRAL_RECEIVED", recommendation="URGENT", team="front-door", routing_due="2026-12-04T12:00:00+00:00",
           question_set_version=1),
     "Referral received. Triage recommends: urgent. For Front door team to route by 4 December 2026."),
    (entry("SCREENED", outcome="ROUTE", recommendation="SUPPORT_NEEDS", overrides_recommendation=True, team="front-door"),
     "Screened the referral: route it to Front door team, overriding the recommendation (support needs)."),
    (entry("SCREENED", outcome="CLOSE", recommendation="SUPPORT_NEEDS", overrides_recommendation=True, linked_case_id="X-1"),
     "Screened the referral: close it, linked to case X-1, overriding the recommendation (support needs)."),
    (entry("SCREENED", outcome="ASK_REFERRER", recommendation="LIKELY_ELIGIBLE", overrides_recommendation=False),
     "Screened the referral: ask the referrer for more information."),
    (entry("STAGE_CHANGED", {"stage": "SCREENING"}, stage="ROUTED", team="front-door"), "Routed the referral to Front door team."),
    (entry("STAGE_CHANGED", {"stage": "SCREENING"}, stage="SIGNPOSTED", signposts=["a", "b"]),
     "Signposted the person to 2 community services."),
    (entry("STAGE_CHANGED", {"stage": "SCREENING"}, stage="CLOSED", linked_case_id=None), "Closed the referral: no further action."),
    (entry("STAGE_CHANGED", {"stage": "RECEIVED"}, stage="SCREENING"), "The referral moved from received to screening."),
    (entry("REFERRER_ASKED", {"stage": "SCREENING"}, stage="AWAITING_INFORMATION", due="2026-12-10T17:00:00+00:00"),
     "Asked the referrer for more information, by 10 December 2026."),
    (entry("REFERRER_ANSWERED", {"stage": "AWAITING_INFORMATION"}, answer_length=40), "The referrer answered the question."),
    (entry("NO_REPLY", stage="SCREENING", note="The referrer did not answer by 10 December 2026: decide with what the referral says"),
     "The referrer did not answer by 10 December 2026: decide with what the referral says."),
    (entry("WAITING_FOR_SCREENING", {"stage": "SCREENING"}, stage="SCREENING"), "The referral is still waiting for screening."),
    (entry("CRM_RECORD_OPENED", crm_record_id="CRM-42"), "The council's case management system opened record CRM-42."),
    (entry("NOTIFICATION_SENT", kind="REFERRAL_RECEIVED", subject="Referral received", body="Thank you."),
     "Emailed the referrer “Referral received”."),
])
def test_adult_social_care_words_its_own_steps(audit, sentence):
    assert said(audit, ASC_HISTORY) == sentence


@pytest.mark.parametrize(("actor", "who"), [
    ("user:jo@council.gov.uk", "jo@council.gov.uk"), ("event:casework.intake", "The online application service"),
    ("workflow", "The system"), ("notifications", "The system"), ("workflow resume sweeper", "The system"),
    ("applicant (reply link)", "The applicant"), ("print-supplier", "The print supplier"),
])
def test_who_did_it_is_a_person_by_their_email_or_a_name_in_words(actor, who):
    [line] = readable_history([entry("NOTE_ADDED", actor=actor)], BLUE_BADGE_HISTORY, TEAMS)
    assert line.who == who


def test_the_history_is_newest_first_without_views_and_a_repeat_within_a_second_is_one_line():
    moved = entry("STAGE_CHANGED", {"stage": "RECEIVED"}, actor="workflow", stage="SCREENING")
    again = moved.model_copy(update={"at": AT + timedelta(milliseconds=300)})
    later = moved.model_copy(update={"at": AT + timedelta(seconds=5)})
    viewed = entry("CASE_VIEWED", at=AT + timedelta(seconds=1))
    noted = entry("NOTE_ADDED", at=AT + timedelta(seconds=2))
    lines = readable_history([noted, moved, viewed, again, later], BLUE_BADGE_HISTORY, TEAMS)
    assert [(line.at, line.what) for line in lines] == [
        (later.at, "The case moved from received to screening."), (noted.at, "Added a note."),
        (moved.at, "The case moved from received to screening.")]


def test_an_email_sent_is_recorded_with_its_text_and_shown_in_full():
    class Sender:
        def send(self, message: EmailMessage) -> str:
            return "ses-message-id"

    class Store:
        def __init__(self) -> None:
            self.audits: list[AuditEntry] = []

        def append_audit(self, audit: AuditEntry) -> None:
            self.audits.append(audit)

    store, case = Store(), type("Case", (), {"case_id": "NORTHSHIRE-261203-ABCDEF", "council_code": "NORTHSHIRE", "service": "blue-badge"})()
    message = EmailMessage(to="ada@example.com", reply_to="bb@council.gov.uk", sender="bb@council.gov.uk",
                           subject="Your badge", body_text="Dear Ada,\n\nYour badge is on its way.")
    send_and_record(Sender(), store, case, "BADGE_ORDERED", message, "phone them", AT)
    [audit] = store.audits
    assert audit.after["body"] == message.body_text and "to" not in audit.after
    [line] = readable_history(store.audits, BLUE_BADGE_HISTORY, TEAMS)
    assert (line.who, line.what) == ("The system", "Emailed the applicant “Your badge”.")
    assert (line.email_subject, line.email_body) == ("Your badge", message.body_text)
