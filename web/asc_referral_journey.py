"""The public adult social care referral form as question pages: which fields each page asks (built from the council's
question set), how the typed answers become the `Referral` intake validates, and each page's own checks.

Nothing here touches AWS: web/pages/asc_referral.py keeps the answers and calls `receive_referral`. The field, answer and
date helpers are the keying-in journey's (web/intake_journey.py), so both journeys read and show answers the same way.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from shared.core.domain.council import CouncilConfig
from shared.resources import ASC_PUBLIC_PATH_PREFIX
from shared.services.asc_triage.domain.questions import (
    CARER_UNABLE_WAYS,
    LocalAnswerKind,
    OutcomeQuestion,
    QuestionSet,
    WellbeingImpact,
)
from shared.services.asc_triage.domain.referral import (
    ADULT_AGE,
    EARLIEST_BIRTH_DATE,
    ConsentGiven,
    Referral,
    ReferralFor,
    ReferrerKind,
    answer_errors,
)
from shared.services.asc_triage.domain.signposting import OUTCOMES
from web.forms import Errors
from web.intake_journey import (
    NO,
    YES,
    YES_NO,
    Answers,
    Field,
    Kind,
    message_for,
    read_date,
)

REFERRAL_ID = "referral-id"  # made with the first answer, so a repeated submit is the same referral (a duplicate)
QUESTION_SET_VERSION = "question-set-version"  # the version the pages were built from, kept for the whole journey
SUBMITTED_CASE = "submitted-case-id"  # all the journey keeps once sent: the case its confirmation and hub booking read
CAN_DO_IT = "NONE"  # the outcome checkbox that says the person can achieve it (no way of being unable)
CARER_SUPPORT = "carer_support"  # the directory's outcome for support to carers themselves

PHONE_FORMAT = "Enter a telephone number, like 01632 960 001 or +44 7700 900 982"
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"

# The statutory outcomes grouped into pages of related activities (every outcome id is on exactly one page).
ADULT_OUTCOME_PAGES = (
    ("daily-living", "Looking after themselves", ("nutrition", "personal_hygiene", "toilet_needs", "clothing")),
    ("home", "Their home", ("home_safety", "habitable_home")),
    ("community", "Family, work and community", ("relationships", "work_education_volunteering", "community_facilities",
                                                 "caring_for_child")),
)
CARER_OUTCOME_PAGES = (
    ("carer-caring", "Caring, and their home", ("caring_for_child", "caring_for_others", "habitable_home", "nutrition")),
    ("carer-own-life", "Their own life", ("relationships", "work_education_volunteering", "community_facilities",
                                          "recreation")),
)


def council_path(council_code: str) -> str:
    return f"{ASC_PUBLIC_PATH_PREFIX}{council_code.lower()}"


def refer_path(council_code: str, slug: str = "") -> str:
    return f"{council_path(council_code)}/refer" + (f"/{slug}" if slug else "")


def new_referral_id() -> str:
    return f"WEB-{secrets.token_hex(8).upper()}"


def referrer_kind(answers: Answers) -> str:
    return answers.value("referrer-kind")


def is_self(answers: Answers) -> bool:
    return referrer_kind(answers) == ReferrerKind.SELF


def is_carer(answers: Answers) -> bool:
    return answers.value("referral-for") == ReferralFor.CARER


def is_adult_needs(answers: Answers) -> bool:
    return answers.value("referral-for") == ReferralFor.ADULT_NEEDS


# --- the fields ---------------------------------------------------------------------------------------------------


def _about_the_person(fields: Iterable[Field], answers: Answers) -> tuple[Field, ...]:
    """A browser's autofill holds the referrer's own details: offered only when the referral is about themselves."""
    return tuple(fields) if is_self(answers) else tuple(replace(item, autocomplete="off") for item in fields)


REFERRER_KIND = Field("referrer-kind", "Who is making this referral?", Kind.RADIOS, ("referrer.kind",), {
    ReferrerKind.SELF.value: "I am referring myself",
    ReferrerKind.FAMILY_OR_FRIEND.value: "I am a family member, friend or neighbour",
    ReferrerKind.PROFESSIONAL.value: "I am a professional, for example a GP, nurse, social worker or housing officer",
})
REFERRER_NAME = Field("referrer-name", "Your full name", locations=("referrer.name",), autocomplete="name")
REFERRER_ORGANISATION = Field("referrer-organisation", "Your organisation", locations=("referrer.organisation",),
                              autocomplete="organization")
REFERRER_ROLE = Field("referrer-role", "Your job title or role", locations=("referrer.role",), autocomplete="organization-title",
                      width="govuk-!-width-two-thirds")
REFERRER_PHONE = Field("referrer-phone", "Your phone number", locations=("referrer.phone",), autocomplete="tel",
                       width="govuk-input--width-20", invalid=PHONE_FORMAT, hint="Give a phone number or an email address, or both")
REFERRER_EMAIL = Field("referrer-email", "Your email address", locations=("referrer.email",), autocomplete="email",
                       invalid=EMAIL_FORMAT)
REFERRAL_FOR = Field("referral-for", "What is the referral about?", Kind.RADIOS, ("referral_for",), {
    ReferralFor.ADULT_NEEDS.value: "The person's own care and support needs",
    ReferralFor.CARER.value: "Support for the person as an unpaid carer of another adult",
}, hint="An unpaid carer looks after a family member, partner or friend who needs help because of illness, disability, "
        "mental health or addiction.")
GIVEN_NAME = Field("person-given-name", "First name", locations=("adult.given_name",), autocomplete="given-name")
FAMILY_NAME = Field("person-family-name", "Last name", locations=("adult.family_name",), autocomplete="family-name")
DATE_OF_BIRTH = Field("person-dob", "Date of birth", Kind.DATE, ("adult.date_of_birth",), hint="For example, 27 3 1957")
NHS_NUMBER = Field("person-nhs-number", "NHS number (optional)", locations=("adult.nhs_number",), width="govuk-input--width-10",
                   hint="10 digits, for example 943 476 5919. It is on letters from the NHS and in the NHS App.",
                   invalid="Enter a real NHS number of 10 digits, like 943 476 5919", autocomplete="off")
ADDRESS_LINE1 = Field("address-line1", "Address line 1", locations=("adult.address.line1",), autocomplete="address-line1")
ADDRESS_LINE2 = Field("address-line2", "Address line 2 (optional)", locations=("adult.address.line2",), autocomplete="address-line2")
ADDRESS_TOWN = Field("address-town", "Town or city (optional)", locations=("adult.address.town",), autocomplete="address-level2",
                     width="govuk-!-width-two-thirds")
POSTCODE = Field("address-postcode", "Postcode", locations=("adult.address.postcode",), autocomplete="postal-code",
                 width="govuk-input--width-10", invalid="Enter a full UK postcode, like NE1 4XF")
# Named contact-phone and contact-email: the shared field macro gives these names their input types (tel, email).
CONTACT_PHONE = Field("contact-phone", "Phone number", locations=("adult.phone",), autocomplete="tel",
                      width="govuk-input--width-20", invalid=PHONE_FORMAT)
CONTACT_EMAIL = Field("contact-email", "Email address", locations=("adult.email",), autocomplete="email", invalid=EMAIL_FORMAT)
CONSENT = Field("consent-given", "Does the person know about this referral, and agree to it?", Kind.RADIOS, ("consent.given",), {
    ConsentGiven.YES.value: "Yes, they agree",
    ConsentGiven.NO.value: "No, they do not agree",
    ConsentGiven.NOT_ASKED.value: "No, they have not been asked",
})
CONSENT_REASON = Field("consent-reason", "If they do not agree, or have not been asked, tell us why", Kind.TEXTAREA,
                       ("consent.reason",), hint="For example, they cannot decide for themselves, or someone is at risk.")
CARER_CARING_FOR = Field("carer-caring-for", "Who do they care for, and what care do they give? (optional)", Kind.TEXTAREA,
                         ("answers.carer.caring_for",))


def _urgent_fields(answers: Answers, questions: QuestionSet) -> tuple[Field, ...]:
    return tuple(Field(f"urgent-{question.id}", question.wording, Kind.RADIOS, (f"answers.urgent.{question.id}",), YES_NO,
                       hint=question.hint) for question in questions.urgent)


def _referrer_fields(answers: Answers, questions: QuestionSet) -> tuple[Field, ...]:
    if referrer_kind(answers) == ReferrerKind.PROFESSIONAL:
        return REFERRER_NAME, REFERRER_ORGANISATION, REFERRER_ROLE, REFERRER_PHONE, REFERRER_EMAIL
    return REFERRER_NAME, REFERRER_PHONE, REFERRER_EMAIL


def _person_fields(answers: Answers, questions: QuestionSet) -> tuple[Field, ...]:
    return _about_the_person((GIVEN_NAME, FAMILY_NAME, DATE_OF_BIRTH, NHS_NUMBER), answers)


def _address_fields(answers: Answers, questions: QuestionSet) -> tuple[Field, ...]:
    return _about_the_person((ADDRESS_LINE1, ADDRESS_LINE2, ADDRESS_TOWN, POSTCODE), answers)


def _contact_fields(answers: Answers, questions: QuestionSet) -> tuple[Field, ...]:
    fields = (CONTACT_PHONE, CONTACT_EMAIL)
    if not is_self(answers):  # someone else's contact details are welcome, not required
        fields = tuple(replace(item, label=f"{item.label} (optional)") for item in fields)
    return _about_the_person(fields, answers)


def _impairment_fields(answers: Answers, questions: QuestionSet) -> tuple[Field, ...]:
    return (
        Field("impairment", questions.impairment.wording, Kind.RADIOS, ("answers.impairment.has_impairment",), YES_NO,
              hint=questions.impairment.hint),
        # Not a conditional reveal: GOV.UK Frontend's sets aria-expanded on the radio, which ARIA does not allow (its #979).
        Field("impairment-description", "If yes, what is the condition, illness or disability?", Kind.TEXTAREA,
              ("answers.impairment.description",)),
    )


def _outcome_field(prefix: str, location: str, outcome: OutcomeQuestion, questions: QuestionSet, carer: bool) -> Field:
    ways = {option.way.value: option.wording for option in questions.unable_ways if not carer or option.way in CARER_UNABLE_WAYS}
    return Field(f"{prefix}-{outcome.id}", outcome.wording, Kind.CHECKBOXES, (f"{location}.{outcome.id}",),
                 ways | {CAN_DO_IT: "They can do this without difficulty"}, hint=outcome.hint)


def _outcome_fields(ids: tuple[str, ...], carer: bool) -> Callable[[Answers, QuestionSet], tuple[Field, ...]]:
    def fields(answers: Answers, questions: QuestionSet) -> tuple[Field, ...]:
        outcomes = questions.carer.outcomes if carer else questions.outcomes
        prefix, location = ("carer-outcome", "answers.carer.outcomes") if carer else ("outcome", "answers.outcomes")
        return tuple(_outcome_field(prefix, location, outcome, questions, carer) for outcome in outcomes if outcome.id in ids)
    return fields


def _carer_fields(answers: Answers, questions: QuestionSet) -> tuple[Field, ...]:
    carer = questions.carer
    return (
        Field("carer-needs", carer.needs_from_caring.wording, Kind.RADIOS, ("answers.carer.needs_from_caring",), YES_NO,
              hint=carer.needs_from_caring.hint),
        Field("carer-health", carer.health_at_risk.wording, Kind.RADIOS, ("answers.carer.health_at_risk",), YES_NO,
              hint=carer.health_at_risk.hint),
        CARER_CARING_FOR,
    )


def _wellbeing_fields(answers: Answers, questions: QuestionSet) -> tuple[Field, ...]:
    wellbeing = questions.wellbeing
    return (
        Field("wellbeing", wellbeing.wording, Kind.RADIOS, ("answers.wellbeing.impact",),
              {option.impact.value: option.wording for option in wellbeing.options}, hint=wellbeing.hint),
        Field("wellbeing-description", "How is their wellbeing affected?", Kind.TEXTAREA, ("answers.wellbeing.description",),
              hint="Leave this blank if it is not affected at all."),
    )


def _local_fields(answers: Answers, questions: QuestionSet) -> tuple[Field, ...]:
    return tuple(
        Field(f"local-{question.id}", question.wording if question.required else f"{question.wording} (optional)",
              Kind.RADIOS if question.answer_kind is LocalAnswerKind.YES_NO else Kind.TEXTAREA,
              (f"answers.local.{question.id}",), YES_NO if question.answer_kind is LocalAnswerKind.YES_NO else {},
              hint=question.hint)
        for question in questions.local
    )


# --- the pages ----------------------------------------------------------------------------------------------------


def _always(answers: Answers, questions: QuestionSet) -> bool:
    return True


def _nothing_required(answers: Answers, questions: QuestionSet) -> dict[str, str]:
    return {}


@dataclass(frozen=True)
class Step:
    slug: str
    title: Callable[[Answers], str]  # the page's heading and its section on check your answers
    fields: Callable[[Answers, QuestionSet], tuple[Field, ...]]
    applies: Callable[[Answers, QuestionSet], bool] = _always
    required: Callable[[Answers, QuestionSet], dict[str, str]] = _nothing_required  # field -> message when blank
    intro: str | None = None

    def names(self, answers: Answers, questions: QuestionSet) -> tuple[str, ...]:
        return tuple(name for item in self.fields(answers, questions) for name in item.names())


def _titled(text: str) -> Callable[[Answers], str]:
    return lambda answers: text


def _yes_no_required(fields: Callable[[Answers, QuestionSet], tuple[Field, ...]]) -> Callable[[Answers, QuestionSet], dict[str, str]]:
    return lambda answers, questions: {item.name: f"Select yes or no: {item.label}"
                                       for item in fields(answers, questions) if item.options == YES_NO}


def _outcomes_required(fields: Callable[[Answers, QuestionSet], tuple[Field, ...]]) -> Callable[[Answers, QuestionSet], dict[str, str]]:
    return lambda answers, questions: {item.name: f"Select how this is difficult for them, or that they can do it without "
                                                  f"difficulty: {item.label}" for item in fields(answers, questions)}


def _whose(answers: Answers) -> str:
    return "your" if is_self(answers) else "their"


def _person_title(answers: Answers) -> str:
    if is_self(answers):
        return "About you"
    return "About the carer" if is_carer(answers) else "About the person"


def _address_title(answers: Answers) -> str:
    return "Your address" if is_self(answers) else "Their address"


def _contact_title(answers: Answers) -> str:
    return "Your contact details" if is_self(answers) else "Their contact details"


def _local_required(answers: Answers, questions: QuestionSet) -> dict[str, str]:
    messages = {}
    for question in questions.local:
        if question.required:
            verb = "Select yes or no" if question.answer_kind is LocalAnswerKind.YES_NO else "Answer the question"
            messages[f"local-{question.id}"] = f"{verb}: {question.wording}"
    return messages


OUTCOMES_INTRO = "For each activity, select all that apply. Think about a typical week."

STEPS = (
    Step("urgent", _titled("Is anyone at risk?"), _urgent_fields, required=_yes_no_required(_urgent_fields),
         intro="We ask these questions first, so that urgent referrals reach the right team straight away."),
    Step("referrer", _titled("Who is referring"), lambda answers, questions: (REFERRER_KIND,),
         required=lambda answers, questions: {REFERRER_KIND.name: "Select who is making this referral"}),
    Step("referrer-details", _titled("Your details"), _referrer_fields, lambda answers, questions: not is_self(answers),
         lambda answers, questions: {REFERRER_NAME.name: "Enter your full name"} | (
             {REFERRER_ORGANISATION.name: "Enter the name of your organisation", REFERRER_ROLE.name: "Enter your job title or role"}
             if referrer_kind(answers) == ReferrerKind.PROFESSIONAL else {}),
         intro="So that the council can contact you about the referral."),
    Step("referral-for", _titled("What the referral is about"), lambda answers, questions: (REFERRAL_FOR,),
         required=lambda answers, questions: {REFERRAL_FOR.name: "Select what the referral is about"}),
    Step("person", _person_title, _person_fields,
         required=lambda answers, questions: {GIVEN_NAME.name: f"Enter {_whose(answers)} first name",
                                              FAMILY_NAME.name: f"Enter {_whose(answers)} last name",
                                              DATE_OF_BIRTH.name: f"Enter {_whose(answers)} date of birth"}),
    Step("address", _address_title, _address_fields,
         required=lambda answers, questions: {ADDRESS_LINE1.name: "Enter address line 1, typically the building and street",
                                              POSTCODE.name: "Enter the postcode"}),
    Step("contact", _contact_title, _contact_fields,
         intro="The council will use these to arrange what happens next. Give at least one if you are referring yourself."),
    Step("consent", _titled("Consent"), lambda answers, questions: (CONSENT, CONSENT_REASON), lambda answers, questions: not is_self(answers),
         lambda answers, questions: {CONSENT.name: "Select whether the person knows about this referral and agrees to it"},
         intro="Ask the person before you refer them, if you can."),
    Step("impairment", _titled("Health and disability"), _impairment_fields, lambda answers, questions: is_adult_needs(answers),
         lambda answers, questions: {"impairment": f"Select yes or no: {questions.impairment.wording}"}),
    *(Step(slug, _titled(title), _outcome_fields(ids, carer=False), lambda answers, questions: is_adult_needs(answers),
           _outcomes_required(_outcome_fields(ids, carer=False)), OUTCOMES_INTRO) for slug, title, ids in ADULT_OUTCOME_PAGES),
    Step("carer", _titled("Caring"), _carer_fields, lambda answers, questions: is_carer(answers), _yes_no_required(_carer_fields)),
    *(Step(slug, _titled(title), _outcome_fields(ids, carer=True), lambda answers, questions: is_carer(answers),
           _outcomes_required(_outcome_fields(ids, carer=True)), OUTCOMES_INTRO) for slug, title, ids in CARER_OUTCOME_PAGES),
    Step("wellbeing", _titled("Wellbeing"), _wellbeing_fields,
         required=lambda answers, questions: {"wellbeing": f"Select an answer: {questions.wellbeing.wording}"}),
    Step("local", _titled("Other questions"), _local_fields, lambda answers, questions: bool(questions.local), _local_required),
)
STEPS_BY_SLUG = {step.slug: step for step in STEPS}


def steps_for(answers: Answers, questions: QuestionSet) -> list[Step]:
    return [step for step in STEPS if step.applies(answers, questions)]


def next_step(step: Step, answers: Answers, questions: QuestionSet) -> Step | None:
    """The next page that applies, or None when the check-your-answers page is next."""
    later = [other for other in steps_for(answers, questions) if STEPS.index(other) > STEPS.index(step)]
    return later[0] if later else None


def previous_step(step: Step, answers: Answers, questions: QuestionSet) -> Step | None:
    earlier = [other for other in steps_for(answers, questions) if STEPS.index(other) < STEPS.index(step)]
    return earlier[-1] if earlier else None


# --- the referral -------------------------------------------------------------------------------------------------


def _text(answers: Answers, name: str) -> str | None:
    return answers.value(name) or None


def _yes_no(answers: Answers, name: str) -> bool | None:
    return {YES: True, NO: False}.get(answers.value(name))


def _without_blanks(data: dict[str, Any]) -> dict[str, Any]:
    """None dropped (nested dicts too), so pydantic names a missing field at its own place."""
    return {key: _without_blanks(value) if isinstance(value, dict) else value for key, value in data.items() if value is not None}


def _outcome_answers(answers: Answers, fields: Iterable[Field]) -> dict[str, list[str]]:
    """Answered outcomes only: the checked ways, or none at all for "they can do this"."""
    return {question_id(item): [way for way in answers.values(item.name) if way != CAN_DO_IT]
            for item in fields if answers.values(item.name)}


def question_id(item: Field) -> str:
    """The question set's id of a field built from one of its questions (the last part of its location)."""
    return item.locations[0].rsplit(".", 1)[-1]


def _all_fields(slugs: Iterable[str], answers: Answers, questions: QuestionSet) -> list[Field]:
    return [item for slug in slugs for item in STEPS_BY_SLUG[slug].fields(answers, questions)]


def referral_data(answers: Answers, questions: QuestionSet, council: CouncilConfig, submitted_at: datetime,
                  born: date | None) -> dict[str, Any]:
    """The Referral as the intake model receives it, from the answers (blank answers left out)."""
    adult = {
        "given_name": _text(answers, GIVEN_NAME.name), "family_name": _text(answers, FAMILY_NAME.name), "date_of_birth": born,
        "nhs_number": _text(answers, NHS_NUMBER.name),
        "address": {part: _text(answers, f"address-{part}") for part in ("line1", "line2", "town", "postcode")},
        "phone": _text(answers, CONTACT_PHONE.name), "email": _text(answers, CONTACT_EMAIL.name),
    }
    kind = referrer_kind(answers)
    if kind == ReferrerKind.SELF:
        full_name = " ".join(part for part in (adult["given_name"], adult["family_name"]) if part) or None
        referrer = {"kind": kind, "name": full_name, "email": adult["email"], "phone": adult["phone"]}
        consent = {"given": ConsentGiven.YES.value}  # referring yourself is agreeing to it
    else:
        professional = kind == ReferrerKind.PROFESSIONAL
        referrer = {
            "kind": kind or None, "name": _text(answers, REFERRER_NAME.name),
            "organisation": _text(answers, REFERRER_ORGANISATION.name) if professional else None,
            "role": _text(answers, REFERRER_ROLE.name) if professional else None,
            "email": _text(answers, REFERRER_EMAIL.name), "phone": _text(answers, REFERRER_PHONE.name),
        }
        consent = {"given": _text(answers, CONSENT.name), "reason": _text(answers, CONSENT_REASON.name)}
    given: dict[str, Any] = {
        "urgent": {question_id(item): answers.value(item.name) == YES
                   for item in _urgent_fields(answers, questions) if answers.value(item.name)},
        "wellbeing": {"impact": _text(answers, "wellbeing"), "description": _text(answers, "wellbeing-description")},
        "local": _local_answers(answers, questions),
    }
    if is_carer(answers):
        given["carer"] = {
            "needs_from_caring": _yes_no(answers, "carer-needs"), "health_at_risk": _yes_no(answers, "carer-health"),
            "caring_for": _text(answers, CARER_CARING_FOR.name),
            "outcomes": _outcome_answers(answers, _all_fields([slug for slug, _, _ in CARER_OUTCOME_PAGES], answers, questions)),
        }
    else:
        if answers.value("impairment"):
            given["impairment"] = {"has_impairment": _yes_no(answers, "impairment"),
                                   "description": _text(answers, "impairment-description") if answers.value("impairment") == YES else None}
        given["outcomes"] = _outcome_answers(answers, _all_fields([slug for slug, _, _ in ADULT_OUTCOME_PAGES], answers, questions))
    return _without_blanks({
        "referral_id": answers.value(REFERRAL_ID), "council_code": council.code,
        "question_set_version": int(answers.value(QUESTION_SET_VERSION) or questions.version),
        "submitted_at": submitted_at.isoformat(), "referral_for": _text(answers, REFERRAL_FOR.name),
        "referrer": referrer, "adult": adult, "consent": consent, "answers": given,
    })


def _local_answers(answers: Answers, questions: QuestionSet) -> dict[str, bool | str]:
    given: dict[str, bool | str] = {}
    for question in questions.local:
        typed = answers.value(f"local-{question.id}")
        if typed:
            given[question.id] = typed == YES if question.answer_kind is LocalAnswerKind.YES_NO else typed
    return given


# --- checking -----------------------------------------------------------------------------------------------------


@dataclass
class Checked:
    """The answers as a Referral (when every page is valid), and the problems found, by page."""

    referral: Referral | None
    errors: dict[str, Errors]  # step slug -> its errors

    def of(self, step: Step) -> Errors:
        return self.errors.get(step.slug) or Errors()


class ErrorPlaces:
    """Where each of the referral's fields is asked: a dotted location (pydantic's, or an AnswerError's) -> page and field."""

    def __init__(self, steps: list[Step], answers: Answers, questions: QuestionSet):
        self._places = {location: (step.slug, item) for step in steps for item in step.fields(answers, questions)
                        for location in item.locations}
        if is_self(answers):  # a self-referrer's own details are the person's
            self._places |= {"referrer.name": ("person", GIVEN_NAME), "referrer.email": ("contact", CONTACT_EMAIL),
                             "referrer.phone": ("contact", CONTACT_PHONE)}
        self._first = (steps[0].slug, steps[0].fields(answers, questions)[0])

    def find(self, location: str) -> tuple[str, Field] | None:
        """The field asked at `location` or, for a part of it (an outcome's list item), the nearest field above."""
        parts = location.split(".")
        while parts:
            if (place := self._places.get(".".join(parts))) is not None:
                return place
            parts.pop()
        return None

    def place(self, errors: dict[str, Errors], location: str, message: Callable[[Field], str]) -> None:
        found = self.find(location)
        if found is None:
            if any(errors.values()):
                return  # a rule across fields that a page's own checks have already named
            found = self._first
        slug, item = found
        errors.setdefault(slug, Errors()).add(item.error_id, message(item))


def problem_message(problem: dict[str, Any], item: Field) -> str:
    """pydantic's problem in the words of the page; a value in the wrong format gets the field's own message."""
    if item.invalid and problem.get("type") in ("string_pattern_mismatch", "nhs_number", "postcode"):
        return item.invalid
    return message_for(problem, item)


def check(answers: Answers, questions: QuestionSet, council: CouncilConfig, submitted_at: datetime) -> Checked:
    """Every page's checks, then the intake model's validation and `answer_errors`, each problem given to its page."""
    steps = steps_for(answers, questions)
    errors = {step.slug: Errors() for step in steps}
    born = None
    for step in steps:
        page = errors[step.slug]
        fields = {item.name: item for item in step.fields(answers, questions)}
        for name, message in step.required(answers, questions).items():
            if not any(answers.value(part) for part in fields[name].names()):
                page.add(fields[name].error_id, message)
        for item in fields.values():
            if item.kind is Kind.DATE:
                born = read_date(answers, item, page)
            if item.kind is Kind.CHECKBOXES and CAN_DO_IT in answers.values(item.name) and len(answers.values(item.name)) > 1:
                page.add(item.error_id, f"Select how this is difficult for them, or that they can do it without difficulty, "
                                        f"not both: {item.label}")
        _page_rules(step, answers, born, page)
    places = ErrorPlaces(steps, answers, questions)
    referral = None
    try:
        referral = Referral.model_validate(referral_data(answers, questions, council, submitted_at, born))
    except ValidationError as error:
        for problem in error.errors():
            location = ".".join(str(part) for part in problem["loc"])
            places.place(errors, location, lambda item, problem=problem: problem_message(problem, item))
    else:
        for found in answer_errors(referral, questions):
            places.place(errors, found.field, lambda item, found=found: f"{item.label}: {found.message}")
    problems = {slug: page for slug, page in errors.items() if page}
    return Checked(referral if not problems else None, problems)


def refused_errors(refused: Iterable[Any], answers: Answers, questions: QuestionSet) -> dict[str, Errors]:
    """`ReferralRefused.errors` (each names a dotted field) given to the pages that ask them."""
    errors: dict[str, Errors] = {}
    places = ErrorPlaces(steps_for(answers, questions), answers, questions)
    for found in refused:
        places.place(errors, found.field, lambda item, found=found: f"{item.label}: {found.message}")
    if not errors:  # e.g. a question set version the council no longer has: start again on the current one
        errors.setdefault(STEPS[0].slug, Errors()).add(STEPS[0].fields(answers, questions)[0].error_id,
                                                       "The questions have changed since you started. Check your answers again")
    return errors


def _page_rules(step: Step, answers: Answers, born: date | None, errors: Errors) -> None:
    """The checks a page makes in its own words, before the model's (the first message for a field is the one shown)."""
    if step.slug == "person" and born is not None:
        today = date.today()
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        if born > today:
            errors.add(DATE_OF_BIRTH.error_id, "Date of birth must be in the past")
        elif born < EARLIEST_BIRTH_DATE:
            errors.add(DATE_OF_BIRTH.error_id, f"Date of birth must be on or after {EARLIEST_BIRTH_DATE.day} January {EARLIEST_BIRTH_DATE.year}")
        elif age < ADULT_AGE:
            errors.add(DATE_OF_BIRTH.error_id, f"The person must be {ADULT_AGE} or over. Contact children's services about a child")
    if step.slug == "referrer-details" and not (answers.value(REFERRER_EMAIL.name) or answers.value(REFERRER_PHONE.name)):
        errors.add(REFERRER_PHONE.name, "Enter your phone number or your email address")
    if step.slug == "contact" and is_self(answers) and not (answers.value(CONTACT_PHONE.name) or answers.value(CONTACT_EMAIL.name)):
        errors.add(CONTACT_PHONE.name, "Enter your phone number or your email address")
    if step.slug == "consent" and answers.value(CONSENT.name) in (ConsentGiven.NO, ConsentGiven.NOT_ASKED) \
            and not answers.value(CONSENT_REASON.name):
        errors.add(CONSENT_REASON.name, "Tell us why the person does not agree or has not been asked")
    if step.slug == "impairment" and answers.value("impairment") == YES and not answers.value("impairment-description"):
        errors.add("impairment-description", "Enter the condition, illness or disability")
    if step.slug == "wellbeing" and answers.value("wellbeing") not in ("", WellbeingImpact.NONE) and not answers.value("wellbeing-description"):
        errors.add("wellbeing-description", "Enter how their wellbeing is affected")


# --- after sending ------------------------------------------------------------------------------------------------


def unable_outcome_ids(referral: Referral) -> list[str]:
    """The directory outcomes to signpost for: what the person cannot achieve (and support for carers, for a carer)."""
    if referral.referral_for is ReferralFor.CARER and referral.answers.carer is not None:
        ids = [id_ for id_, ways in referral.answers.carer.outcomes.items() if CARER_UNABLE_WAYS.intersection(ways)]
        ids.append(CARER_SUPPORT)
    else:
        ids = [id_ for id_, ways in referral.answers.outcomes.items() if ways]
    return [id_ for id_ in ids if id_ in OUTCOMES]
