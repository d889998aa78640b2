"""The engine (shared/core) names no service, and no service reaches into another.

A "service-specific name in the core" is a name a core module imports from a service's package (the lazy imports of
the registry itself, shared.services.registry, are how the core reaches services without naming one)."""

from __future__ import annotations

import ast
from pathlib import Path

from shared.resources import PROJECT_ROOT

CORE = PROJECT_ROOT / "shared" / "core"


def service_names_in_core() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(CORE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("shared.services.") \
                    and node.module != "shared.services.registry":
                found.setdefault(str(path.relative_to(PROJECT_ROOT)), []).extend(alias.name for alias in node.names)
    return found


def test_the_core_names_no_service():
    assert service_names_in_core() == {}


def test_no_service_reaches_into_another_service():
    services = PROJECT_ROOT / "shared" / "services"
    for package in (path for path in services.iterdir() if (path / "spec.py").is_file()):
        for path in package.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and (module := node.module or "").startswith("shared.services."):
                    other = module.split(".")[2]
                    assert other in (package.name, "registry"), f"{Path(path).relative_to(PROJECT_ROOT)} imports {module}"
