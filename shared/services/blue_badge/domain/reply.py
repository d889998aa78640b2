"""The applicant's reply to a request for missing information (the single-use link in the email).

What each missing item asks of the applicant in plain English (beside completeness.py's item kinds), how it is
sent (uploaded, typed in, or only by contacting the council), the file formats accepted, and how typed answers
become a JSON merge patch of the application, checked with the same formats the application uses.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from shared.services.blue_badge.domain.application import EvidenceType
from shared.services.blue_badge.domain.completeness import MissingCode
from shared.core.domain.evidence import case_evidence_prefix
from shared.core.domain.formats import is_valid_nino, is_valid_postcode, normalise_nino, normalise_postcode
from shared.core.domain.uploads import FileFormat

MAX_TEXT = 200  # the application's Text fields


class ReplyBy(StrEnum):
    UPLOAD = "UPLOAD"  # a document or photo, uploaded from the page
    ANSWER = "ANSWER"  # typed in on the page
    CONTACT = "CONTACT"  # cannot be sent online: the applicant contacts the council


@dataclass(frozen=True)
class ReplyItem:
    code: MissingCode
    heading: str
    hint: str
    by: ReplyBy
    evidence_type: EvidenceType | None = None
    usual_format: FileFormat = FileFormat.PDF  # the upload form offered first

    @property
    def slug(self) -> str:
        """For ids and addresses: PROOF_OF_ADDRESS -> proof-of-address."""
        return self.code.value.lower().replace("_", "-")


def _upload(code: MissingCode, evidence: EvidenceType, heading: str, hint: str, usual: FileFormat = FileFormat.PDF) -> ReplyItem:
    return ReplyItem(code, heading, hint, ReplyBy.UPLOAD, evidence, usual)


def _answer(code: MissingCode, heading: str, hint: str) -> ReplyItem:
    return ReplyItem(code, heading, hint, ReplyBy.ANSWER)


def _contact(code: MissingCode, heading: str, hint: str) -> ReplyItem:
    return ReplyItem(code, heading, hint, ReplyBy.CONTACT)


# Plain English for the applicant (who may be the badge holder or someone applying for them).
REPLY_ITEMS: dict[MissingCode, ReplyItem] = {item.code: item for item in (
    _upload(MissingCode.PHOTO, EvidenceType.PHOTO, "A photo of the badge holder",
            "A recent colour photo of their head and shoulders, like a passport photo, against a plain background. "
            "No sunglasses or hat, unless they wear it for religious or medical reasons.", FileFormat.JPEG),
    _upload(MissingCode.PROOF_OF_IDENTITY, EvidenceType.PROOF_ID, "Proof of the badge holder's identity",
            "For example, a photo or scan of their passport, driving licence or birth certificate."),
    _upload(MissingCode.PROOF_OF_ADDRESS, EvidenceType.PROOF_ADD, "Proof of the badge holder's address",
            "For example, a council tax bill or a letter from a government department, dated in the last 12 months."),
    _upload(MissingCode.PROOF_OF_ELIGIBILITY, EvidenceType.PROOF_ELIG, "Proof of the badge holder's benefit or condition",
            "For example, their benefit award letter, or their certificate of vision impairment."),
    _upload(MissingCode.RECENT_PIP_AWARD_LETTER, EvidenceType.PROOF_ELIG, "A recent PIP award letter",
            "The badge holder's Personal Independence Payment award letter, dated in the last 12 months, showing the points awarded."),
    _answer(MissingCode.HOLDER_NAME, "The badge holder's full name", "As it is written on their passport or other ID."),
    _answer(MissingCode.DATE_OF_BIRTH, "The badge holder's date of birth", "For example, 27 3 1958"),
    _answer(MissingCode.ADDRESS, "The badge holder's home address", "Where they live. We send the badge here."),
    _answer(MissingCode.POSTCODE, "The postcode of the badge holder's home address",
            "We could not find a UK postcode in the address we have."),
    _answer(MissingCode.NINO, "The badge holder's National Insurance number",
            "It's on their National Insurance card, benefit letter, payslip or P60. For example, QQ 12 34 56 C"),
    _answer(MissingCode.AWARD_DATES, "When the badge holder's benefit award started and ends", "The dates are on the award letter."),
    _contact(MissingCode.ELIGIBILITY_CODE, "Why the badge holder needs a Blue Badge", "Contact us and we will ask you some questions about this."),
    _contact(MissingCode.WALKING_DETAILS, "How the badge holder's condition affects their walking",
             "Contact us and we will ask you some questions about this."),
    _contact(MissingCode.ARMS_DETAILS, "Whether the badge holder drives, and how their arms are affected",
             "Contact us and we will ask you some questions about this."),
    _contact(MissingCode.CHILD_EQUIPMENT, "The medical equipment the child must always have with them",
             "Contact us and we will ask you some questions about this."),
    _contact(MissingCode.FEE, "Payment for the badge", "Contact us to pay the fee."),
    _contact(MissingCode.CONTACT, "How we can contact you", "Contact us to give us an email address or phone number."),
    _contact(MissingCode.ORGANISATION_ADDRESS, "The organisation's full address, with its postcode", "Contact us to give us the address."),
    _contact(MissingCode.PIP_POINTS, "The points on the badge holder's PIP award letter",
             "Contact us with the points for moving around, and for planning and following journeys (with the descriptor letter)."),
    _contact(MissingCode.CRIME_REFERENCE, "The crime reference number for the stolen badge",
             "Contact us with the number the police gave when the theft was reported."),
    _contact(MissingCode.REPLACE_REASON, "Why the badge is being replaced",
             "Contact us to tell us whether it was lost, stolen, damaged or never arrived. If it was stolen, have the "
             "crime reference number ready."),
)}


def reply_items(codes: list[MissingCode]) -> list[ReplyItem]:
    """What to ask for, in the order the completeness check found it; a postcode is part of a missing address."""
    wanted = [REPLY_ITEMS[code] for code in codes]
    if MissingCode.ADDRESS in codes:
        wanted = [item for item in wanted if item.code is not MissingCode.POSTCODE]
    return wanted


# ---------------------------------------------------------------- typed answers
@dataclass
class Answers:
    """What the applicant typed: the application changes (a merge patch) and the problems, by input id."""

    changes: dict[str, Any]
    errors: dict[str, str]


def read_answers(items: list[ReplyItem], fields: Mapping[str, str], today: date) -> Answers:
    """Check each answer the page asked for; only questions the page showed are read."""
    answers = Answers(changes={}, errors={})
    holder: dict[str, Any] = {}
    for item in items:
        match item.code:
            case MissingCode.HOLDER_NAME:
                holder["forenames"] = _text(answers, fields, "forenames", "Enter the badge holder's first names")
                holder["surname"] = _text(answers, fields, "surname", "Enter the badge holder's last name")
            case MissingCode.DATE_OF_BIRTH:
                born = _date(answers, fields, "dob", "date of birth")
                if born is not None and born >= today:
                    answers.errors["dob-day"] = "Date of birth must be in the past"
                elif born is not None and born.year < 1900:
                    answers.errors["dob-year"] = "Date of birth must be after 1900"
                holder["date_of_birth"] = born.isoformat() if born else None
            case MissingCode.ADDRESS:
                address = {
                    "line1": _text(answers, fields, "address-line1", "Enter the first line of the address"),
                    "line2": _text(answers, fields, "address-line2", None),
                    "town": _text(answers, fields, "address-town", "Enter the town or city"),
                    "postcode": _postcode(answers, fields, "address-postcode"),
                }
                holder["address"] = {name: value for name, value in address.items() if value}
            case MissingCode.POSTCODE:
                holder["address"] = {"postcode": _postcode(answers, fields, "postcode")}
            case MissingCode.NINO:
                nino = _text(answers, fields, "nino", "Enter the National Insurance number")
                if nino and not is_valid_nino(nino):
                    answers.errors["nino"] = "Enter a National Insurance number in the correct format, like QQ 12 34 56 C"
                holder["nino"] = normalise_nino(nino) if nino else None
            case MissingCode.AWARD_DATES:
                answers.changes["eligibility"] = {"benefit": _award(answers, fields)}
    if holder:
        answers.changes["holder"] = holder
    return answers


def _text(answers: Answers, fields: Mapping[str, str], name: str, if_missing: str | None) -> str | None:
    value = " ".join(fields.get(name, "").split())
    if not value:
        if if_missing:
            answers.errors[name] = if_missing
        return None
    if len(value) > MAX_TEXT:
        answers.errors[name] = f"Enter {MAX_TEXT} characters or fewer"
        return None
    return value


def _postcode(answers: Answers, fields: Mapping[str, str], name: str) -> str | None:
    value = _text(answers, fields, name, "Enter the postcode")
    if value and (len(value) > 10 or not is_valid_postcode(value)):
        answers.errors[name] = "Enter a real postcode, like AA1 1AA"
        return None
    return normalise_postcode(value) if value else None


def _date(answers: Answers, fields: Mapping[str, str], prefix: str, what: str) -> date | None:
    """A GOV.UK date input (<prefix>-day, -month, -year): the error goes on the first part that is wrong."""
    parts = {part: fields.get(f"{prefix}-{part}", "").strip() for part in ("day", "month", "year")}
    empty = [part for part, value in parts.items() if not value]
    if len(empty) == 3:
        answers.errors[f"{prefix}-day"] = f"Enter the {what}"
        return None
    if empty:
        answers.errors[f"{prefix}-{empty[0]}"] = f"The {what} must include a {empty[0]}"
        return None
    if not all(value.isdigit() and len(value) <= 4 for value in parts.values()) or len(parts["year"]) != 4:
        answers.errors[f"{prefix}-day"] = f"The {what} must be a real date"
        return None
    try:
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        answers.errors[f"{prefix}-day"] = f"The {what} must be a real date"
        return None


def _award(answers: Answers, fields: Mapping[str, str]) -> dict[str, Any]:
    start = _date(answers, fields, "award-start", "date the award started")
    indefinite = fields.get("award-indefinite") == "yes"
    end = None if indefinite else _date(answers, fields, "award-end", "date the award ends")
    if start and end and end < start:
        answers.errors["award-end-day"] = "The date the award ends must be after the date it started"
    return {"award_start": start.isoformat() if start else None, "award_end": end.isoformat() if end else None,
            "indefinite": indefinite}


# Where the application's validation names a field, the page's input that holds it.
INPUT_FOR_FIELD = {
    "holder.forenames": "forenames",
    "holder.surname": "surname",
    "holder.date_of_birth": "dob-day",
    "holder.nino": "nino",
    "holder.address.line1": "address-line1",
    "holder.address.line2": "address-line2",
    "holder.address.town": "address-town",
    "holder.address.postcode": "address-postcode",
    "eligibility.benefit.award_start": "award-start-day",
    "eligibility.benefit.award_end": "award-end-day",
    "eligibility.benefit": "award-end-day",
}


REPLY_UPLOAD_PREFIX = "reply-"  # an applicant's upload; the only files the platform may delete (infra/constructs/tenancy.py)


def reply_upload_prefix(council_code: str, case_id: str, item: ReplyItem) -> str:
    """Where the applicant's uploads for `item` go: inside the case's own folder."""
    return f"{case_evidence_prefix(council_code, case_id)}{REPLY_UPLOAD_PREFIX}{item.slug}-"


def evidence_key(council_code: str, case_id: str, item: ReplyItem, fmt: FileFormat) -> str:
    """Random, so a new upload never overwrites an older one."""
    return f"{reply_upload_prefix(council_code, case_id, item)}{secrets.token_hex(8)}.{fmt.extension}"
