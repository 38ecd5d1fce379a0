"""``kg serve``: Oxigraph's server over the built store, read-only, on loopback behind the
guard of kg.store.guard, restarted when a query runs on past its time.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError
from kg.graph.layout import holds_union_copy
from kg.store.guard import Guard, no_refusal, service_refusal


def _reads_union(path: Path) -> bool:
    """Whether queries must read the union of the named graphs (``kg.graph.layout``)."""
    try:
        store = ox.Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {path}: {exc}") from exc
    union = not holds_union_copy(store)
    del store  # closed before the server opens the folder
    return union


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
    guard (``kg.store.guard.Guard``) on ``port`` that refuses, with HTTP 403, every query or
    update holding ``SERVICE`` unless ``allow_service``, and passes everything else through
    unchanged (issue #14). Oxigraph cancels a query after ``timeout`` seconds (``--timeout-s``), but
    not every one (a sort of a cross product runs on, and on after its client has gone):
    a request still unanswered at ``1.5 * timeout + 2`` s restarts the server, which ends
    it (and any other request then running); ``on_cut`` hears of each restart.
    """
    if not path.is_dir():
        raise StoreError(f"no store at {path}: run `kg build` first (or pass --out DIR)")
    binary = oxigraph_binary()
    union = _reads_union(path)
    try:
        guard = Guard((host, port), service_refusal if not allow_service else no_refusal)
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
        command += ["--union-default-graph"] if union else []
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
