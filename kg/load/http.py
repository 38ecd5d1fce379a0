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
from kg.load.paging import (
    count_query,
    page_query,
    predicate_counts_query,
    predicate_query,
)

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
        warn: Callable[[str], None] | None = None,
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
        self.warn = warn or (lambda _: None)  # said once: the server cuts its answers
        self.cut_at: int | None = None

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
                        "or from ~/.netrc; KG_ENDPOINT_AUTH=basic sends them unasked)"
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

    def query(self, query: str, accept: str, default_graphs: Sequence[str] = ()) -> Answer:
        """Any query's answer, for the caller to parse (``kg query``); ``default_graphs``
        go as the protocol's ``default-graph-uri`` (the graphs merged into the default graph)."""

        def send() -> Answer:
            fields = [("query", query), *(("default-graph-uri", g) for g in default_graphs)]
            form = urllib.parse.urlencode(fields).encode()
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

    def content(self, graph: str, expected: int | None = None) -> Content:
        """The triple count and content hash of a graph on the server, streamed.

        ``expected`` is its triple count there: when the answer is shorter, the server cut
        it (issue 20), and the graph is read again in parts that each fit in one answer.
        """
        where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
        whole = self._construct(graph, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}")
        if expected is None or whole.triples >= expected or whole.triples == 0:
            return whole
        self._cut(whole.triples)
        return self._content_in_parts(graph, expected, whole.triples)

    def _construct(self, graph: str, query: str) -> Content:
        form = urllib.parse.urlencode({"query": query})
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

    def _content_in_parts(self, graph: str, expected: int, cap: int) -> Content:
        """The graph's content read predicate by predicate, a big predicate in pages of
        ``cap`` triples (``kg.load.paging``), each part checked against its count; the
        hashes add up (the content hash is a sum). Each part reads its own triples only,
        so the whole costs about one download of the graph (the 569,356-triple union
        graph of the 10 k benchmark corpus: 131 answers, 13 to 17 s on Virtuoso here)."""
        rows = self.select_all(predicate_counts_query(graph))
        parts = [(row["p"], int(row["n"])) for row in rows if "p" in row and "n" in row]
        if sum(size for _, size in parts) != expected:  # changed since it was counted
            return Content(sum(size for _, size in parts), None)
        total = count = 0
        moot = False
        for predicate, size in parts:
            pages = [None] if size <= cap else [(at, cap) for at in range(0, size, cap)]
            for page in pages:
                part = self._construct(graph, predicate_query(graph, predicate, page))
                wanted = size if page is None else min(cap, size - page[0])
                if part.triples != wanted:
                    raise RemoteError(
                        f"download of {label(graph)}: the server sent {part.triples} of the "
                        f"{wanted} triples of a part (cut short by its result limit, "
                        "Virtuoso's ResultSetMaxRows, or changed meanwhile)"
                    )
                count += part.triples
                moot = moot or part.hash is None
                total += int(part.hash or "0", 16)
        return Content(count, None if moot else f"{total % 2**128:032x}")

    def _cut(self, rows: int) -> None:
        if self.cut_at is None:
            self.cut_at = rows
            self.warn(
                f"the server cut an answer at {rows} rows (Virtuoso: ResultSetMaxRows); "
                "reading it again in parts"
            )

    def count_rows(self, query: str) -> int:
        """How many rows a SELECT query has (``kg.load.paging.count_query``)."""
        rows = self.select(count_query(query))
        return int(rows[0]["n"]) if rows and "n" in rows[0] else 0

    def select_all(self, query: str) -> list[dict[str, str]]:
        """Every row of a SELECT query whose ``ORDER BY`` fixes its order, even where the
        server cuts answers short: count, then page (issue 20)."""
        rows = self.select(query)
        if not rows:
            return rows
        total = self.count_rows(query)
        if len(rows) >= total:
            return rows
        self._cut(len(rows))
        size = len(rows)
        for offset in range(size, total, size):
            rows += self.select(page_query(query, offset, size))
        return rows

    def counts(self, graphs: Sequence[str]) -> dict[str, int]:
        """Triple count of each graph on the server (0 when it has none).

        One count per graph, each over a graph named in the query, joined by UNION: with
        ``VALUES ?g { ... } GRAPH ?g { ... } GROUP BY ?g`` instead, Virtuoso 7.2.5 chose a
        plan that ran into its 60 s limit for the 93 graphs of the 10 k benchmark corpus on
        /sparql-auth (a second of work on /sparql, or with the same graphs in another
        order), so that ``kg load`` failed there (issue 20)."""
        found = dict.fromkeys(graphs, 0)
        named = [g for g in graphs if g]
        for start in range(0, len(named), _BATCH):
            rows = self.select(
                "SELECT ?g ?n WHERE { "
                + " UNION ".join(
                    f"{{ SELECT (<{g}> AS ?g) (COUNT(*) AS ?n) "
                    f"WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }} }}"
                    for g in named[start : start + _BATCH]
                )
                + " }"
            )
            found.update({row["g"]: int(row["n"]) for row in rows if row.get("g") in found})
        if DEFAULT_GRAPH in found:
            rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
            found[DEFAULT_GRAPH] = int(rows[0]["n"]) if rows else 0
        return found

    def temp_graphs(self) -> list[str]:
        """The temporary graphs an interrupted run left. Listed by their triples, which
        every store answers (Virtuoso has no empty graphs and answers ``GRAPH ?g { }`` with
        nothing, issue 20), and by ``GRAPH ?g { }`` for the stores that keep empty graphs."""
        tmp = f'FILTER STRSTARTS(STR(?g), "{TMP_PREFIX}")'
        rows = self.select_all(
            f"SELECT DISTINCT ?g WHERE {{ {{ GRAPH ?g {{ ?s ?p ?o }} {tmp} }} "
            f"UNION {{ GRAPH ?g {{ }} {tmp} }} }} ORDER BY ?g"
        )
        return sorted({row["g"] for row in rows if "g" in row})

    def page_graphs(self) -> list[str]:
        """Graphs on the server that describe a source page of ours (MODEL.md: a page's IRI
        is its graph's IRI)."""
        page = str(KG.SourcePage)
        rows = self.select_all(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?g a <{page}> }} }} ORDER BY ?g"
        )
        return [row["g"] for row in rows if "g" in row]

    def drop(self, graphs: Sequence[str]) -> None:
        if graphs:
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))

    def move(self, source: str, target: str) -> None:
        """Replace ``target`` by ``source`` in one update; ``source`` must exist.

        Never ``MOVE SILENT``: Oxigraph then empties the target when the source is missing.
        """
        self.update(f"MOVE <{source}> TO {f'<{target}>' if target else 'DEFAULT'}", False)
