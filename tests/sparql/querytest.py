"""Shared by the tests of kg.sparql: the seeds, strings built to break out of a query, and
saved queries' answers as text."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.sparql.results import Results
from kg.sparql.saved import bind, load, run_local

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
XSD = "http://www.w3.org/2001/XMLSchema#"
NASTY = [
    'x" } ; DROP ALL ; #',
    "x' } ; DROP ALL ; #",
    "a\"\"\"b'''c",
    "back\\slash \\\\ and \\u0022 and \\U00000022 and \\",
    "line\nbreak\r\ttab",
    "} } ) ) >",
    "<http://example.org/> . ?s ?p ?o",
    "Zoë — 张 🙂",
    "",
]


def values(results: Results) -> list[tuple[str, ...]]:
    """Rows as text; the parts of a GROUP_CONCAT ("a; b") sorted, since its order is free."""

    def text(term: object) -> str:
        value = "" if term is None else str(getattr(term, "value", term))
        return "; ".join(sorted(value.split("; "))) if "; " in value else value

    return [tuple(text(term) for term in row) for row in results.rows]


def answer(store: ox.Store, name: str, *params: tuple[str, str]) -> list[dict[str, str]]:
    query = load(name)
    results = run_local(store, query, bind(query, list(params)))
    return [dict(zip(results.variables, row, strict=True)) for row in values(results)]


def columns(rows: list[dict[str, str]], *names: str) -> list[tuple[str, ...]]:
    return [tuple(row[n] for n in names) for row in rows]
