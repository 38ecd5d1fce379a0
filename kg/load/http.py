"""The HTTP side of ``kg load`` and ``kg query --endpoint``: SPARQL 1.1 query and update and
the Graph Store protocol, one request at a time, with timeouts and retries with backoff,
through the one opener of ``kg.load.endpoints`` (credentials for the endpoint's origin only, no
redirect to another)."""

from __future__ import annotations

import hashlib
import http.client
import json
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple, TypeVar

import pyoxigraph as ox

from kg.errors import StoreError, UsageError
from kg.export.formats import NTRIPLES
from kg.graph.vocab import KG
from kg.load.endpoints import ConnectionFailed, Endpoints, RemoteError, opener

TMP_PREFIX = "urn:x-kg:load-tmp:"
DEFAULT_GRAPH = ""  # the name kg gives the default graph
PROTOCOLS = ("auto", "graph-store", "update")
_RETRY = frozenset({429, 500, 502, 503, 504})
_NOT_PROCESSED = frozenset({429, 503})  # safe to resend even a non-idempotent request
_NO_GRAPH_STORE = frozenset({404, 405, 415, 501})
_BATCH = 100  # graphs per counting query
T = TypeVar("T")


def label(graph: str) -> str:
    return graph or "(default graph)"


class Content(NamedTuple):
    """What tells a graph here from its copy on the server."""

    triples: int
    hash: str | None  # order-independent; None when a blank node makes it moot


class Answer(NamedTuple):
    """A query's answer as the server sent it, for the caller to parse."""

    data: bytes
    media_type: str


def count_and_hash(triples: Iterable[ox.Triple | ox.Quad]) -> Content:
    """The triple count and an order-independent content hash (the sum of the SHA-256 of
    every triple); no hash when a blank node makes it moot."""
    total = count = 0
    blank = False
    for item in triples:
        triple = item.triple if isinstance(item, ox.Quad) else item
        count += 1
        blank = blank or isinstance(triple.subject, ox.BlankNode)
        blank = blank or isinstance(triple.object, ox.BlankNode)
        total += int.from_bytes(hashlib.sha256(str(triple).encode()).digest()[:16], "big")
    return Content(count, None if blank else f"{total % 2**128:032x}")


# -- the HTTP client -------------------------------------------------------------------------


class Remote:
    """SPARQL query/update and Graph Store requests, with timeouts and retries with backoff."""

    def __init__(
        self,
        endpoints: Endpoints,
        *,
        timeout: float = 60.0,
        retries: int = 3,
        backoff: float = 0.5,
        protocol: str = "auto",
        environ: Mapping[str, str] | None = None,
    ) -> None:
        if protocol not in PROTOCOLS:
            raise UsageError(f"protocol must be one of {', '.join(PROTOCOLS)}, got {protocol!r}")
        if protocol == "graph-store" and endpoints.graph_store is None:
            raise UsageError(
                "no Graph Store URL known for this endpoint: pass --graph-store URL "
                "(Fuseki: http://HOST:3030/DATASET/data) or use --protocol update"
            )
        self.endpoints = endpoints
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.use_graph_store = protocol != "update" and endpoints.graph_store is not None
        self.may_fall_back = protocol == "auto"
        urls = {endpoints.query, endpoints.update, endpoints.graph_store or endpoints.query}
        self._opener = opener(sorted(urls), environ)
        self.requests = 0

    # one request, retried

    def _call(self, what: str, send: Callable[[], T], idempotent: bool = True) -> T:
        for attempt in range(self.retries + 1):
            try:
                return send()
            except urllib.error.HTTPError as exc:
                with exc:
                    detail = " ".join(exc.read(500).decode("utf-8", "replace").split())
                message = f"{what}: HTTP {exc.code} {exc.reason} {detail}".rstrip()
                if exc.code in (401, 403):
                    message += (
                        " (credentials come from KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD, "
                        "or from ~/.netrc)"
                    )
                error: StoreError = RemoteError(message, exc.code)
                retry = exc.code in (_RETRY if idempotent else _NOT_PROCESSED)
            except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
                reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
                if isinstance(reason, ssl.SSLError):
                    raise ConnectionFailed(
                        f"{what}: TLS failed: {reason} (a private CA goes in SSL_CERT_FILE)"
                    ) from exc
                if isinstance(reason, TimeoutError):
                    error = ConnectionFailed(
                        f"{what}: timed out after {self.timeout:g} s (raise --timeout?)"
                    )
                else:
                    error = ConnectionFailed(f"{what}: cannot reach the server: {reason}")
                retry = idempotent or isinstance(reason, ConnectionRefusedError)
            if not retry or attempt >= self.retries:
                raise error
            time.sleep(min(self.backoff * 2**attempt, 30.0))
        raise AssertionError("unreachable")

    def _open(
        self, url: str, data: bytes | None, headers: dict[str, str], method: str = "POST"
    ) -> http.client.HTTPResponse:
        self.requests += 1
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        response: http.client.HTTPResponse = self._opener.open(request, timeout=self.timeout)
        return response

    def _post(
        self, url: str, data: bytes, content_type: str, accept: str = "*/*", method: str = "POST"
    ) -> bytes:
        headers = {"Content-Type": content_type, "Accept": accept}
        with self._open(url, data, headers, method) as response:
            return response.read()

    def query(self, query: str, accept: str) -> Answer:
        """Any query's answer, for the caller to parse (``kg query``)."""

        def send() -> Answer:
            form = urllib.parse.urlencode({"query": query}).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
            with self._open(self.endpoints.query, form, headers) as response:
                media_type = (response.headers.get("Content-Type") or "").split(";")[0]
                return Answer(response.read(), media_type.strip())

        return self._call("SPARQL query", send)

    def select(self, query: str) -> list[dict[str, str]]:
        """Rows of a SELECT query as {variable: lexical value}."""

        def send() -> bytes:
            return self._post(
                self.endpoints.query,
                urllib.parse.urlencode({"query": query}).encode(),
                "application/x-www-form-urlencoded",
                "application/sparql-results+json",
            )

        raw = self._call("SPARQL query", send)
        try:
            bindings = json.loads(raw)["results"]["bindings"]
            return [{k: v["value"] for k, v in row.items()} for row in bindings]
        except (ValueError, KeyError, TypeError) as exc:
            raise RemoteError(
                f"SPARQL query: the server did not answer SPARQL JSON: {exc}"
            ) from exc

    def update(self, text: str, idempotent: bool = True) -> None:
        form = urllib.parse.urlencode({"update": text}).encode()
        self._call(
            "SPARQL update",
            lambda: self._post(self.endpoints.update, form, "application/x-www-form-urlencoded"),
            idempotent,
        )

    def add_triples(self, graph: str, ntriples: bytes) -> None:
        """Add N-Triples to a named graph (Graph Store POST, else INSERT DATA)."""
        if self._graph_store("POST", graph, ntriples):
            return
        self.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{ntriples.decode()}}} }}")

    def replace(self, graph: str, ntriples: bytes) -> None:
        """Replace a graph with these triples in one request, which a transactional store
        applies whole or not at all (Graph Store PUT, else one DROP + INSERT DATA update)."""
        if self._graph_store("PUT", graph, ntriples):
            return
        body = ntriples.decode()
        if graph:
            self.update(
                f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{body}}} }}"
            )
        else:
            self.update(f"CLEAR SILENT DEFAULT ;\nINSERT DATA {{\n{body}}}")

    def _graph_store(self, method: str, graph: str, ntriples: bytes) -> bool:
        """Send to the Graph Store; False when there is none (then SPARQL Update from now on)."""
        if not self.use_graph_store:
            return False
        target = urllib.parse.urlencode({"graph": graph}) if graph else "default"
        url = f"{self.endpoints.graph_store}?{target}"
        try:
            self._call(
                f"Graph Store {method}",
                lambda: self._post(url, ntriples, NTRIPLES.media_type, method=method),
            )
            return True
        except RemoteError as exc:
            if not (self.may_fall_back and exc.status in _NO_GRAPH_STORE):
                raise
        self.use_graph_store = False
        return False

    def content(self, graph: str) -> Content:
        """The triple count and content hash of a graph on the server, streamed."""
        where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
        form = urllib.parse.urlencode({"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}"})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": NTRIPLES.media_type,
        }

        def send() -> Content:
            with self._open(self.endpoints.query, form.encode(), headers) as response:
                try:
                    return count_and_hash(ox.parse(response, format=ox.RdfFormat.N_TRIPLES))
                except SyntaxError as exc:
                    raise RemoteError(f"the server sent unreadable N-Triples: {exc}") from exc

        return self._call(f"download of {label(graph)}", send)

    def counts(self, graphs: Sequence[str]) -> dict[str, int]:
        """Triple count of each graph on the server (0 when it has none)."""
        found = dict.fromkeys(graphs, 0)
        named = [g for g in graphs if g]
        for start in range(0, len(named), _BATCH):
            values = " ".join(f"<{g}>" for g in named[start : start + _BATCH])
            rows = self.select(
                f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
                "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
            )
            found.update({row["g"]: int(row["n"]) for row in rows if row.get("g") in found})
        if DEFAULT_GRAPH in found:
            rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
            found[DEFAULT_GRAPH] = int(rows[0]["n"]) if rows else 0
        return found

    def temp_graphs(self) -> list[str]:
        rows = self.select(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { } "
            f'FILTER STRSTARTS(STR(?g), "{TMP_PREFIX}") }}'
        )
        return sorted(row["g"] for row in rows if "g" in row)

    def page_graphs(self) -> list[str]:
        """Graphs on the server that describe a source page of ours (MODEL.md: a page's IRI
        is its graph's IRI)."""
        page = str(KG.SourcePage)
        rows = self.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?g a <{page}> }} }}")
        return [row["g"] for row in rows if "g" in row]

    def drop(self, graphs: Sequence[str]) -> None:
        if graphs:
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))

    def move(self, source: str, target: str) -> None:
        """Replace ``target`` by ``source`` in one update; ``source`` must exist.

        Never ``MOVE SILENT``: Oxigraph then empties the target when the source is missing.
        """
        self.update(f"MOVE <{source}> TO {f'<{target}>' if target else 'DEFAULT'}", False)
