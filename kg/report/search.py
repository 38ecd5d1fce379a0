"""The report's search (issue 21): ``search.html?q=words`` finds papers by title words,
people by name and topics by code or label, offline, opened from ``file://``.

``search_files`` gives the page, its script (``assets/search.js``, copied to
``search/search.js``) and the index (``search_index``: the format, the ranking, the shards)
of every topic, person and paper that has a page. ``documents`` reads the people and papers
from the report's catalogue (``kg.report.catalogue``: the graph read once, in SQLite), so
the memory stays flat however big the graph is; the topics, a few hundred, are read from
the store with SPARQL (``topic_documents``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from kg.graph.vocab import PREFIXES
from kg.report.catalogue import Catalogue
from kg.report.html import e, page
from kg.report.search_index import FOLDER, Doc, index_files, tokens
from kg.resources import REPORT_ASSETS_DIR

PAGE = "search.html"
SCRIPT = "search.js"
AUTHORS_SHOWN = 3  # a paper's result shows its first authors, then "et al."
PathOf = Callable[[str], str | None]  # IRI -> its page's path from the site root, or None

_SPARQL_PREFIXES = "".join(f"PREFIX {k}: <{v}>\n" for k, v in sorted(PREFIXES.items()))


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


def search_files(documents: Iterable[Doc]) -> Iterator[tuple[str, bytes]]:
    """search.html, search/search.js and the index of ``documents``, as
    (path from the site root, bytes), streamed."""
    yield PAGE, search_page().encode("utf-8")
    yield f"{FOLDER}/{SCRIPT}", (REPORT_ASSETS_DIR / SCRIPT).read_bytes()
    yield from index_files(documents)


# -- what is found ------------------------------------------------------------------------------


def topic_documents(store: Any, path_of: PathOf) -> list[Doc]:
    """Every topic of the store that has a page (a few hundred), as search documents."""
    return list(_topics(store, path_of))


def documents(cat: Catalogue, topics: Iterable[Doc]) -> Iterator[Doc]:
    """The ``topics``, then every person and paper of the catalogue, as search documents."""
    yield from topics
    yield from _people(cat)
    yield from _papers(cat)


def _rows(store: Any, query: str) -> Iterator[tuple[str | None, ...]]:
    """The solutions of a SELECT, streamed, as tuples of lexical values (None if unbound)."""
    result = store.query(_SPARQL_PREFIXES + query)
    columns = range(len(result.variables))
    for solution in result:  # by position: twice as fast as by name
        yield tuple(None if solution[i] is None else solution[i].value for i in columns)


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


def _people(cat: Catalogue) -> Iterator[Doc]:
    """Everyone the graph names (people, ambiguous creators, authors, candidates)."""
    for iri, href, shown, count, ambiguous in cat.rows(
        """SELECT g.iri, g.path, g.name,
          (SELECT COUNT(DISTINCT paper) FROM authorship WHERE agent = g.iri), g.ambiguous
        FROM agent g ORDER BY g.iri"""
    ):
        note = f"{count} paper" + ("" if count == 1 else "s")
        if ambiguous:
            note = "ambiguous creator · " + note
        yield Doc("person", href, shown, "", note, tuple(tokens(shown)), (-count, iri))


def _papers(cat: Catalogue) -> Iterator[Doc]:
    """Papers with their year and first authors as printed ("et al." when there are more)."""
    firsts = ", ".join(
        f"(SELECT MIN(printed) FROM authorship WHERE paper = p.iri AND ordinal = {n})"
        for n in range(1, AUTHORS_SHOWN + 1)
    )
    for iri, href, title, label, date, *authors, more in cat.rows(
        f"""SELECT p.iri, p.path, p.title, p.label, p.issued, {firsts}, EXISTS (SELECT 1
          FROM authorship WHERE paper = p.iri AND ordinal > {AUTHORS_SHOWN})
        FROM paper p ORDER BY p.iri"""
    ):
        year = int(date[:4]) if date[:4].isdigit() else 0
        note = ", ".join(a for a in authors if a) + (" et al." if more else "")
        words = tuple(tokens(title or label))
        yield Doc("paper", href, label, date[:4] if year else "", note, words, (-year, iri))
