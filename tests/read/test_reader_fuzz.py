"""Property-based: random bytes, random text and mutated seed pages never raise, and junk
between records never drops a record."""

from __future__ import annotations

import codecs
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from readtest import page_from_lines

from kg.config import DEFAULT_CAPTURE_DATE
from kg.read.meta import META, YEAR_HEADING
from kg.read.model import PaperRecord
from kg.read.pages import Page, decode_page
from kg.read.records import Parsed, parse_page
from kg.read.text import clean

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
    page = page_from_lines(lines or ())
    assert_sane(parse_page(page, DEFAULT_CAPTURE_DATE), page)


@BOUNDED
@given(st.lists(LINE_TEXT, max_size=40))
def test_random_text_never_raises(lines: list[str]) -> None:
    page = page_from_lines(lines)
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
    return page_from_lines(lines, page.source), bom + newline.join(lines).encode("utf-8")


def test_mutated_seed_pages_never_raise(seed_pages: list[Page]) -> None:
    @ON_SEEDS
    @given(mutated_seed(seed_pages))
    def check(case: tuple[Page, bytes]) -> None:
        page, data = case
        parsed = parse_page(page, DEFAULT_CAPTURE_DATE)
        assert_sane(parsed, page)
        lines, _ = decode_page(page.source, data)  # its CRLF/BOM twin, through the decoder
        if lines is not None:  # (None: the junk made it look binary or empty)
            twin = page_from_lines(lines, page.source)
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
        after = parse_page(page_from_lines(lines, page.source), DEFAULT_CAPTURE_DATE)
        found = [r.to_json() for r in after.records if isinstance(r, PaperRecord)]
        for record in papers:
            expected = record.to_json() | {"line": moved[record.line]}
            assert expected in found, f"lost {record.source}:{record.line}"

    check()
