"""Page -> records on the seeds: golden records, counts, dates, URLs and the JSON contract.

The golden file pins every titled seed record; regenerate it with
``pytest tests/test_records.py --update-golden`` after a deliberate change, and check every
changed title/author boundary by hand against the seed page before committing it.
"""

from __future__ import annotations

import codecs
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.config import DEFAULT_CAPTURE_DATE
from kg.diagnostics import Severity
from kg.read.authors import Lexicon
from kg.read.pages import Page, decode_page, read_pages
from kg.read.records import (
    META,
    MONTHS,
    PAPER_FIELDS,
    PROFILE_FIELDS,
    YEAR_HEADING,
    PaperRecord,
    Parsed,
    ProfileRecord,
    build_lexicon,
    clean,
    latest_on_or_before,
    parse_page,
    parse_pages,
)

GOLDEN_FILE = Path(__file__).parent / "golden" / "seed_papers.jsonl"
GOLDEN_FIELDS = (
    "source line form title authors et_al affiliations date date_inferred_year category "
    "has_code score urls"
).split()
F000, F001, F002, F003, F004 = (
    "000_75f573afd22e8082.txt",
    "001_6a2e0b437ba59670.txt",
    "002_1a5fe52f65ecc1db.txt",
    "003_1e15edc5c0b8441e.txt",
    "004_0db25c8019068f0b.txt",
)


def parse_seeds(seeds: Path, capture: date = DEFAULT_CAPTURE_DATE) -> Parsed:
    return parse_pages(list(read_pages([seeds])), capture)


@pytest.fixture(scope="module")
def seed_pages(seeds_dir: Path) -> list[Page]:
    return list(read_pages([seeds_dir]))


@pytest.fixture(scope="module")
def parsed(seed_pages: list[Page]) -> Parsed:
    return parse_pages(seed_pages, DEFAULT_CAPTURE_DATE)


@pytest.fixture(scope="module")
def papers(parsed: Parsed) -> dict[tuple[str, int], PaperRecord]:
    return {(r.source, r.line): r for r in parsed.records if isinstance(r, PaperRecord)}


def page_of(lines: list[str] | tuple[str, ...], source: str = "fuzz.txt") -> Page:
    return Page(source=source, path=source, sha256="", lines=tuple(lines))


def titled(parsed: Parsed) -> list[PaperRecord]:
    return [r for r in parsed.records if isinstance(r, PaperRecord) and r.title is not None]


def by_title(parsed: Parsed, source: str, title: str) -> PaperRecord:
    found = [r for r in titled(parsed) if r.source == source and r.title == title]
    assert len(found) == 1, f"{source}: {len(found)} records titled {title!r}"
    return found[0]


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


# -- broken records: one diagnostic, and the next record is read --------------------------------


def lines_of(text: str) -> list[str]:
    return text.split("\n")


def test_record_without_an_author_list_is_skipped_as_a_whole() -> None:
    page = page_of(
        lines_of(
            "CLJan 5, 2024\n"
            "A Title With No Authors\n"
            "Its abstract, which must not be reported line by line.\n"
            "LGFeb 6, 2024\n"
            "Next TitleJane Doe\n"
            "Next abstract.\n"
        )
    )
    parsed = parse_page(page, DEFAULT_CAPTURE_DATE)
    assert [(d.line, d.severity) for d in parsed.diagnostics] == [(2, Severity.ERROR)]
    assert [(r.line, getattr(r, "title", None)) for r in parsed.records] == [(4, "Next Title")]


def test_stray_meta_line_under_a_year_heading_does_not_eat_the_abstract() -> None:
    page = page_of(lines_of("2024\nCLJan 5\nA first abstract, in lower case words.\nA second one."))
    parsed = parse_page(page, DEFAULT_CAPTURE_DATE)
    assert [d.line for d in parsed.diagnostics] == [3]  # no authors in "A first abstract..."
    assert [(r.line, r.form, r.date) for r in parsed.records if isinstance(r, PaperRecord)] == [
        (3, "abstract", "2024"),
        (4, "abstract", "2024"),
    ]


def test_stray_lines_before_the_first_record_are_not_a_profile() -> None:
    # A name-like first line followed by text that is no header field: a page cut at the top.
    page = page_of(
        lines_of("Jane Doe\nthe tail of an abstract.\nCLJan 5, 2024\nA TitleAnn Lee\nText.")
    )
    parsed = parse_page(page, DEFAULT_CAPTURE_DATE)
    assert [str(d).split(": ", 2)[:2] for d in parsed.diagnostics] == [
        ["fuzz.txt:1", "error"],
        ["fuzz.txt:2", "error"],
    ]
    assert [type(r).__name__ for r in parsed.records] == ["PaperRecord"]
    [record] = parsed.records
    assert isinstance(record, PaperRecord)
    assert (record.form, record.title, record.authors, record.abstract) == (
        "glued",
        "A Title",
        ("Ann Lee",),
        "Text.",  # a one-word abstract is not an author line
    )


def test_a_bare_name_header_is_a_profile() -> None:
    page = page_of(lines_of("Jane Doe\n\nCLJan 5, 2024\nA TitleAnn Lee\nSome text."))
    parsed = parse_page(page, DEFAULT_CAPTURE_DATE)
    assert parsed.diagnostics == ()
    assert parsed.records[0] == ProfileRecord(source="fuzz.txt", line=1, name="Jane Doe")


# -- dates ---------------------------------------------------------------------------------


def test_year_less_date_takes_the_capture_year(papers: dict[tuple[str, int], PaperRecord]) -> None:
    may = papers[(F001, 33)]  # "LGMay 18"
    assert may.title == "Post-Trained MoE Can Skip Half Experts via Self-Distillation"
    assert (may.date, may.date_inferred_year) == ("2026-05-18", True)
    scored = papers[(F003, 7)]  # "54.1CLApr 17"
    assert (scored.date, scored.date_inferred_year, scored.score) == ("2026-04-17", True, 54.1)
    dated = papers[(F001, 12)]  # "LGJul 5, 2023Code"
    assert (dated.date, dated.date_inferred_year, dated.has_code) == ("2023-07-05", False, True)
    assert (dated.category, dated.score) == ("LG", None)
    assert papers[(F001, 19)].has_code is False  # "CLNov 20, 2023": no Code flag


def test_capture_date_sets_the_inferred_year_and_flags_later_dates(seeds_dir: Path) -> None:
    parsed = parse_seeds(seeds_dir, date(2025, 6, 1))
    papers = {(r.source, r.line): r for r in parsed.records if isinstance(r, PaperRecord)}
    assert (papers[(F001, 33)].date, papers[(F001, 33)].date_inferred_year) == (
        "2025-05-18",
        True,
    )
    assert len(titled(parsed)) == 81  # a late date is doubtful, not skipped
    later = {str(d) for d in parsed.diagnostics}
    assert f"{F001}:26: warning: date 2025-09-10 is after the capture date 2025-06-01" in later
    assert f"{F003}:31: warning: date 2025-11-09 is after the capture date 2025-06-01" in later
    assert all(d.severity is Severity.WARNING for d in parsed.diagnostics)
    flagged = {(d.source, d.line) for d in parsed.diagnostics}
    assert flagged == {
        (r.source, r.line) for r in titled(parsed) if r.date and r.date > "2025-06-01"
    }


def test_year_less_date_is_the_latest_on_or_before_the_capture(seeds_dir: Path) -> None:
    """Issue #14: a page shows the most recent ``May 18`` up to its capture, never a later one.

    (Before, the capture year was taken as it was, and ``May 18`` captured on 2026-05-01
    became 2026-05-18 with an "after the capture date" warning.)
    """
    parsed = parse_seeds(seeds_dir, date(2026, 5, 1))
    papers = {(r.source, r.line): r for r in parsed.records if isinstance(r, PaperRecord)}
    assert (papers[(F001, 33)].date, papers[(F001, 33)].date_inferred_year) == (
        "2025-05-18",
        True,
    )
    assert parsed.diagnostics == ()  # no "after the capture date" warning any more


@pytest.mark.parametrize(
    ("printed", "capture", "expected"),
    [
        ("May 18", date(2027, 1, 10), date(2026, 5, 18)),  # the issue's example
        ("Jan 10", date(2027, 1, 10), date(2027, 1, 10)),  # the capture day itself
        ("Jan 11", date(2027, 1, 10), date(2026, 1, 11)),
        ("Dec 31", date(2027, 1, 1), date(2026, 12, 31)),
        ("Feb 29", date(2027, 1, 10), date(2024, 2, 29)),  # the latest leap day
        ("Feb 29", date(2024, 2, 29), date(2024, 2, 29)),
        ("Feb 29", date(2024, 2, 28), date(2020, 2, 29)),
        ("Feb 29", date(2104, 3, 1), date(2104, 2, 29)),
        ("Feb 29", date(2103, 3, 1), date(2096, 2, 29)),  # 2100 is no leap year: 8 years back
        ("Feb 30", date(2027, 1, 10), None),
    ],
)
def test_latest_on_or_before(printed: str, capture: date, expected: date | None) -> None:
    """Issue #14: a year-less date is the latest such day on or before the capture date."""
    month, day = printed.split()
    assert latest_on_or_before(MONTHS[month], int(day), capture) == expected


def test_year_less_dates_on_a_page_never_pass_the_capture_date() -> None:
    """Issue #14: ``--capture-date 2027-01-10`` reads ``May 18`` as 2026-05-18, no warning."""
    page = page_of(
        lines_of(
            "CLMay 18\nA TitleJane Doe\nText.\n"
            "CLFeb 29\nB TitleJane Doe\nText.\n"
            "CLFeb 30\nC TitleJane Doe\nText.\n"
            "CLMay 18, 2027\nD TitleJane Doe\nText."
        )
    )
    parsed = parse_page(page, date(2027, 1, 10))
    assert [(r.line, r.date) for r in parsed.records if isinstance(r, PaperRecord)] == [
        (1, "2026-05-18"),
        (4, "2024-02-29"),
        (10, "2027-05-18"),  # printed with its year: kept as printed, and doubtful
    ]
    assert [str(d) for d in parsed.diagnostics] == [
        "fuzz.txt:7: error: impossible date 'Feb 30': record skipped",
        "fuzz.txt:10: warning: date 2027-05-18 is after the capture date 2027-01-10",
    ]


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


# -- property-based: random and mutated pages --------------------------------------------------

# Bounded so the suite stays fast: each seed-page example parses a whole page (or two).
BOUNDED = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ON_SEEDS = settings(BOUNDED, max_examples=100)
LINE_TEXT = st.text(
    st.characters(exclude_characters="\n\r", exclude_categories=("Cs",)), max_size=120
)


def assert_sane(parsed: Parsed, page: Page) -> None:
    count = max(1, len(page.lines))
    for d in parsed.diagnostics:
        assert 1 <= d.line <= count and d.source == page.source
    for r in parsed.records:
        assert 1 <= r.line <= count
        json.dumps(r.to_json())


@BOUNDED
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(data: bytes) -> None:
    lines, diagnostics = decode_page("fuzz.txt", data)
    page = page_of(lines or ())
    assert_sane(parse_page(page, DEFAULT_CAPTURE_DATE), page)


@BOUNDED
@given(st.lists(LINE_TEXT, max_size=40))
def test_random_text_never_raises(lines: list[str]) -> None:
    page = page_of(lines)
    assert_sane(parse_page(page, DEFAULT_CAPTURE_DATE), page)


MUTATIONS = ("drop", "duplicate", "swap", "truncate", "junk")
JUNK_LINES = [
    "CLMay 18",
    "54.1CLFeb 30, 2024Code",
    "2024",
    "Jane Doe, John Smith et al. · pku",
    "Some Title Without AuthorsJane Doe",
    "h-index12",
    "17 Papers",
    "·",
    "et al.",
    "https://github.com/x/y.git.",
]


@st.composite
def mutated_seed(draw: st.DrawFn, pages: list[Page]) -> tuple[Page, bytes]:
    """A seed page with lines dropped, duplicated, swapped, truncated or inserted; and the
    same page as bytes with CRLF line ends and a byte-order mark, or without."""
    page = draw(st.sampled_from(pages))
    lines = list(page.lines)
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(MUTATIONS))
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        if not lines:
            lines.append(draw(LINE_TEXT))
        elif kind == "drop":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "truncate":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        else:
            lines.insert(i, draw(st.one_of(LINE_TEXT, st.sampled_from(JUNK_LINES))))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.sampled_from([b"", codecs.BOM_UTF8]))
    return page_of(lines, page.source), bom + newline.join(lines).encode("utf-8")


def test_mutated_seed_pages_never_raise(seed_pages: list[Page]) -> None:
    @ON_SEEDS
    @given(mutated_seed(seed_pages))
    def check(case: tuple[Page, bytes]) -> None:
        page, data = case
        parsed = parse_page(page, DEFAULT_CAPTURE_DATE)
        assert_sane(parsed, page)
        lines, _ = decode_page(page.source, data)  # its CRLF/BOM twin, through the decoder
        if lines is not None:  # (None: the junk made it look binary or empty)
            twin = page_of(lines, page.source)
            assert parse_page(twin, DEFAULT_CAPTURE_DATE) == parsed

    check()


# Junk is any line that does not itself start a record (a meta line or a year heading).
JUNK = st.one_of(LINE_TEXT, st.sampled_from(JUNK_LINES)).filter(
    lambda s: not (META.match(clean(s)) or YEAR_HEADING.match(clean(s)))
)


def test_junk_between_records_never_drops_a_record(seed_pages: list[Page]) -> None:
    before = {page.source: parse_page(page, DEFAULT_CAPTURE_DATE) for page in seed_pages}

    @ON_SEEDS
    @given(st.data())
    def check(data: st.DataObject) -> None:
        page = data.draw(st.sampled_from(seed_pages))
        papers = [r for r in before[page.source].records if isinstance(r, PaperRecord)]
        # Junk goes right before a paper record's first line, or at the very end of the page.
        slots = [r.line - 1 for r in papers] + [len(page.lines)]
        inserts = data.draw(
            st.lists(st.tuples(st.sampled_from(slots), st.lists(JUNK, min_size=1, max_size=3)))
        )
        extra: dict[int, list[str]] = {}
        for slot, junk in inserts:
            extra.setdefault(slot, []).extend(junk)
        lines: list[str] = []
        moved: dict[int, int] = {}  # clean 1-based line -> mutated 1-based line
        for i, line in enumerate(page.lines):
            lines.extend(extra.get(i, []))
            lines.append(line)
            moved[i + 1] = len(lines)
        lines.extend(extra.get(len(page.lines), []))
        after = parse_page(page_of(lines, page.source), DEFAULT_CAPTURE_DATE)
        found = [r.to_json() for r in after.records if isinstance(r, PaperRecord)]
        for record in papers:
            expected = record.to_json() | {"line": moved[record.line]}
            assert expected in found, f"lost {record.source}:{record.line}"

    check()
