"""Incremental rebuilds (issue #17): a build starts from the previous one in its folder, and
its output is byte for byte what a clean build of the same pages writes."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.config import Settings
from kg.pipeline import BuildResult, build
from kg.read.cache import CACHE_NAME
from kg.rebuild import LAST_BUILD

LATER = date(2027, 3, 1)
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
CACHES = {CACHE_NAME, LAST_BUILD}  # what a build keeps for the next, not part of the graph


def pages_folder(tmp_path: Path, names: list[str]) -> Path:
    folder = tmp_path / "pages"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    for name in names:
        shutil.copy(SEEDS / name, folder / name)
    return folder


def run_build(pages: Path, out: Path, lines: list[str], **options: object) -> BuildResult:
    settings = Settings(out_dir=out, **options)  # type: ignore[arg-type]
    return build([pages], settings, validate=True, progress=lines.append)


def assert_as_clean(out: Path, pages: Path, tmp_path: Path, **options: object) -> None:
    """Every file equals a clean build's, and the store holds the same quads."""
    clean = tmp_path / "clean"
    if clean.exists():
        shutil.rmtree(clean)
    settings = Settings(out_dir=clean, **options)  # type: ignore[arg-type]
    build([pages], settings, validate=True, incremental=False)
    names = {p.name for p in clean.iterdir() if p.is_file()} - CACHES
    assert names == {p.name for p in out.iterdir() if p.is_file()} - CACHES
    for name in sorted(names):
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name
    assert quads(out) == quads(clean)


def quads(out: Path) -> set[str]:
    return {str(q) for q in ox.Store.read_only(str(out / "store"))}


def parse_line(lines: list[str]) -> str:
    return next(line for line in lines if line.startswith("parsed "))


@pytest.fixture
def seed_names() -> list[str]:
    return sorted(p.name for p in SEEDS.glob("*.txt"))


def test_adding_a_page_parses_little_and_gives_the_clean_output(
    tmp_path: Path, seed_names: list[str]
) -> None:
    out = tmp_path / "out"
    run_build(pages_folder(tmp_path, seed_names[:-1]), out, [])
    pages = pages_folder(tmp_path, seed_names)
    lines: list[str] = []
    result = run_build(pages, out, lines)
    assert result.written and not result.unchanged
    reused = int(parse_line(lines).split("; ")[1].split()[0])
    assert 1 <= reused < len(seed_names)
    assert_as_clean(out, pages, tmp_path)


def test_nothing_changed_does_nothing(tmp_path: Path, seed_names: list[str]) -> None:
    out = tmp_path / "out"
    pages = pages_folder(tmp_path, seed_names)
    first = run_build(pages, out, [])
    before = {p.name: p.stat().st_ino for p in out.iterdir()}
    lines: list[str] = []
    again = run_build(pages, out, lines)
    assert again.unchanged and again.written
    assert (again.counts, again.diagnostics, again.report) == (
        first.counts,
        first.diagnostics,
        first.report,
    )
    assert {p.name: p.stat().st_ino for p in out.iterdir()} == before  # not even swapped
    assert any("nothing to do" in line for line in lines)
    assert not any(line.startswith("parsed ") for line in lines)


def test_changed_and_removed_pages_give_the_clean_output(
    tmp_path: Path, seed_names: list[str]
) -> None:
    out = tmp_path / "out"
    pages = pages_folder(tmp_path, seed_names)
    run_build(pages, out, [])
    edited = pages / seed_names[0]
    text = edited.read_text(encoding="utf-8").splitlines(keepends=True)
    edited.write_text("".join(text[: len(text) * 2 // 3]), encoding="utf-8")
    (pages / seed_names[2]).unlink()
    run_build(pages, out, [])
    assert_as_clean(out, pages, tmp_path)


def test_other_settings_parse_again_only_when_parsing_depends_on_them(
    tmp_path: Path, seed_names: list[str]
) -> None:
    out = tmp_path / "out"
    pages = pages_folder(tmp_path, seed_names)
    run_build(pages, out, [])
    lines: list[str] = []
    run_build(pages, out, lines, base_iri="https://other.example.org/")
    # The base IRI is not a parse setting: every parse is reused, the rest built anew.
    assert f"{len(seed_names)} reused from the last build" in parse_line(lines)
    assert_as_clean(out, pages, tmp_path, base_iri="https://other.example.org/")
    lines.clear()
    run_build(pages, out, lines, base_iri="https://other.example.org/", capture_date=LATER)
    assert "reused" not in parse_line(lines)  # a parse setting
    assert_as_clean(out, pages, tmp_path, base_iri="https://other.example.org/", capture_date=LATER)


def test_a_store_changed_since_is_loaded_whole(tmp_path: Path, seed_names: list[str]) -> None:
    """kg query --allow-update changed the store: it is no longer its graph.nq, so the next
    build loads the new graph.nq whole instead of applying the difference to it."""
    out = tmp_path / "out"
    run_build(pages_folder(tmp_path, seed_names[:-1]), out, [])
    code = CliRunner().invoke(
        main,
        ["query", "--allow-update", "--out", str(out), "-e", "INSERT DATA { <x:s> <x:p> <x:o> }"],
    )
    assert code.exit_code == 0, code.output
    pages = pages_folder(tmp_path, seed_names)
    run_build(pages, out, [])
    assert_as_clean(out, pages, tmp_path)


def test_clean_ignores_the_previous_build(tmp_path: Path, seed_names: list[str]) -> None:
    out = tmp_path / "out"
    pages = pages_folder(tmp_path, seed_names)
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(pages), "-o", str(out)]).exit_code == 0
    again = runner.invoke(main, ["build", str(pages), "-o", str(out)])
    assert "nothing to do" in again.output
    clean = runner.invoke(main, ["build", str(pages), "-o", str(out), "--clean"])
    assert clean.exit_code == 0
    assert "parsed 5 pages (89 records) in" in clean.output
    assert "nothing to do" not in clean.output


def test_a_damaged_cache_is_a_clean_build(tmp_path: Path, seed_names: list[str]) -> None:
    out = tmp_path / "out"
    pages = pages_folder(tmp_path, seed_names)
    run_build(pages, out, [])
    for name in CACHES:
        (out / name).write_bytes(b"\x80\x05garbage")
    lines: list[str] = []
    result = run_build(pages, out, lines)
    assert not result.unchanged
    assert "reused" not in parse_line(lines)
    assert_as_clean(out, pages, tmp_path)


def test_severities_pickle_by_value_on_every_python() -> None:
    """Some Python 3.11 releases pickle an enum member as builtins.getattr(cls, name), which
    the caches' unpickler refuses (CI's Debian 3.11.2 did): both severities pickle by value."""
    import pickle

    from kg.diagnostics import Severity as Input
    from kg.shacl.report import Severity as Finding

    for member in [*Input, *Finding]:
        data = pickle.dumps(member, protocol=5)
        assert b"getattr" not in data
        assert pickle.loads(data) is member
