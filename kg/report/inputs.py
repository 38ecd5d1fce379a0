"""What ``kg report`` reads besides the graph: the ontology and the shapes (parsed with
rdflib, for their documentation pages), the validation report ``kg validate`` left in the
output folder, and the saved queries of the gallery, run on the store."""

from __future__ import annotations

import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import KgError
from kg.graph.layout import Graph as StoreGraph
from kg.heap import release_freed_memory
from kg.progress import Step
from kg.report.docs import TurtleFile
from kg.report.gallery import MAX_ROWS, Cell, Finding, QueryRun, Validation
from kg.resources import ONTOLOGY_DIR, QUERIES_DIR, SHAPES_DIR
from kg.sparql.results import Results
from kg.sparql.saved import (
    SavedQuery,
    bind,
    library,
    refuse_service,
    run_local,
    store_errors,
)

SH = "http://www.w3.org/ns/shacl#"
TRIPLE_COLUMNS = ("subject", "predicate", "object")
_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)


# -- reading the other inputs ---------------------------------------------------------------


def read_ontology() -> TurtleFile | None:
    path = ONTOLOGY_DIR / "kg.ttl"
    if not path.is_file():
        return None
    return TurtleFile("ontology/kg.ttl", _parse(path))


def read_shapes() -> list[TurtleFile]:
    return [TurtleFile(f"shapes/{p.name}", _parse(p)) for p in sorted(SHAPES_DIR.glob("*.ttl"))]


def _parse(path: Path) -> Graph:
    try:
        return Graph(bind_namespaces="none").parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many kinds of parse errors
        raise KgError(f"cannot read {path}: {exc}") from exc


def read_validation(out_dir: Path) -> Validation:
    """Summarise out/validation.ttl (a SHACL report), else show out/validation.txt."""
    turtle, text = out_dir / "validation.ttl", out_dir / "validation.txt"
    if turtle.is_file():
        try:
            quads = ox.parse(path=str(turtle), format=ox.RdfFormat.TURTLE)
            return summarise_validation((q.triple for q in quads), turtle.name)
        except (SyntaxError, OSError) as exc:
            return Validation(source=turtle.name, text=f"cannot read {turtle.name}: {exc}")
    if text.is_file():
        return Validation(source=text.name, text=text.read_text(encoding="utf-8", errors="replace"))
    return Validation()


_SHAPE, _FOCUS, _RESULT = SH + "sourceShape", SH + "focusNode", SH + "result"
_READ = {SH + "conforms", _RESULT, SH + "resultSeverity", _SHAPE, SH + "resultMessage", _FOCUS}
EXAMPLES = 3  # focus nodes shown per finding


def summarise_validation(triples: Iterable[Any], source: str) -> Validation:
    """The findings of a SHACL report, grouped by severity, shape and message, read in one
    pass that keeps only the values it counts."""
    by_subject: dict[str, dict[str, list[str]]] = defaultdict(dict)
    reports: set[str] = set()
    for t in triples:
        prop, value = t.predicate.value, t.object
        if prop == _RDF_TYPE:
            if value.value == SH + "ValidationReport":
                reports.add(str(t.subject))
        elif prop in _READ and (prop not in (_SHAPE, _FOCUS) or isinstance(value, ox.NamedNode)):
            shown = str(value) if prop == _RESULT else value.value
            by_subject[str(t.subject)].setdefault(prop, []).append(shown)
    conforms: bool | None = None
    results: list[str] = []
    for report in sorted(reports):
        props = by_subject.get(report, {})
        values = props.get(SH + "conforms", [])
        conforms = bool(values) and all(v == "true" for v in values)
        results += props.get(_RESULT, [])
    groups: dict[tuple[str, str, str], tuple[int, list[str]]] = {}
    for key in results:
        props = by_subject.get(key, {})
        severity = min(props.get(SH + "resultSeverity", []), default=SH + "Violation")
        shape = min(props.get(_SHAPE, []), default="")
        message = min(props.get(SH + "resultMessage", []), default="")
        focus = min(props.get(_FOCUS, []), default="")
        group = (severity.rsplit("#", 1)[-1], shape, message)
        count, examples = groups.get(group, (0, []))
        if focus and focus not in examples:
            examples = sorted([*examples, focus])[:EXAMPLES]
        groups[group] = (count + 1, examples)
    rank = {"Violation": 0, "Warning": 1, "Info": 2}
    findings = sorted(
        (
            Finding(sev, shape, msg, count, tuple(examples))
            for (sev, shape, msg), (count, examples) in groups.items()
        ),
        key=lambda f: (rank.get(f.severity, 3), -f.count, f.shape, f.message),
    )
    severities = Counter(f.severity for f in findings for _ in range(f.count))
    return Validation(
        source=source,
        conforms=conforms if conforms is not None else not results,
        results=len(results),
        by_severity=tuple(sorted(severities.items(), key=lambda kv: rank.get(kv[0], 3))),
        findings=tuple(findings),
    )


_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


# -- the query gallery ------------------------------------------------------------------------


def run_gallery(
    store: StoreGraph, queries_dir: Path = QUERIES_DIR, step: Step | None = None
) -> list[QueryRun]:
    """Every saved query in ``queries_dir`` run on the store with its default parameters; a
    query that needs a value is listed, not run."""
    return run_each(lambda: nullcontext(store), queries_dir, step)


def run_each(
    opened: Callable[[], AbstractContextManager[StoreGraph]],
    queries_dir: Path = QUERIES_DIR,
    step: Step | None = None,
) -> list[QueryRun]:
    """``run_gallery`` with the store ``opened`` for each query and closed after it: the
    store's caches grow with the indexes a query reads, so the report holds those of one
    query at a time, not of all of them."""
    runs = []
    for saved in library(queries_dir):
        if step:
            step.detail(saved.name)
        with opened() as store:
            runs.append(run_one(store, saved))
        release_freed_memory()
        if step:
            step.advance(1)
    return runs


def run_one(store: StoreGraph, saved: SavedQuery) -> QueryRun:
    """One saved query run with its default parameters (listed only if it needs a value)."""
    query = QueryRun(saved.name, saved.text, saved.title, saved.question, saved.description)
    needs = tuple(p.name for p in saved.parameters if p.default is None)
    if needs:
        return replace(query, needs=needs)
    try:
        bindings = bind(saved, [])
        query = replace(query, parameters=tuple((k, _term_text(v)) for k, v in bindings.items()))
        if saved.form == "SELECT":
            return _run_select(store, saved, bindings, query)
        return _with_results(query, run_local(store, saved, bindings))
    except KgError as exc:
        return replace(query, error=exc.message)


def _run_select(
    store: StoreGraph, saved: SavedQuery, bindings: dict[str, Any], query: QueryRun
) -> QueryRun:
    """A SELECT read as it streams, keeping the rows the gallery shows and counting the
    rest (a query may list every paper of the graph): ``run_local``, without holding all."""
    refuse_service(saved)
    substitutions = {ox.Variable(name): term for name, term in bindings.items()}
    ordered = bool(_ORDER_BY.search(saved.text))
    with store_errors(saved):
        result = store.query(saved.text, substitutions=substitutions or None)
        assert isinstance(result, ox.QuerySolutions)  # a SELECT's
        variables = tuple(v.value for v in result.variables)
        rows = (tuple(_cell(t) for t in solution) for solution in result)
        kept, total = _first(rows, ordered)
    return replace(query, variables=variables, rows=kept, total=total)


def _first(
    rows: Iterable[tuple[Cell | None, ...]], ordered: bool
) -> tuple[tuple[tuple[Cell | None, ...], ...], int]:
    """The first ``MAX_ROWS`` rows in the query's order (``ordered``) or in sorted order
    (``heapq.nsmallest``: as ``sorted(...)[:n]``, holding n), and how many there are."""
    counted = _Counted(rows)
    if ordered:
        kept = list(islice(counted, MAX_ROWS))
        for _ in counted:
            pass
    else:
        kept = heapq.nsmallest(MAX_ROWS, counted, key=_row_key)
    return tuple(kept), counted.total


class _Counted:
    """Rows, counted as they are taken."""

    def __init__(self, rows: Iterable[tuple[Cell | None, ...]]) -> None:
        self.rows, self.total = iter(rows), 0

    def __iter__(self) -> Iterator[tuple[Cell | None, ...]]:
        for row in self.rows:
            self.total += 1
            yield row


def _row_key(row: tuple[Cell | None, ...]) -> list[tuple[str, str]]:
    return [("", "") if c is None else (c.text, c.iri or "") for c in row]


def _with_results(query: QueryRun, results: Results) -> QueryRun:
    """The run with what the query gave: rows, a boolean, or triples."""
    if results.kind == "boolean":
        return replace(query, boolean=results.boolean)
    if results.kind == "graph":
        return replace(query, variables=TRIPLE_COLUMNS, rows=_triple_rows(results.triples))
    cells = [tuple(_cell(t) for t in row) for row in results.rows]
    return replace(query, variables=tuple(results.variables), rows=_ordered(query.text, cells))


def _triple_rows(triples: Any) -> tuple[tuple[Cell | None, ...], ...]:
    """CONSTRUCT/DESCRIBE results as sorted (subject, predicate, object) rows."""
    return _ordered(
        "", [tuple(_cell(x) for x in (t.subject, t.predicate, t.object)) for t in triples]
    )


def _ordered(text: str, rows: list[tuple[Cell | None, ...]]) -> tuple[tuple[Cell | None, ...], ...]:
    """The query's own order when it has ORDER BY; otherwise sorted, for stable pages."""
    if _ORDER_BY.search(text):
        return tuple(rows)
    return tuple(sorted(rows, key=_row_key))


def _cell(term: Any) -> Cell | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Cell(term.value, term.value)
    if isinstance(term, ox.BlankNode):
        return Cell(f"_:{term.value}")
    if isinstance(term, ox.Literal):
        return Cell(term.value)
    return Cell(str(term))


def _term_text(term: Any) -> str:
    return str(term.value) if hasattr(term, "value") else str(term)
