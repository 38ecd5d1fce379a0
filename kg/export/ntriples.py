"""N-Triples and N-Quads: the sorted heads (or pairs) with their final `` .``, in batches."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kg.export.lines import LINES, Pair, batches


def ntriples_chunks(heads: Iterable[str], lines: int = LINES) -> Iterator[str]:
    for batch in batches(heads, lines):
        yield " .\n".join(batch) + " .\n"


def nquads_chunks(pairs: Iterable[Pair], lines: int = LINES) -> Iterator[str]:
    for batch in batches(pairs, lines):
        yield "".join([f"{h} {g} .\n" if g else f"{h} .\n" for g, h in batch])
