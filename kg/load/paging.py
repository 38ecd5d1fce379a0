"""Answers a server cuts short (issue 20): Virtuoso returns at most ``ResultSetMaxRows``
(10,000 by default) rows or triples per answer, the Graph Store GET included, and says
nothing about it. Two ways round it, both in plain SPARQL 1.1:

- **count, then page** a SELECT: count its rows (``count_query``), and when the answer is
  shorter, fetch it again page by page (``page_query``: the query as a sub-select, with
  ``LIMIT``/``OFFSET`` outside, which Virtuoso allows beyond 10,000 rows where an
  ``ORDER BY ... OFFSET`` at the same level fails). The query must fix its order
  (``ORDER BY``) for the pages to tile.
- **parts** of a graph's triples, whose order does not matter: one per predicate
  (``predicate_counts_query``, ``predicate_query``), a range of an index that starts with
  the predicate (Virtuoso's PSOG, Oxigraph's GPOS), so that a part costs a read of its own
  triples and not a scan of the graph; a predicate with more triples than an answer holds
  is read in pages (``LIMIT``/``OFFSET`` on a sub-select, without ``ORDER BY``, which
  would sort the predicate's triples again for every page). Unordered pages tile only if
  the server returns the same order for the same query, as Virtuoso does: ``kg load``
  compares the content hash of what it read with the local one, so pages that do not
  tile make a graph look changed (it is sent again), never unchanged.
"""

from __future__ import annotations

import re

# PREFIX/BASE declarations and comments before the query form: they stay outside a wrapper
_PROLOGUE = re.compile(
    r"\A(?:\s+|#[^\n]*(?:\n|\Z)|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*",
    re.IGNORECASE,
)


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


def predicate_counts_query(graph: str) -> str:
    """Triple count of each predicate (``?p``, ``?n``) of a graph (``""``: the default
    graph), in a fixed order (for ``Remote.select_all``)."""
    return f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {_where(graph)} }} GROUP BY ?p ORDER BY ?p"


def predicate_query(graph: str, predicate: str, page: tuple[int, int] | None = None) -> str:
    """A CONSTRUCT of the triples of a graph with this predicate; with ``page`` (offset,
    size), only those rows of them, in the server's order."""
    pattern = f"?s <{predicate}> ?o"
    where = f"GRAPH <{graph}> {{ {pattern} }}" if graph else pattern
    if page is not None:
        offset, size = page
        where = f"{{ SELECT ?s ?o WHERE {{ {where} }} LIMIT {size} OFFSET {offset} }}"
    return f"CONSTRUCT {{ {pattern} }} WHERE {{ {where} }}"
