"""The report's search (issue 21): ``search.html?q=words`` finds papers by title words,
people by name and topics by code or label, offline, opened from ``file://``.

``search_files`` gives the page, its script (``assets/search.js``, copied to
``search/search.js``) and the index (``search_index``: the format, the ranking, the shards)
of every topic, person and paper that has a page. ``read_documents`` reads them from the
store: each property it needs is scanned once into a scratch SQLite file and joined there
(a scan costs about a microsecond a row, a lookup by subject ten times that), so the memory
stays flat however big the graph is; the topics, a few hundred, are read with SPARQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from typing import Any

from kg.graph.vocab import PREFIXES
from kg.report.data import Paper
from kg.report.html import e, page
from kg.report.search_index import FOLDER, Doc, index_files, scratch, tokens
from kg.resources import REPORT_ASSETS_DIR

PAGE = "search.html"
SCRIPT = "search.js"
AUTHORS_SHOWN = 3  # a paper's result shows its first authors, then "et al."
PathOf = Callable[[str], str | None]  # IRI -> its page's path from the site root, or None

_SPARQL_PREFIXES = "".join(f"PREFIX {k}: <{v}>\n" for k, v in sorted(PREFIXES.items()))
# (name, the pattern scanned: ?s, and ?o when it has one), each into ``fact`` as p = its index
SCANS = (
    ("paper", "?s a schema:ScholarlyArticle"),
    ("title", "?s dcterms:title ?o"),
    ("issued", "?s dcterms:issued ?o"),
    ("has", "?s kg:hasAuthorship ?o"),
    ("ordinal", "?s kg:ordinal ?o"),
    ("printed", "?s kg:printedName ?o"),
    ("author", "?s kg:author ?o"),
    ("name", "?s foaf:name ?o"),
    ("person", "?s a schema:Person"),
    ("ambiguous", "?s a kg:AmbiguousCreator"),
    ("candidate", "?x kg:possibleActualCreator ?s"),
    ("abstract", ""),  # filled for the untitled papers only (``_abstracts``)
)
P = {name: i for i, (name, _) in enumerate(SCANS)}


# -- the page ----------------------------------------------------------------------------------


def search_page() -> str:
    """search.html: a form, and the place search.js fills (it says so without scripts)."""
    body = (
        f'<form class="filter" role="search" action="{e(PAGE)}" method="get">\n'
        '<p><label>Words <input type="search" name="q" id="search-q" autocomplete="off" '
        'spellcheck="false"></label> <button type="submit">Search</button></p>\n</form>\n'
        '<p class="hint">Papers by title words, people by name, topics by code or label; '
        "every word must match, the last one may be the start of a word.</p>\n"
        '<p id="search-status" role="status" aria-live="polite"></p>\n'
        '<ol class="papers" id="search-results"></ol>\n'
        '<p><button type="button" id="search-more" hidden>More results</button></p>\n'
        '<noscript><p class="empty">The search needs JavaScript; the lists of '
        '<a href="people.html">people</a>, <a href="topics.html">topics</a> and '
        '<a href="papers.html">papers</a> work without it.</p></noscript>\n'
        f'<script defer src="{FOLDER}/{SCRIPT}"></script>\n'
        f'<script defer src="{FOLDER}/manifest.js"></script>\n'
    )
    return page("Search", body, 0, current=PAGE)


def search_files(store: Any, path_of: PathOf) -> Iterator[tuple[str, bytes]]:
    """search.html, search/search.js and the index of everything in the store that has a
    page, as (path from the site root, bytes), streamed."""
    yield PAGE, search_page().encode("utf-8")
    yield f"{FOLDER}/{SCRIPT}", (REPORT_ASSETS_DIR / SCRIPT).read_bytes()
    yield from index_files(read_documents(store, path_of))


# -- reading the store -------------------------------------------------------------------------


def read_documents(store: Any, path_of: PathOf) -> Iterator[Doc]:
    """Every topic, person and paper of the store that has a page, as search documents."""
    yield from _topics(store, path_of)
    with scratch() as db:
        _fill(db, store)
        yield from _people(db, path_of)
        yield from _papers(db, path_of)


def _rows(store: Any, query: str) -> Iterator[tuple[str | None, ...]]:
    """The solutions of a SELECT, streamed, as tuples of lexical values (None if unbound)."""
    result = store.query(_SPARQL_PREFIXES + query)
    columns = range(len(result.variables))
    for solution in result:  # by position: twice as fast as by name
        yield tuple(None if solution[i] is None else solution[i].value for i in columns)


def _fill(db: sqlite3.Connection, store: Any) -> None:
    """``fact`` (p, s, o): one scan of the store per entry of ``SCANS``; then ``authorship``
    (paper, ordinal, printed name, agent), indexed both ways."""
    db.execute("CREATE TABLE fact (p INT, s TEXT, o TEXT)")
    db.execute("BEGIN")
    for index, (_, pattern) in enumerate(SCANS):
        if pattern:
            rows = _rows(
                store, f"SELECT ?s {'?o' if '?o' in pattern else ''} WHERE {{ {pattern} }}"
            )
            db.executemany("INSERT INTO fact VALUES (?, ?, ?)", ((index, *r, "")[:3] for r in rows))
    db.execute("CREATE INDEX fact_ps ON fact (p, s, o)")
    db.execute(
        f"""CREATE TABLE authorship AS SELECT h.s AS paper,
          (SELECT MIN(CAST(o AS INT)) FROM fact WHERE p = {P["ordinal"]} AND s = h.o) AS ordinal,
          (SELECT MIN(o) FROM fact WHERE p = {P["printed"]} AND s = h.o) AS printed,
          (SELECT MIN(o) FROM fact WHERE p = {P["author"]} AND s = h.o) AS agent
        FROM fact h WHERE h.p = {P["has"]}"""
    )
    db.execute("CREATE INDEX authorship_paper ON authorship (paper, ordinal)")
    db.execute("CREATE INDEX authorship_agent ON authorship (agent, paper)")
    _abstracts(db, store)
    db.execute("COMMIT")


def _abstracts(db: sqlite3.Connection, store: Any) -> None:
    """The abstracts of the untitled papers (their label comes from it), 500 at a time."""
    untitled = db.execute(
        f"""SELECT s FROM fact f WHERE p = {P["paper"]}
          AND NOT EXISTS (SELECT 1 FROM fact WHERE p = {P["title"]} AND s = f.s) ORDER BY s"""
    ).fetchall()
    for first in range(0, len(untitled), 500):
        values = " ".join(f"<{iri}>" for (iri,) in untitled[first : first + 500])
        found = _rows(
            store, f"SELECT ?p ?a WHERE {{ VALUES ?p {{ {values} }} ?p dcterms:abstract ?a }}"
        )
        db.executemany(f"INSERT INTO fact VALUES ({P['abstract']}, ?, ?)", found)


def _value(name: str, subject: str) -> str:
    return f"(SELECT MIN(o) FROM fact WHERE p = {P[name]} AND s = {subject})"


def _topics(store: Any, path_of: PathOf) -> Iterator[Doc]:
    notations: dict[str, str] = {}
    labels: dict[str, str] = {}
    ambiguous = {t for (t,) in _rows(store, "SELECT ?t WHERE { ?t a kg:AmbiguousTopic }") if t}
    for t, notation, label in _rows(
        store,
        """SELECT ?t ?notation ?label WHERE { { SELECT DISTINCT ?t WHERE {
            { ?t a skos:Concept } UNION { ?t a kg:AmbiguousTopic }
            UNION { ?p dcterms:subject ?t } UNION { ?m kg:primaryCategory ?t } } }
          OPTIONAL { ?t skos:notation ?notation } OPTIONAL { ?t skos:prefLabel ?label } }""",
    ):
        if t and path_of(t):
            _least(notations, t, notation or t.rsplit("/", 1)[-1])
            _least(labels, t, label)
    for t, notation in sorted(notations.items()):
        label = labels.get(t) or notation
        name = label if t in ambiguous else f"{label} ({notation})"
        words = tuple(tokens(f"{notation} {label}"))
        yield Doc("topic", path_of(t) or "", name, "", "", words, (0, t))


def _least(found: dict[str, str], key: str, value: str | None) -> None:
    """Keep the least value seen for ``key``: the same one whatever order the store uses."""
    if value is not None and (key not in found or value < found[key]):
        found[key] = value


def _people(db: sqlite3.Connection, path_of: PathOf) -> Iterator[Doc]:
    """Everyone the graph names (people, ambiguous creators, authors, candidates)."""
    everyone = f"""SELECT s FROM fact WHERE p IN ({P["person"]}, {P["ambiguous"]},
      {P["candidate"]}) UNION SELECT agent FROM authorship WHERE agent IS NOT NULL"""
    for iri, name, printed, count, ambiguous in db.execute(
        f"""SELECT e.s, {_value("name", "e.s")},
          (SELECT MIN(printed) FROM authorship WHERE agent = e.s),
          (SELECT COUNT(DISTINCT paper) FROM authorship WHERE agent = e.s),
          EXISTS (SELECT 1 FROM fact WHERE p = {P["ambiguous"]} AND s = e.s)
        FROM ({everyone}) e ORDER BY e.s"""
    ):
        href = path_of(iri)
        if not href:
            continue
        shown = name or printed or iri.rsplit("/", 1)[-1]
        note = f"{count} paper" + ("" if count == 1 else "s")
        if ambiguous:
            note = "ambiguous creator · " + note
        yield Doc("person", href, shown, "", note, tuple(tokens(shown)), (-count, iri))


def _papers(db: sqlite3.Connection, path_of: PathOf) -> Iterator[Doc]:
    """Papers with their year and first authors as printed ("et al." when there are more)."""
    firsts = ", ".join(
        f"(SELECT MIN(printed) FROM authorship WHERE paper = f.s AND ordinal = {n})"
        for n in range(1, AUTHORS_SHOWN + 1)
    )
    for iri, title, abstract, issued, *authors, more in db.execute(
        f"""SELECT f.s, {_value("title", "f.s")}, {_value("abstract", "f.s")},
          {_value("issued", "f.s")}, {firsts}, EXISTS (SELECT 1 FROM authorship
            WHERE paper = f.s AND ordinal > {AUTHORS_SHOWN})
        FROM fact f WHERE f.p = {P["paper"]} GROUP BY f.s ORDER BY f.s"""
    ):
        href = path_of(iri)
        if not href:
            continue
        label = Paper(iri=iri, title=title or "", abstract=abstract or "").label
        date = issued or ""
        year = int(date[:4]) if date[:4].isdigit() else 0
        note = ", ".join(a for a in authors if a) + (" et al." if more else "")
        words = tuple(tokens(title or label))
        yield Doc("paper", href, label, date[:4] if year else "", note, words, (-year, iri))
