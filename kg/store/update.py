"""Update the embedded store by difference (issue #17): a rebuild that changed a few pages
changes a few thousand quads, not millions.

``graph.nq`` is sorted (by graph, then subject with rdf:type first, then the rest; see
``kg.graph.ntriples``), so the quads one build removed and added against the previous one
come from one merge of the two files, reading a line of each at a time. The new store is a
checkpoint of the old one (RocksDB hard-links its immutable files: no copy) with the
difference applied, written beside the target and swapped in like a fresh one, so the old
store stays whole until the new one is complete.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.errors import StoreError
from kg.graph.layout import holds_union_copy
from kg.graph.ntriples import line_key
from kg.publish import staging_beside, swap_in

_BATCH = 50_000  # quads parsed and applied at a time: bounded memory on a big difference


@dataclass(frozen=True)
class Difference:
    """What one sorted N-Quads file removes from and adds to another, as N-Quads lines."""

    removed: tuple[str, ...]
    added: tuple[str, ...]
    old_lines: int  # the quads of the old file, to check the old store against


Keyed = tuple[tuple[str, str], str]  # (the line's place in the build's order, the line)


def _keyed(stream: IO[str]) -> Iterator[Keyed]:
    """Each quad line with its sort key, made once: (graph, ``line_key`` of the rest)."""
    # split on "\n" only: a literal may hold U+2028, which line iteration of text keeps
    for line in stream:
        if line.strip():
            line = line if line.endswith("\n") else line + "\n"
            quad_head, graph, _ = line.rsplit(" ", 2)  # "<s> <p> o <g> ." (IRIs: no spaces)
            yield (graph, line_key(quad_head)), line


def difference(old: Path, new: Path, limit: int | None = None) -> Difference | None:
    """The quads only in ``old`` (removed) and only in ``new`` (added): one merge of two
    files sorted in the build's order, a line of each in memory at a time. None as soon as
    more than ``limit`` quads differ: loading the new file whole is then the cheaper way."""
    removed: list[str] = []
    added: list[str] = []
    count = 0
    limit = limit if limit is not None else -1
    with (
        old.open(encoding="utf-8", newline="\n") as a,
        new.open(encoding="utf-8", newline="\n") as b,
    ):
        left, right = _keyed(a), _keyed(b)
        x, y = next(left, None), next(right, None)
        while x is not None or y is not None:
            if limit >= 0 and len(removed) + len(added) > limit:
                return None
            if y is None or (x is not None and x[0] < y[0]):
                removed.append(x[1])  # type: ignore[index]
                count += 1
                x = next(left, None)
            elif x is None or y[0] < x[0]:
                added.append(y[1])
                y = next(right, None)
            else:
                count += 1
                x, y = next(left, None), next(right, None)
    return Difference(tuple(removed), tuple(added), count)


def can_update(old_store: Path, old_nquads: Path) -> bool:
    """Whether the old store and its N-Quads file are there to start from."""
    return old_store.is_dir() and old_nquads.is_file()


def update_store(path: Path, old_store: Path, change: Difference) -> None:
    """A new store at ``path``: the old store with ``change`` applied. Refused (StoreError)
    when the old store is not the old file's quads (an old layout, or changed since by
    ``kg query --allow-update``): the caller then loads the new file whole."""
    try:
        source = ox.Store.read_only(str(old_store))
        if holds_union_copy(source) or len(source) != change.old_lines:
            raise StoreError(f"the store at {old_store} is not the graph.nq beside it")
        with staging_beside(path) as fresh:
            fresh.rmdir()  # backup() makes the folder itself
            source.backup(str(fresh))
            del source
            store = ox.Store(str(fresh))
            for batch in _batches(change.removed):
                for quad in batch:
                    store.remove(quad)
            for batch in _batches(change.added):
                store.extend(batch)  # one transaction each
            store.flush()
            del store  # closes the database before the folder moves
            swap_in(fresh, path)
    except OSError as exc:
        raise StoreError(f"cannot update the store at {path}: {exc}") from exc


def _batches(lines: tuple[str, ...]) -> Iterator[list[ox.Quad]]:
    it = iter(lines)
    while chunk := list(islice(it, _BATCH)):
        yield list(ox.parse("".join(chunk), format=ox.RdfFormat.N_QUADS))
