"""Rules of the Blue Badge domain notes: the council's choices of charging the fee again for a replacement and of a local
minimum of eligible people an organisation carries (stated for the decision when screening routes the case), and the
automatic routes being for people aged 3 or over."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from shared.core.domain.council import load_councils
from shared.services.blue_badge.domain.application import Application
from shared.services.blue_badge.domain.case import BadgeCase, Stage
from shared.services.blue_badge.domain.completeness import MissingCode, fee_for, missing_items
from shared.services.blue_badge.domain.ordering import fee_due, organisation_route_reason, stage_after_screening
from shared.services.blue_badge.domain.pip import route_reason, routes_automatically
from shared.services.blue_badge.domain.settings import BlueBadgeSettings, badge_settings
from shared.services.blue_badge.logic.workflow_steps import wait_for_people
from tests.factories import REMOVE, complete_application, with_badge_settings

NORTHSHIRE = load_councils().get("NORTHSHIRE")  # English, charges £10 a badge
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def replacement(**changes) -> Application:
    return Application.model_validate(complete_application(
        application_type="REPLACE", existing_badge_number="123ABC", replace_reason="LOST", eligibility=REMOVE,
        payment=REMOVE, **changes))


def organisation(people_carried: int | None, **changes) -> Application:
    details = {"name": "Northby Community Transport", "number_of_badges": 2,
               "address": {"line1": "1 Depot Road", "town": "Northby", "postcode": "NE2 1AB"}}
    if people_carried is not None:
        details["people_carried"] = people_carried
    return Application.model_validate(complete_application(
        party="ORG", holder=REMOVE, evidence=[], eligibility=REMOVE, organisation=details, **changes))


# ---------------------------------------------------------------- replacement fee
def test_a_replacement_is_charged_again_by_default():
    assert badge_settings(NORTHSHIRE).replacement_fee is True
    assert fee_for(replacement(), NORTHSHIRE) == 1000
    assert MissingCode.FEE in [item.code for item in missing_items(replacement(), NORTHSHIRE)]
    assert fee_due(replacement(), NORTHSHIRE)


def test_a_council_that_does_not_charge_for_replacements_asks_no_fee_for_one():
    free_replacements = with_badge_settings(NORTHSHIRE, replacement_fee=False)
    assert fee_for(replacement(), free_replacements) == 0
    assert MissingCode.FEE not in [item.code for item in missing_items(replacement(), free_replacements)]
    assert not fee_due(replacement(), free_replacements)
    # A new badge still costs the fee there.
    unpaid_new = Application.model_validate(complete_application(payment=REMOVE))
    assert MissingCode.FEE in [item.code for item in missing_items(unpaid_new, free_replacements)]


def test_the_replacement_fee_setting_is_a_yes_or_no():
    raw = badge_settings(NORTHSHIRE).model_dump(mode="json")
    assert BlueBadgeSettings.model_validate(raw | {"replacement_fee": False}).replacement_fee is False
    with pytest.raises(ValidationError, match="replacement_fee"):
        BlueBadgeSettings.model_validate(raw | {"replacement_fee": "sometimes"})


# ---------------------------------------------------------------- organisations: the local minimum carried
MINIMUM_5 = with_badge_settings(NORTHSHIRE, organisation_min_people_carried=5)


def test_no_minimum_by_default_and_no_reason_given():
    assert badge_settings(NORTHSHIRE).organisation_min_people_carried == 0
    assert organisation_route_reason(organisation(1), NORTHSHIRE) is None


@pytest.mark.parametrize(("carried", "words"), [
    (None, "has not said how many eligible people it carries: the council's minimum is 5"),
    (4, "carries 4 eligible people, fewer than the council's minimum of 5: refuse"),
    (1, "carries 1 eligible person, fewer than the council's minimum of 5"),
    (5, "carries 5 eligible people, at least the council's minimum of 5"),
])
def test_the_minimum_is_stated_for_the_decision(carried, words):
    assert words in organisation_route_reason(organisation(carried), MINIMUM_5)


def test_the_minimum_is_only_for_an_organisations_new_badge():
    assert organisation_route_reason(Application.model_validate(complete_application()), MINIMUM_5) is None
    assert organisation_route_reason(organisation(1, application_type="RENEW"), MINIMUM_5) is not None


def test_the_minimum_setting_cannot_be_negative():
    raw = badge_settings(NORTHSHIRE).model_dump(mode="json")
    with pytest.raises(ValidationError, match="organisation_min_people_carried"):
        BlueBadgeSettings.model_validate(raw | {"organisation_min_people_carried": -1})


class _Store:
    """Just enough of a CaseStore for a workflow step on one case."""

    table_name = "test"

    def __init__(self, case):
        self.case = case

    def get(self, case_id):
        return self.case if case_id == self.case.case_id else None

    def save(self, case, expected_version, audit, **_):
        assert expected_version == self.case.version
        self.case, self.audit = case, audit


def test_screening_an_organisation_below_the_minimum_records_the_reason_on_the_case():
    case = BadgeCase.open(organisation(3), [], NOW).model_copy(update={"stage": Stage.SCREENING})
    store = _Store(case)
    waiting = wait_for_people(store, None, MINIMUM_5, case.case_id, Stage.DECISION, "token", NOW)
    assert "fewer than the council's minimum of 5" in waiting.route_reason
    assert store.audit.after["route_reason"] == waiting.route_reason


# ---------------------------------------------------------------- the automatic routes are for people aged 3 or over
def blind_child(born: str) -> Application:
    return Application.model_validate(complete_application(
        holder__date_of_birth=born, holder__nino=REMOVE, eligibility={"code": "BLIND"}, submitted_at="2026-11-20T09:30:00Z"))


def test_a_child_under_3_on_an_automatic_route_is_assessed_with_the_reason():
    child = blind_child("2024-11-21")  # 2 on the day the application was made (3 the next day)
    assert not routes_automatically(child)
    assert stage_after_screening(child) is Stage.ASSESSMENT
    assert "under 3 when the application was made" in route_reason(child)


def test_from_the_3rd_birthday_the_automatic_route_applies():
    three = blind_child("2023-11-20")  # 3 on the day the application was made
    assert routes_automatically(three)
    assert stage_after_screening(three) is Stage.PROOF_CHECK
    assert route_reason(three) is None
