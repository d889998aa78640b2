"""A council on GOV.UK Notify, synthesised: the functions that send notifications get its settings and the Notify layer,
and may read its API key and no other secret; no other function may read it (cdk-nag on)."""

from __future__ import annotations

import json

import pytest

from shared.core.domain.council import COUNCILS_FILE, parse_councils
from shared.resources import (
    ASC_STEP_FUNCTION,
    FFD_STEP_FUNCTION,
    FUNCTIONS,
    NOTIFY_STATUS_FUNCTION,
    NOTIFY_STATUS_SCHEDULE,
    PRINT_RESULTS_FUNCTION,
    REMINDERS_FUNCTION,
    RENEWAL_REMINDERS_FUNCTION,
    WEB_FUNCTION,
    WORKFLOW_STEP_FUNCTION,
    Env,
    notify_secret_name,
)
from tests.infra.conftest import synthesise
from tests.infra.test_stack_resources import role_statements

# The workflow steps, reminders and print results (applicants), the renewal reminders (badge holders), the ASC steps
# (referrers), the web UI (hub bookings); and the read-back of what became of them (notify-status).
NOTIFYING = {WORKFLOW_STEP_FUNCTION, REMINDERS_FUNCTION, RENEWAL_REMINDERS_FUNCTION, PRINT_RESULTS_FUNCTION, ASC_STEP_FUNCTION,
             FFD_STEP_FUNCTION, WEB_FUNCTION, NOTIFY_STATUS_FUNCTION}
TEMPLATES = {"email": "8d1f6c5e-0b7a-4c41-9d0e-0d6a4e7f0a01", "letter": "8d1f6c5e-0b7a-4c41-9d0e-0d6a4e7f0a02"}


@pytest.fixture(scope="module")
def with_notify(tmp_path_factory):
    entries = json.loads(COUNCILS_FILE.read_text())
    vale = next(entry for entry in entries if entry["code"] == "VALEWYE")
    vale["notifications"] = {"channel": "NOTIFY", "notify": {"templates": TEMPLATES}}
    return synthesise(tmp_path_factory.mktemp("cdk.out"), councils=parse_councils(entries), nag=True)


def _role_id(spec) -> str:
    return "Functions" + "".join(part.capitalize() for part in spec.key.split("-")) + "Role"


def _secret_reads(synthesised, spec) -> list:
    return [statement for statement in role_statements(synthesised, _role_id(spec))
            if any(str(action).startswith("secretsmanager:") for action in
                   (statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]))]


def test_only_the_notifying_functions_read_only_the_notify_councils_key(with_notify):
    assert {spec for spec in FUNCTIONS if Env.NOTIFY_COUNCILS in spec.environment} == NOTIFYING
    for spec in FUNCTIONS:
        reads = _secret_reads(with_notify, spec)
        notify_reads = [statement for statement in reads if "notify" in json.dumps(statement["Resource"])]
        if spec in NOTIFYING:
            [read] = notify_reads
            assert read["Action"] == "secretsmanager:GetSecretValue"
            assert f":secret:{notify_secret_name('VALEWYE')}-??????" in json.dumps(read["Resource"])
            assert "northshire" not in json.dumps(read["Resource"]) and "*" not in json.dumps(read["Resource"])
        else:
            assert notify_reads == [], spec.key


def test_the_notifying_functions_get_the_councils_settings_and_the_notify_layer(with_notify):
    functions = {r["Properties"]["FunctionName"]: r["Properties"] for r in with_notify.resources("AWS::Lambda::Function").values()
                 if "FunctionName" in r["Properties"]}
    for spec in NOTIFYING:
        props = functions[spec.function_name]
        settings = json.loads(props["Environment"]["Variables"][Env.NOTIFY_COUNCILS.value])
        assert list(settings) == ["VALEWYE"] and settings["VALEWYE"]["templates"]["letter"] == TEMPLATES["letter"]
        assert "NOTIFY_ALLOW_LOOPBACK_HTTP" not in props["Environment"]["Variables"]  # local runs only
        assert "notify" in spec.layers and len(props["Layers"]) == 1 + len(spec.all_layers)  # Powertools first


def test_the_status_read_back_runs_on_its_schedule_and_sends_nothing(with_notify):
    [schedule] = [r["Properties"] for r in with_notify.resources("AWS::Scheduler::Schedule").values()
                  if r["Properties"].get("Name") == NOTIFY_STATUS_FUNCTION.function_name]
    assert schedule["ScheduleExpression"] == NOTIFY_STATUS_SCHEDULE
    actions = [action for statement in role_statements(with_notify, _role_id(NOTIFY_STATUS_FUNCTION))
               for action in (statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])]
    assert not [action for action in actions if str(action).startswith(("ses:", "sqs:", "states:", "s3:"))], actions
