"""The streaming merge and the lookups of kg diff, against the obvious way: whole files
as sets (issue #16). Small batches put every graph and window boundary to the test."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from difftest import Builds, set_difference

from kg.diff.files import NQuadsFile, is_page_graph
from kg.diff.merge import Changes, compare
from kg.diff.nquads import file_key, graph_of, in_graph_key


def batches(path: Path, size: int) -> list[list[bytes]]:
    lines = path.read_bytes().splitlines(keepends=True)
    return [lines[i : i + size] for i in range(0, len(lines), size)]


@pytest.mark.parametrize("sizes", [(1, 1), (3, 7), (50, 13), (10_000, 10_000)])
def test_the_merge_finds_the_set_difference_whatever_the_batches(
    builds: Builds, sizes: tuple[int, int]
) -> None:
    old = batches(builds.old / "graph.nq", sizes[0])
    new = batches(builds.new / "graph.nq", sizes[1])
    found: dict[str, tuple[set[str], set[str]]] = {}
    for event in compare(old, new, is_page_graph):
        if isinstance(event, Changes):
            removed, added = found.setdefault(event.graph.decode()[1:-1], (set(), set()))
            removed.update(x.decode().rstrip("\n") for x in event.removed)
            added.update(x.decode().rstrip("\n") for x in event.added)
            # each window's lines come in the file's order
            for lines in (event.removed, event.added):
                assert lines == sorted(lines, key=in_graph_key)
    assert found == set_difference(builds.old, builds.new)


def test_the_merge_of_a_file_with_itself_finds_nothing(builds: Builds) -> None:
    old = batches(builds.old / "graph.nq", 5)
    new = batches(builds.old / "graph.nq", 11)
    events = list(compare(old, new, is_page_graph))
    assert events and not [e for e in events if isinstance(e, Changes)]


def test_the_file_is_in_the_order_the_merge_assumes(builds: Builds) -> None:
    lines = (builds.new / "graph.nq").read_bytes().splitlines(keepends=True)
    assert all(graph_of(line) for line in lines)
    assert lines == sorted(lines, key=file_key)


def test_lookups_find_what_a_scan_finds(builds: Builds) -> None:
    lines = (builds.new / "graph.nq").read_bytes().splitlines(keepends=True)
    keys = [file_key(line) for line in lines]
    chosen = random.Random(16).sample(lines, 60)
    # one subject in one graph; one property of it; a whole graph; a prefix of nothing
    parts = [file_key(x).split(b" ") for x in chosen]
    prefixes = [graph_and_subject + b" " for graph_and_subject, *_ in parts]
    prefixes += [b" ".join(words[:2]) + b" " for words in parts[:20]]
    prefixes += [graph_of(x) for x in chosen[:20]]
    prefixes += [b"<https://nowhere.example/>", b"\xff"]
    with NQuadsFile(builds.new) as sorted_file:
        found = sorted_file.lines_under(prefixes)
    for prefix in prefixes:
        assert found[prefix] == [
            x for x, k in zip(lines, keys, strict=True) if k.startswith(prefix)
        ]
    assert all(found[p] for p in prefixes[:-2])
