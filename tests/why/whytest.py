"""Helpers for the ``kg why`` tests (imported as ``whytest``): three captures of one paper
that disagree, written from ``LISTINGS``, so every test can say what each page printed and
work out what the merge rules choose from that, instead of trusting numbers.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from kgtest import ROOT, build, run

from kg.config import DEFAULT_BASE_IRI
from kg.graph.identity import Iris, key_hash
from kg.read.authors import title_key

TITLE = "Sparse Routers for Tiny Models"
ABSTRACT = "We study sparse routers for tiny models."
OTHER_PAPER = "LGFeb 9, 2023\nIs 42 the Answer?Gus Müller, Hal Jones\nWe ask. No code.\n"


@dataclass(frozen=True)
class Listing:
    """What one capture printed about the shared paper."""

    path: str  # under the input folder; a YYYY-MM-DD folder dates the page
    category: str
    date: str  # as printed
    iso_date: str
    code: bool
    authors: tuple[str, ...]
    et_al: bool
    affiliation: str | None

    def text(self) -> str:
        authors = ", ".join(self.authors) + (" et al." if self.et_al else "")
        affiliation = f" · {self.affiliation}" if self.affiliation else ""
        head = f"{self.category}{self.date}{'Code' if self.code else ''}"
        return f"{head}\n{TITLE}{authors}{affiliation}\n{ABSTRACT}\n"


# In page-path order, the order the merge reads them in. They disagree on the category,
# the date, the code flag and the author list.
LISTINGS = (
    Listing(
        "2026-11-24/a.txt",
        "CL",
        "Mar 5, 2024",
        "2024-03-05",
        True,
        ("Ada Quill", "Ben Ortiz"),
        False,
        "mit",
    ),  # noqa: E501
    Listing(
        "2026-12-01/b.txt",
        "LG",
        "Mar 7, 2024",
        "2024-03-07",
        False,
        ("Ada Quill", "Ben Ortiz", "Cy Young"),
        False,
        "pku",
    ),  # noqa: E501
    Listing(
        "2026-12-01/c.txt", "LG", "Jan 1, 2024", "2024-01-01", False, ("Ada Quill",), True, None
    ),  # noqa: E501
)
PAPER = Iris(DEFAULT_BASE_IRI).paper(key_hash(title_key(TITLE)))


@dataclass(frozen=True)
class Built:
    pages: Path
    out: Path
    records: list[dict[str, Any]]  # `kg parse` of the pages: the shared paper's records

    def why(self, *args: str) -> tuple[int, str, str]:
        return run("why", "--out", str(self.out), *args)

    def why_json(self, *args: str) -> tuple[int, dict[str, Any]]:
        code, stdout, _ = self.why(*args, "--format", "json")
        return code, json.loads(stdout)

    def quads(self, needle: str) -> list[str]:
        """The lines of graph.nq that hold ``needle``."""
        lines = (self.out / "graph.nq").read_text(encoding="utf-8").splitlines()
        return [line for line in lines if needle in line]


def build_pages(pages: Path, out: Path) -> Built:
    build(pages, out)
    code, stdout, stderr = run("parse", str(pages), "--format", "json")
    assert code == 0, stderr
    records = [r for r in json.loads(stdout) if r.get("title") == TITLE]
    return Built(pages, out, records)


def load_arxivcase() -> ModuleType:
    """tests/cite/arxivcase.py (pages linked to arXiv records by hand), which the citation
    tests import too: one module whichever folder loads it first."""
    if "arxivcase" not in sys.modules:
        path = ROOT / "tests" / "cite" / "arxivcase.py"
        spec = importlib.util.spec_from_file_location("arxivcase", path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules["arxivcase"] = module
        spec.loader.exec_module(module)
    return sys.modules["arxivcase"]
