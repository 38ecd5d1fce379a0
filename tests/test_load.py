"""kg load against a real Oxigraph server on 127.0.0.1 (issue 6; STYLE rule 16: no mocks).

The servers come from the ``oxigraph_factory``/``oxigraph_server`` fixtures in conftest.py;
the recording server below is a real ``http.server`` on loopback that answers 403 to
everything and remembers what it was sent.
"""

from __future__ import annotations

import base64
import http.server
import json
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from kgtest import build, run

from kg.load.remote import (
    TMP_PREFIX,
    ConnectionFailed,
    Event,
    Remote,
    RemoteError,
    Status,
    endpoints_for,
    load,
)
from kg.store.embedded import free_port, open_store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
QUERIES = ROOT / "queries"
BASE = "https://kg.example.org/"
CHANGED_PAGE = "003_1e15edc5c0b8441e.txt"
CHANGED_GRAPH = f"{BASE}page/{CHANGED_PAGE}"
TIMEOUT = 10.0  # seconds, for every request the tests send themselves
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy


def kg_load(url: str, out: Path, *extra: str) -> tuple[int, str, str]:
    return run("load", "--endpoint", url, "--out", str(out), "--timeout", "10", *extra)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(SEEDS, tmp_path_factory.mktemp("built"))


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    """A private copy of the seeds, free to edit."""
    return Path(shutil.copytree(SEEDS, tmp_path / "pages"))


def change_score(pages: Path) -> None:
    page = pages / CHANGED_PAGE
    text = page.read_text(encoding="utf-8")
    assert "\n54.1CLApr 17\n" in text
    page.write_text(text.replace("\n54.1CLApr 17\n", "\n55.1CLApr 17\n"), encoding="utf-8")


# -- reading the server and the local store, independently of kg.load.remote --------------------


def sparql(url: str, query: str, accept: str = "application/sparql-results+json") -> bytes:
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(f"{url}/query", data=body, headers={"Accept": accept})
    with DIRECT.open(request, timeout=TIMEOUT) as response:
        data: bytes = response.read()
        return data


def select(url: str, query: str) -> list[dict[str, dict[str, str]]]:
    rows: list[dict[str, dict[str, str]]] = json.loads(sparql(url, query))["results"]["bindings"]
    return rows


def server_counts(url: str) -> dict[str, int]:
    rows = select(url, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    counts = {row["g"]["value"]: int(row["n"]["value"]) for row in rows}
    default = select(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    counts[""] = int(default[0]["n"]["value"])
    return counts


def local_counts(out: Path) -> dict[str, int]:
    with open_store(out / "store") as store:
        counts: dict[str, int] = {}
        for quad in store:
            name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
            counts[name] = counts.get(name, 0) + 1
        return counts


def server_graph(url: str, graph: str) -> set[str]:
    data = sparql(
        url,
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
        "application/n-triples",
    )
    return {str(t) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}


def local_graph(out: Path, graph: str) -> set[str]:
    with open_store(out / "store") as store:
        return {
            str(q.triple) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        }


def temp_graphs(url: str) -> list[str]:
    rows = select(url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
    return [row["g"]["value"] for row in rows if row["g"]["value"].startswith(TMP_PREFIX)]


def statuses(stdout: str) -> dict[str, str]:
    """The report table: graph -> status."""
    rows = [line.split() for line in stdout.splitlines()[2:] if line.strip()]
    return {("" if row[0] == "(default" else row[0]): row[-1] for row in rows}


# -- loading ---------------------------------------------------------------------------------


def test_load_puts_every_graph_with_the_local_counts(oxigraph_server: str, built: Path) -> None:
    code, stdout, stderr = kg_load(oxigraph_server, built)

    assert code == 0, stderr
    expected = local_counts(built)
    assert len(expected) == 9  # 5 pages, dataset, statistics, taxonomy, default
    assert server_counts(oxigraph_server) == expected
    assert set(statuses(stdout).values()) == {"loaded"}
    assert f"9 graphs loaded ({sum(expected.values())} triples)" in stderr
    assert temp_graphs(oxigraph_server) == []


def test_reload_duplicates_nothing(oxigraph_server: str, built: Path) -> None:
    assert kg_load(oxigraph_server, built)[0] == 0

    code, stdout, stderr = kg_load(oxigraph_server, built)
    assert code == 0, stderr
    assert set(statuses(stdout).values()) == {"unchanged"}
    assert "0 graphs loaded" in stderr

    # again, in chunks through temporary graphs (4471 triples of the default graph: 5 chunks)
    code, stdout, stderr = kg_load(oxigraph_server, built, "--force", "--chunk-size", "1000")
    assert code == 0, stderr
    assert set(statuses(stdout).values()) == {"loaded"}
    assert server_counts(oxigraph_server) == local_counts(built)
    assert temp_graphs(oxigraph_server) == []
    assert kg_load(oxigraph_server, built)[1].count("unchanged") == 9


def test_changing_one_page_reloads_only_what_it_touches(
    oxigraph_server: str, pages: Path, tmp_path: Path
) -> None:
    out = build(pages, tmp_path / "out")
    assert kg_load(oxigraph_server, out)[0] == 0
    before = {g: server_graph(oxigraph_server, g) for g in local_counts(out) if g}

    change_score(pages)
    build(pages, out)
    code, stdout, stderr = kg_load(oxigraph_server, out)

    assert code == 0, stderr
    status = statuses(stdout)
    assert status[CHANGED_GRAPH] == "loaded"
    assert status[""] == "loaded"  # the default graph is the union of the pages
    changed = {g for g, s in status.items() if s == "loaded"}
    assert changed <= {CHANGED_GRAPH, "", f"{BASE}graph/dataset"}
    for graph, triples in before.items():
        now = server_graph(oxigraph_server, graph)
        assert now == local_graph(out, graph)
        assert (now != triples) == (graph in changed), graph
    assert '"55.1"' in "".join(server_graph(oxigraph_server, CHANGED_GRAPH))
    assert server_counts(oxigraph_server) == local_counts(out)


def test_server_killed_mid_load_then_rerun_repairs(
    oxigraph_factory: Callable[..., Any], pages: Path, tmp_path: Path
) -> None:
    """A crash mid-upload leaves the old graph whole; the rerun cleans up and finishes."""
    server = oxigraph_factory()
    out = build(pages, tmp_path / "out")
    assert kg_load(server.url, out)[0] == 0
    old = server_graph(server.url, CHANGED_GRAPH)
    change_score(pages)
    build(pages, out)

    def crash(event: Event) -> None:
        if event.kind == "chunk" and event.graph == CHANGED_GRAPH and event.detail == 2:
            server.kill()

    remote = Remote(endpoints_for(server.url), timeout=5, retries=0)
    with open_store(out / "store") as store:
        report = load(store, remote, chunk_size=100, on_event=crash)

    assert report.error and "cannot reach the server" in report.error
    status = {r.graph: r.status for r in report.results}
    assert status[CHANGED_GRAPH] is Status.FAILED
    assert status[""] is Status.PENDING
    assert status[f"{BASE}page/000_75f573afd22e8082.txt"] is Status.UNCHANGED

    server = oxigraph_factory(server.data_dir)
    assert server_graph(server.url, CHANGED_GRAPH) == old  # not half-replaced
    assert len(temp_graphs(server.url)) == 1  # the half-filled upload

    code, stdout, stderr = kg_load(server.url, out)
    assert code == 0, stderr
    assert "dropped 1 temporary graph" in stderr
    assert statuses(stdout)[CHANGED_GRAPH] == "loaded"
    assert server_graph(server.url, CHANGED_GRAPH) == local_graph(out, CHANGED_GRAPH)
    assert server_counts(server.url) == local_counts(out)
    assert temp_graphs(server.url) == []


def test_unreachable_server_exits_3_naming_what_was_not_loaded(built: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there

    code, _, stderr = kg_load(url, built, "--retries", "0")

    assert code == 3
    assert "cannot reach the server" in stderr
    assert "not loaded: https://kg.example.org/graph/dataset" in stderr
    assert "(default graph)" in stderr
    assert "Run the same `kg load` again" in stderr


def test_sparql_update_path(oxigraph_server: str, built: Path) -> None:
    code, stdout, stderr = kg_load(
        oxigraph_server, built, "--protocol", "update", "--chunk-size", "1000"
    )

    assert code == 0, stderr
    assert set(statuses(stdout).values()) == {"loaded"}
    assert server_counts(oxigraph_server) == local_counts(built)
    assert temp_graphs(oxigraph_server) == []


def test_falls_back_to_sparql_update_without_a_graph_store(
    oxigraph_server: str, built: Path
) -> None:
    missing = f"{oxigraph_server}/no-graph-store-here"

    code, _, stderr = kg_load(oxigraph_server, built, "--graph-store", missing)

    assert code == 0, stderr
    assert f"no Graph Store at {missing}: using SPARQL Update" in stderr
    assert server_counts(oxigraph_server) == local_counts(built)


def test_count_mismatch_exits_1(oxigraph_factory: Callable[..., Any], built: Path) -> None:
    """A server whose default graph is the union of all graphs cannot hold ours as is;
    --no-default-graph leaves that default graph alone."""
    server = oxigraph_factory(args=["--union-default-graph"])

    code, stdout, stderr = kg_load(server.url, built)

    assert code == 1
    assert statuses(stdout)[""] == "mismatch"
    assert "[ERROR] [(default graph)]" in stderr

    code, stdout, stderr = kg_load(server.url, built, "--no-default-graph")
    assert code == 0, stderr
    assert "" not in statuses(stdout)
    assert set(statuses(stdout).values()) == {"unchanged"}


def test_warns_of_page_graphs_no_longer_built(
    oxigraph_server: str, pages: Path, tmp_path: Path
) -> None:
    out = build(pages, tmp_path / "out")
    assert kg_load(oxigraph_server, out)[0] == 0
    (pages / CHANGED_PAGE).unlink()
    build(pages, out)

    code, _, stderr = kg_load(oxigraph_server, out)

    assert code == 0, stderr
    assert f"[WARNING] [{CHANGED_GRAPH}] this page graph is on the server" in stderr
    assert server_counts(oxigraph_server)[""] == local_counts(out)[""]


def test_saved_queries_answer_the_same_remotely(oxigraph_server: str, built: Path) -> None:
    """Every saved SELECT query, parameters at their defaults, gives the same rows there."""
    from kg.sparql.saved import bind, library, with_values

    assert kg_load(oxigraph_server, built)[0] == 0
    compared = 0
    with open_store(built / "store") as store:
        for saved in library(QUERIES):
            if saved.form != "SELECT":
                continue
            text = with_values(saved.text, bind(saved, []))
            local = store.query(text)
            assert isinstance(local, ox.QuerySolutions)
            variables = [v.value for v in local.variables]
            here = sorted(tuple(_canonical(row[v]) for v in variables) for row in local)
            there = sorted(
                tuple(_canonical(_term(row.get(v))) for v in variables)
                for row in select(oxigraph_server, text)
            )
            assert there == here, saved.name
            compared += 1
    assert compared >= 10


def _term(binding: dict[str, str] | None) -> ox.NamedNode | ox.Literal | ox.BlankNode | None:
    if binding is None:
        return None
    if binding["type"] == "uri":
        return ox.NamedNode(binding["value"])
    if binding["type"] == "bnode":
        return ox.BlankNode(binding["value"])
    if "xml:lang" in binding:
        return ox.Literal(binding["value"], language=binding["xml:lang"])
    datatype = binding.get("datatype")
    return ox.Literal(binding["value"], datatype=ox.NamedNode(datatype) if datatype else None)


def _canonical(term: object) -> str:
    """A term as text; GROUP_CONCAT lists compared as sets (their order is unspecified)."""
    if term is None:
        return ""
    text = str(term)
    return "; ".join(sorted(text.split("; "))) if "; " in text else text


# -- no traffic, and credentials -------------------------------------------------------------


Seen = list[tuple[str, str, dict[str, str]]]


class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers ``status`` to everything and records each request's method, path and headers."""

    seen: Seen
    status: int

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.seen.append((self.command, self.path, dict(self.headers.items())))
        self.send_response(self.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def recording() -> Iterator[Callable[..., tuple[str, Seen]]]:
    """Factory: ``start(status=403, tls=None)`` -> (root URL, requests seen); ``tls`` is a
    (certificate, key) pair of files for an HTTPS server."""
    running: list[tuple[http.server.ThreadingHTTPServer, threading.Thread]] = []

    def start(status: int = 403, tls: tuple[Path, Path] | None = None) -> tuple[str, Seen]:
        seen: Seen = []
        handler = type("Handler", (Recorder,), {"seen": seen, "status": status})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            server.socket = context.wrap_socket(server.socket, server_side=True)
            scheme = "https"
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        running.append((server, thread))
        return f"{scheme}://127.0.0.1:{server.server_address[1]}", seen

    try:
        yield start
    finally:
        for server, thread in running:
            server.shutdown()
            server.server_close()
            thread.join(timeout=TIMEOUT)


@pytest.fixture
def recorder(recording: Callable[..., tuple[str, Seen]]) -> tuple[str, Seen]:
    return recording()


def test_dry_run_sends_nothing(recorder: tuple[str, Seen], built: Path) -> None:
    url, seen = recorder

    code, stdout, stderr = kg_load(url, built, "--dry-run", "--chunk-size", "1000")

    assert code == 0, stderr
    assert seen == []
    counts = local_counts(built)
    assert f"dry run: nothing was sent. 9 graphs, {sum(counts.values())} triples" in stdout
    biqing_qi = counts[f"{BASE}page/004_0db25c8019068f0b.txt"]
    assert 1000 < biqing_qi <= 2000  # two chunks of 1000
    assert f"{BASE}page/004_0db25c8019068f0b.txt  {biqing_qi:<7}  2" in stdout
    assert f"POST {url}/store?graph=<{TMP_PREFIX}RUN/N>" in stdout
    assert f"POST {url}/update  MOVE" in stdout


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KG_ENDPOINT_USER", raising=False)
    monkeypatch.delenv("KG_ENDPOINT_PASSWORD", raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


def _authorization(seen: Seen) -> str | None:
    assert seen, "the server got no request"
    return seen[0][2].get("Authorization")


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.usefixtures("no_credentials")
def test_credentials_from_the_environment(
    recorder: tuple[str, Seen],
    built: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, seen = recorder
    monkeypatch.setenv("KG_ENDPOINT_USER", "ann")
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "s3cret:x")

    code, _, stderr = kg_load(url, built, "--retries", "0")

    assert code == 3
    assert "HTTP 403" in stderr
    assert _authorization(seen) == _basic("ann", "s3cret:x")
    assert "s3cret" not in stderr


@pytest.mark.usefixtures("no_credentials")
def test_credentials_from_netrc(
    recorder: tuple[str, Seen],
    built: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    url, seen = recorder
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login bob password hunter2\n", encoding="utf-8")
    os.chmod(netrc, 0o600)
    monkeypatch.setenv("NETRC", str(netrc))

    code, _, _ = kg_load(url, built, "--retries", "0")

    assert code == 3
    assert _authorization(seen) == _basic("bob", "hunter2")


@pytest.mark.usefixtures("no_credentials")
def test_no_credentials_for_another_host(
    recorder: tuple[str, Seen],
    built: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    url, seen = recorder
    netrc = tmp_path / "netrc"
    netrc.write_text("machine store.example.org login bob password hunter2\n", encoding="utf-8")
    os.chmod(netrc, 0o600)
    monkeypatch.setenv("NETRC", str(netrc))

    assert kg_load(url, built, "--retries", "0")[0] == 3
    assert _authorization(seen) is None


def test_endpoint_layouts() -> None:
    oxigraph = endpoints_for("http://127.0.0.1:7878")
    assert (oxigraph.query, oxigraph.update, oxigraph.graph_store) == (
        "http://127.0.0.1:7878/query",
        "http://127.0.0.1:7878/update",
        "http://127.0.0.1:7878/store",
    )
    fuseki = endpoints_for(
        "http://h:3030/kg/sparql",
        graph_store="http://h:3030/kg/data",
        update="http://h:3030/kg/update",
    )
    assert (fuseki.query, fuseki.update, fuseki.graph_store) == (
        "http://h:3030/kg/sparql",
        "http://h:3030/kg/update",
        "http://h:3030/kg/data",
    )
    assert endpoints_for("https://h/sparql").graph_store is None
    code, _, stderr = run("load", "--endpoint", "ftp://h/", "--dry-run")
    assert code == 2
    assert "not an http(s) URL" in stderr


# -- retries, timeouts and HTTPS -------------------------------------------------------------


def test_retries_with_backoff_then_gives_up(recording: Callable[..., tuple[str, Seen]]) -> None:
    url, seen = recording(503)
    remote = Remote(endpoints_for(url), timeout=TIMEOUT, retries=2, backoff=0.01)

    with pytest.raises(RemoteError, match="HTTP 503"):
        remote.select("ASK {}")

    assert len(seen) == 3


def test_a_silent_server_times_out() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # connections queue up, nobody ever answers
        remote = Remote(endpoints_for(f"http://127.0.0.1:{silent.getsockname()[1]}"), timeout=0.3)
        remote.retries, remote.backoff = 1, 0.01
        started = time.monotonic()

        with pytest.raises(ConnectionFailed, match="timed out"):
            remote.select("ASK {}")
        with pytest.raises(ConnectionFailed, match="timed out"):
            remote.move("urn:x-kg:a", "urn:x-kg:b")  # not resent: it may have been applied

        assert remote.requests == 3
        assert time.monotonic() - started < 5


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (needs the openssl command)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return cert, key


@pytest.mark.usefixtures("no_credentials")
def test_https_checks_the_certificate_and_sends_credentials(
    recording: Callable[..., tuple[str, Seen]],
    certificate: tuple[Path, Path],
    built: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, seen = recording(403, certificate)
    assert url.startswith("https://")
    monkeypatch.setenv("KG_ENDPOINT_USER", "ann")
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "pw")

    code, _, stderr = kg_load(url, built, "--retries", "0")  # an unknown CA: refused
    assert code == 3
    assert "TLS failed" in stderr
    assert seen == []

    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # now trusted
    code, _, stderr = kg_load(url, built, "--retries", "0")
    assert code == 3
    assert "HTTP 403" in stderr
    assert _authorization(seen) == _basic("ann", "pw")
