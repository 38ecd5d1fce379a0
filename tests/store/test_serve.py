"""kg serve: Oxigraph's server over the built store on 127.0.0.1 (issue 6).

``kg serve`` runs as a real subprocess (it waits for signals); every wait is bounded and the
process is stopped by its id whatever happens.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from kgtest import build, run

from kg.errors import StoreError
from kg.store.serve import free_port, oxigraph_binary

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
TIMEOUT = 10.0
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("served")
    return build(SEEDS, out)


@pytest.fixture
def needs_oxigraph() -> None:
    try:
        oxigraph_binary()
    except StoreError:
        pytest.skip("the Oxigraph server is not installed: pip install oxigraph ([test] extra)")


def _servers_on(store: Path) -> list[int]:
    """Process ids of oxigraph servers started on this store (Linux /proc; none elsewhere)."""
    found: list[int] = []
    if not Path("/proc/self/cmdline").is_file():
        return found
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"oxigraph") and str(store).encode() in argv:
            found.append(int(entry.name))
    return found


class Served:
    def __init__(self, out: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.store = out / "store"
        self.default_triples = sum(1 for _ in ox.parse(path=out / "graph.ttl"))
        command = [sys.executable, "-m", "kg", "serve", "--port", str(self.port), "--out", str(out)]
        self.printed = ""
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )

    def wait_until_answering(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                _, err = self.process.communicate(timeout=TIMEOUT)
                pytest.fail(f"kg serve exited with {self.process.returncode}: {err.decode()}")
            try:
                self.query("ASK {}")
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("kg serve did not answer within 30 s")
        # The server can answer a moment before kg prints its URLs: wait for them, so a
        # signal sent next cannot race the printing.
        assert self.process.stdout is not None
        readable, _, _ = select.select([self.process.stdout], [], [], 30)
        if not readable:
            pytest.fail("kg serve answered but printed no URL within 30 s")
        # Both URL lines come in one flush; read both here, because communicate() later
        # reads the pipe's descriptor directly and would miss what this reader buffered.
        self.printed = b"".join(self.process.stdout.readline() for _ in range(2)).decode()

    def query(self, sparql: str) -> dict[str, object]:
        body = urllib.parse.urlencode({"query": sparql}).encode()
        headers = {"Accept": "application/sparql-results+json"}
        request = urllib.request.Request(f"{self.url}/query", data=body, headers=headers)
        with DIRECT.open(request, timeout=TIMEOUT) as response:
            answer: dict[str, object] = json.loads(response.read())
            return answer

    def finish(self, signum: int) -> tuple[int, str, str]:
        self.process.send_signal(signum)
        out, err = self.process.communicate(timeout=20)
        return self.process.returncode, self.printed + out.decode(), err.decode()

    def cleanup(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # kg stops its server on SIGTERM
            try:
                self.process.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.communicate(timeout=TIMEOUT)
        for pid in _servers_on(self.store):  # only if kg itself failed to stop its child
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def served(built: Path, needs_oxigraph: None) -> Iterator[Served]:
    server = Served(built)
    try:
        server.wait_until_answering()
        yield server
    finally:
        server.cleanup()


def _refused(url: str) -> bool:
    try:
        with DIRECT.open(url, timeout=TIMEOUT) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        exc.close()
        return False
    except OSError:
        return True
    return False


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_serve_answers_sparql_and_stops_on_a_signal(served: Served, signum: int) -> None:
    answer = served.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    bindings = answer["results"]["bindings"]  # type: ignore[index]
    # the deduplicated default graph: exactly the triples of graph.ttl (ontology/MODEL.md)
    assert bindings[0]["n"]["value"] == str(served.default_triples)
    with DIRECT.open(f"{served.url}/", timeout=TIMEOUT) as page:
        assert b"Oxigraph" in page.read()  # the query UI
    assert len(_servers_on(served.store)) == 1

    code, stdout, stderr = served.finish(signum)

    assert code == 0, stderr
    assert f"query UI:        {served.url}/\n" in stdout
    assert f"SPARQL endpoint: {served.url}/query\n" in stdout
    assert "press Ctrl-C to stop" in stderr
    assert "stopped" in stderr
    assert _refused(f"{served.url}/")
    assert _servers_on(served.store) == []


def test_kg_query_works_against_kg_serve(served: Served, built: Path) -> None:
    local = run("query", "papers-per-topic-year", "--format", "csv", "--out", str(built))
    remote = run(
        "query", "papers-per-topic-year", "--format", "csv", "--endpoint", f"{served.url}/query"
    )

    assert local[0] == 0, local[2]
    assert remote[0] == 0, remote[2]
    assert remote[1] == local[1]
    assert len(local[1].splitlines()) > 5


def test_missing_oxigraph_is_a_friendly_error(
    built: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))

    code, stdout, stderr = run("serve", "--out", str(built), "--port", str(free_port()))

    assert code == 3
    assert stdout == ""
    assert "pip install oxigraph" in stderr
    assert "Traceback" not in stderr


def test_no_store_yet(tmp_path: Path, needs_oxigraph: None) -> None:
    code, _, stderr = run("serve", "--out", str(tmp_path / "nothing"))

    assert code == 3
    assert "run `kg build` first" in stderr


def test_port_in_use(built: Path, needs_oxigraph: None) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        code, _, stderr = run("serve", "--out", str(built), "--port", str(port))

    assert code == 3
    assert f"cannot listen on 127.0.0.1:{port}" in stderr
    assert _servers_on(built / "store") == []
