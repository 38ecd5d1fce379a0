"""Two sorted ``graph.nq`` files -> the lines one has and the other has not (pure, streaming).

Both files are read as batches of lines (a megabyte or so each) and cut into *runs*, the
lines of one graph within one batch; runs of the same graph follow each other because the
file is sorted by graph. Graphs are matched by name, and within a graph the two sides are
compared a *window* at a time: every line up to the smaller of the two batches' last keys.
Equal windows (the common case) cost one list comparison in C; only a window that differs
is compared line by line, through sets. Memory stays at two batches, whatever the size of
the files, except that a page graph is held whole (it is small, and the summary reads it).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, groupby
from operator import itemgetter
from typing import NamedTuple

from kg.diff.nquads import graph_of, in_graph_key
from kg.errors import UsageError

Lines = list[bytes]
Run = tuple[bytes, Lines]  # (graph, consecutive lines of that graph)


class Changes(NamedTuple):
    """What one graph lost and gained in one window, each in the file's order."""

    graph: bytes
    removed: Lines
    added: Lines


class SharedGraph(NamedTuple):
    """The start of one of the graphs every build has (entities, statistics, ...)."""

    graph: bytes


class PageGraph(NamedTuple):
    """A graph that is not one of the build's shared graphs (kg.diff.files.is_page_graph):
    a page's own graph, whole on both sides (empty where that build lacks it)."""

    graph: bytes
    old: Lines
    new: Lines


def runs(batches: Iterable[Lines], where: str) -> Iterator[Run]:
    """Each batch cut where the graph changes; ``where`` names the file in errors."""
    previous = b""
    for lines in batches:
        start = 0
        while start < len(lines):
            graph = graph_of(lines[start])
            if not graph:
                raise UsageError(f"{where}: a line names no graph: {_shown(lines[start])}")
            if graph < previous:
                raise _unsorted(where, graph, previous)
            suffix = b" " + graph + b" .\n"
            end = len(lines)
            if not lines[-1].endswith(suffix):  # the graph ends inside this batch: find where
                low, end = start, len(lines) - 1
                while low < end:
                    middle = (low + end) // 2
                    if lines[middle].endswith(suffix):
                        low = middle + 1
                    else:
                        end = middle
            yield graph, lines[start:end]
            previous, start = graph, end


def _shown(line: bytes) -> str:
    text = line.decode("utf-8", "replace").rstrip("\n")
    return text if len(text) <= 120 else text[:119] + "…"


def _unsorted(where: str, later: bytes, earlier: bytes) -> UsageError:
    return UsageError(
        f"{where} is not in kg's order (by graph, then subject with rdf:type first): "
        f"{_shown(later)} comes after {_shown(earlier)}; give the output folder of a kg build"
    )


def graphs_side_by_side(
    old: Iterator[Run], new: Iterator[Run]
) -> Iterator[tuple[bytes, Iterator[Lines], Iterator[Lines]]]:
    """(graph, old batches, new batches) for every graph of either side, in order. Each
    pair of iterators must be used up (or dropped) before the next graph is asked for."""
    empty: Iterator[Lines] = iter(())
    old_graphs = groupby(old, key=itemgetter(0))
    new_graphs = groupby(new, key=itemgetter(0))
    old_next, new_next = next(old_graphs, None), next(new_graphs, None)
    while old_next is not None or new_next is not None:
        if new_next is None or (old_next is not None and old_next[0] < new_next[0]):
            assert old_next is not None
            yield old_next[0], _lines_of(old_next[1]), empty
            old_next = next(old_graphs, None)
        elif old_next is None or new_next[0] < old_next[0]:
            yield new_next[0], empty, _lines_of(new_next[1])
            new_next = next(new_graphs, None)
        else:
            yield old_next[0], _lines_of(old_next[1]), _lines_of(new_next[1])
            old_next, new_next = next(old_graphs, None), next(new_graphs, None)


def _lines_of(group: Iterator[Run]) -> Iterator[Lines]:
    return (lines for _, lines in group)


def windows(
    graph: bytes, old: Iterator[Lines], new: Iterator[Lines], where: tuple[str, str]
) -> Iterator[Changes]:
    """The changes inside one graph, a window at a time (see the module docstring)."""
    old_checked, new_checked = _checked(old, where[0]), _checked(new, where[1])
    old_lines, new_lines = next(old_checked, []), next(new_checked, [])
    while old_lines and new_lines:
        old_last, new_last = in_graph_key(old_lines[-1]), in_graph_key(new_lines[-1])
        if old_last <= new_last:
            cut = bisect_right(new_lines, old_last, key=in_graph_key)
            old_part, old_lines = old_lines, []
            new_part, new_lines = new_lines[:cut], new_lines[cut:]
        else:
            cut = bisect_right(old_lines, new_last, key=in_graph_key)
            old_part, old_lines = old_lines[:cut], old_lines[cut:]
            new_part, new_lines = new_lines, []
        if old_part != new_part:
            yield difference(graph, old_part, new_part)
        old_lines = old_lines or next(old_checked, [])
        new_lines = new_lines or next(new_checked, [])
    for lines in chain([old_lines], old_checked):
        if lines:
            yield Changes(graph, lines, [])
    for lines in chain([new_lines], new_checked):
        if lines:
            yield Changes(graph, [], lines)


def _checked(batches: Iterator[Lines], where: str) -> Iterator[Lines]:
    """The batches, checked to follow each other in order (the lines inside a batch are
    compared as sets, so only the order between batches matters to the merge)."""
    last = b""
    for lines in batches:
        if last and in_graph_key(lines[0]) <= in_graph_key(last):
            raise _unsorted(where, lines[0], last)
        last = lines[-1]
        yield lines


def difference(graph: bytes, old: Lines, new: Lines) -> Changes:
    """The lines of ``old`` not in ``new`` and the other way round, each in its order."""
    old_set, new_set = set(old), set(new)
    return Changes(
        graph, [x for x in old if x not in new_set], [x for x in new if x not in old_set]
    )


def compare(
    old: Iterable[Lines],
    new: Iterable[Lines],
    is_page_graph: Callable[[bytes], bool],
    where: tuple[str, str] = ("OLD", "NEW"),
) -> Iterator[Changes | PageGraph | SharedGraph]:
    """Every change between the two files, graph by graph in the files' order; every page
    graph whole, changed or not (a ``PageGraph`` before its ``Changes``), and the name of
    every other graph before its changes."""
    sides = graphs_side_by_side(runs(old, where[0]), runs(new, where[1]))
    for graph, old_batches, new_batches in sides:
        if is_page_graph(graph):
            page = PageGraph(graph, list(chain(*old_batches)), list(chain(*new_batches)))
            yield page
            if page.old != page.new:
                yield difference(graph, page.old, page.new)
        else:
            yield SharedGraph(graph)
            yield from windows(graph, old_batches, new_batches, where)
