"""Lambda functions for every FunctionSpec: one code asset, the public Powertools layer, own roles and log groups."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.constructs.security import PlatformKey
from infra.dependency_layers import LAMBDA_PYTHON_VERSION, build_layer, compile_bytecode
from shared.resources import FUNCTIONS, PROJECT_ROOT, Env, FunctionSpec

RUNTIME = lambda_.Runtime.PYTHON_3_13
ARCHITECTURE = lambda_.Architecture.ARM_64

# Public "Powertools for AWS Lambda (Python) V3" layer, published by AWS from account 017000801446 in
# every commercial region, one layer per Python version and architecture. Besides Powertools it ships
# its extras - pydantic v2 (parser), aws-xray-sdk (tracer), fastjsonschema (validation) - so the code
# asset carries only our own packages. It does NOT ship boto3 (the runtime provides it) nor
# email-validator. The layer version is pinned; override with `-c powertoolsLayerVersion=<n>`.
POWERTOOLS_LAYER_ACCOUNT = "017000801446"
POWERTOOLS_LAYER_NAME = "AWSLambdaPowertoolsPythonV3-python313-arm64"
POWERTOOLS_LAYER_VERSION = 27


def powertools_layer_arn(region: str, version: int = POWERTOOLS_LAYER_VERSION) -> str:
    return f"arn:aws:lambda:{region}:{POWERTOOLS_LAYER_ACCOUNT}:layer:{POWERTOOLS_LAYER_NAME}:{version}"


# The code asset: the packages the handlers import (web: pages and templates, not the Sass and JS sources that are built
# into the CloudFront assets), copied without any bytecode of the machine's own Python, then compiled by Lambda's.
CODE_PACKAGES = ("shared", "functions", "web")
CODE_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
CODE_IGNORED_DIRS = (Path("web") / "assets",)
CODE_BUILD_DIR = PROJECT_ROOT / "build" / "code"


def stage_code(target: Path) -> None:
    """Copy the code asset's sources into `target` (no bytecode)."""
    for package in CODE_PACKAGES:
        shutil.copytree(PROJECT_ROOT / package, target / package, ignore=_ignored)


def _ignored(folder: str, names: list[str]) -> set[str]:
    here = Path(folder).relative_to(PROJECT_ROOT)
    return set(CODE_IGNORED(folder, names)) | {name for name in names if here / name in CODE_IGNORED_DIRS}


def build_code_asset() -> Path:
    """The folder Lambda's code asset zips: the sources and their bytecode for Lambda's Python, so a cold start loads
    our modules instead of compiling them (the package is read-only: nothing compiled there is kept). Kept under
    build/code/ by the hash of the sources, so a synth recompiles only when the code changed."""
    staging = Path(tempfile.mkdtemp(prefix=".code-", dir=_made(CODE_BUILD_DIR)))
    try:
        stage_code(staging)
        digest = hashlib.sha256(LAMBDA_PYTHON_VERSION.encode())
        for path in sorted(p for p in staging.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(staging)).encode() + b"\0" + path.read_bytes())
        target = CODE_BUILD_DIR / digest.hexdigest()[:16]
        if (target / "functions").is_dir():
            return target
        compile_bytecode(staging)
        try:
            staging.rename(target)  # whole, so parallel test workers never zip half an asset
        except OSError:  # another worker finished first: its asset is the same
            pass
        return target
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _made(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass(frozen=True)
class Sizing:
    memory_mb: int
    timeout_seconds: int


# Ingest runs under an SQS visibility timeout of 180 s: AWS advises a visibility timeout of at least six
# times the function timeout, hence 30 s. API Gateway stops waiting after 29 s.
SIZING = {
    "ingest": Sizing(memory_mb=512, timeout_seconds=30),
    "api": Sizing(memory_mb=512, timeout_seconds=25),
    "web": Sizing(memory_mb=512, timeout_seconds=25),  # behind API Gateway too (through CloudFront)
    "workflow-step": Sizing(memory_mb=512, timeout_seconds=30),
    # One run works through every council in turn, so it gets Lambda's maximum; a run cut short is retried
    # (asynchronous invocation) and skips the cases already marked as reminded.
    "reminders": Sizing(memory_mb=512, timeout_seconds=900),
    # As the reminders: every council in turn; a run cut short is retried and skips the badges already marked as reminded.
    "renewal-reminders": Sizing(memory_mb=512, timeout_seconds=900),
    # One batch type for every council per invocation, the file streamed (a few photos in memory at a time); memory holds
    # the badge records taken, for the mark (about 3 KiB each: ~55 MiB at 10,000 badges, bench/print_dispatch.py). A run
    # cut short is retried by the state machine and resumes where it stopped (shared/services/blue_badge/domain/printing.py).
    "print-dispatch": Sizing(memory_mb=1024, timeout_seconds=900),
    # One result file per invocation, read whole (at most 20 MiB), a few DynamoDB calls and an email per badge. A run
    # cut short is retried by S3's asynchronous invocation and skips the badges already done (results apply once).
    "print-results": Sizing(memory_mb=512, timeout_seconds=900),
    # One referral's step per task state: a case write, an email or a Referral Accepted event; as workflow-step.
    "asc-step": Sizing(memory_mb=512, timeout_seconds=30),
    # One accepted referral per invocation: a token and a record request, each within its CRM's timeout (at most 30 s),
    # retried briefly while the invocation has time (crm_client), then the CRM's id written to the case.
    "crm-connector": Sizing(memory_mb=512, timeout_seconds=60),
    "response-watch": Sizing(memory_mb=512, timeout_seconds=300),  # a cold run over ~200 councils: a role and a few Queries each
    # Cognito waits 5 s for a trigger and then refuses the sign-up: a longer timeout would only run on unseen.
    "partner-sign-up": Sizing(memory_mb=512, timeout_seconds=5),
}
DEFAULT_SIZING = Sizing(memory_mb=512, timeout_seconds=30)

METRICS_NAMESPACE = "Casework"

# Personal data stays in the encrypted, retained stores (tables, buckets, log groups under the platform key). X-Ray is
# none of those, and Tracer would otherwise record every handler's response and exception as trace metadata: the
# API's case JSON, an error quoting an application. Set here once, for every function, rather than per decorator.
TRACER_PRIVACY_ENVIRONMENT = {
    "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",
    "POWERTOOLS_TRACER_CAPTURE_ERROR": "false",
}


class AppFunctions(Construct):
    """Creates a function per spec in FUNCTIONS. Environment values are supplied per Env name."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        log_retention: logs.RetentionDays,
        log_level: str,
        platform_key: PlatformKey,
        layer_version: int = POWERTOOLS_LAYER_VERSION,
    ) -> None:
        super().__init__(scope, construct_id)
        region = Stack.of(self).region

        self.code = lambda_.Code.from_asset(str(build_code_asset()))
        self.layer = lambda_.LayerVersion.from_layer_version_arn(
            self, "PowertoolsLayer", powertools_layer_arn(region, layer_version)
        )

        self.dependency_layers: dict[str, lambda_.LayerVersion] = {}

        self.functions: dict[str, lambda_.Function] = {}
        self.roles: dict[str, iam.Role] = {}
        self.log_groups: dict[str, logs.LogGroup] = {}
        self._specs: dict[str, FunctionSpec] = {}
        for spec in FUNCTIONS:
            construct_name = _pascal(spec.key)
            sizing = SIZING.get(spec.key, DEFAULT_SIZING)
            # Own role without the AWSLambdaBasicExecutionRole managed policy: it may write only to its
            # own log group. CDK adds the X-Ray statement because tracing is active.
            role = iam.Role(
                self,
                f"{construct_name}Role",
                assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                description=f"Execution role of {spec.function_name}",
            )
            role.add_to_policy(platform_key.data_statement())
            log_group = logs.LogGroup(
                self,
                f"{construct_name}Logs",
                log_group_name=f"/aws/lambda/{spec.function_name}",
                retention=log_retention,
                encryption_key=platform_key.key,
                removal_policy=RemovalPolicy.RETAIN,
            )
            log_group.grant_write(role)
            function = lambda_.Function(
                self,
                construct_name,
                function_name=spec.function_name,
                description=spec.description,
                handler=spec.handler,
                runtime=RUNTIME,
                architecture=ARCHITECTURE,
                code=self.code,
                layers=[self.layer, *(self._dependency_layer(name) for name in spec.all_layers)],
                role=role,
                log_group=log_group,
                memory_size=sizing.memory_mb,
                timeout=Duration.seconds(sizing.timeout_seconds),
                tracing=lambda_.Tracing.ACTIVE,
                environment={
                    "POWERTOOLS_SERVICE_NAME": spec.function_name,
                    "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
                    "LOG_LEVEL": log_level,
                    **TRACER_PRIVACY_ENVIRONMENT,
                },
            )
            self.functions[spec.key] = function
            self.roles[spec.key] = role
            self.log_groups[spec.key] = log_group
            self._specs[spec.key] = spec

    def _dependency_layer(self, name: str) -> lambda_.LayerVersion:
        if name not in self.dependency_layers:
            self.dependency_layers[name] = lambda_.LayerVersion(
                self,
                f"{_pascal(name)}DependencyLayer",
                code=lambda_.Code.from_asset(str(build_layer(name))),
                compatible_runtimes=[RUNTIME],
                compatible_architectures=[ARCHITECTURE],
                description=f"Third-party packages of the {name} functions (pinned in pyproject.toml)",
            )
        return self.dependency_layers[name]

    def specs(self) -> list[FunctionSpec]:
        return list(self._specs.values())

    def needing(self, env: Env) -> list[tuple[FunctionSpec, lambda_.Function, iam.Role]]:
        """The functions whose spec lists `env` - they also need the permissions that go with it."""
        return [(spec, self.functions[key], self.roles[key]) for key, spec in self._specs.items() if env in spec.environment]

    def set_environment(self, values: Mapping[Env, str]) -> None:
        """Set each function's spec.environment variables; every listed Env must have a value."""
        for key, spec in self._specs.items():
            missing = [env.value for env in spec.environment if env not in values]
            if missing:
                raise ValueError(f"{spec.function_name}: no value for environment variable(s) {', '.join(missing)}")
            for env in spec.environment:
                self.functions[key].add_environment(env.value, values[env])


def _pascal(key: str) -> str:
    return "".join(part.capitalize() for part in key.replace("_", "-").split("-"))
