"""The validation report: its types (Severity, Result, Report) and its renderings as text,
JSON and a SHACL report graph in Turtle (issue 4)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import RDF, SH

from kg.graph.vocab import PREFIXES

SHAPES_NS = "https://w3id.org/kg/shapes#"


class Severity(StrEnum):
    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"

    def __reduce_ex__(self, protocol: object) -> tuple[type[Severity], tuple[str]]:
        # Pickled by value, as kg.diagnostics.Severity (the build record holds reports).
        return type(self), (self.value,)

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


_SEVERITIES = {str(SH.Violation): Severity.VIOLATION, str(SH.Warning): Severity.WARNING}
_SEVERITIES[str(SH.Info)] = Severity.INFO


@dataclass(frozen=True)
class Result:
    """One SHACL validation result, with the page record its focus node came from."""

    severity: Severity
    shape: str  # sh:sourceShape IRI
    focus: str  # sh:focusNode IRI ("_:id" for a blank node)
    path: str | None  # sh:resultPath: an IRI, or "^IRI" for an inverse path
    value: str | None  # sh:value in N-Triples syntax
    message: str
    source: str | None = None  # file name of the page the record is on
    line: int | None = None  # line of the record on that page
    component: str = ""  # sh:sourceConstraintComponent IRI
    constraint: str | None = None  # sh:sourceConstraint (SPARQL-based constraints)

    def sort_key(self) -> tuple[Any, ...]:
        # Every field takes part: two results may differ only in their constraint component
        # (sh:datatype and sh:minInclusive on one value), and ties must not depend on order.
        return (self.severity.rank, self.shape, self.focus, self.path or "", self.value or "",
                self.message, self.component or "", self.constraint or "",
                self.source or "", self.line or 0)  # fmt: skip


@dataclass(frozen=True)
class Report:
    """Conforms when no result is a violation (warnings and infos are reported, not fatal)."""

    conforms: bool
    results: tuple[Result, ...]
    triples: int
    shapes: int
    labels: tuple[tuple[str, str], ...] = ()  # shape IRI -> its sh:name or rdfs:label

    def count(self, severity: Severity) -> int:
        return sum(r.severity is severity for r in self.results)

    def at_or_above(self, severity: Severity) -> int:
        return sum(r.severity.rank <= severity.rank for r in self.results)


# The data: quads or triples (their union is the data graph), an rdflib graph or dataset, or


def _compact(iri: str | None, prefixes: Mapping[str, str]) -> str:
    if iri is None:
        return ""
    if iri.startswith("^"):
        return "^" + _compact(iri[1:], prefixes)
    if iri.startswith(("_:", '"')):
        return iri
    if iri.startswith("<") and iri.endswith(">"):
        return _compact(iri[1:-1], prefixes)
    for name, namespace in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and iri != namespace and " " not in iri:
            return f"{name}:{iri[len(namespace) :]}"
    return f"<{iri}>"


_SHORT_TYPES = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in ("integer", "decimal", "boolean")}


def _show_value(value: str, prefixes: Mapping[str, str]) -> str:
    typed = re.fullmatch(r'"(.*)"\^\^<([^>]*)>', value)
    if typed is None:
        return _compact(value, prefixes)
    lexical, datatype = typed.groups()
    if datatype in _SHORT_TYPES:
        return lexical
    return f'"{lexical}"^^{_compact(datatype, prefixes)}'


def _all_prefixes(prefixes: Mapping[str, str] | None) -> dict[str, str]:
    return {**PREFIXES, "kgsh": SHAPES_NS, "sh": str(SH), **(prefixes or {})}


def summary(report: Report) -> str:
    counts = ", ".join(f"{report.count(s)} {s.value}s" for s in Severity)
    verdict = "conforms" if report.conforms else "does not conform"
    return f"{verdict}: {counts} ({report.triples} triples, {report.shapes} shapes)"


def report_text(report: Report, prefixes: Mapping[str, str] | None = None) -> str:
    """Readable report: results grouped by severity and shape, one line per result."""
    names = _all_prefixes(prefixes)
    labels = dict(report.labels)
    out = [f"Validation: {summary(report)}\n"]
    groups: dict[tuple[int, str], list[Result]] = {}
    for result in report.results:
        groups.setdefault((result.severity.rank, result.shape), []).append(result)
    for (_, shape), results in sorted(groups.items()):
        first = results[0]
        label = f" ({labels[shape]})" if shape in labels else ""
        out.append(
            f"\n{first.severity.value.upper()} {_compact(shape, names)}{label}: "
            f"{len(results)} result{'s' if len(results) > 1 else ''}\n"
        )
        shared = len({r.message for r in results}) == 1
        if shared:
            out.append(f"  {first.message}\n")
        ordered = sorted(results, key=lambda r: (r.source or "~", r.line or 0, r.focus))
        for r in ordered:
            where = f"{r.source}:{r.line}" if r.line else (r.source or "-")
            parts = [f"  [{where}] {_compact(r.focus, names)}"]
            if r.path:
                parts.append(f"path {_compact(r.path, names)}")
            if r.value is not None and r.value.strip("<>") != r.focus:
                parts.append(f"value {_show_value(r.value, names)}")
            if not shared:
                parts.append(f"-- {r.message}")
            out.append("  ".join(parts) + "\n")
    return "".join(out)


def report_json(report: Report) -> str:
    document = {
        "conforms": report.conforms,
        "triples": report.triples,
        "shapes": report.shapes,
        "counts": {s.value: report.count(s) for s in Severity},
        "results": [{**asdict(r), "severity": r.severity.value} for r in report.results],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def report_turtle(report: Report, prefixes: Mapping[str, str] | None = None) -> str:
    """The SHACL validation report graph (sh:ValidationReport), deterministic."""
    sh, width = str(SH), len(str(len(report.results)))
    root = ox.BlankNode("report")
    boolean = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
    triples: list[tuple[Any, str, Any]] = [
        (root, str(RDF.type), ox.NamedNode(sh + "ValidationReport")),
        (root, sh + "conforms", ox.Literal(str(report.conforms).lower(), datatype=boolean)),
    ]
    for i, r in enumerate(report.results, 1):
        node = ox.BlankNode(f"result{i:0{width}d}")
        triples += [
            (root, sh + "result", node),
            (node, str(RDF.type), ox.NamedNode(sh + "ValidationResult")),
            (node, sh + "resultSeverity", ox.NamedNode(sh + r.severity.value.capitalize())),
            (node, sh + "sourceShape", _term_of(r.shape)),
            (node, sh + "focusNode", _term_of(r.focus)),
            (node, sh + "sourceConstraintComponent", ox.NamedNode(r.component)),
            (node, sh + "resultMessage", ox.Literal(r.message)),
        ]
        if r.constraint:
            triples.append((node, sh + "sourceConstraint", _term_of(r.constraint)))
        if r.value is not None:
            triples.append((node, sh + "value", _parse_term(r.value)))
        if r.path and r.path.startswith("^"):
            path = ox.BlankNode(f"result{i:0{width}d}path")
            triples.append((node, sh + "resultPath", path))
            triples.append((path, sh + "inversePath", _term_of(r.path[1:])))
        elif r.path:
            triples.append((node, sh + "resultPath", _term_of(r.path)))
    return _turtle([ox.Triple(s, ox.NamedNode(p), o) for s, p, o in triples], prefixes)


def _turtle(triples: list[ox.Triple], prefixes: Mapping[str, str] | None) -> str:
    """Deterministic Turtle: triples sorted by subject (rdf:type first), then predicate and
    object; only the prefixes used, sorted (Oxigraph writes them in hash order)."""
    rdf_type = str(RDF.type)

    def key(t: ox.Triple) -> tuple[str, bool, str, str]:
        return (str(t.subject), t.predicate.value != rdf_type, t.predicate.value, str(t.object))

    names = _all_prefixes(prefixes)
    body = ox.serialize(sorted(set(triples), key=key), format=ox.RdfFormat.TURTLE, prefixes=names)
    lines = (body or b"").decode("utf-8").splitlines(keepends=True)
    rest = "".join(line for line in lines if not line.startswith("@prefix "))
    used = [(k, v) for k, v in sorted(names.items()) if re.search(rf"(?<![\w-]){k}:", rest)]
    return "".join(f"@prefix {k}: <{v}> .\n" for k, v in used) + "\n" + rest


def _term_of(text: str) -> ox.NamedNode | ox.BlankNode:
    return ox.BlankNode(text[2:]) if text.startswith("_:") else ox.NamedNode(text)


def _parse_term(text: str) -> Any:
    quad = next(iter(ox.parse(f"<s:s> <p:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES)))
    return quad.object
