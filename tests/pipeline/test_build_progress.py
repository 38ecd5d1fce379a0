"""Progress of `kg build` (issue #17): a bar on a terminal, plain stage lines when stderr is
not one, nothing with --quiet; and the stage hook the benchmark times stays as it was."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from kgtest import SEEDS, run

from kg.cli.progress import CLEAR_LINE, SHOW_CURSOR, Bar
from kg.config import Settings
from kg.pipeline import build as build_graph
from kg.progress import stage

TIME = r" in \d+\.\d s"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def stage_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("kg: ")]


def test_plain_stage_lines_with_counts_and_times_when_stderr_is_not_a_terminal(
    tmp_path: Path,
) -> None:
    code, stdout, stderr = run("build", str(SEEDS), "-o", str(tmp_path), "--no-validate")
    assert code == 0, stderr
    assert stdout == ""
    triples = re.search(r"^triples +(\d+)$", stderr, re.M)
    assert triples is not None
    n = f"{int(triples.group(1)):,}"
    expected = [
        "kg: parsing 5 pages",
        f"kg: parsed 5 pages \\(89 records\\){TIME}",
        "kg: merging 89 records",
        f"kg: merged 89 records into 66 papers{TIME}",
        "kg: mapping 66 papers to RDF",
        f"kg: mapped 66 papers to {n} triples{TIME}",
        f"kg: writing graph.nq, graph.nt to {re.escape(str(tmp_path))}/",
        f"kg: wrote graph.nq, graph.nt \\([\\d,]+ quads, {n} triples\\){TIME}",
        "kg: filling the store, writing 3 exports",
        f"kg: filled the store and wrote graph.ttl, graph.trig, graph.jsonld{TIME}",
    ]
    lines = stage_lines(stderr)
    assert len(lines) == len(expected), lines
    for line, pattern in zip(lines, expected, strict=True):
        assert re.fullmatch(pattern, line), (line, pattern)
    assert not ANSI.search(stderr) and "\r" not in stderr  # a log gets no control characters
    assert stderr.endswith("input warnings          0\n")  # then the summary, as before


def test_validation_is_a_stage_then_its_verdict(tmp_path: Path) -> None:
    code, _, stderr = run("build", str(SEEDS), "-o", str(tmp_path))
    assert code == 0, stderr
    assert stage_lines(stderr)[-3:-1] == [
        "kg: validating the graph against shapes/",
        stage_lines(stderr)[-2],
    ]
    assert re.fullmatch(f"kg: validated the graph against shapes/{TIME}", stage_lines(stderr)[-2])
    assert re.fullmatch(
        r"kg: validation: conforms: 0 violations, 5 warnings, 8 infos \(\d+ triples, \d+ "
        r"shapes\); see validation.txt",
        stage_lines(stderr)[-1],
    )


def test_quiet_says_nothing_when_all_is_well(tmp_path: Path) -> None:
    code, stdout, stderr = run("build", str(SEEDS), "-o", str(tmp_path), "-q", "--no-validate")
    assert (code, stdout, stderr) == (0, "", "")
    assert (tmp_path / "graph.ttl").is_file()


def test_quiet_still_shows_what_went_wrong(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "page.txt").write_text(
        "CLJan 5, 2024\nFirst Title\n\nAnn Lee · mit\n\nAn abstract.\nStray text\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code, _, stderr = run("build", str(pages), "-o", str(out), "--quiet", "--no-validate")
    assert code == 1
    assert stderr == "page.txt:7: error: unexpected text outside any record, skipped: Stray text\n"


def test_the_stage_hook_and_the_older_progress_hook_still_work(tmp_path: Path) -> None:
    """benchmarks/run times the stages by these names; a function as ``progress`` hears
    plain lines."""
    timed: list[str] = []
    heard: list[str] = []

    @contextmanager
    def timer(name: str) -> Iterator[None]:
        timed.append(name)
        yield

    settings = Settings(out_dir=tmp_path)
    result = build_graph([SEEDS], settings, validate=False, progress=heard.append, stage=timer)
    assert result.written
    assert timed == [
        "read pages",
        "parse",
        "merge",
        "map",
        "export nquads, ntriples",
        "store, with turtle, trig, jsonld",
    ]
    assert heard[:2] == ["parsing 5 pages", heard[1]]
    assert re.fullmatch(f"parsed 5 pages \\(89 records\\){TIME}", heard[1])


# -- on a terminal ------------------------------------------------------------------------


def on_a_terminal(*args: str, columns: int = 100) -> tuple[int, str]:
    """``kg ARGS`` in a subprocess whose stderr is a pseudo-terminal: (exit code, what the
    terminal got)."""
    parent, child = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": str(columns)}
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=child,
        env=env,
    )
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(parent, 65536)
        except OSError:  # the other end closed (Linux says EIO)
            break
        if not data:
            break
        chunks.append(data)
    os.close(parent)
    return process.wait(timeout=120), b"".join(chunks).decode("utf-8")


def screen(text: str) -> list[str]:
    """The lines a terminal keeps after redraws: each \\r starts its line again."""
    lines = []
    for line in ANSI.sub("", text).replace("\r\n", "\n").split("\n"):
        lines.append(line.split("\r")[-1].rstrip())
    return [line for line in lines if line]


def test_a_terminal_gets_a_bar_per_stage_then_the_same_stage_lines(tmp_path: Path) -> None:
    code, shown = on_a_terminal("build", str(SEEDS), "-o", str(tmp_path), "--no-validate")
    assert code == 0, shown
    assert "\x1b[?25l" in shown and shown.count(SHOW_CURSOR) >= 5  # cursor hidden, given back
    drawn = [ANSI.sub("", frame) for frame in shown.split("\r")]
    assert any(re.match(r"kg: parsing 5 pages  \[[#-]+\]  \d/5 pages", f) for f in drawn), drawn
    assert any(re.match(r"kg: mapping 66 papers to RDF  [-\\|/]  0:0\d", f) for f in drawn)
    assert any(re.search(r"\]  [\d,]+/[\d,]+ lines", f) for f in drawn)
    kept = [line for line in screen(shown) if line.startswith("kg: ")]
    assert [re.sub(TIME + "$", "", line) for line in kept] == [
        "kg: parsed 5 pages (89 records)",
        "kg: merged 89 records into 66 papers",
        kept[2].split(" in ")[0],
        kept[3].split(" in ")[0],
        "kg: filled the store and wrote graph.ttl, graph.trig, graph.jsonld",
    ]
    assert all(re.search(TIME + "$", line) for line in kept)
    assert "papers                  66" in screen(shown)


def test_quiet_on_a_terminal_draws_nothing(tmp_path: Path) -> None:
    code, shown = on_a_terminal("build", str(SEEDS), "-o", str(tmp_path), "-q", "--no-validate")
    assert (code, shown) == (0, "")


class Terminal(io.StringIO):
    """What the bar writes to, passed for a terminal."""

    def isatty(self) -> bool:
        return True


def test_the_bar_counts_estimates_and_ends_with_the_stage_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    now = [100.0]
    terminal = Terminal()
    bar = Bar(terminal, clock=lambda: now[0])
    with stage(bar, "parsing 10 pages", 10, "pages", clock=lambda: now[0]) as step:
        now[0] += 1.0  # the stage waits a second before the first page comes
        step.advance(2)
        now[0] += 1.0  # then 2 pages a second: 6 left, 3 s
        step.advance(2)
        step.detail("page-5.txt")  # draws now, as the ticker would
        step.done("parsed 10 pages (40 records)")
    frames = terminal.getvalue().split("\r")
    assert any(
        re.fullmatch(
            r"kg: parsing 10 pages  \[#{12}-{18}\]  4/10 pages  40%  0:02  0:03 left  page-5.txt *",
            ANSI.sub("", frame),
        )
        for frame in frames
    ), frames
    assert terminal.getvalue().endswith(
        f"{CLEAR_LINE}{SHOW_CURSOR}kg: parsed 10 pages (40 records) in 2.0 s\n"
    )
    assert not any(t.name == "kg-progress" for t in threading.enumerate())


def test_the_bar_fits_a_narrow_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A line longer than the terminal wraps and cannot be redrawn: what does not fit goes,
    the detail first; the label is cut before the counts and the estimate go."""
    monkeypatch.setenv("COLUMNS", "60")
    now = [0.0]
    terminal = Terminal()
    bar = Bar(terminal, clock=lambda: now[0])
    with stage(bar, "filling the store, writing 3 exports", 14_190, "lines") as step:
        now[0] += 5.0
        step.advance(4_096)
        step.detail("graph.trig")
        step.done("filled the store")
    frames = [ANSI.sub("", f).rstrip() for f in terminal.getvalue().split("\r")]
    assert all(len(frame) < 60 for frame in frames), frames
    assert "kg: filling the …  [----------]  0/14,190 lines" in frames
    assert "kg: filling the …  [##--------]  4,096/14,190 lines" in frames
    monkeypatch.setenv("COLUMNS", "80")
    with stage(bar, "filling the store, writing 3 exports", 14_190, "lines") as step:
        step.advance(2_048)
        now[0] += 2.5
        step.advance(2_048)
        step.detail("graph.trig")
    frames = [ANSI.sub("", f).rstrip() for f in terminal.getvalue().split("\r")]
    assert all(len(frame) < 80 for frame in frames), frames
    cut = "kg: filling the store, writing …  [##--------]  4,096/14,190 lines  0:12 left"
    assert cut in frames
    monkeypatch.setenv("COLUMNS", "100")
    with stage(bar, "filling the store, writing 3 exports", 14_190, "lines") as step:
        step.advance(2_048)
        now[0] += 2.5
        step.advance(2_048)
        step.detail("graph.trig")
    wide = r"kg: filling the store, writing 3 exports  \[#+-+\]  4,096/14,190 lines  28%  0:02"
    wide += "  0:12 left"
    frames = [ANSI.sub("", f).rstrip() for f in terminal.getvalue().split("\r")]
    assert any(re.fullmatch(wide, frame) for frame in frames), frames
    monkeypatch.setenv("COLUMNS", "90")
    with stage(bar, "filling the store, writing 3 exports", 14_190, "lines") as step:
        step.advance(14_190)
        now[0] += 3.0
        step.detail("waiting for the store")  # once all is counted, this outranks the count
    frames = [ANSI.sub("", f).rstrip() for f in terminal.getvalue().split("\r")]
    waiting = "kg: filling the store, writing 3 exports  [##########]  0:03  waiting for the store"
    assert waiting in frames, frames


def test_a_failed_stage_leaves_its_bar_and_gives_the_cursor_back() -> None:
    terminal = Terminal()
    with pytest.raises(OSError):
        with stage(Bar(terminal), "writing graph.nq", 10, "lines"):
            raise OSError("disk full")
    assert terminal.getvalue().endswith(f"{SHOW_CURSOR}\n")
    assert "kg: writing graph.nq  [" in terminal.getvalue()
    assert not any(t.name == "kg-progress" for t in threading.enumerate())


# -- the other long commands --------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built")
    code, _, stderr = run("build", str(SEEDS), "-o", str(out), "-q", "--no-validate")
    assert (code, stderr) == (0, "")
    return out


def test_validate_quiet_says_only_a_failing_verdict(built: Path, tmp_path: Path) -> None:
    code, stdout, stderr = run("validate", "--out", str(built), "-q")
    assert (code, stderr) == (0, "")
    assert stdout.startswith("Validation: conforms: 0 violations, 5 warnings, 8 infos")
    report = tmp_path / "report.txt"
    code, stdout, stderr = run(
        "validate", "--out", str(built), "--quiet", "--fail-on", "warning", "-o", str(report)
    )
    assert (code, stdout) == (1, "")  # no "wrote report.txt" either
    assert re.fullmatch(r"kg: validation: conforms: 0 violations, 5 warnings, [^\n]*\n", stderr)


def test_validate_draws_a_bar_of_its_checks_on_a_terminal(built: Path) -> None:
    """The checks run in forked workers while the bar's thread draws (kg.cli.progress holds
    its lock across a fork)."""
    code, shown = on_a_terminal("validate", "--out", str(built))
    assert code == 0, shown
    drawn = [ANSI.sub("", frame) for frame in shown.split("\r")]
    assert any(
        re.match(r"kg: validating against shapes/  \[[#-]+\]  \d+/\d+ checks", f) for f in drawn
    )
    kept = screen(shown)
    assert re.fullmatch(f"kg: validated against shapes/{TIME}", kept[-2]), kept
    assert kept[-1].startswith("kg: validation: conforms: 0 violations, 5 warnings, 8 infos")


def test_build_quiet_still_gives_the_verdict_of_a_failed_validation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.shacl.report import Report

    def failing(*args: object, **kwargs: object) -> Report:
        return Report(False, (), 10, 1)

    monkeypatch.setattr("kg.pipeline.validate_graph", failing)
    code, _, stderr = run("build", str(SEEDS), "-o", str(tmp_path), "-q")
    assert code == 1
    assert stderr == (
        "kg: validation: does not conform: 0 violations, 0 warnings, 0 infos (10 triples, "
        f"1 shapes); see {tmp_path}/validation.txt\n"
    )


def test_report_quiet_prints_only_the_index(built: Path, tmp_path: Path) -> None:
    code, stdout, stderr = run("report", "--out", str(built), "-o", str(tmp_path / "site"), "-q")
    assert (code, stdout, stderr) == (0, f"{tmp_path / 'site' / 'index.html'}\n", "")
