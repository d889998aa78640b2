from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from shared.services.asc_triage.domain.questions import ADULT_OUTCOME_IDS, CARER_OUTCOME_IDS, UnableWay, WellbeingImpact, default_question_set
from shared.services.asc_triage.domain.referral import Referral
from shared.services.asc_triage.domain.triage import RULES_VERSION, Recommendation, TriageRoute, recommend
from tests.factories import REMOVE
from tests.unit.asc_triage.test_referral import carer_referral_data, referral_data

QUESTIONS = default_question_set()
NO_OUTCOMES = {outcome: [] for outcome in ADULT_OUTCOME_IDS}


def triage(data: dict[str, Any], question_set=QUESTIONS) -> Recommendation:
    return recommend(Referral.model_validate(data), question_set)


def unable_to(*outcomes: str, way: str = "NEEDS_ASSISTANCE") -> dict[str, list[str]]:
    return NO_OUTCOMES | {outcome: [way] for outcome in outcomes}


def test_all_three_conditions_make_the_adult_likely_eligible():
    recommendation = triage(referral_data(answers__outcomes=unable_to("nutrition", "personal_hygiene", "home_safety")))
    assert recommendation.route is TriageRoute.LIKELY_ELIGIBLE
    assert recommendation.reasons == [
        "The needs come from a physical or mental condition, illness or disability.",
        "Unable to achieve 3 of the 10 outcomes: managing nutrition, personal hygiene, using the home safely.",
        "There is, or is likely to be, a significant impact on wellbeing.",
    ]
    assert (recommendation.rules_version, recommendation.question_set_version) == (RULES_VERSION, 1)


def test_exactly_two_outcomes_meet_the_threshold_and_one_does_not():
    assert triage(referral_data(answers__outcomes=unable_to("toilet_needs", "clothing"))).route is TriageRoute.LIKELY_ELIGIBLE
    one = triage(referral_data(answers__outcomes=unable_to("toilet_needs")))
    assert one.route is TriageRoute.SUPPORT_NEEDS
    assert one.reasons[0] == "Unable to achieve only 1 of the 10 outcomes (managing toilet needs); the threshold needs 2 or more."


def test_any_way_of_being_unable_counts_for_an_adult():
    for way in UnableWay:
        assert triage(referral_data(answers__outcomes=unable_to("nutrition", "clothing", way=way))).route is TriageRoute.LIKELY_ELIGIBLE


def test_no_outcome_unachieved_is_support_needs():
    recommendation = triage(referral_data(answers__outcomes=NO_OUTCOMES))
    assert recommendation.route is TriageRoute.SUPPORT_NEEDS
    assert recommendation.reasons[0] == "Able to achieve all 10 outcomes; the threshold needs 2 or more that cannot be achieved."


def test_needs_not_from_an_impairment_are_support_needs():
    recommendation = triage(referral_data(answers__impairment={"has_impairment": False}))
    assert recommendation.route is TriageRoute.SUPPORT_NEEDS
    assert recommendation.reasons[0] == ("The needs do not come from a physical or mental condition, illness or disability, "
                                         "which the threshold requires.")
    assert len(recommendation.reasons) == 3  # what was met is still said


def test_unanswered_impairment_is_not_taken_as_met():
    recommendation = triage(referral_data(answers__impairment=REMOVE))
    assert recommendation.route is TriageRoute.SUPPORT_NEEDS
    assert "It was not said whether" in recommendation.reasons[0]


def test_wellbeing_must_be_significantly_affected():
    some = triage(referral_data(answers__wellbeing__impact="SOME"))
    assert some.route is TriageRoute.SUPPORT_NEEDS
    assert some.reasons[0] == "There is some impact on wellbeing, but the threshold needs a significant impact."
    none = triage(referral_data(answers__wellbeing={"impact": "NONE"}))
    assert none.reasons[0] == "No impact on wellbeing was described; the threshold needs a significant impact."
    assert triage(referral_data(answers__wellbeing__impact="SIGNIFICANT")).route is TriageRoute.LIKELY_ELIGIBLE


def test_unmet_conditions_are_all_named_first():
    recommendation = triage(referral_data(answers__impairment={"has_impairment": False}, answers__wellbeing__impact="SOME"))
    assert "do not come from" in recommendation.reasons[0]
    assert "some impact on wellbeing" in recommendation.reasons[1]
    assert recommendation.reasons[2].startswith("Unable to achieve 2 of the 10 outcomes")


def test_urgent_answer_overrides_an_eligible_referral_and_says_why():
    recommendation = triage(referral_data(answers__urgent__abuse_or_neglect_suspected=True,
                                          answers__urgent__no_care_tonight=True))
    assert recommendation.route is TriageRoute.URGENT
    assert recommendation.reasons == ["Urgent: abuse or neglect is suspected.",
                                      "Urgent: the person may have no one to care for them tonight."]


def test_urgent_answer_overrides_a_referral_below_the_threshold():
    data = referral_data(answers__outcomes=NO_OUTCOMES, answers__urgent__immediate_danger=True)
    assert triage(data).route is TriageRoute.URGENT


def test_reasons_use_the_councils_wording():
    reworded = QUESTIONS.model_copy(update={"outcomes": tuple(
        outcome.model_copy(update={"label": "eating well"}) if outcome.id == "nutrition" else outcome
        for outcome in QUESTIONS.outcomes)})
    assert "eating well, personal hygiene" in triage(referral_data(), reworded).reasons[1]


def test_carer_whose_health_is_at_risk_is_likely_eligible():
    recommendation = triage(carer_referral_data())
    assert recommendation.route is TriageRoute.LIKELY_ELIGIBLE
    assert recommendation.reasons[1] == "Caring is making their health worse or putting it at risk."


def test_carer_unable_to_achieve_one_outcome_is_likely_eligible():
    recommendation = triage(carer_referral_data(answers__carer__health_at_risk=False,
                                                answers__carer__outcomes__recreation=["SIGNIFICANT_PAIN_DISTRESS_ANXIETY"]))
    assert recommendation.route is TriageRoute.LIKELY_ELIGIBLE
    assert recommendation.reasons[1] == "They are unable to achieve 1 of the 8 outcomes for carers: time for leisure."


def test_taking_longer_does_not_make_a_carer_unable():
    recommendation = triage(carer_referral_data(answers__carer__health_at_risk=False,
                                                answers__carer__outcomes__recreation=["TAKES_SIGNIFICANTLY_LONGER"]))
    assert recommendation.route is TriageRoute.SUPPORT_NEEDS
    assert recommendation.reasons[0] == ("Caring is not putting their health at risk and they can achieve all 8 outcomes "
                                         "for carers; the carer's test needs one of these.")


def test_carer_test_needs_care_given_and_significant_wellbeing_impact():
    not_caring = triage(carer_referral_data(answers__carer__needs_from_caring=False))
    assert not_caring.route is TriageRoute.SUPPORT_NEEDS
    assert not_caring.reasons[0] == "The needs do not come from caring for an adult, which the carer's test requires."
    some = triage(carer_referral_data(answers__wellbeing__impact="SOME"))
    assert some.reasons[0] == "There is some impact on wellbeing, but the carer's test needs a significant impact."
    assert triage(carer_referral_data(answers__carer=REMOVE)).route is TriageRoute.SUPPORT_NEEDS


ways = st.lists(st.sampled_from(list(UnableWay)), unique=True)


@settings(deadline=None, database=None)  # no example database: running the tests writes nothing
@given(
    carer=st.booleans(),
    has_impairment=st.booleans(),
    needs_from_caring=st.booleans(),
    health_at_risk=st.booleans(),
    impact=st.sampled_from(list(WellbeingImpact)),
    adult_outcomes=st.fixed_dictionaries({outcome: ways for outcome in ADULT_OUTCOME_IDS}),
    carer_outcomes=st.fixed_dictionaries({outcome: ways for outcome in CARER_OUTCOME_IDS}),
    added_to=st.data(),
    added_way=st.sampled_from(list(UnableWay)),
)
def test_another_way_of_being_unable_never_takes_eligibility_away(
        carer, has_impairment, needs_from_caring, health_at_risk, impact, adult_outcomes, carer_outcomes, added_to, added_way):
    if carer:
        data = carer_referral_data(answers__carer__needs_from_caring=needs_from_caring, answers__carer__health_at_risk=health_at_risk,
                                   answers__carer__outcomes=carer_outcomes, answers__wellbeing__impact=impact)
        outcomes = data["answers"]["carer"]["outcomes"]
    else:
        data = referral_data(answers__impairment__has_impairment=has_impairment, answers__outcomes=adult_outcomes,
                             answers__wellbeing__impact=impact)
        outcomes = data["answers"]["outcomes"]
    before = triage(data)
    outcome = added_to.draw(st.sampled_from(sorted(outcomes)))
    assume(added_way not in outcomes[outcome])
    outcomes[outcome] = [*outcomes[outcome], added_way]
    after = triage(data)
    if before.route is TriageRoute.LIKELY_ELIGIBLE:
        assert after.route is TriageRoute.LIKELY_ELIGIBLE
