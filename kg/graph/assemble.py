"""The mapper's heads -> the graph as sorted text, in bounded memory (issue #17).

Every head the mapper makes goes into one external sort (``kg.graph.runs``) as
``key rank+graph``: its ``line_key``, then the rank of its graph, then the graph. Read back in
order, the copies of one triple are next to each other, lowest rank first, so each triple is
kept once, in the graph that says it first: the taxonomy graph before the entities graph,
which comes before the arXiv graph (MODEL.md: the named graphs do not overlap). That one
pass gives the union in order (spooled, to a file when big), the census the statistics
count (``kg.graph.statistics``), and the (graph, head) pairs, sorted by a second external
sort. The statistics and the dataset description, computed from the census, are added to
both, minus what the union already holds.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Protocol, TypeVar

from kg.graph.dataset import describe_dataset
from kg.graph.identity import Iris
from kg.graph.ntriples import head, head_of, line_key
from kg.graph.runs import RUN_LINES, Lines, SortedRuns, new_folder, writer
from kg.graph.statistics import statistics, take_census

T_co = TypeVar("T_co", covariant=True)
FIRST, DATA, LAST = "0", "1", "2"  # ranks: a triple said by several graphs stays in the first


class Readable(Protocol[T_co]):
    """Lines that can be counted and read, as many times as wanted."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[T_co]: ...


class GraphText:
    """The sorted text of a graph as the build holds it: ``pairs`` yields (graph, head)
    sorted by graph, then ``line_key``; ``union`` yields each head once in ``line_key``
    order. Both can be read again; their files are removed with ``close`` (or when this is
    let go)."""

    def __init__(self, pairs: Lines, union: Lines, folder: Path | None) -> None:
        self._pairs, self._union, self._folder = pairs, union, folder

    @property
    def pairs(self) -> _Pairs:
        return _Pairs(self._pairs)

    @property
    def union(self) -> _Heads:
        return _Heads(self._union)

    def close(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def __del__(self) -> None:
        self.close()


class _Heads:
    def __init__(self, keys: Lines) -> None:
        self._keys = keys

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return map(head_of, self._keys)


class _Pairs:
    def __init__(self, lines: Lines) -> None:
        self._lines = lines

    def __len__(self) -> int:
        return len(self._lines)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        for line in self._lines:
            graph, key = line.split(" ", 1)  # a graph IRI holds no space
            yield graph, head_of(key)


class Collector:
    """Where the mapper puts its heads: ``add(graph, heads, rank)`` in any order, any
    number of times (a graph is a set). Its files go in a folder of their own, in
    ``parent`` or the system's temporary folder."""

    def __init__(self, parent: Path | None = None, run_lines: int = RUN_LINES) -> None:
        self.folder, self.run_lines = new_folder(parent), run_lines
        self._runs = SortedRuns(self.folder, run_lines)

    def add(self, graph: str, heads: Iterable[str], rank: str = DATA) -> None:
        tag = f" {rank}{graph}"
        add = self._runs.add
        for text in heads:
            add(line_key(text) + tag)

    def sorted(self) -> Iterator[str]:
        return self._runs.sorted()


@dataclass(frozen=True)
class Derived:
    """The graphs computed from the others: their IRIs, and where the dataset's counts
    and dates come from."""

    iris: Iris
    page_graphs: Sequence[str]  # the page graphs that hold anything, sorted
    latest: date  # the newest capture date: the dataset's modification date


def assemble(collected: Collector, derived: Derived) -> GraphText:
    """The collected heads, each once, with the statistics and dataset description."""
    folder, run_lines, iris = collected.folder, collected.run_lines, derived.iris
    pairs = SortedRuns(folder, run_lines)
    base = _Spool(folder / "union-base.txt", run_lines)
    census = take_census(map(head_of, base.keep(_first_copies(collected.sorted(), pairs))))
    stats = {line_key(head(t)) for t in statistics(census.facts, iris)}
    stats -= _held(base.lines(), stats)
    census = census.plus(take_census(map(head_of, sorted(stats))))
    described = describe_dataset(census, iris, derived.page_graphs, derived.latest)
    described_keys = {line_key(head(t)) for t in described}
    union, said_before = _Spool(folder / "union.txt", run_lines), set[str]()
    union.fill(_merged(base.lines(), sorted(stats | described_keys), said_before))
    base.remove()
    for key in stats:
        pairs.add(f"<{iris.statistics_graph}> {key}")
    for key in described_keys - said_before:
        pairs.add(f"<{iris.dataset_graph}> {key}")
    pair_lines = _Spool(folder / "pairs.txt", run_lines)
    pair_lines.fill(pairs.sorted())
    text = GraphText(pair_lines.lines(), union.lines(), folder)
    if not pair_lines.on_disk and not union.on_disk:
        text.close()  # all of it in memory: no folder to keep
    return text


def _first_copies(items: Iterator[str], pairs: SortedRuns) -> Iterator[str]:
    """The key of each triple once, its first graph's pair added to ``pairs``."""
    last = None
    add = pairs.add
    for item in items:
        key, tag = item.rsplit(" ", 1)  # the tag: rank and graph IRI, which holds no space
        if key != last:
            add(f"{tag[1:]} {key}")
            yield key
            last = key


def _held(keys: Iterable[str], wanted: set[str]) -> set[str]:
    """Which of ``wanted`` are among ``keys`` (one pass)."""
    return {key for key in keys if key in wanted} if wanted else set()


def _merged(keys: Iterable[str], extra: list[str], found: set[str]) -> Iterator[str]:
    """``keys`` with the sorted, distinct ``extra`` merged in; an extra key that ``keys``
    hold already goes once, and into ``found``."""
    pending = iter(extra)
    waiting = next(pending, None)
    for key in keys:
        while waiting is not None and waiting < key:
            yield waiting
            waiting = next(pending, None)
        if waiting == key:
            found.add(key)
            waiting = next(pending, None)
        yield key
    while waiting is not None:
        yield waiting
        waiting = next(pending, None)


class _Spool:
    """Lines in the order they come, in memory up to ``limit``, then in a file."""

    def __init__(self, path: Path, limit: int) -> None:
        self.path, self.limit = path, limit
        self.held: list[str] = []
        self.count = 0
        self._file: IO[str] | None = None
        self.on_disk = False

    def keep(self, lines: Iterable[str]) -> Iterator[str]:
        for line in lines:
            self._add(line)
            yield line
        if self._file is not None:
            self._file.close()
            self._file = None

    def fill(self, lines: Iterable[str]) -> None:
        """Keep all of ``lines``."""
        for _ in self.keep(lines):
            pass

    def _add(self, line: str) -> None:
        self.count += 1
        if self._file is None:
            self.held.append(line)
            if len(self.held) < self.limit:
                return
            self._file = writer(self.path)
            self.on_disk = True
            lines, self.held = self.held, []
        else:
            lines = [line]
        for each in lines:
            self._file.write(each)
            self._file.write("\n")

    def lines(self) -> Lines:
        return Lines(self.path if self.on_disk else self.held, self.count)

    def remove(self) -> None:
        self.held = []
        self.path.unlink(missing_ok=True)
