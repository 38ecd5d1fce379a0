"""What every writer shares: the shape of its input, and reading it in batches.

A *head* is one triple as pyoxigraph's N-Triples writer prints it, without the final `` .``:
``<s> <p> o``. A *pair* is ``(graph, head)`` with graph ``"<g>"``, or ``""`` for the default
graph. Input comes sorted by graph, then head with rdf:type first in a subject (see
``kg.graph.mapping.line_key``), so one subject's triples in one graph are consecutive and every
writer is a single pass that yields text chunks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

Pair = tuple[str, str]
Pairs = list[Pair]  # (graph "<g>", head "<s> <p> o"), sorted; see kg.graph.mapping

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD = "http://www.w3.org/2001/XMLSchema#"

LINES = 2_000  # lines per joined chunk: small enough to stay in the CPU cache while scanned

T = TypeVar("T")


def batches(items: Iterable[T], lines: int = LINES) -> Iterator[list[T]]:
    """``lines`` items at a time, from any iterable (a list, or lines read back from a file)."""
    iterator = iter(items)
    while batch := list(islice(iterator, lines)):
        yield batch
