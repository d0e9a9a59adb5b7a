"""The package layout is the architecture (docs/architecture.md): stages import one way, no loops.

Why a test: an import loop or a stage reaching back into a later one is how a flat package
crept back last time (loops hidden in function-level imports). Every import counts here, at
module level or inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

import kg

KG_DIR = Path(kg.__file__).resolve().parent
TESTS = Path(__file__).resolve().parent
# Lower first: a module may import from its own stage or any stage before it, never after.
ORDER = ("core", "read", "parse", "rdf", "extract", "write", "sparql", "api", "cli")
CORE = {"kg.types", "kg.names", "kg.errors", "kg.version", "kg.terminal", "kg.models", "kg.data"}
STAGES = ("read", "parse", "rdf", "extract", "write", "sparql", "cli")


def module_name(path: Path) -> str:
    rel = path.relative_to(KG_DIR.parent).with_suffix("")
    return ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)


MODULES = {module_name(p): p for p in KG_DIR.rglob("*.py")}


def stage_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in STAGES:
        return parts[1]
    return "core" if module in CORE else "api"   # kg itself, api, options, evaluate, the public re-exports


def imports(path: Path) -> list[tuple[str, str]]:
    """(imported module, imported name or '') for every kg import in the file, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "kg":
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.append((sub, "") if sub in MODULES else (node.module, alias.name))
        elif isinstance(node, ast.Import):
            found += [(a.name, "") for a in node.names if a.name.split(".")[0] == "kg"]
    return found


def import_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for name, path in MODULES.items():
        graph.add_node(name)
        for target, _ in imports(path):
            if target != name and target in MODULES and not name.startswith(target + "."):
                graph.add_edge(name, target)
    return graph


def test_no_relative_imports_hide_the_graph() -> None:
    relative = [f"{name}:{node.lineno}" for name, path in MODULES.items()
                for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(node, ast.ImportFrom) and node.level]
    assert relative == []


def test_no_import_loops() -> None:
    graph = import_graph()
    assert len(graph) > 60
    assert [c for c in nx.simple_cycles(graph) if len(c) > 1] == []


def test_stages_import_one_way() -> None:
    backwards = sorted(f"{a} -> {b}" for a, b in import_graph().edges
                       if ORDER.index(stage_of(a)) < ORDER.index(stage_of(b)))
    assert backwards == []


def test_no_module_imports_a_private_name_from_another() -> None:
    private = sorted(f"{name} imports {target}.{attr}" for name, path in MODULES.items()
                     for target, attr in imports(path)
                     if attr.startswith("_") and not attr.startswith("__") and target != name)
    assert private == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_small(name: str) -> None:
    assert len(MODULES[name].read_text(encoding="utf-8").splitlines()) <= 300


def test_tests_mirror_the_stages() -> None:
    for stage in STAGES:
        assert (KG_DIR / stage / "__init__.py").is_file()
        assert list((TESTS / stage).glob("test_*.py")), f"tests/{stage}/ has no tests"
