"""Files -> Page: the only module that reads input files.

A page is decoded text split into lines, with its SHA-256 and the diagnostics that reading
it raised (binary, not UTF-8, empty). Everything after this works on plain values.
``scrub`` is the text hygiene every line gets before the reader looks at it.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import stat
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from kg.diagnostics import Diagnostic, error, warning
from kg.errors import InputError, UsageError

PAGE_SUFFIXES = (".txt",)
_BINARY_PROBE = 8192


@dataclass(frozen=True)
class Page:
    """One page file. ``source`` names it everywhere after reading (records, diagnostics,
    its IRI): its path relative to the argument it was found under, ``/``-separated, so two
    captures ``a/p.txt`` and ``b/p.txt`` stay two pages (issue #16)."""

    source: str
    path: str
    sha256: str
    lines: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    captured: date | None = None  # from an ISO-date folder on its path; None: the option's
    also_at: tuple[str, ...] = ()  # other paths with the same bytes, read once as this one
    # the capture dates of those twins' folders: the site showed the same page again then
    seen_again: tuple[date, ...] = ()


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
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text, diagnostics = _decode_by_line(source, body)
    if not text.strip():  # a byte-order mark and nothing else, or Unicode spaces only
        return None, [error(source, 1, "empty file: no records read")]
    if _looks_binary(text):
        return None, [error(source, 1, "binary file (control characters): skipped")]
    return _split_lines(text), diagnostics


def _decode_by_line(source: str, data: bytes) -> tuple[str, list[Diagnostic]]:
    """Bytes that are not all UTF-8: a single-byte page, or a UTF-8 page with bad lines.

    A page with no valid UTF-8 beyond ASCII is Latin-1/Windows-1252 throughout (one warning,
    on its first bad line). Otherwise only the bad lines are decoded on their own, so one
    stray byte cannot turn every ``·`` of the page into ``Â·`` (issue #14): a line that has
    valid UTF-8 too gets U+FFFD for its bad bytes; a line with none is read as
    Windows-1252 (a Latin-1 line pasted into a UTF-8 page). One warning per bad line.
    """
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    decoded: list[str | None] = []
    for line in lines:
        try:
            decoded.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            decoded.append(None)
    bad = [i for i, text in enumerate(decoded) if text is None]
    if all(text is None or text.isascii() for text in decoded):
        # Latin-1 maps every byte, so the page is still read; the warning says where.
        message = "file is not UTF-8; read as Latin-1/Windows-1252"
        return _decode_single_byte(data), [warning(source, (bad or [0])[0] + 1, message)]
    diagnostics: list[Diagnostic] = []
    for i in bad:
        replaced = lines[i].decode("utf-8", errors="replace")
        if any(ch > "\x7f" and ch != "\ufffd" for ch in replaced):
            decoded[i] = replaced
            message = "line is not valid UTF-8: its bad bytes became U+FFFD"
        else:
            decoded[i] = _decode_single_byte(lines[i])
            message = "line is not UTF-8 (the rest of the file is): read as Windows-1252"
        diagnostics.append(warning(source, i + 1, message))
    return "\n".join(text or "" for text in decoded), diagnostics


def _decode_single_byte(data: bytes) -> str:
    # Windows-1252 first (it has the curly quotes scrapers produce); Latin-1 never fails.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _looks_binary(text: str) -> bool:
    # Random bytes are about 12 % C0 controls; a text page with an escape sequence planted
    # in a title has a few. Such a page is read (the reader strips the controls with a
    # warning) instead of losing every record to a "binary" verdict.
    sample = text[:_BINARY_PROBE]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return controls > max(8, len(sample) // 30)


# What no field may carry (issue #14): C0 and C1 control characters and DEL (terminal escape
# sequences, NUL), and invisible format characters (zero-width spaces and joiners, bidi
# embeddings, overrides and isolates, word joiners, soft hyphens, the byte-order mark, tag
# characters), which make two names that look the same differ. Fullwidth ASCII (U+FF01-FF5E)
# is folded to ASCII: it is the same text in a wider font, and must match its narrow twin.
# Kept on purpose: the visible format characters (Arabic number signs, end of ayah, Syriac
# and Kaithi marks) and the layout controls of Egyptian hieroglyphs, Duployan shorthand and
# musical notation, which carry meaning in their own scripts and cannot spoof a name.
INVISIBLE = (
    "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
    "\ufff9-\ufffb\U000e0001\U000e0020-\U000e007f"
)
_SCRUB = re.compile(f"[\x00-\x1f\x7f-\x9f{INVISIBLE}\uff01-\uff5e]")
_JOINERS = "\u200c\u200d"  # ZWNJ and ZWJ: spelling in Arabic and Indic scripts, and emoji
_JOINING_SCRIPTS = (
    "ARABIC SYRIAC NKO MONGOLIAN DEVANAGARI BENGALI GURMUKHI GUJARATI ORIYA TAMIL TELUGU "
    "KANNADA MALAYALAM SINHALA TIBETAN MYANMAR KHMER VARIATION"
).split()


class Scrubbed(NamedTuple):  # a tuple: made for every line, it must be cheap
    text: str
    controls: str = ""  # the control characters removed
    invisible: str = ""  # the invisible format characters removed


def needs_scrub(line: str) -> bool:
    """Whether ``scrub`` would change the line: false for nearly every line, and fast.

    An ASCII line needs it only for a control character, which ``isprintable`` finds at C
    speed; anything else is left to the pattern.
    """
    return not line.isprintable() if line.isascii() else bool(_SCRUB.search(line))


def scrub(line: str) -> Scrubbed:
    """A line without control or invisible characters, and what was removed.

    A tab is a space. The other whitespace controls (vertical tab, form feed, the
    separators U+001C-U+001F, NEL) become a space too, but are reported: a page should not
    have them. A ZWNJ or ZWJ between two letters of a script that spells with it (Persian
    ``می‌خواهم``, Devanagari conjuncts) or inside an emoji sequence is kept.
    """
    controls: list[str] = []
    invisible: list[str] = []

    def replace(match: re.Match[str]) -> str:
        ch = match.group()
        if "\uff01" <= ch <= "\uff5e":
            return chr(ord(ch) - 0xFEE0)
        if ch == "\t":
            return " "
        if ch <= "\x9f":
            controls.append(ch)
            return " " if ch.isspace() else ""
        if ch in _JOINERS and _joins(match.string, match.start()):
            return ch
        invisible.append(ch)
        return ""

    text = _SCRUB.sub(replace, line)
    return Scrubbed(text, "".join(controls), "".join(invisible))


def _joins(text: str, at: int) -> bool:
    if at == 0 or at + 1 >= len(text):
        return False
    return all(_joining(ch) for ch in (text[at - 1], text[at + 1]))


def _joining(ch: str) -> bool:
    if unicodedata.category(ch) in ("So", "Sk"):  # emoji, emoji modifiers
        return True
    return unicodedata.name(ch, "").split(" ", 1)[0] in _JOINING_SCRIPTS


def code_points(chars: str) -> str:
    """``U+200B, U+202E``: each character once, in order of appearance."""
    return ", ".join(f"U+{ord(ch):04X}" for ch in dict.fromkeys(chars))


def _split_lines(text: str) -> tuple[str, ...]:
    # CRLF and lone CR become LF so a Windows page parses exactly like its clean twin.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return tuple(text.split("\n"))


def read_page(path: Path, source: str | None = None) -> Page:
    """Read one file, named ``source`` (default: its file name). Unreadable bytes, or a
    file that cannot be read at all (a dangling link, a FIFO, no permission), become
    diagnostics of a page with no lines: that page is skipped, the others are read. A file
    that does not exist is an InputError."""
    source = source or path.name
    captured, date_problems = folder_date(source)
    problem = _not_a_page_file(path)
    if problem is None:
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
        except OSError as exc:
            problem = f"cannot read the file ({exc.strerror or exc}): skipped"
    if problem is not None:
        return Page(source, str(path), "", (), (error(source, 1, problem),), captured)
    lines, diagnostics = decode_page(source, data)
    return Page(
        source=source,
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        lines=lines or (),
        diagnostics=tuple(date_problems + diagnostics),
        captured=captured,
    )


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def folder_date(source: str) -> tuple[date | None, list[Diagnostic]]:
    """The capture date a folder named ``YYYY-MM-DD`` on the page's path gives it (the
    innermost such folder), and a warning for a folder that looks like a date but is not
    one (``2026-02-30``)."""
    problems: list[Diagnostic] = []
    for folder in reversed(PurePosixPath(source).parts[:-1]):
        if _ISO_DATE.fullmatch(folder):
            try:
                return date.fromisoformat(folder), problems
            except ValueError:
                message = f"folder {folder!r} is not a real date: not used as the capture date"
                problems.append(warning(source, 1, message))
    return None, problems


class Found(NamedTuple):
    path: Path
    source: str  # its path relative to the argument it was found under, "/"-separated


def find_pages(paths: Iterable[Path]) -> list[Found]:
    """Expand folders into their page files, each named by its path under the folder, in
    order of that name so the order never depends on the disk or on the arguments' order.

    Every ``*.txt`` name counts, whether or not it can be read: a dangling link or a FIFO
    among the pages becomes a diagnostic when it is read, instead of vanishing silently.
    A folder named as a date (``captures/2026-11-24/``) dates its pages like a date folder
    inside it does, so its name is kept in front of theirs."""
    found: list[Found] = []
    for path in paths:
        if path.is_dir():
            found.extend(Found(p, _under(path, p)) for p in path.rglob("*") if _is_page_name(p))
        elif path.exists() or path.is_symlink():
            found.append(Found(path, path.name))
        else:
            raise InputError(f"no such file or folder: {path}")
    return sorted(found, key=lambda f: (f.source, str(f.path)))


def _under(folder: Path, path: Path) -> str:
    below = path.relative_to(folder).as_posix()
    own = folder.resolve().name
    return f"{own}/{below}" if _ISO_DATE.fullmatch(own) else below


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
    """Every page under ``paths``, each once: the same bytes found twice (the same file
    given twice, or a copy) are read once, under the first name, and the page says where
    else it was found. Two different files that would get the same name are a usage error:
    neither may silently stand for the other."""
    pages: dict[str, Page] = {}  # by SHA-256, or by real path for a file that cannot be read
    also_at: dict[str, list[str]] = defaultdict(list)
    seen_again: dict[str, set[date]] = defaultdict(set)
    key_of_file: dict[str, str] = {}  # real path -> key
    named: dict[str, str] = {}  # source -> key
    for found in find_pages(paths):
        real = str(found.path.resolve())
        if real in key_of_file:  # the same file again: a folder and a file in it, both given
            also_at[key_of_file[real]].append(str(found.path))
            continue
        page = read_page(found.path, found.source)
        key = key_of_file[real] = page.sha256 or real
        if key in pages:
            also_at[key].append(page.path)
            if page.captured is not None:
                seen_again[key].add(page.captured)
            continue
        clash = named.get(page.source)
        if clash is not None:
            raise UsageError(
                f"two different files would both be page {page.source!r}: {pages[clash].path} "
                f"and {page.path}; pass the folder that holds both, so each is named by its "
                "path under it"
            )
        named[page.source] = key
        pages[key] = page
    for key in named.values():
        twins = also_at.get(key)
        if not twins:
            yield pages[key]
            continue
        again = tuple(sorted(seen_again[key] - {pages[key].captured}))
        yield replace(pages[key], also_at=tuple(twins), seen_again=again)


def duplicate_warnings(pages: Iterable[Page]) -> list[Diagnostic]:
    """One warning per file that was read as another page because its bytes are the same."""
    return [
        warning(
            page.source,
            1,
            f"{other} has the same bytes as {page.path} (or is the same file): "
            "read once, as this page",
        )
        for page in pages
        for other in page.also_at
    ]
