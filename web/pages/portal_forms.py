"""The portal's two forms as pages: which questions each section asks (a cause for concern asks only the sections its
categories need: CauseForConcern.sections_asked), turning posted fields into the form model and back, and GOV.UK error
messages for values that are wrong and for answers still missing (missing_information), each linked to its field.

Field names are the model's dotted paths ("child.address.postcode"); ids are the same with dashes, as web/forms.py's
errors_from makes them, so a pydantic error and a missing item both point at their field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from shared.core.domain.case import MissingItem
from shared.services.family_front_door.domain.drafts import Draft
from shared.services.family_front_door.domain.submission import (
    CATEGORY_NAMES,
    CauseForConcern,
    InformationRequest,
    NeglectArea,
    SubmissionKind,
    Urgency,
)
from web.forms import Errors, Form, errors_from

LONDON = ZoneInfo("Europe/London")  # partners type UK times
TEXT, TEXTAREA, YES_NO, CHOICE, CHOICES, DATE, DATETIME = "TEXT", "TEXTAREA", "YES_NO", "CHOICE", "CHOICES", "DATE", "DATETIME"
URGENCY_NAMES = {
    Urgency.TODAY: "Today: the child is at risk of significant harm",
    Urgency.WITHIN_DAYS: "Within a few days",
    Urgency.ROUTINE: "Routine: the child is not at immediate risk",
}
NEGLECT_NAMES = {NeglectArea.FOOD: "Food", NeglectArea.HYGIENE: "Hygiene", NeglectArea.CLOTHING: "Clothing",
                 NeglectArea.SUPERVISION: "Supervision", NeglectArea.HEALTH: "Health care", NeglectArea.HOME_CONDITIONS: "Home conditions",
                 NeglectArea.EDUCATION: "Education"}
KIND_NAMES = {SubmissionKind.CAUSE_FOR_CONCERN: "Cause for concern", SubmissionKind.INFORMATION_REQUEST: "Request for information"}
SLUGS = {"cause-for-concern": SubmissionKind.CAUSE_FOR_CONCERN, "request-for-information": SubmissionKind.INFORMATION_REQUEST}
DRAFT_ONLY = ("role", "phone")  # the partner's details for this form: kept on the draft, sent as the Submitter's
LIST_FIELDS = ("categories", "neglect.areas")  # checkboxes: posted as lists even with one ticked
PHONE_MESSAGE = "Enter a phone number, like 01632 960 001"


@dataclass(frozen=True)
class Field:
    name: str  # the model's dotted path
    label: str
    kind: str = TEXT
    hint: str | None = None
    options: dict[str, str] = field(default_factory=dict)
    autocomplete: str | None = None

    @property
    def id(self) -> str:
        return self.name.replace(".", "-")

    @property
    def anchor(self) -> str:
        """The id an error links to: a date's day box, else the field (a radio's or checkbox's first option)."""
        return f"{self.id}-day" if self.kind in (DATE, DATETIME) else self.id


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    fields: tuple[Field, ...]
    intro: str | None = None


def _yes_no(name: str, label: str, hint: str | None = None) -> Field:
    return Field(name, label, YES_NO, hint)


CHILD = Section("child", "The child", (
    Field("child.given_name", "First name", autocomplete="off"),
    Field("child.family_name", "Last name", autocomplete="off"),
    _yes_no("child.unborn", "Is the child unborn?"),
    Field("child.date_of_birth", "Date of birth", DATE, "For example, 27 3 2015"),
    Field("child.expected_date_of_birth", "Expected date of birth (an unborn child)", DATE),
    Field("child.address.line1", "Address line 1"),
    Field("child.address.line2", "Address line 2 (optional)"),
    Field("child.address.town", "Town or city (optional)"),
    Field("child.address.postcode", "Postcode"),
))
CATEGORY_SECTIONS = {
    "injuries": Section("injuries", "Injuries", (
        Field("injuries.description", "Describe the injuries or marks you saw", TEXTAREA),
        _yes_no("injuries.medical_attention", "Has the child had medical attention?"))),
    "disclosure": Section("disclosure", "What the child said", (
        _yes_no("disclosure.child_disclosed", "Did the child tell someone about the abuse?"),
        Field("disclosure.disclosure_words", "What the child said, in their own words", TEXTAREA),
        _yes_no("disclosure.alleged_abuser_has_contact", "Does the person alleged to have abused the child still have contact with them?"))),
    "neglect": Section("neglect", "Neglect", (
        Field("neglect.areas", "Which areas of the child's care are neglected?", CHOICES, "Select all that apply",
              {area.value: name for area, name in NEGLECT_NAMES.items()}),
        Field("neglect.how_long", "How long have you been concerned?"))),
    "domestic_abuse": Section("domestic_abuse", "Domestic abuse", (
        _yes_no("domestic_abuse.perpetrator_in_household", "Does the person causing the abuse live with the child?"),
        _yes_no("domestic_abuse.child_present", "Did the child see or hear the abuse?"),
        _yes_no("domestic_abuse.police_involved", "Are the police involved?"),
        Field("domestic_abuse.police_reference", "Police reference (if known)"))),
    "exploitation": Section("exploitation", "Exploitation", (
        Field("exploitation.indicators", "What makes you think the child is being exploited?", TEXTAREA,
              "Places, older associates, money, phones or gifts"),
        _yes_no("exploitation.missing_episodes", "Has the child gone missing?"),
        _yes_no("exploitation.police_informed", "Have the police been told?"))),
    "missing": Section("missing", "Missing child", (
        Field("missing.missing_since", "When did the child go missing?", DATETIME),
        Field("missing.last_seen", "Where was the child last seen?"),
        Field("missing.police_reference", "Police reference", hint="Report a missing child to the police first"))),
    "online_harm": Section("online_harm", "Online harm", (
        Field("online_harm.platforms", "Which apps, sites or games are involved?"),
        _yes_no("online_harm.images_shared", "Have images of the child been shared?"),
        _yes_no("online_harm.police_informed", "Have the police been told?"))),
}
URGENCY = Field("urgency", "How soon do you think the child needs a response?", CHOICE,
                options={urgency.value: name for urgency, name in URGENCY_NAMES.items()})
YOU = Section("you", "Your details", (
    Field("role", "Your role (optional)", hint="For example, designated safeguarding lead", autocomplete="organization-title"),
    Field("phone", "A phone number the team can call you on (optional)", autocomplete="tel"),
))


def concern_sections(form: CauseForConcern) -> list[Section]:
    """The cause for concern's sections: the common ones, and only those its categories ask."""
    return [
        Section("categories", "What the concern is about", (
            Field("categories", "What is the concern about?", CHOICES, "Select all that apply. The questions below follow "
                  "what you choose: save to see them.", {category.value: name for category, name in CATEGORY_NAMES.items()}),
            Field("other_category", "If other, what kind of concern is it?"))),
        CHILD,
        Section("concern", "Your concern", (
            Field("concern", "Describe your concern about the child, and what happened", TEXTAREA),
            Field("household", "Who lives with the child, if you know (optional)", TEXTAREA))),
        *(CATEGORY_SECTIONS[key] for key in form.sections_asked()),
        Section("actions", "What you have done", (Field("actions_taken", "What have you done about the concern so far?", TEXTAREA),)),
        Section("consent", "Consent", (
            _yes_no("consent.sought", "Did you ask the family for consent to this referral?"),
            _yes_no("consent.given", "If you asked, did the family give consent?"),
            Field("consent.not_sought_reason", "If you did not ask, why not?", TEXTAREA,
                  "You can refer without consent where asking would put the child at greater risk")),
            intro="Safeguarding can go ahead without the family's consent."),
        Section("urgency", "Urgency", (URGENCY,)),
        YOU,
    ]


def request_sections() -> list[Section]:
    return [
        CHILD,
        Section("request", "What you need", (
            Field("information_wanted", "What information do you need about the child?", TEXTAREA),
            Field("reason", "Why do you need it?", TEXTAREA, "The reason you need it, so the council can share it lawfully"),
            URGENCY)),
        YOU,
    ]


def sections_for(draft: Draft) -> list[Section]:
    return concern_sections(draft.form) if isinstance(draft.form, CauseForConcern) else request_sections()


def _set(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def _date(form: Form, item: Field, errors: Errors) -> date | None:
    parts = [form.get(f"{item.name}-{part}") for part in ("day", "month", "year")]
    if not any(parts):
        return None
    try:
        day, month, year = (int(part) for part in parts)
        if year < 1000:
            raise ValueError(year)
        return date(year, month, day)
    except ValueError:
        errors.add(item.anchor, f"{item.label} must be a real date, like 27 3 2015")
        return None


def _value(form: Form, item: Field, errors: Errors) -> Any:
    if item.kind == CHOICES:
        return form.all(item.name)
    if item.kind == YES_NO:
        return {"yes": True, "no": False}.get(form.get(item.name))
    if item.kind == DATE:
        found = _date(form, item, errors)
        return found.isoformat() if found else None
    if item.kind == DATETIME:
        day = _date(form, item, errors)
        typed = form.get(f"{item.name}-time")
        if day is None:
            return None
        match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", typed)
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            errors.add(item.anchor, f"{item.label}: enter the time, like 14:30")
            return None
        return datetime.combine(day, time(int(match.group(1)), int(match.group(2))), LONDON).isoformat()
    return form.get(item.name) or None


@dataclass
class Posted:
    form: CauseForConcern | InformationRequest | None  # None when a value is wrong (errors says which)
    role: str | None
    phone: str | None
    errors: Errors


def read(draft: Draft, posted: Form) -> Posted:
    """The posted answers as the draft's form model, or the errors of the values that are wrong."""
    errors, data, extra = Errors(), {}, {}
    for section in sections_for(draft):
        for item in section.fields:
            value = _value(posted, item, errors)
            if item.name in DRAFT_ONLY:
                extra[item.name] = value
            elif value not in (None, [], ""):
                _set(data, item.name, value)
    model = CauseForConcern if draft.kind is SubmissionKind.CAUSE_FOR_CONCERN else InformationRequest
    form = None
    try:
        form = model.model_validate(data)
    except ValidationError as error:
        for field_id, message in errors_from(error, _anchors(draft)).by_field.items():
            errors.add(re.sub(r"-\d+$", "", field_id), message)
    try:
        Draft.model_validate({**draft.model_dump(), **extra})
    except ValidationError as error:
        for field_id, message in errors_from(error).by_field.items():
            errors.add(field_id, PHONE_MESSAGE if field_id == "phone" else message)
    return Posted(form if not errors else None, extra.get("role"), extra.get("phone"), errors)


def _anchors(draft: Draft) -> dict[str, str]:
    return {item.name: item.anchor for section in sections_for(draft) for item in section.fields}


def missing_errors(draft: Draft, missing: list[MissingItem]) -> Errors:
    """Each missing answer as a GOV.UK error linked to its field."""
    anchors, errors = _anchors(draft), Errors()
    for item in missing:
        errors.add(anchors.get(item.code, item.code.replace(".", "-")), item.description)
    return errors


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(inner, f"{prefix}.{key}" if prefix else key, out)
    else:
        out[prefix] = value


def values_of(draft: Draft) -> dict[str, Any]:
    """The draft's answers as the page's fields hold them: text, "yes"/"no", lists, and dates as their three boxes."""
    flat: dict[str, Any] = {}
    _flatten(draft.form.model_dump(mode="json"), "", flat)
    flat.update(role=draft.role, phone=draft.phone)
    shown: dict[str, Any] = {}
    for section in sections_for(draft):
        for item in section.fields:
            value = flat.get(item.name)
            if value is None:
                continue
            if item.kind == YES_NO:
                shown[item.name] = "yes" if value else "no"
            elif item.kind in (DATE, DATETIME):
                moment = datetime.fromisoformat(value)
                if item.kind == DATETIME:
                    moment = moment.astimezone(LONDON)
                    shown[f"{item.name}-time"] = f"{moment:%H:%M}"
                shown.update({f"{item.name}-day": str(moment.day), f"{item.name}-month": str(moment.month), f"{item.name}-year": str(moment.year)})
            else:
                shown[item.name] = value
    return shown


def values_posted(posted: Form) -> dict[str, Any]:
    """What the person typed, to show it again beside the errors (checkboxes as lists)."""
    return {name: values if name in LIST_FIELDS else values[-1] for name, values in posted.without_csrf().items()}
