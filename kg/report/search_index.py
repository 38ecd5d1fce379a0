"""The index of the report's search (issue 21), and the text rules it shares with the page.

Browsers refuse ``fetch()`` on ``file://`` but still run ``<script src>``, so the index is a
folder of small scripts, each handing its part to ``kgSearch`` (``assets/search.js``,
copied to ``search/search.js``):

- ``search/manifest.js``: the shard keys, the number of documents, the id range of each
  kind, the chunk size;
- ``search/t-<key>.js`` (``u-<hex>.js`` for a key that is not ASCII): the postings of every
  token whose longest prefix among the keys is ``<key>``, as ``{token: [id deltas]}``. Keys
  start as a token's first two characters; a shard over ``SHARD_BYTES`` is split by one more
  character (to ``MAX_KEY``), keeping the tokens no longer than its key;
- ``search/d-<n>.js``: documents ``n * CHUNK`` to ``(n + 1) * CHUNK - 1`` as
  ``[href, label, date, note]``.

A query loads the manifest, the shards of its words and the chunks of the results it shows.
Document ids are the ranking: topics, then people, then papers; within a kind fewer words
first, then the most papers (people) or the newest (papers), then by label. The page ranks
documents whose last word matched a whole token before those it matched as a prefix.

Text is normalised alike here and in the script: lower case, NFKD with the marks dropped,
``ß`` as ``ss``, split on anything but letters and digits (``tokens``).

The documents come from ``kg.report.search`` (any iterable of ``Doc`` will do).
``index_files`` sorts them and their postings in a scratch SQLite file, so its memory does
not grow with the graph, and streams the files out; the same documents give the same bytes.
"""

from __future__ import annotations

import json
import re
import sqlite3
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

SHARD_BYTES = 32_000  # a shard bigger than this is split by one more character...
MAX_KEY = 6  # ...up to keys of this many characters
CHUNK = 64  # documents per d-<n>.js
KINDS = ("topic", "person", "paper")  # in id order
FOLDER = "search"
_ASCII_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Doc:
    """One thing the search finds: its page (from the site root), what a result shows, the
    tokens it is found by and its rank among the documents of its kind."""

    kind: str  # one of KINDS
    href: str
    label: str
    date: str = ""
    note: str = ""
    words: tuple[str, ...] = ()
    rank: tuple[int, str] = (0, "")  # (-papers, -year or 0; a tie-break after the label)

    @property
    def order(self) -> tuple[int, int, int, str, str, str]:
        return (
            KINDS.index(self.kind),
            len(self.words),
            self.rank[0],
            self.label.casefold(),
            self.rank[1],
            self.href,
        )


# -- text --------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Lower case, compatibility-decomposed, marks dropped: ``Müller`` -> ``muller``,
    ``ﬁne`` -> ``fine``, ``Straße`` -> ``strasse``. search.js does the same."""
    if text.isascii():
        return text.lower()
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in folded if not unicodedata.category(ch).startswith("M")).replace(
        "ß", "ss"
    )


def tokens(text: str) -> list[str]:
    """The words of ``text``: runs of letters and digits, normalised."""
    if text.isascii():  # nearly every title and name: the same, twenty times faster
        return _ASCII_WORD.findall(text.lower())
    words, word = [], []
    for ch in normalise(text):
        if unicodedata.category(ch)[0] in "LN":
            word.append(ch)
        elif word:
            words.append("".join(word))
            word = []
    if word:
        words.append("".join(word))
    return words


def shard_file(key: str) -> str:
    """The file of a shard key: ``t-gra.js``; ``u-<UTF-8 hex>.js`` when it is not plain
    ASCII letters and digits (safe names on every file system, prefixed so that no key makes
    a reserved name such as ``con``)."""
    if _ASCII_WORD.fullmatch(key):
        return f"t-{key}.js"
    return f"u-{key.encode('utf-8').hex()}.js"


def shard_key(token: str, keys: Iterable[str]) -> str | None:
    """The shard that holds ``token``: the longest key that is a prefix of it (as search.js
    finds it)."""
    known = keys if isinstance(keys, set | frozenset) else set(keys)
    for length in range(min(len(token), MAX_KEY), 0, -1):
        if token[:length] in known:
            return token[:length]
    return None


# -- the index ---------------------------------------------------------------------------------


def plan_shards(sizes: Mapping[str, int], limit: int = SHARD_BYTES) -> dict[str, list[str]]:
    """Shard key -> its tokens (sorted), from each token's size in bytes: first by two
    characters, a shard over ``limit`` split by one more, to keys of ``MAX_KEY``."""
    groups: dict[str, list[str]] = defaultdict(list)
    for token in sorted(sizes):
        groups[token[:2]].append(token)
    plan: dict[str, list[str]] = {}
    pending = sorted(groups.items())
    while pending:
        key, members = pending.pop()
        if len(key) >= MAX_KEY or sum(sizes[t] for t in members) <= limit:
            plan[key] = members
            continue
        children: dict[str, list[str]] = defaultdict(list)
        for token in members:
            children[token[: len(key) + 1]].append(token)
        for child, found in children.items():
            if child == key:
                plan[key] = found  # the tokens no longer than the key stay
            else:
                pending.append((child, found))
    return dict(sorted(plan.items()))


@contextmanager
def scratch() -> Iterator[sqlite3.Connection]:
    """A SQLite database in a private temporary folder, removed afterwards: sorting and
    grouping there keeps the memory flat however big the graph is."""
    with tempfile.TemporaryDirectory(prefix="kg-search-") as folder:
        db = sqlite3.connect(Path(folder) / "scratch.db", isolation_level=None)
        try:
            for pragma in ("journal_mode = OFF", "synchronous = OFF", "temp_store = FILE"):
                db.execute(f"PRAGMA {pragma}")
            db.execute("PRAGMA cache_size = -16384")  # 16 MiB
            yield db
        finally:
            db.close()


def index_files(documents: Iterable[Doc], limit: int = SHARD_BYTES) -> Iterator[tuple[str, bytes]]:
    """The index of ``documents`` as files under ``search/``: (path, bytes), streamed (the
    document chunks, then the shards, then the manifest)."""
    with scratch() as db:
        db.execute(
            "CREATE TABLE doc (kind INT, words INT, rank INT, label TEXT, tie TEXT, href TEXT,"
            " row TEXT, tokens TEXT)"
        )
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO doc VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (*d.order[:5], d.href, _json([d.href, d.label, d.date, d.note]), " ".join(d.words))
                for d in documents
            ),
        )
        db.execute("CREATE TABLE posting (token TEXT, id INT)")
        spans = [0] * len(KINDS)
        ordered = db.execute(
            "SELECT kind, row, tokens FROM doc ORDER BY kind, words, rank, label, tie, href, row"
        )
        batch: list[tuple[str, int]] = []
        for number, rows in enumerate(_chunks(ordered)):
            first = number * CHUNK
            for offset, (kind, _, words) in enumerate(rows):
                spans[kind] += 1
                batch += [(token, first + offset) for token in dict.fromkeys(words.split())]
            if len(batch) > 50_000:
                db.executemany("INSERT INTO posting VALUES (?, ?)", batch)
                batch = []
            body = ",\n".join(row for _, row, _ in rows)
            yield f"{FOLDER}/d-{number}.js", f"kgSearch.docs({number},[\n{body}]);\n".encode()
        db.executemany("INSERT INTO posting VALUES (?, ?)", batch)
        db.execute("CREATE INDEX posting_token ON posting (token, id)")
        keys: list[str] = []
        found = db.execute("SELECT token, id FROM posting ORDER BY token, id")
        by_token = ((t, [i for _, i in rows]) for t, rows in groupby(found, key=lambda r: r[0]))
        for _, group in groupby(by_token, key=lambda entry: entry[0][:2]):
            entries = {t: f"{_json(t)}:{_json(_deltas(ids))}" for t, ids in group}
            sizes = {t: len(text.encode("utf-8")) + 1 for t, text in entries.items()}
            for key, members in plan_shards(sizes, limit).items():
                keys.append(key)
                table = ",".join(entries[t] for t in members)
                text = f"kgSearch.add({_json(key)},{{{table}}});\n"
                yield f"{FOLDER}/{shard_file(key)}", text.encode("utf-8")
        db.execute("COMMIT")
    starts = [sum(spans[:i]) for i in range(len(KINDS))]
    manifest = {
        "chunk": CHUNK,
        "docs": sum(spans),
        "kinds": [[kind, starts[i], starts[i] + spans[i]] for i, kind in enumerate(KINDS)],
        "maxKey": MAX_KEY,
        "shards": sorted(keys),
    }
    yield f"{FOLDER}/manifest.js", f"kgSearch.manifest({_json(manifest)});\n".encode()


def _chunks(rows: Iterable[Any]) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _deltas(ids: Sequence[int]) -> list[int]:
    return [ids[0], *(b - a for a, b in zip(ids, ids[1:], strict=False))] if ids else []


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
