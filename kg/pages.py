"""Files -> Page: the only module that reads input files.

A page is decoded text split into lines, with its SHA-256 and the diagnostics that reading
it raised (binary, not UTF-8, empty). Everything after this works on plain values.
"""

from __future__ import annotations

import codecs
import hashlib
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.diagnostics import Diagnostic, error, warning
from kg.errors import InputError

PAGE_SUFFIXES = (".txt",)
_BINARY_PROBE = 8192


@dataclass(frozen=True)
class Page:
    source: str  # the file name, as records cite it
    path: str
    sha256: str
    lines: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...] = field(default=())


def decode_page(source: str, data: bytes) -> tuple[tuple[str, ...] | None, list[Diagnostic]]:
    """Decode raw bytes into lines; None when the bytes are not a text page at all."""
    if not data.strip():
        return None, [error(source, 1, "empty file: no records read")]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None, [error(source, 1, "binary file (bad UTF-16): skipped")]
        return _split_lines(text), []
    if b"\x00" in data[:_BINARY_PROBE]:
        return None, [error(source, 1, "binary file (NUL bytes): skipped")]
    diagnostics: list[Diagnostic] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        # Latin-1 maps every byte, so the page is still read; the warning says where.
        text = _decode_single_byte(data.removeprefix(codecs.BOM_UTF8))
        diagnostics.append(warning(source, line, "file is not UTF-8; read as Latin-1/Windows-1252"))
    if not text.strip():  # a byte-order mark and nothing else, or Unicode spaces only
        return None, [error(source, 1, "empty file: no records read")]
    if _looks_binary(text):
        return None, [error(source, 1, "binary file (control characters): skipped")]
    return _split_lines(text), diagnostics


def _decode_single_byte(data: bytes) -> str:
    # Windows-1252 first (it has the curly quotes scrapers produce); Latin-1 never fails.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _looks_binary(text: str) -> bool:
    sample = text[:_BINARY_PROBE]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return controls > max(2, len(sample) // 100)


def _split_lines(text: str) -> tuple[str, ...]:
    # CRLF and lone CR become LF so a Windows page parses exactly like its clean twin.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return tuple(text.split("\n"))


def read_page(path: Path) -> Page:
    """Read one file. Unreadable bytes, or a file that cannot be read at all (a dangling
    link, a FIFO, no permission), become diagnostics of a page with no lines: that page
    is skipped, the others are read. A file that does not exist is an InputError."""
    problem = _not_a_page_file(path)
    if problem is None:
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
        except OSError as exc:
            problem = f"cannot read the file ({exc.strerror or exc}): skipped"
    if problem is not None:
        return Page(path.name, str(path), "", (), (error(path.name, 1, problem),))
    lines, diagnostics = decode_page(path.name, data)
    return Page(
        source=path.name,
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        lines=lines or (),
        diagnostics=tuple(diagnostics),
    )


def find_pages(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into their page files, sorted so the order never depends on the disk.

    Every ``*.txt`` name counts, whether or not it can be read: a dangling link or a FIFO
    among the pages becomes a diagnostic when it is read, instead of vanishing silently."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if _is_page_name(p)))
        elif path.exists() or path.is_symlink():
            found.append(path)
        else:
            raise InputError(f"no such file or folder: {path}")
    return found


def _is_page_name(path: Path) -> bool:
    if path.suffix.lower() not in PAGE_SUFFIXES or path.name.startswith("."):
        return False
    return not path.is_dir()


def _not_a_page_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as a page, without opening it (a FIFO would block)."""
    if path.is_symlink() and not path.exists():
        return "dangling symbolic link: skipped"
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None  # read_bytes says so
    except OSError as exc:
        return f"cannot read the file ({exc.strerror or exc}): skipped"
    if stat.S_ISREG(mode):
        return None
    kind = "FIFO" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device"
    return f"not a regular file (a {kind}): skipped"


def read_pages(paths: Iterable[Path]) -> Iterator[Page]:
    for path in find_pages(paths):
        yield read_page(path)
