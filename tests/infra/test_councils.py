"""Councils drive the stack; a bad entry stops the synth with its name. (What one more or one fewer council
changes - only its own council shard - is in test_council_shards.py.)"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys

import pytest

from infra.app import build_app
from shared.core.domain.council import COUNCILS_FILE, CouncilConfigError
from shared.resources import PROJECT_ROOT

ENTRIES = json.loads(COUNCILS_FILE.read_text(encoding="utf-8"))


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
    [("nation", "FRA"), ("contact.email", "not-an-email"), ("services.blue-badge.kpi.days_to_decision", 0),
     ("services.asc-triage.safeguarding_team", "no-such-team")],
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
