"""The embedded store (pyoxigraph on disk): the only place that opens one.

``kg build`` fills a fresh store beside the old one and swaps it in, so an interrupted build
leaves the previous store whole; later commands open it read-only without re-parsing.
"""

from __future__ import annotations

import http.client
import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError
from kg.processes import worker_pool

STORE_NAME = "store"


def store_path(out_dir: Path) -> Path:
    return out_dir / STORE_NAME


def looks_like_a_store(path: Path) -> bool:
    """Whether ``path`` is an Oxigraph (RocksDB) folder and nothing else: how an output
    folder written before kg marked its folders is told from someone else's."""
    try:
        entries = list(path.iterdir()) if path.is_dir() and not path.is_symlink() else []
    except OSError:
        return False
    names = {p.name for p in entries}
    return "CURRENT" in names and all(p.is_file() and not p.is_symlink() for p in entries)


def write_store(path: Path, nquads: Path, union: Path) -> None:
    """Load the build's N-Quads export into a new store at ``path``, and the N-Triples
    export (the union of the graphs, each triple once) into its default graph; replace any
    old store only when the new one is complete.

    Oxigraph's union-of-named-graphs view is a bag (a triple in three page graphs matches
    three times); a deduplicated default graph gives plain queries set semantics, the same
    triples as graph.ttl, and the same answers locally and on a server that got it too.
    Loading from the files lets Oxigraph parse in Rust, with nothing more held in memory.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_name(f".{path.name}.new-{os.getpid()}")
    stale = path.with_name(f".{path.name}.old-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        store = ox.Store(str(fresh))
        load_file(store, nquads, ox.RdfFormat.N_QUADS)
        load_file(store, union, ox.RdfFormat.N_TRIPLES)
        store.flush()
        store.optimize()
        del store  # closes the database before the folder moves
        if path.exists():
            os.replace(path, stale)
        os.replace(fresh, path)
    except OSError as exc:
        raise StoreError(f"cannot write the store at {path}: {exc}") from exc
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(stale, ignore_errors=True)


def load_file(store: ox.Store, path: Path, fmt: ox.RdfFormat) -> None:
    # lenient: skip re-validating every IRI (12 % of the load, measured). The files are ours:
    # minted IRIs are percent-encoded under a checked base, abstract URLs are checked by
    # the mapping, and the text is tested to be exactly what pyoxigraph writes.
    store.bulk_load(path=str(path), format=fmt, lenient=True)


# Below this many bytes of N-Quads a second process costs more than it saves.
BACKGROUND_MIN_BYTES = 20_000_000


@contextmanager
def writing_store(path: Path, nquads: Path, union: Path) -> Iterator[Callable[[], None]]:
    """``write_store`` in a second process, so the store fills on one core while the
    caller writes the other exports on the other; yields the function that waits for it
    (and raises its error). Leaving the block early stops the process. Small graphs load
    in this process before the block starts.

    The process is spawned, not forked: it needs nothing but the two files, and RocksDB's
    threads do not survive a fork (a forked child can hang opening a store).
    """
    if nquads.stat().st_size < BACKGROUND_MIN_BYTES:
        write_store(path, nquads, union)
        yield lambda: None
        return
    # worker_pool: a build killed with SIGKILL must not leave this filling a store
    pool = worker_pool("spawn", 1)
    try:
        pending = pool.apply_async(write_store, (path, nquads, union))
        pool.close()
        yield pending.get
    finally:
        pool.terminate()
        pool.join()


@contextmanager
def open_store(path: Path) -> Iterator[ox.Store]:
    """Open the built store read-only; a clear error when there is none yet."""
    if not path.is_dir():
        raise StoreError(f"no store at {path}: run `kg build` first (or pass --out DIR)")
    try:
        store = ox.Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {path}: {exc}") from exc
    yield store


def union_heads(store: ox.Store) -> list[str]:
    """The default graph (the union of the named graphs) as N-Triples lines without `` .``."""
    text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    return [line[:-2] for line in text.decode("utf-8").split("\n") if line]


# -- serving the store over HTTP (kg serve) ---------------------------------------------------


def oxigraph_binary() -> str:
    """The ``oxigraph`` server command: on PATH, or beside this Python (an unactivated venv)."""
    found = shutil.which("oxigraph")
    if found:
        return found
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    raise StoreError(
        "the Oxigraph server is not installed: run `pip install oxigraph` "
        "(it provides the `oxigraph` command), then retry"
    )


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


DEFAULT_QUERY_TIMEOUT = 30  # seconds, kg serve --timeout


def serve_store(
    path: Path,
    port: int,
    on_ready: Callable[[str], None],
    host: str = "127.0.0.1",
    startup_timeout: float = 30.0,
    *,
    timeout: int = DEFAULT_QUERY_TIMEOUT,
    allow_service: bool = False,
    on_cut: Callable[[str], None] | None = None,
) -> None:
    """Serve the store read-only with Oxigraph's server (SPARQL endpoint and query UI) until
    SIGINT or SIGTERM, then stop the server (terminate, then kill) and return.

    Oxigraph's server evaluates ``SERVICE`` (it would query any server a caller names) and
    has no option to turn that off, so it listens on a private loopback port behind a small
    guard (``_Guard``) on ``port`` that refuses, with HTTP 403, every query or update holding
    ``SERVICE`` unless ``allow_service``, and passes everything else through unchanged
    (issue #14). Oxigraph cancels a query after ``timeout`` seconds (``--timeout-s``), but
    not every one (a sort of a cross product runs on, and on after its client has gone):
    a request still unanswered at ``1.5 * timeout + 2`` s restarts the server, which ends
    it (and any other request then running); ``on_cut`` hears of each restart.
    """
    if not path.is_dir():
        raise StoreError(f"no store at {path}: run `kg build` first (or pass --out DIR)")
    binary = oxigraph_binary()
    try:
        guard = _Guard((host, port), _service_refusal if not allow_service else _no_refusal)
    except OSError as exc:
        raise StoreError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc} (pick another --port)"
        ) from exc
    url = f"http://{host}:{guard.server_address[1]}"
    limit = 1.5 * timeout + 2

    def start() -> subprocess.Popen[bytes]:
        inner = free_port(host)
        guard.upstream = (host, inner)
        command = [binary, "serve-read-only", "--location", str(path)]
        command += ["--bind", f"{host}:{inner}", "--timeout-s", str(timeout)]
        started = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        _wait_until_answering(started, f"http://{host}:{inner}", startup_timeout)
        guard.ready.set()
        return started

    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGTERM) if in_main_thread else None
    thread = threading.Thread(target=guard.serve_forever, kwargs={"poll_interval": 0.1})
    process: subprocess.Popen[bytes] | None = None
    try:
        if in_main_thread:
            signal.signal(signal.SIGTERM, _interrupt)
        process = start()
        thread.start()
        on_ready(url)
        while True:
            try:
                code = process.wait(timeout=0.25)
                raise StoreError(f"the Oxigraph server stopped by itself (exit code {code})")
            except subprocess.TimeoutExpired:
                pass
            if guard.cut_overdue(limit):
                guard.ready.clear()  # requests wait for the new server
                stop_process(process)
                if on_cut is not None:
                    on_cut(f"a request ran over {limit:g} s: restarted the Oxigraph server")
                process = start()
    except KeyboardInterrupt:
        pass
    finally:
        if process is not None:
            stop_process(process)
        if thread.is_alive():
            guard.shutdown()
        guard.server_close()
        if in_main_thread and previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _no_refusal(texts: list[str]) -> str | None:
    return None


def _service_refusal(texts: list[str]) -> str | None:
    from kg.sparql.text import service_targets

    targets = [target for text in texts for target in service_targets(text)]
    if not targets:
        return None
    return (
        f"SERVICE {', '.join(targets)} refused: this server does not send queries to other "
        "servers (start kg serve with --allow-service to let it)\n"
    )


_HOP_BY_HOP = frozenset(
    "connection keep-alive proxy-authenticate proxy-authorization te trailer "
    "transfer-encoding upgrade".split()
)
_FORM = "application/x-www-form-urlencoded"


class _Guard(http.server.ThreadingHTTPServer):
    """The front of ``kg serve``: reads each request, refuses it when ``refuse`` says why,
    else sends it to Oxigraph and streams the answer back; remembers when each began."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], refuse: Callable[[list[str]], str | None]) -> None:
        super().__init__(address, _GuardHandler)
        self.refuse = refuse
        self.upstream = ("127.0.0.1", 0)
        self.ready = threading.Event()  # set while Oxigraph answers at ``upstream``
        self.lock = threading.Lock()
        self.running: dict[int, float] = {}  # request number -> when it began
        self.cut: set[int] = set()  # requests ended by a restart
        self.count = 0

    def begin(self) -> int:
        with self.lock:
            self.count += 1
            self.running[self.count] = time.monotonic()
            return self.count

    def end(self, number: int) -> bool:
        """Forget a request; whether a restart ended it."""
        with self.lock:
            self.running.pop(number, None)
            return number in self.cut

    def cut_overdue(self, limit: float) -> bool:
        """Mark the requests running for longer than ``limit`` seconds as cut; any?"""
        now = time.monotonic()
        with self.lock:
            overdue = {n for n, began in self.running.items() if now - began > limit}
            self.cut |= overdue
            for number in overdue:
                del self.running[number]
            return bool(overdue)


class _GuardHandler(http.server.BaseHTTPRequestHandler):
    server: _Guard

    def _forward(self) -> None:
        if self.headers.get("Transfer-Encoding"):
            self._answer(411, "send a Content-Length\n")
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        refusal = self.server.refuse(self._sparql(body))
        if refusal:
            self._answer(403, refusal)
            return
        self.server.ready.wait(60)
        number = self.server.begin()
        upstream = http.client.HTTPConnection(*self.server.upstream, timeout=3600)
        sent = False
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            upstream.request(self.command, self.path, body=body or None, headers=headers)
            with upstream.getresponse() as response:
                self.send_response(response.status, response.reason)
                for key, value in response.getheaders():
                    if key.lower() not in _HOP_BY_HOP:
                        self.send_header(key, value)
                self.end_headers()
                sent = True
                while chunk := response.read(1 << 16):
                    self.wfile.write(chunk)
        except (OSError, http.client.HTTPException) as exc:
            if not sent:
                if number in self.server.cut:
                    self._answer(503, "the request ran over kg serve's --timeout: cut off\n")
                else:
                    self._answer(502, f"the Oxigraph server failed: {exc}\n")
        finally:
            self.server.end(number)
            upstream.close()

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = _forward

    def _sparql(self, body: bytes) -> list[str]:
        """Every query or update the request carries: in the URL, a form, or the body."""
        fields = ("query", "update")
        found = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        texts = [text for name in fields for text in found.get(name, [])]
        media_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        decoded = body.decode("utf-8", "replace")
        if media_type == _FORM:
            form = urllib.parse.parse_qs(decoded)
            texts += [text for name in fields for text in form.get(name, [])]
        elif body:  # application/sparql-query, -update, or anything else Oxigraph may read
            texts.append(decoded)
        return texts

    def _answer(self, status: int, message: str) -> None:
        data = message.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass  # Oxigraph logs nothing per request either


def _wait_until_answering(process: subprocess.Popen[bytes], url: str, timeout: float) -> None:
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = process.poll()
        if code is not None:
            raise StoreError(f"the Oxigraph server exited with code {code} before answering")
        try:
            with direct.open(f"{url}/query?query=ASK%7B%7D", timeout=1.0) as answer:
                answer.read()
                return
        except urllib.error.HTTPError as exc:  # it answers, if not to this
            exc.close()
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.05)
    raise StoreError(f"the Oxigraph server did not answer at {url} within {timeout:g} s")


def stop_process(process: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    """Terminate a child by its process id, kill it if it lingers, and reap it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
