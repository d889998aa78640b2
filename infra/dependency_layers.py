"""Lambda layers of the third-party packages the Powertools layer does not ship, built without Docker.

pip fetches the wheels for Lambda's platform (manylinux, arm64, CPython 3.13) whatever machine synthesises,
so compiled packages (paramiko's cryptography, bcrypt, PyNaCl) are the ones Lambda can load. The versions
come from pyproject.toml's dependencies, the one place they are pinned. A built layer is kept under build/
in a folder named by the hash of what went into it, so a synth rebuilds only when a pin changes.

Layers and the code asset ship bytecode compiled by Lambda's own Python version (`compile_bytecode`): /var/task
and /opt are read-only, so a package without it is compiled again on every cold start.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from shared.resources import DEPENDENCY_LAYERS, PROJECT_ROOT, WHOLE_LAYERS

LAYER_BUILD_DIR = PROJECT_ROOT / "build" / "layers"
LAMBDA_PLATFORMS = ("manylinux2014_aarch64", "manylinux_2_28_aarch64")  # Lambda arm64 (Amazon Linux 2023, glibc 2.34)
LAMBDA_PYTHON_VERSION = "3.13"
LAMBDA_PYTHON_ENV = "LAMBDA_PYTHON"  # an interpreter of LAMBDA_PYTHON_VERSION, where it is not python3.13 on the PATH


class LayerBuildError(RuntimeError):
    pass


def pinned_requirements(packages: tuple[str, ...], pyproject: Path = PROJECT_ROOT / "pyproject.toml") -> list[str]:
    """`name==version` for each package, as pinned in pyproject.toml's runtime dependencies."""
    dependencies = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    pins = {_normalise(re.split(r"[\[=<>!~ ]", line, maxsplit=1)[0]): line for line in dependencies}
    missing = [package for package in packages if _normalise(package) not in pins]
    if missing:
        raise LayerBuildError(f"pyproject.toml's dependencies do not pin {', '.join(missing)}")
    return [pins[_normalise(package)] for package in packages]


def build_layer(name: str) -> Path:
    """The folder to zip as layer `name` (it holds python/...), built if this set of pins was not built before."""
    requirements = pinned_requirements(DEPENDENCY_LAYERS[name])
    fingerprint = hashlib.sha256("\n".join([*requirements, *LAMBDA_PLATFORMS, LAMBDA_PYTHON_VERSION, "bytecode"]).encode()).hexdigest()[:16]
    target = LAYER_BUILD_DIR / f"{name}-{fingerprint}"
    if (target / "python").is_dir():
        return target
    LAYER_BUILD_DIR.mkdir(parents=True, exist_ok=True)
    # Built aside and renamed into place, so parallel test workers never see (or zip) half a layer.
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=LAYER_BUILD_DIR))
    command = [
        sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
        "--target", str(staging / "python"), "--implementation", "cp", "--python-version", LAMBDA_PYTHON_VERSION,
        "--only-binary=:all:", *(arg for platform in LAMBDA_PLATFORMS for arg in ("--platform", platform)),
        *(["--no-deps"] if name in WHOLE_LAYERS else []), *requirements,
    ]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PIP_NO_INPUT": "1"})
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise LayerBuildError(f"could not build the {name} layer ({' '.join(requirements)}):\n{result.stderr.strip()}")
    for cache in (staging / "python").rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)
    try:
        compile_bytecode(staging / "python")
    except LayerBuildError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        staging.rename(target)
    except OSError:  # another worker finished first: its layer is the same
        shutil.rmtree(staging, ignore_errors=True)
    return target


def lambda_python() -> str:
    """An interpreter of Lambda's Python version: bytecode is specific to it (cpython-313 caches)."""
    candidates = [os.environ.get(LAMBDA_PYTHON_ENV), shutil.which(f"python{LAMBDA_PYTHON_VERSION}")]
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates += sorted(str(path) for path in Path(pyenv_root).glob(f"versions/{LAMBDA_PYTHON_VERSION}.*/bin/python{LAMBDA_PYTHON_VERSION}"))
    wanted = f"import sys; sys.exit(sys.version_info[:2] != ({LAMBDA_PYTHON_VERSION.replace('.', ', ')}))"
    for candidate in filter(None, candidates):  # a pyenv shim is on the PATH even where it has no such version: run it
        if Path(candidate).is_file() and subprocess.run([candidate, "-c", wanted], capture_output=True, check=False).returncode == 0:
            return candidate
    raise LayerBuildError(f"no Python {LAMBDA_PYTHON_VERSION} to compile the Lambda bytecode with: install it "
                          f"(python{LAMBDA_PYTHON_VERSION} on the PATH) or set {LAMBDA_PYTHON_ENV} to its path")


def compile_bytecode(folder: Path, interpreter: str | None = None) -> None:
    """Compile every module under `folder` beside its source (__pycache__/*.cpython-313.pyc), sources kept.

    Unchecked-hash bytecode: Lambda unpacks the zip with new timestamps, which would make timestamp-checked bytecode
    look stale, and /var/task is read-only, so Python would compile the source on every cold start instead."""
    command = [interpreter or lambda_python(), "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", str(folder)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise LayerBuildError(f"could not compile {folder}:\n{(result.stdout + result.stderr).strip()[-2000:]}")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
