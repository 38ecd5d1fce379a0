"""The store -> ``Cited``: every paper read set-at-a-time, keyed over the whole graph, then
the selection applied.

Each fact is one SPARQL scan of one property over the store read as one graph (the union of
its named graphs, kg.graph.layout), joined in Python by paper IRI: a lookup per paper costs
10-15 us on the disk store and a scanned row about 1 us (the saved queries' notes, issue 5),
so a dozen scans read 100 k papers in about the time 100 k lookups would take for one property.
Keys are computed over every titled paper before the selection, so a paper's key is the same
in every export of the same graph.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import unquote

import pyoxigraph as ox

from kg.cite.keys import keyed
from kg.cite.model import Citation, Cited, Selection
from kg.errors import StoreError, UsageError
from kg.graph.arxiv import ABS as ARXIV_ABS
from kg.graph.arxiv import DOI as DOI_ORG
from kg.graph.layout import Graph

if TYPE_CHECKING:  # kg.sparql imports kg.export, whose registry names these writers
    from kg.sparql.results import Results
    from kg.sparql.text import Term

PREFIXES = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX kg: <https://w3id.org/kg/ns#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

# Each query returns (paper, value...) rows; { SELECT ... } blocks are hash-joined scans.
SCANS = {
    "paper": "SELECT ?paper WHERE { ?paper a schema:ScholarlyArticle }",
    "untitled": "SELECT ?paper WHERE { ?paper a kg:UntitledArticle }",
    "title": "SELECT ?paper ?title WHERE { ?paper dcterms:title ?title }",
    "issued": "SELECT ?paper ?issued WHERE { ?paper dcterms:issued ?issued }",
    "inferred": "SELECT ?paper ?inferred WHERE { ?paper kg:issuedYearInferred ?inferred }",
    "complete": "SELECT ?paper ?complete WHERE { ?paper kg:authorListComplete ?complete }",
    "authors": """SELECT ?paper ?ordinal ?name WHERE {
        { SELECT ?authorship ?paper WHERE { ?authorship kg:authorshipOf ?paper } }
        { SELECT ?authorship ?ordinal WHERE { ?authorship kg:ordinal ?ordinal } }
        { SELECT ?authorship ?name WHERE { ?authorship kg:printedName ?name } }
    }""",
    # a linked paper's authors behind "et al.": only the arXiv record names them
    "arxiv_authors": """SELECT ?paper ?ordinal ?name WHERE {
        { SELECT ?authorship ?paper WHERE { ?authorship kg:authorshipOf ?paper } }
        { SELECT ?authorship ?ordinal WHERE { ?authorship kg:ordinal ?ordinal } }
        { SELECT ?authorship ?name WHERE { ?authorship kg:arxivName ?name } }
    }""",
    "identifier": """SELECT ?paper ?id WHERE {
        ?paper dcterms:identifier ?id FILTER(STRSTARTS(STR(?id), "arXiv:"))
    }""",
    "same": "SELECT ?paper ?same WHERE { ?paper schema:sameAs ?same }",
    "submitted": "SELECT ?paper ?submitted WHERE { ?paper dcterms:dateSubmitted ?submitted }",
    "category": """SELECT ?paper ?notation WHERE {
        { SELECT ?paper ?topic WHERE { ?paper dcterms:subject ?topic } }
        { SELECT ?topic ?notation WHERE { ?topic skos:notation ?notation } }
    }""",
    "repository": """SELECT ?paper ?url WHERE {
        { SELECT ?paper ?repo WHERE { ?paper kg:hasCodeRepository ?repo } }
        { SELECT ?repo ?url WHERE { ?repo schema:codeRepository ?url } }
    }""",
    "page": """SELECT ?paper ?file WHERE {
        { SELECT ?listing ?paper WHERE { ?listing kg:listedPaper ?paper } }
        { SELECT ?listing ?source WHERE { ?listing kg:onPage ?source } }
        { SELECT ?source ?file WHERE { ?source dcterms:identifier ?file } }
    }""",
}

PERSON = """SELECT DISTINCT ?paper ?name WHERE {
    ?who foaf:name ?name .
    ?paper dcterms:creator ?who .
}"""


@dataclass
class _Facts:
    """What the scans found, by paper IRI."""

    papers: set[str] = field(default_factory=set)
    untitled: set[str] = field(default_factory=set)
    title: dict[str, str] = field(default_factory=dict)
    issued: dict[str, str] = field(default_factory=dict)
    inferred: set[str] = field(default_factory=set)
    incomplete: set[str] = field(default_factory=set)
    authors: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    category: dict[str, str] = field(default_factory=dict)
    repositories: dict[str, set[str]] = field(default_factory=dict)
    pages: dict[str, set[str]] = field(default_factory=dict)
    arxiv_id: dict[str, str] = field(default_factory=dict)
    doi: dict[str, str] = field(default_factory=dict)
    submitted: dict[str, str] = field(default_factory=dict)

    def names(self, paper: str) -> tuple[str, ...]:
        """The paper's authors in order (kg.cite.model.Citation.authors)."""
        return tuple(name for _, name in sorted(self.authors.get(paper, [])))

    def dated(self, paper: str) -> tuple[str | None, bool]:
        """The date to cite and whether its year is inferred: dcterms:issued, unless only
        the capture date gave its year and a linked record gives the v1 date."""
        issued, inferred = self.issued.get(paper), paper in self.inferred
        if inferred and paper in self.submitted:
            return self.submitted[paper], False
        return issued, inferred and issued is not None


def _rows(
    store: Graph, text: str, substitutions: dict[ox.Variable, Term] | None = None
) -> Iterator[tuple[str, ...]]:
    try:
        solutions = store.query(PREFIXES + text, substitutions=substitutions)
    except OSError as exc:
        raise StoreError(f"cannot read the store: {exc}") from exc
    assert isinstance(solutions, ox.QuerySolutions)
    for solution in solutions:
        yield tuple("" if term is None else term.value for term in solution)


def _facts(store: Graph) -> _Facts:
    facts = _Facts()
    facts.papers = {row[0] for row in _rows(store, SCANS["paper"])}
    facts.untitled = {row[0] for row in _rows(store, SCANS["untitled"])}
    for paper, title in _rows(store, SCANS["title"]):
        if paper in facts.papers:  # the dataset and the statistics tables have titles too
            facts.title[paper] = min(title, facts.title.get(paper, title))
    for paper, issued in _rows(store, SCANS["issued"]):
        facts.issued[paper] = min(issued, facts.issued.get(paper, issued))
    facts.inferred = {p for p, value in _rows(store, SCANS["inferred"]) if value == "true"}
    facts.incomplete = {p for p, value in _rows(store, SCANS["complete"]) if value == "false"}
    for paper, ordinal, name in _rows(store, SCANS["authors"]):
        facts.authors.setdefault(paper, []).append((int(ordinal), name))
    _linked(store, facts)
    for paper, notation in _rows(store, SCANS["category"]):
        facts.category[paper] = min(notation, facts.category.get(paper, notation))
    for paper, url in _rows(store, SCANS["repository"]):
        facts.repositories.setdefault(paper, set()).add(url)
    for paper, file in _rows(store, SCANS["page"]):
        facts.pages.setdefault(paper, set()).add(file)
    return facts


def _linked(store: Graph, facts: _Facts) -> None:
    """What the arXiv records of linked papers add (kg build --arxiv-metadata, issue #19):
    the authors the pages hide behind "et al." (a printed name stays as printed, so the
    key and the names agree with an unlinked build and with --person), the arXiv id (its
    dcterms:identifier, else its arxiv.org sameAs), the DOI and the v1 date."""
    printed = {(paper, n) for paper, names in facts.authors.items() for n, _ in names}
    for paper, ordinal, name in _rows(store, SCANS["arxiv_authors"]):
        if (paper, int(ordinal)) not in printed:
            facts.authors.setdefault(paper, []).append((int(ordinal), name))
    for paper, identifier in _rows(store, SCANS["identifier"]):
        found = identifier[len("arXiv:") :]
        facts.arxiv_id[paper] = min(found, facts.arxiv_id.get(paper, found))
    for paper, same in _rows(store, SCANS["same"]):
        if same.startswith(ARXIV_ABS) and paper not in facts.arxiv_id:
            facts.arxiv_id[paper] = same[len(ARXIV_ABS) :]
        elif same.startswith(DOI_ORG):
            doi = unquote(same[len(DOI_ORG) :])
            facts.doi[paper] = min(doi, facts.doi.get(paper, doi))
    for paper, submitted in _rows(store, SCANS["submitted"]):
        facts.submitted[paper] = min(submitted, facts.submitted.get(paper, submitted))


def year_month(issued: str | None) -> tuple[int | None, int | None]:
    parts = issued.split("-") if issued else []
    try:
        year = int(parts[0]) if parts else None
        month = int(parts[1]) if len(parts) > 1 else None
    except ValueError:
        return None, None
    return year, month


def _citation(facts: _Facts, paper: str, key: str) -> Citation:
    issued, inferred = facts.dated(paper)
    year, month = year_month(issued)
    return Citation(
        paper=paper,
        key=key,
        title=facts.title[paper],
        authors=facts.names(paper),
        et_al=paper in facts.incomplete and bool(facts.authors.get(paper)),
        year=year,
        month=month,
        date=issued,
        year_inferred=inferred,
        category=facts.category.get(paper),
        repositories=tuple(sorted(facts.repositories.get(paper, ()))),
        pages=tuple(sorted(facts.pages.get(paper, ()))),
        arxiv_id=facts.arxiv_id.get(paper),
        doi=facts.doi.get(paper),
    )


def topic_matches(code: str, notation: str | None) -> bool:
    """``cs.CL`` is asked for by ``cs.CL``, ``CL`` or ``cs`` (case ignored)."""
    if notation is None:
        return False
    wanted, archive, _, sub = code.casefold(), *notation.casefold().partition(".")
    return wanted in {notation.casefold(), archive, sub}


def on_or_after(issued: str | None, since: date) -> bool:
    """Whether a date, as precise as the graph knows it, may be ``since`` or later."""
    year, month = year_month(issued)
    if year is None:
        return False
    if month is None:
        return year >= since.year
    parts = (issued or "").split("-")
    day = int(parts[2]) if len(parts) > 2 else calendar.monthrange(year, month)[1]
    return date(year, month, day) >= since


def _selected(store: Graph, facts: _Facts, selection: Selection) -> set[str]:
    chosen = set(facts.papers)
    if selection.paper is not None:
        chosen &= {selection.paper}
    if selection.papers is not None:
        chosen &= selection.papers
    if selection.person is not None:
        name: dict[ox.Variable, Term] = {ox.Variable("name"): ox.Literal(selection.person)}
        chosen &= {row[0] for row in _rows(store, PERSON, name)}
    if selection.topic is not None:
        chosen = {p for p in chosen if topic_matches(selection.topic, facts.category.get(p))}
    if selection.since is not None:
        since = selection.since
        chosen = {p for p in chosen if on_or_after(facts.dated(p)[0], since)}
    return chosen


# A frozen dataclass: the shared default cannot be changed, so B008's worry does not apply.
def read_citations(store: Graph, selection: Selection = Selection()) -> Cited:  # noqa: B008
    """The selected papers of the store as citations sorted by key, with the notes: each
    untitled (abstract-only) paper skipped, each year inferred from a capture date."""
    facts = _facts(store)
    titled = sorted(p for p in facts.papers if p in facts.title and p not in facts.untitled)
    keys = keyed(
        (
            paper,
            facts.names(paper),
            year_month(facts.dated(paper)[0])[0],
            facts.title[paper],
            facts.dated(paper)[0] or "",
        )
        for paper in titled
    )
    chosen = _selected(store, facts, selection)
    citations = sorted(
        (_citation(facts, paper, keys[paper]) for paper in chosen if paper in keys),
        key=lambda c: c.key,
    )
    notes = [
        f"skipped {paper}: an untitled paper (known only by its abstract) has no title to cite"
        for paper in sorted(chosen - keys.keys())
    ]
    notes += [
        f"{c.key}: the year {c.year} is inferred from the capture date of "
        f"{', '.join(c.pages) or 'its page'} (the page printed no year)"
        for c in citations
        if c.year_inferred
    ]
    return Cited(tuple(citations), tuple(notes))


def paper_column(results: Results, papers: set[str] | frozenset[str]) -> int | None:
    """The first column whose every bound value is a paper IRI (None: no such column)."""
    for index in range(len(results.variables)):
        values = [row[index] for row in results.rows if row[index] is not None]
        if values and all(isinstance(v, ox.NamedNode) and v.value in papers for v in values):
            return index
    return None


def query_papers(store: Graph, results: Results, source: str) -> frozenset[str]:
    """The papers a saved query returned (``kg.sparql.saved.run_local``): the IRIs in its
    first column of paper IRIs. Results with rows but no such column are a usage error
    naming the columns; ``source`` names the query."""
    if results.kind != "solutions":
        raise UsageError(f"{source}: --query needs a SELECT query (this is {results.kind})")
    if not results.rows:
        return frozenset()
    papers = {row[0] for row in _rows(store, SCANS["paper"])}
    column = paper_column(results, papers)
    if column is None:
        shown = ", ".join(f"?{v}" for v in results.variables) or "none"
        raise UsageError(
            f"{source}: no column of paper IRIs in its results (columns: {shown}); "
            "select ?paper, the paper's IRI"
        )
    return frozenset(
        term.value for row in results.rows if isinstance(term := row[column], ox.NamedNode)
    )
