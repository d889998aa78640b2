"""Triage of a referral against the national eligibility threshold: a recommendation with its reasons.

Triage never rejects. The council must assess anyone who appears to have needs, so a referral that does not meet
the threshold is SUPPORT_NEEDS (signposted to community support at once), the reasons say which condition was not
met, and a professional makes the final call. Answers are taken as given: check them first with `answer_errors`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from shared.services.asc_triage.domain.questions import CARER_UNABLE_WAYS, OutcomeQuestion, QuestionSet, UnableWay, WellbeingImpact
from shared.services.asc_triage.domain.referral import Answers, CarerAnswers, Referral, ReferralFor, WellbeingAnswer

# Change with any rule or reason wording, so a stored recommendation says which rules made it.
RULES_VERSION = "asc-triage-1"
ADULT_OUTCOMES_NEEDED = 2  # regulation 2(1)(b): two or more


class TriageRoute(StrEnum):
    LIKELY_ELIGIBLE = "LIKELY_ELIGIBLE"
    SUPPORT_NEEDS = "SUPPORT_NEEDS"  # likely not eligible, but has some support needs
    URGENT = "URGENT"  # an urgent or safeguarding answer: to the front door team now, whatever the threshold


class Recommendation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    route: TriageRoute
    reasons: list[str]
    rules_version: str
    question_set_version: int


@dataclass(frozen=True)
class _Condition:
    met: bool
    reason: str


def recommend(referral: Referral, question_set: QuestionSet) -> Recommendation:
    answers = referral.answers
    if urgent := [f"Urgent: {question.label}." for question in question_set.urgent if answers.urgent.get(question.id)]:
        return _recommendation(TriageRoute.URGENT, urgent, question_set)
    if referral.referral_for is ReferralFor.CARER:
        conditions = _carer_conditions(answers.carer, answers.wellbeing, question_set)
    else:
        conditions = _adult_conditions(answers, question_set)
    if all(condition.met for condition in conditions):
        return _recommendation(TriageRoute.LIKELY_ELIGIBLE, [condition.reason for condition in conditions], question_set)
    # What was not met comes first: it is what the person most needs explained.
    ordered = sorted(conditions, key=lambda condition: condition.met)
    return _recommendation(TriageRoute.SUPPORT_NEEDS, [condition.reason for condition in ordered], question_set)


def _recommendation(route: TriageRoute, reasons: list[str], question_set: QuestionSet) -> Recommendation:
    return Recommendation(route=route, reasons=reasons, rules_version=RULES_VERSION, question_set_version=question_set.version)


def _adult_conditions(answers: Answers, question_set: QuestionSet) -> list[_Condition]:
    impairment = answers.impairment
    if impairment is None:
        from_impairment = _Condition(False, "It was not said whether the needs come from a physical or mental "
                                            "condition, illness or disability, which the threshold requires.")
    elif impairment.has_impairment:
        from_impairment = _Condition(True, "The needs come from a physical or mental condition, illness or disability.")
    else:
        from_impairment = _Condition(False, "The needs do not come from a physical or mental condition, illness or "
                                            "disability, which the threshold requires.")
    unable = _unable_outcomes(answers.outcomes, question_set.outcomes, set(UnableWay))
    return [from_impairment, _adult_outcomes_condition(unable, question_set.outcomes),
            _wellbeing_condition(answers.wellbeing, "the threshold")]


def _carer_conditions(carer: CarerAnswers | None, wellbeing: WellbeingAnswer, question_set: QuestionSet) -> list[_Condition]:
    test = "the carer's test"
    if carer is None:
        return [_Condition(False, "The questions for carers were not answered, so the carer's test is not shown to be met."),
                _wellbeing_condition(wellbeing, test)]
    if carer.needs_from_caring:
        from_caring = _Condition(True, "The needs come from caring for an adult who needs that care.")
    else:
        from_caring = _Condition(False, f"The needs do not come from caring for an adult, which {test} requires.")
    outcomes = question_set.carer.outcomes
    unable = _unable_outcomes(carer.outcomes, outcomes, CARER_UNABLE_WAYS)
    # Regulation 3(2): health at risk, or any one outcome not achieved, is enough.
    effects = []
    if carer.health_at_risk:
        effects.append("caring is making their health worse or putting it at risk")
    if unable:
        effects.append(f"they are unable to achieve {len(unable)} of the {len(outcomes)} outcomes for carers: "
                       + ", ".join(outcome.label for outcome in unable))
    if effects:
        effect = _Condition(True, _sentence(" and ".join(effects)))
    else:
        effect = _Condition(False, f"Caring is not putting their health at risk and they can achieve all {len(outcomes)} "
                                   f"outcomes for carers; {test} needs one of these.")
    return [from_caring, effect, _wellbeing_condition(wellbeing, test)]


def _unable_outcomes(given: dict[str, list[UnableWay]], outcomes: tuple[OutcomeQuestion, ...],
                     counted_ways: set[UnableWay] | frozenset[UnableWay]) -> list[OutcomeQuestion]:
    """The outcomes answered with a way of being unable that counts; an unanswered outcome is not counted."""
    return [outcome for outcome in outcomes if counted_ways.intersection(given.get(outcome.id, ()))]


def _adult_outcomes_condition(unable: list[OutcomeQuestion], outcomes: tuple[OutcomeQuestion, ...]) -> _Condition:
    of_total = f"of the {len(outcomes)} outcomes"
    labels = ", ".join(outcome.label for outcome in unable)
    if len(unable) >= ADULT_OUTCOMES_NEEDED:
        return _Condition(True, f"Unable to achieve {len(unable)} {of_total}: {labels}.")
    needed = f"the threshold needs {ADULT_OUTCOMES_NEEDED} or more"
    if unable:
        return _Condition(False, f"Unable to achieve only {len(unable)} {of_total} ({labels}); {needed}.")
    return _Condition(False, f"Able to achieve all {len(outcomes)} outcomes; {needed} that cannot be achieved.")


def _wellbeing_condition(wellbeing: WellbeingAnswer, test: str) -> _Condition:
    match wellbeing.impact:
        case WellbeingImpact.SIGNIFICANT:
            return _Condition(True, "There is, or is likely to be, a significant impact on wellbeing.")
        case WellbeingImpact.SOME:
            return _Condition(False, f"There is some impact on wellbeing, but {test} needs a significant impact.")
        case WellbeingImpact.NONE:
            return _Condition(False, f"No impact on wellbeing was described; {test} needs a significant impact.")


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."
