"""The embedded store (pyoxigraph on disk): the only place that opens one.

``kg build`` fills a fresh store beside the old one and swaps it in, so an interrupted build
leaves the previous store whole; later commands open it read-only without re-parsing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError
from kg.graph.layout import Graph, as_one_graph
from kg.processes import worker_pool
from kg.publish import staging_beside, swap_in

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


def write_store(path: Path, nquads: Path) -> None:
    """Load the build's N-Quads export into a new store at ``path``; replace any old store
    only when the new one is complete.

    The named graphs do not overlap, so the store holds each triple once and readers take
    the union of the named graphs as their default graph (``kg.graph.layout``): no second
    copy in the default graph. Loading from the file lets Oxigraph parse in Rust, with
    nothing more held in memory.
    """
    try:
        with staging_beside(path) as fresh:  # the one stage-then-swap helper (kg.publish)
            store = ox.Store(str(fresh))
            load_file(store, nquads, ox.RdfFormat.N_QUADS)
            store.flush()
            store.optimize()
            del store  # closes the database before the folder moves
            swap_in(fresh, path)
    except OSError as exc:
        raise StoreError(f"cannot write the store at {path}: {exc}") from exc


# Quads handed to one bulk load. Oxigraph's bulk loader holds what it is given until it
# writes (100 k papers, 5.7 M quads at once: 2.0 GiB); in parts of this size it holds
# ~240 MiB whatever the size of the graph, and took the same time (benchmarks/RESULTS.md).
LOAD_LINES = 200_000


def load_file(store: ox.Store, path: Path, fmt: ox.RdfFormat, lines: int = LOAD_LINES) -> None:
    """Bulk-load a line-based file (N-Quads, N-Triples), ``lines`` lines at a time."""
    # lenient: skip re-validating every IRI (12 % of the load, measured). The files are ours:
    # minted IRIs are percent-encoded under a checked base, abstract URLs are checked by
    # the mapping, and the text is tested to be exactly what pyoxigraph writes.
    with open(path, "rb") as text:  # split at b"\n" only: a literal may hold U+2028
        while part := b"".join(islice(text, lines)):
            store.bulk_load(input=part, format=fmt, lenient=True)


# Below this many bytes of N-Quads a second process costs more than it saves.
BACKGROUND_MIN_BYTES = 20_000_000


@contextmanager
def writing_store(
    path: Path, nquads: Path, background_min_bytes: int = BACKGROUND_MIN_BYTES
) -> Iterator[Callable[[], None]]:
    """``write_store`` in a second process, so the store fills on one core while the
    caller writes the other exports on the other; yields the function that waits for it
    (and raises its error). Leaving the block early stops the process. Graphs whose
    N-Quads are smaller than ``background_min_bytes`` load in this process before the
    block starts.

    The process is spawned, not forked: it needs nothing but the two files, and RocksDB's
    threads do not survive a fork (a forked child can hang opening a store).
    """
    if nquads.stat().st_size < background_min_bytes:
        write_store(path, nquads)
        yield lambda: None
        return
    # worker_pool: a build killed with SIGKILL must not leave this filling a store
    pool = worker_pool("spawn", 1)
    try:
        pending = pool.apply_async(write_store, (path, nquads))
        pool.close()
        yield pending.get
    finally:
        pool.terminate()
        pool.join()


@contextmanager
def open_store(path: Path, writable: bool = False) -> Iterator[Graph]:
    """Open the built store, read-only unless ``writable`` (only for ``kg query
    --allow-update``: flushed when the block ends), as one graph (``kg.graph.layout``);
    a clear error when there is none yet."""
    if not path.is_dir():
        raise StoreError(f"no store at {path}: run `kg build` first (or pass --out DIR)")
    try:
        store = ox.Store(str(path)) if writable else ox.Store.read_only(str(path))
    except OSError as exc:
        purpose = " for writing" if writable else ""
        raise StoreError(f"cannot open the store at {path}{purpose}: {exc}") from exc
    yield as_one_graph(store)
    if writable:
        store.flush()
