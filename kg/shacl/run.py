"""Data + shapes -> Report: SHACL validation with pySHACL (issue 4).

The data graph is the default graph of an Oxigraph store (``kg.shacl.data``): the data copied
into memory, or the store folder kg build wrote, read in place. How validation stays fast:

- No inference and no SHACL-AF; shapes target classes the data states.
- Core shapes in the subset ``kg.shacl.compile`` understands (almost all of shapes/) are
  compiled to SPARQL and checked set-at-a-time (``kg.shacl.check``); pySHACL's rules decide
  every candidate, so the results are pySHACL's (``validate(..., compiled=False)`` runs
  pySHACL on them for the tests).
- SPARQL-based shapes run set-at-a-time (``kg.shacl.constraints``): each query once over the
  whole graph with ``$this`` free, keeping the solutions whose ``?this`` is a focus node.
- The other core shapes go through pySHACL (``kg.shacl.core``), over its Oxigraph data graph
  (``DataGraph``); the ones with the same targets together, their focus nodes split into
  shards (``kg.shacl.plan``).
- Tasks run on forked workers, each started with the run's ``Context`` (a store folder is
  opened again in each). ``validate(..., sharded=False)`` runs plain pySHACL over
  everything: the reference the fast path must equal.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import rdflib
from rdflib import URIRef
from rdflib.namespace import RDFS, SH

from kg.graph.layout import Graph
from kg.processes import worker_pool
from kg.progress import Step
from kg.resources import SHAPES_DIR
from kg.shacl.check import check
from kg.shacl.compile import compile_shape
from kg.shacl.constraints import run_sparql, target_pattern
from kg.shacl.core import pyshacl_results
from kg.shacl.data import (
    Data,
    DataGraph,
    Origin,
    data_store,
    open_folder,
    query_solutions,
    where,
)
from kg.shacl.plan import Task, focus_nodes, load_shapes, plan, targeted_shapes
from kg.shacl.queries import Queries
from kg.shacl.raw import Raw, node_text
from kg.shacl.report import Report, Result, Severity

DEFAULT_WORKERS = 2
INLINE_BELOW = 50_000  # quads: smaller graphs are validated in-process
_SEVERITIES = {str(SH.Violation): Severity.VIOLATION, str(SH.Warning): Severity.WARNING}
_SEVERITIES[str(SH.Info)] = Severity.INFO


@dataclass(frozen=True)
class Context:
    """What every task of one validation reads. Forked workers inherit it, unpickled."""

    store: Graph
    folder: Path | None  # the store's folder, when the data is one: workers open it again
    shapes: rdflib.Graph


class Outcome(NamedTuple):
    """What one task found."""

    triples: int  # the triples counted (the "count" task only)
    results: list[Raw]
    where: dict[str, Origin]  # where each result's focus node came from


class Worker:
    """One process's side of a validation: a store handle, pySHACL's data graph over it, and
    the caches its tasks share."""

    def __init__(self, store: Graph, shapes: rdflib.Graph) -> None:
        self.store = store
        self.shapes = shapes
        self.graph = DataGraph(store)
        self.queries = Queries(store)
        self.focus: dict[Any, Any] = {}  # focus_nodes' cache
        self.iris: dict[str, bool] = {}  # target_pattern's cache

    def outcome(self, task: Task) -> Outcome:
        """Run one task; where its focus nodes came from is found here too, in parallel with
        the other tasks."""
        if task.kind == "count":  # the default graph holds each triple once
            query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
            return Outcome(int(next(iter(query_solutions(self.store, query)))[0].value), [], {})
        raw = self.results(task)
        return Outcome(0, raw, where(self.store, {r.focus for r in raw}))

    def results(self, task: Task) -> list[Raw]:
        if task.kind == "compiled":
            shape = compile_shape(self.shapes, URIRef(task.shapes[0]))
            assert shape is not None
            return check(self.queries, shape)
        if task.kind == "sparql":
            sparql_shape = URIRef(task.shapes[0])
            target = target_pattern(self.queries, self.shapes, sparql_shape, self.iris)
            if target is not None:
                return run_sparql(self.store, self.shapes, sparql_shape, target=target)
            focus = focus_nodes(self.store, self.shapes, sparql_shape, self.focus)
            if focus is not None:
                return run_sparql(self.store, self.shapes, sparql_shape, frozenset(focus))
        return pyshacl_results(self.graph, self.shapes, task.shapes, task.focus)


_WORKER: Worker | None = None  # set by _start_worker, in pool workers only


def _start_worker(context: Context) -> None:
    """Pool initializer: this worker's own store handle (a folder opened again) and caches."""
    global _WORKER
    store = open_folder(context.folder) if context.folder is not None else context.store
    _WORKER = Worker(store, context.shapes)


def _run_task(task: Task) -> Outcome:
    assert _WORKER is not None, "a pool worker started without _start_worker"
    return _WORKER.outcome(task)


def validate(
    data: Data,
    shapes_dir: Path = SHAPES_DIR,
    *,
    shapes: rdflib.Graph | None = None,
    workers: int = DEFAULT_WORKERS,
    sharded: bool = True,
    compiled: bool = True,
    inline_below: int = INLINE_BELOW,
    step: Step | None = None,
) -> Report:
    """Validate the data (see ``Data``) against the shapes of ``shapes_dir`` (or ``shapes``).

    ``compiled=False`` checks the core shapes with pySHACL instead of compiling them;
    ``sharded=False`` runs plain pySHACL once over the whole graph, every SPARQL-based
    constraint per focus node. Both are references the fast path must agree with. Graphs of
    fewer than ``inline_below`` quads are validated in-process (a store folder never is).
    ``step`` hears how many checks (tasks) there are, and each one done.
    """
    shapes = shapes if shapes is not None else load_shapes(shapes_dir)
    loaded = data_store(data)
    if not sharded:
        tasks = [Task("count"), Task("all")]
        shards = 1
    else:
        shards = workers if loaded.size is None or loaded.size >= inline_below else 1
        tasks = plan(loaded.store, shapes, shards, compiled)
    triples, raw = 0, []
    where_from: dict[str, Origin] = {}
    if step is not None:
        step.total(len(tasks), "checks")
    for outcome in _outcomes(Context(loaded.store, loaded.folder, shapes), tasks, shards):
        triples += outcome.triples
        raw += outcome.results
        where_from.update(outcome.where)
        if step is not None:
            step.advance(1)
    results = sorted(
        {_result(r, where_from.get(r.focus, Origin())) for r in raw}, key=Result.sort_key
    )
    conforms = not any(r.severity is Severity.VIOLATION for r in results)
    targeted = targeted_shapes(shapes)
    return Report(conforms, tuple(results), triples, len(targeted), _labels(shapes, targeted))


def _outcomes(context: Context, tasks: Sequence[Task], workers: int) -> Iterator[Outcome]:
    if workers <= 1 or len(tasks) < 2:
        yield from map(Worker(context.store, context.shapes).outcome, tasks)
        return
    # Forked workers inherit the context (the store and the shapes) without copying or pickling.
    processes = min(workers, os.cpu_count() or 1)
    with worker_pool("fork", processes, _start_worker, (context,)) as pool:
        yield from pool.imap_unordered(_run_task, tasks)


def _result(raw: Raw, origin: Origin) -> Result:
    return Result(
        _SEVERITIES[raw.severity],
        raw.shape,
        raw.focus,
        raw.path,
        raw.value,
        raw.message,
        origin.source,
        origin.line,
        component=raw.component,
        constraint=raw.constraint,
    )


def _labels(shapes: rdflib.Graph, targeted: Sequence[Any]) -> tuple[tuple[str, str], ...]:
    out = []
    for shape in targeted:
        label = shapes.value(shape, SH.name) or shapes.value(shape, RDFS.label)
        if label is not None:
            out.append((node_text(shape), str(label)))
    return tuple(sorted(out))
