"""Data + shapes -> Report: SHACL validation with pySHACL (issue 4).

The data graph is the default graph of an Oxigraph store (``kg.shacl.data``): the data copied
into memory, or the store folder kg build wrote, read in place. How validation stays fast:

- No inference and no SHACL-AF; shapes target classes the data states.
- Core shapes in the subset ``kg.shacl.compile`` understands (almost all of shapes/) are
  compiled to SPARQL and checked set-at-a-time; pySHACL's rules decide every candidate, so the
  results are pySHACL's (``validate(..., compiled=False)`` runs pySHACL on them for the tests).
- SPARQL-based shapes run set-at-a-time: each query once over the whole graph with ``$this``
  free, keeping the solutions whose ``?this`` is a focus node. pySHACL would parse and run a
  query per focus node (~0.6 ms each: minutes at 100 k papers). It is equivalent for queries
  whose first triple pattern binds ``$this`` (the rule in shapes/prefixes.ttl).
- The other core shapes go through pySHACL, over its Oxigraph data graph (``DataGraph``); the
  ones with the same targets together, their focus nodes split into shards.
- Tasks run on forked workers (each opens a store folder again). ``validate(...,
  sharded=False)`` runs plain pySHACL over everything: the reference the fast path must equal.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from kg.errors import InputError
from kg.processes import worker_pool
from kg.resources import SHAPES_DIR
from kg.shacl.compile import Queries, Raw, Shape, check, compile_shape
from kg.shacl.data import Data, DataGraph, data_store, open_folder, to_ox, where
from kg.shacl.report import (
    SHAPES_NS,
    Report,
    Result,
    Severity,
    report_json,
    report_text,
    report_turtle,
    summary,
)

__all__ = ["SHAPES_DIR", "SHAPES_NS", "Data", "Report", "Result", "Severity", "load_shapes",
           "report_json", "report_text", "report_turtle", "summary", "validate"]  # fmt: skip

DEFAULT_WORKERS = 2
INLINE_BELOW = 50_000  # quads: smaller graphs are validated in-process
_SEVERITIES = {str(SH.Violation): Severity.VIOLATION, str(SH.Warning): Severity.WARNING}
_SEVERITIES[str(SH.Info)] = Severity.INFO


# -- inputs ----------------------------------------------------------------------------


def load_shapes(shapes_dir: Path = SHAPES_DIR) -> rdflib.Graph:
    """Every ``*.ttl`` file of the folder, as one shapes graph."""
    files = sorted(Path(shapes_dir).glob("*.ttl"))
    if not files:
        raise InputError(f"no shapes (*.ttl) in {shapes_dir}: pass --shapes DIR")
    graph = rdflib.Graph()
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except (OSError, SyntaxError, ValueError) as exc:
            raise InputError(f"cannot read shapes file {path}: {exc}") from exc
    return graph


# -- planning: which shapes run where ---------------------------------------------------

_TARGETS = {
    str(SH.targetClass): "SELECT DISTINCT ?s WHERE {{ {{ ?s a <{iri}> }} UNION "
    "{{ ?s a ?c . ?c <{rdfs}subClassOf>+ <{iri}> }} }}",
    str(SH.targetSubjectsOf): "SELECT DISTINCT ?s WHERE {{ ?s <{iri}> ?o }}",
    str(SH.targetObjectsOf): "SELECT DISTINCT ?s WHERE {{ ?o <{iri}> ?s }}",
}
_NOT_CONSTRAINTS = {
    SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.severity,
    SH.message, SH.deactivated, SH.name, SH.description, SH.order, SH.group, SH.sparql,
}  # fmt: skip


@dataclass(frozen=True)
class _Task:
    kind: str  # "compiled", "sparql" (set-at-a-time), "core" (pySHACL), "count" or "all"
    shapes: tuple[str, ...] = ()
    focus: tuple[str, ...] | None = None  # None: pySHACL finds the targets itself

    @property
    def weight(self) -> int:
        return len(self.shapes) * len(self.focus or ()) + 1


def _query(store: ox.Store, query: str, **options: Any) -> ox.QuerySolutions:
    solutions = store.query(query, **options)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def _targeted_shapes(shapes: rdflib.Graph) -> list[URIRef | BNode]:
    predicates = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    found = {s for p in predicates for s in shapes.subjects(p, None)}
    active = [s for s in found if shapes.value(s, SH.deactivated) != Literal(True)]
    return sorted(active, key=str)  # type: ignore[arg-type]


def _focus_nodes(
    store: ox.Store, shapes: rdflib.Graph, shape: URIRef, cache: dict[Any, Any]
) -> tuple[str, ...] | None:
    """The shape's focus node IRIs, sorted; None when some are not IRIs (pySHACL targets)."""
    queries = sorted(
        template.format(iri=target, rdfs=RDFS)
        for predicate, template in _TARGETS.items()
        for target in shapes.objects(shape, URIRef(predicate))
    )
    nodes = sorted(str(n) for n in shapes.objects(shape, SH.targetNode))
    if any(not isinstance(n, URIRef) for n in shapes.objects(shape, SH.targetNode)):
        return None
    key = (tuple(queries), tuple(nodes))
    if key not in cache:
        found: set[str] | None = set(nodes)
        for query in queries:
            terms = [row[0] for row in _query(store, query)]
            if found is None or not all(isinstance(t, ox.NamedNode) for t in terms):
                found = None
            else:
                found.update(t.value for t in terms)
        cache[key] = tuple(sorted(found)) if found is not None else None
    focus: tuple[str, ...] | None = cache[key]
    return focus


def _is_sparql_only(shapes: rdflib.Graph, shape: URIRef) -> bool:
    predicates = {p for p, _ in shapes.predicate_objects(shape)} - {RDF.type}
    constraints = {p for p in predicates if str(p).startswith(str(SH))} - _NOT_CONSTRAINTS
    return (shape, SH.sparql, None) in shapes and not constraints


def _plan(store: ox.Store, shapes: rdflib.Graph, shards: int, compiled: bool) -> list[_Task]:
    """Compiled and SPARQL-only shapes run set-at-a-time, a task each; the other core shapes
    sharing targets are validated together by pySHACL, their focus nodes split into
    ``shards`` (1: one pySHACL call for all)."""
    groups: dict[tuple[str, ...], list[str]] = {}
    tasks = [_Task("count")]
    unsharded: list[str] = []
    cache: dict[Any, Any] = {}
    for shape in _targeted_shapes(shapes):
        if not isinstance(shape, URIRef):  # use_shapes takes IRIs only: validate everything
            return [_Task("count"), _Task("all")]
        if compiled and compile_shape(shapes, shape) is not None:
            tasks.append(_Task("compiled", (str(shape),)))
            continue
        if _is_sparql_only(shapes, shape):
            tasks.append(_Task("sparql", (str(shape),)))
            continue
        focus = _focus_nodes(store, shapes, shape, cache)
        if focus is None or (focus and shards == 1):
            unsharded.append(str(shape))
        elif focus:
            groups.setdefault(focus, []).append(str(shape))
    for focus, members in groups.items():
        for i in range(min(shards, len(focus))):
            tasks.append(_Task("core", tuple(members), focus[i::shards]))
    if unsharded:
        tasks.append(_Task("core", tuple(unsharded)))
    return sorted(tasks, key=lambda t: -t.weight)


# -- running ------------------------------------------------------------------------------

_STATE: dict[str, Any] = {}  # the data and shapes of the current run; workers inherit it


_Where = dict[str, tuple[str | None, int | None]]


def _run_where(task: _Task) -> tuple[int, list[Raw], _Where]:
    """Run one task; returns (triples counted, results, where each focus node came from),
    the last found in the worker too, in parallel with the other tasks."""
    counted, raw = _run(task)
    return counted, raw, where(_STATE["store"], {r[2] for r in raw})


def _run(task: _Task) -> tuple[int, list[Raw]]:
    """Run one task; returns (triples counted, results)."""
    if _STATE.get("pid") != os.getpid():  # a new worker: its own store handle and caches
        if _STATE.get("folder") is not None:
            _STATE["store"] = open_folder(_STATE["folder"])
        store = _STATE["store"]
        _STATE.update(pid=os.getpid(), graph=DataGraph(store), queries=Queries(store))
        _STATE.update(focus={}, iris={})
    store, shapes = _STATE["store"], _STATE["shapes"]
    if task.kind == "count":  # the default graph holds each triple once
        query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        return int(next(iter(_query(store, query)))[0].value), []
    if task.kind == "compiled":
        shape = compile_shape(shapes, URIRef(task.shapes[0]))
        assert shape is not None
        return 0, check(_STATE["queries"], shape)
    if task.kind == "sparql":
        sparql_shape = URIRef(task.shapes[0])
        target = _target_pattern(store, shapes, sparql_shape)
        if target is not None:
            return 0, _run_sparql(store, shapes, sparql_shape, target=target)
        focus = _focus_nodes(store, shapes, sparql_shape, _STATE["focus"])
        if focus is not None:
            return 0, _run_sparql(store, shapes, sparql_shape, frozenset(focus))
    _, report, _ = pyshacl.validate(
        _STATE["graph"],
        shacl_graph=shapes,
        inference="none",
        advanced=False,
        use_shapes=list(task.shapes) or None,
        focus_nodes=[URIRef(f) for f in task.focus] if task.focus is not None else None,
    )
    if not isinstance(report, rdflib.Graph):  # pyshacl refused the shapes themselves
        raise InputError(f"the shapes are not valid SHACL: {report}")
    return 0, _raw_results(report)


def _raw_results(report: rdflib.Graph) -> list[Raw]:
    out: list[Raw] = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        value = report.value(node, SH.value)
        constraint = report.value(node, SH.sourceConstraint)
        out.append(
            (
                str(report.value(node, SH.resultSeverity)),
                _node_text(report.value(node, SH.sourceShape)),
                _node_text(report.value(node, SH.focusNode)),
                _path_text(report, report.value(node, SH.resultPath)),
                str(to_ox(value)) if value is not None else None,
                " / ".join(sorted(str(m) for m in report.objects(node, SH.resultMessage))),
                str(report.value(node, SH.sourceConstraintComponent)),
                _node_text(constraint) if constraint is not None else None,
            )
        )
    return out


def _node_text(node: object) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _path_text(graph: rdflib.Graph, path: Any) -> str | None:
    if path is None or isinstance(path, URIRef):
        return None if path is None else str(path)
    inverse = graph.value(path, SH.inversePath)
    if isinstance(inverse, URIRef):
        return f"^{inverse}"
    return _node_text(path)


def _prefix_header(shapes: rdflib.Graph, constraint: object) -> str:
    lines = []
    for declarer in shapes.objects(constraint, SH.prefixes):  # type: ignore[arg-type]
        for declaration in shapes.objects(declarer, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(sorted(set(lines)))


_CLASS = "kg_target_class"  # the variable of the target pattern's classes


def _target_pattern(store: ox.Store, shapes: rdflib.Graph, shape: URIRef) -> str | None:
    """A graph pattern binding ?this to the shape's focus nodes, when they are the instances
    of its sh:targetClass classes and all IRIs; None otherwise (a Python set filters them)."""
    targets = {p for p, _ in shapes.predicate_objects(shape) if str(p).startswith(f"{SH}target")}
    selects = [str(shapes.value(c, SH.select)) for c in shapes.objects(shape, SH.sparql)]
    if targets != {SH.targetClass} or any(
        re.search(r"(?im)^\s*(PREFIX|BASE)\b", q) for q in selects
    ):
        return None
    classes = sorted(str(c) for c in shapes.objects(shape, SH.targetClass))
    pattern: str = _STATE["queries"].focus(Shape("", tuple(classes), None, False, "", "", ()))
    pattern = pattern.replace("?f", "?this").replace("?c", f"?{_CLASS}")
    iris: dict[str, bool] = _STATE["iris"]  # once per worker: it reads every focus node
    if pattern not in iris:
        iris[pattern] = not store.query(f"ASK {{ {pattern} FILTER (!isIRI(?this)) }}")
    return pattern if iris[pattern] else None


def _run_sparql(
    store: ox.Store,
    shapes: rdflib.Graph,
    shape: URIRef,
    focus: frozenset[str] | None = None,
    target: str | None = None,
) -> list[Raw]:
    """One query per SPARQL constraint, $this free: joined to the ``target`` pattern, or its
    solutions filtered by the ``focus`` IRIs."""
    severity = str(shapes.value(shape, SH.severity) or SH.Violation)
    shape_messages = [str(m) for m in shapes.objects(shape, SH.message)]
    out: dict[tuple[Any, ...], Raw] = {}
    for constraint in sorted(shapes.objects(shape, SH.sparql), key=str):
        if shapes.value(constraint, SH.deactivated) == Literal(True):
            continue
        select = str(shapes.value(constraint, SH.select))
        if target is not None:
            select = f"SELECT * WHERE {{ {{ {select} }} {target} }}"
        query = _prefix_header(shapes, constraint) + select
        bindings = {}
        if re.search(r"[?$]currentShape\b", select):
            bindings[ox.Variable("currentShape")] = ox.NamedNode(str(shape))
        solutions = _query(store, query, substitutions=bindings or None)
        names = [v.value for v in solutions.variables if v.value != _CLASS]
        if "this" not in names:
            raise InputError(f"SPARQL constraint {constraint} must SELECT $this")
        messages = [str(m) for m in shapes.objects(constraint, SH.message)] + shape_messages
        for solution in solutions:
            this = solution["this"]
            if not isinstance(this, ox.NamedNode):
                continue
            if focus is not None and this.value not in focus:
                continue
            bound = {n: solution[n] for n in names if solution[n] is not None}
            key = tuple(sorted((n, str(t)) for n, t in bound.items()))
            path, value = bound.get("path"), bound.setdefault("value", this)
            text = " / ".join(sorted(_format(m, bound) for m in messages))
            out[key] = (
                severity,
                str(shape),
                this.value,
                path.value if isinstance(path, ox.NamedNode) else None,
                str(value),
                text or f"SPARQL constraint {constraint} failed",
                str(SH.SPARQLConstraintComponent),
                _node_text(constraint),
            )
    return list(out.values())


def _format(message: str, bound: Mapping[str, Any]) -> str:
    for name, term in bound.items():
        message = re.sub(r"\{[?$]" + re.escape(name) + r"\}", _literally(term.value), message)
    return message


def _literally(text: str) -> Any:
    return lambda _: text  # a replacement function: re.sub must not read escapes in the text


def validate(
    data: Data,
    shapes_dir: Path = SHAPES_DIR,
    *,
    shapes: rdflib.Graph | None = None,
    workers: int = DEFAULT_WORKERS,
    sharded: bool = True,
    compiled: bool = True,
) -> Report:
    """Validate the data (see ``Data``) against the shapes of ``shapes_dir`` (or ``shapes``).

    ``compiled=False`` checks the core shapes with pySHACL instead of compiling them;
    ``sharded=False`` runs plain pySHACL once over the whole graph, every SPARQL-based
    constraint per focus node. Both are references the fast path must agree with.
    """
    shapes = shapes if shapes is not None else load_shapes(shapes_dir)
    store, folder, size = data_store(data)
    _STATE.clear()
    _STATE.update(store=store, folder=folder, shapes=shapes)
    try:
        if not sharded:
            tasks = [_Task("count"), _Task("all")]
            shards = 1
        else:
            shards = workers if size is None or size >= INLINE_BELOW else 1
            tasks = _plan(store, shapes, shards, compiled)
        triples, raw = 0, []
        where_from: _Where = {}
        for counted, chunk, found in _map(tasks, shards):
            triples += counted
            raw += chunk
            where_from.update(found)
    finally:
        _STATE.clear()
    results = sorted(
        {
            Result(
                _SEVERITIES[r[0]],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                *where_from.get(r[2], (None, None)),
                component=r[6],
                constraint=r[7],
            )  # fmt: skip
            for r in raw
        },
        key=Result.sort_key,
    )
    conforms = not any(r.severity is Severity.VIOLATION for r in results)
    targeted = _targeted_shapes(shapes)
    return Report(conforms, tuple(results), triples, len(targeted), _labels(shapes, targeted))


def _map(tasks: Sequence[_Task], workers: int) -> Iterator[tuple[int, list[Raw], _Where]]:
    if workers <= 1 or len(tasks) < 2:
        yield from map(_run_where, tasks)
        return
    # Forked workers inherit _STATE (the store and the shapes) without copying or pickling.
    with worker_pool("fork", min(workers, os.cpu_count() or 1)) as pool:
        yield from pool.imap_unordered(_run_where, tasks)


def _labels(shapes: rdflib.Graph, targeted: Sequence[Any]) -> tuple[tuple[str, str], ...]:
    out = []
    for shape in targeted:
        label = shapes.value(shape, SH.name) or shapes.value(shape, RDFS.label)
        if label is not None:
            out.append((_node_text(shape), str(label)))
    return tuple(sorted(out))
