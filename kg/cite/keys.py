"""Citation keys: the first author's family name, the year and the first word of the title,
in ASCII letters and digits (``lv2026posttrained``), made unique over a whole graph by a
suffix of letters (``lv2026posttraineda``, ..., ``z``, ``aa``, ...).

The family name is the last word of the name as printed (the pages print given names
first); the first title word skips a leading article (``a``, ``an``, ``the``), as Google
Scholar's keys do. Accents are dropped (``Müller`` -> ``muller``); a part with no ASCII
letter or digit left is replaced: ``anon`` for the author, ``nd`` for no date, nothing for
the title. Papers that share a key are ordered by (date, title, IRI): the first keeps the
bare key, so a key depends only on the graph, never on which papers are exported.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

_NOT_KEY = re.compile(r"[^a-z0-9]+")
_ARTICLES = frozenset({"a", "an", "the"})


def ascii_word(text: str) -> str:
    """Lower-case ASCII letters and digits of ``text``, accents dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    return _NOT_KEY.sub("", decomposed.encode("ascii", "ignore").decode("ascii").lower())


def base_key(authors: tuple[str, ...], year: int | None, title: str) -> str:
    family = ascii_word(authors[0].split()[-1]) if authors and authors[0].split() else ""
    words = [w for w in (ascii_word(word) for word in title.split()) if w]
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return f"{family or 'anon'}{year if year is not None else 'nd'}{words[0] if words else ''}"


def suffix(n: int) -> str:
    """0 -> "", 1 -> "a", 26 -> "z", 27 -> "aa", ... (bijective base 26)."""
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def unique_keys(bases: Mapping[str, str], order: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Paper IRI -> its unique key, from each paper's base key; ``order`` ranks the papers
    that share a base key. A suffixed key never takes another paper's base key."""
    groups: dict[str, list[str]] = {}
    for paper, key in bases.items():
        groups.setdefault(key, []).append(paper)
    taken = set(groups)
    keys: dict[str, str] = {}
    for key in sorted(groups):
        n = 0
        for paper in sorted(groups[key], key=lambda p: order[p]):
            candidate = key + suffix(n)
            while n and candidate in taken:
                n += 1
                candidate = key + suffix(n)
            taken.add(candidate)
            keys[paper] = candidate
            n += 1
    return keys


def keyed(papers: Iterable[tuple[str, tuple[str, ...], int | None, str, str]]) -> dict[str, str]:
    """(IRI, authors, year, title, date) of every titled paper -> IRI -> unique key."""
    bases: dict[str, str] = {}
    order: dict[str, tuple[str, ...]] = {}
    for paper, authors, year, title, date in papers:
        bases[paper] = base_key(authors, year, title)
        order[paper] = (date, title, paper)
    return unique_keys(bases, order)
