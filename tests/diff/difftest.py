"""A changed copy of the seeds, and what the change should show (imported as ``difftest``).

``change_seeds`` copies seeds/ and edits the profile page of seed 001 the way a later
capture would differ: new metrics, one listing gone, one listing copied in from another
seed page, and one title printed in other capitals (the same paper IRI, a new title). The
``Change`` it returns holds every value the tests expect, read from the pages themselves.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

PROFILE = "001_6a2e0b437ba59670.txt"  # Xingtai Lv's profile page
DONOR = "004_0db25c8019068f0b.txt"  # Biqing Qi's profile page
METRICS = {"hIndex": ("h-index", "35", "36"), "citationCount": ("citations", "1,150", "1,212")}


@dataclass(frozen=True)
class Change:
    person: str  # the profile's name as printed
    page: str  # the page's file name
    removed_title: str
    added_title: str
    old_title: str
    new_title: str
    metrics: dict[str, tuple[str, str]]  # metric -> (old, new) as the graph writes them


@dataclass(frozen=True)
class Builds:
    """Two builds of the seeds: as they are, and changed (``change_seeds``)."""

    old: Path
    new: Path
    change: Change


def records(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) line ranges of the records of a profile page: a meta line (category and
    date), the title, the authors and the abstract, each after a blank line."""
    starts = [i for i in range(1, len(lines) - 1) if lines[i - 1] == "" and _is_meta(lines[i])]
    return list(zip(starts, [*starts[1:], len(lines)][: len(starts)], strict=True))


def _is_meta(line: str) -> bool:
    return (
        any(
            month in line
            for month in (
                "Jan ",
                "Feb ",
                "Mar ",
                "Apr ",
                "May ",
                "Jun ",
                "Jul ",
                "Aug ",
                "Sep ",
                "Oct ",
                "Nov ",
                "Dec ",
            )
        )
        and len(line) < 40
    )


def change_seeds(seeds: Path, out: Path) -> Change:
    shutil.copytree(seeds, out)
    profile = (out / PROFILE).read_text(encoding="utf-8").split("\n")
    donor = (out / DONOR).read_text(encoding="utf-8").split("\n")
    person = profile[0]
    for label, old, new in METRICS.values():
        at = (
            profile.index(f"{old}{label}")
            if label == "citations"
            else profile.index(f"{label}{old}")
        )
        profile[at] = f"{new}{label}" if label == "citations" else f"{label}{new}"
    first, second = records(profile)[:2]
    old_title = profile[first[0] + 1]
    new_title = old_title.title()  # other capitals: the same title key, so the same paper
    assert new_title != old_title and new_title.casefold() == old_title.casefold()
    profile[first[0] + 1] = new_title
    removed_title = profile[second[0] + 1]
    start, end = records(donor)[0]
    added_title = donor[start + 1]
    copied = donor[start:end]
    profile = profile[: second[0]] + profile[second[1] :] + ([""] if profile[-1] else []) + copied
    (out / PROFILE).write_text("\n".join(profile), encoding="utf-8")
    metrics = {
        name: (old.replace(",", ""), new.replace(",", ""))
        for name, (_, old, new) in METRICS.items()
    }
    return Change(person, PROFILE, removed_title, added_title, old_title, new_title, metrics)


def lines_by_graph(build: Path) -> dict[str, set[str]]:
    """The lines of a build's graph.nq by graph IRI (no brackets), read whole: the slow,
    obvious way the tests check the streaming merge against."""
    graphs: dict[str, set[str]] = {}
    text = (build / "graph.nq").read_text(encoding="utf-8")
    for line in text.split("\n"):
        if line:
            graph = line[: -len(" .")].rsplit(" ", 1)[1]
            graphs.setdefault(graph[1:-1], set()).add(line)
    return graphs


def set_difference(old: Path, new: Path) -> dict[str, tuple[set[str], set[str]]]:
    """Graph -> (lines only OLD has, lines only NEW has), for the graphs that differ."""
    before, after = lines_by_graph(old), lines_by_graph(new)
    found = {}
    for graph in before.keys() | after.keys():
        removed = before.get(graph, set()) - after.get(graph, set())
        added = after.get(graph, set()) - before.get(graph, set())
        if removed or added:
            found[graph] = (removed, added)
    return found
