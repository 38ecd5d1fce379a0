"""Fixtures of the report's tests: the seeds built once, and their report; the same for
tests/cases/captures (two captures of one profile, issue 16); a generated corpus reported
with small parts forced (issue 21)."""

from __future__ import annotations

from pathlib import Path

import pytest
from htmlpage import Page, html_files, parse
from kgtest import build, load_generator, run

from kg.report.parts import Limits
from kg.report.site import write_report

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
CAPTURES = ROOT / "tests" / "cases" / "captures"
# parts a few kilobytes long, and few co-authors drawn: a small corpus shows what a large one does
SMALL = Limits(
    part_bytes=6_000, page_bytes=6_000, inline=5, coauthors=3, network=4, code_papers=3, listed=5
)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    code, _, stderr = run("build", str(SEEDS), "-o", str(out))
    assert code in (0, 1), stderr  # 1: some finding; the store is written either way
    return out


@pytest.fixture(scope="session")
def site(built: Path) -> Path:
    code, stdout, stderr = run("report", "--out", str(built))
    assert code == 0, stderr
    folder = built / "report"
    assert stdout.strip() == str(folder / "index.html")
    assert "people" in stderr and "papers" in stderr
    return folder


@pytest.fixture(scope="session")
def parsed(site: Path) -> dict[Path, Page]:
    return {path: parse(path) for path in html_files(site)}


@pytest.fixture(scope="session")
def captured(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("captures")
    code, _, stderr = run("build", str(CAPTURES), "-o", str(out), "-q")
    assert code == 0, stderr
    return out


@pytest.fixture(scope="session")
def captured_site(captured: Path) -> Path:
    code, _, stderr = run("report", "--out", str(captured), "-q")
    assert code == 0, stderr
    return captured / "report"


@pytest.fixture(scope="session")
def generated_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated corpus of 600 papers, built."""
    generate = load_generator()
    pages = tmp_path_factory.mktemp("pages")
    generate.generate(generate.Knobs(papers=600, seed=5), pages, truth=False)
    return build(pages, tmp_path_factory.mktemp("generated"), "-q")


@pytest.fixture(scope="session")
def small_parts(generated_out: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Its report with parts forced small (``SMALL``)."""
    folder = tmp_path_factory.mktemp("small-parts") / "report"
    write_report(generated_out, folder, limits=SMALL)
    return folder
