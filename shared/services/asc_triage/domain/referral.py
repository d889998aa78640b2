"""A referral to adult social care: who refers, the adult, consent, and the answers to the council's questions.

Shape errors (unknown fields, a wrong NHS number, a professional without an organisation) make a referral
malformed: it is refused at intake with the field named. Whether every question was answered depends on the
council's question set, so `answer_errors` checks the answers against the version the form was built from.

Publish the JSON Schema with `python -m shared.services.asc_triage.domain.referral`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from shared.core.domain.council import CouncilCode
from shared.core.domain.formats import Email, LongText, OneLine, Text, is_valid_postcode, normalise_postcode
from shared.services.asc_triage.domain.questions import (
    CARER_UNABLE_WAYS,
    LocalAnswerKind,
    OutcomeQuestion,
    QuestionId,
    QuestionSet,
    UnableWay,
    WellbeingImpact,
)

SCHEMA_FILE = Path(__file__).resolve().parents[4] / "schemas" / "asc-referral.schema.json"
ADULT_AGE = 18
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
_NHS_NUMBER = re.compile(r"^[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}$")


def nhs_number_check_digit(first_nine: str) -> int | None:
    """The NHS Modulus 11 check digit of the first nine digits; None when none fits (that number is never issued)."""
    remainder = sum(int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1))) % 11
    check = 11 - remainder
    return 0 if check == 11 else None if check == 10 else check


def is_valid_nhs_number(value: str) -> bool:
    digits = re.sub(r"[ -]", "", value)
    return bool(_NHS_NUMBER.fullmatch(value)) and nhs_number_check_digit(digits[:9]) == int(digits[9])


def _nhs_number(value: str) -> str:
    if not _NHS_NUMBER.fullmatch(value):
        raise PydanticCustomError("nhs_number", "an NHS number is 10 digits, e.g. 943 476 5919")
    if not is_valid_nhs_number(value):
        raise PydanticCustomError("nhs_number", "this is not a valid NHS number: check it was copied correctly")
    return re.sub(r"[ -]", "", value)


def _postcode(value: str) -> str:
    if not is_valid_postcode(value):
        raise PydanticCustomError("postcode", "{value} is not a UK postcode", {"value": value})
    return normalise_postcode(value)


def _unable_ways(ways: list[UnableWay]) -> list[UnableWay]:
    """In the Regulations' order, so equal answers compare and store equal."""
    if repeated := sorted({way for way in ways if ways.count(way) > 1}):
        raise PydanticCustomError("repeated_way", "{ways} is given more than once", {"ways": ", ".join(repeated)})
    return [way for way in UnableWay if way in ways]


NhsNumber = Annotated[str, Field(description="10 digits; spaces or hyphens in 3-3-4 groups allowed; stored as 10 digits",
                                 json_schema_extra={"pattern": _NHS_NUMBER.pattern}), AfterValidator(_nhs_number)]
Postcode = Annotated[str, Field(max_length=10), OneLine, AfterValidator(_postcode)]
Phone = Annotated[str, Field(pattern=r"^\+?[0-9 ()-]{7,20}$")]
# An empty list: the person can achieve the outcome.
UnableWays = Annotated[list[UnableWay], Field(max_length=len(UnableWay), json_schema_extra={"uniqueItems": True}),
                       AfterValidator(_unable_ways)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReferrerKind(StrEnum):
    SELF = "SELF"
    FAMILY_OR_FRIEND = "FAMILY_OR_FRIEND"
    PROFESSIONAL = "PROFESSIONAL"


class ReferralFor(StrEnum):
    ADULT_NEEDS = "ADULT_NEEDS"
    CARER = "CARER"


class ConsentGiven(StrEnum):
    YES = "YES"
    NO = "NO"
    NOT_ASKED = "NOT_ASKED"


class Referrer(Model):
    kind: ReferrerKind
    name: Text
    # Checked even when absent (validate_default), so the error names the missing field itself.
    organisation: Text | None = Field(default=None, validate_default=True)
    role: Text | None = Field(default=None, validate_default=True)
    email: Email | None = None
    phone: Phone | None = Field(default=None, validate_default=True)

    @field_validator("organisation", "role")
    @classmethod
    def _professional_says_where_from(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("kind") is ReferrerKind.PROFESSIONAL:
            raise ValueError(f"{info.field_name} is required for a professional referrer")
        return value

    @field_validator("phone")
    @classmethod
    def _reachable(cls, value: str | None, info: ValidationInfo) -> str | None:
        # A wrong email address is reported on its own field: "email" is then absent from info.data.
        if value is None and "email" in info.data and info.data["email"] is None:
            raise ValueError("give a phone number or an email address so the council can contact the referrer")
        return value


class Address(Model):
    line1: Text
    line2: Text | None = None
    town: Text | None = None
    postcode: Postcode


class Adult(Model):
    """The person the referral is about: the adult with needs, or the carer."""

    given_name: Text
    family_name: Text
    date_of_birth: date
    nhs_number: NhsNumber | None = None
    address: Address
    phone: Phone | None = None
    email: Email | None = None

    @field_validator("date_of_birth")
    @classmethod
    def _plausible_adult(cls, value: date) -> date:
        today = date.today()
        if value > today:
            raise ValueError("date of birth is in the future")
        if value < EARLIEST_BIRTH_DATE:
            raise ValueError(f"date of birth is before {EARLIEST_BIRTH_DATE.year}")
        if _age_on(value, today) < ADULT_AGE:
            raise ValueError(f"the person is under {ADULT_AGE}: refer children to children's services")
        return value


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Consent(Model):
    given: ConsentGiven
    reason: LongText | None = Field(default=None, validate_default=True, description="Why consent was not given or not asked")

    @field_validator("reason")
    @classmethod
    def _explained_when_not_given(cls, value: str | None, info: ValidationInfo) -> str | None:
        given = info.data.get("given")
        if value is None and given is not None and given is not ConsentGiven.YES:
            raise ValueError("reason is required when consent was not given or not asked")
        return value


class ImpairmentAnswer(Model):
    has_impairment: bool
    description: LongText | None = Field(default=None, validate_default=True)

    @field_validator("description")
    @classmethod
    def _described_when_present(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("has_impairment"):
            raise ValueError("description is required: say what the condition, illness or disability is")
        return value


class WellbeingAnswer(Model):
    impact: WellbeingImpact
    description: LongText | None = Field(default=None, validate_default=True)

    @field_validator("description")
    @classmethod
    def _described_when_affected(cls, value: str | None, info: ValidationInfo) -> str | None:
        impact = info.data.get("impact")
        if value is None and impact is not None and impact is not WellbeingImpact.NONE:
            raise ValueError("description is required: say how their wellbeing is affected")
        return value


class CarerAnswers(Model):
    needs_from_caring: bool
    health_at_risk: bool
    outcomes: dict[QuestionId, UnableWays] = Field(default_factory=dict)
    caring_for: LongText | None = Field(default=None, description="Who they care for, and the care they give")


class Answers(Model):
    impairment: ImpairmentAnswer | None = None
    outcomes: dict[QuestionId, UnableWays] = Field(default_factory=dict)
    wellbeing: WellbeingAnswer
    carer: CarerAnswers | None = None
    urgent: dict[QuestionId, bool] = Field(default_factory=dict)
    local: dict[QuestionId, bool | LongText] = Field(default_factory=dict)


class Referral(Model):
    referral_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{8,64}$", description="Chosen by the sender; repeats are the same referral")]
    council_code: CouncilCode
    question_set_version: int = Field(ge=1)
    submitted_at: AwareDatetime
    referral_for: ReferralFor
    referrer: Referrer
    adult: Adult
    consent: Consent
    answers: Answers


@dataclass(frozen=True)
class AnswerError:
    field: str  # dotted path, e.g. "answers.outcomes.nutrition"
    message: str


def answer_errors(referral: Referral, question_set: QuestionSet) -> list[AnswerError]:
    """What is unanswered, or answers a question the set does not ask; empty when the answers are complete."""
    if referral.question_set_version != question_set.version:
        # Answers to another version cannot be checked against this one.
        return [AnswerError("question_set_version", f"the answers are to version {referral.question_set_version} "
                                                    f"of the questions, not version {question_set.version}")]
    answers = referral.answers
    errors: list[AnswerError] = []
    if referral.referral_for is ReferralFor.ADULT_NEEDS:
        if answers.impairment is None:
            errors.append(AnswerError("answers.impairment", "not answered: whether the needs come from a condition or illness"))
        errors += _outcome_errors("answers.outcomes", answers.outcomes, question_set.outcomes, set(UnableWay))
        if answers.carer is not None:
            errors.append(AnswerError("answers.carer", "only answered when the referral is for a carer"))
    else:
        if answers.carer is None:
            errors.append(AnswerError("answers.carer", "not answered: a carer referral needs the questions for carers"))
        else:
            errors += _outcome_errors("answers.carer.outcomes", answers.carer.outcomes, question_set.carer.outcomes, CARER_UNABLE_WAYS)
        if answers.impairment is not None:
            errors.append(AnswerError("answers.impairment", "only answered when the referral is about the adult's own needs"))
        if answers.outcomes:
            errors.append(AnswerError("answers.outcomes", "only answered when the referral is about the adult's own needs; "
                                                          "a carer's outcomes go in answers.carer.outcomes"))
    errors += _unknown_errors("answers.urgent", answers.urgent, {question.id for question in question_set.urgent})
    errors += [AnswerError(f"answers.urgent.{question.id}", f"not answered: {question.wording}")
               for question in question_set.urgent if question.id not in answers.urgent]
    errors += _local_errors(answers.local, question_set)
    return errors


def _outcome_errors(path: str, given: dict[str, list[UnableWay]], outcomes: tuple[OutcomeQuestion, ...],
                    allowed_ways: set[UnableWay] | frozenset[UnableWay]) -> list[AnswerError]:
    errors = _unknown_errors(path, given, {outcome.id for outcome in outcomes})
    for outcome in outcomes:
        if outcome.id not in given:
            errors.append(AnswerError(f"{path}.{outcome.id}", f"not answered: {outcome.label}"))
        elif not_allowed := [way for way in given[outcome.id] if way not in allowed_ways]:
            errors.append(AnswerError(f"{path}.{outcome.id}", f"{', '.join(not_allowed)} is not a way a carer can be unable "
                                                               "to achieve an outcome"))
    return errors


def _unknown_errors(path: str, given: dict[str, Any], asked: set[str]) -> list[AnswerError]:
    return [AnswerError(f"{path}.{id_}", "not a question in this question set") for id_ in given if id_ not in asked]


def _local_errors(given: dict[str, bool | str], question_set: QuestionSet) -> list[AnswerError]:
    errors = _unknown_errors("answers.local", given, {question.id for question in question_set.local})
    for question in question_set.local:
        path = f"answers.local.{question.id}"
        if question.id not in given:
            if question.required:
                errors.append(AnswerError(path, f"not answered: {question.wording}"))
        elif isinstance(given[question.id], bool) != (question.answer_kind is LocalAnswerKind.YES_NO):
            expected = "yes or no" if question.answer_kind is LocalAnswerKind.YES_NO else "text"
            errors.append(AnswerError(path, f"the answer should be {expected}"))
    return errors


def referral_json_schema() -> dict[str, Any]:
    return Referral.model_json_schema()


def write_json_schema() -> None:
    SCHEMA_FILE.parent.mkdir(exist_ok=True)
    SCHEMA_FILE.write_text(json.dumps(referral_json_schema(), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")


if __name__ == "__main__":
    write_json_schema()
