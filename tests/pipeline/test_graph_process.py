"""The graph stages in a process of their own (issue #17): on a big corpus, parse, merge and
map run in a forked child, whose memory goes back to the system before the store and the
validation start. The build is the same either way, and the child's failures are the
build's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import kg.pipeline
from kg.config import Settings
from kg.errors import InputError
from kg.pipeline import build
from kg.processes import ProcessDied, run_forked


def files(folder: Path) -> dict[str, bytes]:
    skip = {"last-build.pickle", "parse-cache.pickle"}  # caches, not output
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name not in skip
    }


def test_a_build_in_its_own_process_writes_the_same_files(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = build([seeds_dir], Settings(out_dir=tmp_path / "here"), incremental=False)
    monkeypatch.setattr(kg.pipeline, "GRAPH_PROCESS_MIN_LINES", 0)
    children: list[int] = []
    real = kg.pipeline.run_forked

    def counted(task):  # type: ignore[no-untyped-def]
        children.append(1)
        return real(task)

    monkeypatch.setattr(kg.pipeline, "run_forked", counted)
    apart = build([seeds_dir], Settings(out_dir=tmp_path / "apart"), incremental=False)
    assert children == [1, 1]  # the graph stages, then the Turtle, TriG and JSON-LD writers
    assert apart.counts == here.counts and apart.diagnostics == here.diagnostics
    assert apart.report is not None and here.report is not None
    assert apart.report.conforms == here.report.conforms
    assert files(tmp_path / "apart") == files(tmp_path / "here")
    again = build([seeds_dir], Settings(out_dir=tmp_path / "apart"))
    assert again.unchanged  # what the child left lets the next build do nothing


def test_a_failure_in_the_graph_process_is_the_builds(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kg.pipeline, "GRAPH_PROCESS_MIN_LINES", 0)
    out = tmp_path / "out"
    build([seeds_dir], Settings(out_dir=out), validate=False)
    before = files(out)

    def changed(paths, keys):  # type: ignore[no-untyped-def]
        raise InputError("the pages changed while kg was building them: run it again")

    monkeypatch.setattr(kg.pipeline, "_read_again", changed)
    with pytest.raises(InputError, match="changed while kg was building"):
        build([seeds_dir], Settings(out_dir=out), validate=False, incremental=False)
    assert files(out) == before  # the old output stays whole
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")]
    assert left == [".out.kg-lock"]  # no staging or sort folder left behind


def test_run_forked_returns_raises_and_notices_a_dead_child() -> None:
    assert run_forked(lambda: ("answer", os.getpid()))[0] == "answer"
    assert run_forked(os.getpid) != os.getpid()
    with pytest.raises(ValueError, match="bad"):
        run_forked(lambda: int("bad"))
    with pytest.raises(ProcessDied, match="exit code 3"):
        run_forked(lambda: os._exit(3))
