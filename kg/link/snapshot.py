"""Stream an arXiv metadata snapshot once and keep only the records we might link to.

The snapshot is millions of JSON lines; we have thousands of papers. So each line's
``"title"`` value is cut out with ``json.decoder.scanstring`` (C speed) and its key looked up
in the set of our papers' keys; only a line whose key is ours is parsed in full. Abstracts
are cut out the same way only when some paper of ours has no title. Memory follows our
papers (the candidates), not the file. The SHA-256 is of the bytes as stored (compressed
for a ``.gz``), taken while reading: the file is read once.

What a line must be is only checked in full for candidates and for lines whose title the
quick scan cannot find (not an object, no title string): a bad line elsewhere is counted
as a record, which costs no link.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import zlib
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.diagnostics import Diagnostic, warning
from kg.errors import InputError, UsageError
from kg.link.model import Snapshot
from kg.link.normalise import abstract_key, title_key
from kg.link.record import ArxivRecord, arxiv_record
from kg.progress import Step

CHUNK = 1 << 20  # read (and report progress) a megabyte at a time
MAX_WARNINGS = 100  # bad lines told one by one; the rest are counted
PREFIX, PEEK = 24, 96  # key characters of an abstract compared first, from this many raw
# the C string scanner json.loads itself uses: (text, index after the quote) -> (value, end)
_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_TITLE = '"title":'
_ABSTRACT = '"abstract":'
_UPDATE = '"update_date": "'
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?=\")|\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Read:
    """What one pass over the snapshot kept."""

    snapshot: Snapshot
    candidates: tuple[ArxivRecord, ...]  # in file order
    diagnostics: tuple[Diagnostic, ...]
    bad_lines: int


def check_snapshot(path: Path) -> None:
    """A snapshot that is not a readable file is a usage error, before a build does any
    work (``read_snapshot`` says what is wrong inside one)."""
    if not path.is_file():
        raise UsageError(f"--arxiv-metadata {path}: no such file (an arXiv metadata snapshot)")
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise UsageError(f"--arxiv-metadata {path}: {exc.strerror or exc}") from exc


def read_snapshot(
    path: Path,
    title_keys: Collection[str],
    abstract_keys: Collection[str] = (),
    step: Step | None = None,
) -> Read:
    """The records of the snapshot at ``path`` whose title key is one of ``title_keys`` or
    whose abstract key is one of ``abstract_keys``; bad lines become warnings."""
    try:
        with path.open("rb", buffering=0) as raw:
            counter = _Hashing(raw, step)
            if step is not None:
                step.total(os.fstat(raw.fileno()).st_size, "bytes")
            buffered = io.BufferedReader(counter, CHUNK)
            gz = path.suffix == ".gz" or buffered.peek(2)[:2] == b"\x1f\x8b"
            lines: Iterable[bytes] = gzip.GzipFile(fileobj=buffered, mode="rb") if gz else buffered
            scan = _Scan(path.name, frozenset(title_keys), frozenset(abstract_keys))
            scan.read(lines)
            while buffered.read(CHUNK):  # whatever follows the last gzip member is hashed too
                pass
            counter.report()
    except (OSError, EOFError, zlib.error) as error:
        raise InputError(f"cannot read the arXiv metadata snapshot {path}: {error}") from error
    snapshot = Snapshot(path.name, counter.sha256.hexdigest(), scan.newest, scan.records)
    return Read(snapshot, tuple(scan.candidates), scan.warnings(), scan.bad)


class _Hashing(io.RawIOBase):
    """A raw file that hashes what is read through it and reports how far it got."""

    def __init__(self, raw: io.FileIO, step: Step | None) -> None:
        self.raw, self.step = raw, step
        self.sha256 = hashlib.sha256()
        self.unreported = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.raw.readinto(buffer)
        if n:
            self.sha256.update(memoryview(buffer)[:n])
            self.unreported += n
            if self.unreported >= CHUNK:
                self.report()
        return n or 0

    def report(self) -> None:
        if self.step is not None and self.unreported:
            self.step.advance(self.unreported)
        self.unreported = 0


class _Scan:
    """The pass over the lines: counts, the newest update, candidates, bad lines."""

    def __init__(self, name: str, titles: frozenset[str], abstracts: frozenset[str]) -> None:
        self.name, self.titles, self.abstracts = name, titles, abstracts
        self.records = self.bad = 0
        self.newest: str | None = None
        self.candidates: list[ArxivRecord] = []
        self.told: list[Diagnostic] = []
        # the first PREFIX characters of our abstracts' keys: most abstracts are told apart
        # by their first line, without reading (and folding) the whole of it
        short = any(len(k) < PREFIX for k in abstracts)
        self.prefixes = None if short else frozenset(k[:PREFIX] for k in abstracts)

    def read(self, lines: Iterable[bytes]) -> None:
        titles, abstracts = self.titles, self.abstracts
        newest = ""
        for number, raw in enumerate(lines, 1):
            data = raw.rstrip()
            if not data:
                continue
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                self._bad(number, "not UTF-8")
                continue
            title = _string_after(text, _TITLE) if text[0] == "{" and text[-1] == "}" else None
            if title is None:  # not what the quick scan knows: read it all, say what's wrong
                self._read_in_full(number, text)
                continue
            self.records += 1
            at = text.rfind(_UPDATE)
            if at > 0 and text[at + 16 : at + 26] > newest and _DATE.match(text, at + 16):
                newest = text[at + 16 : at + 26]
            if title_key(title) in titles or (abstracts and self._abstract_is_ours(text)):
                self.records -= 1  # counted again when it reads
                self._read_in_full(number, text)
        if newest and (self.newest is None or newest > self.newest):
            self.newest = newest

    def _abstract_is_ours(self, text: str) -> bool:
        if self.prefixes is not None:
            start = _value_start(text, _ABSTRACT)
            if start is None:
                return False
            prefix = _key_prefix(text, start)
            if prefix is not None:  # the common case: no need to read the whole abstract
                return prefix in self.prefixes and self._whole_abstract_is_ours(text)
        return self._whole_abstract_is_ours(text)

    def _whole_abstract_is_ours(self, text: str) -> bool:
        abstract = _string_after(text, _ABSTRACT)
        return abstract is not None and abstract_key(abstract) in self.abstracts

    def _read_in_full(self, number: int, text: str) -> None:
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as error:
            self._bad(number, f"not JSON ({error.msg}, column {error.colno})")
            return
        record = arxiv_record(obj, number, with_abstract=bool(self.abstracts))
        if isinstance(record, str):
            self._bad(number, f"not an arXiv record: {record}")
            return
        self.records += 1
        updated = obj.get("update_date")
        if isinstance(updated, str) and _DATE.fullmatch(updated) and updated > (self.newest or ""):
            self.newest = updated
        if record.title_key in self.titles or (
            record.abstract_key and record.abstract_key in self.abstracts
        ):
            self.candidates.append(record)

    def _bad(self, number: int, why: str) -> None:
        self.bad += 1
        if len(self.told) < MAX_WARNINGS:
            self.told.append(warning(self.name, number, f"skipped line: {why}"))

    def warnings(self) -> tuple[Diagnostic, ...]:
        untold = self.bad - len(self.told)
        if untold <= 0:
            return tuple(self.told)
        last = self.told[-1].line
        more = f"{untold:,} more bad lines after this one, skipped and not told one by one"
        return (*self.told, warning(self.name, last, more))


def _value_start(text: str, key: str) -> int | None:
    """Where the string value of ``key`` (``'"title":'``) begins in a JSON object's text
    (after its quote), None when the key is not there or its value is not a string. The key
    cannot occur inside a string value, where every quote is escaped, so the first
    occurrence is the member."""
    at = text.find(key)
    if at < 0:
        return None
    start = at + len(key)
    while text[start : start + 1] == " ":
        start += 1
    return start + 1 if text[start : start + 1] == '"' else None


def _string_after(text: str, key: str) -> str | None:
    """The string value of ``key`` in a JSON object's text, None when there is none."""
    start = _value_start(text, key)
    if start is None:
        return None
    try:
        return _scanstring(text, start)[0]
    except json.JSONDecodeError:
        return None


def _key_prefix(text: str, start: int) -> str | None:
    """The first PREFIX characters of the key of the string value at ``start``, from the
    raw JSON text, None when that is not cheap (an escape other than arXiv's line wraps,
    a short value). Keys fold character by character where there is no TeX (no
    backslash), so the key of the start of a text is the start of the text's key."""
    chunk = text[start : start + PEEK]
    if "\\" in chunk:
        chunk = chunk.replace("\\n", " ")
        if "\\" in chunk:
            return None
    end = chunk.find('"')
    key = title_key(chunk if end < 0 else chunk[:end])
    return key[:PREFIX] if len(key) >= PREFIX else None
