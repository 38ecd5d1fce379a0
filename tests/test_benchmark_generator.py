"""The benchmark's page generator (benchmarks/generate.py, issue 7).

It must be deterministic (the benchmark compares graphs across runs), and what it writes
must read back through kg exactly as the ground truth it writes beside the pages says: every
record on every page, and every paper merged once. That makes it a stress test of the
title/author splitter on thousands of glued lines. Cases the splitter is known to get wrong
are separated by a predicate and kept as strict xfails, so fixing them shows up.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from kgtest import load_generator

from kg.config import DEFAULT_CAPTURE_DATE
from kg.diagnostics import Severity
from kg.graph.identity import Iris, merge
from kg.read.model import PaperRecord, ProfileRecord
from kg.read.pages import read_pages
from kg.read.records import Parsed, parse_pages

ROOT = Path(__file__).resolve().parents[1]
SMALL = {  # small pages, so 200 papers still give every layout several times
    "papers": 200,
    "page_min": 8,
    "page_max": 30,
    "profile_min_papers": 4,
    "profile_max": 30,
    "abstract_share": 0.1,
    "mixed_share": 0.3,
    "mixed_profile_share": 0.4,
}


gen = load_generator()


def _corpus(folder: Path, **knobs: Any) -> tuple[dict[str, Any], Parsed]:
    gen.generate(gen.Knobs(**{**SMALL, **knobs}), folder)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    pages = list(read_pages([folder]))
    return truth, parse_pages(pages, date.fromisoformat(truth["capture_date"]))


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Parsed]:
    """200 papers with the default distributions."""
    return _corpus(tmp_path_factory.mktemp("clean"), seed=11)


@pytest.fixture(scope="module")
def hard(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Parsed]:
    """400 papers with many odd-capital names and names with lowercase particles."""
    return _corpus(
        tmp_path_factory.mktemp("hard"),
        seed=11,
        papers=400,
        hard_name_rate=0.04,
        odd_caps_rate=0.1,
    )


# -- hard cases, checked on their own (report: benchmarks/README.md) --------------------------

_ODD_CAPS = re.compile(r"^[A-Z][A-Z][a-z]")  # "YIng", "QIaosheng", "CHen"
_LOWER_PARTICLE = re.compile(r"(?:^|\s)(?:al-|el-|ibn\s)")  # "Omar el-Amin", "Nour ibn Saud"


def odd_caps_glued(record: dict[str, Any]) -> bool:
    """A glued line with a name such as ``YIhai Li``: after a title ending in a capital or a
    digit kg moves the name's first capital into the title (``... in MRIK`` + ``Unbo Fan``),
    and it may pull the names before it into the title."""
    return record.get("form") == "glued" and any(
        _ODD_CAPS.match(token) for name in record["authors"] for token in name.split()
    )


def lowercase_particle(record: dict[str, Any]) -> bool:
    """``Omar el-Amin``, ``Nour ibn Saud``: names with a lowercase particle (kg rejected them
    as names until a294d21; kept apart as a regression check)."""
    return any(_LOWER_PARTICLE.search(name) for name in record.get("authors") or [])


KNOWN = {"odd_caps_glued": odd_caps_glued, "lowercase_particle": lowercase_particle}


def known_failure(record: dict[str, Any]) -> str | None:
    return next((kind for kind, test in KNOWN.items() if test(record)), None)


# -- comparing kg's records with the truth --------------------------------------------------


def _expected(truth_record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in truth_record.items() if k not in ("line", "paper", "abstract_sha1")}


def _actual(record: PaperRecord | ProfileRecord, keys: list[str]) -> dict[str, Any]:
    document = record.to_json()
    return {k: document.get(k) for k in keys}


def mismatches(truth: dict[str, Any], parsed: Parsed, only: str | None) -> list[str]:
    """Every truth record of the kind ``only`` (None: the records of no known kind) that kg
    did not read exactly, as readable lines."""
    got = {(r.source, r.line): r for r in parsed.records}
    problems = []
    for source, records in truth["pages"].items():
        for expected in records:
            if known_failure(expected) != only:
                continue
            where = f"{source}:{expected['line']}"
            record = got.get((source, expected["line"]))
            if record is None:
                problems.append(f"{where}: not read ({expected.get('title')!r})")
                continue
            want = _expected(expected)
            have = _actual(record, list(want))
            if isinstance(record, PaperRecord):
                abstract = hashlib.sha1((record.abstract or "").encode("utf-8")).hexdigest()
                want["abstract_sha1"], have["abstract_sha1"] = expected["abstract_sha1"], abstract
            if have != want:
                diff = {k: (want[k], have[k]) for k in want if want[k] != have[k]}
                problems.append(f"{where}: {diff}")
    return problems


# -- tests ----------------------------------------------------------------------------------


def test_generator_is_deterministic(tmp_path: Path) -> None:
    knobs = gen.Knobs(**{**SMALL, "papers": 150, "seed": 3})
    first, second = tmp_path / "a", tmp_path / "b"
    gen.generate(knobs, first)
    # the second copy from the command line, in a process with another string-hash seed
    options = [f"--{k.replace('_', '-')}={v}" for k, v in {**SMALL, "seed": 3}.items()]
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "generate.py"),
            "--papers=150",
            *[o for o in options if not o.startswith("--papers=")],
            f"--out={second}",
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    )
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert len(names) > 5
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    other = tmp_path / "c"
    gen.generate(gen.Knobs(**{**SMALL, "papers": 150, "seed": 4}), other)
    assert (
        json.loads((other / "manifest.json").read_text())["sha256"]
        != json.loads((first / "manifest.json").read_text())["sha256"]
    )


def test_capture_date_default_matches_kg() -> None:
    assert gen.DEFAULT_CAPTURE == DEFAULT_CAPTURE_DATE


def test_corpus_has_every_layout_and_feature(clean: tuple[dict[str, Any], Parsed]) -> None:
    truth, _ = clean
    records = [r for rs in truth["pages"].values() for r in rs]
    papers = [r for r in records if r.get("kind") != "profile"]
    assert {r["form"] for r in papers} == {"separate", "glued", "abstract"}
    assert any(r.get("may_belong_to") for r in records)  # abstract-only pages
    assert any(r.get("listed_papers") for r in records)  # profile pages
    assert any(r["et_al"] for r in papers) and any(not r["et_al"] for r in papers if r["title"])
    assert any(r["date_inferred_year"] for r in papers)
    assert any(r["score"] is not None for r in papers)
    assert any(r["affiliations"] for r in papers)
    assert any(r["urls"] for r in papers)
    shared = defaultdict(set)
    for source, rs in truth["pages"].items():
        for r in rs:
            if "paper" in r:
                shared[r["paper"]].add(source)
    assert sum(len(s) > 1 for s in shared.values()) > 20  # papers on several pages


def test_clean_corpus_parses_without_errors(clean: tuple[dict[str, Any], Parsed]) -> None:
    _, parsed = clean
    errors = [str(d) for d in parsed.diagnostics if d.severity is Severity.ERROR]
    assert errors == []
    others = [
        str(d)
        for d in parsed.diagnostics
        if d.severity is Severity.WARNING and "uncertain title/author split" not in d.message
    ]
    assert others == []


def test_every_record_is_read_exactly(clean: tuple[dict[str, Any], Parsed]) -> None:
    truth, parsed = clean
    assert mismatches(truth, parsed, only=None) == []
    truth_count = sum(len(rs) for rs in truth["pages"].values())
    assert len(parsed.records) == truth_count


def test_every_paper_merges_once(clean: tuple[dict[str, Any], Parsed]) -> None:
    """Records of one generated paper become one merged paper, with the right title."""
    truth, parsed = clean
    where: dict[int, set[tuple[str, int]]] = defaultdict(set)
    doubtful: set[int] = set()  # papers with a listing of a known failure kind
    for source, records in truth["pages"].items():
        for record in records:
            if "paper" in record:
                where[record["paper"]].add((source, record["line"]))
                if known_failure(record):
                    doubtful.add(record["paper"])
    merged = merge(parsed.records, Iris("https://kg.example.org/"))
    by_listings = {
        frozenset((r.source, r.line) for r in paper.listings): paper
        for paper in merged.papers.values()
    }
    assert len(doubtful) < len(where) // 10
    for pid, listings in where.items():
        if pid in doubtful:
            continue
        paper = by_listings.get(frozenset(listings))
        assert paper is not None, f"paper {pid}: its listings {sorted(listings)} did not merge"
        titled = any(
            r.get("title") for rs in truth["pages"].values() for r in rs if r.get("paper") == pid
        )
        assert paper.title == (truth["titles"][str(pid)] if titled else None)


@pytest.mark.xfail(
    strict=True,
    reason="kg.read.authors.split_glued: after a title ending in a capital or a digit, a first "
    "name with odd capitals loses its first letter to the title ('... in MRIK' + 'Unbo Fan', "
    "'... for Llama 3H' + 'Andi Gu'); with the odd name second, the first name is pulled "
    "into the title ('... AnsweringYinglan Zhang, C' + 'Hao Fan'). Reported to the lead.",
)
def test_odd_capitals_in_glued_lines(hard: tuple[dict[str, Any], Parsed]) -> None:
    truth, parsed = hard
    cases = [r for rs in truth["pages"].values() for r in rs if odd_caps_glued(r)]
    assert len(cases) >= 20, "the hard corpus should exercise this case"
    assert mismatches(truth, parsed, only="odd_caps_glued") == []


def test_names_with_lowercase_particles(hard: tuple[dict[str, Any], Parsed]) -> None:
    truth, parsed = hard
    cases = [
        r for rs in truth["pages"].values() for r in rs if known_failure(r) == "lowercase_particle"
    ]
    assert len(cases) >= 20, "the hard corpus should exercise this case"
    assert mismatches(truth, parsed, only="lowercase_particle") == []
    errors = [str(d) for d in parsed.diagnostics if d.severity is Severity.ERROR]
    assert errors == []
