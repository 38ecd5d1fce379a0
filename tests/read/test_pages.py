"""Files -> Page: decoding, bad bytes, line ends, and finding page files in folders."""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

import pytest

from kg.diagnostics import Diagnostic, Severity
from kg.errors import InputError
from kg.read.pages import decode_page, find_pages, read_page
from kg.read.records import parse_page

WritePage = Callable[..., Path]  # the conftest factory: (folder, text | bytes, name=...)
CAPTURE = date(2026, 11, 24)
PROFILE = (
    "Ada Lovelace\n"
    "\n"
    "CL\n"
    "h-index3\n"
    "\n"
    "1 Papers\n"
    "\n"
    "CLJan 5, 2024Code\n"
    "Notes on the Analytical Engine\n"
    "\n"
    "Ada Lovelace, Charles Babbage · cambridge\n"
    "\n"
    "We describe an engine. Code: github.com/ada/engine.git.\n"
)


def messages(diagnostics: Iterable[Diagnostic]) -> list[str]:
    return [str(d) for d in diagnostics]


@pytest.mark.parametrize(
    "data",
    [b"", b"\n\n  \n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n\r\n", "\u00a0\u2003\n".encode()],
    ids=["empty", "blank-lines", "bom-only", "bom-and-crlf", "unicode-spaces"],
)
def test_empty_page(data: bytes) -> None:
    lines, diagnostics = decode_page("p.txt", data)
    assert lines is None
    assert messages(diagnostics) == ["p.txt:1: error: empty file: no records read"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"CLJan 5, 2024\x00\x00\x01binary", "binary file (NUL bytes): skipped"),
        (bytes(range(1, 32)) * 4, "binary file (control characters): skipped"),
        (b"\xff\xfe" + b"\x00\xd8" * 3, "binary file (bad UTF-16): skipped"),
    ],
    ids=["nul-bytes", "control-characters", "bad-utf16"],
)
def test_binary_page(data: bytes, message: str) -> None:
    lines, diagnostics = decode_page("p.bin", data)
    assert lines is None
    assert messages(diagnostics) == [f"p.bin:1: error: {message}"]


def test_latin1_page_is_read_with_a_warning_on_the_first_bad_line() -> None:
    data = PROFILE.replace("Charles Babbage", "José Müller").encode("latin-1")
    lines, diagnostics = decode_page("p.txt", data)
    assert lines is not None and lines[10] == "Ada Lovelace, José Müller · cambridge"
    assert messages(diagnostics) == [
        "p.txt:11: warning: file is not UTF-8; read as Latin-1/Windows-1252"
    ]


def test_bom_before_latin1_text_is_not_read_as_text() -> None:
    lines, diagnostics = decode_page("p.txt", codecs.BOM_UTF8 + "Zoë Ångström\n".encode("latin-1"))
    assert lines == ("Zoë Ångström", "")
    assert messages(diagnostics) == [
        "p.txt:1: warning: file is not UTF-8; read as Latin-1/Windows-1252"
    ]


def test_windows_1252_quotes_are_read_as_quotes() -> None:
    lines, diagnostics = decode_page("p.txt", b"Title \x93quoted\x94 \x96 dash\n")
    assert lines == ("Title “quoted” – dash", "")
    assert [d.severity for d in diagnostics] == [Severity.WARNING]


def test_utf16_page_with_a_bom() -> None:
    lines, diagnostics = decode_page("p.txt", PROFILE.encode("utf-16"))
    assert lines == tuple(PROFILE.split("\n")) and diagnostics == []


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + PROFILE.replace("\n", "\r\n").encode(),
        PROFILE.replace("\n", "\r").encode(),
        PROFILE.replace("\n", "\r\n").encode(),
    ],
    ids=["bom-crlf", "cr", "crlf"],
)
def test_line_ends_and_bom_give_the_same_lines(data: bytes) -> None:
    assert decode_page("p.txt", data) == decode_page("p.txt", PROFILE.encode())
    lines, diagnostics = decode_page("p.txt", data)
    assert lines == tuple(PROFILE.split("\n")) and diagnostics == []


def test_bom_crlf_seed_twin_parses_exactly_like_the_seed(
    tmp_path: Path, seeds_dir: Path, write_page: WritePage
) -> None:
    for seed in sorted(seeds_dir.glob("*.txt")):
        clean_bytes = seed.read_bytes()
        twin_bytes = codecs.BOM_UTF8 + clean_bytes.replace(b"\n", b"\r\n")
        twin = read_page(write_page(tmp_path, twin_bytes, name=seed.name))
        original = read_page(seed)
        assert twin.lines == original.lines and twin.diagnostics == ()
        assert parse_page(twin, CAPTURE) == parse_page(original, CAPTURE)
        assert twin.sha256 == hashlib.sha256(twin_bytes).hexdigest() != original.sha256


def test_read_page(tmp_path: Path, write_page: WritePage) -> None:
    path = write_page(tmp_path, PROFILE, name="ada.txt")
    page = read_page(path)
    assert (page.source, page.path) == ("ada.txt", str(path))
    assert page.sha256 == hashlib.sha256(PROFILE.encode()).hexdigest()
    assert page.lines[0] == "Ada Lovelace" and page.diagnostics == ()


def test_read_page_keeps_diagnostics_and_no_lines_for_a_binary_file(
    tmp_path: Path, write_page: WritePage
) -> None:
    page = read_page(write_page(tmp_path, b"\x00\x01\x02", name="blob.txt"))
    assert page.lines == ()
    assert messages(page.diagnostics) == ["blob.txt:1: error: binary file (NUL bytes): skipped"]
    assert messages(parse_page(page, CAPTURE).diagnostics) == messages(page.diagnostics)


def test_read_page_of_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read") as raised:
        read_page(tmp_path / "gone.txt")
    assert raised.value.exit_code == 3


def test_find_pages_sorts_and_filters(tmp_path: Path, write_page: WritePage) -> None:
    b = write_page(tmp_path, "x", name="b.txt")
    a = write_page(tmp_path, "x", name="a.TXT")
    nested = write_page(tmp_path, "x", name="sub/c.txt")
    write_page(tmp_path, "x", name=".hidden.txt")
    write_page(tmp_path, "x", name="notes.md")
    (tmp_path / "folder.txt").mkdir()
    named = write_page(tmp_path / "elsewhere", "x", name="z.dat")  # a named file is taken
    found = find_pages([named, tmp_path])
    assert [f.path for f in found] == [a, b, nested, named]  # by name, not by argument
    assert [f.source for f in found] == ["a.TXT", "b.txt", "sub/c.txt", "z.dat"]


def test_find_pages_of_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        find_pages([tmp_path / "missing"])


def test_a_small_page_with_an_escape_sequence_in_a_title_is_text(
    tmp_path: Path, write_page: WritePage
) -> None:
    """Issue #14: a title holding ``\\e]0;…\\a\\e[2J`` made a short page look binary, and
    its good records were lost with it; the reader strips the controls instead."""
    text = "CLJan 6, 2023\nEvil \x1b]0;owned\x07\x1b[2J Title\nAnn Lee\nAn abstract.\n"
    page = read_page(write_page(tmp_path, text, name="evil.txt"))
    assert page.lines and not any("binary" in d.message for d in page.diagnostics)
