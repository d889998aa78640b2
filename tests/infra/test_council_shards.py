"""Council shards: each council's table and groups live in the nested stack `council_shard(code)`.

Adding or removing a council changes only its own shard's template - never moves another council's table
to a different stack (which would replace a RETAINed table with a fixed name and fail the deploy) - and
no template nears CloudFormation's 500-resource limit at the ~210 councils the product must serve.
"""

from __future__ import annotations

import copy
import json
import time

import pytest

from shared.core.domain.council import COUNCILS_FILE, load_councils, parse_councils
from shared.resources import (
    COUNCIL_SHARDS,
    COUNCIL_TABLE_PREFIX,
    NATIONAL_ADMIN_GROUP,
    Role,
    council_group,
    team_group,
    council_shard,
    council_table_name,
)

from .conftest import SynthesisedTemplate, synthesise
from .test_nag_and_lint import lint_errors

COUNCILS = load_councils()
ENTRIES = json.loads(COUNCILS_FILE.read_text(encoding="utf-8"))
CFN_MAX_RESOURCES = 500
CFN_MAX_TEMPLATE_BYTES = 1_000_000  # templates deployed from S3 (nested stacks and CDK's parent upload)


def _entry(code: str, name: str) -> dict:
    return copy.deepcopy(ENTRIES[0]) | {"code": code, "name": name}


def _tables(template: SynthesisedTemplate) -> dict[str, str]:
    """Table name -> logical id."""
    return {r["Properties"]["TableName"]: k for k, r in template.resources("AWS::DynamoDB::Table").items()}


def _groups(template: SynthesisedTemplate) -> set[str]:
    return {r["Properties"]["GroupName"] for r in template.resources("AWS::Cognito::UserPoolGroup").values()}


def _shard_stack_resources(synthesised) -> dict[int, str]:
    """Council shard -> the logical id of its AWS::CloudFormation::Stack in the parent."""
    return {
        n: synthesised.stack.get_logical_id(shard.nested_stack_resource)
        for n, shard in synthesised.stack.council_shards.shards.items()
    }


# ---------------------------------------------------------------- the hash
def test_shard_count_and_hash_are_pinned():
    # Changing either moves most councils to another shard, i.e. replaces their tables: never after a deploy.
    assert COUNCIL_SHARDS == 8
    assert [council_shard(code) for code in ("NORTHSHIRE", "VALEWYE", "EASTMOOR", "GLENSHIRE")] == [0, 3, 2, 0]
    assert {council_shard(f"C{i:03d}") for i in range(1, 211)} == set(range(COUNCIL_SHARDS))


# ---------------------------------------------------------------- the shipped councils (session synth, with nag)
@pytest.mark.slow
def test_every_council_lives_in_the_shard_of_its_code(synthesised):
    assert set(synthesised.shards) == {council_shard(code) for code in COUNCILS.codes}
    for code in COUNCILS.codes:
        own = council_shard(code)
        for shard, template in synthesised.shards.items():
            has_table = council_table_name(code) in _tables(template)
            has_groups = {council_group(code, role) for role in Role} <= _groups(template)
            assert has_table == has_groups == (shard == own), (code, shard)
        council = synthesised.stack.council_shards.councils[code]
        assert council.node.scope.node.path == synthesised.stack.council_shards.shards[own].node.path


@pytest.mark.slow
def test_only_the_key_and_user_pool_cross_into_the_shards_and_nothing_comes_back(synthesised):
    stack = synthesised.stack
    key_arn = {"Fn::GetAtt": [stack.get_logical_id(stack.key.node.default_child), "Arn"]}
    user_pool_id = {"Ref": stack.get_logical_id(stack.identity.user_pool.node.default_child)}
    stacks = synthesised.resources("AWS::CloudFormation::Stack")
    assert set(stacks) == set(_shard_stack_resources(synthesised).values())
    for logical_id, resource in stacks.items():
        passed = list(resource["Properties"]["Parameters"].values())
        assert len(passed) == 2 and key_arn in passed and user_pool_id in passed, logical_id
    for template in synthesised.shards.values():
        assert "Outputs" not in template.json
    # The parent (its function policies above all) names no council resource: tables are granted by prefix.
    parent = json.dumps(synthesised.template_json)
    for code in COUNCILS.codes:
        assert council_table_name(code) not in parent
        assert council_group(code, Role.CASEWORKER) not in parent
    assert NATIONAL_ADMIN_GROUP in parent


# ---------------------------------------------------------------- one council more or less
def _variant(tmp_path, entries: list[dict]):
    return synthesise(tmp_path, councils=parse_councils(entries), nag=False)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """The shipped councils, synthesised the way the variants are (no nag), for byte-wise comparison."""
    return _variant(tmp_path_factory.mktemp("baseline"), ENTRIES)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("code", "name"),
    [("EASTMOOR", "Eastmoor Borough Council"), ("GLENSHIRE", "Glenshire Council")],
    ids=["into-a-new-shard", "into-a-shard-in-use"],
)
def test_adding_a_council_changes_only_its_own_shard(baseline, tmp_path, code, name):
    bigger = _variant(tmp_path, [*ENTRIES, _entry(code, name)])
    own = council_shard(code)

    # Its table and its groups, in its own shard; nothing else added anywhere.
    assert own in bigger.shards and set(bigger.shards) == set(baseline.shards) | {own}
    own_tables_before = set(_tables(baseline.shards[own])) if own in baseline.shards else set()
    assert set(_tables(bigger.shards[own])) - own_tables_before == {council_table_name(code)}
    all_tables = lambda s: {name for t in s.shards.values() for name in _tables(t)}  # noqa: E731
    assert all_tables(bigger) - all_tables(baseline) == {council_table_name(code)}
    all_groups = lambda s: {group for t in s.shards.values() for group in _groups(t)}  # noqa: E731
    teams = [team["key"] for team in _entry(code, name)["teams"]]
    assert all_groups(bigger) - all_groups(baseline) == {council_group(code, role) for role in Role} | {team_group(code, team) for team in teams}

    # Every other shard's template is byte-identical; in its own shard, existing resources keep their ids.
    for shard, template in baseline.shards.items():
        if shard != own:
            assert bigger.shards[shard].path.read_bytes() == template.path.read_bytes(), shard
        else:
            assert set(template.json["Resources"]) < set(bigger.shards[shard].json["Resources"])

    # The parent: no logical id changes; the only resource that differs is its own shard's nested stack
    # (a new one, or a new TemplateURL for the changed template). Function policies do not grow.
    before, after = baseline.template_json["Resources"], bigger.template_json["Resources"]
    assert set(before) <= set(after)
    own_stack = _shard_stack_resources(bigger)[own]
    assert {k for k in after if after[k] != before.get(k)} == {own_stack}
    assert set(after) - set(before) == (set() if own in baseline.shards else {own_stack})


@pytest.mark.slow
def test_removing_a_council_leaves_the_other_shards_untouched(baseline, tmp_path):
    removed, kept = ENTRIES[1], ENTRIES[0]
    assert council_shard(removed["code"]) != council_shard(kept["code"])  # each alone in its shard
    smaller = _variant(tmp_path, [kept])
    assert set(smaller.shards) == {council_shard(kept["code"])}  # the emptied shard is not synthesised
    kept_shard = council_shard(kept["code"])
    assert smaller.shards[kept_shard].path.read_bytes() == baseline.shards[kept_shard].path.read_bytes()
    before, after = baseline.template_json["Resources"], smaller.template_json["Resources"]
    assert set(before) - set(after) == {_shard_stack_resources(baseline)[council_shard(removed["code"])]}
    assert all(after[k] == before[k] for k in after)


# ---------------------------------------------------------------- at the scale of every UK council
@pytest.mark.slow
def test_210_councils_fit_every_template_under_the_resource_limit(tmp_path):
    entries = [_entry(f"C{i:03d}", f"Synthetic Council {i:03d}") for i in range(1, 211)]
    started = time.perf_counter()
    # With cdk-nag: it adds ~1.5 s here, and proves 210 tables and 1,050 groups draw no finding either.
    big = synthesise(tmp_path, councils=parse_councils(entries), nag=True)
    print(f"210 councils: build + synth with cdk-nag in {time.perf_counter() - started:.1f} s")

    assert set(big.shards) == set(range(COUNCIL_SHARDS))
    counts = {path.name: len(json.loads(path.read_text())["Resources"]) for path in big.template_paths}
    print("resources per template:", counts)
    assert len(counts) == 1 + COUNCIL_SHARDS
    assert all(count < CFN_MAX_RESOURCES for count in counts.values()), counts
    assert all(path.stat().st_size < CFN_MAX_TEMPLATE_BYTES for path in big.template_paths)

    # The parent grows by one nested stack per shard, not per council.
    parent = big.template_json["Resources"]
    assert not [r for r in parent.values() if r["Type"] == "AWS::DynamoDB::Table" and r["Properties"]["TableName"].startswith(COUNCIL_TABLE_PREFIX)]
    assert len([r for r in parent.values() if r["Type"] == "AWS::Cognito::UserPoolGroup"]) == 1

    for i in range(1, 211):
        code = f"C{i:03d}"
        assert council_table_name(code) in _tables(big.shards[council_shard(code)]), code
    assert sum(len(_tables(t)) for t in big.shards.values()) == 210
    teams_per_council = len(ENTRIES[0]["teams"])  # the scale test's councils are copies of the first
    assert sum(len(_groups(t)) for t in big.shards.values()) == 210 * (len(Role) + teams_per_council)

    # cfn-lint the largest shard at this scale (all nine templates would add ~15 s; they differ only in size).
    largest = max(big.shards.values(), key=lambda t: len(t.json["Resources"]))
    assert lint_errors(largest.path, big.stack.region) == []
