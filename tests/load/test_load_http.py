"""kg load's requests (issue 6): a dry run sends nothing, credentials go to the endpoint's
host only, failed requests are retried with backoff, and HTTPS checks the certificate.

The recording server below is a real ``http.server`` on loopback that answers 403 (or what
it is told) to everything and remembers what it was sent.
"""

from __future__ import annotations

import base64
import http.server
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from kgtest import run
from loadtest import (
    BASE,
    TIMEOUT,
    kg_load,
    local_counts,
)

from kg.load.endpoints import ConnectionFailed, RemoteError, endpoints_for
from kg.load.http import TMP_PREFIX, Remote

# -- no traffic, and credentials -------------------------------------------------------------


Seen = list[tuple[str, str, dict[str, str]]]


class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers ``status`` to everything and records each request's method, path and headers;
    with a ``challenge``, a request without credentials gets a 401 carrying it instead."""

    seen: Seen
    status: int
    challenge: str | None

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.seen.append((self.command, self.path, dict(self.headers.items())))
        if self.challenge and "Authorization" not in self.headers:
            self.send_response(401)
            self.send_header("WWW-Authenticate", self.challenge)
        else:
            self.send_response(self.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def recording() -> Iterator[Callable[..., tuple[str, Seen]]]:
    """Factory: ``start(status=403, tls=None, challenge=None)`` -> (root URL, requests seen);
    ``tls`` is a (certificate, key) pair of files for an HTTPS server, ``challenge`` a
    ``WWW-Authenticate`` value sent with a 401 to requests without credentials."""
    running: list[tuple[http.server.ThreadingHTTPServer, threading.Thread]] = []

    def start(
        status: int = 403, tls: tuple[Path, Path] | None = None, challenge: str | None = None
    ) -> tuple[str, Seen]:
        seen: Seen = []
        attributes = {"seen": seen, "status": status, "challenge": challenge}
        handler = type("Handler", (Recorder,), attributes)
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

    code, stdout, stderr = kg_load(url, built, "--dry-run", "--chunk-size", "200")

    assert code == 0, stderr
    assert seen == []
    counts = local_counts(built)
    assert (
        f"dry run: nothing was sent. {len(counts)} graphs, {sum(counts.values())} triples" in stdout
    )
    biqing_qi = counts[f"{BASE}page/004_0db25c8019068f0b.txt"]
    assert 200 < biqing_qi <= 400  # two chunks of 200
    assert f"{BASE}page/004_0db25c8019068f0b.txt  {biqing_qi:<7}  2" in stdout
    assert f"POST {url}/store?graph=<{TMP_PREFIX}RUN/N>" in stdout
    assert f"POST {url}/update  MOVE" in stdout


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KG_ENDPOINT_USER", raising=False)
    monkeypatch.delenv("KG_ENDPOINT_PASSWORD", raising=False)
    monkeypatch.delenv("KG_ENDPOINT_AUTH", raising=False)
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
    """Sent unasked, as Basic, when the user says so (KG_ENDPOINT_AUTH=basic)."""
    url, seen = recorder
    monkeypatch.setenv("KG_ENDPOINT_USER", "ann")
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "s3cret:x")
    monkeypatch.setenv("KG_ENDPOINT_AUTH", "basic")

    code, _, stderr = kg_load(url, built, "--retries", "0")

    assert code == 3
    assert "HTTP 403" in stderr
    assert _authorization(seen) == _basic("ann", "s3cret:x")
    assert "s3cret" not in stderr


@pytest.mark.usefixtures("no_credentials")
def test_credentials_only_when_the_server_asks(
    recording: Callable[..., tuple[str, Seen]], built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """issue 20: by default nothing is sent unasked (Virtuoso answers an unasked Basic with a
    401 and no challenge); a Basic challenge is answered, and the next requests carry the
    credentials from the start."""
    url, seen = recording(403, challenge='Basic realm="kg"')
    monkeypatch.setenv("KG_ENDPOINT_USER", "ann")
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "pw")

    code, _, stderr = kg_load(url, built, "--retries", "0")

    assert code == 3
    assert "HTTP 403" in stderr
    assert [headers.get("Authorization") for _, _, headers in seen] == [None, _basic("ann", "pw")]

    monkeypatch.delenv("KG_ENDPOINT_USER")
    seen.clear()
    code, _, stderr = kg_load(url, built, "--retries", "0")
    assert code == 3
    assert "HTTP 401" in stderr and "KG_ENDPOINT_USER" in stderr
    assert [headers.get("Authorization") for _, _, headers in seen] == [None]


@pytest.mark.usefixtures("no_credentials")
def test_unknown_auth_mode_is_a_usage_error(
    recorder: tuple[str, Seen], built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen = recorder
    monkeypatch.setenv("KG_ENDPOINT_AUTH", "digest-please")

    code, _, stderr = kg_load(url, built)

    assert code == 2
    assert "KG_ENDPOINT_AUTH must be one of challenge, basic" in stderr
    assert seen == []


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
    monkeypatch.setenv("KG_ENDPOINT_AUTH", "basic")

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
    monkeypatch.setenv("KG_ENDPOINT_AUTH", "basic")

    code, _, stderr = kg_load(url, built, "--retries", "0")  # an unknown CA: refused
    assert code == 3
    assert "TLS failed" in stderr
    assert seen == []

    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # now trusted
    code, _, stderr = kg_load(url, built, "--retries", "0")
    assert code == 3
    assert "HTTP 403" in stderr
    assert _authorization(seen) == _basic("ann", "pw")
