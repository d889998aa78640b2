"""A council's referral questions as data, built from the national eligibility threshold: the Care and Support
(Eligibility Criteria) Regulations 2015 (SI 2015/313), regulation 2 for adults and regulation 3 for carers.

A council may reword any question and add local ones. It cannot remove a statutory outcome, since triage counts
them, nor a safeguarding question, since a referral must always be asked whether someone is at risk.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from shared.core.domain.formats import LongText, Text

QuestionId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,63}$", description="Stable snake_case id")]

# Regulation 2(2), in its order.
ADULT_OUTCOME_IDS = (
    "nutrition",
    "personal_hygiene",
    "toilet_needs",
    "clothing",
    "home_safety",
    "habitable_home",
    "relationships",
    "work_education_volunteering",
    "community_facilities",
    "caring_for_child",
)
# Regulation 3(2)(b), in its order; the ids of outcomes shared with adults are the same.
CARER_OUTCOME_IDS = (
    "caring_for_child",
    "caring_for_others",
    "habitable_home",
    "nutrition",
    "relationships",
    "work_education_volunteering",
    "community_facilities",
    "recreation",
)
# Care Act 2014 s.42: the council must make enquiries when abuse or neglect is suspected, so these stay in every set.
SAFEGUARDING_QUESTION_IDS = ("immediate_danger", "abuse_or_neglect_suspected")


class UnableWay(StrEnum):
    """The ways of being "unable to achieve" an outcome (regulation 2(3) for adults, 3(3) for carers)."""

    NEEDS_ASSISTANCE = "NEEDS_ASSISTANCE"
    SIGNIFICANT_PAIN_DISTRESS_ANXIETY = "SIGNIFICANT_PAIN_DISTRESS_ANXIETY"
    ENDANGERS_SAFETY = "ENDANGERS_SAFETY"
    TAKES_SIGNIFICANTLY_LONGER = "TAKES_SIGNIFICANTLY_LONGER"


# Regulation 3(3) lists only the first three for carers: taking longer does not make a carer unable.
CARER_UNABLE_WAYS = frozenset({UnableWay.NEEDS_ASSISTANCE, UnableWay.SIGNIFICANT_PAIN_DISTRESS_ANXIETY, UnableWay.ENDANGERS_SAFETY})


class WellbeingImpact(StrEnum):
    NONE = "NONE"
    SOME = "SOME"
    SIGNIFICANT = "SIGNIFICANT"


class LocalAnswerKind(StrEnum):
    YES_NO = "YES_NO"
    TEXT = "TEXT"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Question(_Frozen):
    wording: Text
    hint: LongText | None = None


class OutcomeQuestion(Question):
    id: QuestionId
    label: Text = Field(description="Short name used in triage reasons, e.g. 'managing nutrition'")


class UrgentQuestion(Question):
    id: QuestionId
    label: Text = Field(description="Why a yes makes the referral urgent, e.g. 'abuse or neglect is suspected'")


class LocalQuestion(Question):
    id: QuestionId
    answer_kind: LocalAnswerKind
    required: bool = False


class UnableWayOption(_Frozen):
    way: UnableWay
    wording: Text


class WellbeingOption(_Frozen):
    impact: WellbeingImpact
    wording: Text


class WellbeingQuestion(Question):
    options: tuple[WellbeingOption, ...]

    @field_validator("options")
    @classmethod
    def _every_impact_once(cls, options: tuple[WellbeingOption, ...]) -> tuple[WellbeingOption, ...]:
        _require_exactly(WellbeingImpact, [option.impact for option in options], "impact")
        return options


class CarerQuestions(_Frozen):
    needs_from_caring: Question
    health_at_risk: Question
    outcomes: tuple[OutcomeQuestion, ...]

    @field_validator("outcomes")
    @classmethod
    def _statutory_carer_outcomes(cls, outcomes: tuple[OutcomeQuestion, ...]) -> tuple[OutcomeQuestion, ...]:
        _require_exactly(CARER_OUTCOME_IDS, [outcome.id for outcome in outcomes], "statutory carer outcome")
        return outcomes


class QuestionSet(_Frozen):
    """One version of a council's questions; a referral records the version it answered."""

    version: int = Field(ge=1)
    title: Text
    impairment: Question
    outcomes: tuple[OutcomeQuestion, ...]
    unable_ways: tuple[UnableWayOption, ...]
    wellbeing: WellbeingQuestion
    carer: CarerQuestions
    urgent: tuple[UrgentQuestion, ...] = Field(max_length=20)
    local: tuple[LocalQuestion, ...] = Field(default=(), max_length=50)

    @field_validator("outcomes")
    @classmethod
    def _statutory_outcomes(cls, outcomes: tuple[OutcomeQuestion, ...]) -> tuple[OutcomeQuestion, ...]:
        _require_exactly(ADULT_OUTCOME_IDS, [outcome.id for outcome in outcomes], "statutory outcome")
        return outcomes

    @field_validator("unable_ways")
    @classmethod
    def _every_way_once(cls, options: tuple[UnableWayOption, ...]) -> tuple[UnableWayOption, ...]:
        _require_exactly(UnableWay, [option.way for option in options], "way of being unable")
        return options

    @field_validator("urgent", "local")
    @classmethod
    def _unique_ids(cls, questions: tuple[UrgentQuestion | LocalQuestion, ...], info: ValidationInfo) -> tuple:
        if repeated := sorted(id_ for id_, count in Counter(question.id for question in questions).items() if count > 1):
            raise ValueError(f"{info.field_name} question ids must be unique: {', '.join(repeated)} repeated")
        return questions

    @field_validator("urgent")
    @classmethod
    def _safeguarding_kept(cls, questions: tuple[UrgentQuestion, ...]) -> tuple[UrgentQuestion, ...]:
        if missing := [id_ for id_ in SAFEGUARDING_QUESTION_IDS if id_ not in {question.id for question in questions}]:
            raise ValueError(f"safeguarding question {', '.join(missing)} is missing: a council may reword it but not remove it")
        return questions


def _require_exactly(expected: Iterable[str], given: list[str], what: str) -> None:
    """Each expected id once and nothing else: naming what is missing, repeated or unknown."""
    expected = list(expected)
    problems = []
    if missing := [id_ for id_ in expected if id_ not in given]:
        problems.append(f"{what} {', '.join(missing)} is missing: a council may reword it but not remove it")
    if repeated := sorted({id_ for id_ in given if given.count(id_) > 1}):
        problems.append(f"{what} {', '.join(repeated)} is repeated")
    if unknown := [id_ for id_ in given if id_ not in expected]:
        problems.append(f"{', '.join(unknown)} is not a {what}; a council's own questions go in local")
    if problems:
        raise ValueError("; ".join(problems))


_ADULT_OUTCOMES = (
    ("nutrition", "managing nutrition", "Can they get, make and eat enough food and drink?",
     "For example shopping for food, preparing meals, and eating and drinking enough."),
    ("personal_hygiene", "personal hygiene", "Can they keep themselves clean?",
     "For example washing, bathing, and washing their clothes."),
    ("toilet_needs", "managing toilet needs", "Can they use the toilet and manage their continence?", None),
    ("clothing", "getting dressed", "Can they dress in clothes suitable for the weather and what they are doing?", None),
    ("home_safety", "using the home safely", "Can they move around and use their home safely?",
     "For example getting in and out, using the stairs, the kitchen and the bathroom."),
    ("habitable_home", "keeping the home fit to live in", "Can they keep their home clean, safe and fit to live in?",
     "For example cleaning, and keeping heating, water and power on."),
    ("relationships", "keeping up relationships", "Can they keep in touch with family and friends, and make new relationships?", None),
    ("work_education_volunteering", "work, training, education or volunteering",
     "Can they take part in work, training, education or volunteering if they want to?", None),
    ("community_facilities", "using local services, transport and leisure",
     "Can they use local services and facilities, such as shops, public transport and leisure?", None),
    ("caring_for_child", "caring for a child", "Can they look after any child they are responsible for?",
     "If they do not look after a child, choose that they can do this."),
)

_CARER_OUTCOMES = (
    ("caring_for_child", "caring for a child", "Can they look after any child they are responsible for?",
     "If they do not look after a child, choose that they can do this."),
    ("caring_for_others", "caring for other people", "Can they look after anyone else they care for?", None),
    ("habitable_home", "keeping the home fit to live in", "Can they keep their own home clean, safe and fit to live in?", None),
    ("nutrition", "managing nutrition", "Can they get, make and eat enough food and drink?", None),
    ("relationships", "keeping up relationships", "Can they keep in touch with family and friends?", None),
    ("work_education_volunteering", "work, training, education or volunteering",
     "Can they take part in work, training, education or volunteering if they want to?", None),
    ("community_facilities", "using local services and leisure",
     "Can they use local services and facilities, such as shops, a GP or a leisure centre?", None),
    ("recreation", "time for leisure", "Do they have time for leisure, hobbies or a rest?", None),
)

_URGENT = (
    ("immediate_danger", "someone may be in immediate danger",
     "Is the person, or anyone else, in danger right now?", "If someone is in danger now, call 999 first."),
    ("abuse_or_neglect_suspected", "abuse or neglect is suspected",
     "Do you think the person is being abused or neglected, or is at risk of it?",
     "This includes physical, sexual, emotional and financial abuse, neglect and self-neglect."),
    ("no_care_tonight", "the person may have no one to care for them tonight",
     "Will the person be without the care they need tonight?", "For example, because their carer is suddenly ill."),
    ("hospital_discharge_today", "the person is leaving hospital today and needs care at home",
     "Is the person leaving hospital today and needs care to go home?", None),
)


def default_question_set() -> QuestionSet:
    """Version 1: the Regulations in plain words, for a council to start from."""
    return QuestionSet(
        version=1,
        title="Refer someone for adult social care",
        impairment=Question(
            wording="Are their needs caused by, or linked to, a physical or mental health condition, illness or disability?",
            hint="This includes sensory loss, a learning disability, dementia, a brain injury and substance misuse.",
        ),
        outcomes=tuple(OutcomeQuestion(id=id_, label=label, wording=wording, hint=hint)
                       for id_, label, wording, hint in _ADULT_OUTCOMES),
        unable_ways=(
            UnableWayOption(way=UnableWay.NEEDS_ASSISTANCE, wording="They need help, or reminding, to do it"),
            UnableWayOption(way=UnableWay.SIGNIFICANT_PAIN_DISTRESS_ANXIETY,
                            wording="They can do it, but it causes a lot of pain, distress or anxiety"),
            UnableWayOption(way=UnableWay.ENDANGERS_SAFETY,
                            wording="They can do it, but it puts them or someone else at risk"),
            UnableWayOption(way=UnableWay.TAKES_SIGNIFICANTLY_LONGER,
                            wording="They can do it, but it takes much longer than it should"),
        ),
        wellbeing=WellbeingQuestion(
            wording="How much do these difficulties affect their wellbeing?",
            hint="For example their health, safety, dignity, relationships, control over daily life, and taking part "
                 "in work, learning or their community.",
            options=(
                WellbeingOption(impact=WellbeingImpact.NONE, wording="Not at all"),
                WellbeingOption(impact=WellbeingImpact.SOME, wording="A little"),
                WellbeingOption(impact=WellbeingImpact.SIGNIFICANT, wording="A lot, or it is likely to soon"),
            ),
        ),
        carer=CarerQuestions(
            needs_from_caring=Question(wording="Do they need support because they care for an adult who needs that care?"),
            health_at_risk=Question(wording="Is caring making their physical or mental health worse, or putting it at risk?"),
            outcomes=tuple(OutcomeQuestion(id=id_, label=label, wording=wording, hint=hint)
                           for id_, label, wording, hint in _CARER_OUTCOMES),
        ),
        urgent=tuple(UrgentQuestion(id=id_, label=label, wording=wording, hint=hint) for id_, label, wording, hint in _URGENT),
    )
