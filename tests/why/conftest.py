"""Fixtures for ``kg why``: the fixture's captures and the seeds, each built once."""

from __future__ import annotations

import pytest
from kgtest import ROOT, SEEDS
from whytest import LISTINGS, OTHER_PAPER, Built, build_pages, load_arxivcase

CASES = ROOT / "tests" / "cases"


@pytest.fixture(scope="session")
def captures(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Three captures that list the shared paper, one of them with a second paper."""
    pages = tmp_path_factory.mktemp("captures")
    for number, listing in enumerate(LISTINGS):
        path = pages / listing.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(listing.text() + (OTHER_PAPER if number == 0 else ""), encoding="utf-8")
    return build_pages(pages, tmp_path_factory.mktemp("captures-out"))


@pytest.fixture(scope="session")
def seeds_built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_pages(SEEDS, tmp_path_factory.mktemp("seeds-out"))


@pytest.fixture(scope="session")
def two_captures(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """tests/cases/captures: two captures of one profile page, a week apart."""
    return build_pages(CASES / "captures", tmp_path_factory.mktemp("two-captures-out"))


@pytest.fixture(scope="session")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """tests/cite/arxivcase.py: pages whose papers are linked to arXiv records by hand."""
    case = load_arxivcase()
    pages = case.write_pages(tmp_path_factory.mktemp("arxiv-pages"))
    out = case.build_linked(pages, tmp_path_factory.mktemp("arxiv-out") / "out")
    return Built(pages, out, [])
