"""The report's working catalogue: what the pages show, read from the built graph once into
a temporary SQLite database (issue #21).

The store answers a lookup by subject in 10-20 us; the report needs every paper, person and
topic several times over (a paper appears in its own page, in the lists and on the page of
each author and topic). So ``fill`` reads each fact of the properties the report shows once
(``kg.report.facts``: from the build's graph.nq, or the store) into one table, then derives
indexed tables (papers, authorships, people, listings, subjects): every page is then a few
indexed queries, sorted by SQLite (which spills to disk), and the report's memory does not
grow with the graph. The few small things (source pages, topics, metrics, the dataset) are
kept in ``Small`` in memory.

Values are the terms' lexical forms, as ``kg.report.from_store`` read them before; where a
property holds several values the least is kept, so the order the store answers in never
shows. Sort keys are computed here in Python (``casefold``) and compared by SQLite as UTF-8
bytes, which orders text as Python does.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.cite.keys import ascii_word
from kg.graph.vocab import PREFIXES
from kg.report.data import Dataset, Metrics, Paper, SourcePage, Topic
from kg.report.html import short_hash, slug_for
from kg.report.parts import row_weight

RDF = PREFIXES["rdf"]
KG, DCT, SCHEMA = PREFIXES["kg"], PREFIXES["dcterms"], PREFIXES["schema"]
FOAF, SKOS = PREFIXES["foaf"], PREFIXES["skos"]

# (column name, property): each is scanned into ``fact`` with its index as ``p``
PROPERTIES: tuple[tuple[str, str], ...] = (
    ("title", DCT + "title"),
    ("abstract", DCT + "abstract"),
    ("issued", DCT + "issued"),
    ("inferred", KG + "issuedYearInferred"),
    ("complete", KG + "authorListComplete"),
    ("shown", KG + "shownAuthorCount"),
    ("code", KG + "hasCode"),
    ("first", KG + "firstSeen"),
    ("last", KG + "lastSeen"),
    ("evidence", KG + "codeEvidence"),
    ("subject", DCT + "subject"),
    ("url", SCHEMA + "url"),
    ("repo", KG + "hasCodeRepository"),
    ("repo_url", SCHEMA + "codeRepository"),
    ("org", KG + "affiliatedOrganization"),
    ("org_name", SCHEMA + "name"),
    ("notation", SKOS + "notation"),
    ("authorship_of", KG + "authorshipOf"),
    ("ordinal", KG + "ordinal"),
    ("author", KG + "author"),
    ("printed", KG + "printedName"),
    ("listed", KG + "listedPaper"),
    ("on_page", KG + "onPage"),
    ("line", KG + "line"),
    ("form", KG + "recordForm"),
    ("category", KG + "printedCategory"),
    ("date", KG + "printedDate"),
    ("flag", KG + "codeFlag"),
    ("score", KG + "score"),
    ("count", KG + "printedAuthorCount"),
    ("name", FOAF + "name"),
    ("candidate", KG + "possibleActualCreator"),
    # a paper linked to its arXiv record (issue #19)
    ("same_as", SCHEMA + "sameAs"),
    ("submitted", DCT + "dateSubmitted"),
    ("cross", KG + "crossListedIn"),
    ("arxiv_name", KG + "arxivName"),
)
# (name, class): ``?s a <class>`` scanned into ``fact`` with an empty object
CLASSES: tuple[tuple[str, str], ...] = (
    ("is_paper", SCHEMA + "ScholarlyArticle"),
    ("is_untitled", KG + "UntitledArticle"),
    ("is_person", SCHEMA + "Person"),
    ("is_ambiguous", KG + "AmbiguousCreator"),
)
P = {name: i for i, (name, _) in enumerate(PROPERTIES + CLASSES)}
SCANS = len(PROPERTIES) + len(CLASSES)
Fact = tuple[int, str, str]  # (index in P, subject, object; "" for a class)


@dataclass(frozen=True)
class Small:
    """What there is little of, kept in memory: source pages, topics, metrics, the dataset."""

    dataset: Dataset | None
    pages: dict[str, SourcePage]
    topics: dict[str, Topic]
    concept_labels: dict[str, str]
    topic_paths: dict[str, str]
    metrics: dict[str, tuple[Metrics, ...]]  # person IRI -> observations, oldest first
    candidates: dict[str, tuple[str, ...]]  # ambiguous creator -> possible actual creators
    candidate_of: dict[str, tuple[str, ...]]


class Catalogue:
    """A SQLite database in ``path`` (a file the caller removes), read with ``rows``."""

    def __init__(self, path: Path, cache_mib: int = 16) -> None:
        self.path = path
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        # a private, throw-away file: no journal, no syncs, one lock for the whole run; the
        # page cache is fixed (mapping the file would make the memory grow with it)
        for pragma in (
            "page_size = 8192",
            "journal_mode = OFF",
            "synchronous = OFF",
            "locking_mode = EXCLUSIVE",
            "temp_store = FILE",
            f"cache_size = -{cache_mib * 1024}",
            "mmap_size = 0",
        ):
            self.db.execute(f"PRAGMA {pragma}")

    def cache(self, mib: int) -> None:
        """Let SQLite keep up to ``mib`` MiB of pages in memory (its sorts use as much)."""
        self.db.execute(f"PRAGMA cache_size = -{mib * 1024}")

    def close(self) -> None:
        self.db.close()

    def reopen(self, cache_mib: int) -> None:
        """A new connection (after ``close``: while the catalogue was read elsewhere)."""
        self.__init__(self.path, cache_mib)  # type: ignore[misc]

    def rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Iterator[Any]:
        return iter(self.db.execute(sql, params))

    def one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        return self.db.execute(sql, params).fetchone()

    def path_of(self, iri: str) -> str | None:
        """The page of a paper or person, from the site root (topics: ``Small``)."""
        found = self.one("SELECT path FROM paper WHERE iri = ?", (iri,))
        if found is None:
            found = self.one("SELECT path FROM agent WHERE iri = ?", (iri,))
        return found[0] if found else None


# -- filling --------------------------------------------------------------------------------


def fill(cat: Catalogue, facts: Iterable[Fact]) -> None:
    """The facts (``kg.report.facts`` reads them) into ``fact`` (p, s, o), each once, and
    the abstracts into ``abstract`` (the least of a paper's), indexed."""
    db = cat.db
    db.execute("CREATE TABLE raw (p INTEGER, s TEXT, o TEXT)")
    db.execute("CREATE TABLE abstract_raw (s TEXT, o TEXT)")
    db.execute("BEGIN")
    abstract = P["abstract"]
    rows: list[Fact] = []
    texts: list[tuple[str, str]] = []
    for fact in facts:
        if fact[0] == abstract:  # long text: a table of its own, out of the facts' key
            texts.append(fact[1:])
        else:
            rows.append(fact)
        if len(rows) >= 10_000:
            db.executemany("INSERT INTO raw VALUES (?, ?, ?)", rows)
            rows = []
        if len(texts) >= 1_000:
            db.executemany("INSERT INTO abstract_raw VALUES (?, ?)", texts)
            texts = []
    db.executemany("INSERT INTO raw VALUES (?, ?, ?)", rows)
    db.executemany("INSERT INTO abstract_raw VALUES (?, ?)", texts)
    db.execute("CREATE TABLE fact (p INTEGER, s TEXT, o TEXT, PRIMARY KEY (p, s, o)) WITHOUT ROWID")
    db.execute("INSERT OR IGNORE INTO fact SELECT p, s, o FROM raw ORDER BY p, s, o")
    db.execute("DROP TABLE raw")
    db.execute("CREATE TABLE abstract (iri TEXT PRIMARY KEY, text TEXT)")
    db.execute("INSERT OR IGNORE INTO abstract SELECT s, o FROM abstract_raw ORDER BY s, o")
    db.execute("DROP TABLE abstract_raw")
    db.execute("COMMIT")


def _value(name: str, subject: str = "f.s", cast: str = "") -> str:
    """SQL for the least value of a property of ``subject``."""
    value = f"CAST(o AS {cast})" if cast else "o"
    return f"(SELECT MIN({value}) FROM fact WHERE p = {P[name]} AND s = {subject})"


def derive(cat: Catalogue) -> None:
    """The tables the pages read: authorship, agent, paper, paper_topic, listing."""
    db = cat.db
    db.execute("BEGIN")
    db.execute(
        f"""CREATE TABLE authorship AS SELECT f.s AS iri, MIN(f.o) AS paper,
          {_value("ordinal", cast="INTEGER")} AS ordinal, {_value("author")} AS agent,
          {_value("printed")} AS printed, {_value("arxiv_name")} AS arxiv_name
        FROM fact f WHERE f.p = {P["authorship_of"]} GROUP BY f.s"""
    )
    db.execute("DELETE FROM authorship WHERE ordinal IS NULL")
    db.execute("CREATE INDEX authorship_agent ON authorship (agent, paper)")
    db.execute("CREATE INDEX authorship_paper ON authorship (paper, ordinal)")
    _agents(cat)
    _papers(cat)
    db.execute(
        f"""CREATE TABLE paper_topic AS SELECT DISTINCT f.o AS topic, f.s AS paper
        FROM fact f JOIN paper ON paper.iri = f.s WHERE f.p = {P["subject"]}"""
    )
    db.execute("CREATE INDEX paper_topic_topic ON paper_topic (topic, paper)")
    columns = ", ".join(
        f"{_value(name)} AS {name}"
        for name in ("on_page", "form", "category", "date", "flag", "score", "count")
    )
    db.execute(
        f"""CREATE TABLE listing AS SELECT f.s AS iri, MIN(f.o) AS paper,
          {_value("line", cast="INTEGER")} AS line, {columns}
        FROM fact f WHERE f.p = {P["listed"]} GROUP BY f.s"""
    )
    db.execute("CREATE INDEX listing_paper ON listing (paper, iri)")
    db.execute("CREATE INDEX listing_page ON listing (on_page, paper)")
    db.execute("COMMIT")


def _agents(cat: Catalogue) -> None:
    """Everyone the graph names: people, ambiguous creators, every author and candidate."""
    db = cat.db
    db.execute(
        f"""CREATE TEMP TABLE everyone AS
        SELECT s AS iri FROM fact WHERE p IN ({P["is_person"]}, {P["is_ambiguous"]})
        UNION SELECT o FROM fact WHERE p IN ({P["author"]}, {P["candidate"]})"""
    )
    db.execute(
        """CREATE TABLE agent (iri TEXT PRIMARY KEY, name TEXT, ambiguous INTEGER, stem TEXT,
          folded TEXT, path TEXT, fold TEXT, sort_name TEXT) WITHOUT ROWID"""
    )
    found = cat.rows(
        f"""SELECT e.iri, {_value("name", "e.iri")},
          EXISTS (SELECT 1 FROM fact WHERE p = {P["is_ambiguous"]} AND s = e.iri),
          (SELECT MIN(printed) FROM authorship WHERE agent = e.iri)
        FROM everyone e ORDER BY e.iri"""
    )
    rows = []
    for iri, name, ambiguous, printed in found:
        shown = name or printed or iri.rsplit("/", 1)[-1]
        stem = slug_for(iri, "/person/")
        rows.append(
            (iri, shown, int(ambiguous), stem, stem.casefold(), None, ascii_word(shown))
            + (shown.casefold(),)
        )
        if len(rows) >= 10_000:
            db.executemany("INSERT INTO agent VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            rows = []
    db.executemany("INSERT INTO agent VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.execute("DROP TABLE everyone")
    _unique_paths(cat, "agent", "people")
    db.execute("CREATE INDEX agent_order ON agent (fold, sort_name, iri)")


def _unique_paths(cat: Catalogue, table: str, folder: str) -> None:
    """Each row's page path: its stem, with a hash suffix where stems clash when case is
    ignored (as ``html.unique_slugs``)."""
    clashes = cat.db.execute(
        f"""SELECT iri, stem FROM {table} WHERE folded IN
          (SELECT folded FROM {table} GROUP BY folded HAVING COUNT(*) > 1)"""
    ).fetchall()
    cat.db.executemany(
        f"UPDATE {table} SET path = ? WHERE iri = ?",
        [(f"{folder}/{stem}-{short_hash(iri)}.html", iri) for iri, stem in clashes],
    )
    cat.db.execute(f"UPDATE {table} SET path = '{folder}/' || stem || '.html' WHERE path IS NULL")


def _papers(cat: Catalogue) -> None:
    db = cat.db
    db.execute(
        """CREATE TABLE paper (iri TEXT PRIMARY KEY, stem TEXT, folded TEXT, path TEXT,
          title TEXT, issued TEXT, inferred INTEGER, complete INTEGER,
          shown INTEGER, has_code INTEGER, first_seen TEXT, last_seen TEXT, untitled INTEGER,
          label TEXT, sort_label TEXT, head TEXT, k1 TEXT, k2 TEXT, k3 TEXT, weight INTEGER,
          authors TEXT, topics TEXT) WITHOUT ROWID"""
    )
    base = cat.rows(
        f"""SELECT f.s, {_value("title")}, (SELECT text FROM abstract WHERE iri = f.s),
          {_value("issued")},
          {_value("inferred")}, {_value("complete")}, {_value("shown", cast="INTEGER")},
          {_value("code")}, {_value("first")}, {_value("last")},
          EXISTS (SELECT 1 FROM fact WHERE p = {P["is_untitled"]} AND s = f.s)
        FROM fact f WHERE f.p = {P["is_paper"]} ORDER BY f.s"""
    )
    authors = _grouped(
        cat.rows(
            """SELECT a.paper, a.ordinal, a.agent, COALESCE(a.printed, ''), g.name, g.path,
              g.ambiguous FROM authorship a JOIN agent g ON g.iri = a.agent
            ORDER BY a.paper"""
        )
    )
    topics = _grouped(cat.rows(f"SELECT s, o FROM fact WHERE p = {P['subject']} ORDER BY s, o"))
    rows = []
    for (
        iri,
        title,
        abstract,
        issued,
        inferred,
        complete,
        shown,
        code,
        first,
        last,
        untitled,
    ) in base:
        paper = Paper(iri=iri, title=title or "", abstract=abstract or "", issued=issued or "")
        label = paper.label
        written = sorted({tuple(a[1:]) for a in authors.take(iri)})
        subjects = [t[1] for t in topics.take(iri)]
        stem = slug_for(iri, "/paper/")
        rows.append(
            (
                iri,
                stem,
                stem.casefold(),
                None,
                title or "",
                issued or "",
                int(_true(inferred)),
                int(complete not in ("false", "0")),
                shown,
                int(_true(code)),
                first or "",
                last or "",
                int(untitled),
                label,
                label.casefold(),
                "" if title else " ".join((abstract or "").split()[:13]),
                *date_keys(issued or ""),
                row_weight(len(written)),
                json.dumps(written, ensure_ascii=False, separators=(",", ":")),
                json.dumps(subjects, ensure_ascii=False, separators=(",", ":")),
            )
        )
        if len(rows) >= 5_000:
            db.executemany(f"INSERT INTO paper VALUES ({', '.join('?' * 22)})", rows)
            rows = []
    db.executemany(f"INSERT INTO paper VALUES ({', '.join('?' * 22)})", rows)
    _unique_paths(cat, "paper", "papers")
    db.execute("CREATE INDEX paper_order ON paper (issued, sort_label, iri)")


def _true(text: str | None) -> bool:
    return text in ("true", "1")


def date_keys(issued: str) -> tuple[str, str, str]:
    """Year, month and day of an ``xsd:date``/``gYear`` text: how lists of papers are cut
    into parts ("" where the date says nothing)."""
    year = issued[:4] if issued[:4].isdigit() else ""
    month = issued[5:7] if year and issued[4:5] == "-" and issued[5:7].isdigit() else ""
    day = issued[8:10] if month and issued[7:8] == "-" and issued[8:10].isdigit() else ""
    return year, month, day


class _grouped:  # noqa: N801  (a cursor helper used like a function)
    """Rows sorted by their first column, taken group by group for keys asked in order."""

    def __init__(self, rows: Iterable[tuple[Any, ...]]) -> None:
        self._rows = iter(rows)
        self._next: tuple[Any, ...] | None = next(self._rows, None)

    def take(self, key: str) -> list[tuple[Any, ...]]:
        found = []
        while self._next is not None and self._next[0] <= key:
            if self._next[0] == key:
                found.append(self._next)
            self._next = next(self._rows, None)
        return found


grouped = _grouped
