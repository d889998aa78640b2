"""Emails to the person who made an adult social care referral: that it arrived, a question about it, and what was
decided. Plain English in GOV.UK style, built from council config and the case. Pure domain: no AWS here; the core
email adapter (shared/core/adapters/email.py) sends the EmailMessage.

Wording lives in REFERRER_EMAILS, the service's catalogue: one template per ReferralEmail, with string.Template
placeholders (REFERRER_FIELDS). Parts that depend on the case (the online answer, the support listed, why a referral
was closed) are worked out here and filled in as whole paragraphs. A council's own wording is a config change
(`services.asc-triage.email_templates`, keyed by kind, checked when the councils are loaded).

Every email goes to the referrer's own address, when they gave one. A referrer who gave only a mobile number gets a
short text message instead where the council sends them (GOV.UK Notify with a text message template); otherwise, or
for a landline, the team phones them (the case history says nothing was sent). A Welsh council writes in Welsh and
English, Welsh first (welsh_notifications.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from shared.core.domain.council import CouncilConfig
from shared.core.domain.email import (
    COUNCIL_PLACEHOLDERS, EmailCatalogue, contact_footer, EmailMessage, EmailTemplate, council_fields, welsh_council_fields,
)
from shared.core.domain.notify import TextMessage
from shared.services.asc_triage.domain.business_hours import LONDON
from shared.services.asc_triage.domain.case import ReferralCase
from shared.services.asc_triage.domain.settings import triage_settings
from shared.services.asc_triage.domain.signposting import DirectoryEntry
from shared.services.asc_triage.domain.welsh_notifications import (
    WELSH_TEMPLATES, welsh_closed_because, welsh_day, welsh_day_and_time, welsh_support, welsh_team_name,
)


class ReferralEmail(StrEnum):
    RECEIVED = "REFERRAL_RECEIVED"
    QUESTION = "REFERRAL_QUESTION"  # the screening officer's question, with the single-use reply link
    ROUTED = "REFERRAL_ROUTED"
    SIGNPOSTED = "REFERRAL_SIGNPOSTED"
    CLOSED = "REFERRAL_CLOSED"


# Every placeholder a template may use; those a kind does not need are empty.
REFERRER_FIELDS = (
    "referrer_name",
    "person",  # the adult the referral is about
    "reference",
    *COUNCIL_PLACEHOLDERS,
    "routing_due",  # e.g. "6:15pm on Monday 23 November 2026": when the referral should be screened
    "question",  # the screening officer's question
    "reply_url",  # the referrer's single-use link to answer it
    "reply_by",  # e.g. "21 December 2026"
    "reply_online",  # a paragraph offering that link, by that date (ends with a blank line); empty without one
    "by_reply_date",  # " by 21 December 2026", or empty without a date
    "team_name",  # the team the referral was passed to
    "support",  # the services listed, or an offer to talk it through (a paragraph ending with a blank line)
    "closed_because",  # why the referral was closed: one sentence
)

_FOOTER = contact_footer("Please quote the reference $reference.")

_LOOK_AGAIN = "If their needs change, or you think we have got this wrong, contact us and we will look again.\n"

DEFAULT_TEMPLATES = {
    ReferralEmail.RECEIVED: EmailTemplate(
        subject="We have received your referral - reference $reference",
        body="""Dear $referrer_name,

We have received your referral to adult social care for $person. The reference is $reference.

Someone from our team will read it and decide what happens next. We aim to do this by $routing_due. We will email you when we have.

If you think someone is in immediate danger, call 999.
""" + _FOOTER,
    ),
    ReferralEmail.QUESTION: EmailTemplate(
        subject="We need more information about your referral - reference $reference",
        body="""Dear $referrer_name,

We need more information before we can decide what happens with your referral for $person.

Our question:
$question

${reply_online}You can also call us on $council_phone.

If we do not hear from you${by_reply_date}, we will decide using the information we already have.
""" + _FOOTER,
    ),
    ReferralEmail.ROUTED: EmailTemplate(
        subject="We have passed your referral to our $team_name team - reference $reference",
        body="""Dear $referrer_name,

We have read your referral for $person and passed it to our $team_name team.

They will contact $person to talk about what support they need.
""" + _FOOTER,
    ),
    ReferralEmail.SIGNPOSTED: EmailTemplate(
        subject="Support for $person in the community - reference $reference",
        body="""Dear $referrer_name,

We have read your referral for $person. We think support in the community is the best help for them at the moment.

${support}""" + _LOOK_AGAIN + _FOOTER,
    ),
    ReferralEmail.CLOSED: EmailTemplate(
        subject="We have closed your referral - reference $reference",
        body="""Dear $referrer_name,

We have read your referral for $person and closed it. $closed_because

""" + _LOOK_AGAIN + _FOOTER,
    ),
}

REFERRER_EMAILS = EmailCatalogue(templates=DEFAULT_TEMPLATES, placeholders=REFERRER_FIELDS, welsh=WELSH_TEMPLATES)

# A UK mobile number (the only kind a text message reaches), however it was typed.
_UK_MOBILE = re.compile(r"^(?:\+?44|0)7\d{9}$")


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


def _signpost(entry: DirectoryEntry) -> str:
    ways = [f"Phone: {entry.phone}" if entry.phone else None, f"Email: {entry.email}" if entry.email else None,
            f"Website: {entry.web}" if entry.web else None]
    return "\n".join([entry.organisation, entry.description, *(way for way in ways if way)])


def _support(signposts: Iterable[DirectoryEntry]) -> str:
    listed = "\n\n".join(_signpost(entry) for entry in signposts)
    if listed:
        return f"These services can help:\n\n{listed}\n\n"
    return "Call us and we will talk through the support available in the community.\n\n"


def _closed_because(case: ReferralCase, person: str) -> str:
    if case.screening is not None and case.screening.linked_case_id is not None:
        return f"{person} is already known to us, so we have added your referral to their existing record."
    return "We will not be taking any further action."


def referrer_email(
    kind: ReferralEmail, council: CouncilConfig, case: ReferralCase, *, team_name: str | None = None,
    question: str | None = None, reply_url: str | None = None, reply_by: datetime | None = None,
    signposts: Iterable[DirectoryEntry] = (),
) -> EmailMessage | TextMessage | None:
    """The email of `kind` to the referrer, in the council's wording (a Welsh council's: Welsh, then English); without
    an email address, a text message to their mobile saying the same in a line, with the council's phone number; None
    when they gave neither."""
    referrer = case.application.referrer
    mobile = _mobile(referrer.phone)
    if referrer.email is None and mobile is None:
        return None
    person, contact = _person(case), council.contact
    fields = {
        "referrer_name": referrer.name,
        "person": person,
        "reference": case.reference,
        **council_fields(council),
        "routing_due": _day_and_time(case.routing_due),
        "question": question or "",
        "reply_url": reply_url or "",
        "reply_by": _day(reply_by) if reply_by else "",
        "reply_online": (f"Answer online by {_day(reply_by)}:\n{reply_url}\n\nThe link works once.\n\n"
                         if reply_url and reply_by else ""),
        "by_reply_date": f" by {_day(reply_by)}" if reply_by else "",
        "team_name": team_name or "",
        "support": _support(signposts) if kind is ReferralEmail.SIGNPOSTED else "",
        "closed_because": _closed_because(case, person) if kind is ReferralEmail.CLOSED else "",
    }
    welsh = None
    if council.in_wales:  # the parts worked out here, in Welsh; the rest as held
        linked = case.screening is not None and case.screening.linked_case_id is not None
        welsh = fields | welsh_council_fields(council) | {
            "team_name": welsh_team_name(council, team_name or ""),
            "routing_due": welsh_day_and_time(case.routing_due),
            "reply_by": welsh_day(reply_by) if reply_by else "",
            "reply_online": (f"Atebwch ar-lein erbyn {welsh_day(reply_by)}:\n{reply_url}\n\nMae'r ddolen yn gweithio unwaith.\n\n"
                             if reply_url and reply_by else ""),
            "by_reply_date": f" erbyn {welsh_day(reply_by)}" if reply_by else "",
            "support": welsh_support(signposts) if kind is ReferralEmail.SIGNPOSTED else "",
            "closed_because": welsh_closed_because(person, linked) if kind is ReferralEmail.CLOSED else "",
        }
    settings = triage_settings(council)
    subject, body = REFERRER_EMAILS.render(kind, fields, settings.email_templates, welsh_fields=welsh,
                                           welsh_overrides=settings.welsh_email_templates)
    if referrer.email is None:
        return TextMessage(to=mobile, body_text=referrer_text(subject, fields, welsh=council.in_wales, welsh_name=council.welsh_name))
    return EmailMessage(to=referrer.email, reply_to=str(contact.email), sender=str(contact.email),
                        subject=subject, body_text=body)


def _mobile(phone: str | None) -> str | None:
    digits = re.sub(r"[\s()-]", "", phone or "")
    return digits if _UK_MOBILE.match(digits) else None


def referrer_text(subject: str, fields: dict[str, str], *, welsh: bool, welsh_name: str | None = None) -> str:
    """A text message stands in for an email in a line: the council's name (Welsh first where it has a Welsh name), its
    subject (bilingual already for a Welsh council), and the council's number to call about it."""
    call = f"Ffoniwch {fields['council_phone']} amdano. Call {fields['council_phone']} about it." if welsh \
        else f"Call {fields['council_phone']} about it."
    name = f"{welsh_name} / {fields['council_name']}" if welsh and welsh_name else fields["council_name"]
    return f"{name}: {subject}. {call}"
