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

Credentials come from ``KG_ENDPOINT_USER`` / ``KG_ENDPOINT_PASSWORD`` or a netrc file
(``NETRC`` or ``~/.netrc``), never from the command line. HTTPS, proxies
(``https_proxy``/``no_proxy``) and CA bundles (``SSL_CERT_FILE``) are the standard library's.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import netrc
import os
import secrets
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import islice
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from kg.errors import StoreError, UsageError
from kg.vocab import KG

TMP_PREFIX = "urn:x-kg:load-tmp:"
DEFAULT_GRAPH = ""  # the name this module gives the default graph
DEFAULT_CHUNK = 50_000
PROTOCOLS = ("auto", "graph-store", "update")
_RETRY = frozenset({429, 500, 502, 503, 504})
_NOT_PROCESSED = frozenset({429, 503})  # safe to resend even a non-idempotent request
_NO_GRAPH_STORE = frozenset({404, 405, 415, 501})
_BATCH = 100  # graphs per counting query
T = TypeVar("T")


class ConnectionFailed(StoreError):
    """The server could not be reached (refused, reset, timed out, TLS failure)."""


class RemoteError(StoreError):
    """The server answered with an error."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


# -- endpoints and credentials -------------------------------------------------------------


@dataclass(frozen=True)
class Endpoints:
    query: str
    update: str
    graph_store: str | None  # None: SPARQL Update only


def endpoints_for(
    endpoint: str, graph_store: str | None = None, update: str | None = None
) -> Endpoints:
    """The three URLs from the one the user gave.

    A bare server root (``http://host:7878``) or a URL ending in ``/query`` gets Oxigraph's
    layout (``/query``, ``/update``, ``/store``); any other URL is taken as a SPARQL endpoint
    that also accepts updates, with no known graph store unless ``--graph-store`` says one.
    """
    for url in (endpoint, graph_store, update):
        if url is not None and not _is_http(url):
            raise UsageError(f"not an http(s) URL: {url!r} (for example http://127.0.0.1:7878)")
    path = urllib.parse.urlsplit(endpoint).path
    if path.rstrip("/") == "":
        root = endpoint.rstrip("/") + "/"
        query, derived_update, derived_store = root + "query", root + "update", root + "store"
    elif path.endswith("/query"):
        root = endpoint[: -len("query")]
        query, derived_update, derived_store = endpoint, root + "update", root + "store"
    else:
        query, derived_update, derived_store = endpoint, endpoint, None
    return Endpoints(query, update or derived_update, graph_store or derived_store)


def _is_http(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = field(repr=False)  # never shown


def credentials_for(url: str, environ: Mapping[str, str] | None = None) -> Credentials | None:
    """``KG_ENDPOINT_USER``/``KG_ENDPOINT_PASSWORD``, else the netrc entry for the URL's host."""
    env = os.environ if environ is None else environ
    user = env.get("KG_ENDPOINT_USER")
    if user:
        return Credentials(user, env.get("KG_ENDPOINT_PASSWORD", ""))
    path = Path(env["NETRC"]) if env.get("NETRC") else Path.home() / ".netrc"
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(urllib.parse.urlsplit(url).hostname or "")
    except (netrc.NetrcParseError, OSError) as exc:
        raise UsageError(f"cannot read {path}: {exc} (it should be readable, mode 600)") from exc
    if entry is None:
        return None
    login, _account, password = entry
    return Credentials(login, password or "")


def _opener(
    urls: Sequence[str], environ: Mapping[str, str] | None
) -> urllib.request.OpenerDirector:
    """An opener that sends Basic credentials with the first request to each endpoint (and
    answers a Digest challenge), only to those URLs: a redirect elsewhere gets none."""
    passwords = urllib.request.HTTPPasswordMgrWithPriorAuth()
    for url in urls:
        found = credentials_for(url, environ)
        if found is not None:
            passwords.add_password(None, url, found.user, found.password, is_authenticated=True)
    handlers: list[urllib.request.BaseHandler] = [
        urllib.request.HTTPBasicAuthHandler(passwords),
        urllib.request.HTTPDigestAuthHandler(passwords),
    ]
    if any(url.startswith("https:") for url in urls):  # one verifying context, built once
        handlers.append(urllib.request.HTTPSHandler(context=ssl.create_default_context()))
    return urllib.request.build_opener(*handlers)


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
        self._opener = _opener(sorted(urls), environ)
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
                lambda: self._post(url, ntriples, "application/n-triples", method=method),
            )
            return True
        except RemoteError as exc:
            if not (self.may_fall_back and exc.status in _NO_GRAPH_STORE):
                raise
        self.use_graph_store = False
        return False

    def content(self, graph: str) -> tuple[int, str | None]:
        """(triple count, content hash) of a graph on the server, streamed."""
        where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
        form = urllib.parse.urlencode({"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}"})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/n-triples",
        }

        def send() -> tuple[int, str | None]:
            with self._open(self.endpoints.query, form.encode(), headers) as response:
                try:
                    return digest(ox.parse(response, format=ox.RdfFormat.N_TRIPLES))
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


# -- the local side --------------------------------------------------------------------------


def label(graph: str) -> str:
    return graph or "(default graph)"


def digest(triples: Iterable[ox.Triple | ox.Quad]) -> tuple[int, str | None]:
    """(count, order-independent content hash); no hash when a blank node makes it moot."""
    total = count = 0
    blank = False
    for item in triples:
        triple = item.triple if isinstance(item, ox.Quad) else item
        count += 1
        blank = blank or isinstance(triple.subject, ox.BlankNode)
        blank = blank or isinstance(triple.object, ox.BlankNode)
        total += int.from_bytes(hashlib.sha256(str(triple).encode()).digest()[:16], "big")
    return count, None if blank else f"{total % 2**128:032x}"


@dataclass(frozen=True)
class LocalGraph:
    name: str  # IRI, or "" for the default graph
    triples: int


def _graph_term(name: str) -> ox.NamedNode | ox.DefaultGraph:
    return ox.NamedNode(name) if name else ox.DefaultGraph()


def local_graphs(store: ox.Store) -> list[LocalGraph]:
    """Every graph of the store with its triple count: named graphs by IRI, then the default
    graph. Counted by a SPARQL query, which is much faster than iterating in Python."""
    named = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    counts = dict(_rows(store, named))
    counts.update(_rows(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    return [LocalGraph(name, counts[name]) for name in sorted(counts, key=lambda n: (not n, n))]


def _rows(store: ox.Store, query: str) -> list[tuple[str, int]]:
    """(graph IRI or "" when ?g is unbound, count) for each row with a count above 0."""
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    rows = []
    for row in solutions:
        graph, count = row["g"], row["n"]  # ?g is None in the default graph's count
        if count is not None and int(count.value):
            rows.append((graph.value if isinstance(graph, ox.NamedNode) else "", int(count.value)))
    return rows


def local_content(store: ox.Store, graph: str) -> tuple[int, str | None]:
    return digest(store.quads_for_pattern(None, None, None, _graph_term(graph)))


def chunks(store: ox.Store, graph: str, size: int) -> Iterator[bytes]:
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
    store: ox.Store,
    remote: Remote,
    *,
    chunk_size: int = DEFAULT_CHUNK,
    force: bool = False,
    default_graph: bool = True,
    on_event: Callable[[Event], None] | None = None,
) -> LoadReport:
    """Replace every graph of ``store`` on the server; never raises for server failures:
    the report says which graphs got loaded and carries the error.

    ``default_graph=False`` leaves the server's default graph alone (for stores whose
    default graph is already the union of the named graphs)."""
    say = on_event or (lambda _: None)
    started = time.perf_counter()
    graphs = [g for g in local_graphs(store) if default_graph or g.name != DEFAULT_GRAPH]
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
            if not force and _same(store, remote, graph, on_server[graph.name]):
                result.status = Status.UNCHANGED
                continue
            was_graph_store = remote.use_graph_store
            if graph.triples <= chunk_size:  # one request replaces it
                current = (result, "")
                remote.replace(graph.name, b"".join(chunks(store, graph.name, chunk_size)))
                say(Event("chunk", graph.name, 1))
            else:  # chunks into a temporary graph, then one MOVE
                tmp = f"{TMP_PREFIX}{run}/{index}"
                current = (result, tmp)
                for number, data in enumerate(chunks(store, graph.name, chunk_size), 1):
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


def _same(store: ox.Store, remote: Remote, graph: LocalGraph, server_count: int) -> bool:
    """Same count, then (only then: both sides cost a full read) the same content hash."""
    if server_count != graph.triples:
        return False
    here = local_content(store, graph.name)
    return here[1] is not None and remote.content(graph.name) == here


def _forget(remote: Remote, tmp: str) -> None:
    """Best effort: drop a half-filled temporary graph now (the next run drops it anyway)."""
    retries, remote.retries = remote.retries, 0
    try:
        remote.drop([tmp])
    except (StoreError, KeyboardInterrupt):
        pass
    finally:
        remote.retries = retries


@dataclass(frozen=True)
class Plan:
    """What ``load`` would send (``--dry-run``): the graphs and the requests, in order."""

    graphs: list[tuple[LocalGraph, int]]  # (graph, upload requests for it)
    steps: list[str]


def plan(
    store: ox.Store,
    endpoints: Endpoints,
    protocol: str,
    chunk_size: int,
    default_graph: bool = True,
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
        (g, -(-g.triples // chunk_size))
        for g in local_graphs(store)
        if default_graph or g.name != DEFAULT_GRAPH
    ]
    return Plan(graphs, steps)
