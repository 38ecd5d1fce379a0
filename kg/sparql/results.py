"""Query results and how they are written: a readable table or Markdown for people, the W3C
SPARQL result formats (CSV, TSV, JSON, XML) for programs, an RDF syntax for graph results.

Pure: ``render`` returns bytes and the caller writes them. The W3C formats are written by
pyoxigraph's own serialisers, fed from the SPARQL JSON results document built here, so the
escaping rules of each format are the library's, not ours.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pyoxigraph as ox

from kg.errors import UsageError
from kg.export.formats import NTRIPLES, TURTLE
from kg.render import table
from kg.sparql.text import Term

Kind = Literal["solutions", "boolean", "graph", "update"]

SOLUTION_FORMATS = ("table", "csv", "tsv", "json", "xml", "md")
GRAPH_FORMATS = ("table", "md", "json", "xml", "turtle", "ntriples")
FORMATS = (*SOLUTION_FORMATS, "turtle", "ntriples")
EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".json": "json",
    ".srj": "json",
    ".xml": "xml",
    ".srx": "xml",
    ".md": "md",
    ".txt": "table",
    **{suffix: f.name for f in (TURTLE, NTRIPLES) for suffix in f.suffixes},
    ".jsonld": "json",
    ".rdf": "xml",
}
_W3C = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
}
_RDF = {
    "json": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class Results:
    """What a query gave, read completely: rows of terms, a boolean, or triples."""

    kind: Kind
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Term | None, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] = ()

    def __len__(self) -> int:
        return len(self.triples) if self.kind == "graph" else len(self.rows)


def collect(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> Results:
    """Read a pyoxigraph result (QuerySolutions, QueryBoolean or QueryTriples) completely."""
    if isinstance(result, ox.QueryBoolean):
        return Results("boolean", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = tuple(v.value for v in result.variables)
        # A solution iterates its values in the order of ``variables`` (None when unbound);
        # tuple(solution) is about eight times faster than looking each variable up by name
        # (10 k rows of four columns: 40 ms against 330 ms).
        rows = tuple(tuple(solution) for solution in result)
        return Results("solutions", variables, rows)
    return Results("graph", triples=tuple(result))


def format_for_path(path: str) -> str | None:
    """The output format a file name asks for by its extension, if any."""
    dot = path.rfind(".")
    return EXTENSIONS.get(path[dot:].lower()) if dot >= 0 else None


def choose_format(form: str | None, fmt: str | None, output: str | None, tty: bool) -> str:
    """--format, else -o's extension, else a table on a terminal and CSV (N-Triples for a
    graph) when piped."""
    if fmt:
        return fmt
    guessed = format_for_path(output) if output else None
    if guessed:
        return guessed
    if tty and output is None:
        return "table"
    return "ntriples" if form in ("CONSTRUCT", "DESCRIBE") else "csv"


def render(
    results: Results,
    fmt: str,
    prefixes: Mapping[str, str] | None = None,
    omit: Sequence[str] = (),
) -> bytes:
    """Serialise results. ``prefixes`` shorten IRIs in tables; ``omit`` drops columns from
    tables (the query's parameters: the same value on every row)."""
    if results.kind == "update":
        return b""
    if results.kind == "graph":
        return _render_graph(results, fmt, prefixes or {})
    if fmt in _W3C:
        document = json.dumps(to_json(results), ensure_ascii=False).encode("utf-8")
        if fmt == "json":
            return document
        parsed = ox.parse_query_results(document, ox.QueryResultsFormat.JSON)
        return parsed.serialize(format=_W3C[fmt]) or b""
    if fmt in ("table", "md"):
        if results.kind == "boolean":
            headers, cells = ["result"], [["true" if results.boolean else "false"]]
        else:
            keep = [i for i, v in enumerate(results.variables) if v not in omit]
            headers = [results.variables[i] for i in keep]
            cells = [[display(row[i], prefixes or {}) for i in keep] for row in results.rows]
        text = table(headers, cells) if fmt == "table" else markdown(headers, cells)
        return text.encode("utf-8")
    raise UsageError(
        f"--format {fmt} is for graph results (CONSTRUCT, DESCRIBE); "
        f"use one of {', '.join(SOLUTION_FORMATS)}"
    )


def _render_graph(results: Results, fmt: str, prefixes: Mapping[str, str]) -> bytes:
    if fmt in _RDF:
        used = dict(prefixes) if fmt == "turtle" else None
        return ox.serialize(results.triples, format=_RDF[fmt], prefixes=used) or b""
    if fmt in ("table", "md"):
        headers = ["subject", "predicate", "object"]
        cells = [
            [
                display(t.subject, prefixes),
                display(t.predicate, prefixes),
                display(t.object, prefixes),
            ]
            for t in results.triples
        ]
        text = table(headers, cells) if fmt == "table" else markdown(headers, cells)
        return text.encode("utf-8")
    raise UsageError(
        f"a CONSTRUCT or DESCRIBE query gives a graph, which has no {fmt} form: "
        f"use --format {', '.join(GRAPH_FORMATS)}"
    )


def to_json(results: Results) -> dict[str, Any]:
    """The SPARQL 1.1 Query Results JSON document (https://www.w3.org/TR/sparql11-results-json/)."""
    if results.kind == "boolean":
        return {"head": {}, "boolean": bool(results.boolean)}
    bindings = [
        {
            var: json_term(term)
            for var, term in zip(results.variables, row, strict=True)
            if term is not None
        }
        for row in results.rows
    ]
    return {"head": {"vars": list(results.variables)}, "results": {"bindings": bindings}}


def json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (_XSD_STRING, _RDF_LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": json_term(term.subject),
            "predicate": json_term(term.predicate),
            "object": json_term(term.object),
        },
    }


def display(term: Term | None, prefixes: Mapping[str, str]) -> str:
    """A term as a person reads it: literals by value, IRIs shortened with a prefix."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.NamedNode):
        best = max(
            ((name, ns) for name, ns in prefixes.items() if term.value.startswith(ns)),
            key=lambda item: len(item[1]),
            default=None,
        )
        return f"{best[0]}:{term.value[len(best[1]) :]}" if best else f"<{term.value}>"
    return str(term)


def shown_value(term: Term, prefixes: Mapping[str, str]) -> str:
    """A parameter's value for a message: strings quoted, numbers and dates bare."""
    if isinstance(term, ox.Literal) and term.datatype.value == _XSD_STRING:
        return json.dumps(term.value, ensure_ascii=False)
    return display(term, prefixes)


def markdown(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(_md_cell(c) for c in cells) + " |"

    lines = [line(headers), "|" + "|".join("---" for _ in headers) + "|"]
    lines.extend(line(r) for r in rows)
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")
