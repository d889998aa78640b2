"""Every service in the registry declares what the engine needs, and the engine keeps services apart."""

from __future__ import annotations

import json

import pytest

from shared.core.domain.case import CaseStage
from shared.core.domain.council import load_councils
from shared.resources import PROJECT_ROOT, WORKFLOWS
from shared.services.registry import SERVICES

SPECS = list(SERVICES)


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.key)
def test_a_service_declares_its_workflows_schema_stages_and_settings(spec):
    for workflow in spec.workflows:
        assert workflow in WORKFLOWS and json.loads(workflow.definition_path.read_text())["States"]
    assert (PROJECT_ROOT / "schemas" / spec.intake_schema_file).is_file()
    assert issubclass(spec.stages, CaseStage) and all(stage.service_key() == spec.key for stage in spec.stages)
    case_model = spec.case_model
    assert case_model.model_fields["service"].default == spec.key
    assert set(case_model.TRANSITIONS) == set(spec.stages), "every stage has its allowed next stages"
    assert all(next_stage in spec.stages for nexts in case_model.TRANSITIONS.values() for next_stage in nexts)
    assert case_model.HUMAN_STAGES | case_model.CLOSED_STAGES <= set(spec.stages)
    assert all(not case_model.TRANSITIONS[stage] for stage in case_model.CLOSED_STAGES), "a closed case moves no more"


def test_every_council_runs_registered_services_with_valid_settings():
    for council in load_councils():
        assert council.services and all(key in SERVICES for key in council.services)
        for key, settings in council.services.items():
            assert isinstance(settings, SERVICES.get(key).settings_model)
            assert settings.team in council.team_keys


def test_two_services_never_share_a_work_queue_even_with_the_same_stage_name():
    from shared.core.adapters.case_store import stage_queue_key

    by_name: dict[str, list[CaseStage]] = {}
    for spec in SPECS:
        for stage in spec.stages:
            by_name.setdefault(stage.value, []).append(stage)
    shared_names = {name: stages for name, stages in by_name.items() if len(stages) > 1}
    assert shared_names, "the services do share stage names (RECEIVED, SCREENING, ...)"
    for stages in shared_names.values():
        assert len({stage_queue_key(stage) for stage in stages}) == len(stages)
