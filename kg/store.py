"""The embedded store (pyoxigraph on disk): the only place that opens one.

``kg build`` fills a fresh store beside the old one and swaps it in, so an interrupted build
leaves the previous store whole; later commands open it read-only without re-parsing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError

STORE_NAME = "store"


def store_path(out_dir: Path) -> Path:
    return out_dir / STORE_NAME


def write_store(quads: Iterable[ox.Quad], path: Path) -> None:
    """Load quads into a new store at ``path``, replacing any old one only when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_name(f".{path.name}.new-{os.getpid()}")
    stale = path.with_name(f".{path.name}.old-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        store = ox.Store(str(fresh))
        quads = list(quads)
        store.bulk_extend(quads)
        store.bulk_extend(union_default_graph(quads))
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


def union_default_graph(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Each triple of every named graph once, in the default graph.

    Oxigraph's union-of-named-graphs view is a bag (a triple in three page graphs matches
    three times); a deduplicated default graph gives plain queries set semantics, the same
    triples as graph.ttl, and the same answers locally and on a server that got it too.
    """
    default = ox.DefaultGraph()
    return [ox.Quad(t.subject, t.predicate, t.object, default) for t in {q.triple for q in quads}]


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


def all_quads(store: ox.Store) -> list[ox.Quad]:
    """The named-graph quads (what the build mapped); the default graph is derived from them."""
    return [
        q
        for q in store.quads_for_pattern(None, None, None, None)
        if isinstance(q.graph_name, ox.NamedNode)
    ]
