"""``kg parse`` on bad pages: a diagnostic, the good records, the right exit code.

Every bad page below must give a ``FILE:LINE: error|warning: message`` line naming the right
place, let every good record of the same file through, and never show a traceback.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path

import pytest
from readtest import diagnostics, parse, records, three_glued

WritePage = Callable[..., Path]  # the conftest factory: (folder, text | bytes, name=...)
SEED_001 = "001_6a2e0b437ba59670.txt"

pytestmark = pytest.mark.usefixtures("no_kg_env", "in_tmp_path")


# -- bad input: a diagnostic, the good records, the right exit code ---------------------------


def test_empty_file(tmp_path: Path, write_page: WritePage) -> None:
    result = parse(write_page(tmp_path, "", name="empty.txt"))
    assert (result.exit_code, result.stdout) == (1, "")
    assert diagnostics(result) == ["empty.txt:1: error: empty file: no records read"]


def test_binary_file(tmp_path: Path, write_page: WritePage) -> None:
    result = parse(write_page(tmp_path, b"CLJan 5, 2024\n\x00\x00\xff\xfe", name="blob.txt"))
    assert (result.exit_code, result.stdout) == (1, "")
    assert diagnostics(result) == ["blob.txt:1: error: binary file (NUL bytes): skipped"]


def test_latin1_file(tmp_path: Path, write_page: WritePage) -> None:
    # The first byte that is not UTF-8 is the é on line 8 ("·" on line 2 would be one too).
    text = three_glued().replace(" · pku", "").replace("Zoë Ångström", "José Müller")
    result = parse(write_page(tmp_path, text.encode("latin-1"), name="latin.txt"))
    assert result.exit_code == 0  # read in full, with a warning
    assert diagnostics(result) == [
        "latin.txt:8: warning: file is not UTF-8; read as Latin-1/Windows-1252"
    ]
    assert [d["authors"] for d in records(result)][-1] == ["José Müller"]


def test_bom_crlf_seed_twin_is_read_exactly_like_the_seed(
    tmp_path: Path, seeds_dir: Path, write_page: WritePage
) -> None:
    for seed in sorted(seeds_dir.glob("*.txt")):
        twin_bytes = codecs.BOM_UTF8 + seed.read_bytes().replace(b"\n", b"\r\n")
        twin = parse(write_page(tmp_path / "twins", twin_bytes, name=seed.name))
        clean = parse(seed)
        assert (twin.exit_code, twin.stdout, twin.stderr) == (0, clean.stdout, clean.stderr)
        assert diagnostics(twin) == []


@pytest.mark.parametrize(
    ("tail", "expected_diagnostic", "kept"),
    [
        ("", "cut.txt:7: error: meta line with no title after it: record skipped", 2),
        ("Third Ti", "cut.txt:8: error: cannot find the author list after this title", 2),
        # issue #14: a cut name ("Ång") must not enter the graph: the record is skipped
        ("Third TitleZoë Ång", "cut.txt:8: error: the page ends mid-line inside this record", 2),
        ("Third TitleZoë Ångström\n", "cut.txt:7: warning: record has no abstract", 3),
        ("Third TitleZoë Ångström et al.", "cut.txt:7: warning: record has no abstract", 3),
    ],
    ids=["after-meta", "mid-title", "mid-authors", "before-abstract", "after-et-al"],
)
def test_page_cut_off_in_the_middle_of_a_record(
    tmp_path: Path, write_page: WritePage, tail: str, expected_diagnostic: str, kept: int
) -> None:
    head = "".join(three_glued().splitlines(keepends=True)[:7])  # up to the third meta line
    result = parse(write_page(tmp_path, head + tail, name="cut.txt"))
    [found] = diagnostics(result)
    assert found.startswith(expected_diagnostic)
    titles = [d["title"] for d in records(result)]
    assert titles == ["First Title About LLM", "Second Title?", "Third Title"][:kept]
    assert result.exit_code == (1 if ": error: " in expected_diagnostic else 0)


def test_page_cut_off_inside_a_separate_author_line(
    tmp_path: Path, seeds_dir: Path, write_page: WritePage
) -> None:
    """Issue #14: an author line cut mid-name at the end of the file, no abstract: before, a
    person "Zefan Wa" and exit 0; now the record is skipped with an error, the rest kept."""
    lines = (seeds_dir / SEED_001).read_text("utf-8").split("\n")
    at = lines.index("Ganqu Cui, Lifan Yuan, Zefan Wang et al. · pku, tsinghua")
    cut = "\n".join(lines[:at]) + "\nGanqu Cui, Lifan Yuan, Zefan Wa"
    result = parse(write_page(tmp_path, cut, name="cut.txt"))
    assert result.exit_code == 1
    assert diagnostics(result)[-1] == (
        f"cut.txt:{at + 1}: error: the page ends mid-line inside this record, before its "
        "abstract: record skipped (its last name may be cut): Ganqu Cui, Lifan Yuan, Zefan Wa"
    )
    read = records(result)
    assert not any("Zefan Wa" in d.get("authors", []) for d in read)
    whole = [d | {"source": "cut.txt"} for d in records(parse(seeds_dir / SEED_001))]
    assert read == [d for d in whole if d["line"] < at - 2]  # every complete record is kept
    assert len(read) == 1 + 4  # the profile and the four papers before the cut one


def test_profile_page_cut_off_mid_abstract(
    tmp_path: Path, seeds_dir: Path, write_page: WritePage
) -> None:
    text = (seeds_dir / SEED_001).read_text("utf-8")
    cut = text[: text.index("OpenDelta is designed to be simple, m") + 37]  # "...simple, m"
    result = parse(write_page(tmp_path, cut, name="cut.txt"))
    assert result.exit_code == 0  # the records were read; the warnings say the page is short
    assert diagnostics(result) == [
        "cut.txt:10: warning: the page lists 17 papers; records read: 1 (page cut off?)",
        "cut.txt:17: warning: the page ends mid-line: this abstract may be cut off",
    ]
    assert [d["kind"] for d in records(result)] == ["profile", "paper"]


def test_impossible_date(tmp_path: Path, write_page: WritePage) -> None:
    page = three_glued().replace("LGFeb 6, 2024", "LGFeb 30, 2024")
    result = parse(write_page(tmp_path, page, name="dates.txt"))
    assert result.exit_code == 1
    assert diagnostics(result) == [
        "dates.txt:4: error: impossible date 'Feb 30, 2024': record skipped"
    ]
    assert [d["line"] for d in records(result)] == [1, 7]


def test_meta_line_with_no_title(tmp_path: Path, write_page: WritePage) -> None:
    page = three_glued().replace("LGFeb 6, 2024\n", "AIApr 1, 2024\n\nLGFeb 6, 2024\n")
    result = parse(write_page(tmp_path, page, name="meta.txt"))
    assert result.exit_code == 1
    assert diagnostics(result) == [
        "meta.txt:4: error: meta line with no title after it: record skipped"
    ]
    assert [d["title"] for d in records(result)] == [
        "First Title About LLM",
        "Second Title?",
        "Third Title",
    ]


@pytest.mark.parametrize(
    ("page", "line"),
    [
        (three_glued().replace("LGFeb 6, 2024", "stray words here\nLGFeb 6, 2024"), 4),
        ("stray words before anything\n\n" + three_glued(), 1),
        (three_glued() + "\nsome trailing junk\n", 11),
    ],
    ids=["between-records", "before-the-first-record", "at-the-end"],
)
def test_stray_text(tmp_path: Path, write_page: WritePage, page: str, line: int) -> None:
    result = parse(write_page(tmp_path, page, name="stray.txt"))
    assert result.exit_code == 1
    [found] = diagnostics(result)
    assert found.startswith(f"stray.txt:{line}: error: unexpected text")
    assert len(records(result)) == 3


def test_one_bad_file_does_not_stop_the_others(
    tmp_path: Path, seeds_dir: Path, write_page: WritePage
) -> None:
    write_page(tmp_path / "pages", (seeds_dir / SEED_001).read_bytes(), name="a.txt")
    write_page(tmp_path / "pages", b"\x00\x00", name="b.txt")
    write_page(tmp_path / "pages", three_glued(), name="c.txt")
    result = parse(tmp_path / "pages")
    assert result.exit_code == 1
    assert diagnostics(result) == ["b.txt:1: error: binary file (NUL bytes): skipped"]
    assert [d["source"] for d in records(result)] == ["a.txt"] * 18 + ["c.txt"] * 3


def test_uncertain_split_is_a_warning(tmp_path: Path, write_page: WritePage) -> None:
    page = "CLJan 5, 2024\nScaling Laws for LLMNVIDIA\nAn abstract.\n"
    result = parse(write_page(tmp_path, page, name="nv.txt"))
    assert result.exit_code == 0
    [found] = diagnostics(result)
    assert found.startswith("nv.txt:2: warning: uncertain title/author split")
    assert len(records(result)) == 1
