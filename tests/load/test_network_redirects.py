"""Redirects and credentials (issue #14): kg sends queries and credentials to the origin the
user named (scheme, host and port), and refuses to follow a server elsewhere.

Two real ``http.server`` servers on 127.0.0.1 on different ports are two origins: the first
redirects, the second answers SPARQL JSON and records what it was sent.
"""

from __future__ import annotations

import base64
import http.server
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from kgtest import SEEDS, build, run

ANSWER = {
    "head": {"vars": ["n"]},
    "results": {"bindings": [{"n": {"type": "literal", "value": "B"}}]},
}
PASSWORD = "s3cret-pw"


@dataclass
class Server:
    url: str
    seen: list[tuple[str, str, str | None]] = field(default_factory=list)  # method, path, auth


def _handler(
    server: Server, redirect: tuple[int, str] | None
) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            server.seen.append((self.command, self.path, self.headers.get("Authorization")))
            if redirect is not None and self.path.startswith("/query"):
                code, location = redirect
                self.send_response(code)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data = json.dumps(ANSWER).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def servers() -> Iterator[Callable[..., Server]]:
    """Factory: ``start(redirect=(code, location) | None)`` -> a running server on 127.0.0.1."""
    running: list[tuple[http.server.ThreadingHTTPServer, threading.Thread]] = []

    def start(redirect: Callable[[Server], tuple[int, str]] | None = None) -> Server:
        httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), http.server.BaseHTTPRequestHandler
        )
        server = Server(f"http://127.0.0.1:{httpd.server_address[1]}")
        httpd.RequestHandlerClass = _handler(server, redirect(server) if redirect else None)
        thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        running.append((httpd, thread))
        return server

    try:
        yield start
    finally:
        for httpd, thread in running:
            httpd.shutdown()
            httpd.server_close()
            thread.join(timeout=10)


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    monkeypatch.setenv("KG_ENDPOINT_USER", "alice")
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", PASSWORD)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    # sent unasked (issue 20: only when the user says so), so that a leak would show
    monkeypatch.setenv("KG_ENDPOINT_AUTH", "basic")
    return "Basic " + base64.b64encode(f"alice:{PASSWORD}".encode()).decode()


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_kg_query_refuses_a_redirect_to_another_origin(
    servers: Callable[..., Server], credentials: str, code: int
) -> None:
    """issue #14: `kg query --endpoint` sent alice's password to the host the endpoint
    redirected to (SPARQLWrapper copies its Authorization header), and printed that host's
    answer. Now the redirect is refused (exit 3) and the other host hears nothing."""
    other = servers()
    first = servers(lambda _: (code, f"{other.url}/query"))

    result = run("query", "-e", "SELECT ?n WHERE { }", "--endpoint", f"{first.url}/query")

    assert result[0] == 3, result
    assert "redirected" in result[2] and other.url in result[2]
    assert PASSWORD not in result[2]
    assert other.seen == []  # neither the credentials nor the query went there
    assert first.seen == [("POST", "/query", credentials)]
    assert "B" not in result[1]


def test_kg_query_follows_a_redirect_within_the_origin_with_credentials(
    servers: Callable[..., Server], credentials: str
) -> None:
    """issue #14: a 307 to another path of the same server is followed, the POST resent
    as it was, with the credentials (that server is the one the user named)."""
    server = servers(lambda self: (307, f"{self.url}/sparql"))

    # --server-default-graph: one request, no check for <base>graph/union (issue 20)
    code, stdout, stderr = run(
        "query", "-e", "SELECT ?n WHERE { }", "--endpoint", f"{server.url}/query",
        "--format", "csv", "--server-default-graph",
    )  # fmt: skip

    assert code == 0, stderr
    assert stdout.splitlines() == ["n", "B"]
    assert server.seen == [("POST", "/query", credentials), ("POST", "/sparql", credentials)]


def test_kg_load_refuses_a_redirect_to_another_origin(
    servers: Callable[..., Server], credentials: str, tmp_path: Path
) -> None:
    """issue #14: kg load sent no credentials across origins already; now it does not
    follow such a redirect at all, and says where it pointed."""
    out = build(SEEDS, tmp_path / "out")
    other = servers()
    first = servers(lambda _: (302, f"{other.url}/query"))

    code, _, stderr = run("load", "--endpoint", first.url, "--out", str(out), "--retries", "0")

    assert code == 3
    assert "redirected" in stderr and other.url in stderr
    assert other.seen == []
