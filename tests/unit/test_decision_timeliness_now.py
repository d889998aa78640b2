"""DecisionsMade's timeliness is measured against the council's days-to-decision target as its council admin has it
now (bootstrap.council_now, wired into the metrics adapter by the composition root), not as deployed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared import bootstrap
from shared.core.adapters import metrics
from shared.core.adapters.metrics import case_written
from shared.core.domain.council_settings import overlay
from shared.services.blue_badge.domain.case import Decision, DecisionOutcome
from shared.services.registry import SERVICES
from tests.unit.test_metric_catalogue import RECEIVED, badge_case, printed, series

NORTHSHIRE = "NORTHSHIRE"


@pytest.fixture
def admin_target(monkeypatch):
    """Sets the days-to-decision targets a council admin stored (None: nothing stored), read through council_now."""
    stored: dict = {}

    def overlaid(council):
        return overlay(council, stored, SERVICES) if stored else council
    monkeypatch.setattr(bootstrap, "_overlaid", overlaid)

    def set_target(days: int) -> None:
        stored["services"] = {"blue-badge": {"kpi": {"days_to_decision": days, "days_to_decision_automatic": days}}}
    return set_target


def timeliness_emitted(capsys, days_taken: int) -> str:
    decided_at = RECEIVED + timedelta(days=days_taken)
    case = badge_case(decision=Decision(outcome=DecisionOutcome.APPROVE, by="cw@northshire.example", at=decided_at),
                      updated_at=decided_at)
    case_written(case, SERVICES.for_case(case))
    [line] = [record for record in printed(capsys) if series(record) == ("DecisionsMade", ("council", "timeliness"))]
    return line["timeliness"]


def test_the_composition_root_measures_decisions_against_its_live_councils(admin_target):
    admin_target(3)
    assert metrics._council_now(NORTHSHIRE) == bootstrap.councils().get(NORTHSHIRE)
    assert metrics._council_now(NORTHSHIRE).services["blue-badge"].kpi.days_to_decision == 3


def test_an_admin_changed_target_changes_the_timeliness_of_the_next_decision(capsys, admin_target):
    deployed = bootstrap.deployed_councils().get(NORTHSHIRE).services["blue-badge"].kpi.days_to_decision
    assert deployed > 5
    # Decided after a week (5 working days, RECEIVED is a Monday): within the deployed target.
    assert timeliness_emitted(capsys, 7) == "WITHIN_TARGET"
    admin_target(3)
    assert timeliness_emitted(capsys, 7) == "PAST_TARGET"
    admin_target(deployed)
    assert timeliness_emitted(capsys, 7) == "WITHIN_TARGET"
