"""A validation result as a check finds it, before the page and line of its focus node are
known: the fields of a SHACL result as text (issue 4)."""

from __future__ import annotations

from typing import NamedTuple

from rdflib import BNode


class Raw(NamedTuple):
    severity: str  # sh:Violation, sh:Warning or sh:Info IRI
    shape: str  # sh:sourceShape ("_:id" for a blank node)
    focus: str  # sh:focusNode IRI ("_:id" for a blank node)
    path: str | None  # sh:resultPath: an IRI, or "^IRI" for an inverse path
    value: str | None  # sh:value in N-Triples syntax
    message: str  # the sh:resultMessage literals, sorted and joined with " / "
    component: str  # sh:sourceConstraintComponent IRI
    constraint: str | None  # sh:sourceConstraint


def node_text(node: object) -> str:
    """An rdflib node as a result field: an IRI, or "_:id" for a blank node."""
    return f"_:{node}" if isinstance(node, BNode) else str(node)
