"""The graph sorted in bounded memory (kg.graph.runs, kg.graph.assemble): spilled to files,
it is the same graph as sorted in memory, and its files go when it does."""

from __future__ import annotations

import random
from functools import partial
from pathlib import Path

import pytest

import kg.graph.mapping
from kg.config import Settings
from kg.graph.assemble import Collector
from kg.graph.ntriples import head_of, line_key
from kg.graph.runs import SortedRuns
from kg.graph.terms import A
from kg.pipeline import build_from_paths


@pytest.mark.parametrize("run_lines", [1, 3, 1000])
def test_sorted_runs_give_every_line_once_in_order(tmp_path: Path, run_lines: int) -> None:
    rng = random.Random(run_lines)
    # a literal may hold U+2028 and U+0085, which universal newlines would split at
    words = ["a", "b", "\u2028", "\u0085", "é", " ", "<x>"]
    lines = ["".join(rng.choice(words) for _ in range(rng.randint(0, 6))) for _ in range(300)]
    runs = SortedRuns(tmp_path, run_lines)
    runs.extend(lines)
    assert list(runs.sorted()) == sorted(set(lines))
    assert list(tmp_path.iterdir()) == []  # the runs are removed once merged


def test_line_key_moves_only_the_type_predicate() -> None:
    typed = f"<s> {A} <C>"
    title = f'<s> <p> "about {A} here"'  # the IRI printed in a literal stays as it is
    assert line_key(typed) == "<s> \x00 <C>" and head_of(line_key(typed)) == typed
    assert line_key(title) == title and head_of(title) == title
    assert sorted(["<s> <a> <b>", typed], key=line_key)[0] == typed


@pytest.mark.parametrize("corpus", ["seeds", "generated"])
def test_a_spilled_graph_is_the_graph_sorted_in_memory(
    corpus: str,
    request: pytest.FixtureRequest,
    seeds_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = seeds_dir if corpus == "seeds" else request.getfixturevalue("generated")
    in_memory = build_from_paths([folder], Settings()).graph
    assert in_memory.text is not None and in_memory.text._folder is None  # nothing on disk
    monkeypatch.setattr(kg.graph.mapping, "Collector", partial(Collector, run_lines=97))
    spilled = build_from_paths([folder], Settings()).graph
    files = list(Path(spilled.text._folder).iterdir())  # type: ignore[union-attr, arg-type]
    assert {f.name for f in files} == {"pairs.txt", "union.txt"}  # runs merged and removed
    assert len(spilled.pairs) == len(in_memory.pairs) > 1000
    assert list(spilled.pairs) == list(in_memory.pairs)
    assert list(spilled.union) == list(in_memory.union) == list(spilled.union)
    assert spilled.diagnostics == in_memory.diagnostics
    where = files[0].parent
    del spilled
    assert not where.exists()
