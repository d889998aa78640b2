"""Synthesise the CDK app once per session (cdk-nag on), exactly as `cdk synth` builds it."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from aws_cdk.assertions import Template  # noqa: E402

from infra.app import STACK_ID, build_app  # noqa: E402
from infra.stack import CaseworkStack  # noqa: E402


@dataclass
class Synthesised:
    app: object
    stack: CaseworkStack
    outdir: Path
    template_path: Path
    template_json: dict
    template: Template
    seconds: float

    def resources(self, resource_type: str) -> dict[str, dict]:
        return {k: r for k, r in self.template_json["Resources"].items() if r["Type"] == resource_type}


def synthesise(outdir: Path, **kwargs) -> Synthesised:
    started = time.perf_counter()
    app, stack = build_app(outdir=str(outdir), **kwargs)
    app.synth()  # runs cdk-nag when enabled; raises on unacknowledged findings
    seconds = time.perf_counter() - started
    template_path = outdir / f"{STACK_ID}.template.json"
    template_json = json.loads(template_path.read_text())
    return Synthesised(app, stack, outdir, template_path, template_json, Template.from_json(template_json), seconds)


@pytest.fixture(scope="session")
def synthesised(tmp_path_factory) -> Synthesised:
    return synthesise(tmp_path_factory.mktemp("cdk.out"), nag=True)
