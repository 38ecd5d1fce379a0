"""Hostile titles and names (issue #18): braces, %, #, \\, $, &, quotes, TeX ligatures, RTL
text and marks, emoji and accents still parse in every format, and read back as the text
the graph holds. (The page reader strips invisible format characters such as U+200F by
design, so what must come back unchanged is the graph's text, not the page's.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from citereaders import latex_to_text, read_bibtexparser, read_csl, read_pybtex, read_ris
from graphtruth import by_title
from kgtest import build, run

PAGE = """Zoë O'Brien-Ürün

CL
h-index3
2papers
10citations
Novelty44%
AI Score60

4 Papers

CLJul 5, 2023Code
BrowseComp-$V^3$: {Braces} and C++ at 50% with a_b, #tags \\ back\\slash & "quotes" \
-- 'single' ``tex'' ~x^y

Zoë O'Brien-Ürün, Ægir Þór, José Ñúñez et al. · tsinghua

An abstract with a link https://github.com/example/hostile-repo and more text here.

LGMay 18
Post-Trained Models \u200fRTL\u200f مرحبا 😀 emoji {unbalanced

Zoë O'Brien-Ürün, Li Wang

Another abstract that is long enough to be kept by the reader as a paper abstract text.

LGJun 1, 2025
Post-Trained Again: 50% {same} key}

Zoë O'Brien-Ürün, Jean-Luc d'Arc

A third abstract about nothing in particular, with enough words to be an abstract.

CVJan 2, 2022
The 100% Sure Thing: an article starting with an article

Zoë O'Brien-Ürün

A fourth abstract about nothing in particular, with enough words to be an abstract.
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pages = tmp_path_factory.mktemp("pages")
    (pages / "hostile.txt").write_text(PAGE, encoding="utf-8")
    return build(pages, tmp_path_factory.mktemp("out"), "--capture-date", "2026-03-01")


def export(out: Path, fmt: str) -> str:
    code, stdout, stderr = run("export", "--out", str(out), "--format", fmt)
    assert code == 0, stderr
    return stdout


def test_the_fixture_holds_the_hostile_text(hostile: Path) -> None:
    titles = set(by_title(hostile))
    assert len(titles) == 4
    joined = " ".join(titles)
    for hostile_part in ("{", "}", "%", "#", "\\", "$", "&", '"', "--", "``", "😀", "مرحبا"):
        assert hostile_part in joined, hostile_part


def test_bibtex_reads_back_unchanged_with_both_readers(hostile: Path) -> None:
    text = export(hostile, "bibtex")
    parsed, other = read_bibtexparser(text), read_pybtex(text)
    assert [(e.key, e.title, e.authors) for e in parsed] == [
        (e.key, e.title, e.authors) for e in other
    ]
    truth = by_title(hostile)
    decoded = {latex_to_text(e.title): tuple(map(latex_to_text, e.authors)) for e in parsed}
    assert set(decoded) == set(truth)
    for title, authors in decoded.items():
        names, et_al = truth[title]
        assert authors == names + (("others",) if et_al else ())
    assert "Zoë O'Brien-Ürün" in text  # UTF-8 kept, not \\\"{o}


@pytest.mark.parametrize("fmt", ["csl-json", "ris"])
def test_csl_and_ris_read_back_unchanged(hostile: Path, fmt: str) -> None:
    text = export(hostile, fmt)
    entries = read_csl(text) if fmt == "csl-json" else read_ris(text)
    truth = by_title(hostile)
    assert {e.title for e in entries} == set(truth)
    marker = "others" if fmt == "csl-json" else "et al."
    for entry in entries:
        names, et_al = truth[entry.title]
        assert entry.authors == names + ((marker,) if et_al else ())


def test_same_base_keys_are_told_apart_by_date(hostile: Path) -> None:
    keys = [e.key for e in read_ris(export(hostile, "ris"))]
    assert keys == [
        "obrienurun2022100",
        "obrienurun2023browsecompv3",
        "obrienurun2025posttrained",  # May 18 (year inferred) before June 1
        "obrienurun2025posttraineda",
    ]


def test_code_repositories_are_urls(hostile: Path) -> None:
    entries = {e.key: e.fields for e in read_pybtex(export(hostile, "bibtex"))}
    assert entries["obrienurun2023browsecompv3"]["url"] == "https://github.com/example/hostile-repo"
