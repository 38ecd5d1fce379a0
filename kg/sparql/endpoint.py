"""Saved queries run on a remote SPARQL 1.1 endpoint (``kg query --endpoint``), through
``kg.load.http``, the client ``kg load`` uses: credentials for the endpoint's origin only, no
redirect elsewhere. Parameters are bound by a ``VALUES`` block (``kg.sparql.text.with_values``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TypeVar

import pyoxigraph as ox

from kg.errors import StoreError, UsageError
from kg.export.formats import NTRIPLES, TURTLE
from kg.load.endpoints import RemoteError, endpoints_for
from kg.load.http import Remote
from kg.sparql.results import Results, collect
from kg.sparql.saved import SavedQuery, check_syntax
from kg.sparql.text import Term, reads_named_graphs, with_values

T = TypeVar("T")

_RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
_GRAPH_ACCEPT = f"{NTRIPLES.media_type}, {TURTLE.media_type};q=0.9, application/rdf+xml;q=0.5"


def run_remote(
    endpoint: str,
    query: SavedQuery,
    bindings: Mapping[str, Term],
    timeout: float = 120,
    default_graph: str | None = None,
) -> Results:
    """Run a query on a SPARQL 1.1 endpoint; parameters bound by a VALUES block.

    ``default_graph``, when the server holds it (one ASK first), is the graph the query
    reads as its default graph, sent as the protocol's ``default-graph-uri``; else the
    server's own default graph is read. ``kg query`` names ``<base>graph/union``, the
    deduplicated union that ``kg load --no-default-graph`` writes, so a store whose default
    graph is the union of all its graphs answers with the local rows too (issue 20:
    Virtuoso's holds a triple once per graph, system graphs included). Booleans come back
    in their canonical form (Virtuoso writes ``1``/``0``).

    ``endpoint`` is read as ``kg load`` reads it: a server root or a ``.../query`` URL gets
    Oxigraph's layout (updates to ``.../update``); credentials come from KG_ENDPOINT_USER /
    KG_ENDPOINT_PASSWORD or netrc, never from the command line, and go to that origin only:
    the request goes through ``kg.load.http``, which refuses a redirect to another server.
    The form comes from kg's lexer, which skips comments and strings (SPARQLWrapper's regex
    read "dcterms:creator" in a note as CREATE and sent the query to the update endpoint).
    """
    urls = endpoints_for(endpoint)
    remote = Remote(urls, timeout=timeout, retries=0, protocol="update")
    form = query.form
    if form == "UPDATE":
        if bindings:
            raise UsageError(f"{query.source}: parameters cannot be bound in an update")
        _ask(urls.update, lambda: remote.update(query.text, idempotent=False))
        return Results("update")
    check_syntax(query)
    graph = form in ("CONSTRUCT", "DESCRIBE")
    text = with_values(query.text, bindings)
    # A default-graph-uri without named-graph-uri leaves the dataset no named graphs (SPARQL
    # protocol), so a query that names graphs or its own dataset is sent unscoped.
    scope: tuple[str, ...] = ()
    if default_graph is not None and not reads_named_graphs(text):
        scope = (default_graph,) if _holds(remote, urls.query, default_graph) else ()
    accept = _GRAPH_ACCEPT if graph else _RESULTS_ACCEPT
    data, media_type = _ask(urls.query, lambda: remote.query(text, accept, scope))
    try:
        if graph:
            rdf_format = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.TURTLE
            triples = tuple(q.triple for q in ox.parse(data, rdf_format))
            results = Results("graph", triples=tuple(canonical_triple(t) for t in triples))
        else:
            results_format = ox.QueryResultsFormat.from_media_type(media_type)
            results = canonical(
                collect(ox.parse_query_results(data, results_format or ox.QueryResultsFormat.JSON))
            )
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"{urls.query} answered with results that cannot be read: {exc}") from exc
    return results


def _holds(remote: Remote, endpoint: str, graph: str) -> bool:
    """Whether the server has triples in ``graph`` (``GRAPH <iri>``, which every store
    answers; Virtuoso lists no graph for ``GRAPH ?g { }``)."""
    ask = f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    data, media_type = _ask(endpoint, lambda: remote.query(ask, _RESULTS_ACCEPT))
    try:
        results_format = ox.QueryResultsFormat.from_media_type(media_type)
        found = ox.parse_query_results(data, results_format or ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"{endpoint} answered with results that cannot be read: {exc}") from exc
    return isinstance(found, ox.QueryBoolean) and bool(found)


def canonical(results: Results) -> Results:
    """Results with every xsd:boolean in its canonical form, ``true``/``false``: Virtuoso
    writes the other lexical forms, ``1``/``0``, and renders must not depend on the store."""
    if results.kind != "solutions":
        return results
    rows = tuple(tuple(canonical_term(term) for term in row) for row in results.rows)
    return replace(results, rows=rows)


def canonical_term(term: T) -> T:
    if isinstance(term, ox.Literal) and term.datatype == _BOOLEAN and term.value in ("1", "0"):
        value = ox.Literal("true" if term.value == "1" else "false", datatype=_BOOLEAN)
        return value  # type: ignore[return-value]  # a Literal, as the term was
    return term


def canonical_triple(triple: ox.Triple) -> ox.Triple:
    value = canonical_term(triple.object)
    return triple if value is triple.object else ox.Triple(triple.subject, triple.predicate, value)


def _ask(endpoint: str, send: Callable[[], T]) -> T:
    """The request's answer; its failure as a usage error when the server rejects the query
    (HTTP 400), else as a failure naming the endpoint."""
    try:
        return send()
    except RemoteError as exc:
        if exc.status == 400:
            raise UsageError(f"{endpoint} rejected the query: {exc.message}") from exc
        raise StoreError(f"{endpoint}: {exc.message}") from exc
    except StoreError as exc:  # unreachable, timed out, TLS, a redirect elsewhere
        raise StoreError(f"cannot query {endpoint}: {exc.message}") from exc
