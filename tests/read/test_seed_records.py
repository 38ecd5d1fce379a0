"""Page -> records on the seeds: golden records, counts, the issue's examples, URLs and the
JSON contract.

The golden file pins every titled seed record; regenerate it with
``pytest tests/read/test_seed_records.py --update-golden`` after a deliberate change, and check
every changed title/author boundary by hand against the seed page before committing it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from readtest import F000, F001, F002, F003, F004, by_title, titled

from kg.config import DEFAULT_CAPTURE_DATE
from kg.read.authors import Lexicon
from kg.read.model import PAPER_FIELDS, PROFILE_FIELDS, PaperRecord, ProfileRecord
from kg.read.pages import Page
from kg.read.records import Parsed, build_lexicon, parse_page

GOLDEN_FILE = Path(__file__).resolve().parents[1] / "golden" / "seed_papers.jsonl"
GOLDEN_FIELDS = (
    "source line form title authors et_al affiliations date date_inferred_year category "
    "has_code score urls"
).split()


# -- golden ----------------------------------------------------------------------------------


def golden_view(record: PaperRecord) -> dict[str, Any]:
    document = record.to_json()
    return {k: document[k] for k in GOLDEN_FIELDS}


def test_titled_seed_records_match_golden(parsed: Parsed, update_golden: bool) -> None:
    actual = [golden_view(r) for r in titled(parsed)]
    if update_golden:
        GOLDEN_FILE.parent.mkdir(exist_ok=True)
        GOLDEN_FILE.write_text(
            "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in actual), encoding="utf-8"
        )
    expected = [json.loads(line) for line in GOLDEN_FILE.read_text("utf-8").splitlines()]
    assert len(expected) == 81  # the golden file itself is complete
    want = {(d["source"], d["line"]): d for d in expected}
    got = {(d["source"], d["line"]): d for d in actual}
    problems = [f"missing record {s}:{n}" for s, n in sorted(want.keys() - got.keys())]
    problems += [f"unexpected record {s}:{n}" for s, n in sorted(got.keys() - want.keys())]
    for key in sorted(want.keys() & got.keys()):
        for field in GOLDEN_FIELDS:
            if want[key][field] != got[key][field]:
                problems.append(
                    f"{key[0]}:{key[1]} {field}:\n"
                    f"    expected {want[key][field]!r}\n    got      {got[key][field]!r}"
                )
    if problems:
        pytest.fail(
            f"{len(problems)} differences from {GOLDEN_FILE.name} (--update-golden to accept):\n"
            + "\n".join(problems),
            pytrace=False,
        )


def test_glued_lines_are_split_without_losing_a_character(
    parsed: Parsed, seed_pages: list[Page]
) -> None:
    # The golden file pins the seam; this checks the split pieces rebuild the printed line.
    lines = {p.source: p.lines for p in seed_pages}
    glued = [r for r in titled(parsed) if r.form == "glued"]
    assert len(glued) == 35
    for r in glued:
        printed = lines[r.source][r.line]  # the line after the meta line
        rebuilt = f"{r.title}{', '.join(r.authors)}" + (" et al." if r.et_al else "")
        if r.affiliations:
            rebuilt += " · " + ", ".join(r.affiliations)
        assert rebuilt == printed, f"{r.source}:{r.line + 1}"


def test_separate_records_take_title_and_author_lines_as_printed(
    parsed: Parsed, seed_pages: list[Page]
) -> None:
    lines = {p.source: p.lines for p in seed_pages}
    separate = [r for r in titled(parsed) if r.form == "separate"]
    assert len(separate) == 46
    for r in separate:
        page = lines[r.source]
        assert page[r.line] == r.title  # meta line, then the title on the next line
        author_line = ", ".join(r.authors) + (" et al." if r.et_al else "")
        assert page[r.line + 2].startswith(author_line)


# -- counts and the issue's examples ----------------------------------------------------


def test_seed_counts(parsed: Parsed) -> None:
    assert parsed.diagnostics == ()
    per_file = Counter(r.source for r in titled(parsed))
    assert per_file == {F001: 17, F002: 18, F003: 17, F004: 29}
    forms = Counter(r.form for r in titled(parsed))
    assert forms == {"separate": 17 + 29, "glued": 18 + 17}
    untitled = [r for r in parsed.records if isinstance(r, PaperRecord) and r.title is None]
    assert [(r.source, r.form, r.date) for r in untitled] == [
        (F000, "abstract", "2026"),
        (F000, "abstract", "2025"),
        (F000, "abstract", "2024"),
        (F000, "abstract", "2024"),
        (F000, "abstract", "2024"),
    ]
    assert all(r.authors == () and r.category is None and r.abstract for r in untitled)
    assert [r.line for r in untitled] == [8, 12, 16, 17, 18]


def test_seed_profiles(parsed: Parsed) -> None:
    profiles = {r.source: r for r in parsed.records if isinstance(r, ProfileRecord)}
    assert profiles == {
        F000: ProfileRecord(
            source=F000, line=1, name="Xingyu Lu", may_belong_to=("Xingyu Lu", "Xingyu Lu")
        ),
        F001: ProfileRecord(
            source=F001,
            line=1,
            name="Xingtai Lv",
            primary_category="CL",
            h_index=35,
            paper_count=17,
            citations=1150,  # printed "1,150citations"
            novelty_pct=44,  # printed "Novelty44%"
            ai_score=60,
            listed_papers=17,
        ),
        F004: ProfileRecord(
            source=F004,
            line=1,
            name="Biqing Qi",
            primary_category="CL",
            h_index=6,
            paper_count=29,
            citations=1387,
            novelty_pct=48,
            ai_score=62,
            listed_papers=29,
        ),
    }


@pytest.mark.parametrize(
    ("source", "title", "authors", "et_al", "affiliations"),
    [
        (
            F002,
            "FlowRL: Matching Reward Distributions for LLM Reasoning",
            ("Xuekai Zhu", "Daixuan Cheng", "Dinghuai Zhang"),
            True,
            ("stanford", "tsinghua"),
        ),
        (
            F003,
            "Graphix-T5: Mixing Pre-Trained Transformers with Graph-Aware Layers for "
            "Text-to-SQL Parsing",
            ("Jinyang Li", "Binyuan Hui", "Reynold Cheng"),
            True,
            (),
        ),
        (
            F003,
            "The Station: An Open-World Environment for AI-Driven Discovery",
            ("Stephen Chung", "Wenyu Du"),
            False,
            (),
        ),
        (
            F002,
            "Deep Unfolding with Kernel-based Quantization in MIMO Detection",
            ("Zeyi Ren", "Jingreng Lei", "Yichen Jin"),
            True,
            (),
        ),
        (
            F002,
            "How to Synthesize Text Data without Model Collapse?",
            ("Xuekai Zhu", "Daixuan Cheng", "Hengli Li"),
            True,
            ("tsinghua",),
        ),
        (
            F003,
            "Application of Convolutional Neural Networks with Quasi-Reversibility Method "
            "Results for Option Forecasting",
            ("Zheng Cao", "Wenyu Du", "Kirill V. Golubnichiy"),
            False,
            (),
        ),
        (
            F004,
            "Graph Counselor: Adaptive Graph Exploration via Multi-Agent Synergy to Enhance "
            "LLM Reasoning",
            ("Junqi Gao", "Xiang Zou", "YIng Ai"),
            True,
            (),
        ),
    ],
)
def test_issue_examples(
    parsed: Parsed,
    source: str,
    title: str,
    authors: tuple[str, ...],
    et_al: bool,
    affiliations: tuple[str, ...],
) -> None:
    record = by_title(parsed, source, title)
    assert (record.authors, record.et_al, record.affiliations) == (authors, et_al, affiliations)


def test_the_same_paper_reads_the_same_from_a_glued_and_a_separate_page(parsed: Parsed) -> None:
    glued = by_title(parsed, F002, "FlowRL: Matching Reward Distributions for LLM Reasoning")
    separate = by_title(parsed, F001, "FlowRL: Matching Reward Distributions for LLM Reasoning")
    assert (glued.form, separate.form) == ("glued", "separate")
    assert glued.authors == separate.authors and glued.affiliations == separate.affiliations


def test_glued_pages_split_the_same_without_a_lexicon(seed_pages: list[Page]) -> None:
    # The lexicon breaks ties; on the seeds the shape of the names is already enough.
    for page in seed_pages:
        with_lexicon = parse_page(page, DEFAULT_CAPTURE_DATE, build_lexicon(seed_pages))
        alone = parse_page(page, DEFAULT_CAPTURE_DATE, Lexicon())
        assert alone == with_lexicon, page.source


def test_lexicon_learns_names_and_titles_from_seed_pages(seed_pages: list[Page]) -> None:
    lexicon = build_lexicon(seed_pages)
    assert {"Xingtai Lv", "Biqing Qi", "Kirill V. Golubnichiy"} - lexicon.names == {
        "Kirill V. Golubnichiy"  # printed only on a glued page
    }
    assert "Xingyu Lu" in lexicon.names  # a profile name
    assert lexicon.knows_title("FlowRL: Matching Reward Distributions for LLM Reasoning")
    assert not lexicon.knows_title("The Station: An Open-World Environment for AI-Driven Discovery")


# -- URLs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "line", "urls"),
    [
        (F004, 68, ["https://github.com/ICL"]),  # "github.com/ICL." with no scheme
        (F004, 89, ["https://github.com/Arvin0313/Mecoin-GFSCIL"]),  # ".git"
        (F004, 103, ["https://github.com/gjq100/Graph-Counselor"]),  # ".git."
        (F003, 10, ["https://learning-from-peers.github.io/"]),  # "github.io/ ."
        (F003, 22, ["https://github.com/IvanChangPKU/FSA"]),  # trailing "."
        (F003, 37, ["https://llm-stacking.github.io"]),
        (F001, 26, ["https://github.com/TsinghuaC3I/Awesome-RL-for-LRMs"]),
        (F001, 12, []),
    ],
)
def test_seed_urls_are_normalised(
    papers: dict[tuple[str, int], PaperRecord], source: str, line: int, urls: list[str]
) -> None:
    assert list(papers[(source, line)].urls) == urls


# -- the JSON contract ------------------------------------------------------------------------

PAPER_TYPES: dict[str, tuple[type, ...]] = {
    "kind": (str,),
    "source": (str,),
    "line": (int,),
    "form": (str,),
    "title": (str, type(None)),
    "authors": (list,),
    "et_al": (bool,),
    "affiliations": (list,),
    "date": (str, type(None)),
    "date_inferred_year": (bool,),
    "category": (str, type(None)),
    "has_code": (bool,),
    "score": (int, float, type(None)),
    "urls": (list,),
    "abstract": (str, type(None)),
}
PROFILE_TYPES: dict[str, tuple[type, ...]] = {
    "kind": (str,),
    "source": (str,),
    "line": (int,),
    "name": (str, type(None)),
    "primary_category": (str, type(None)),
    "h_index": (int, type(None)),
    "paper_count": (int, type(None)),
    "citations": (int, type(None)),
    "novelty_pct": (int, float, type(None)),
    "ai_score": (int, float, type(None)),
    "listed_papers": (int, type(None)),
    "may_belong_to": (list, type(None)),
}


def test_field_lists_are_the_contract() -> None:
    assert PAPER_FIELDS == list(PAPER_TYPES)
    assert PROFILE_FIELDS == list(PROFILE_TYPES)


def test_record_json_key_order_and_types(parsed: Parsed) -> None:
    for record in parsed.records:
        document = json.loads(json.dumps(record.to_json()))  # what a consumer reads
        types = PAPER_TYPES if document["kind"] == "paper" else PROFILE_TYPES
        assert list(document) == list(types), f"{record.source}:{record.line}"
        for key, value in document.items():
            assert isinstance(value, types[key]), f"{record.source}:{record.line} {key}={value!r}"
            assert not (isinstance(value, bool) and bool not in types[key]), key
        for key in ("authors", "affiliations", "urls", "may_belong_to"):
            assert all(isinstance(v, str) for v in document.get(key) or [])
        if document["kind"] == "paper":
            assert document["form"] in {"separate", "glued", "abstract"}
            assert document["line"] >= 1
            date_pattern = r"\d{4}" if document["form"] == "abstract" else r"\d{4}-\d{2}-\d{2}"
            assert re.fullmatch(date_pattern, document["date"])
