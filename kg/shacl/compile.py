"""Core SHACL shapes compiled into plain values that SPARQL can check set-at-a-time (issue 4).

pySHACL checks core constraints focus node by focus node in Python (about 20 µs per focus
node and shape: minutes at 100 k papers). A shape whose constraints are all in ``VALUE`` or
``COUNT`` below, with sh:targetClass targets, a path that is one IRI or the inverse of one,
and a sh:message, is compiled instead into a ``Shape``: ``kg.shacl.queries`` finds its
*candidates* with a few SPARQL queries, and ``kg.shacl.check`` decides them with pySHACL's own
rules and builds the results pySHACL would build (focus node, path, value, source shape,
constraint component, severity and message).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, SH

VALUE = {"nodeKind", "datatype", "minLength", "pattern", "in", "class", "minInclusive",
         "maxInclusive", "minExclusive", "maxExclusive"}  # fmt: skip
COUNT = {"minCount", "maxCount", "hasValue", "equals"}
_OTHER = {"targetClass", "path", "severity", "message", "name", "description", "order",
          "group", "deactivated"}  # fmt: skip
_SH = str(SH)
RANGE = {"minInclusive": lambda c: c >= 0, "maxInclusive": lambda c: c <= 0,
          "minExclusive": lambda c: c > 0, "maxExclusive": lambda c: c < 0}  # fmt: skip
KINDS = {
    "IRI": (URIRef,), "Literal": (Literal,), "BlankNode": (BNode,),
    "BlankNodeOrIRI": (BNode, URIRef), "IRIOrLiteral": (URIRef, Literal),
    "BlankNodeOrLiteral": (BNode, Literal),
}  # fmt: skip
# Not a pattern both regex dialects read alike: groups with flags or lookaround, escapes other
# than \s, \S and escaped punctuation, possessive quantifiers, nested classes, set operations.
_UNSAFE_PATTERN = re.compile(r"\(\?|\\[^sS\W]|\\S(?=[^\[]*\])|[*+?}]\+|\[[^\]]*\[|&&|--|~~")


@dataclass(frozen=True)
class Shape:
    """A compiled shape: what its queries and checks need, as plain values."""

    iri: str
    classes: tuple[str, ...]  # target classes
    path: str | None  # predicate IRI (None: a node shape; its value is the focus node)
    inverse: bool
    severity: str
    message: str
    params: tuple[tuple[str, Any], ...]  # (local name of the constraint parameter, value)

    @property
    def path_text(self) -> str | None:
        return None if self.path is None else ("^" if self.inverse else "") + self.path


def compile_shape(shapes: rdflib.Graph, shape: URIRef) -> Shape | None:
    """The shape in compiled form, or None when pySHACL must check it."""
    if (None, RDF.type, SH.ConstraintComponent) in shapes:  # custom components: not ours
        return None
    params: list[tuple[str, Any]] = []
    seen: set[str] = set()
    for p, o in shapes.predicate_objects(shape):
        name = str(p)[len(_SH) :] if str(p).startswith(_SH) else None
        if name is None or name in _OTHER:
            continue
        if name not in VALUE | COUNT or name in seen:
            return None
        seen.add(name)
        params.append((name, o))
    # One sh:resultMessage per distinct message literal, joined as validation joins them.
    messages = sorted(str(m) for m in set(shapes.objects(shape, SH.message)))
    targets = [p for p, _ in shapes.predicate_objects(shape) if str(p).startswith(_SH + "target")]
    if not messages or not targets or any(p != SH.targetClass for p in targets):
        return None
    if shapes.value(shape, SH.deactivated) not in (None, Literal(False)):
        return None
    path, inverse = _path(shapes, shapes.value(shape, SH.path))
    if path is None and (shape, SH.path, None) in shapes:
        return None
    compiled: list[tuple[str, Any]] = []
    for name, value in sorted(params, key=lambda kv: kv[0]):
        value = _param(shapes, name, value, path)
        if value is None:
            return None
        compiled.append((name, value))
    return Shape(
        str(shape),
        tuple(sorted(str(c) for c in shapes.objects(shape, SH.targetClass))),
        path,
        inverse,
        str(shapes.value(shape, SH.severity) or SH.Violation),
        " / ".join(messages),
        tuple(compiled),
    )


def _path(shapes: rdflib.Graph, path: Any) -> tuple[str | None, bool]:
    if isinstance(path, URIRef):
        return str(path), False
    if isinstance(path, BNode) and len(list(shapes.predicate_objects(path))) == 1:
        inverse = shapes.value(path, SH.inversePath)
        if isinstance(inverse, URIRef):
            return str(inverse), True
    return None, False


def _param(shapes: rdflib.Graph, name: str, value: Any, path: str | None) -> Any:
    """The parameter's value as the checks use it; None when it is outside the subset."""
    if name in COUNT and path is None:
        return None  # counts, hasValue and equals on a node shape: pySHACL
    if name in ("minCount", "maxCount", "minLength"):
        ok = isinstance(value, Literal) and isinstance(value.value, int) and value.value >= 0
        return value.value if ok else None
    if name == "nodeKind":
        local = str(value)[len(_SH) :]
        return local if str(value).startswith(_SH) and local in KINDS else None
    if name == "pattern":
        text = str(value)
        usable = isinstance(value, Literal) and not _UNSAFE_PATTERN.search(text)
        return text if usable else None  # (a shape with sh:flags is not compiled)
    if name == "in":
        return frozenset(shapes.items(value))
    if name in ("hasValue", "equals", "class", "datatype"):
        return value if isinstance(value, URIRef) else None
    if name in RANGE:
        return value if isinstance(value, Literal) else None
    return None  # pragma: no cover
