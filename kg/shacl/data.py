"""The data graph of a validation: an Oxigraph store read as one graph, pySHACL's view of
it, and where each focus node came from (issue 4).

Every query and lookup reads the data as one default graph. Data given as quads or an
rdflib graph is copied into the default graph of a fresh in-memory store (so a triple
repeated in several graphs is stored once); a store folder written by ``kg build`` is opened
read-only and used in place as one graph (``kg.graph.layout``: the union of its named
graphs, which do not overlap).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

import pyoxigraph as ox
import rdflib
from pyshacl.graph_abstraction import OxigraphDataGraph
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF

from kg.errors import InputError
from kg.graph.layout import Graph, UnionView, as_one_graph, raw_store

# The data: quads or triples (their union is the data graph), an rdflib graph or dataset, an
# Oxigraph store (all of its graphs), or the folder of a store kg build wrote.
Data = ox.Store | rdflib.Graph | Path | Iterable[ox.Quad | ox.Triple]
DEFAULT = ox.DefaultGraph()


class DataStore(NamedTuple):
    """The data in the default graph of an Oxigraph store."""

    store: Graph
    folder: Path | None  # the store folder, when the data is one (workers open it again)
    size: int | None  # the quads loaded (None for a folder: not counted)


def data_store(data: Data) -> DataStore:
    """The data in the default graph of an Oxigraph store; the store folder when the data is
    one (forked workers open it again instead of sharing a handle); the quads loaded (None for
    a folder: not counted)."""
    if isinstance(data, Path):
        return DataStore(open_folder(data), data, None)
    items: Iterable[Any]
    if isinstance(data, ox.Store):
        items = data.quads_for_pattern(None, None, None, None)
    elif isinstance(data, rdflib.Dataset):
        items = [_triple(s, p, o) for s, p, o, _ in data.quads()]
    elif isinstance(data, rdflib.Graph):
        items = [_triple(s, p, o) for s, p, o in data]
    else:
        items = data
    # Into the default graph: a triple several page graphs repeat is stored once, and queries
    # need no union view (a bag, several times slower to join). A list: bulk_extend is several
    # times faster on a list than on a generator.
    quads = [ox.Quad(q.subject, q.predicate, q.object) for q in items]
    store = ox.Store()
    store.bulk_extend(quads)
    return DataStore(store, None, len(quads))


def open_folder(folder: Path) -> Graph:
    """A store folder kg build wrote, read-only, as one graph."""
    try:
        store = ox.Store.read_only(str(folder))
    except OSError as exc:
        raise InputError(f"cannot open the store at {folder}: {exc}") from exc
    return as_one_graph(store)


def query_solutions(store: Graph, query: str, **options: Any) -> ox.QuerySolutions:
    """The solutions of a SELECT query on the store."""
    solutions = store.query(query, **options)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def _triple(s: object, p: object, o: object) -> ox.Triple:
    return ox.Triple(to_ox(s), to_ox(p), to_ox(o))  # type: ignore[arg-type]


def to_ox(term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = ox.NamedNode(str(term.datatype)) if term.datatype else None
        return ox.Literal(str(term), datatype=datatype)
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    return ox.NamedNode(str(term))


def to_rdflib(term: object) -> URIRef | BNode | Literal:
    if isinstance(term, ox.NamedNode):
        return _iri(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=_datatype(term.datatype.value))
    assert isinstance(term, ox.BlankNode)
    return BNode(term.value)


def _iri(value: str) -> URIRef:
    # Oxigraph has already checked the IRI; URIRef() would check it again, and a URIRef is
    # a str with no state of its own.
    return str.__new__(URIRef, value)


@functools.cache
def _datatype(value: str) -> URIRef:
    return URIRef(value)


class DataGraph(OxigraphDataGraph):
    """pySHACL's Oxigraph data graph over the data as one graph (the store's default graph,
    or the union of its named graphs, which pySHACL reads as such), made cheap to read: a
    constant truth test (pySHACL evaluates ``datagraph or shapes_graph`` for every result, and
    the base class counts the store for it), and lookups that read each node's edges once and
    keep them as rdflib terms (the base class converts every term of every lookup)."""

    def __init__(self, graph: Graph) -> None:
        self._union = isinstance(graph, UnionView)  # before the base class sets default_union
        super().__init__(raw_store(graph))
        self._lookup_in = None if self._union else DEFAULT
        self._default_union = self._union  # read directly by the base class's query()
        self._terms: dict[object, Any] = {}
        self._nodes: dict[object, Any] = {}
        self._out: dict[object, dict[str, dict[Any, None]]] = {}
        self._in: dict[object, dict[str, dict[Any, None]]] = {}

    def __bool__(self) -> bool:  # the base class would count the store
        return True

    @property
    def default_union(self) -> bool:  # the data is one graph, always: never changed
        return self._union

    @default_union.setter
    def default_union(self, value: bool) -> None:
        self._default_union = self._union

    def _term(self, term: object) -> Any:
        found = self._terms.get(term)
        if found is None:
            found = self._terms[term] = to_rdflib(term)
        return found

    def _node(self, term: Any) -> Any:
        key = str(term) if type(term) is URIRef else term
        found = self._nodes.get(key)
        if found is None:
            found = self._nodes[key] = to_ox(term)
        return found

    def _edges(self, node: Any, outgoing: bool) -> dict[str, dict[Any, None]]:
        # Keyed by plain strings: a dict hit on an rdflib term runs its Python-level __eq__.
        # Values are dicts used as ordered sets: a triple may be in several graphs.
        key = str(node) if type(node) is URIRef else node
        cache = self._out if outgoing else self._in
        edges = cache.get(key)
        if edges is None:
            edges = cache[key] = {}
            if outgoing and isinstance(node, Literal):
                return edges
            term = self._node(node)
            if outgoing:
                quads = self.impl.quads_for_pattern(term, None, None, self._lookup_in)
            else:
                quads = self.impl.quads_for_pattern(None, None, term, self._lookup_in)
            for quad in quads:
                other = quad.object if outgoing else quad.subject
                edges.setdefault(quad.predicate.value, {})[self._term(other)] = None
        return edges

    def objects(self, subject: Any = None, predicate: Any = None, unique: bool = False) -> Any:
        if subject is None or predicate is None or isinstance(subject, list | tuple):
            return super().objects(subject, predicate, unique)
        return iter(self._edges(subject, True).get(str(predicate), ()))

    def subjects(self, predicate: Any = None, object_: Any = None, unique: bool = False) -> Any:
        if object_ is None or predicate is None or isinstance(object_, list | tuple):
            return super().subjects(predicate, object_, unique)
        return iter(self._edges(object_, False).get(str(predicate), ()))

    def predicate_objects(self, subject: Any = None, unique: bool = False) -> Any:
        if subject is None:
            return super().predicate_objects(subject, unique)
        edges = self._edges(subject, True)
        return iter([(URIRef(p), o) for p, values in edges.items() for o in values])


# -- where a focus node came from -----------------------------------------------------------

_KG = "https://w3id.org/kg/ns#"
_DCTERMS = "http://purl.org/dc/terms/"
_FOAF = "http://xmlns.com/foaf/0.1/"
_HOLDS = "http://purl.org/spar/bido/holdsBibliometricDataInTime"


class Origin(NamedTuple):
    """Where a focus node came from: the page's file name and the record's line."""

    source: str | None = None
    line: int | None = None  # None: the page as a whole


def where(store: Graph, nodes: Iterable[str]) -> dict[str, Origin]:
    """For each focus node, the page (file name) and line of the record it came from: the
    listing itself; a paper's first listing; the first listing of the paper that owns an
    authorship or repository, or that cites a person, organisation or topic; else the page
    it was observed on (no line)."""
    page_ids: dict[Any, str | None] = {}

    def values(s: Any, p: str, o: Any = None) -> list[Any]:
        found = store.quads_for_pattern(s, ox.NamedNode(p), o, DEFAULT)
        return sorted({q.object if o is None else q.subject for q in found}, key=str)

    def page_id(page: Any) -> str | None:
        if page not in page_ids:
            found = values(page, _DCTERMS + "identifier")
            page_ids[page] = min((v.value for v in found), default=None)
        return page_ids[page]

    def record(listing: Any) -> tuple[str, int] | None:
        sources = sorted(filter(None, map(page_id, values(listing, _KG + "onPage"))))
        lines = sorted(int(v.value) for v in values(listing, _KG + "line"))
        return (sources[0], lines[0] if lines else 0) if sources else None

    def first_listing(papers: Iterable[Any]) -> tuple[str, int] | None:
        papers = set(papers)
        if all(isinstance(p, ox.NamedNode) for p in papers):  # in a few queries
            return _first(store, sorted(p.value for p in papers))
        listings = {x for p in papers for x in values(None, _KG + "listedPaper", p)}
        return min(filter(None, map(record, listings)), default=None)

    def owners(node: Any) -> list[Any]:
        return (values(node, _KG + "authorshipOf") + values(node, _KG + "repositoryOf")
                + values(None, _KG + "hasAuthorship", node)
                + values(None, _KG + "hasCodeRepository", node))  # fmt: skip

    def citing(node: Any) -> list[Any]:
        links = (_DCTERMS + "creator", _KG + "affiliatedOrganization", _DCTERMS + "subject")
        return [p for link in links for p in values(None, link, node)]

    def observed(node: Any) -> list[Any]:
        primary = _FOAF + "primaryTopic"
        pages = values(node, _KG + "observedOn") + values(None, primary, node)
        if values(node, str(RDF.type), ox.NamedNode(_KG + "SourcePage")):
            pages.append(node)
        for ambiguous in values(None, _KG + "possibleActualCreator", node):
            pages += values(None, primary, ambiguous)
        for observation in values(node, _HOLDS) + values(None, _KG + "primaryCategory", node):
            pages += values(observation, _KG + "observedOn")
        return pages

    iris = sorted(n for n in nodes if not n.startswith("_:"))
    own, listed = _records(store, iris, listed=False), _records(store, iris, listed=True)
    out: dict[str, Origin] = {}
    for iri in iris:
        node = ox.NamedNode(iri)
        found = (
            own.get(iri)  # record(node), for all nodes at once
            or listed.get(iri)  # first_listing([node]), likewise
            or first_listing(owners(node))
            or first_listing(citing(node))
            or min(((s, 0) for s in map(page_id, observed(node)) if s), default=None)
        )
        if found is not None:
            out[iri] = Origin(found[0], found[1] or None)
    return out


def _records(store: Graph, iris: list[str], listed: bool) -> dict[str, tuple[str, int]]:
    """``where``'s record() for each node (the node as a listing), or its first_listing() (the
    listings of the node as a paper): (file name, line), a query per 2000 nodes."""
    out: dict[str, tuple[str, int]] = {}
    for start in range(0, len(iris), 2000):
        values = " ".join(f"<{iri}>" for iri in iris[start : start + 2000])
        bind = f"?x <{_KG}listedPaper> ?n ." if listed else "BIND (?n AS ?x)"
        query = f"""SELECT ?n {_RECORD} WHERE {{ VALUES ?n {{ {values} }} {bind}
            ?x <{_KG}onPage> ?page . ?page <{_DCTERMS}identifier> ?id .
            OPTIONAL {{ ?x <{_KG}line> ?line }} }} GROUP BY ?n ?x"""
        for row in store.query(query):  # type: ignore[union-attr]
            found = (row["s"].value, int(row["l"].value))
            out[row["n"].value] = min(out.get(row["n"].value, found), found)
    return out


# A listing's record, grouped by listing ?x: its least file name and least line (0 without).
_RECORD = "(MIN(?id) AS ?s) (COALESCE(MIN(?line), 0) AS ?l)"


def _first(store: Graph, papers: list[str]) -> tuple[str, int] | None:
    """first_listing(papers): the least (file name, line) of their listings' records, each
    listing's record its least file name and least line (0 without one), found in SPARQL."""
    best: tuple[str, int] | None = None
    for start in range(0, len(papers), 2000):
        values = " ".join(f"<{iri}>" for iri in papers[start : start + 2000])
        # The least in Python: ORDER BY would read the file names again at each comparison.
        query = f"""SELECT {_RECORD} WHERE {{
            VALUES ?n {{ {values} }} ?x <{_KG}listedPaper> ?n ; <{_KG}onPage> ?page .
            ?page <{_DCTERMS}identifier> ?id . OPTIONAL {{ ?x <{_KG}line> ?line }}
            }} GROUP BY ?x"""
        for row in store.query(query):  # type: ignore[union-attr]
            found = (row["s"].value, int(row["l"].value))
            best = found if best is None else min(best, found)
    return best
