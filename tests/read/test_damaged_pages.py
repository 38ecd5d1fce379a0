"""Issue #14, the reader's part: pages cut off, records dropped, bytes spoiled.

Each test says which item of issue #14 it pins. They use pages of their own and the seeds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from readtest import SEED_001, messages, paper_records, parse_text

from kg.config import DEFAULT_CAPTURE_DATE
from kg.diagnostics import Severity
from kg.read.meta import YEAR_HEADING
from kg.read.pages import Page, decode_page, read_page, read_pages
from kg.read.records import parse_page
from kg.read.text import clean

WritePage = Callable[..., Path]


# -- 1. a page cut off inside a record ---------------------------------------------------------


def test_cut_glued_line_at_the_end_is_skipped_and_the_rest_kept() -> None:
    """Issue #14 (1): the glued title+authors line cut mid-name, no abstract, no line end."""
    parsed = parse_text(
        "CLJan 5, 2024\nFirst TitleJane Doe\nAn abstract.\n"
        "LGFeb 6, 2024\nSecond TitleAnkang Sun, Ruijie Wa"
    )
    assert [r.title for r in paper_records(parsed)] == ["First Title"]
    [found] = parsed.diagnostics
    assert (found.line, found.severity) == (5, Severity.ERROR)
    assert "the page ends mid-line inside this record" in found.message


def test_last_record_with_its_abstract_and_no_final_line_end_is_kept() -> None:
    """Issue #14 (1): only a record cut before its abstract is skipped (the seeds, too, end
    without a line end after their last abstract)."""
    parsed = parse_text("CLJan 5, 2024\nA Title\nJane Doe, Ann Lee\nThe abstract ends here.")
    assert [(r.title, r.authors) for r in paper_records(parsed)] == [
        ("A Title", ("Jane Doe", "Ann Lee"))
    ]
    assert parsed.diagnostics == ()


# -- 2. every dropped record has its own diagnostic -----------------------------------------------


def test_record_after_a_bad_author_line_is_not_swallowed() -> None:
    """Issue #14 (2): record 2 has a bad author line; record 3's spaced meta line
    ``CL Jan 6, 2023`` used to vanish with it, without a word."""
    parsed = parse_text(
        "CLJan 5, 2023\nFirst Title\nJane Doe, Ann Lee\nFirst abstract.\n"
        "CLJan 5, 2023\nSecond Title\n12 not a name list!\nSecond abstract.\n"
        "CL Jan 6, 2023\nThird Title\nAnn Lee\nThird abstract.\n"
    )
    assert [(r.line, r.title, r.date) for r in paper_records(parsed)] == [
        (1, "First Title", "2023-01-05"),
        (9, "Third Title", "2023-01-06"),
    ]
    assert [(d.line, d.severity) for d in parsed.diagnostics] == [(6, Severity.ERROR)]


@pytest.mark.parametrize(
    "meta",
    ["CL Jan 6, 2023", "54.1 CL Jan 6 2023 Code", "CLJanuary 6, 2023", "CLJan. 6, 2023"],
)
def test_spaced_and_spelled_out_meta_lines_are_read(meta: str) -> None:
    """Issue #14 (2): what a person would type for a meta line reads like the site's form."""
    [record] = paper_records(parse_text(f"{meta}\nA TitleJane Doe\nText."))
    assert (record.date, record.category) == ("2023-01-06", "CL")


@pytest.mark.parametrize("meta", ["CLJan 6, 23", "clJan 6, 2023", "CL Jan 6, 2023 (v2)"])
def test_malformed_meta_line_after_a_broken_record_has_its_own_error(meta: str) -> None:
    """Issue #14 (2): a meta line the reader cannot read is still the start of a record: the
    broken record before it does not swallow it, and it is reported on its own line."""
    parsed = parse_text(
        "CLJan 5, 2023\nSecond Title\n12 not a name list!\nSecond abstract.\n"
        f"{meta}\nThird TitleAnn Lee\nThird abstract.\n"
        "AIMar 1, 2023\nFourth TitleAnn Lee\nFourth abstract.\n"
    )
    assert [r.line for r in paper_records(parsed)] == [8]
    assert [(d.line, d.severity) for d in parsed.diagnostics] == [
        (2, Severity.ERROR),
        (5, Severity.ERROR),
    ]
    assert "malformed meta line" in parsed.diagnostics[1].message


# A meta line as a person would recognise it, with or without spaces: written here, apart
# from the reader's own patterns, so the test does not grade the reader by its own rule.
MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
META_LINE = re.compile(
    rf"(?:\d{{1,3}}(?:\.\d)?)? ?[A-Z]{{2}} ?{MONTH} \d{{1,2}}(?:, \d{{4}})?(?:Code)?"
)
BAD_AUTHORS = ["12 not a name list!", "the authors are unknown", "Jane Doe, 42", "·"]


@st.composite
def damaged_seed(draw: st.DrawFn, pages: list[Page]) -> Page:
    """A seed page with meta lines spaced out, author lines broken, lines dropped,
    duplicated, truncated or cut at the end."""
    page = draw(st.sampled_from(pages))
    lines = list(page.lines)
    for _ in range(draw(st.integers(1, 8))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["space", "authors", "drop", "duplicate", "truncate"]))
        if kind == "space":
            lines[i] = re.sub(r"^([\d.]*[A-Z]{2})(?=[A-Z][a-z]{2} )", r"\1 ", lines[i])
        elif kind == "authors":
            lines[i] = draw(st.sampled_from(BAD_AUTHORS))
        elif kind == "drop":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        else:
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
    if draw(st.booleans()):  # cut the page short, mid-line
        at = draw(st.integers(1, max(1, len(lines))))
        lines = lines[:at]
        lines[-1] = lines[-1][: draw(st.integers(0, len(lines[-1])))]
    return Page(page.source, page.source, "", tuple(lines))


def test_every_meta_line_is_a_record_or_an_error(seeds_dir: Path) -> None:
    """Issue #14 (2): on damaged pages, each meta line gives a record, or an error within
    its record (from the meta line up to the next meta line or year heading)."""
    pages = list(read_pages([seeds_dir]))

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(damaged_seed(pages))
    def check(page: Page) -> None:
        parsed = parse_page(page, DEFAULT_CAPTURE_DATE)
        lines = [clean(line) for line in page.lines]
        starts = [i for i, s in enumerate(lines) if META_LINE.fullmatch(s) or YEAR_HEADING.match(s)]
        read = {r.line for r in paper_records(parsed)}
        errors = [d.line for d in parsed.diagnostics if d.severity is Severity.ERROR]
        metas = [i for i in starts if META_LINE.fullmatch(lines[i])]
        for i in metas:
            end = next((s for s in starts if s > i), len(lines))
            assert i + 1 in read or any(i + 1 <= e <= end for e in errors), (
                f"{page.source}:{i + 1} {lines[i]!r}: no record and no error\n"
                + "\n".join(messages(parsed))
            )
        assert len(metas) <= len(read) + len(errors)

    check()


# -- 3. one bad byte spoils one line, not the file ----------------------------------------------


def test_one_bad_byte_affects_only_its_line(tmp_path: Path, write_page: WritePage) -> None:
    """Issue #14 (3): a bad byte on line 13 re-decoded the whole file as Windows-1252, and
    the well-formed ``José García`` record on line 4 was skipped."""
    text = (
        "CLJan 5, 2024\nFirst Title\n\nJosé García, Zoë Ångström · pku\n\nAn abstract.\n"
        "LGFeb 6, 2024\nSecond Title\n\nAnn Lee · mit\n\nAnother abstract.\nBad: X · Y\n"
    )
    data = text.encode().replace(b"X", b"\xff").replace(b"Y", b"\xe9")
    parsed = parse_page(read_page(write_page(tmp_path, data)), DEFAULT_CAPTURE_DATE)
    assert [(r.authors, r.affiliations) for r in paper_records(parsed)] == [
        (("José García", "Zoë Ångström"), ("pku",)),
        (("Ann Lee",), ("mit",)),
    ]
    # The bad line has good UTF-8 too (the "·"): only its bad bytes are replaced.
    assert messages(parsed) == [
        "page.txt:13: warning: line is not valid UTF-8: its bad bytes became U+FFFD",
        "page.txt:13: error: unexpected text outside any record, skipped: Bad: \ufffd · \ufffd",
    ]


def test_one_bad_byte_in_a_seed_copy_keeps_every_record(
    tmp_path: Path, seeds_dir: Path, write_page: WritePage
) -> None:
    """Issue #14 (3): one bad byte in a copy of a seed page lost 10 of its 17 records
    (``·`` became ``Â·``); now the page reads like the seed, with one warning."""
    original = (seeds_dir / SEED_001).read_bytes()
    lines = original.split(b"\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(b"In this paper, we survey"))
    lines[at] = lines[at].replace(b"survey", b"sur\x97vey", 1)  # a Windows-1252 dash
    copy = read_page(write_page(tmp_path, b"\n".join(lines), name=SEED_001))
    parsed = parse_page(copy, DEFAULT_CAPTURE_DATE)
    seed = parse_page(read_page(seeds_dir / SEED_001), DEFAULT_CAPTURE_DATE)
    assert messages(parsed) == [
        f"{SEED_001}:{at + 1}: warning: line is not UTF-8 (the rest of the file is): read as "
        "Windows-1252"
    ]
    [changed] = [r for r in paper_records(parsed) if r.line == at - 4]
    assert (changed.abstract or "").startswith("In this paper, we sur—vey")
    assert [r for r in parsed.records if r.line != at - 4] == [
        r for r in seed.records if r.line != at - 4
    ]
    assert len(paper_records(parsed)) == 17


def test_a_latin1_line_in_a_utf8_page_is_read_as_windows_1252() -> None:
    """Issue #14 (3): a line with no UTF-8 at all in a UTF-8 page: a pasted Latin-1 line."""
    data = "Zoë\n".encode() + "José Müller\n".encode("latin-1") + "Ångström\n".encode()
    lines, diagnostics = decode_page("p.txt", data)
    assert lines == ("Zoë", "José Müller", "Ångström", "")
    assert [str(d) for d in diagnostics] == [
        "p.txt:2: warning: line is not UTF-8 (the rest of the file is): read as Windows-1252"
    ]
