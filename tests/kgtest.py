"""Helpers the test modules share (imported as ``kgtest``; pytest puts tests/ on the path)."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox
from click.testing import CliRunner

from kg.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def run(*args: str) -> tuple[int, str, str]:
    """Run ``kg ARGS`` in-process: (exit code, stdout, stderr); real errors are raised."""
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def build(pages: Path, out: Path, *extra: str) -> Path:
    """``kg build PAGES -o OUT``, which must succeed; returns OUT."""
    code, _, stderr = run("build", str(pages), "-o", str(out), *extra)
    assert code == 0, stderr
    return out


def load_generator() -> ModuleType:
    """benchmarks/generate.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location(
        "kg_bench_generate", ROOT / "benchmarks" / "generate.py"
    )
    assert spec and spec.loader
    if spec.name in sys.modules:
        return sys.modules[spec.name]
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def solution_rows(store: ox.Store, query: str) -> Counter[tuple[str, ...]]:
    """Each solution of a SELECT as a tuple of plain values ("" when unbound), counted."""
    return Counter(
        tuple("" if term is None else term.value for term in solution)
        for solution in store.query(query)  # type: ignore[union-attr]
    )
