"""Which shapes run where: the shapes graph, its targeted shapes and the tasks of a
validation (issue 4).

Compiled shapes (``kg.shacl.compile``) and SPARQL-only shapes run set-at-a-time, a task each;
the other core shapes go through pySHACL, the ones with the same targets together, their focus
nodes split into shards.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from kg.errors import InputError
from kg.graph.layout import Graph
from kg.resources import SHAPES_DIR
from kg.shacl.compile import compile_shape
from kg.shacl.data import query_solutions


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
class Task:
    kind: str  # "compiled", "sparql" (set-at-a-time), "core" (pySHACL), "count" or "all"
    shapes: tuple[str, ...] = ()
    focus: tuple[str, ...] | None = None  # None: pySHACL finds the targets itself

    @property
    def weight(self) -> int:
        return len(self.shapes) * len(self.focus or ()) + 1


def targeted_shapes(shapes: rdflib.Graph) -> list[URIRef | BNode]:
    predicates = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    found = {s for p in predicates for s in shapes.subjects(p, None)}
    active = [s for s in found if shapes.value(s, SH.deactivated) != Literal(True)]
    return sorted(active, key=str)  # type: ignore[arg-type]


def focus_nodes(
    store: Graph, shapes: rdflib.Graph, shape: URIRef, cache: dict[Any, Any]
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
            terms = [row[0] for row in query_solutions(store, query)]
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


def plan(store: Graph, shapes: rdflib.Graph, shards: int, compiled: bool) -> list[Task]:
    """Compiled and SPARQL-only shapes run set-at-a-time, a task each; the other core shapes
    sharing targets are validated together by pySHACL, their focus nodes split into
    ``shards`` (1: one pySHACL call for all)."""
    groups: dict[tuple[str, ...], list[str]] = {}
    tasks = [Task("count")]
    unsharded: list[str] = []
    cache: dict[Any, Any] = {}
    for shape in targeted_shapes(shapes):
        if not isinstance(shape, URIRef):  # use_shapes takes IRIs only: validate everything
            return [Task("count"), Task("all")]
        if compiled and compile_shape(shapes, shape) is not None:
            tasks.append(Task("compiled", (str(shape),)))
            continue
        if _is_sparql_only(shapes, shape):
            tasks.append(Task("sparql", (str(shape),)))
            continue
        focus = focus_nodes(store, shapes, shape, cache)
        if focus is None or (focus and shards == 1):
            unsharded.append(str(shape))
        elif focus:
            groups.setdefault(focus, []).append(str(shape))
    for focus, members in groups.items():
        for i in range(min(shards, len(focus))):
            tasks.append(Task("core", tuple(members), focus[i::shards]))
    if unsharded:
        tasks.append(Task("core", tuple(unsharded)))
    return sorted(tasks, key=lambda t: -t.weight)
