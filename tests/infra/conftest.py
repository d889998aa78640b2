"""Synthesise the CDK app once per session (cdk-nag on), exactly as `cdk synth` builds it.

The app writes the parent stack's template (Casework.template.json), one nested template per council shard in
use (Casework…Shard<n>….nested.template.json) and the web UI's two stacks in us-east-1, its web ACL
(CaseworkWebEdge.template.json) and its distribution's access logs (CaseworkWebLogs.template.json); tests read the
files from the cloud assembly.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from aws_cdk.assertions import Template  # noqa: E402

from infra.app import EDGE_STACK_ID, LOGS_STACK_ID, STACK_ID, build_app  # noqa: E402
from infra.stack import CaseworkStack  # noqa: E402
from shared.resources import council_shard  # noqa: E402


@dataclass
class SynthesisedTemplate:
    """One template file of the cloud assembly."""

    path: Path
    json: dict = field(repr=False)

    @classmethod
    def read(cls, path: Path) -> SynthesisedTemplate:
        return cls(path, json.loads(path.read_text(encoding="utf-8")))

    @cached_property
    def template(self) -> Template:
        return Template.from_json(self.json)

    def resources(self, resource_type: str) -> dict[str, dict]:
        return {k: r for k, r in self.json["Resources"].items() if r["Type"] == resource_type}


@dataclass
class Synthesised:
    app: object
    stack: CaseworkStack
    outdir: Path
    template_path: Path
    template_json: dict
    template: Template
    seconds: float
    shards: dict[int, SynthesisedTemplate]  # council shard -> its nested stack's template
    edge: SynthesisedTemplate  # the web UI's CloudFront web ACL, in us-east-1
    web_logs: SynthesisedTemplate  # the web UI distribution's access logs, in us-east-1

    def resources(self, resource_type: str) -> dict[str, dict]:
        """Resources of this type in the parent stack's template."""
        return {k: r for k, r in self.template_json["Resources"].items() if r["Type"] == resource_type}

    def shard_resources(self, resource_type: str) -> dict[str, dict]:
        """Resources of this type in all council shards' templates, keyed by '<shard>/<logical id>'."""
        return {
            f"{shard}/{logical_id}": resource
            for shard, template in self.shards.items()
            for logical_id, resource in template.resources(resource_type).items()
        }

    def shard_of(self, council_code: str) -> SynthesisedTemplate:
        return self.shards[council_shard(council_code)]

    @property
    def template_paths(self) -> list[Path]:
        """Every template of the Casework stack in the cloud assembly (parent and nested), not the us-east-1 stacks'."""
        return sorted(path for path in self.outdir.glob("*.template.json") if path not in (self.edge.path, self.web_logs.path))


def synthesise(outdir: Path, **kwargs) -> Synthesised:
    started = time.perf_counter()
    app, stack = build_app(outdir=str(outdir), **kwargs)
    app.synth()  # runs cdk-nag when enabled; raises on unacknowledged findings
    seconds = time.perf_counter() - started
    template_path = outdir / f"{STACK_ID}.template.json"
    template_json = json.loads(template_path.read_text())
    shards = {n: SynthesisedTemplate.read(outdir / shard.template_file) for n, shard in stack.council_shards.shards.items()}
    edge = SynthesisedTemplate.read(outdir / f"{EDGE_STACK_ID}.template.json")
    web_logs = SynthesisedTemplate.read(outdir / f"{LOGS_STACK_ID}.template.json")
    return Synthesised(app, stack, outdir, template_path, template_json, Template.from_json(template_json), seconds, shards, edge,
                       web_logs)


@pytest.fixture(scope="session")
def synthesised(tmp_path_factory) -> Synthesised:
    return synthesise(tmp_path_factory.mktemp("cdk.out"), nag=True)
