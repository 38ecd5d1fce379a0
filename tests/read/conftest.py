"""Fixtures the reader's tests share: the seed pages, read and parsed once per module."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.config import DEFAULT_CAPTURE_DATE
from kg.read.model import PaperRecord
from kg.read.pages import Page, read_pages
from kg.read.records import Parsed, parse_pages


@pytest.fixture(scope="module")
def seed_pages(seeds_dir: Path) -> list[Page]:
    return list(read_pages([seeds_dir]))


@pytest.fixture(scope="module")
def parsed(seed_pages: list[Page]) -> Parsed:
    return parse_pages(seed_pages, DEFAULT_CAPTURE_DATE)


@pytest.fixture(scope="module")
def papers(parsed: Parsed) -> dict[tuple[str, int], PaperRecord]:
    return {(r.source, r.line): r for r in parsed.records if isinstance(r, PaperRecord)}


@pytest.fixture
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No pyproject.toml [tool.kg] and no seeds/ folder here, unless a test asks for one."""
    monkeypatch.chdir(tmp_path)
