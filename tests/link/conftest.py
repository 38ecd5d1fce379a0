"""Fixtures the arXiv link tests share: the seed papers as the matcher sees them, and the
snapshot fixture written for them (tests/cases/arxiv/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.config import Settings
from kg.graph.arxiv import known_names, wanted_papers
from kg.graph.identity import Iris, merge
from kg.link.model import Wanted
from kg.pipeline import read_every_page
from kg.read.records import parse_pages

CASES = Path(__file__).resolve().parents[1] / "cases" / "arxiv"
# 477 real records next to the project, never inside it (issue #19)
REAL = Path(__file__).resolve().parents[2].parent / "shared" / "arxiv" / "metadata.jsonl"


@pytest.fixture(scope="session")
def snapshot_file() -> Path:
    return CASES / "metadata.jsonl"


@pytest.fixture(scope="session")
def seed_papers(seeds_dir: Path) -> tuple[list[Wanted], set[str]]:
    """The seed papers as the pipeline hands them to kg.link, and the names they print."""
    settings = Settings()
    parsed = parse_pages(read_every_page([seeds_dir]), settings.capture_date)
    merged = merge(parsed.records, Iris(settings.base_iri))
    return wanted_papers(merged), known_names(merged)


@pytest.fixture(scope="session")
def real_file() -> Path:
    if not REAL.is_file():
        pytest.skip(f"{REAL} is absent (it lives next to the project, not in it)")
    return REAL
