"""Benchmark: building the AWS clients a function's first request needs, from one boto3 session or from several.

Run on demand (not part of the tests):  .venv/bin/python -m bench.first_clients [--samples 15]

A cold start is the import (bench/cold_import.py) and then the first request, which builds the clients it uses. Each
boto3 session reads the service models and endpoint data for itself, so clients spread over several sessions pay that
read once per session. The functions build their clients from one: boto3's default session, which the councils'
sessions (TenantSessions) share their loader with and Powertools' idempotency and Secrets Manager clients are built on
(shared.bootstrap.aws_session). Before, the councils' sessions had a base session of their own, and Powertools built
one for each of its utilities.

Each sample starts a fresh interpreter with the function's environment (bench/cold_import.py), imports boto3 and the
composition root (not timed), then times building (no request is made) the clients of a typical first request:
- api: a council's DynamoDB and S3, and Step Functions (a step that resumes its workflow);
- workflow-step: a council's DynamoDB, the badge-number table's DynamoDB and SES (ordering a badge, telling the applicant);
- crm-connector: Powertools' idempotency DynamoDB, the council's DynamoDB (recording the record system's id) and
  Secrets Manager (the record system's client secret).
"one session" is the code as it is (shared.bootstrap); "a session each" builds the same clients the earlier way.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

from bench.cold_import import lambda_environment
from shared.resources import FUNCTIONS

COUNCIL = "NORTHSHIRE"

# function key -> (the clients as the code builds them now, the same clients built the earlier way)
FIRST_CLIENTS: dict[str, tuple[str, str]] = {
    "api": (
        f"b.council_client('dynamodb', {COUNCIL!r}); b.council_client('s3', {COUNCIL!r}); b.workflows()",
        f"t = TenantSessions(role, 'bench'); t.client('dynamodb', {COUNCIL!r}); t.client('s3', {COUNCIL!r}); b.workflows()",
    ),
    "workflow-step": (
        f"b.council_client('dynamodb', {COUNCIL!r}); b.badge_numbers(); boto3.client('ses')",
        f"t = TenantSessions(role, 'bench'); t.client('dynamodb', {COUNCIL!r}); b.badge_numbers(); boto3.client('ses')",
    ),
    "crm-connector": (
        f"DynamoDBPersistenceLayer(table_name='t', boto3_session=b.aws_session()); b.council_client('dynamodb', {COUNCIL!r}); "
        "b.secret_values()",
        f"DynamoDBPersistenceLayer(table_name='t'); TenantSessions(role, 'bench').client('dynamodb', {COUNCIL!r}); SecretsProvider()",
    ),
}

TIMER = """import os, time, boto3
import shared.bootstrap as b
from shared.core.adapters.tenant_credentials import TenantSessions
from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer
from aws_lambda_powertools.utilities.parameters import SecretsProvider
role = os.environ['{role}']
started = time.perf_counter()
{build}
print(time.perf_counter() - started)
"""


def sample(build: str, env: dict[str, str]) -> float:
    from shared.resources import Env

    code = TIMER.format(role=Env.TENANT_ROLE_ARN.value, build=build)
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=Path.cwd(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"building the clients failed:\n{result.stderr.strip()[-2000:]}")
    return float(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=15, help="fresh interpreters per figure (median; at least 10)")
    args = parser.parse_args(argv)
    if args.samples < 10:
        parser.error("--samples must be at least 10")
    print(f"median of {args.samples} fresh interpreters per figure, taken in turns (seconds to build the clients)")
    print(f"{'function':<16} {'one session s':>13} {'a session each s':>16} {'saved s':>8}")
    for key, (now, before) in FIRST_CLIENTS.items():
        spec = next(spec for spec in FUNCTIONS if spec.key == key)
        env = lambda_environment(spec, Path.cwd()) | {"PYTHONPATH": str(Path.cwd()), "PYTHONDONTWRITEBYTECODE": "1"}
        times: dict[str, list[float]] = {"now": [], "before": []}
        for _ in range(args.samples):
            times["now"].append(sample(now, env))
            times["before"].append(sample(before, env))
        one, each = statistics.median(times["now"]), statistics.median(times["before"])
        print(f"{key:<16} {one:>13.3f} {each:>16.3f} {each - one:>8.3f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
