"""Lines sorted in bounded memory (issue #17): an external merge sort.

A big corpus maps to more triples than a build can hold and sort in memory (100 k papers:
5.7 M heads, over 2 GiB as Python strings in sets and lists). ``SortedRuns`` keeps up to
``run_lines`` lines, then sorts them and writes them to a run file; reading merges the runs
(``heapq.merge``, one line of each run in memory), dropping repeats. A graph that fits in
one run never touches the disk. Lines are compared as plain strings, so callers put their
sort key first (``kg.graph.ntriples.line_key``); a line holds no newline (N-Triples escapes
them in literals), and files are read with ``newline="\\n"``: a literal may hold U+2028.

``Lines`` is what the sort leaves: sorted lines in a list, or in a file read again at each
iteration, with their number.
"""

from __future__ import annotations

import heapq
import os
import tempfile
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import IO

RUN_LINES = 400_000  # ~70 MiB of heads held at once; a 100 k-paper graph is 15 runs


class Lines:
    """Sorted lines, each at most once, held in a list or in a file of their own."""

    def __init__(self, held: list[str] | Path, count: int) -> None:
        self._held = held
        self.count = count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[str]:
        if isinstance(self._held, list):
            return iter(self._held)
        return _read(self._held)


class SortedRuns:
    """Add lines in any order; ``sorted()`` gives them in order, each once. Run files go
    in ``folder`` and are removed as soon as they are merged."""

    def __init__(self, folder: Path, run_lines: int = RUN_LINES) -> None:
        self._folder, self._run_lines = folder, run_lines
        self._held: list[str] = []
        self._runs: list[Path] = []

    def add(self, line: str) -> None:
        self._held.append(line)
        if len(self._held) >= self._run_lines:
            self._spill()

    def extend(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.add(line)

    def sorted(self) -> Iterator[str]:
        """Every line added, in order, each once (one pass: the runs are removed after)."""
        held, self._held = self._held, []
        held.sort()
        if not self._runs:
            yield from _distinct(iter(held))
            return
        runs, self._runs = self._runs, []
        readers = [_read(path) for path in runs]
        try:
            yield from _distinct(heapq.merge(iter(held), *readers))
        finally:
            del held
            for reader, path in zip(readers, runs, strict=True):
                reader.close()
                path.unlink(missing_ok=True)

    def _spill(self) -> None:
        self._held.sort()
        path = self._folder / f"run-{id(self):x}-{len(self._runs)}.txt"
        with writer(path) as out:
            for line in _distinct(iter(self._held)):
                out.write(line)
                out.write("\n")
        self._runs.append(path)
        self._held = []


def new_folder(parent: Path | None = None) -> Path:
    """A fresh folder for one sort's files, in ``parent`` or the system's temporary folder."""
    if parent is not None:
        os.makedirs(parent, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="kg-sort-", dir=parent))


def _distinct(lines: Iterator[str]) -> Iterator[str]:
    previous = None
    for line in lines:
        if line != previous:
            yield line
            previous = line


def writer(path: Path) -> IO[str]:
    """A line file as the sort writes it: UTF-8, ``\\n`` only, big buffer."""
    return open(path, "w", encoding="utf-8", newline="\n", buffering=1 << 20)


def _read(path: Path) -> Generator[str, None, None]:
    with open(path, encoding="utf-8", newline="\n", buffering=1 << 20) as lines:
        for line in lines:
            yield line[:-1]
