"""The package layering contract (issue #15): imports go down the pipeline only, and nothing
imports in a circle. Read from the source with ``ast``, so it needs no extra tool.

    cli > report > {pipeline, why} > {export, cite, diff, load, shacl, sparql, store} > graph
      > link > read > basics

The basics (errors, diagnostics, config, resources, publish, processes, heap, render,
progress) import only each other. Packages on one level may use each other where that makes
no cycle, between modules or between packages.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parents[1] / "kg"
BASICS = {
    "errors",
    "diagnostics",
    "config",
    "resources",
    "publish",
    "processes",
    "heap",
    "render",
    "progress",
}
LEVELS = {
    "basics": 0,
    "read": 1,
    "link": 2,
    "graph": 3,
    "export": 4,
    "cite": 4,
    "diff": 4,
    "load": 4,
    "shacl": 4,
    "sparql": 4,
    "store": 4,
    "pipeline": 5,
    "stages": 5,
    "rebuild": 5,
    "why": 5,
    "report": 6,
    "cli": 7,
    "__main__": 8,
}


def module_name(path: Path) -> str:
    parts = path.relative_to(KG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str:
    """kg.read.pages -> read; kg.errors -> basics; kg -> basics."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in BASICS:
        return "basics"
    return parts[1]


def imports_of(path: Path) -> Iterator[tuple[str, int]]:
    """Every kg module this file imports (anywhere in it, also inside functions), except
    under ``if TYPE_CHECKING:``, which never runs."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for child in ast.walk(node))
    here = module_name(path)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "kg":
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "kg":
                continue
            for alias in node.names:  # `from kg.cli import common` imports a module
                candidate = f"{node.module}.{alias.name}"
                yield (candidate if candidate in MODULES else node.module), node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{here}:{node.lineno}: relative import; write kg.… in full")


MODULES = {module_name(p) for p in KG.rglob("*.py")}
EDGES = {
    module_name(p): sorted({(m, line) for m, line in imports_of(p) if m != module_name(p)})
    for p in sorted(KG.rglob("*.py"))
}


def test_every_module_sits_on_a_known_level() -> None:
    unknown = sorted(m for m in MODULES if layer(m) not in LEVELS)
    assert not unknown, f"put these in a package of the contract: {unknown}"


def test_imports_only_go_down() -> None:
    wrong = [
        f"{source}:{line} imports {target} ({layer(source)} may not use {layer(target)})"
        for source, targets in EDGES.items()
        for target, line in targets
        if LEVELS[layer(target)] > LEVELS[layer(source)]
    ]
    assert not wrong, "\n".join(wrong)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def package_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_no_import_cycle_between_modules() -> None:
    graph = {m: {t for t, _ in targets if t in MODULES} for m, targets in EDGES.items()}
    # a package's __init__ is imported with each of its modules: not a cycle of ours
    for module in graph:
        graph[module] = {t for t in graph[module] if not module.startswith(t + ".")}
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_no_import_cycle_between_packages() -> None:
    graph: dict[str, set[str]] = {}
    for source, targets in EDGES.items():
        for target, _ in targets:
            if package_of(source) != package_of(target) and layer(source) != "basics":
                graph.setdefault(package_of(source), set()).add(package_of(target))
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_no_module_is_much_over_400_lines() -> None:
    long = {
        m: n
        for p in KG.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 420
        for m in [module_name(p)]
    }
    assert not long, long


@pytest.mark.parametrize("command", ["import kg.cli", "import kg.cli; kg.cli.main(['--help'])"])
def test_the_cli_imports_no_rdf_library(command: str) -> None:
    """`kg --help` stays fast: the heavy libraries load in the commands that need them."""
    probe = (
        f"import sys\ntry:\n    {command}\nexcept SystemExit:\n    pass\n"
        "heavy = {m.split('.')[0] for m in sys.modules}\n"
        "heavy &= {'rdflib', 'pyoxigraph', 'pyshacl', 'SPARQLWrapper'}\n"
        "print('HEAVY:', *sorted(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == "HEAVY:", result.stdout.splitlines()[-1]
