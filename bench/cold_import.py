"""Benchmark: each handler's cold import against a bare `import boto3`, a fresh interpreter per sample.

Run on demand (not part of the tests):  .venv/bin/python -m bench.cold_import [--samples 15] [--only ingest api]

Each sample starts a new interpreter and times (inside it) `import boto3` or the import of one handler module, the
median of `--samples` runs; a handler's samples are taken in turns with bare boto3's, so that a busy machine weighs on
both alike. Two clocks: wall time (perf_counter, what a cold start waits) and the process's CPU time (process_time, what
the import itself costs: on a machine busy with other work, wall time also counts the waits for a core, and its ratios
swing by 2x from run to run while the CPU ratios hold within a few per cent). Handlers run with their real environment: every variable the CDK gives the
function (infra.constructs.functions: its spec's Env names, the Powertools and tracer settings) plus the ones the Lambda
runtime sets (LAMBDA_TASK_ROOT, AWS_LAMBDA_FUNCTION_NAME, AWS_REGION ...), so Tracer patches as it does in Lambda.

The code is imported from a copy of what the Lambda package holds (shared/, functions/, web/), two ways:
- "sources": no bytecode (the package as shipped before: our code compiles on every cold start);
- "bytecode": compiled as infra.constructs.functions compiles the asset (the way Lambda loads it now), here by this
  interpreter, whose bytecode it can load (the asset's is Lambda's Python's).
Third-party packages come from the virtualenv with their bytecode, as the runtime and layers provide them.

The last rows time the floor every handler stands on before any of our code: boto3, pydantic, and Powertools' Logger,
Metrics and Tracer (patching what TRACED_MODULES names), built as the handlers build them; then the same with one
one-field pydantic model defined, because the first model a process defines loads pydantic's schema machinery (about
30 ms here, more than pydantic's own import), which every handler pays as soon as it defines any model.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from infra.constructs.functions import (
    METRICS_NAMESPACE,
    TRACER_PRIVACY_ENVIRONMENT,
    stage_code,
)
from infra.dependency_layers import compile_bytecode
from shared.bootstrap import TRACED_MODULES
from shared.resources import FUNCTIONS, Env, FunctionSpec

REGION = "eu-west-2"
ACCOUNT = "123456789012"

# Values of the right shape for each variable (imports must not care, but some parse them when a client is built).
ENV_VALUES: dict[Env, str] = {
    Env.IDEMPOTENCY_TABLE: "casework-idempotency",
    Env.UNROUTED_TABLE: "casework-unrouted",
    Env.EVIDENCE_BUCKET: "casework-evidence",
    Env.WORKFLOW_ARNS: '{"application": "arn:aws:states:eu-west-2:123456789012:stateMachine:casework-application"}',
    Env.BADGE_NUMBER_TABLE: "casework-badge-numbers",
    Env.PRINT_BATCH_TABLE: "casework-print-batches",
    Env.PRINT_DROP_BUCKET: "casework-print-drop",
    Env.WEB_SESSION_TABLE: "casework-web-sessions",
    Env.USER_POOL_ID: "eu-west-2_bench",
    Env.WEB_CLIENT_ID: "benchclient",
    Env.WEB_BASE_URL: "https://casework.example",
    Env.SUPPLIER_PUSH: "",
    Env.SUPPLIER_PUSH_KEY_SECRET: "casework-supplier-push-key",
    Env.TENANT_ROLE_ARN: f"arn:aws:iam::{ACCOUNT}:role/casework-council-data",
    Env.EVENT_BUS: "casework-events",
    Env.CRM_ENDPOINTS: "{}",
    Env.NATIONAL_PULLS: "",
}

FLOOR = f"""import boto3
import pydantic
from aws_lambda_powertools import Logger, Metrics, Tracer

logger, metrics, tracer = Logger(), Metrics(), Tracer(patch_modules={TRACED_MODULES!r})
"""
# module name -> (what it holds, its source): the floors, each timed against a bare import boto3.
FLOORS = {
    "cold_start_floor": ("boto3, pydantic, Logger, Metrics, Tracer", FLOOR),
    "cold_start_floor_model": ("the same and one pydantic model", FLOOR + "\n\nclass Floor(pydantic.BaseModel):\n    field: int\n"),
}

TIMER = ("import time, importlib; started, cpu = time.perf_counter(), time.process_time(); importlib.import_module({module!r}); "
         "print(time.perf_counter() - started, time.process_time() - cpu)")


def lambda_environment(spec: FunctionSpec, task_root: Path) -> dict[str, str]:
    """What the function's process sees in Lambda (credentials are dummies: importing must not call AWS)."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LAMBDA_TASK_ROOT": str(task_root),
        "AWS_LAMBDA_FUNCTION_NAME": spec.function_name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_SESSION_TOKEN": "bench",
        "POWERTOOLS_SERVICE_NAME": spec.function_name,
        "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
        "LOG_LEVEL": "INFO",
        **TRACER_PRIVACY_ENVIRONMENT,
        **{env.value: ENV_VALUES.get(env, "") for env in spec.environment},  # a variable added since: empty (most mean "off")
    }


def sample(module: str, env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one import in a fresh interpreter."""
    result = subprocess.run([sys.executable, "-c", TIMER.format(module=module)], env=env, cwd=cwd,
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"importing {module} failed:\n{result.stderr.strip()[-2000:]}")
    wall, cpu = result.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def interleaved_medians(runs: dict[str, tuple[str, dict[str, str], Path]], samples: int) -> dict[str, tuple[float, float]]:
    """The median wall and CPU time of each run's samples, taken in turns (one of each, then again), so that the
    machine's load at any moment weighs on all of them alike: the ratios stay fair on a busy machine."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    for _ in range(samples):
        for name, (module, env, cwd) in runs.items():
            times[name].append(sample(module, env, cwd))
    return {name: (statistics.median(wall for wall, _ in values), statistics.median(cpu for _, cpu in values))
            for name, values in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=15, help="fresh interpreters per figure (median; at least 10)")
    parser.add_argument("--only", nargs="+", metavar="KEY", help="function keys to measure (default: every function)")
    args = parser.parse_args(argv)
    if args.samples < 10:
        parser.error("--samples must be at least 10")
    specs = [spec for spec in FUNCTIONS if not args.only or spec.key in args.only]

    with tempfile.TemporaryDirectory(prefix="cold-import-") as folder:
        sources, compiled = Path(folder) / "sources", Path(folder) / "bytecode"
        stage_code(sources)
        stage_code(compiled)
        for module, (_, source) in FLOORS.items():
            (compiled / f"{module}.py").write_text(source)
        compile_bytecode(compiled, interpreter=sys.executable)  # the asset's compile step, by this Python (its bytecode)
        # Sources stay sources: nothing may write bytecode beside them between samples.
        no_writes = {"PYTHONDONTWRITEBYTECODE": "1"}
        print(f"Python {sys.version.split()[0]}, median of {args.samples} fresh interpreters per figure (seconds); each handler is "
              f"sampled in turns with a bare import boto3, its ratio taken against that")
        print(f"{'':<18} {'':<40} {'wall time':^42} {'CPU time':^42}")
        print(f"{'function':<18} {'module':<40} {'boto3 s':>7} {'sources s':>9} {'ratio':>6} {'bytecode s':>10} {'ratio':>6} "
              f"{'boto3 s':>7} {'sources s':>9} {'ratio':>6} {'bytecode s':>10} {'ratio':>6}")
        worst = worst_cpu = 0.0
        for spec in specs:
            module = spec.handler.rsplit(".", 1)[0]
            medians = interleaved_medians({
                "boto3": ("boto3", lambda_environment(spec, sources) | no_writes, sources),
                "sources": (module, lambda_environment(spec, sources) | no_writes, sources),
                "bytecode": (module, lambda_environment(spec, compiled) | no_writes, compiled),
            }, args.samples)
            columns = []
            for clock in (0, 1):
                bare, uncompiled, loaded = (medians[name][clock] for name in ("boto3", "sources", "bytecode"))
                columns.append(f"{bare:>7.3f} {uncompiled:>9.3f} {uncompiled / bare:>6.2f} {loaded:>10.3f} {loaded / bare:>6.2f}")
            worst = max(worst, medians["bytecode"][0] / medians["boto3"][0])
            worst_cpu = max(worst_cpu, medians["bytecode"][1] / medians["boto3"][1])
            print(f"{spec.key:<18} {module:<40} {' '.join(columns)}", flush=True)
        floor_spec = specs[0]
        medians = interleaved_medians({
            "boto3": ("boto3", lambda_environment(floor_spec, compiled) | no_writes, compiled),
            **{module: (module, lambda_environment(floor_spec, compiled) | no_writes, compiled) for module in FLOORS},
        }, args.samples)
        for module, (holds, _) in FLOORS.items():
            print(f"{'floor':<18} {holds:<40} "
                  + " ".join(f"{medians['boto3'][clock]:>7.3f} {'':>9} {'':>6} {medians[module][clock]:>10.3f} "
                             f"{medians[module][clock] / medians['boto3'][clock]:>6.2f}" for clock in (0, 1)))
        print(f"worst handler with bytecode: {worst:.2f} x a bare import boto3 in wall time, {worst_cpu:.2f} x in CPU time "
              f"(target <= 1.5); the floors above are what any handler pays before its own code")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
