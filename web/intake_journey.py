"""Keying in a paper, phone or in-person application as a few question pages.

Which fields each page asks, how the typed answers become the same `Application` the API validates, and each
page's own checks. Nothing here touches AWS: web/pages/intake.py keeps the answers and calls the intake service.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from shared.services.blue_badge.domain.application import (
    BENEFIT_ROUTES,
    FILE_ONLY,
    Application,
    ApplicationType,
    EligibilityCode,
    EvidenceType,
    JOURNEYS_DESCRIPTOR_WORDS,
    JourneysDescriptor,
    Party,
)
from shared.services.blue_badge.domain.completeness import documents_needed, fee_applies
from shared.core.domain.formats import is_valid_nino, is_valid_postcode
from shared.core.domain.uploads import FileFormat
from shared.services.blue_badge.domain.badge import normalise_badge_number
from shared.core.domain.council import CouncilConfig
from web.forms import Errors
from shared.services.blue_badge.domain.settings import FeeTiming, badge_settings

JOURNEY = "/applications/new"  # the journey's answers are kept as one draft under this key
APPLICATION_ID = "application-id"  # made when the first answer is kept, so a repeated submit is a duplicate
KEYED_BY = "keyed-by"  # the caseworker keying in (drafts are per person): who saw the documents
NOT_STATED = "NOT_STATED"
YES, NO = "yes", "no"


class Kind(StrEnum):
    TEXT = "TEXT"
    NUMBER = "NUMBER"
    MONEY = "MONEY"
    TEXTAREA = "TEXTAREA"
    DATE = "DATE"  # three inputs: <name>-day, <name>-month, <name>-year
    RADIOS = "RADIOS"
    CHECKBOXES = "CHECKBOXES"
    SCANS = "SCANS"  # files uploaded to the evidence bucket, each by its own form (not an input of the page's form)


@dataclass(frozen=True)
class Field:
    name: str  # the form field's name and the input's id
    label: str  # as the page labels it; messages name the field with it
    kind: Kind = Kind.TEXT
    locations: tuple[str, ...] = ()  # where it lands in the Application (dotted), for pydantic's errors
    options: dict[str, str] = field(default_factory=dict)  # value -> words, for radios and checkboxes
    hint: str | None = None
    invalid: str | None = None  # the message for a value in the wrong format
    valid: Callable[[str], bool] | None = None  # a format check the model leaves to the completeness check (message: invalid)
    width: str = ""  # a GOV.UK width class
    autocomplete: str | None = None
    shown_when: tuple[str, str] | None = None  # (radios field, value): revealed under that choice

    @property
    def error_id(self) -> str:
        """Where the error summary points: a date's first box, a choice's first option."""
        if self.kind is Kind.DATE:
            return f"{self.name}-day"
        return self.name

    def names(self) -> tuple[str, ...]:
        if self.kind is Kind.SCANS:
            return ()  # kept by the upload's own address (web/pages/intake.py uploaded), never cleared by the page's form
        return tuple(f"{self.name}-{part}" for part in ("day", "month", "year")) if self.kind is Kind.DATE else (self.name,)


@dataclass
class Answers:
    """Everything typed so far in the journey, as form fields (each a list of values)."""

    fields: dict[str, list[str]] = field(default_factory=dict)

    def value(self, name: str) -> str:
        values = self.fields.get(name)
        return values[-1].strip() if values else ""

    def values(self, name: str) -> list[str]:
        return [value.strip() for value in self.fields.get(name, []) if value.strip()]

    def with_page(self, page_fields: dict[str, list[str]], names: tuple[str, ...]) -> Answers:
        """These answers with one page's fields replaced (a field left out, like an unticked box, is cleared)."""
        merged = dict(self.fields)
        for name in names:
            merged[name] = list(page_fields.get(name, []))
        return Answers(merged)

    @property
    def application_type(self) -> str:
        return self.value("application-type")

    @property
    def party(self) -> str:
        return self.value("party")

    @property
    def route(self) -> str:
        return self.value("eligibility-code")


def new_application_id(council_code: str, now: datetime) -> str:
    """PAPER-<council>-<date>-<random>: made when the journey starts, so submitting twice gives the same id (a duplicate)."""
    return f"PAPER-{council_code}-{now:%Y%m%d}-{secrets.token_hex(4).upper()}"


def _options(labels: dict[Any, str]) -> dict[str, str]:
    return {str(getattr(value, "value", value)): text for value, text in labels.items()}


YES_NO = {YES: "Yes", NO: "No"}
# The documents that may come with a form: each scanned and uploaded, or seen and handed back (all but the photo,
# which is printed on the badge, so it needs a file).
DOCUMENTS = {
    EvidenceType.PHOTO: "A recent passport-style photo of the badge holder",
    EvidenceType.PROOF_ID: "Proof of identity, such as a passport, driving licence or birth certificate",
    EvidenceType.PROOF_ADD: "Proof of address, such as a council tax bill dated in the last 12 months",
    EvidenceType.PROOF_ELIG: "Proof of eligibility, such as the benefit award letter",
}
SCANNED = "documents-scanned"  # the types uploaded; each file's key is kept under scan_field(type)


def scan_field(kind: EvidenceType | str) -> str:
    return f"scan-{EvidenceType(kind).value}"
BADGE_NUMBER_FORMAT = "Enter a badge number of 6 characters: numbers 0 to 9 and letters A to H, J or K"

F = {
    f.name: f
    for f in (
        Field("application-type", "Type of application", Kind.RADIOS, ("application_type",), _options({
            ApplicationType.NEW: "A new badge", ApplicationType.RENEW: "Renewing a badge",
            ApplicationType.REPLACE: "Replacing a lost, stolen, damaged or undelivered badge", ApplicationType.CANCEL: "Cancelling a badge",
        })),
        Field("replace-reason", "Why the badge is being replaced", Kind.RADIOS, ("replace_reason",), _options({
            "LOST": "Lost", "STOLE": "Stolen", "DAMAGED": "Damaged", "UNDELIVER": "Never arrived",
        })),
        Field("crime-reference", "Crime reference number", locations=("crime_reference",), hint="If the badge was stolen", width="govuk-input--width-20"),
        Field("cancel-reason", "Why the badge is being cancelled", Kind.RADIOS, ("cancel_reason",), _options({
            "NOLONG": "No longer needed", "DECEASE": "The holder has died", "REVOKE": "Misused or no longer eligible (revoked)",
            "LOST": "Lost", "STOLE": "Stolen", "DAMAGED": "Damaged", "UNDELIVER": "Never arrived",
        })),
        Field("existing-badge-number", "Badge number", locations=("existing_badge_number",), width="govuk-input--width-10",
              hint="6 characters, for example 1A2B3C", invalid=BADGE_NUMBER_FORMAT),
        Field("party", "Who the badge is for", Kind.RADIOS, ("party",), _options({
            Party.PERSON: "A person", Party.ORG: "An organisation that transports disabled people",
        })),
        Field("channel", "How the application arrived", Kind.RADIOS, ("channel",), _options({
            "PAPER": "Paper form", "PHONE": "Phone call", "INPERSON": "In person",
        })),
        Field("holder-title", "Title", locations=("holder.title",), width="govuk-input--width-5", autocomplete="off"),
        Field("holder-forenames", "First names", locations=("holder.forenames",), autocomplete="off"),
        Field("holder-surname", "Last name", locations=("holder.surname",), autocomplete="off"),
        Field("holder-dob", "Date of birth", Kind.DATE, ("holder.date_of_birth",), hint="For example, 27 3 1957"),
        Field("holder-gender", "Gender", Kind.RADIOS, ("holder.gender",), _options({"FEMALE": "Female", "MALE": "Male", "UNSPECIFIED": "Not given"})),
        Field("holder-nino", "National Insurance number", locations=("holder.nino",), width="govuk-input--width-10",
              hint="Needed for a benefit-based application, for example QQ 12 34 56 C",
              invalid="Enter a National Insurance number in the correct format", valid=is_valid_nino),
        Field("organisation-name", "Organisation name", locations=("organisation.name",)),
        Field("organisation-charity-number", "Charity number", locations=("organisation.charity_number",), width="govuk-input--width-10"),
        Field("organisation-badges", "Number of badges needed", Kind.NUMBER, ("organisation.number_of_badges",), width="govuk-input--width-4"),
        Field("organisation-people-carried", "Disabled people the organisation transports", Kind.NUMBER, ("organisation.people_carried",),
              width="govuk-input--width-5"),
        Field("address-line1", "Address line 1", locations=("holder.address.line1", "organisation.address.line1")),
        Field("address-line2", "Address line 2", locations=("holder.address.line2", "organisation.address.line2")),
        Field("address-town", "Town or city", locations=("holder.address.town", "organisation.address.town"), width="govuk-!-width-two-thirds"),
        Field("address-postcode", "Postcode", locations=("holder.address.postcode", "organisation.address.postcode"), width="govuk-input--width-10",
              invalid="Enter a real postcode", valid=is_valid_postcode),
        Field("contact-full-name", "Contact's full name", locations=("contact.full_name",), hint="Leave blank if the holder is the contact"),
        Field("contact-relationship", "Relationship to the badge holder", locations=("contact.relationship",), width="govuk-input--width-20",
              hint="For example SELF, parent or carer"),
        Field("contact-email", "Email address", locations=("contact.email",), invalid="Enter an email address in the correct format, like name@example.com"),
        Field("contact-phone", "Telephone number", locations=("contact.phone",), width="govuk-input--width-20",
              invalid="Enter a telephone number, like 01632 960 001 or +44 7700 900 982"),
        Field("contact-by-post", "How they want to hear from the council", Kind.CHECKBOXES, ("contact.by_post",),
              _options({YES: "By letter to the address above, not by email"}), hint="Tick if the form asks for letters by post"),
        Field("eligibility-code", "Reason for applying", Kind.RADIOS, ("eligibility.code",), _options({
            EligibilityCode.PIP: "Personal Independence Payment (PIP): 8 points moving around, or 10 points planning journeys",
            EligibilityCode.DLA: "Disability Living Allowance: higher rate mobility component",
            EligibilityCode.AFRFCS: "Armed Forces Compensation Scheme, tariff levels 1 to 8",
            EligibilityCode.WPMS: "War Pensioners' Mobility Supplement",
            EligibilityCode.BLIND: "Registered severely sight impaired (blind)",
            EligibilityCode.WALKD: "Very considerable difficulty walking",
            EligibilityCode.ARMS: "Severe disability in both arms, and drives regularly",
            EligibilityCode.CHILDBULK: "Child under 3 with bulky medical equipment",
            EligibilityCode.CHILDVEHIC: "Child under 3 who must be kept near a vehicle",
            EligibilityCode.COGNITIVE: "Very considerable difficulty following journeys (non-visible disability)",
            EligibilityCode.TRAF_RISK: "A risk to themselves or others in traffic",
            NOT_STATED: "The form does not say: the applicant will be asked",
        })),
        Field("eligibility-conditions", "Conditions, in the applicant's words", Kind.TEXTAREA, ("eligibility.conditions",)),
        Field("award-start", "Award start date", Kind.DATE, ("eligibility.benefit.award_start",), hint="For example, 1 4 2025"),
        Field("award-end", "Award end date", Kind.DATE, ("eligibility.benefit.award_end", "eligibility.benefit"),
              hint="Leave blank if the award has no end date"),
        Field("award-indefinite", "Award without an end date", Kind.CHECKBOXES, ("eligibility.benefit.indefinite",), _options({YES: "The award has no end date"})),
        Field("pip-moving-points", "PIP points for moving around", Kind.NUMBER, ("eligibility.benefit.pip_moving_around_points",), width="govuk-input--width-2"),
        # The descriptor, not only its points: D and E both score 10, and only E gives a badge without further
        # assessment (shared/services/blue_badge/domain/pip.py); its points follow from it.
        Field("pip-planning-descriptor", "PIP descriptor for planning and following journeys", Kind.RADIOS,
              ("eligibility.benefit.pip_planning_journeys_descriptor", "eligibility.benefit.pip_planning_journeys_points"),
              _options({descriptor: f"{descriptor.value}: {words} ({descriptor.points} points)"
                        for descriptor, words in JOURNEYS_DESCRIPTOR_WORDS.items()}),
              hint="As on the award letter. Leave it unselected if the letter gives no points for this activity."),
        Field("walking-difficulties", "What makes walking difficult", Kind.CHECKBOXES, ("eligibility.walking.difficulties",), _options({
            "PAIN": "Pain", "BREATH": "Breathlessness", "BALANCE": "Balance, coordination or dizziness",
            "DANGER": "A danger to their own or others' health or safety", "STRUGGLE": "Struggles to walk",
            "LONGTIME": "Takes a long time to walk", "SOMELSE": "Something else",
        })),
        Field("walking-other", "Other walking difficulty", Kind.TEXTAREA, ("eligibility.walking.other_difficulty",)),
        Field("walking-speed", "Walking speed", Kind.RADIOS, ("eligibility.walking.speed",), _options({
            "MSLOW": "Much slower than others", "SLOW": "Slower than others", "SAME": "About the same as others", "FAST": "Faster than others",
        })),
        Field("walking-length", "How long they can walk for", Kind.RADIOS, ("eligibility.walking.length_of_time",), _options({
            "CANTWALK": "Cannot walk at all", "LESSMIN": "Less than a minute", "FEWMIN": "A few minutes",
            "ONEFIVE": "1 to 5 minutes", "FIVETEN": "5 to 10 minutes", "MORETEN": "More than 10 minutes",
        })),
        Field("arms-drives", "Drives regularly", Kind.RADIOS, ("eligibility.arms.drives_regularly",), YES_NO),
        Field("arms-adapted", "Drives an adapted vehicle", Kind.RADIOS, ("eligibility.arms.adapted_vehicle",), YES_NO),
        Field("arms-meter", "Difficulty using a parking meter", Kind.TEXTAREA, ("eligibility.arms.parking_meter_difficulty",)),
        Field("child-equipment", "Medical equipment the child must have with them", Kind.CHECKBOXES, ("eligibility.child.bulky_equipment",), _options({
            "VENT": "Ventilator", "SUCTION": "Suction machine", "PUMP": "Feed pump", "PARENT": "Parenteral equipment",
            "SYRINGE": "Syringe driver", "OXYADMIN": "Oxygen administration equipment", "OXYSAT": "Oxygen saturation monitor",
            "CAST": "Body cast", "OTHER": "Something else",
        })),
        Field("child-other", "Other equipment", Kind.TEXTAREA, ("eligibility.child.other_equipment",)),
        Field("fee-paid", "Fee paid", Kind.RADIOS, ("payment.paid",), YES_NO),
        Field("fee-amount", "Amount paid", Kind.MONEY, ("payment.amount_pence",), width="govuk-input--width-5",
              invalid="Amount paid must be an amount of money, like 10.00", shown_when=("fee-paid", YES)),
        Field("fee-method", "How it was paid", locations=("payment.method",), width="govuk-input--width-20",
              hint="For example card, cash or cheque", shown_when=("fee-paid", YES)),
        Field("fee-reference", "Payment reference", locations=("payment.reference",), width="govuk-input--width-20", shown_when=("fee-paid", YES)),
        Field(SCANNED, "Documents scanned and uploaded", Kind.SCANS, ("evidence",), _options(DOCUMENTS)),
        Field("documents-seen", "Documents seen and returned to the applicant", Kind.CHECKBOXES, ("documents_seen",),
              _options({kind: text for kind, text in DOCUMENTS.items() if kind not in FILE_ONLY}),
              hint="Select all that came with the form. You are recorded as the person who saw them; the applicant is asked for the rest."),
        Field("documents-seen-on", "Date the documents were seen", Kind.DATE, ("documents_seen",), hint="Leave blank if you saw them today"),
    )
}

DETAIL_ROUTES = {EligibilityCode.WALKD.value, EligibilityCode.ARMS.value, EligibilityCode.CHILDBULK.value} | {code.value for code in BENEFIT_ROUTES}


def _names(*names: str) -> tuple[Field, ...]:
    return tuple(F[name] for name in names)


@dataclass(frozen=True)
class Step:
    slug: str
    title: str  # the page's heading and its section on check your answers
    fields: Callable[[Answers], tuple[Field, ...]]  # what the page asks, given the answers so far
    applies: Callable[[Answers, CouncilConfig], bool] = lambda answers, council: True
    required: Callable[[Answers], dict[str, str]] = lambda answers: {}  # field -> message when it is blank

    @property
    def path(self) -> str:
        return f"{JOURNEY}/{self.slug}"

    def names(self, answers: Answers) -> tuple[str, ...]:
        return tuple(name for item in self.fields(answers) for name in item.names())


TYPE_REQUIRED = {
    "application-type": "Select the type of application",
    "party": "Select who the badge is for",
    "channel": "Select how the application arrived",
}


def _badge_fields(answers: Answers) -> tuple[Field, ...]:
    kind = answers.application_type
    if kind == ApplicationType.REPLACE:
        return _names("existing-badge-number", "replace-reason", "crime-reference")
    if kind == ApplicationType.CANCEL:
        return _names("existing-badge-number", "cancel-reason")
    return _names("existing-badge-number")


def _badge_required(answers: Answers) -> dict[str, str]:
    required = {}
    kind = answers.application_type
    if kind == ApplicationType.REPLACE:
        required["replace-reason"] = "Select why the badge is being replaced"
    if kind == ApplicationType.CANCEL:
        required["cancel-reason"] = "Select why the badge is being cancelled"
    if kind in (ApplicationType.REPLACE, ApplicationType.CANCEL):
        required["existing-badge-number"] = f"Enter the number of the badge to {'replace' if kind == ApplicationType.REPLACE else 'cancel'}"
    return required


def _holder_fields(answers: Answers) -> tuple[Field, ...]:
    if answers.party == Party.ORG:
        return _names("organisation-name", "organisation-charity-number", "organisation-badges", "organisation-people-carried")
    return _names("holder-title", "holder-forenames", "holder-surname", "holder-dob", "holder-gender", "holder-nino")


def _holder_required(answers: Answers) -> dict[str, str]:
    if answers.party == Party.ORG:
        return {"organisation-name": "Enter the organisation's name", "organisation-badges": "Enter how many badges the organisation needs"}
    return {}


def _needs_eligibility(answers: Answers, council: CouncilConfig) -> bool:
    return answers.party == Party.PERSON and answers.application_type in (ApplicationType.NEW, ApplicationType.RENEW)


def _detail_fields(answers: Answers) -> tuple[Field, ...]:
    route = answers.route
    if route in {code.value for code in BENEFIT_ROUTES}:
        points = ("pip-moving-points", "pip-planning-descriptor") if route == EligibilityCode.PIP else ()
        return _names("award-start", "award-end", "award-indefinite", *points)
    if route == EligibilityCode.WALKD:
        return _names("walking-difficulties", "walking-other", "walking-speed", "walking-length")
    if route == EligibilityCode.ARMS:
        return _names("arms-drives", "arms-adapted", "arms-meter")
    return _names("child-equipment", "child-other")


def documents(answers: Answers) -> list[EvidenceType]:
    """The documents this application needs (none before its type and route are known)."""
    try:
        route = EligibilityCode(answers.route) if answers.route not in ("", NOT_STATED) else None
        return documents_needed(ApplicationType(answers.application_type), Party(answers.party), route)
    except ValueError:
        return []


def _documents_came(answers: Answers, council: CouncilConfig) -> bool:
    """Documents come with a form, or are shown in person; a phone call brings none."""
    return answers.value("channel") in ("PAPER", "INPERSON") and bool(documents(answers))


def _document_fields(answers: Answers) -> tuple[Field, ...]:
    """The documents this route needs, to upload or to tick; none is an answer (none came)."""
    needed = documents(answers)
    scannable = {kind.value: text for kind, text in DOCUMENTS.items() if kind in needed}
    seeable = {kind.value: text for kind, text in DOCUMENTS.items() if kind in needed and kind not in FILE_ONLY}
    return replace(F[SCANNED], options=scannable), replace(F["documents-seen"], options=seeable), F["documents-seen-on"]


def scanned(answers: Answers) -> list[tuple[EvidenceType, str]]:
    """Each document uploaded that this application needs, with its file's key (the latest upload of each)."""
    needed = documents(answers)
    return [(EvidenceType(kind), answers.value(scan_field(kind))) for kind in answers.values(SCANNED)
            if kind in EvidenceType.__members__ and EvidenceType(kind) in needed and answers.value(scan_field(kind))]


def _needs_fee(answers: Answers, council: CouncilConfig) -> bool:
    settings = badge_settings(council)
    if not settings.charges_fee or settings.fee_taken_on is not FeeTiming.APPLICATION or answers.application_type == ApplicationType.CANCEL:
        return False
    return fee_applies(answers.application_type, council)


def _fee_required(answers: Answers) -> dict[str, str]:
    required = {"fee-paid": "Select whether the fee has been paid"}
    if answers.value("fee-paid") == YES:
        required["fee-amount"] = "Enter the amount paid"
    return required


STEPS = (
    Step("type", "About the application", lambda answers: _names("application-type", "party", "channel"), required=lambda answers: TYPE_REQUIRED),
    Step("badge", "The existing badge", _badge_fields,
         lambda answers, council: answers.application_type in (ApplicationType.RENEW, ApplicationType.REPLACE, ApplicationType.CANCEL),
         _badge_required),
    Step("holder", "The badge holder", _holder_fields, required=_holder_required),
    Step("address", "Address and contact details", lambda answers: _names(
        "address-line1", "address-line2", "address-town", "address-postcode",
        "contact-full-name", "contact-relationship", "contact-email", "contact-phone", "contact-by-post",
    )),
    Step("eligibility", "Reason for applying", lambda answers: _names("eligibility-code", "eligibility-conditions"),
         _needs_eligibility, lambda answers: {"eligibility-code": "Select the reason for applying, or that the form does not say"}),
    Step("eligibility-details", "Eligibility details", _detail_fields,
         lambda answers, council: _needs_eligibility(answers, council) and answers.route in DETAIL_ROUTES,
         lambda answers: {"arms-drives": "Select whether they drive regularly"} if answers.route == EligibilityCode.ARMS else {}),
    Step("documents", "Documents that came with the form", _document_fields, _documents_came),
    Step("fee", "The badge fee", lambda answers: _names("fee-paid", "fee-amount", "fee-method", "fee-reference"), _needs_fee, _fee_required),
)
STEPS_BY_SLUG = {step.slug: step for step in STEPS}
CHECK_PATH = f"{JOURNEY}/check"


def steps_for(answers: Answers, council: CouncilConfig) -> list[Step]:
    return [step for step in STEPS if step.applies(answers, council)]


def next_path(step: Step, answers: Answers, council: CouncilConfig) -> str:
    remaining = steps_for(answers, council)
    later = [other for other in remaining if STEPS.index(other) > STEPS.index(step)]
    return later[0].path if later else CHECK_PATH


# --- reading typed values -------------------------------------------------------------------------------


def read_date(answers: Answers, item: Field, errors: Errors) -> date | None:
    """A day/month/year date, with the GOV.UK date input messages; blank is None."""
    parts = {part: answers.value(f"{item.name}-{part}") for part in ("day", "month", "year")}
    if not any(parts.values()):
        return None
    missing = [part for part, value in parts.items() if not value]
    if missing:
        errors.add(item.error_id, f"{item.label} must include a {' and '.join(missing)}")
        return None
    if not all(value.isdigit() for value in parts.values()):
        errors.add(item.error_id, f"{item.label} must be a real date")
        return None
    if len(parts["year"]) != 4:
        errors.add(item.error_id, "Year must include 4 numbers")
        return None
    try:
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        errors.add(item.error_id, f"{item.label} must be a real date")
        return None


def read_pence(text: str) -> int | str | None:
    """Pounds as typed (10, 10.00, £10) in pence; anything else is passed on for pydantic to refuse."""
    if not text:
        return None
    try:
        pounds = Decimal(text.replace("£", "").replace(",", "").strip())
    except InvalidOperation:
        return text
    return int(pounds * 100) if pounds == pounds.quantize(Decimal("0.01")) else text


def _text(answers: Answers, name: str) -> str | None:
    return answers.value(name) or None


def _compact(data: dict[str, Any]) -> dict[str, Any] | None:
    """A part of the application with its blanks dropped (None when nothing is left)."""
    kept = {key: value for key, value in data.items() if value not in (None, "", [])}
    return kept or None


def _yes_no(answers: Answers, name: str) -> bool | None:
    value = answers.value(name)
    return {YES: True, NO: False}.get(value)


def application_data(answers: Answers, council: CouncilConfig, submitted_at: datetime, dates: dict[str, date | None]) -> dict[str, Any]:
    """The Application as the API would receive it, from the answers (blank answers are left out)."""
    kind, party = answers.application_type, answers.party
    data: dict[str, Any] = {
        "application_id": answers.value(APPLICATION_ID),
        "application_type": kind or None,
        "party": party or None,
        "channel": _text(answers, "channel"),
        "council_code": council.code,
        "submitted_at": submitted_at.isoformat(),
        "existing_badge_number": normalise_badge_number(answers.value("existing-badge-number")) or None if kind != ApplicationType.NEW else None,
        "replace_reason": _text(answers, "replace-reason") if kind == ApplicationType.REPLACE else None,
        "crime_reference": _text(answers, "crime-reference") if kind == ApplicationType.REPLACE else None,
        "cancel_reason": _text(answers, "cancel-reason") if kind == ApplicationType.CANCEL else None,
    }
    address = _compact({part: _text(answers, f"address-{part}") for part in ("line1", "line2", "town", "postcode")})
    if party == Party.ORG:
        data["organisation"] = {
            "name": _text(answers, "organisation-name"),
            "charity_number": _text(answers, "organisation-charity-number"),
            "number_of_badges": _text(answers, "organisation-badges"),
            "people_carried": _text(answers, "organisation-people-carried"),
            "address": address,
        }
    else:
        data["holder"] = _compact({
            "title": _text(answers, "holder-title"),
            "forenames": _text(answers, "holder-forenames"),
            "surname": _text(answers, "holder-surname"),
            "date_of_birth": dates.get("holder-dob"),
            "gender": _text(answers, "holder-gender"),
            "nino": _text(answers, "holder-nino"),
            "address": address,
        })
    data["contact"] = _compact({
        "full_name": _text(answers, "contact-full-name"), "relationship": _text(answers, "contact-relationship"),
        "email": _text(answers, "contact-email"), "phone": _text(answers, "contact-phone"),
        "by_post": answers.value("contact-by-post") == YES or None,
    })
    data["eligibility"] = _eligibility_data(answers, dates) if _needs_eligibility(answers, council) else None
    if _documents_came(answers, council):
        seen_on = dates.get("documents-seen-on") or submitted_at.date()
        ticked = answers.values("documents-seen")
        data["documents_seen"] = [{"type": kind.value, "seen_by": answers.value(KEYED_BY), "seen_on": seen_on}
                                  for kind in documents(answers) if kind.value in ticked and kind not in FILE_ONLY] or None
        # The extension is the format S3 was told and the file's first bytes proved (web/pages/intake.py uploaded).
        data["evidence"] = [{"type": kind.value, "key": key, "content_type": FileFormat.named(key.rsplit(".", 1)[-1]).value}
                            for kind, key in scanned(answers)] or None
    if _needs_fee(answers, council) and answers.value("fee-paid") == YES:
        data["payment"] = _compact({
            "paid": True, "amount_pence": read_pence(answers.value("fee-amount")),
            "method": _text(answers, "fee-method"), "reference": _text(answers, "fee-reference"),
        })
    return {key: value for key, value in data.items() if value is not None}


def _journeys_descriptor(answers: Answers) -> dict[str, Any]:
    """The planning and following journeys descriptor chosen, with the points it carries (a value that is no
    descriptor goes as it is, for the model to refuse naming the field)."""
    chosen = _text(answers, "pip-planning-descriptor")
    known = chosen in {descriptor.value for descriptor in JourneysDescriptor}
    return {"pip_planning_journeys_descriptor": chosen, "pip_planning_journeys_points": JourneysDescriptor(chosen).points if known else None}


def _eligibility_data(answers: Answers, dates: dict[str, date | None]) -> dict[str, Any] | None:
    route = answers.route
    if not route or route == NOT_STATED:
        return None
    details: dict[str, Any] = {"code": route, "conditions": _text(answers, "eligibility-conditions")}
    if route in {code.value for code in BENEFIT_ROUTES}:
        details["benefit"] = _compact({
            "award_start": dates.get("award-start"), "award_end": dates.get("award-end"),
            "indefinite": answers.value("award-indefinite") == YES or None,
            "pip_moving_around_points": _text(answers, "pip-moving-points") if route == EligibilityCode.PIP else None,
            **(_journeys_descriptor(answers) if route == EligibilityCode.PIP else {}),
        })
    elif route == EligibilityCode.WALKD:
        details["walking"] = _compact({
            "difficulties": answers.values("walking-difficulties"), "other_difficulty": _text(answers, "walking-other"),
            "speed": _text(answers, "walking-speed"), "length_of_time": _text(answers, "walking-length"),
        })
    elif route == EligibilityCode.ARMS and answers.value("arms-drives"):
        details["arms"] = _compact({
            "drives_regularly": _yes_no(answers, "arms-drives"), "adapted_vehicle": _yes_no(answers, "arms-adapted"),
            "parking_meter_difficulty": _text(answers, "arms-meter"),
        })
    elif route == EligibilityCode.CHILDBULK:
        details["child"] = _compact({"bulky_equipment": answers.values("child-equipment"), "other_equipment": _text(answers, "child-other")})
    return _compact(details)


# --- checking ---------------------------------------------------------------------------------------------


@dataclass
class Checked:
    """The answers as an Application (when every page is valid), and the problems found, by page."""

    application: Application | None
    errors: dict[str, Errors]  # step slug -> its errors

    def of(self, step: Step) -> Errors:
        return self.errors.get(step.slug) or Errors()


def check(answers: Answers, council: CouncilConfig, submitted_at: datetime) -> Checked:
    """Every page's checks, then the API's own validation of the whole application, each problem given to its page."""
    steps = steps_for(answers, council)
    errors = {step.slug: Errors() for step in steps}
    dates: dict[str, date | None] = {}
    for step in steps:
        page = errors[step.slug]
        for name, message in step.required(answers).items():
            if not answers.value(name):
                page.add(F[name].error_id, message)
        for item in step.fields(answers):
            if item.kind is Kind.DATE:
                dates[item.name] = read_date(answers, item, page)
            elif item.valid and answers.value(item.name) and not item.valid(answers.value(item.name)):
                page.add(item.error_id, item.invalid)
        _date_rules({item.name: dates[item.name] for item in step.fields(answers) if item.name in dates}, page)  # this page's own
    data = application_data(answers, council, submitted_at, dates)
    application = None
    try:
        application = Application.model_validate(data)
    except ValidationError as error:
        by_location = {location: (step.slug, item) for step in steps for item in step.fields(answers) for location in item.locations}
        already_found = any(errors.values())
        for problem in error.errors():
            location = ".".join(str(part) for part in problem["loc"])
            if not location and already_found:
                continue  # a rule across fields (e.g. a replacement needs its reason) that a page's own checks have named
            slug, item = by_location.get(location, (steps[0].slug, F["application-type"]))
            errors[slug].add(item.error_id, message_for(problem, item))
    found = {slug: page for slug, page in errors.items() if page}
    return Checked(application if not found else None, found)


def _date_rules(dates: dict[str, date | None], errors: Errors) -> None:
    born = dates.get("holder-dob")
    if born and born >= date.today():
        errors.add(F["holder-dob"].error_id, "Date of birth must be in the past")
    elif born and born.year < 1900:
        errors.add(F["holder-dob"].error_id, "Date of birth must be after 1 January 1900")
    seen_on = dates.get("documents-seen-on")
    if seen_on and seen_on > date.today():
        errors.add(F["documents-seen-on"].error_id, "Date the documents were seen must be today or in the past")
    start, end = dates.get("award-start"), dates.get("award-end")
    if start and end and end < start:
        errors.add(F["award-end"].error_id, "Award end date must be after the award start date")


def message_for(problem: dict[str, Any], item: Field) -> str:
    """pydantic's problem in the words of the page, naming the field as it is labelled."""
    kind, context = problem.get("type", ""), problem.get("ctx") or {}
    label = item.label
    if kind == "missing":
        return f"Enter {label[:1].lower() + label[1:]}"
    if kind == "string_too_long":  # a value with a format of its own (a postcode, a badge number) is wrong, not just long
        return item.invalid or f"{label} must be {context.get('max_length')} characters or fewer"
    if kind == "string_pattern_mismatch":
        return item.invalid or f"Enter {label[:1].lower() + label[1:]} in the correct format"
    if kind in ("int_parsing", "int_from_float"):
        return item.invalid or f"{label} must be a whole number"
    if kind == "greater_than_equal":
        return f"{label} must be {context.get('ge')} or more"
    if kind == "less_than_equal":
        return f"{label} must be {context.get('le')} or fewer"
    if kind == "enum":
        return f"Select {label[:1].lower() + label[1:]}"
    message = str(problem.get("msg", "is not valid")).removeprefix("Value error, ")
    return f"{label}: {message}"


# --- showing the answers -------------------------------------------------------------------------------


def shown(answers: Answers, item: Field) -> str:
    """An answer as the check-your-answers page shows it."""
    match item.kind:
        case Kind.DATE:
            parts = [answers.value(f"{item.name}-{part}") for part in ("day", "month", "year")]
            if not any(parts):
                return ""
            try:
                typed = date(int(parts[2]), int(parts[1]), int(parts[0]))
            except ValueError:
                return "/".join(parts)
            return f"{typed.day} {typed:%B %Y}"
        case Kind.RADIOS:
            return item.options.get(answers.value(item.name), answers.value(item.name))
        case Kind.CHECKBOXES:
            return ", ".join(item.options.get(value, value) for value in answers.values(item.name))
        case Kind.SCANS:
            return ", ".join(item.options.get(kind.value, kind.value) for kind, _ in scanned(answers))
        case Kind.MONEY:
            amount = read_pence(answers.value(item.name))
            return f"£{amount / 100:,.2f}" if isinstance(amount, int) else answers.value(item.name)
    return answers.value(item.name)


def heading(step: Step, answers: Answers) -> str:
    return "The organisation" if step.slug == "holder" and answers.party == Party.ORG else step.title


def shown_fields(step: Step, answers: Answers) -> list[Field]:
    """The fields worth a row on check your answers: a revealed field only under the choice that reveals it."""
    return [item for item in step.fields(answers) if item.shown_when is None or answers.value(item.shown_when[0]) == item.shown_when[1]]
