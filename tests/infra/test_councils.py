"""Councils drive the stack: one more entry is one more table; a bad entry stops the synth with its name."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys

import pytest

from infra.app import build_app
from shared.domain.council import COUNCILS_FILE, CouncilConfigError, parse_councils
from shared.resources import PROJECT_ROOT, Role, council_group, council_table_name

from .conftest import synthesise

ENTRIES = json.loads(COUNCILS_FILE.read_text(encoding="utf-8"))
THIRD = copy.deepcopy(ENTRIES[0]) | {"code": "EASTMOOR", "name": "Eastmoor Borough Council"}


@pytest.mark.slow
def test_a_third_council_adds_one_table_and_its_groups_and_renames_nothing(synthesised, tmp_path):
    registry = parse_councils([*ENTRIES, THIRD])
    bigger = synthesise(tmp_path, councils=registry, nag=False)

    tables = lambda s: {r["Properties"]["TableName"] for r in s.resources("AWS::DynamoDB::Table").values()}  # noqa: E731
    assert tables(bigger) - tables(synthesised) == {council_table_name("EASTMOOR")}
    assert len(tables(bigger)) == len(tables(synthesised)) + 1

    groups = lambda s: {r["Properties"]["GroupName"] for r in s.resources("AWS::Cognito::UserPoolGroup").values()}  # noqa: E731
    assert groups(bigger) - groups(synthesised) == {council_group("EASTMOOR", role) for role in Role}

    # Existing resources keep their logical ids, so adding a council never replaces another's table.
    assert set(synthesised.template_json["Resources"]) <= set(bigger.template_json["Resources"])

    # Function policies grant council tables by prefix: they do not grow with the number of councils.
    policies = lambda s: {k: r["Properties"]["PolicyDocument"] for k, r in s.resources("AWS::IAM::Policy").items()}  # noqa: E731
    assert policies(bigger) == policies(synthesised)


def _bad_config(tmp_path, field: str, value) -> str:
    entries = copy.deepcopy(ENTRIES)
    node = entries[1]
    *parents, leaf = field.split(".")
    for part in parents:
        node = node[part]
    node[leaf] = value
    path = tmp_path / "councils.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("field", "value"),
    [("nation", "FRA"), ("contact.email", "not-an-email"), ("kpi.days_to_decision", 0)],
)
def test_a_bad_council_entry_fails_the_build_naming_council_and_field(tmp_path, field, value):
    council = ENTRIES[1]["code"]
    with pytest.raises(CouncilConfigError) as raised:
        build_app(councils_file=_bad_config(tmp_path, field, value), outdir=str(tmp_path / "out"))
    assert repr(council) in str(raised.value)
    assert f"field '{field}'" in str(raised.value)


@pytest.mark.slow
def test_the_cli_entry_point_reports_a_bad_entry_and_exits_non_zero(tmp_path):
    # `cdk synth -c councilsFile=...` runs `python -m infra.app` with the context in CDK_CONTEXT_JSON
    # (read by the jsii process when it starts, hence a fresh interpreter here).
    env = {
        **os.environ,
        "CDK_CONTEXT_JSON": json.dumps({"councilsFile": _bad_config(tmp_path, "nation", "FRA")}),
        "CDK_OUTDIR": str(tmp_path / "out"),
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    }
    result = subprocess.run(
        [sys.executable, "-m", "infra.app"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert "Council configuration error" in result.stderr
    assert repr(ENTRIES[1]["code"]) in result.stderr and "field 'nation'" in result.stderr
    assert not (tmp_path / "out" / "manifest.json").exists()
