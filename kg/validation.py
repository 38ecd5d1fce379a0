"""Data + shapes -> Report: SHACL validation with pySHACL (the only module that imports it).

The data graph is the union of every graph of the data (page graphs, taxonomy, dataset
description), held in an in-memory Oxigraph store. How validation stays fast (issue 4):

- No inference and no SHACL-AF; shapes target classes the data states.
- pySHACL reads the store through its own Oxigraph data graph with two overrides: a constant
  truth test (pySHACL evaluates ``datagraph or shapes_graph`` for every result, and the base
  class counts the store for it), and lookups that read each node's edges once and keep them
  as rdflib terms (the base class converts every term of every lookup).
- Core shapes with the same targets are validated together, their focus nodes split into
  shards that forked workers check with ``use_shapes`` + ``focus_nodes``. Every worker sees
  the whole graph, so any shape can be sharded and the results are the same set.
- SPARQL-based shapes run set-at-a-time: each query once over the whole graph with ``$this``
  free, keeping the solutions whose ``?this`` is a focus node. pySHACL would parse and run a
  query per focus node (~0.6 ms each: minutes at 100 k papers). It is equivalent for queries
  whose first triple pattern binds ``$this`` (the rule in shapes/prefixes.ttl), and
  ``validate(..., sharded=False)`` runs plain pySHACL for the tests to compare.
"""

from __future__ import annotations

import functools
import json
import multiprocessing
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
import rdflib
from pyshacl.graph_abstraction import OxigraphDataGraph
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from kg.errors import InputError
from kg.vocab import PREFIXES

SHAPES_DIR = Path(__file__).resolve().parents[1] / "shapes"
SHAPES_NS = "https://w3id.org/kg/shapes#"
DEFAULT_WORKERS = 2
INLINE_BELOW = 50_000  # quads: smaller graphs are validated in-process, in one pySHACL call


class Severity(StrEnum):
    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


_SEVERITIES = {str(SH.Violation): Severity.VIOLATION, str(SH.Warning): Severity.WARNING}
_SEVERITIES[str(SH.Info)] = Severity.INFO


@dataclass(frozen=True)
class Result:
    """One SHACL validation result, with the page record its focus node came from."""

    severity: Severity
    shape: str  # sh:sourceShape IRI
    focus: str  # sh:focusNode IRI ("_:id" for a blank node)
    path: str | None  # sh:resultPath: an IRI, or "^IRI" for an inverse path
    value: str | None  # sh:value in N-Triples syntax
    message: str
    source: str | None = None  # file name of the page the record is on
    line: int | None = None  # line of the record on that page
    component: str = ""  # sh:sourceConstraintComponent IRI
    constraint: str | None = None  # sh:sourceConstraint (SPARQL-based constraints)

    def sort_key(self) -> tuple[Any, ...]:
        # Every field takes part: two results may differ only in their constraint component
        # (sh:datatype and sh:minInclusive on one value), and ties must not depend on order.
        return (self.severity.rank, self.shape, self.focus, self.path or "", self.value or "",
                self.message, self.component or "", self.constraint or "",
                self.source or "", self.line or 0)  # fmt: skip


@dataclass(frozen=True)
class Report:
    """Conforms when no result is a violation (warnings and infos are reported, not fatal)."""

    conforms: bool
    results: tuple[Result, ...]
    triples: int
    shapes: int
    labels: tuple[tuple[str, str], ...] = ()  # shape IRI -> its sh:name or rdfs:label

    def count(self, severity: Severity) -> int:
        return sum(r.severity is severity for r in self.results)

    def at_or_above(self, severity: Severity) -> int:
        return sum(r.severity.rank <= severity.rank for r in self.results)


# The data: quads or triples (their union is the data graph), an rdflib graph or dataset, or
# an Oxigraph store (all of its graphs).
Data = ox.Store | rdflib.Graph | Iterable[ox.Quad | ox.Triple]
_Raw = tuple[str, str, str, str | None, str | None, str, str, str | None]


# -- inputs ----------------------------------------------------------------------------


def load_shapes(shapes_dir: Path = SHAPES_DIR) -> rdflib.Graph:
    """Every ``*.ttl`` file of the folder, as one shapes graph."""
    files = sorted(Path(shapes_dir).glob("*.ttl"))
    if not files:
        raise InputError(f"no shapes (*.ttl) in {shapes_dir}: pass --shapes DIR")
    graph = rdflib.Graph()
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except (OSError, SyntaxError, ValueError) as exc:
            raise InputError(f"cannot read shapes file {path}: {exc}") from exc
    return graph


def data_store(data: Data) -> tuple[ox.Store, int]:
    """The data in a fresh in-memory Oxigraph store, and the number of quads loaded."""
    items: Iterable[ox.Quad | ox.Triple]
    if isinstance(data, ox.Store):  # copied: forked workers must not share a store on disk
        items = data.quads_for_pattern(None, None, None, None)
    elif isinstance(data, rdflib.Dataset):
        items = [_triple(s, p, o) for s, p, o, _ in data.quads()]
    elif isinstance(data, rdflib.Graph):
        items = [_triple(s, p, o) for s, p, o in data]
    else:
        items = data
    quads = items if isinstance(items, list) else list(items)
    if quads and isinstance(quads[0], ox.Triple):
        quads = [ox.Quad(t.subject, t.predicate, t.object) for t in quads]
    store = ox.Store()
    # A plain list of the quads as they are: bulk_extend is several times faster on a list
    # than on a generator, and re-wrapping 3 M quads into one graph costs more than storing.
    store.bulk_extend(quads)
    return store, len(quads)


def _triple(s: object, p: object, o: object) -> ox.Triple:
    return ox.Triple(_ox(s), _ox(p), _ox(o))  # type: ignore[arg-type]


def _ox(term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = ox.NamedNode(str(term.datatype)) if term.datatype else None
        return ox.Literal(str(term), datatype=datatype)
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    return ox.NamedNode(str(term))


def _rdflib(term: object) -> URIRef | BNode | Literal:
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


class _DataGraph(OxigraphDataGraph):
    """pySHACL's Oxigraph data graph over the union of all graphs, made cheap to read."""

    def __init__(self, store: ox.Store) -> None:
        super().__init__(store)
        self._default_union = True  # read directly by the base class's query()
        self._terms: dict[object, Any] = {}
        self._nodes: dict[object, Any] = {}
        self._out: dict[object, dict[str, dict[Any, None]]] = {}
        self._in: dict[object, dict[str, dict[Any, None]]] = {}

    def __bool__(self) -> bool:  # the base class would count the store
        return True

    @property
    def default_union(self) -> bool:  # the data is the union of the graphs, always
        return True

    @default_union.setter
    def default_union(self, value: bool) -> None:
        self._default_union = True

    def _term(self, term: object) -> Any:
        found = self._terms.get(term)
        if found is None:
            found = self._terms[term] = _rdflib(term)
        return found

    def _node(self, term: Any) -> Any:
        key = str(term) if type(term) is URIRef else term
        found = self._nodes.get(key)
        if found is None:
            found = self._nodes[key] = _ox(term)
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
                quads = self.impl.quads_for_pattern(term, None, None, None)
            else:
                quads = self.impl.quads_for_pattern(None, None, term, None)
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


# -- planning: which shapes run where ---------------------------------------------------

_TARGETS = {
    str(SH.targetClass): "SELECT DISTINCT ?s WHERE {{ ?s a/<{rdfs}subClassOf>* <{iri}> }}",
    str(SH.targetSubjectsOf): "SELECT DISTINCT ?s WHERE {{ ?s <{iri}> ?o }}",
    str(SH.targetObjectsOf): "SELECT DISTINCT ?s WHERE {{ ?o <{iri}> ?s }}",
}
_NOT_CONSTRAINTS = {
    SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.severity,
    SH.message, SH.deactivated, SH.name, SH.description, SH.order, SH.group, SH.sparql,
}  # fmt: skip


@dataclass(frozen=True)
class _Task:
    kind: str  # "core" (pySHACL), "sparql" (set-at-a-time), "count", or "all" (plain pySHACL)
    shapes: tuple[str, ...] = ()
    focus: tuple[str, ...] | None = None  # None: pySHACL finds the targets itself

    @property
    def weight(self) -> int:
        return len(self.shapes) * len(self.focus or ()) + 1


def _query(store: ox.Store, query: str, **options: Any) -> ox.QuerySolutions:
    solutions = store.query(query, use_default_graph_as_union=True, **options)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def _targeted_shapes(shapes: rdflib.Graph) -> list[URIRef | BNode]:
    predicates = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    found = {s for p in predicates for s in shapes.subjects(p, None)}
    active = [s for s in found if shapes.value(s, SH.deactivated) != Literal(True)]
    return sorted(active, key=str)  # type: ignore[arg-type]


def _focus_nodes(
    store: ox.Store, shapes: rdflib.Graph, shape: URIRef, cache: dict[Any, Any]
) -> tuple[str, ...] | None:
    """The shape's focus node IRIs, sorted; None when some are not IRIs (pySHACL targets)."""
    queries = sorted(
        template.format(iri=target, rdfs=RDFS)
        for predicate, template in _TARGETS.items()
        for target in shapes.objects(shape, URIRef(predicate))
    )
    nodes = sorted(str(n) for n in shapes.objects(shape, SH.targetNode))
    if any(not isinstance(n, URIRef) for n in shapes.objects(shape, SH.targetNode)):
        return None
    key = (tuple(queries), tuple(nodes))
    if key not in cache:
        found: set[str] | None = set(nodes)
        for query in queries:
            terms = [row[0] for row in _query(store, query)]
            if found is None or not all(isinstance(t, ox.NamedNode) for t in terms):
                found = None
            else:
                found.update(t.value for t in terms)
        cache[key] = tuple(sorted(found)) if found is not None else None
    focus: tuple[str, ...] | None = cache[key]
    return focus


def _is_sparql_only(shapes: rdflib.Graph, shape: URIRef) -> bool:
    predicates = {p for p, _ in shapes.predicate_objects(shape)} - {RDF.type}
    constraints = {p for p in predicates if str(p).startswith(str(SH))} - _NOT_CONSTRAINTS
    return (shape, SH.sparql, None) in shapes and not constraints


def _plan(store: ox.Store, shapes: rdflib.Graph, shards: int) -> list[_Task]:
    """SPARQL-only shapes run set-at-a-time; core shapes sharing targets are validated
    together, their focus nodes split into ``shards`` (1: one pySHACL call for all)."""
    groups: dict[tuple[str, ...], list[str]] = {}
    tasks = [_Task("count")]
    unsharded: list[str] = []
    cache: dict[Any, Any] = {}
    for shape in _targeted_shapes(shapes):
        if not isinstance(shape, URIRef):  # use_shapes takes IRIs only: validate everything
            return [_Task("count"), _Task("all")]
        focus = _focus_nodes(store, shapes, shape, cache)
        if focus is not None and _is_sparql_only(shapes, shape):
            if focus:
                tasks.append(_Task("sparql", (str(shape),), focus))
        elif focus is None or (focus and shards == 1):
            unsharded.append(str(shape))
        elif focus:
            groups.setdefault(focus, []).append(str(shape))
    for focus, members in groups.items():
        for i in range(min(shards, len(focus))):
            tasks.append(_Task("core", tuple(members), focus[i::shards]))
    if unsharded:
        tasks.append(_Task("core", tuple(unsharded)))
    return sorted(tasks, key=lambda t: -t.weight)


# -- running ------------------------------------------------------------------------------

_STATE: dict[str, Any] = {}  # the data and shapes of the current run; workers inherit it


def _run(task: _Task) -> tuple[int, list[_Raw]]:
    """Run one task; returns (triples counted, results)."""
    store: ox.Store = _STATE["store"]
    shapes: rdflib.Graph = _STATE["shapes"]
    if task.kind == "count":
        query = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"
        return int(next(iter(_query(store, query)))[0].value), []
    if task.kind == "sparql":
        assert task.focus is not None
        return 0, _run_sparql(store, shapes, URIRef(task.shapes[0]), frozenset(task.focus))
    if _STATE.get("graph_pid") != os.getpid():
        _STATE.update(graph=_DataGraph(store), graph_pid=os.getpid())
    _, report, _ = pyshacl.validate(
        _STATE["graph"],
        shacl_graph=shapes,
        inference="none",
        advanced=False,
        use_shapes=list(task.shapes) or None,
        focus_nodes=[URIRef(f) for f in task.focus] if task.focus is not None else None,
    )
    return 0, _raw_results(report)


def _raw_results(report: rdflib.Graph) -> list[_Raw]:
    out: list[_Raw] = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        value = report.value(node, SH.value)
        constraint = report.value(node, SH.sourceConstraint)
        out.append(
            (
                str(report.value(node, SH.resultSeverity)),
                _node_text(report.value(node, SH.sourceShape)),
                _node_text(report.value(node, SH.focusNode)),
                _path_text(report, report.value(node, SH.resultPath)),
                str(_ox(value)) if value is not None else None,
                " / ".join(sorted(str(m) for m in report.objects(node, SH.resultMessage))),
                str(report.value(node, SH.sourceConstraintComponent)),
                _node_text(constraint) if constraint is not None else None,
            )
        )
    return out


def _node_text(node: object) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _path_text(graph: rdflib.Graph, path: Any) -> str | None:
    if path is None or isinstance(path, URIRef):
        return None if path is None else str(path)
    inverse = graph.value(path, SH.inversePath)
    if isinstance(inverse, URIRef):
        return f"^{inverse}"
    return _node_text(path)


def _prefix_header(shapes: rdflib.Graph, constraint: object) -> str:
    lines = []
    for declarer in shapes.objects(constraint, SH.prefixes):  # type: ignore[arg-type]
        for declaration in shapes.objects(declarer, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(sorted(set(lines)))


def _run_sparql(
    store: ox.Store, shapes: rdflib.Graph, shape: URIRef, focus: frozenset[str]
) -> list[_Raw]:
    severity = str(shapes.value(shape, SH.severity) or SH.Violation)
    shape_messages = [str(m) for m in shapes.objects(shape, SH.message)]
    out: dict[tuple[Any, ...], _Raw] = {}
    for constraint in sorted(shapes.objects(shape, SH.sparql), key=str):
        if shapes.value(constraint, SH.deactivated) == Literal(True):
            continue
        select = str(shapes.value(constraint, SH.select))
        query = _prefix_header(shapes, constraint) + select
        bindings = {}
        if re.search(r"[?$]currentShape\b", select):
            bindings[ox.Variable("currentShape")] = ox.NamedNode(str(shape))
        solutions = _query(store, query, substitutions=bindings or None)
        names = [v.value for v in solutions.variables]
        if "this" not in names:
            raise InputError(f"SPARQL constraint {constraint} must SELECT $this")
        messages = [str(m) for m in shapes.objects(constraint, SH.message)] + shape_messages
        for solution in solutions:
            this = solution["this"]
            if not isinstance(this, ox.NamedNode) or this.value not in focus:
                continue
            bound = {n: solution[n] for n in names if solution[n] is not None}
            key = tuple(sorted((n, str(t)) for n, t in bound.items()))
            path, value = bound.get("path"), bound.setdefault("value", this)
            text = " / ".join(sorted(_format(m, bound) for m in messages))
            out[key] = (
                severity,
                str(shape),
                this.value,
                path.value if isinstance(path, ox.NamedNode) else None,
                str(value),
                text or f"SPARQL constraint {constraint} failed",
                str(SH.SPARQLConstraintComponent),
                _node_text(constraint),
            )
    return list(out.values())


def _format(message: str, bound: Mapping[str, Any]) -> str:
    for name, term in bound.items():
        message = re.sub(r"\{[?$]" + re.escape(name) + r"\}", _literally(term.value), message)
    return message


def _literally(text: str) -> Any:
    return lambda _: text  # a replacement function: re.sub must not read escapes in the text


def validate(
    data: Data,
    shapes_dir: Path = SHAPES_DIR,
    *,
    shapes: rdflib.Graph | None = None,
    workers: int = DEFAULT_WORKERS,
    sharded: bool = True,
) -> Report:
    """Validate the data (see ``Data``) against the shapes of ``shapes_dir`` (or ``shapes``).

    ``sharded=False`` runs plain pySHACL once over the whole graph, every SPARQL-based
    constraint per focus node: the reference the fast path must agree with, and far slower.
    """
    shapes = shapes if shapes is not None else load_shapes(shapes_dir)
    store, size = data_store(data)
    _STATE.clear()
    _STATE.update(store=store, shapes=shapes)
    try:
        if not sharded:
            tasks = [_Task("count"), _Task("all")]
            shards = 1
        else:
            shards = workers if size >= INLINE_BELOW else 1
            tasks = _plan(store, shapes, shards)
        triples, raw = 0, []
        for counted, chunk in _map(tasks, shards):
            triples += counted
            raw += chunk
        where = _where(store, {r[2] for r in raw})
    finally:
        _STATE.clear()
    results = sorted(
        {
            Result(
                _SEVERITIES[r[0]],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                *where.get(r[2], (None, None)),
                component=r[6],
                constraint=r[7],
            )  # fmt: skip
            for r in raw
        },
        key=Result.sort_key,
    )
    conforms = not any(r.severity is Severity.VIOLATION for r in results)
    targeted = _targeted_shapes(shapes)
    return Report(conforms, tuple(results), triples, len(targeted), _labels(shapes, targeted))


def _map(tasks: Sequence[_Task], workers: int) -> Iterator[tuple[int, list[_Raw]]]:
    if workers <= 1 or len(tasks) < 2:
        yield from map(_run, tasks)
        return
    # Forked workers inherit _STATE (the store and the shapes) without copying or pickling.
    with multiprocessing.get_context("fork").Pool(min(workers, os.cpu_count() or 1)) as pool:
        yield from pool.imap_unordered(_run, tasks)


def _labels(shapes: rdflib.Graph, targeted: Sequence[Any]) -> tuple[tuple[str, str], ...]:
    out = []
    for shape in targeted:
        label = shapes.value(shape, SH.name) or shapes.value(shape, RDFS.label)
        if label is not None:
            out.append((_node_text(shape), str(label)))
    return tuple(sorted(out))


# -- where a focus node came from -----------------------------------------------------------

_KG = "https://w3id.org/kg/ns#"
_DCTERMS = "http://purl.org/dc/terms/"
_FOAF = "http://xmlns.com/foaf/0.1/"
_HOLDS = "http://purl.org/spar/bido/holdsBibliometricDataInTime"


def _where(store: ox.Store, nodes: Iterable[str]) -> dict[str, tuple[str | None, int | None]]:
    """For each focus node, the page (file name) and line of the record it came from: the
    listing itself; a paper's first listing; the first listing of the paper that owns an
    authorship or repository, or that cites a person, organisation or topic; else the page
    it was observed on (no line)."""
    page_ids: dict[Any, str | None] = {}

    def values(s: Any, p: str, o: Any = None) -> list[Any]:
        found = store.quads_for_pattern(s, ox.NamedNode(p), o)
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

    out: dict[str, tuple[str | None, int | None]] = {}
    for iri in sorted(n for n in nodes if not n.startswith("_:")):
        node = ox.NamedNode(iri)
        found = (
            record(node)
            or first_listing([node])
            or first_listing(owners(node))
            or first_listing(citing(node))
            or min(((s, 0) for s in map(page_id, observed(node)) if s), default=None)
        )
        if found is not None:
            out[iri] = (found[0], found[1] or None)
    return out


# -- rendering ------------------------------------------------------------------------------


def _compact(iri: str | None, prefixes: Mapping[str, str]) -> str:
    if iri is None:
        return ""
    if iri.startswith("^"):
        return "^" + _compact(iri[1:], prefixes)
    if iri.startswith(("_:", '"')):
        return iri
    if iri.startswith("<") and iri.endswith(">"):
        return _compact(iri[1:-1], prefixes)
    for name, namespace in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and iri != namespace and " " not in iri:
            return f"{name}:{iri[len(namespace) :]}"
    return f"<{iri}>"


_SHORT_TYPES = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in ("integer", "decimal", "boolean")}


def _show_value(value: str, prefixes: Mapping[str, str]) -> str:
    typed = re.fullmatch(r'"(.*)"\^\^<([^>]*)>', value)
    if typed is None:
        return _compact(value, prefixes)
    lexical, datatype = typed.groups()
    if datatype in _SHORT_TYPES:
        return lexical
    return f'"{lexical}"^^{_compact(datatype, prefixes)}'


def _all_prefixes(prefixes: Mapping[str, str] | None) -> dict[str, str]:
    return {**PREFIXES, "kgsh": SHAPES_NS, "sh": str(SH), **(prefixes or {})}


def summary(report: Report) -> str:
    counts = ", ".join(f"{report.count(s)} {s.value}s" for s in Severity)
    verdict = "conforms" if report.conforms else "does not conform"
    return f"{verdict}: {counts} ({report.triples} triples, {report.shapes} shapes)"


def report_text(report: Report, prefixes: Mapping[str, str] | None = None) -> str:
    """Readable report: results grouped by severity and shape, one line per result."""
    names = _all_prefixes(prefixes)
    labels = dict(report.labels)
    out = [f"Validation: {summary(report)}\n"]
    groups: dict[tuple[int, str], list[Result]] = {}
    for result in report.results:
        groups.setdefault((result.severity.rank, result.shape), []).append(result)
    for (_, shape), results in sorted(groups.items()):
        first = results[0]
        label = f" ({labels[shape]})" if shape in labels else ""
        out.append(
            f"\n{first.severity.value.upper()} {_compact(shape, names)}{label}: "
            f"{len(results)} result{'s' if len(results) > 1 else ''}\n"
        )
        shared = len({r.message for r in results}) == 1
        if shared:
            out.append(f"  {first.message}\n")
        ordered = sorted(results, key=lambda r: (r.source or "~", r.line or 0, r.focus))
        for r in ordered:
            where = f"{r.source}:{r.line}" if r.line else (r.source or "-")
            parts = [f"  [{where}] {_compact(r.focus, names)}"]
            if r.path:
                parts.append(f"path {_compact(r.path, names)}")
            if r.value is not None and r.value.strip("<>") != r.focus:
                parts.append(f"value {_show_value(r.value, names)}")
            if not shared:
                parts.append(f"-- {r.message}")
            out.append("  ".join(parts) + "\n")
    return "".join(out)


def report_json(report: Report) -> str:
    document = {
        "conforms": report.conforms,
        "triples": report.triples,
        "shapes": report.shapes,
        "counts": {s.value: report.count(s) for s in Severity},
        "results": [{**asdict(r), "severity": r.severity.value} for r in report.results],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def report_turtle(report: Report, prefixes: Mapping[str, str] | None = None) -> str:
    """The SHACL validation report graph (sh:ValidationReport), deterministic."""
    sh, width = str(SH), len(str(len(report.results)))
    root = ox.BlankNode("report")
    boolean = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
    triples: list[tuple[Any, str, Any]] = [
        (root, str(RDF.type), ox.NamedNode(sh + "ValidationReport")),
        (root, sh + "conforms", ox.Literal(str(report.conforms).lower(), datatype=boolean)),
    ]
    for i, r in enumerate(report.results, 1):
        node = ox.BlankNode(f"result{i:0{width}d}")
        triples += [
            (root, sh + "result", node),
            (node, str(RDF.type), ox.NamedNode(sh + "ValidationResult")),
            (node, sh + "resultSeverity", ox.NamedNode(sh + r.severity.value.capitalize())),
            (node, sh + "sourceShape", _term_of(r.shape)),
            (node, sh + "focusNode", _term_of(r.focus)),
            (node, sh + "sourceConstraintComponent", ox.NamedNode(r.component)),
            (node, sh + "resultMessage", ox.Literal(r.message)),
        ]
        if r.constraint:
            triples.append((node, sh + "sourceConstraint", _term_of(r.constraint)))
        if r.value is not None:
            triples.append((node, sh + "value", _parse_term(r.value)))
        if r.path and r.path.startswith("^"):
            path = ox.BlankNode(f"result{i:0{width}d}path")
            triples.append((node, sh + "resultPath", path))
            triples.append((path, sh + "inversePath", _term_of(r.path[1:])))
        elif r.path:
            triples.append((node, sh + "resultPath", _term_of(r.path)))
    return _turtle([ox.Triple(s, ox.NamedNode(p), o) for s, p, o in triples], prefixes)


def _turtle(triples: list[ox.Triple], prefixes: Mapping[str, str] | None) -> str:
    """Deterministic Turtle: triples sorted by subject (rdf:type first), then predicate and
    object; only the prefixes used, sorted (Oxigraph writes them in hash order)."""
    rdf_type = str(RDF.type)

    def key(t: ox.Triple) -> tuple[str, bool, str, str]:
        return (str(t.subject), t.predicate.value != rdf_type, t.predicate.value, str(t.object))

    names = _all_prefixes(prefixes)
    body = ox.serialize(sorted(set(triples), key=key), format=ox.RdfFormat.TURTLE, prefixes=names)
    lines = (body or b"").decode("utf-8").splitlines(keepends=True)
    rest = "".join(line for line in lines if not line.startswith("@prefix "))
    used = [(k, v) for k, v in sorted(names.items()) if re.search(rf"(?<![\w-]){k}:", rest)]
    return "".join(f"@prefix {k}: <{v}> .\n" for k, v in used) + "\n" + rest


def _term_of(text: str) -> ox.NamedNode | ox.BlankNode:
    return ox.BlankNode(text[2:]) if text.startswith("_:") else ox.NamedNode(text)


def _parse_term(text: str) -> Any:
    quad = next(iter(ox.parse(f"<s:s> <p:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES)))
    return quad.object
