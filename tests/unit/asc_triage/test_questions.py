from typing import Any

import pytest
from pydantic import ValidationError

from shared.services.asc_triage.domain.questions import (
    ADULT_OUTCOME_IDS,
    CARER_OUTCOME_IDS,
    CARER_UNABLE_WAYS,
    QuestionSet,
    UnableWay,
    WellbeingImpact,
    default_question_set,
)


def edited(change) -> dict[str, Any]:
    """The default set as a council would send an edit of it (JSON-like), changed by `change`."""
    data = default_question_set().model_dump(mode="json")
    change(data)
    return data


def errors_of(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        QuestionSet.model_validate(data)
    return {".".join(str(part) for part in error["loc"]): error["msg"] for error in caught.value.errors()}


def test_default_set_is_the_regulations():
    question_set = default_question_set()
    assert question_set.version == 1
    assert tuple(outcome.id for outcome in question_set.outcomes) == ADULT_OUTCOME_IDS
    assert len(ADULT_OUTCOME_IDS) == 10
    assert tuple(outcome.id for outcome in question_set.carer.outcomes) == CARER_OUTCOME_IDS
    assert [option.way for option in question_set.unable_ways] == list(UnableWay)
    assert [option.impact for option in question_set.wellbeing.options] == list(WellbeingImpact)
    assert {"immediate_danger", "abuse_or_neglect_suspected", "no_care_tonight", "hospital_discharge_today"} == {
        question.id for question in question_set.urgent}
    assert UnableWay.TAKES_SIGNIFICANTLY_LONGER not in CARER_UNABLE_WAYS  # regulation 3(3) has three ways only


def test_council_may_reword_and_add_local_questions():
    def reword(data):
        data["version"] = 2
        data["outcomes"][0] |= {"wording": "Can they cook and eat a hot meal?", "hint": None, "label": "eating well"}
        data["local"] = [{"id": "gp_surgery", "wording": "Which GP surgery are they registered with?", "answer_kind": "TEXT"}]
        data["urgent"] = [question for question in data["urgent"] if question["id"] != "hospital_discharge_today"]

    question_set = QuestionSet.model_validate(edited(reword))
    assert question_set.outcomes[0].label == "eating well"
    assert question_set.local[0].required is False


def test_statutory_outcome_cannot_be_removed():
    errors = errors_of(edited(lambda data: data["outcomes"].pop(1)))
    assert list(errors) == ["outcomes"]
    assert "statutory outcome personal_hygiene is missing" in errors["outcomes"]


def test_statutory_carer_outcome_cannot_be_removed():
    errors = errors_of(edited(lambda data: data["carer"]["outcomes"].pop()))
    assert "statutory carer outcome recreation is missing" in errors["carer.outcomes"]


def test_outcomes_are_each_there_once_and_local_questions_go_in_local():
    def repeat_and_add(data):
        data["outcomes"].append(dict(data["outcomes"][0]))
        data["outcomes"].append(dict(data["outcomes"][0], id="pets"))

    message = errors_of(edited(repeat_and_add))["outcomes"]
    assert "nutrition is repeated" in message
    assert "pets is not a statutory outcome" in message


def test_safeguarding_questions_cannot_be_removed():
    errors = errors_of(edited(lambda data: data["urgent"].pop(1)))
    assert "safeguarding question abuse_or_neglect_suspected is missing" in errors["urgent"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda data: data["outcomes"][2].update(wording="   "), "outcomes.2.wording"),
        (lambda data: data["carer"]["health_at_risk"].update(wording=""), "carer.health_at_risk.wording"),
        (lambda data: data["unable_ways"].pop(), "unable_ways"),
        (lambda data: data["wellbeing"]["options"].pop(0), "wellbeing.options"),
        (lambda data: data["urgent"].append(dict(data["urgent"][0])), "urgent"),
        (lambda data: data.update(local=[{"id": "x1", "wording": "A?", "answer_kind": "TEXT"}] * 2), "local"),
        (lambda data: data["outcomes"][0].update(id="Nutrition"), "outcomes.0.id"),
        (lambda data: data.update(version=0), "version"),
        (lambda data: data.update(colour="teal"), "colour"),
    ],
)
def test_invalid_edits_are_named(change, field):
    assert field in errors_of(edited(change))


def test_question_set_is_frozen():
    with pytest.raises(ValidationError):
        default_question_set().version = 2
