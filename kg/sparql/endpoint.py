"""Saved queries run on a remote SPARQL 1.1 endpoint (``kg query --endpoint``), through
``kg.load.http``, the client ``kg load`` uses: credentials for the endpoint's origin only, no
redirect elsewhere. Parameters are bound by a ``VALUES`` block (``kg.sparql.text.with_values``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

import pyoxigraph as ox

from kg.errors import StoreError, UsageError
from kg.export.formats import NTRIPLES, TURTLE
from kg.load.endpoints import RemoteError, endpoints_for
from kg.load.http import Remote
from kg.sparql.results import Results, collect
from kg.sparql.saved import SavedQuery, check_syntax
from kg.sparql.text import Term, with_values

T = TypeVar("T")

_RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
_GRAPH_ACCEPT = f"{NTRIPLES.media_type}, {TURTLE.media_type};q=0.9, application/rdf+xml;q=0.5"


def run_remote(
    endpoint: str, query: SavedQuery, bindings: Mapping[str, Term], timeout: float = 120
) -> Results:
    """Run a query on a SPARQL 1.1 endpoint; parameters bound by a VALUES block.

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
    data, media_type = _ask(
        urls.query, lambda: remote.query(text, _GRAPH_ACCEPT if graph else _RESULTS_ACCEPT)
    )
    try:
        if graph:
            rdf_format = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.TURTLE
            return Results("graph", triples=tuple(q.triple for q in ox.parse(data, rdf_format)))
        results_format = ox.QueryResultsFormat.from_media_type(media_type)
        return collect(ox.parse_query_results(data, results_format or ox.QueryResultsFormat.JSON))
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"{urls.query} answered with results that cannot be read: {exc}") from exc


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
