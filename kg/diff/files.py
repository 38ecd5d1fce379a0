"""The I/O edge of ``kg diff``: a build output folder, its sorted ``graph.nq`` read in
batches, and the lines under a key found by binary search in the file.

Only this module opens files; kg.diff.merge and kg.diff.summary take what it reads.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from kg.diff.merge import Changes
from kg.diff.model import GraphCount, TripleSection
from kg.diff.nquads import file_key
from kg.errors import InputError, UsageError
from kg.graph.reference import TAXONOMY_GRAPH

GRAPH_FILE = "graph.nq"
BATCH_BYTES = 1 << 20  # lines read at a time: a few thousand, compared as one window
_PROBE_BYTES = 1 << 13  # binary search stops here and reads on line by line
_NEAR_LINES = 64  # a prefix this close to the last one is read up to, not searched for

# The graphs every build shares; any other graph is a page's (ontology/MODEL.md).
_SHARED_SUFFIXES = (
    b"/graph/entities>",
    b"/graph/statistics>",
    b"/graph/dataset>",
    b"/graph/arxiv>",  # what linked arXiv records say (issue #19)
)
_TAXONOMY = f"<{TAXONOMY_GRAPH}>".encode()


def is_page_graph(graph: bytes) -> bool:
    return not graph.endswith(_SHARED_SUFFIXES) and graph != _TAXONOMY


def is_entities_graph(graph: bytes) -> bool:
    return graph.endswith(_SHARED_SUFFIXES[0])


def is_arxiv_graph(graph: bytes) -> bool:
    """The graph of what linked arXiv records say of papers: a paper's description is the
    entities graph's and this one's together."""
    return graph.endswith(_SHARED_SUFFIXES[3])


def graph_file(folder: Path) -> Path:
    """The ``graph.nq`` of a build output folder, or a usage error that says what to give."""
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is not a folder"
        raise UsageError(f"{folder} {what}; give the output folder (-o) of a kg build")
    path = folder / GRAPH_FILE
    if not path.is_file():
        raise UsageError(
            f"{folder} holds no {GRAPH_FILE}, so it is not the output of a kg build; "
            f"give the folder `kg build PAGES -o DIR` wrote"
        )
    return path


class NQuadsFile:
    """A kg ``graph.nq`` opened for reading: as batches of lines, first to last, and as a
    sorted file to look lines up in (``lines_under``)."""

    def __init__(self, folder: Path) -> None:
        self.path = graph_file(folder)
        self.name = str(folder)
        try:
            self._file: BinaryIO = open(self.path, "rb")  # noqa: SIM115 (closed by close())
        except OSError as exc:
            raise InputError(f"cannot read {self.path}: {exc.strerror or exc}") from exc
        self.size = self.path.stat().st_size

    def __enter__(self) -> NQuadsFile:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._file.close()

    def batches(self, size: int = BATCH_BYTES) -> Iterator[list[bytes]]:
        self._file.seek(0)
        while lines := self._file.readlines(size):
            if not lines[-1].endswith(b"\n"):  # a file cut short of its last newline
                lines[-1] += b"\n"
            yield lines

    def lines_under(self, prefixes: Iterable[bytes]) -> dict[bytes, list[bytes]]:
        """Every line whose ``file_key`` starts with each prefix: one subject's lines in one
        graph, say, or a whole page graph. The prefixes are taken in order, each from where
        the last was found: a few lines on when they are close, a binary search on byte
        offsets when they are not, so a handful of prefixes cost a few dozen small reads and
        many cost about one read of the part of the file they are in."""
        found: dict[bytes, list[bytes]] = {}
        cursor = 0
        for prefix in sorted(set(prefixes)):
            cursor = self._near(prefix, cursor)
            if cursor < 0:
                cursor = self._lower_bound(prefix, -cursor)
            self._file.seek(cursor)
            lines = found[prefix] = []
            for line in self._file:
                if not file_key(line).startswith(prefix):
                    break
                lines.append(line)
        return found

    def _near(self, target: bytes, offset: int) -> int:
        """The offset of the first line from ``offset`` on whose key is ``target`` or after
        it, if that is one of the next few lines; else minus where the search stopped."""
        self._file.seek(offset)
        for _ in range(_NEAR_LINES):
            line = self._file.readline()
            if not line or file_key(line) >= target:
                return offset
            offset += len(line)
        return -offset

    def _lower_bound(self, target: bytes, low: int = 0) -> int:
        """The offset of the first line from ``low`` (a line start) on whose key is
        ``target`` or after it."""
        high = self.size  # every line before ``low`` sorts before target
        while high - low > _PROBE_BYTES:
            middle = (low + high) // 2
            self._file.seek(middle - 1)
            self._file.readline()  # to the start of the next line
            start = self._file.tell()
            if start >= high:
                break  # one long line spans the rest: read on from ``low``
            if file_key(self._file.readline()) < target:
                low = start
            else:
                high = start
        self._file.seek(low)
        offset = low
        for line in self._file:
            if file_key(line) >= target:
                return offset
            offset += len(line)
        return offset


class Spool:
    """The changed lines of a diff, kept in two temporary files (removed, added) while the
    merge runs, to be printed after the summary that needs the whole pass."""

    def __init__(self) -> None:
        self._removed: BinaryIO = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self._added: BinaryIO = tempfile.TemporaryFile()  # noqa: SIM115

    def keep(self, changes: Changes) -> None:
        self._removed.writelines(changes.removed)
        self._added.writelines(changes.added)

    def sections(self, graphs: Iterable[GraphCount]) -> Iterator[TripleSection]:
        """The lines graph by graph: the counts say how many lines of each file are its."""
        for spooled in (self._removed, self._added):
            spooled.flush()
            spooled.seek(0)
        for graph in graphs:
            yield TripleSection(
                graph,
                islice(self._removed, graph.removed),
                islice(self._added, graph.added),
            )

    def close(self) -> None:
        self._removed.close()
        self._added.close()
