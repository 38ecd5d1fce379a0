"""The graph's text form and its one order (pure).

A *head* is one triple as pyoxigraph's N-Triples writer prints it, without the final `` .``:
``<s> <p> o``. Every graph travels as heads sorted by ``line_key`` (subject, rdf:type first,
then the rest), and every writer streams from that order, so the same input gives
byte-identical files.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import NamedTuple

from kg.graph.terms import A

Triple = tuple[str, str, str]  # N-Triples text of subject, predicate, object


class SortedText(NamedTuple):
    """A graph as the build holds it: (graph, head) pairs, and the union of the graphs."""

    pairs: list[tuple[str, str]]
    union: list[str]


_TYPE_SEAM = f" {A} "


def line_key(head: str) -> str:
    # rdf:type sorts first inside a subject (NUL < "<"), as people write Turtle by hand. Only
    # the predicate is replaced (a title may print the IRI), so ``head_of`` can undo it.
    at = head.find(" ")
    if head.startswith(_TYPE_SEAM, at):
        return f"{head[:at]} \x00 {head[at + len(_TYPE_SEAM) :]}"
    return head


def head_of(key: str) -> str:
    """The head a ``line_key`` was made from."""
    at = key.find(" ")
    if key.startswith(" \x00 ", at):
        return f"{key[:at]}{_TYPE_SEAM}{key[at + 3 :]}"
    return key


def head(triple: Triple) -> str:
    subject, predicate, obj = triple
    return f"{subject} {predicate} {obj}"


def insert_sorted(ordered: list[str], extra: list[str]) -> list[str]:
    """Both lists (each sorted by ``line_key``) as one sorted list, in one copy of the long
    one: the few heads the build derives go in by binary search, so the millions already
    sorted are not keyed and compared again."""
    out: list[str] = []
    start = 0
    for text in extra:
        at = bisect_right(ordered, line_key(text), lo=start, key=line_key)
        out += ordered[start:at]
        out.append(text)
        start = at
    out += ordered[start:]
    return out


def sorted_text(graphs: dict[str, set[str]], union: set[str] | None = None) -> SortedText:
    """Graph -> heads, as ``Mapped`` holds them: (graph, head) pairs sorted by graph, then
    subject with rdf:type first, then the rest; and the union of the graphs (``union``
    when the caller has it already) in the same order."""
    whole = union if union is not None else set().union(*graphs.values())
    return SortedText(sorted_pairs(graphs), sorted(whole, key=line_key))


def sorted_pairs(graphs: dict[str, set[str]]) -> list[tuple[str, str]]:
    """(graph, head) pairs sorted by graph, then subject with rdf:type first, then the rest."""
    return [(g, h) for g in sorted(graphs) for h in sorted(graphs[g], key=line_key)]
