"""Emails to applicants about their case (and to the council about a badge for collection): what each one says,
built from council config and the case. An applicant without an email address, or who asked for post, gets the same
text as a letter to the holder's (or organisation's) address: a council on GOV.UK Notify sends it, an SES council's
staff write it (the case history says so).

Pure domain: no AWS here. The adapter in shared/core/adapters/email.py sends an EmailMessage.

Wording lives in DEFAULT_TEMPLATES, one EmailTemplate per NotificationKind, written with
string.Template placeholders ($name, $case_reference, ...; see TEMPLATE_FIELDS); together they are
BLUE_BADGE_EMAILS, the service's catalogue. A council's own wording is a config change
(`services.blue-badge.email_templates`, keyed by kind, checked when the councils are loaded); kinds
it does not override keep the default wording.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum

from shared.services.blue_badge.domain.application import Party
from shared.core.domain.case import Case
from shared.services.blue_badge.domain.badge import DeliverTo
from shared.services.blue_badge.domain.case import REVIEW_WORKING_DAYS, Stage, approved_order
from shared.services.blue_badge.domain.completeness import MissingItem, postal_address
from shared.core.domain.council import CouncilConfig
from shared.core.domain.working_days import in_working_days
from shared.services.blue_badge.domain.settings import badge_settings
from shared.core.domain.email import (
    COUNCIL_PLACEHOLDERS, EmailCatalogue, contact_footer, EmailMessage, EmailTemplate, council_fields, welsh_council_fields, welsh_date,
)
from shared.core.domain.notify import Letter, LetterAddress
from shared.services.blue_badge.domain.welsh_notifications import (
    WELSH_DELIVERY, WELSH_MEDIUM_WORDS, WELSH_TEMPLATES, WELSH_UNNAMED_ADDRESSEE, welsh_missing_items, welsh_reasons,
    welsh_reply_online, welsh_working_days,
)


class NotificationKind(StrEnum):
    RECEIVED = "RECEIVED"
    INFORMATION_REQUESTED = "INFORMATION_REQUESTED"
    INFORMATION_REMINDER = "INFORMATION_REMINDER"
    WITHDRAWN = "WITHDRAWN"  # closed because the missing information did not arrive in time
    DECISION_APPROVED = "DECISION_APPROVED"
    DECISION_REFUSED = "DECISION_REFUSED"
    BADGE_ORDERED = "BADGE_ORDERED"
    APPROVED_AND_ORDERED = "APPROVED_AND_ORDERED"  # approved and ordered in one step (no fee to wait for): one email, not two
    REVIEW_UPHELD = "REVIEW_UPHELD"  # the review confirmed the refusal
    BADGE_POSTED = "BADGE_POSTED"  # the printer posted the badge to the holder's home
    BADGE_FOR_COLLECTION = "BADGE_FOR_COLLECTION"  # to the COUNCIL: the printer posted it a badge to hand over
    RENEWAL_REMINDER = "RENEWAL_REMINDER"  # the badge expires within 12 weeks: how to renew (domain/renewal.py)
    BADGE_CANCELLED = "BADGE_CANCELLED"  # a cancellation was carried out: the badge must not be used and goes back


# Kinds addressed to the council's own Blue Badge team (its contact email), not to the applicant.
COUNCIL_KINDS = frozenset({NotificationKind.BADGE_FOR_COLLECTION})


# Every placeholder a template may use. A council's override with any other fails config loading (and
# compose() raises KeyError), so a mistyped one never reaches an applicant as "$nmae".
TEMPLATE_FIELDS = (
    "name",  # who the email is addressed to: the organisation, or the contact / badge holder
    "case_reference",
    *COUNCIL_PLACEHOLDERS,
    "signpost_url",
    "reply_by",  # e.g. "23 December 2026"; empty when the kind does not need one
    "missing_items",  # one "- description" line per missing item
    "reasons",  # one "- reason" line per refusal reason
    "review_days",  # the review window in words: "20 working days"
    "badge_numbers",  # the badges concerned, comma-separated; empty when the kind is not about badges
    "dispatched_on",  # e.g. "21 November 2026": when the printer posted them; empty when the kind does not need one
    "expires_on",  # RENEWAL_REMINDER: when the badges expire, e.g. "14 January 2029"; else empty
    "reply_url",  # the applicant's single-use link to send missing information online; empty when there is none
    "reply_online",  # a paragraph offering that link (ends with a blank line); empty when there is none
    "delivery",  # BADGE_ORDERED, APPROVED_AND_ORDERED: how the badge reaches the holder (by post, or to collect); else empty
    # How the text reached the person, so that a letter does not say "email" (MEDIUM_WORDS):
    "contact_you",  # "email you", or in a letter "write to you"
    "reply_how",  # "reply to this email", or "write to us"
    "reply_how_capitalised",  # the same, starting a sentence
    "this_message",  # "this email", or "this letter"
)

UNNAMED_ADDRESSEE = "applicant"  # the application names nobody to write to

# The words that name the medium, for an email and for a letter.
MEDIUM_WORDS = {
    "email": {"contact_you": "email you", "reply_how": "reply to this email", "reply_how_capitalised": "Reply to this email",
              "this_message": "this email"},
    "letter": {"contact_you": "write to you", "reply_how": "write to us", "reply_how_capitalised": "Write to us",
               "this_message": "this letter"},
}


_FOOTER = contact_footer("Please quote your reference $case_reference.")

DEFAULT_TEMPLATES: Mapping[NotificationKind, EmailTemplate] = {
    NotificationKind.RECEIVED: EmailTemplate(
        subject="We have received your Blue Badge application - reference $case_reference",
        body="""Dear $name,

We have received your Blue Badge application. Your reference is $case_reference.

We will check your application and tell you if we need anything else from you.
We will $contact_you when we have made a decision.
""" + _FOOTER,
    ),
    NotificationKind.INFORMATION_REQUESTED: EmailTemplate(
        subject="We need more information for your Blue Badge application - reference $case_reference",
        body="""Dear $name,

We cannot make a decision on your Blue Badge application yet. We need:

$missing_items

Please send this to us by $reply_by.

${reply_online}You can $reply_how or call us on $council_phone.

If we do not get this information by $reply_by, we will close your application.
""" + _FOOTER,
    ),
    NotificationKind.INFORMATION_REMINDER: EmailTemplate(
        subject="Reminder: we still need information for your Blue Badge application - reference $case_reference",
        body="""Dear $name,

We are still waiting for information about your Blue Badge application. We need:

$missing_items

Please send this to us by $reply_by.

${reply_online}You can $reply_how or call us on $council_phone.

If we do not get this information by $reply_by, we will close your application.
""" + _FOOTER,
    ),
    NotificationKind.WITHDRAWN: EmailTemplate(
        subject="Your Blue Badge application has been closed - reference $case_reference",
        body="""Dear $name,

We have closed your Blue Badge application. This is because we did not get the information we asked for by $reply_by.

We did not make a decision on your application.

You can apply again at any time. Apply online at https://www.gov.uk/apply-blue-badge or contact us for a paper form.
You will need to send all the information and documents with your new application.
""" + _FOOTER,
    ),
    # Sent only when the fee is still to be paid before the order (approval_email); otherwise APPROVED_AND_ORDERED says both.
    NotificationKind.DECISION_APPROVED: EmailTemplate(
        subject="Your Blue Badge application has been approved - reference $case_reference",
        body="""Dear $name,

Your Blue Badge application has been approved.

We will order your badge once the badge fee is paid. If you have not paid it yet, we will contact you about how to pay.
We will $contact_you again when your badge has been ordered.
""" + _FOOTER,
    ),
    NotificationKind.DECISION_REFUSED: EmailTemplate(
        subject="Decision on your Blue Badge application - reference $case_reference",
        body="""Dear $name,

We are sorry, but we cannot give you a Blue Badge.

This is because:

$reasons

How to ask for a review
If you think our decision is wrong, you can ask us to look at it again. This is called a review.
Ask for a review within $review_days of the date of $this_message, by $reply_by.
$reply_how_capitalised or call us on $council_phone. Tell us why you think the decision is wrong and send any new evidence.

Other help
You may be able to get other help with parking and getting around. Find out more at $signpost_url
""" + _FOOTER,
    ),
    NotificationKind.APPROVED_AND_ORDERED: EmailTemplate(
        subject="Your Blue Badge application has been approved and your badge ordered - reference $case_reference",
        body="""Dear $name,

Your Blue Badge application has been approved, and we have ordered your badge. $delivery
""" + _FOOTER,
    ),
    NotificationKind.REVIEW_UPHELD: EmailTemplate(
        subject="The review of your Blue Badge decision - reference $case_reference",
        body="""Dear $name,

We have reviewed our decision on your Blue Badge application, as you asked. A different member of staff
looked at your application and everything you sent us again.

We are sorry, but the decision stays the same. This is because:

$reasons

You can apply again if your circumstances change.

Other help
You may be able to get other help with parking and getting around. Find out more at $signpost_url
""" + _FOOTER,
    ),
    NotificationKind.BADGE_ORDERED: EmailTemplate(
        subject="Your Blue Badge has been ordered - reference $case_reference",
        body="""Dear $name,

We have ordered your Blue Badge. $delivery
""" + _FOOTER,
    ),
    NotificationKind.BADGE_POSTED: EmailTemplate(
        subject="Your Blue Badge has been posted - reference $case_reference",
        body="""Dear $name,

Your Blue Badge has been printed and was posted to you on $dispatched_on. It should arrive within 5 working days.

Badge number: $badge_numbers

When it arrives, check the details on it are right. Contact us if anything on it is wrong, or if it has
not arrived within 2 weeks. Do not use a badge with the wrong details on it.
""" + _FOOTER,
    ),
    NotificationKind.RENEWAL_REMINDER: EmailTemplate(
        subject="Your Blue Badge expires on $expires_on - reference $case_reference",
        body="""Dear $name,

Your Blue Badge expires on $expires_on.

Badge number: $badge_numbers

If you still need a Blue Badge, apply to renew it now, so that your new badge can reach you before this one expires.
Apply online at https://www.gov.uk/apply-blue-badge or contact us for a paper form. You will need to send up-to-date
proof of eligibility, such as a benefit award letter, with your application.

You cannot use your badge after it expires. When it has expired, please return it to us.
""" + _FOOTER,
    ),
    # Domain notes, Badge lifecycle: "Badges must be returned when they expire, are cancelled or are replaced".
    NotificationKind.BADGE_CANCELLED: EmailTemplate(
        subject="Blue Badge $badge_numbers has been cancelled - reference $case_reference",
        body="""Dear $name,

We have cancelled Blue Badge $badge_numbers, as we were asked to.

The badge can no longer be used. Please return it to us, by post or at our offices.
""" + _FOOTER,
    ),
    # To the council's Blue Badge team: the wording is for staff, so no applicant footer.
    NotificationKind.BADGE_FOR_COLLECTION: EmailTemplate(
        subject="Blue Badge for collection posted to $council_name - case $case_reference",
        body="""Dear Blue Badge team,

The print supplier posted a Blue Badge to $council_name on $dispatched_on, for the applicant to collect.

Badge number: $badge_numbers
Case: $case_reference
Applicant: $name

When it arrives, contact the applicant to arrange collection. The case shows their contact details.

Casework platform (automatic message)
""",
    ),
}

BLUE_BADGE_EMAILS = EmailCatalogue(templates=DEFAULT_TEMPLATES, placeholders=TEMPLATE_FIELDS, welsh=WELSH_TEMPLATES)

_NEEDS_REPLY_BY = frozenset({NotificationKind.INFORMATION_REQUESTED, NotificationKind.INFORMATION_REMINDER, NotificationKind.WITHDRAWN,
                             NotificationKind.DECISION_REFUSED})  # a refusal: the last day to ask for a review
_NEEDS_DISPATCH = frozenset({NotificationKind.BADGE_POSTED, NotificationKind.BADGE_FOR_COLLECTION})
_NEEDS_MISSING = frozenset({NotificationKind.INFORMATION_REQUESTED, NotificationKind.INFORMATION_REMINDER})
# Emails that carry the applicant's single-use link to send the missing information online.
REPLY_LINK_KINDS = _NEEDS_MISSING

# The emails that say a badge was ordered; each follows the approval's order: a badge sent to the council is collected, not posted.
ORDER_KINDS = frozenset({NotificationKind.BADGE_ORDERED, NotificationKind.APPROVED_AND_ORDERED})
DELIVERY = {
    DeliverTo.HOME: "It will be printed and sent to you by post.\n\nContact us if it has not arrived within 3 weeks.",
    DeliverTo.COUNCIL: "It will be printed and sent to us for you to collect.\n\nWe will contact you when it is ready to collect.",
}

# The stages a case is approved at (a decision, or a review that overturns a refusal).
APPROVING_STAGES = frozenset({Stage.DECISION, Stage.REVIEW})

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def format_date(value: date) -> str:
    """GOV.UK style, e.g. "23 December 2026" (no leading zero; independent of the locale)."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def _reply_online(reply_url: str, reply_by: date | None) -> str:
    until = f", until {format_date(reply_by)}" if reply_by else ""
    return f"You can send it to us online:\n{reply_url}\nThis link is only for you. It works once{until}.\n\n"


def approval_email(fee_due: bool) -> NotificationKind | None:
    """Told when a case is approved: on its own only when the fee is still to be paid before the order (the order
    then comes later, with an email of its own); otherwise nothing yet - the order's email says both (ordered_email)."""
    return NotificationKind.DECISION_APPROVED if fee_due else None


def ordered_email(stage_before_order: Stage) -> NotificationKind:
    """Told when the badge is ordered: straight from the decision or review that approved it, one email says both;
    after a wait for the fee (the approval already told), only the order."""
    return NotificationKind.APPROVED_AND_ORDERED if stage_before_order in APPROVING_STAGES else NotificationKind.BADGE_ORDERED


def addressee(case: Case) -> str:
    """Who the email is addressed to: an organisation by its name, a person by the contact's or holder's name."""
    application = case.application
    if application.party is Party.ORG and application.organisation is not None:
        return application.organisation.name
    if application.contact is not None and application.contact.full_name:
        return application.contact.full_name
    holder = application.holder
    if holder is not None:
        name = " ".join(part for part in (holder.forenames, holder.surname) if part)
        if name:
            return name
    return UNNAMED_ADDRESSEE


def letter_address(case: Case) -> LetterAddress | None:
    """Where a letter about the case goes: the organisation's address, or the badge holder's, addressed as the email
    would be; None without a first line and a valid postcode (staff then phone)."""
    address = postal_address(case.application)
    if address is None:
        return None
    lines = tuple(line for line in (address.line1, address.line2, address.town) if line)
    return LetterAddress(name=addressee(case), lines=lines, postcode=address.postcode)


def compose(
    kind: NotificationKind,
    council: CouncilConfig,
    case: Case,
    *,
    missing: Iterable[MissingItem] = (),
    reasons: Iterable[str] = (),
    reply_by: date | None = None,
    badge_numbers: Iterable[str] = (),
    dispatched_on: date | None = None,
    reply_url: str | None = None,
    templates: Mapping[str, EmailTemplate] | None = None,
    expires_on: date | None = None,
) -> EmailMessage | Letter | None:
    """Build the email for one event on a case, in the council's wording (a Welsh council's: Welsh, then English).

    Returns a Letter with the same subject and text instead when the application has no contact email address, or the
    applicant asked for post (contact.by_post), and has a postal address (letter_address); None when it has neither (the
    caller records that nothing was sent). A kind in COUNCIL_KINDS goes to the council's contact email instead, so it is
    always built as an email.

    missing defaults to the case's own missing items; INFORMATION_REQUESTED and INFORMATION_REMINDER
    need at least one, and they and WITHDRAWN need reply_by. DECISION_REFUSED needs at least one
    reason (a refusal must give reasons) and reply_by (the last day to ask for a review). BADGE_POSTED and BADGE_FOR_COLLECTION need badge_numbers
    and dispatched_on, RENEWAL_REMINDER badge_numbers and expires_on, BADGE_CANCELLED badge_numbers. BADGE_ORDERED and APPROVED_AND_ORDERED need the case's approval (its order says how the badge comes). reply_url is the applicant's single-use link for INFORMATION_REQUESTED and
    INFORMATION_REMINDER (without one the email asks for a reply by email or phone only). templates overrides
    DEFAULT_TEMPLATES kind by kind (default: the council's own wording, its Blue Badge email_templates).
    Raises ValueError when a required input is missing, KeyError for an unknown template placeholder.
    """
    contact = case.application.contact
    email = str(contact.email) if contact is not None and contact.email else None
    address = None if kind in COUNCIL_KINDS or (email and not contact.by_post) else letter_address(case)
    to = str(council.contact.email) if kind in COUNCIL_KINDS else email  # asked for post with no address: emailed
    if to is None and address is None:
        return None

    missing_list = list(missing) or list(case.missing)
    reason_list = [reason.strip() for reason in reasons if reason and reason.strip()]
    if kind in _NEEDS_REPLY_BY and reply_by is None:
        raise ValueError(f"{kind.value} email needs a reply_by date")
    if kind in _NEEDS_MISSING and not missing_list:
        raise ValueError(f"{kind.value} email needs at least one missing item")
    if kind in (NotificationKind.DECISION_REFUSED, NotificationKind.REVIEW_UPHELD) and not reason_list:
        raise ValueError(f"{kind.value} email needs at least one reason")
    numbers = list(badge_numbers)
    if kind in _NEEDS_DISPATCH and (not numbers or dispatched_on is None):
        raise ValueError(f"{kind.value} email needs the badge numbers and the dispatch date")
    if kind is NotificationKind.RENEWAL_REMINDER and (not numbers or expires_on is None):
        raise ValueError(f"{kind.value} email needs the badge numbers and the expiry date")
    if kind is NotificationKind.BADGE_CANCELLED and not numbers:
        raise ValueError(f"{kind.value} email needs the badge number")

    settings = badge_settings(council)
    fields = {
        "name": addressee(case),
        "case_reference": case.case_id,
        **council_fields(council),
        "signpost_url": str(settings.signpost_url),
        "reply_by": format_date(reply_by) if reply_by else "",
        "missing_items": "\n".join(f"- {item.description}" for item in missing_list),
        "reasons": "\n".join(f"- {reason}" for reason in reason_list),
        "review_days": in_working_days(REVIEW_WORKING_DAYS),
        "badge_numbers": ", ".join(numbers),
        "dispatched_on": format_date(dispatched_on) if dispatched_on else "",
        "expires_on": format_date(expires_on) if expires_on else "",
        "reply_url": reply_url or "",
        "reply_online": _reply_online(reply_url, reply_by) if reply_url and kind in REPLY_LINK_KINDS else "",
        "delivery": DELIVERY[approved_order(case).deliver_to] if kind in ORDER_KINDS else "",
        **MEDIUM_WORDS["letter" if address is not None else "email"],
    }
    welsh = None
    if council.in_wales:  # the parts worked out here, in Welsh; what staff typed as written
        welsh = fields | welsh_council_fields(council) | {
            "name": WELSH_UNNAMED_ADDRESSEE if fields["name"] == UNNAMED_ADDRESSEE else fields["name"],
            "missing_items": welsh_missing_items(missing_list),
            "reasons": welsh_reasons(reason_list, settings.welsh_refusal_reasons),
            "reply_by": welsh_date(reply_by) if reply_by else "",
            "dispatched_on": welsh_date(dispatched_on) if dispatched_on else "",
            "expires_on": welsh_date(expires_on) if expires_on else "",
            "review_days": welsh_working_days(REVIEW_WORKING_DAYS),
            **WELSH_MEDIUM_WORDS["letter" if address is not None else "email"],
            "reply_online": welsh_reply_online(reply_url, reply_by) if reply_url and kind in REPLY_LINK_KINDS else "",
            "delivery": WELSH_DELIVERY[approved_order(case).deliver_to.value] if kind in ORDER_KINDS else "",
        }
    subject, body = BLUE_BADGE_EMAILS.render(
        kind, fields, settings.email_templates if templates is None else templates,
        welsh_fields=welsh, welsh_overrides=settings.welsh_email_templates,
    )
    if address is not None:
        return Letter(address=address, subject=subject, body_text=body)
    return EmailMessage(
        to=to,
        reply_to=str(council.contact.email),
        sender=str(council.contact.email),
        subject=subject,
        body_text=body,
    )
