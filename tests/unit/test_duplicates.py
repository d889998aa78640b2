"""Linking duplicates and withdrawing an application (issue 17): the pure rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.core.domain.duplicates import DUPLICATE_LINKED, DuplicateRefused, check_link, link_entries, linked_duplicates
from shared.core.domain.history import readable_history
from shared.services.blue_badge.domain.application import Application
from shared.services.blue_badge.domain.case import CLOSED_STAGES, WITHDRAWABLE_STAGES, BadgeCase, Stage
from shared.services.blue_badge.domain.history import BLUE_BADGE_HISTORY
from shared.core.domain.case import AuditEntry
from tests.factories import complete_application

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def case_at(stage: Stage) -> BadgeCase:
    case = BadgeCase.open(Application.model_validate(complete_application("NORTHSHIRE")), [], NOW)
    return case.model_copy(update={"stage": stage})


def test_only_another_open_case_of_the_same_person_not_linked_yet_may_be_linked():
    case, other = case_at(Stage.PROOF_CHECK), case_at(Stage.DECISION)
    assert check_link(case, other, [other.case_id], []) is other
    for wrong, same_person, already, message in (
        (None, [other.case_id], [], "Select one of this person's other applications"),
        (case, [case.case_id], [], "Select one of this person's other applications"),  # itself
        (other, [], [], "Select one of this person's other applications"),  # someone else's
        (other.model_copy(update={"stage": Stage.ORDERED}), [other.case_id], [], "Only open applications can be linked"),
        (other, [other.case_id], [other.case_id], "is already linked as a duplicate of this one"),
    ):
        with pytest.raises(DuplicateRefused) as refused:
            check_link(case, wrong, same_person, already)
        assert refused.value.field == "duplicate_of" and message in refused.value.message


def test_a_link_is_an_entry_on_each_case_naming_the_other_and_reads_as_a_sentence():
    case, other = case_at(Stage.PROOF_CHECK), case_at(Stage.DECISION)
    mine, theirs = link_entries(case, other, "user:cw@northshire.example", NOW)
    assert (mine.case_id, theirs.case_id) == (case.case_id, other.case_id) and mine.action == theirs.action == DUPLICATE_LINKED
    assert linked_duplicates([mine, mine]) == [other.case_id] and linked_duplicates([theirs]) == [case.case_id]
    [line] = readable_history([mine], BLUE_BADGE_HISTORY, {})
    assert line.what == f"Linked this case and case {other.case_id} as duplicates: the same person applied twice."
    withdrawn = AuditEntry(case_id=case.case_id, at=NOW, actor="user:cw", action="CASE_WITHDRAWN", after={"reason": "A duplicate"})
    assert readable_history([withdrawn], BLUE_BADGE_HISTORY, {})[0].what == "Withdrew the application. Reason: A duplicate."


@pytest.mark.parametrize("stage", list(Stage))
def test_staff_may_withdraw_an_application_only_while_it_waits_for_a_person_before_a_decision(stage):
    case = case_at(stage)
    if stage in WITHDRAWABLE_STAGES:
        assert case.moved_to(Stage.WITHDRAWN, NOW).stage is Stage.WITHDRAWN
    else:
        assert stage in CLOSED_STAGES | {Stage.RECEIVED, Stage.SCREENING, Stage.REFUSED, Stage.REVIEW}
        with pytest.raises(ValueError):
            case.moved_to(Stage.WITHDRAWN, NOW)
