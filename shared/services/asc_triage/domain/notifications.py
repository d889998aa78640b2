"""Emails to the person who made an adult social care referral: that it arrived, a question about it, and what was
decided. Plain English in GOV.UK style, built from council config and the case. Pure domain: no AWS here; the core
email adapter (shared/core/adapters/email.py) sends the EmailMessage.

Every email goes to the referrer's own address, and only when they gave one: a referrer who gave only a phone number
is phoned by the team (the case history says no email was sent).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from shared.core.domain.council import CouncilConfig, Nation
from shared.services.asc_triage.domain.business_hours import LONDON
from shared.services.asc_triage.domain.case import ReferralCase
from shared.services.asc_triage.domain.signposting import DirectoryEntry

# EmailMessage is service-neutral in shape; it lives with Blue Badge's emails until the core holds it.
from shared.core.domain.email import WELSH_VERSION_NOTE
from shared.core.domain.email import EmailMessage


class ReferralEmail(StrEnum):
    RECEIVED = "REFERRAL_RECEIVED"
    QUESTION = "REFERRAL_QUESTION"  # the screening officer's question, with the single-use reply link
    ROUTED = "REFERRAL_ROUTED"
    SIGNPOSTED = "REFERRAL_SIGNPOSTED"
    CLOSED = "REFERRAL_CLOSED"


def _day(moment: datetime) -> str:
    local = moment.astimezone(LONDON)
    return f"{local.day} {local:%B %Y}"


def _day_and_time(moment: datetime) -> str:
    local = moment.astimezone(LONDON)
    hour = local.strftime("%I:%M%p").lstrip("0").lower().replace(":00", "")
    return f"{hour} on {local:%A} {_day(local)}"


def _person(case: ReferralCase) -> str:
    adult = case.application.adult
    return f"{adult.given_name} {adult.family_name}"


def _footer(council: CouncilConfig, case: ReferralCase) -> str:
    contact = council.contact
    return (f"\nIf you have any questions, contact {council.name}:\nPhone: {contact.phone}\nEmail: {contact.email}\n"
            f"Website: {contact.web}\n\nPlease quote the reference {case.reference}.\n\n{council.name}\n")


def _signpost(entry: DirectoryEntry) -> str:
    ways = [f"Phone: {entry.phone}" if entry.phone else None, f"Email: {entry.email}" if entry.email else None,
            f"Website: {entry.web}" if entry.web else None]
    return "\n".join([entry.organisation, entry.description, *(way for way in ways if way)])


def referrer_email(
    kind: ReferralEmail, council: CouncilConfig, case: ReferralCase, *, team_name: str | None = None,
    question: str | None = None, reply_url: str | None = None, reply_by: datetime | None = None,
    signposts: Iterable[DirectoryEntry] = (),
) -> EmailMessage | None:
    """The email of `kind` to the referrer; None when they gave no email address."""
    referrer = case.application.referrer
    if referrer.email is None:
        return None
    person, reference = _person(case), case.reference
    match kind:
        case ReferralEmail.RECEIVED:
            subject = f"We have received your referral - reference {reference}"
            body = (f"We have received your referral to adult social care for {person}. The reference is {reference}.\n\n"
                    f"Someone from our team will read it and decide what happens next. We aim to do this by "
                    f"{_day_and_time(case.routing_due)}. We will email you when we have.\n\n"
                    "If you think someone is in immediate danger, call 999.\n")
        case ReferralEmail.QUESTION:
            subject = f"We need more information about your referral - reference {reference}"
            online = (f"Answer online by {_day(reply_by)}:\n{reply_url}\n\nThe link works once.\n\n"
                      if reply_url and reply_by else "")
            by_then = f" by {_day(reply_by)}" if reply_by else ""
            body = (f"We need more information before we can decide what happens with your referral for {person}.\n\n"
                    f"Our question:\n{question}\n\n{online}You can also call us on {council.contact.phone}.\n\n"
                    f"If we do not hear from you{by_then}, we will decide using the information we already have.\n")
        case ReferralEmail.ROUTED:
            subject = f"We have passed your referral to our {team_name} team - reference {reference}"
            body = (f"We have read your referral for {person} and passed it to our {team_name} team.\n\n"
                    f"They will contact {person} to talk about what support they need.\n")
        case ReferralEmail.SIGNPOSTED:
            subject = f"Support for {person} in the community - reference {reference}"
            listed = "\n\n".join(_signpost(entry) for entry in signposts)
            support = (f"These services can help:\n\n{listed}\n\n" if listed else
                       "Call us and we will talk through the support available in the community.\n\n")
            body = (f"We have read your referral for {person}. We think support in the community is the best help for "
                    f"them at the moment.\n\n{support}"
                    "If their needs change, or you think we have got this wrong, contact us and we will look again.\n")
        case ReferralEmail.CLOSED:
            subject = f"We have closed your referral - reference {reference}"
            linked = case.screening is not None and case.screening.linked_case_id is not None
            why = (f"{person} is already known to us, so we have added your referral to their existing record."
                   if linked else "We will not be taking any further action.")
            body = (f"We have read your referral for {person} and closed it. {why}\n\n"
                    "If their needs change, or you think we have got this wrong, contact us and we will look again.\n")
    body = f"Dear {referrer.name},\n\n{body}{_footer(council, case)}"
    if council.nation is Nation.WLS:
        body = f"{WELSH_VERSION_NOTE}\n\n{body}"
    return EmailMessage(to=referrer.email, reply_to=str(council.contact.email), sender=str(council.contact.email),
                        subject=subject, body_text=body)
