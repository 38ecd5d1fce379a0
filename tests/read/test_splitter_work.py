"""Issue #14, the reader's part: the title/author splitter does linear work.

Each test says which item of issue #14 it pins. They use pages of their own and the seeds.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from readtest import SEED_002, paper_records

import kg.cli
import kg.cli.common
import kg.read.authors
from kg.read.authors import MAX_NAME_TOKEN, Lexicon, is_name, split_glued
from kg.read.model import ProfileRecord
from kg.read.pages import read_page
from kg.read.records import parse_page

# -- 7. the splitter is linear -----------------------------------------------------------------


def count_is_name(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the length of every text is_name looks at (its work is linear in it)."""
    seen: list[int] = []

    def counting(name: str) -> bool:
        seen.append(len(name))
        return is_name(name)

    monkeypatch.setattr(kg.read.authors, "is_name", counting)
    return seen


def test_a_40_kb_glued_line_splits_with_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue #14 (7): a 40 KB glued line took 116 s and 1.6 GB: every seam candidate
    re-read the whole rest of the line. Now the names are read once."""
    line = ("LLMRLHFGPT" * 4000) + "Jane Doe, John Smith et al. · pku"
    seen = count_is_name(monkeypatch)
    split = split_glued(line, Lexicon())
    assert split is not None
    assert (split.title, split.line.authors) == ("LLMRLHFGPT" * 4000, ("Jane Doe", "John Smith"))
    assert sum(seen) < 20 * len(line) and len(seen) < 1000  # was ~ len(line) ** 2 / 2


def test_2000_authors_split_with_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue #14 (7): 2,000 authors with an inner capital (``McDonald``) took 5.8 s."""
    names = ["Ann McDonald"] * 2000
    line = "Scaling Laws for LLMJohn McDonald, " + ", ".join(names)
    scores: list[int] = []
    real_score = kg.read.authors._score
    monkeypatch.setattr(kg.read.authors, "_score", lambda *a: scores.append(1) or real_score(*a))
    seen = count_is_name(monkeypatch)
    split = split_glued(line, Lexicon())
    assert split is not None  # (the last names win: 2,001 names are far more than 3 shown)
    assert split.line.authors == ("Donald", "Ann McDonald", "Ann McDonald")
    assert sum(seen) < 20 * len(line) and len(scores) < 3 * 2001


def test_a_name_word_has_a_bounded_length() -> None:
    """The bound that keeps the seam search short: no name word is over MAX_NAME_TOKEN."""
    assert is_name("Ann " + "W" + "o" * (MAX_NAME_TOKEN - 1))
    assert not is_name("Ann " + "W" + "o" * MAX_NAME_TOKEN)


def test_glued_seed_lines_split_as_before(seeds_dir: Path) -> None:
    """Issue #14 (7): the linear splitter gives the seeds' splits (the golden file pins
    them all; this checks the listing page directly, without a lexicon)."""
    parsed = parse_page(read_page(seeds_dir / SEED_002), date(2026, 11, 24), Lexicon())
    assert (
        all(r.form == "glued" for r in paper_records(parsed)) and len(paper_records(parsed)) == 18
    )
    assert parsed.diagnostics == ()
    assert not any(isinstance(r, ProfileRecord) for r in parsed.records)
