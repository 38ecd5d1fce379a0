"""The embedded store (pyoxigraph on disk): the only place that opens one.

``kg build`` fills a fresh store beside the old one and swaps it in, so an interrupted build
leaves the previous store whole; later commands open it read-only without re-parsing.
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


def serve_store(
    path: Path,
    port: int,
    on_ready: Callable[[str], None],
    host: str = "127.0.0.1",
    startup_timeout: float = 30.0,
) -> None:
    """Serve the store read-only with Oxigraph's server (SPARQL endpoint and query UI) until
    SIGINT or SIGTERM, then stop the server (terminate, then kill) and return."""
    if not path.is_dir():
        raise StoreError(f"no store at {path}: run `kg build` first (or pass --out DIR)")
    binary = oxigraph_binary()
    if port == 0:
        port = free_port(host)
    else:
        _check_free(host, port)
    url = f"http://{host}:{port}"
    command = [binary, "serve-read-only", "--location", str(path), "--bind", f"{host}:{port}"]
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGTERM) if in_main_thread else None
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
    try:
        if in_main_thread:
            signal.signal(signal.SIGTERM, _interrupt)
        _wait_until_answering(process, url, startup_timeout)
        on_ready(url)
        code = process.wait()
        raise StoreError(f"the Oxigraph server stopped by itself (exit code {code})")
    except KeyboardInterrupt:
        pass
    finally:
        stop_process(process)
        if in_main_thread and previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _check_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise StoreError(
                f"cannot listen on {host}:{port}: {exc.strerror or exc} (pick another --port)"
            ) from exc


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
