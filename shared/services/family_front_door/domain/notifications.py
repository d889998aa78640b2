"""Emails to the partner who sent a contact: that it arrived (with its reference), that the team asks for more (the
question waits in the portal), a reminder, and the outcome with the team's reply and the council's threshold guidance.
Plain English in GOV.UK style, built from council config and the case. Pure domain: the core email adapter sends the
EmailMessage.

Wording lives in REFERRER_EMAILS, one template per ContactEmail with string.Template placeholders (REFERRER_FIELDS); a
council's own wording is a config change (`services.family-front-door.email_templates`, checked when the councils are
loaded). Nothing about the child beyond their name goes into an email: the detail stays behind the portal's sign-in.
A Welsh council writes in Welsh and English, Welsh first (welsh_notifications.py).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from shared.core.domain.business_hours import LONDON
from shared.core.domain.council import CouncilConfig
from shared.core.domain.email import (
    COUNCIL_PLACEHOLDERS, EmailCatalogue, EmailMessage, EmailTemplate, contact_footer, council_fields, welsh_council_fields,
)
from shared.resources import PORTAL_PATH
from shared.services.family_front_door.domain.case import OUTCOME_NAMES, ContactCase
from shared.services.family_front_door.domain.settings import front_door_settings
from shared.services.family_front_door.domain.welsh_notifications import WELSH_TEMPLATES, welsh_fields


class ContactEmail(StrEnum):
    RECEIVED = "CONTACT_RECEIVED"
    QUESTION = "CONTACT_QUESTION"  # the team's question, waiting in the portal
    REMINDER = "CONTACT_QUESTION_REMINDER"
    OUTCOME = "CONTACT_OUTCOME"  # the team's decision and reply, with the threshold guidance


REFERRER_FIELDS = (
    "referrer_name",
    "child",  # the child's name, as the referrer gave it
    "reference",
    *COUNCIL_PLACEHOLDERS,
    "respond_by",  # e.g. "11am on Monday 23 November 2026": the level of need's response target
    "portal_url",  # the submission's page in the portal (sign-in needed)
    "answer_by",  # e.g. "11am on Thursday 26 November 2026"
    "outcome",  # e.g. "Referred to children's social care"
    "reply",  # the team's reply to the referrer
    "threshold_guidance_url",
)

_FOOTER = contact_footer("Please quote the reference $reference.")
_DANGER = "If a child is in immediate danger, call 999.\n"

DEFAULT_TEMPLATES = {
    ContactEmail.RECEIVED: EmailTemplate(
        subject="We have received your contact about $child - reference $reference",
        body="""Dear $referrer_name,

We have received what you sent to the Family Front Door about $child. The reference is $reference.

Our team will look at it and respond by $respond_by. You can see its progress in the portal:
$portal_url

""" + _DANGER + _FOOTER,
    ),
    ContactEmail.QUESTION: EmailTemplate(
        subject="We need more information about $child - reference $reference",
        body="""Dear $referrer_name,

Our Family Front Door team needs more information before deciding what happens next for $child.

Sign in to the portal to read our question and answer it by $answer_by:
$portal_url

If we do not hear from you by then, we will decide using the information we already have.

""" + _DANGER + _FOOTER,
    ),
    ContactEmail.REMINDER: EmailTemplate(
        subject="Reminder: we need more information about $child - reference $reference",
        body="""Dear $referrer_name,

We are still waiting for your answer to our question about $child. Please answer it in the portal by $answer_by:
$portal_url

""" + _DANGER + _FOOTER,
    ),
    ContactEmail.OUTCOME: EmailTemplate(
        subject="Outcome of your contact about $child - reference $reference",
        body="""Dear $referrer_name,

Our Family Front Door team has decided what happens next for $child.

Outcome: $outcome

$reply

You can read how we decide the level of need in our threshold guidance:
$threshold_guidance_url

If the child's circumstances change, or you are still worried, contact us again.

""" + _DANGER + _FOOTER,
    ),
}

REFERRER_EMAILS = EmailCatalogue(templates=DEFAULT_TEMPLATES, placeholders=REFERRER_FIELDS, welsh=WELSH_TEMPLATES)


def portal_submission_path(case_id: str) -> str:
    """The submission's page in the partner portal (web/pages/portal*.py serves it)."""
    return f"{PORTAL_PATH}/submissions/{case_id}"


def _day_and_time(moment: datetime) -> str:
    local = moment.astimezone(LONDON)
    hour = local.strftime("%I:%M%p").lstrip("0").lower().replace(":00", "")
    return f"{hour} on {local:%A} {local.day} {local:%B %Y}"


def referrer_email(kind: ContactEmail, council: CouncilConfig, case: ContactCase, base_url: str | None) -> EmailMessage:
    """The email of `kind` to the partner who sent the contact, in the council's wording (a Welsh council's: Welsh,
    then English)."""
    submitter, settings = case.application.submitter, front_door_settings(council)
    question = case.information_requests[-1] if case.information_requests else None
    outcome = case.outcome
    fields = {
        "referrer_name": submitter.name,
        "child": case.application.child.full_name,
        "reference": case.reference,
        **council_fields(council),
        "respond_by": _day_and_time(case.response_due),
        "portal_url": (base_url or "").rstrip("/") + portal_submission_path(case.case_id),
        "answer_by": _day_and_time(question.due) if question is not None and question.due else "",
        "outcome": OUTCOME_NAMES[outcome.outcome] if outcome else "",
        "reply": outcome.reply if outcome else "",
        "threshold_guidance_url": str(settings.threshold_guidance_url),
    }
    welsh = None
    if council.in_wales:  # the parts worked out here, in Welsh; the team's reply as written
        welsh = fields | welsh_council_fields(council) | welsh_fields(
            case.response_due, question.due if question is not None else None, outcome.outcome if outcome else None)
    subject, body = REFERRER_EMAILS.render(kind, fields, settings.email_templates, welsh_fields=welsh,
                                           welsh_overrides=settings.welsh_email_templates)
    contact = council.contact
    return EmailMessage(to=submitter.email, reply_to=str(contact.email), sender=str(contact.email), subject=subject,
                        body_text=body)
