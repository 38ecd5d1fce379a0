"""The SPARQL queries that find the candidates of a compiled shape (issue 4).

The queries return a superset of the violations. What lets a value through in SPARQL is a
condition that implies conformance under pySHACL's rules: the exact datatype with a canonical
lexical form (pySHACL sees rdflib terms, whose lexical forms rdflib normalises and whose
ill-typed literals it marks; strings and xsd:anyURI it takes as they are), a pattern matched
on printable ASCII only (where Python's and Oxigraph's regular expressions agree), sh:in
compared term by term. Anything unusual becomes a candidate, and ``kg.shacl.check`` re-checks
every candidate on the rdflib term pySHACL would see, so an odd literal costs a little time,
never a different answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kg.graph.layout import Graph
from kg.shacl.compile import RANGE, Shape
from kg.shacl.data import to_ox

SMALL = 2000  # focus nodes: fewer, and queries start from them rather than from the path
_RANGE_OP = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}

# Lexical forms rdflib keeps as they are and reads as well-typed values of their datatype.
_CANONICAL = {
    str(XSD.integer): "^(0|-?[1-9][0-9]{0,17})$",
    str(XSD.boolean): "^(true|false)$",
    str(XSD.decimal): "^-?(0|[1-9][0-9]{0,14})([.][0-9]{1,15})?$",
    str(XSD.date): "^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
}
# Literals whose lexical form is the text pySHACL checks and that rdflib never finds ill-typed
# (xsd:anyURI: rdflib keeps the lexical form as the value, unchecked).
_TEXTS = (str(XSD.string), str(RDF.langString), str(XSD.anyURI))
_KIND_SPARQL = {
    "IRI": "isIRI(?v)", "Literal": "isLiteral(?v)", "BlankNode": "isBlank(?v)",
    "BlankNodeOrIRI": "!isLiteral(?v)", "IRIOrLiteral": "!isBlank(?v)",
    "BlankNodeOrLiteral": "!isIRI(?v)",
}  # fmt: skip
_PYTHON_SPACE = "\\x1c-\\x1f"  # \s in Python's str patterns; not White_Space, so not in Rust's \s


def _sparql_pattern(pattern: str) -> str:
    r"""The pattern for Oxigraph (Rust regex), matching only strings Python's ``re`` matches:
    Python's \s also takes U+001C..U+001F, so \s gets them, and \S and [^..\s] lose them.
    (Python's $ also matches before a final newline: more matches there, which is safe.)"""
    out, in_class, i = [], False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            escape = pattern[i : i + 2]
            if escape == "\\s":
                out.append(f"\\s{_PYTHON_SPACE}" if in_class else f"[\\s{_PYTHON_SPACE}]")
            elif escape == "\\S":
                out.append(f"[^\\s{_PYTHON_SPACE}]")
            else:
                out.append(escape)
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class and pattern[i - 1] not in "[^":
            in_class = False
        out.append(char)
        i += 1
    return "".join(out)


def _string(text: str) -> str:
    return json.dumps(text)  # a valid SPARQL string literal: the same escapes


def _native(datatype: str) -> str:
    """?v is a valid literal of the datatype in its canonical form: Oxigraph stores valid
    integers, decimals and booleans as values and writes them canonically, so ?v is the cast
    of its own lexical form (cheaper than reading it with DATATYPE and REGEX)."""
    if datatype == str(XSD.boolean):
        return "(sameTerm(?v, true) || sameTerm(?v, false))"
    if datatype in (str(XSD.integer), str(XSD.decimal)):
        regex = _string(_CANONICAL[datatype])
        return f"(sameTerm(?v, <{datatype}>(STR(?v))) && REGEX(STR(?v), {regex}))"
    regex = _string(_CANONICAL[str(XSD.date)])
    year = "COALESCE(YEAR(xsd:date(STR(?v))) > 0, false)"
    return f"(DATATYPE(?v) = <{XSD.date}> && REGEX(STR(?v), {regex}) && {year})"


def _stable() -> str:
    """?v has a lexical form rdflib keeps: an IRI, a text, or a canonical literal."""
    typed = " || ".join(_native(dt) for dt in _CANONICAL)
    texts = " || ".join(f"DATATYPE(?v) = <{dt}>" for dt in _TEXTS)
    return f"IF(isIRI(?v), true, IF(isLiteral(?v), {texts} || {typed}, false))"


def all_safe(params: list[tuple[str, Any]]) -> str:
    """A SPARQL condition on ?v that implies pySHACL finds no violation of the parameters.

    Oxigraph reads ?v from the store again at each mention (a string lookup for an IRI or a
    long literal) and evaluates every operand of && and ||, but only the branch IF takes. So
    the conditions are nested IFs, type checks first, and the later ones take the type for
    granted; an error (a function of the wrong type) makes the value a candidate."""
    ordered = sorted(params, key=lambda p: p[0] not in ("nodeKind", "datatype"))
    known: str | None = None  # what an earlier condition established: "IRI" or a datatype
    conditions = []
    for name, value in ordered:
        conditions.append(_safe(name, value, known))
        known = known or _established(name, value)
    expression = conditions[-1]
    for condition in reversed(conditions[:-1]):
        expression = f"IF({condition}, {expression}, false)"
    return f"COALESCE({expression}, false)"


def _established(name: str, value: Any) -> str | None:
    """What ?v is once the parameter's condition holds, when later conditions can use it."""
    if (name == "nodeKind" and value == "IRI") or (name == "datatype" and str(value) in _TEXTS):
        return str(value)
    return None


def _safe(name: str, value: Any, known: str | None = None) -> str:
    """A SPARQL condition on ?v that implies pySHACL finds no violation of this parameter,
    given ``known``: ?v is an IRI ("IRI") or a literal of that datatype."""
    text = known == "IRI" or known in _TEXTS  # STR(?v) is the text pySHACL checks
    if name == "nodeKind":
        return _KIND_SPARQL[value]
    if name == "datatype":
        if str(value) in _TEXTS:
            return f"DATATYPE(?v) = <{value}>"
        if str(value) in _CANONICAL:
            return f"isLiteral(?v) && {_native(str(value))}"
        return "false"
    if name == "minLength":  # a non-empty string: no need to read it (a long one is slow)
        if value == 1 and known == str(XSD.string):
            return '!sameTerm(?v, "")'
        length = f"STRLEN(STR(?v)) >= {value}"
        if text:
            return length
        quick = f'DATATYPE(?v) = <{XSD.string}> && !sameTerm(?v, "")'
        general = f"IF({_stable()}, {length}, false)"
        return f"IF(COALESCE({quick}, false), true, {general})" if value == 1 else general
    if name == "pattern":
        regex = f"REGEX(STR(?v), {_string(_sparql_pattern(value))})"
        return regex if text else f"IF({_stable()}, {regex}, false)"
    if name == "in":
        members = [to_ox(m) for m in value if isinstance(m, URIRef) or _typed(m)]
        return " || ".join(f"sameTerm(?v, {m})" for m in members) or "false"
    if name in RANGE:
        numeric = value.datatype in (XSD.integer, XSD.decimal) and value.value is not None
        if not numeric:
            return "false"
        canonical = f"{_native(str(XSD.integer))} || {_native(str(XSD.decimal))}"
        return f"isLiteral(?v) && ({canonical}) && ?v {_RANGE_OP[name]} {to_ox(value)}"
    raise AssertionError(name)  # pragma: no cover


def _typed(term: Any) -> bool:
    return isinstance(term, Literal) and term.datatype is not None and not term.language


class Queries:
    """The candidate queries of compiled shapes over one store (a store's subclasses once)."""

    def __init__(self, store: Graph) -> None:
        self.store = store
        self._classes: dict[str, tuple[str, ...]] = {}
        self._small: dict[str, bool] = {}

    def from_focus(self, shape: Shape) -> bool:
        """Whether to start from the focus nodes, when they are few, rather than from the
        path's triples (and then check that the few candidates are focus nodes)."""
        focus = self.focus(shape)
        if shape.path is None or shape.path == str(RDF.type):  # every class has rdf:type
            return True
        if focus not in self._small:
            limited = f"SELECT ?f WHERE {{ {focus} }} LIMIT {SMALL}"
            found = next(self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {limited} }}"))[0]
            self._small[focus] = found is not None and int(found.value) < SMALL
        return self._small[focus]

    def is_focus(self, shape: Shape) -> str:
        """A filter keeping the rows whose ?f is a focus node (for a few candidate rows)."""
        return f"FILTER EXISTS {{ {self.focus(shape)} }}"

    def select(self, query: str) -> Iterator[ox.QuerySolution]:
        solutions = self.store.query("PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n" + query)
        assert isinstance(solutions, ox.QuerySolutions)
        return iter(solutions)

    def focus(self, shape: Shape) -> str:
        """Graph pattern binding ?f to each focus node (instances of the target classes)."""
        classes: set[str] = set()
        for c in shape.classes:
            if c not in self._classes:
                query = f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>+ <{c}> }}"
                found = {row[0].value for row in self.select(query) if row[0] is not None}
                self._classes[c] = tuple(sorted(found | {c}))
            classes.update(self._classes[c])
        values = " ".join(f"<{c}>" for c in sorted(classes))
        return f"VALUES ?c {{ {values} }} ?f a ?c ."

    @staticmethod
    def edge(shape: Shape, value: str = "?v", predicate: str | None = None) -> str:
        p = f"<{predicate or shape.path}>"
        return f"{value} {p} ?f ." if shape.inverse and predicate is None else f"?f {p} {value} ."

    def pairs(self, shape: Shape, inner: str) -> list[tuple[Any, Any]]:
        """(focus node, value) of the candidates: ``inner`` binds ?f and ?v, and starts from
        the focus nodes itself when ``from_focus``; otherwise the focus nodes are joined."""
        if self.from_focus(shape):
            query = f"SELECT DISTINCT ?f ?v WHERE {{ {inner} }}"
        else:
            pairs = f"{{ SELECT DISTINCT ?f ?v WHERE {{ {inner} }} }}"
            query = f"SELECT DISTINCT ?f ?v WHERE {{ {pairs} {self.is_focus(shape)} }}"
        return [(row["f"], row["v"]) for row in self.select(query)]

    def nodes(self, query: str) -> set[Any]:
        return {row["f"] for row in self.select(query)}
