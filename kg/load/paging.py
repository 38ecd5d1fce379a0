"""Answers a server cuts short (issue 20): Virtuoso returns at most ``ResultSetMaxRows``
(10,000 by default) rows or triples per answer, the Graph Store GET included, and says
nothing about it. Two ways round it, both in plain SPARQL 1.1:

- **count, then page** a SELECT: count its rows (``count_query``), and when the answer is
  shorter, fetch it again page by page (``page_query``: the query as a sub-select, with
  ``LIMIT``/``OFFSET`` outside, which Virtuoso allows beyond 10,000 rows where an
  ``ORDER BY ... OFFSET`` at the same level fails). The query must fix its order
  (``ORDER BY``) for the pages to tile.
- **buckets** for a graph's triples, whose order does not matter: split them by the first
  hex digit(s) of an MD5 of the triple (``bucket_counts_query``, ``bucket_query``) when
  every bucket fits in one answer; the buckets partition the graph whatever the store's
  order. Each bucket costs a scan of the graph, so ``kg load`` uses 16 at most.
"""

from __future__ import annotations

import re

# PREFIX/BASE declarations and comments before the query form: they stay outside a wrapper
_PROLOGUE = re.compile(
    r"\A(?:\s+|#[^\n]*(?:\n|\Z)|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*",
    re.IGNORECASE,
)
_TRIPLE_KEY = 'MD5(CONCAT(STR(?s), " ", STR(?p), " ", STR(?o)))'


def split_prologue(query: str) -> tuple[str, str]:
    """(prologue, rest): the PREFIX/BASE declarations (and comments) and the query form."""
    match = _PROLOGUE.match(query)
    end = match.end() if match else 0
    return query[:end], query[end:]


def count_query(query: str) -> str:
    """A SELECT counting the rows of a SELECT query (``?n``)."""
    prologue, body = split_prologue(query)
    return f"{prologue}\nSELECT (COUNT(*) AS ?n) WHERE {{ {{\n{body}\n}} }}"


def page_query(query: str, offset: int, size: int) -> str:
    """Rows ``offset`` to ``offset + size`` of a SELECT query whose ``ORDER BY`` fixes the
    order of its rows."""
    prologue, body = split_prologue(query)
    return f"{prologue}\nSELECT * WHERE {{ {{\n{body}\n}} }} LIMIT {size} OFFSET {offset}"


def _where(graph: str) -> str:
    return f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"


def bucket_counts_query(graph: str, digits: int) -> str:
    """Triple count of each bucket (``?b``, ``?n``) of a graph (``""``: the default graph)."""
    return (
        f"SELECT ?b (COUNT(*) AS ?n) WHERE {{ {_where(graph)} "
        f"BIND(SUBSTR({_TRIPLE_KEY}, 1, {digits}) AS ?b) }} GROUP BY ?b"
    )


def bucket_query(graph: str, bucket: str) -> str:
    """A CONSTRUCT of the triples of a graph in one bucket."""
    return (
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {_where(graph)} "
        f'FILTER(STRSTARTS({_TRIPLE_KEY}, "{bucket}")) }}'
    )
