"""Load the built graph into a SPARQL 1.1 store over HTTP (``kg load``).

Every graph of the embedded store is pushed: one per source page, the dataset description,
the taxonomy, and the deduplicated default graph (MODEL.md). No graph on the server is ever
half-replaced:

1. temporary graphs left by an interrupted run (``urn:x-kg:load-tmp:...``) are dropped;
2. each graph is compared with the server's copy: the same triple count and the same content
   hash (an order-independent sum of the SHA-256 of every triple, streamed on both sides)
   means *unchanged*, and nothing is sent for it;
3. a changed graph that fits in one chunk is replaced by one request (Graph Store PUT, or
   one ``DROP; INSERT DATA`` update); a bigger one is uploaded chunk by chunk into a fresh
   temporary graph (Graph Store POST, or ``INSERT DATA``) and put in place with one
   ``MOVE <tmp> TO <graph>``. A transactional store (Oxigraph, Fuseki/TDB2, GraphDB) applies
   each request whole or not at all, so readers see the old graph or the new one;
4. the triple count of every graph on the server is checked against the local one.

One chunk at a time keeps memory bounded on both sides. A chunk is a set of ground triples,
so resending one after a timeout cannot duplicate anything; a ``MOVE`` is resent only when
the server certainly did not process it. (On Oxigraph 0.5 a ``MOVE`` costs about as much as
a ``PUT`` that replaces a graph, and twice to three times a ``POST``: hence one request for
graphs that fit in a chunk.)

Endpoints and credentials are in ``kg.load.endpoints``, the HTTP requests in ``kg.load.http``.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import islice
from typing import NamedTuple

import pyoxigraph as ox

from kg.errors import StoreError
from kg.graph.layout import Graph
from kg.load.endpoints import Endpoints
from kg.load.http import DEFAULT_GRAPH, TMP_PREFIX, Content, Remote, count_and_hash

DEFAULT_CHUNK = 50_000


# -- the local side --------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalGraph:
    name: str  # IRI, or "" for the default graph
    triples: int


def _graph_term(name: str) -> ox.NamedNode | ox.DefaultGraph:
    return ox.NamedNode(name) if name else ox.DefaultGraph()


def local_graphs(store: Graph) -> list[LocalGraph]:
    """Every graph of the store with its triple count: named graphs by IRI, then the default
    graph. Counted by a SPARQL query, which is much faster than iterating in Python."""
    named = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    counts = dict(_rows(store, named))
    counts.update(_rows(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    return [LocalGraph(name, counts[name]) for name in sorted(counts, key=lambda n: (not n, n))]


def _to_send(
    store: Graph, default_graph: bool, union_graph: str | None
) -> tuple[list[LocalGraph], dict[str, str]]:
    """The graphs to load, and where each one's triples are read here: ``union_graph`` (the
    default graph under a name of its own, which ``kg query --endpoint`` asks) reads the
    local default graph (issue 20)."""
    graphs = local_graphs(store)
    chosen = [g for g in graphs if default_graph or g.name != DEFAULT_GRAPH]
    if union_graph is None:
        return chosen, {}
    union = [LocalGraph(union_graph, g.triples) for g in graphs if g.name == DEFAULT_GRAPH]
    return chosen + union, {union_graph: DEFAULT_GRAPH}


def _rows(store: Graph, query: str) -> list[tuple[str, int]]:
    """(graph IRI or "" when ?g is unbound, count) for each row with a count above 0."""
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    rows = []
    for row in solutions:
        graph, count = row["g"], row["n"]  # ?g is None in the default graph's count
        if count is not None and int(count.value):
            rows.append((graph.value if isinstance(graph, ox.NamedNode) else "", int(count.value)))
    return rows


def local_content(store: Graph, graph: str) -> Content:
    return count_and_hash(store.quads_for_pattern(None, None, None, _graph_term(graph)))


def chunks(store: Graph, graph: str, size: int) -> Iterator[bytes]:
    """The graph as N-Triples, ``size`` triples at a time (bounded memory)."""
    quads = store.quads_for_pattern(None, None, None, _graph_term(graph))
    while batch := [q.triple for q in islice(quads, size)]:
        yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES) or b""


# -- the load ----------------------------------------------------------------------------------


class Status(StrEnum):
    PENDING = "not loaded"
    UNCHANGED = "unchanged"
    LOADED = "loaded"
    FAILED = "failed"
    MISMATCH = "count mismatch"


@dataclass
class GraphResult:
    graph: str
    triples: int
    status: Status = Status.PENDING
    server: int | None = None  # triple count on the server after the load
    note: str = ""


@dataclass
class LoadReport:
    results: list[GraphResult]
    error: str | None = None
    cleaned: list[str] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    sent: int = 0  # triples uploaded
    stale: list[str] = field(default_factory=list)  # page graphs there, not built here

    @property
    def mismatched(self) -> list[GraphResult]:
        return [r for r in self.results if r.status is Status.MISMATCH]


@dataclass(frozen=True)
class Event:
    kind: str  # "clean", "check", "chunk", "moved", "fallback", "verify"
    graph: str = ""
    detail: int = 0


def load(
    store: Graph,
    remote: Remote,
    *,
    chunk_size: int = DEFAULT_CHUNK,
    force: bool = False,
    default_graph: bool = True,
    union_graph: str | None = None,
    on_event: Callable[[Event], None] | None = None,
) -> LoadReport:
    """Replace every graph of ``store`` on the server; never raises for server failures:
    the report says which graphs got loaded and carries the error.

    ``default_graph=False`` leaves the server's default graph alone (for stores whose
    default graph is already the union of the named graphs). ``union_graph`` also loads the
    default graph (the deduplicated union) into that named graph."""
    say = on_event or (lambda _: None)
    started = time.perf_counter()
    graphs, sources = _to_send(store, default_graph, union_graph)
    report = LoadReport([GraphResult(g.name, g.triples) for g in graphs])
    results = {r.graph: r for r in report.results}
    run = secrets.token_hex(6)
    current: tuple[GraphResult, str] | None = None
    try:
        report.cleaned = remote.temp_graphs()
        if report.cleaned:
            say(Event("clean", detail=len(report.cleaned)))
            remote.drop(report.cleaned)
        on_server = remote.counts([g.name for g in graphs])
        report.stale = sorted(set(remote.page_graphs()) - set(results))
        for index, graph in enumerate(graphs):
            result = results[graph.name]
            say(Event("check", graph.name, graph.triples))
            source = sources.get(graph.name, graph.name)
            if not force and _same(store, remote, graph, on_server[graph.name], source):
                result.status = Status.UNCHANGED
                continue
            was_graph_store = remote.use_graph_store
            if graph.triples <= chunk_size:  # one request replaces it
                current = (result, "")
                remote.replace(graph.name, b"".join(chunks(store, source, chunk_size)))
                say(Event("chunk", graph.name, 1))
            else:  # chunks into a temporary graph, then one MOVE
                tmp = f"{TMP_PREFIX}{run}/{index}"
                current = (result, tmp)
                for number, data in enumerate(chunks(store, source, chunk_size), 1):
                    remote.add_triples(tmp, data)
                    say(Event("chunk", graph.name, number))
                remote.move(tmp, graph.name)
            if was_graph_store and not remote.use_graph_store:
                say(Event("fallback", graph.name))
            current = None
            result.status = Status.LOADED
            report.sent += graph.triples
            say(Event("moved", graph.name, graph.triples))
        say(Event("verify", detail=len(graphs)))
        after = remote.counts([g.name for g in graphs])
        for graph in graphs:
            result = results[graph.name]
            result.server = after[graph.name]
            if result.server != graph.triples:
                result.status = Status.MISMATCH
    except StoreError as exc:
        report.error = exc.format_message()
    except KeyboardInterrupt:
        report.error = "interrupted"
    except OSError as exc:  # the local store (server failures are StoreErrors by now)
        report.error = f"cannot read the local store: {exc}"
    if current is not None:
        result, tmp = current
        result.status = Status.FAILED
        if tmp:
            _forget(remote, tmp)
    report.requests = remote.requests
    report.seconds = time.perf_counter() - started
    return report


def _same(store: Graph, remote: Remote, graph: LocalGraph, server_count: int, source: str) -> bool:
    """Same count, then (only then: both sides cost a full read) the same content hash."""
    if server_count != graph.triples:
        return False
    here = local_content(store, source)
    return here.hash is not None and remote.content(graph.name, server_count) == here


def _forget(remote: Remote, tmp: str) -> None:
    """Best effort: drop a half-filled temporary graph now (the next run drops it anyway)."""
    retries, remote.retries = remote.retries, 0
    try:
        remote.drop([tmp])
    except (StoreError, KeyboardInterrupt):
        pass
    finally:
        remote.retries = retries


class PlannedGraph(NamedTuple):
    graph: LocalGraph
    chunks: int  # upload requests for it


@dataclass(frozen=True)
class Plan:
    """What ``load`` would send (``--dry-run``): the graphs and the requests, in order."""

    graphs: list[PlannedGraph]
    steps: list[str]


def plan(
    store: Graph,
    endpoints: Endpoints,
    protocol: str,
    chunk_size: int,
    default_graph: bool = True,
    union_graph: str | None = None,
) -> Plan:
    """Computed from the local store alone: nothing is contacted."""
    tmp = f"<{TMP_PREFIX}RUN/N>"
    if protocol != "update" and endpoints.graph_store is not None:
        gsp = endpoints.graph_store
        replace = f"PUT {gsp}?graph=<graph> (?default for the default graph)  N-Triples"
        add = f"POST {gsp}?graph={tmp}  N-Triples, <= {chunk_size} triples each"
    else:
        replace = f"POST {endpoints.update}  DROP SILENT GRAPH <graph> ; INSERT DATA {{...}}"
        add = (
            f"POST {endpoints.update}  INSERT DATA {{ GRAPH {tmp} {{ <= {chunk_size} triples }} }}"
        )
    steps = [
        f"POST {endpoints.query}  SELECT the temporary graphs an earlier run left",
        f"POST {endpoints.update}  DROP SILENT GRAPH each of them (if any)",
        f"POST {endpoints.query}  SELECT the triple count of every graph",
        f"POST {endpoints.query}  SELECT the page graphs there (to warn of pages not built here)",
        "per graph whose count matches:",
        f"  POST {endpoints.query}  CONSTRUCT the graph, to compare content hashes",
        "per graph that differs (all of them on an empty store), when it has 1 chunk:",
        f"  {replace}",
        "per graph that differs, when it has several chunks:",
        f"  'chunks' x {add}",
        f"  POST {endpoints.update}  MOVE {tmp} TO <graph> (DEFAULT for the default graph)",
        f"POST {endpoints.query}  SELECT the triple count of every graph, to verify",
    ]
    graphs = [
        PlannedGraph(g, -(-g.triples // chunk_size))
        for g in _to_send(store, default_graph, union_graph)[0]
    ]
    return Plan(graphs, steps)
