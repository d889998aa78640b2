"""The PIP award letter at the proof check (domain notes, Eligibility: "PIP award letter, less than 12 months old"): its
date is recorded, and a letter 12 months old or more, or with no date, cannot confirm the automatic route."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.core.logic.steps import InvalidStep
from shared.services.blue_badge.domain.application import Application
from shared.services.blue_badge.domain.case import BadgeCase
from shared.services.blue_badge.domain.completeness import DESCRIPTIONS, MissingCode
from shared.services.blue_badge.domain.pip import AWARD_LETTER_FIELD, award_letter_problem
from shared.services.blue_badge.domain.reply import REPLY_ITEMS
from shared.services.blue_badge.logic.decisions import ProofCheckInput, RequestedItem, check_proof
from tests.factories import REMOVE, complete_application

TODAY = date(2026, 12, 4)


@pytest.mark.parametrize(("letter", "recent"), [
    (date(2026, 12, 4), True),    # today
    (date(2025, 12, 5), True),    # 11 months and 29 days old
    (date(2025, 12, 4), False),   # 12 months old to the day: not "less than 12 months"
    (date(2024, 6, 1), False),
])
def test_a_letter_confirms_only_while_less_than_12_months_old(letter, recent):
    problem = award_letter_problem(letter, TODAY)
    assert (problem is None) is recent
    if not recent:
        assert "less than 12 months old" in problem and letter.strftime("%d/%m/%Y") in problem


def test_a_leap_day_letter_is_too_old_from_1_march_a_year_on():
    assert award_letter_problem(date(2024, 2, 29), date(2025, 2, 28)) is None
    assert award_letter_problem(date(2024, 2, 29), date(2025, 3, 1)) is not None


def test_a_letter_dated_in_the_future_or_undated_cannot_confirm():
    assert "cannot be in the future" in award_letter_problem(date(2026, 12, 5), TODAY)
    assert "Enter the date of the PIP award letter" in award_letter_problem(None, TODAY)


def pip_case(**benefit) -> BadgeCase:
    application = complete_application(**{f"eligibility.benefit.{name}": value for name, value in benefit.items()})
    return BadgeCase.open(Application.model_validate(application), [], datetime(2026, 11, 20, tzinfo=UTC))


def proof(confirmed: bool = True, **given) -> ProofCheckInput:
    return ProofCheckInput(expected_version=1, confirmed=confirmed, **given)


def test_the_proof_check_takes_the_date_entered_or_else_the_applications():
    case = pip_case(award_letter_date="2026-06-01")
    assert check_proof(case, proof(), TODAY)[1] == date(2026, 6, 1)
    assert check_proof(case, proof(pip_award_letter_date="2026-10-01"), TODAY)[1] == date(2026, 10, 1)


def test_an_old_or_missing_letter_cannot_confirm_the_pip_route_but_can_be_recorded_as_not_confirming():
    old = pip_case(award_letter_date="2025-06-01")
    with pytest.raises(InvalidStep) as refused:
        check_proof(old, proof(), TODAY)
    assert refused.value.field == AWARD_LETTER_FIELD and "less than 12 months old" in refused.value.message
    assert check_proof(old, proof(confirmed=False), TODAY)[1] == date(2025, 6, 1)  # recorded, the route not confirmed
    with pytest.raises(InvalidStep) as undated:
        check_proof(pip_case(award_letter_date=REMOVE), proof(), TODAY)
    assert undated.value.field == AWARD_LETTER_FIELD
    # A newer letter entered at the check confirms it.
    assert check_proof(old, proof(pip_award_letter_date="2026-11-30"), TODAY)[1] == date(2026, 11, 30)


def test_a_letter_date_is_refused_off_the_pip_route():
    case = BadgeCase.open(Application.model_validate(complete_application(eligibility={"code": "BLIND"})), [],
                          datetime(2026, 11, 20, tzinfo=UTC))
    assert check_proof(case, proof(), TODAY)[1] is None
    with pytest.raises(InvalidStep) as refused:
        check_proof(case, proof(pip_award_letter_date="2026-11-30"), TODAY)
    assert refused.value.field == AWARD_LETTER_FIELD


def test_a_newer_letter_can_be_asked_for_as_a_missing_item_and_uploaded_on_the_reply_page():
    item = RequestedItem(code="RECENT_PIP_AWARD_LETTER").as_missing()
    assert item.description == DESCRIPTIONS[MissingCode.RECENT_PIP_AWARD_LETTER] == "A PIP award letter dated within the last 12 months"
    assert REPLY_ITEMS[MissingCode.RECENT_PIP_AWARD_LETTER].evidence_type.value == "PROOF_ELIG"
