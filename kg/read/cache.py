"""What parsing a page gave, kept between builds (issue #17): a page is parsed again only
when its bytes, its name, the capture date or the parser changed, or when the lexicon the
other pages make would now answer one of the questions its parse asked differently.

A page's parse reads the page and the lexicon (names and titles printed cleanly anywhere).
``AskedLexicon`` records every question the parse asks and its answer; under a new lexicon
the entry stands exactly when every question gets the same answer again, so a cached parse
always equals a fresh one. The file is pickled, and read back by an unpickler that builds
only the record types below: an output folder is not trusted to run code.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kg.diagnostics import Diagnostic, Severity
from kg.publish import read_pickled
from kg.read.authors import Lexicon, title_key
from kg.read.model import PaperRecord, ProfileRecord, Record
from kg.resources import files_digest

CACHE_NAME = "parse-cache.pickle"
_FORMAT = 1  # bump when the entries change shape


@dataclass
class Asked:
    """The questions one parse asked the lexicon, with the answers it got."""

    names: dict[str, bool] = field(default_factory=dict)
    titles: dict[str, bool] = field(default_factory=dict)  # by title key
    any_titles: bool | None = None
    shortest_refused: int | None = None  # the fewest letters may_hold_title said no to

    def same_answers(self, lexicon: Lexicon) -> bool:
        if self.any_titles is not None and self.any_titles != lexicon.has_titles():
            return False
        if self.shortest_refused is not None and lexicon.may_hold_title(self.shortest_refused):
            return False
        return all(lexicon.knows_name(n) == a for n, a in self.names.items()) and all(
            (key in lexicon.titles) == a for key, a in self.titles.items()
        )


class AskedLexicon(Lexicon):
    """A lexicon that answers as ``lexicon`` does and writes every question into ``asked``."""

    def __init__(self, lexicon: Lexicon) -> None:
        super().__init__(lexicon.names, lexicon.titles)
        object.__setattr__(self, "asked", Asked())  # a frozen dataclass underneath

    asked: Asked

    def knows_name(self, name: str) -> bool:
        found = self.asked.names.get(name)
        if found is None:
            found = self.asked.names[name] = super().knows_name(name)
        return found

    def knows_title(self, title: str) -> bool:
        key = title_key(title)
        found = self.asked.titles.get(key)
        if found is None:
            found = self.asked.titles[key] = key in self.titles
        return found

    def has_titles(self) -> bool:
        self.asked.any_titles = super().has_titles()
        return self.asked.any_titles

    def may_hold_title(self, letters: int) -> bool:
        answer = super().may_hold_title(letters)
        shortest = self.asked.shortest_refused
        if not answer and (shortest is None or letters < shortest):
            self.asked.shortest_refused = letters
        return answer


@dataclass(frozen=True)
class Entry:
    """One page's parse: its records and diagnostics, what it adds to the lexicon, and
    what its parse asked the lexicon."""

    records: tuple[Record, ...]
    diagnostics: tuple[Diagnostic, ...]
    names: frozenset[str]
    titles: frozenset[str]
    asked: Asked


PageKey = tuple[str, str]  # (source, sha256)


@dataclass
class ParseCache:
    """Entries by page, valid for one ``fingerprint`` (parser and settings)."""

    fingerprint: str
    entries: dict[PageKey, Entry] = field(default_factory=dict)


def fingerprint(version: str, capture_date: date) -> str:
    """What every cached parse depends on besides its page: kg's version, the source of
    the reading stage itself (a changed parser on the same version), the capture date."""
    seed = f"{_FORMAT}\n{version}\n{capture_date.isoformat()}\n"
    return files_digest(seed, sorted(Path(__file__).parent.glob("*.py")))


def read_cache(folder: Path, wanted: str) -> ParseCache:
    """The cache a previous build left in ``folder``; an empty one when there is none, it
    is of another fingerprint, or it cannot be read (a cache is never worth an error)."""
    cache = read_pickled(folder / CACHE_NAME, _ALLOWED)
    if not isinstance(cache, ParseCache) or cache.fingerprint != wanted:
        return ParseCache(wanted)
    return cache


def read_any_cache(folder: Path) -> ParseCache | None:
    """The cache a build left in ``folder``, whatever its fingerprint (``kg why`` shows what
    that build's pages printed); None when there is none or it cannot be read."""
    cache = read_pickled(folder / CACHE_NAME, _ALLOWED)
    return cache if isinstance(cache, ParseCache) else None


def cache_bytes(cache: ParseCache, keep: Iterable[PageKey]) -> bytes:
    """The cache with the entries of ``keep`` only (the pages of this build), pickled."""
    kept = {key: cache.entries[key] for key in sorted(set(keep)) if key in cache.entries}
    return pickle.dumps(ParseCache(cache.fingerprint, kept), protocol=5)


_ALLOWED: dict[tuple[str, str], type] = {
    ("kg.read.cache", "ParseCache"): ParseCache,
    ("kg.read.cache", "Entry"): Entry,
    ("kg.read.cache", "Asked"): Asked,
    ("kg.read.model", "PaperRecord"): PaperRecord,
    ("kg.read.model", "ProfileRecord"): ProfileRecord,
    ("kg.diagnostics", "Diagnostic"): Diagnostic,
    ("kg.diagnostics", "Severity"): Severity,
    ("builtins", "frozenset"): frozenset,
    ("builtins", "set"): set,
}
