"""Page -> records on pages written for the rule: a broken record costs one diagnostic and
nothing else, and a year-less date is the latest one up to the capture date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from readtest import F001, F003, page_from_lines, parse_seeds, titled

from kg.config import DEFAULT_CAPTURE_DATE
from kg.diagnostics import Severity
from kg.read.meta import MONTHS, latest_on_or_before
from kg.read.model import PaperRecord, ProfileRecord
from kg.read.records import parse_page

# -- broken records: one diagnostic, and the next record is read --------------------------------


def lines_of(text: str) -> list[str]:
    return text.split("\n")


def test_record_without_an_author_list_is_skipped_as_a_whole() -> None:
    page = page_from_lines(
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
    page = page_from_lines(
        lines_of("2024\nCLJan 5\nA first abstract, in lower case words.\nA second one.")
    )
    parsed = parse_page(page, DEFAULT_CAPTURE_DATE)
    assert [d.line for d in parsed.diagnostics] == [3]  # no authors in "A first abstract..."
    assert [(r.line, r.form, r.date) for r in parsed.records if isinstance(r, PaperRecord)] == [
        (3, "abstract", "2024"),
        (4, "abstract", "2024"),
    ]


def test_stray_lines_before_the_first_record_are_not_a_profile() -> None:
    # A name-like first line followed by text that is no header field: a page cut at the top.
    page = page_from_lines(
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
    page = page_from_lines(lines_of("Jane Doe\n\nCLJan 5, 2024\nA TitleAnn Lee\nSome text."))
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
        ("May 18", date(2027, 1, 10), date(2026, 5, 18)),  # the example
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
    page = page_from_lines(
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
