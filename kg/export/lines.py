"""What every writer shares: the shape of its input, and reading it in batches or as lines.

A *head* is one triple as pyoxigraph's N-Triples writer prints it, without the final `` .``:
``<s> <p> o``. A *pair* is ``(graph, head)`` with graph ``"<g>"``, or ``""`` for the default
graph. Input comes sorted by graph, then head with rdf:type first in a subject (see
``kg.graph.mapping.line_key``), so one subject's triples in one graph are consecutive and every
writer is a single pass that yields text chunks.

The writers' hot loops read *lines*: ``"<s> <p> o <g> .\\n"`` for a pair (``<>`` for the default
graph, which no file kg writes holds) or ``"<s> <p> o .\\n"`` for a head. Input that is a file's
lines read back (``kg.export.files.ExportedLines``: an iterable with the ``path`` of the .nq or
.nt file) is read straight from the file, a line at a time as Python's file iterator splits it
(at 100 k papers, 0.6 s for graph.nq, where making a pair of every line took 1.7 s).
"""

from __future__ import annotations

import codecs
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import IO, TypeVar

Pair = tuple[str, str]
Pairs = list[Pair]  # (graph "<g>", head "<s> <p> o"), sorted; see kg.graph.mapping

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD = "http://www.w3.org/2001/XMLSchema#"
DEFAULT_GRAPH = "<>"  # the default graph's name in a line (not an IRI kg writes)

LINES = 2_000  # lines per joined chunk: small enough to stay in the CPU cache while scanned
HELD = 64 << 20  # characters of text held in memory before a temporary file (``Held``)
HELD_READ = 1 << 20  # bytes per chunk read back from it

T = TypeVar("T")


def batches(items: Iterable[T], lines: int = LINES) -> Iterator[list[T]]:
    """``lines`` items at a time, from any iterable (a list, or lines read back from a file)."""
    iterator = iter(items)
    while batch := list(islice(iterator, lines)):
        yield batch


@contextmanager
def quad_lines(pairs: Iterable[Pair]) -> Iterator[Iterable[str]]:
    """The pairs as N-Quads lines, ``<>`` naming the default graph."""
    with _file_lines(pairs, ".nq") as lines:
        yield (f"{h} {g or DEFAULT_GRAPH} .\n" for g, h in pairs) if lines is None else lines


@contextmanager
def triple_lines(heads: Iterable[str]) -> Iterator[Iterable[str]]:
    """The heads as N-Triples lines."""
    with _file_lines(heads, ".nt") as lines:
        yield (f"{h} .\n" for h in heads) if lines is None else lines


@contextmanager
def _file_lines(items: Iterable[object], suffix: str) -> Iterator[Iterable[str] | None]:
    """The lines of the file ``items`` reads back (its ``path``), or None for other input."""
    path = getattr(items, "path", None)
    if not isinstance(path, Path) or path.suffix != suffix:
        yield None
        return
    # newline="\n": a literal may hold U+2028, which universal newlines would split at
    with open(path, encoding="utf-8", newline="\n") as lines:
        yield lines


class Held(AbstractContextManager["Held"]):
    """Text held until it can be written: in memory up to ``held`` characters, then in a
    temporary file as UTF-8 (written and read back in about half a second at 100 k)."""

    def __init__(self, held: int) -> None:
        self.held, self.size = held, 0
        self.chunks: list[str] = []
        self.file: IO[bytes] | None = None

    def write(self, text: str) -> None:
        if self.file is not None:
            self.file.write(text.encode("utf-8"))
            return
        self.chunks.append(text)
        self.size += len(text)
        if self.size > self.held:
            self.file = tempfile.TemporaryFile(buffering=1 << 20)  # few, big writes
            for chunk in self.chunks:
                self.file.write(chunk.encode("utf-8"))
            self.chunks.clear()

    def read(self, size: int) -> Iterator[str]:
        """The text, in the chunks written or (from the file) of ``size`` bytes at most."""
        if self.file is None:
            yield from self.chunks
            return
        self.file.seek(0)
        decode = codecs.getincrementaldecoder("utf-8")().decode
        for data in iter(partial(self.file.read, size), b""):
            if text := decode(data):
                yield text

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.file is not None:
            self.file.close()
        self.chunks.clear()
