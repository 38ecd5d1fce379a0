"""SPARQL-based constraints run set-at-a-time (issue 4).

Each constraint's query runs once over the whole graph with ``$this`` free, keeping the
solutions whose ``?this`` is a focus node: joined to a pattern binding the focus nodes, or
filtered by their IRIs. pySHACL would parse and run a query per focus node (~0.6 ms each:
minutes at 100 k papers). It is equivalent for queries whose first triple pattern binds
``$this`` (the rule in shapes/prefixes.ttl).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import SH

from kg.errors import InputError
from kg.graph.layout import Graph
from kg.shacl.compile import Shape
from kg.shacl.data import query_solutions
from kg.shacl.queries import Queries
from kg.shacl.raw import Raw, node_text


def _prefix_header(shapes: rdflib.Graph, constraint: object) -> str:
    lines = []
    for declarer in shapes.objects(constraint, SH.prefixes):  # type: ignore[arg-type]
        for declaration in shapes.objects(declarer, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(sorted(set(lines)))


_CLASS = "kg_target_class"  # the variable of the target pattern's classes


def target_pattern(
    queries: Queries, shapes: rdflib.Graph, shape: URIRef, iris: dict[str, bool]
) -> str | None:
    """A graph pattern binding ?this to the shape's focus nodes, when they are the instances
    of its sh:targetClass classes and all IRIs; None otherwise (a Python set filters them).
    ``iris`` caches, per pattern, whether its focus nodes are all IRIs."""
    targets = {p for p, _ in shapes.predicate_objects(shape) if str(p).startswith(f"{SH}target")}
    selects = [str(shapes.value(c, SH.select)) for c in shapes.objects(shape, SH.sparql)]
    if targets != {SH.targetClass} or any(
        re.search(r"(?im)^\s*(PREFIX|BASE)\b", q) for q in selects
    ):
        return None
    classes = sorted(str(c) for c in shapes.objects(shape, SH.targetClass))
    pattern = queries.focus(Shape("", tuple(classes), None, False, "", "", ()))
    pattern = pattern.replace("?f", "?this").replace("?c", f"?{_CLASS}")
    if pattern not in iris:  # once per worker: it reads every focus node
        iris[pattern] = not queries.store.query(f"ASK {{ {pattern} FILTER (!isIRI(?this)) }}")
    return pattern if iris[pattern] else None


def run_sparql(
    store: Graph,
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
        solutions = query_solutions(store, query, substitutions=bindings or None)
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
            out[key] = Raw(
                severity,
                str(shape),
                this.value,
                path.value if isinstance(path, ox.NamedNode) else None,
                str(value),
                text or f"SPARQL constraint {constraint} failed",
                str(SH.SPARQLConstraintComponent),
                node_text(constraint),
            )
    return list(out.values())


def _format(message: str, bound: Mapping[str, Any]) -> str:
    for name, term in bound.items():
        message = re.sub(r"\{[?$]" + re.escape(name) + r"\}", _literally(term.value), message)
    return message


def _literally(text: str) -> Any:
    return lambda _: text  # a replacement function: re.sub must not read escapes in the text
