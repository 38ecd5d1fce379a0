"""The typed records the reader hands on, and their JSON contract (``kg parse`` prints it).

A ``PaperRecord`` is one listing of a paper as printed; a ``ProfileRecord`` is a page header.
Both keep the FILE:LINE they were read from, so every later diagnostic can name it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class PaperRecord:
    source: str
    line: int
    form: str  # "separate", "glued" or "abstract"
    title: str | None
    authors: tuple[str, ...]
    et_al: bool
    affiliations: tuple[str, ...]
    date: str | None  # YYYY-MM-DD, or YYYY when only the year is known
    date_inferred_year: bool
    category: str | None
    has_code: bool
    score: float | None
    urls: tuple[str, ...]
    abstract: str | None
    kind: str = "paper"

    def to_json(self) -> dict[str, Any]:
        return _ordered(self, PAPER_FIELDS)


@dataclass(frozen=True)
class ProfileRecord:
    source: str
    line: int
    name: str | None
    primary_category: str | None = None
    h_index: int | None = None
    paper_count: int | None = None
    citations: int | None = None
    novelty_pct: float | None = None
    ai_score: float | None = None
    listed_papers: int | None = None
    may_belong_to: tuple[str, ...] | None = None
    kind: str = "profile"

    def to_json(self) -> dict[str, Any]:
        return _ordered(self, PROFILE_FIELDS)


Record = PaperRecord | ProfileRecord

PAPER_FIELDS = (
    "kind source line form title authors et_al affiliations date date_inferred_year "
    "category has_code score urls abstract"
).split()
PROFILE_FIELDS = (
    "kind source line name primary_category h_index paper_count citations novelty_pct "
    "ai_score listed_papers may_belong_to"
).split()


def _ordered(record: Record, fields: Sequence[str]) -> dict[str, Any]:
    values = asdict(record)
    return {k: list(v) if isinstance(v, tuple) else v for k in fields for v in [values[k]]}
