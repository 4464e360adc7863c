"""The package's layering, from the imports in `pixora/` (at any depth, read with `ast`).

A module may import only from its own layer or lower ones; `pixora.offline` (the stand-ins) is
imported only where real and offline implementations are chosen; and the import-time graph
between layers has no cycle.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pixora"

# Top to bottom; names on one line share a layer. A module's layer is its folder or file
# under pixora/ (pixora/server/__main__.py is `server`); pixora/__init__.py is `pixora`, at
# the bottom: it runs before every submodule, so it imports none of them.
LAYERS = [
    ("cli", "terminal"),
    ("server",),
    ("evals",),
    ("studio",),
    ("agents",),
    ("tools",),
    ("pipeline",),
    ("services",),
    ("providers",),
    ("offline",),
    ("media",),
    ("storage",),
    ("net",),
    ("context",),
    ("config",),
    ("pixora",),
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}

# The two places that choose between real and offline implementations.
OFFLINE_USERS = {"pixora.providers", "pixora.agents.models"}

# Violations on this branch today, being fixed elsewhere: (importing module, imported module).
# Remove an entry once it is fixed; test_known_violations_are_still_present says when.


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name, e.g. "pixora.tools.scenes"
    imported: str  # the pixora module it imports, e.g. "pixora.offline.writing"
    where: str  # "pixora/tools/scenes.py:12"
    module_level: bool  # runs when the importer is imported (not in a function or TYPE_CHECKING)


@dataclass(frozen=True)
class Violation:
    imp: Import
    reason: str

    @property
    def key(self) -> tuple[str, str]:
        return self.imp.importer, self.imp.imported

    def __str__(self) -> str:
        i = self.imp
        return (f"{i.where}: {i.importer} -> {i.imported} "
                f"({layer(i.importer)} -> {layer(i.imported)}): {self.reason}")


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _module_name(path: Path, package: Path) -> str:
    parts = [package.name, *path.relative_to(package).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _deferred(tree: ast.AST) -> set[int]:
    """ids of the nodes that do not run at import: function bodies, `if TYPE_CHECKING:`."""
    deferred: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            inner = [node]
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            inner = node.body
        else:
            continue
        deferred.update(id(n) for top in inner for n in ast.walk(top))
    return deferred


def collect(package: Path = PACKAGE) -> list[Import]:
    """Every import of one of the package's own modules, from every module in the package."""
    root = package.name
    files = {_module_name(p, package): p for p in sorted(package.rglob("*.py"))}
    found = []
    for module, path in files.items():
        tree = ast.parse(path.read_text(), str(path))
        deferred = _deferred(tree)
        here = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = here.split(".")[: len(here.split(".")) - node.level + 1]
                    base = ".".join([*parent, *filter(None, [base])])
                # `from pixora.media import presets` imports the module pixora.media.presets.
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in files else base
                           for a in node.names]
            else:
                continue
            for target in dict.fromkeys(targets):
                if target == root or target.startswith(root + "."):
                    found.append(Import(module, target, f"{path.relative_to(package.parent)}:"
                                        f"{node.lineno}", id(node) not in deferred))
    return found


def check(imports: list[Import]) -> list[Violation]:
    """Imports that break the layering."""
    bad = []
    for imp in imports:
        src, dst = layer(imp.importer), layer(imp.imported)
        if src not in RANK or dst not in RANK:
            bad.append(Violation(imp, "layer not in LAYERS: place it"))
        elif RANK[dst] < RANK[src]:
            bad.append(Violation(imp, "upward import"))
        elif dst == "offline" != src and imp.importer not in OFFLINE_USERS:
            bad.append(Violation(imp, f"only {sorted(OFFLINE_USERS)} may import pixora.offline"))
    return bad


def cycles(imports: list[Import]) -> list[list[Import]]:
    """Cycles between layers in the import-time graph: for each, the imports that close it."""
    edges: dict[str, dict[str, Import]] = {}
    for imp in imports:
        src, dst = layer(imp.importer), layer(imp.imported)
        if imp.module_level and src != dst:
            edges.setdefault(src, {}).setdefault(dst, imp)
    found = []
    state: dict[str, str] = {}  # "open" while on the DFS path, "done" after
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = "open"
        path.append(node)
        for nxt in edges.get(node, {}):
            if state.get(nxt) == "open":
                loop = [*path[path.index(nxt):], nxt]
                found.append([edges[a][b] for a, b in pairwise(loop)])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return found


IMPORTS = collect()


def test_every_module_is_seen() -> None:
    importers = {imp.importer for imp in IMPORTS}
    assert {"pixora.cli", "pixora.studio", "pixora.tools.scenes", "pixora.server.__main__"} <= (
        importers)


def test_imports_follow_the_layers() -> None:
    bad = check(IMPORTS)
    assert not bad, "imports against the layering:\n" + "\n".join(map(str, bad))


def test_no_cycle_between_layers() -> None:
    found = cycles(IMPORTS)
    assert not found, "import cycles between layers:\n" + "\n".join(
        " ; ".join(f"{i.where} {layer(i.importer)} -> {layer(i.imported)}" for i in loop)
        for loop in found)


# ---- the checker itself ---------------------------------------------------------------------


def _imp(importer: str, imported: str, line: int = 1, module_level: bool = True) -> Import:
    path = importer.replace(".", "/") + ".py"
    return Import(importer, imported, f"{path}:{line}", module_level)


def test_checker_reports_upward_and_offline_imports() -> None:
    imports = [
        _imp("pixora.media.compose", "pixora.studio", 7, module_level=False),
        _imp("pixora.tools.scenes", "pixora.offline.writing", 3),
        _imp("pixora.providers", "pixora.offline.media"),  # allowed
        _imp("pixora.agents.models", "pixora.offline.director"),  # allowed
        _imp("pixora.studio", "pixora.config"),  # downward: fine
        _imp("pixora.cli", "pixora.terminal"),  # same layer: fine
    ]
    assert [str(v) for v in check(imports)] == [
        "pixora/media/compose.py:7: pixora.media.compose -> pixora.studio (media -> studio): "
        "upward import",
        "pixora/tools/scenes.py:3: pixora.tools.scenes -> pixora.offline.writing "
        "(tools -> offline): only ['pixora.agents.models', 'pixora.providers'] may import "
        "pixora.offline",
    ]


def test_checker_finds_cycles_at_import_time_only() -> None:
    down = _imp("pixora.studio", "pixora.media.compose")
    up = _imp("pixora.media.compose", "pixora.studio", 9)
    assert cycles([down, up]) == [[up, down]]  # media -> studio -> media
    assert cycles([down, _imp("pixora.media.compose", "pixora.studio", module_level=False)]) == []
    side = [_imp("pixora.cli", "pixora.terminal"), _imp("pixora.terminal", "pixora.cli")]
    assert len(cycles(side)) == 1


def test_collect_reads_imports_at_any_depth(tmp_path: Path) -> None:
    pkg = tmp_path / "pixora"
    (pkg / "media").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "studio.py").write_text("")
    (pkg / "config.py").write_text("")
    (pkg / "media" / "__init__.py").write_text("from . import compose\n")
    (pkg / "media" / "compose.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "from pixora import config\n"
        "if TYPE_CHECKING:\n"
        "    from pixora.studio import Studio\n"
        "def f():\n"
        "    import pixora.studio\n"
    )
    found = {(i.importer, i.imported, i.where, i.module_level) for i in collect(pkg)}
    assert found == {
        ("pixora.media", "pixora.media.compose", "pixora/media/__init__.py:1", True),
        ("pixora.media.compose", "pixora.config", "pixora/media/compose.py:2", True),
        ("pixora.media.compose", "pixora.studio", "pixora/media/compose.py:4", False),
        ("pixora.media.compose", "pixora.studio", "pixora/media/compose.py:6", False),
    }
    assert [v.reason for v in check(collect(pkg))] == ["upward import"] * 2
    assert cycles(collect(pkg)) == []
