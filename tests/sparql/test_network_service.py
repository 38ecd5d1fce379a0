"""SERVICE and query timeouts (issue #14): kg contacts no server a query names unless asked,
its syntax check evaluates nothing remote, and `kg serve` refuses SERVICE and cuts queries
that run too long.

The server a SERVICE clause names is a real ``http.server`` on 127.0.0.1 that counts what it
receives; `kg serve` runs as a real subprocess over the built seeds (as in test_serve.py).
"""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from kgtest import SEEDS, build, run

from kg.errors import StoreError, UsageError
from kg.sparql.saved import check_syntax, from_text
from kg.sparql.text import service_targets, without_service
from kg.store.serve import free_port, oxigraph_binary

DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy
EMPTY = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'


class Remote:
    """A SPARQL endpoint on 127.0.0.1 that answers no rows and counts its requests."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(EMPTY)))
                self.end_headers()
                self.wfile.write(EMPTY)

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}
        )
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def remote() -> Iterator[Remote]:
    server = Remote()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(SEEDS, tmp_path_factory.mktemp("service"))


def test_the_syntax_check_contacts_no_service(remote: Remote) -> None:
    """issue #14: checking the syntax ran the query on an empty store, and a SERVICE clause
    contacted its server (twice with --endpoint)."""
    query = from_text(f"SELECT * WHERE {{ SERVICE <{remote.url}> {{ ?s ?p ?o }} }}")
    check_syntax(query)
    silent = from_text(
        f"SELECT * WHERE {{ ?a ?b ?c service  silent <{remote.url}> {{ ?s ?p ?o }} }}"
    )
    check_syntax(silent)
    assert remote.requests == []
    with pytest.raises(UsageError, match="error at 1:"):  # still the parser's line:column
        check_syntax(from_text(f"SELECT * WHERE {{ SERVICE <{remote.url}> {{ ?s ?p }} }}"))
    assert remote.requests == []


def test_kg_query_refuses_service_on_the_embedded_store(remote: Remote, built: Path) -> None:
    """issue #14: `kg query -e` with SERVICE is a usage error naming the flag, and nothing is
    sent; --allow-service lets it run, and then the server is asked."""
    text = f"SELECT * WHERE {{ SERVICE <{remote.url}> {{ ?s ?p ?o }} }}"

    code, stdout, stderr = run("query", "-e", text, "--out", str(built))

    assert code == 2, stderr
    assert stdout == ""
    assert "SERVICE" in stderr and remote.url in stderr and "--allow-service" in stderr
    assert remote.requests == []

    code, _, stderr = run("query", "-e", text, "--out", str(built), "--allow-service")

    assert code == 0, stderr
    assert remote.requests  # now it was meant to


def test_service_in_strings_comments_and_names_is_no_service(built: Path) -> None:
    """issue #14: SERVICE is found by kg's lexer, not by a regex on the text."""
    text = (
        "PREFIX service: <http://e/service#>\n"
        'SELECT ?x WHERE { # SERVICE <http://e/> { }\n BIND ("SERVICE <http://e/>" AS ?x)\n'
        '  OPTIONAL { ?x service:SERVICE <http://e/SERVICE> } FILTER (?x != "y"@service) }'
    )
    assert service_targets(text) == []
    assert without_service(text) == text
    code, stdout, stderr = run("query", "-e", text, "--out", str(built), "--format", "csv")
    assert code == 0, stderr
    assert stdout.splitlines() == ["x", "SERVICE <http://e/>"]
    assert service_targets("ASK { SERVICE SILENT ?where { } }") == ["?where"]


def test_kg_query_endpoint_checks_syntax_without_contacting_the_service(
    remote: Remote, tmp_path: Path
) -> None:
    """issue #14: with --endpoint the query goes to the endpoint only (which decides about
    SERVICE); the local syntax check sent it to the SERVICE server twice."""
    endpoint = Remote()
    try:
        text = f"SELECT ?s WHERE {{ SERVICE <{remote.url}> {{ ?s ?p ?o }} }}"
        # the server's own default graph: an empty answer then needs no check of the graph
        code, _, stderr = run(
            "query", "-e", text, "--endpoint", endpoint.url, "--server-default-graph",
            "--format", "csv",
        )  # fmt: skip
        assert code == 0, stderr
        assert remote.requests == []
        assert endpoint.requests == ["/sparql"]
    finally:
        endpoint.close()


# -- kg serve ---------------------------------------------------------------------------


class Served:
    def __init__(self, out: Path, *extra: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "kg", "serve", "--port", str(self.port), "--out", str(out)]
        self.process = subprocess.Popen(
            [*command, *extra],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"kg serve exited: {self.process.communicate(timeout=10)[1].decode()}")
            try:
                self.query("ASK {}")
                return
            except OSError:
                time.sleep(0.1)
        pytest.fail("kg serve did not answer within 30 s")

    def query(self, sparql: str, timeout: float = 10.0) -> tuple[int, bytes]:
        body = urllib.parse.urlencode({"query": sparql}).encode()
        headers = {"Accept": "application/sparql-results+json"}
        request = urllib.request.Request(f"{self.url}/query", data=body, headers=headers)
        try:
            with DIRECT.open(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, exc.read()

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.terminate()  # kg stops its server on SIGTERM
        try:
            return self.process.communicate(timeout=20)[1].decode()
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.communicate(timeout=10)[1].decode()


@pytest.fixture
def serve(built: Path) -> Iterator[type[Served]]:
    try:
        oxigraph_binary()
    except StoreError:
        pytest.skip("the Oxigraph server is not installed: pip install oxigraph ([test] extra)")
    started: list[Served] = []

    def start(*extra: str) -> Served:
        server = Served(built, *extra)
        started.append(server)
        return server

    try:
        yield start  # type: ignore[misc]
    finally:
        for server in started:
            server.stop()


def test_kg_serve_refuses_service(serve: type[Served], remote: Remote) -> None:
    """issue #14: Oxigraph's server sends SERVICE clauses on (and has no option against it);
    kg serve answers 403 unless started with --allow-service."""
    served = serve()
    text = f"SELECT * WHERE {{ SERVICE <{remote.url}> {{ ?s ?p ?o }} }}"
    status, body = served.query(text)
    assert status == 403
    assert b"--allow-service" in body
    form = urllib.parse.urlencode({"query": text})
    for request in (  # a GET and a sparql-query body are read too
        urllib.request.Request(f"{served.url}/query?{form}"),
        urllib.request.Request(
            f"{served.url}/query",
            data=text.encode(),
            headers={"Content-Type": "application/sparql-query"},
        ),
    ):
        with pytest.raises(urllib.error.HTTPError) as refused:
            DIRECT.open(request, timeout=10)
        refused.value.close()
        assert refused.value.code == 403
    assert remote.requests == []
    status, body = served.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] != "0"

    allowing = serve("--allow-service")
    status, body = allowing.query(text)
    assert status == 200, body
    assert remote.requests == ["/sparql"]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
        # Oxigraph does not cancel this one: kg restarts the server to end it
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?i",
    ],
    ids=["count", "sort"],
)
def test_kg_serve_cuts_a_query_at_its_timeout(serve: type[Served], query: str) -> None:
    """issue #14: a cross product held a core for ever; with --timeout 1 it is cut within
    seconds, and the server answers the next query."""
    served = serve("--timeout", "1")
    started = time.monotonic()
    try:
        status, body = served.query(query, timeout=30)
        complete = status == 200 and body.endswith(b"}")
    except OSError:  # the connection was cut mid-answer
        complete = False
    assert not complete
    assert time.monotonic() - started < 15
    status, body = served.query("ASK { ?s ?p ?o }")
    assert status == 200 and json.loads(body)["boolean"] is True
    assert served.process.poll() is None
