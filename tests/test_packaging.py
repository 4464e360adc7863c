"""What the wheel declares and ships matches what `pixora/` imports and reads."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pixora"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())

# Declared runtime dependencies nothing in `pixora/` imports by name, and why they are needed.
RUNTIME_ONLY = {
    "websockets": "uvicorn's WebSocket protocol implementation (the server's /ws endpoint)",
    "click": "arq's one other dependency (arq is installed from scripts/no-deps.txt)",
    "audioop-lts": "pydub's `audioop` on Python 3.13+, where the stdlib module is gone",
}

# Installed with --no-deps after the package (see the file): distribution names.
NO_DEPS = {re.split(r"[=<>!~]", line)[0].strip().lower()
           for line in (ROOT / "scripts" / "no-deps.txt").read_text().splitlines()
           if line.strip() and not line.startswith("#")}


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(requirements: list[str]) -> set[str]:
    return {_normalize(re.match(r"[A-Za-z0-9._-]+", r.strip()).group()) for r in requirements}


@cache
def _imports() -> dict[str, list[str]]:
    """Top-level module -> `file:line` of every absolute import of it in `pixora/`, at any depth."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            for name in names:
                found.setdefault(name.split(".")[0], []).append(where)
    return found


@cache
def _distributions() -> dict[str, list[str]]:
    return packages_distributions()


def _third_party() -> dict[str, list[str]]:
    return {module: where for module, where in _imports().items()
            if module not in sys.stdlib_module_names and module != "pixora"}


def test_every_third_party_import_is_declared() -> None:
    declared = _declared(PYPROJECT["project"]["dependencies"]) | NO_DEPS
    distributions = _distributions()
    missing = []
    for module, where in sorted(_third_party().items()):
        dists = {_normalize(d) for d in distributions.get(module, [])}
        if not dists:
            missing.append(f"{module} (not installed; imported at {where[0]})")
        elif not dists & declared:
            missing.append(f"{module} -> {sorted(dists)} (imported at {where[0]})")
    assert not missing, "imported by pixora/ but not in [project].dependencies:\n" + "\n".join(
        missing)


def test_every_declared_dependency_is_used() -> None:
    distributions = _distributions()
    imported = {_normalize(d) for module in _third_party() for d in distributions.get(module, [])}
    unused = _declared(PYPROJECT["project"]["dependencies"]) - imported - set(RUNTIME_ONLY)
    assert not unused, f"declared but never imported by pixora/ (move to an extra?): {unused}"


def test_moviepy_is_bench_only() -> None:
    assert "moviepy" not in _imports(), _imports()["moviepy"]
    assert "moviepy" not in _declared(PYPROJECT["project"]["dependencies"])
    assert "moviepy" in _declared(PYPROJECT["project"]["optional-dependencies"]["bench"])


def test_package_data_ships_every_non_python_file() -> None:
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["pixora"]
    shipped = {path for pattern in patterns for path in PACKAGE.glob(pattern)}
    data = {path for path in PACKAGE.rglob("*")
            if path.is_file() and path.suffix not in {".py", ".pyc"}
            and "__pycache__" not in path.parts}
    assert data, "no data files found under pixora/"
    assert not data - shipped, f"not in package-data: {sorted(map(str, data - shipped))}"
    assert PACKAGE / "agents" / "agents.yaml" in shipped
