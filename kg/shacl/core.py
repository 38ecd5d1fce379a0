"""Shapes checked by pySHACL itself, over its Oxigraph data graph (issue 4): the core shapes
outside the compiled subset, and the plain run over everything that is the reference the fast
path must equal. Its report graph comes back as ``Raw`` results.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyshacl
import rdflib
from rdflib import URIRef
from rdflib.namespace import RDF, SH

from kg.errors import InputError
from kg.shacl.data import DataGraph, to_ox
from kg.shacl.raw import Raw, node_text


def pyshacl_results(
    graph: DataGraph,
    shapes: rdflib.Graph,
    use_shapes: Sequence[str] = (),
    focus: Sequence[str] | None = None,
) -> list[Raw]:
    """pySHACL's results for the shapes ``use_shapes`` (none: all of them) on the ``focus``
    nodes (None: the targets pySHACL finds itself)."""
    _, report, _ = pyshacl.validate(
        graph,
        shacl_graph=shapes,
        inference="none",
        advanced=False,
        use_shapes=list(use_shapes) or None,
        focus_nodes=[URIRef(f) for f in focus] if focus is not None else None,
    )
    if not isinstance(report, rdflib.Graph):  # pyshacl refused the shapes themselves
        raise InputError(f"the shapes are not valid SHACL: {report}")
    return _raw_results(report)


def _raw_results(report: rdflib.Graph) -> list[Raw]:
    out: list[Raw] = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        value = report.value(node, SH.value)
        constraint = report.value(node, SH.sourceConstraint)
        out.append(
            Raw(
                str(report.value(node, SH.resultSeverity)),
                node_text(report.value(node, SH.sourceShape)),
                node_text(report.value(node, SH.focusNode)),
                _path_text(report, report.value(node, SH.resultPath)),
                str(to_ox(value)) if value is not None else None,
                " / ".join(sorted(str(m) for m in report.objects(node, SH.resultMessage))),
                str(report.value(node, SH.sourceConstraintComponent)),
                node_text(constraint) if constraint is not None else None,
            )
        )
    return out


def _path_text(graph: rdflib.Graph, path: Any) -> str | None:
    if path is None or isinstance(path, URIRef):
        return None if path is None else str(path)
    inverse = graph.value(path, SH.inversePath)
    if isinstance(inverse, URIRef):
        return f"^{inverse}"
    return node_text(path)
