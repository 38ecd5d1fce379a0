"""Core SHACL shapes compiled to SPARQL and checked set-at-a-time on the store (issue 4).

pySHACL checks core constraints focus node by focus node in Python (about 20 µs per focus
node and shape: minutes at 100 k papers). A shape whose constraints are all in ``VALUE`` or
``COUNT`` below, with sh:targetClass targets, a path that is one IRI or the inverse of one,
and a sh:message, is compiled instead: a few SPARQL queries per shape find its *candidates*,
and Python decides them with pySHACL's own rules and builds the results pySHACL would build
(focus node, path, value, source shape, constraint component, severity and message).

The queries return a superset of the violations. What lets a value through in SPARQL is a
condition that implies conformance under pySHACL's rules: the exact datatype with a canonical
lexical form (pySHACL sees rdflib terms, whose lexical forms rdflib normalises and whose
ill-typed literals it marks; strings and xsd:anyURI it takes as they are), a pattern matched
on printable ASCII only (where Python's and Oxigraph's regular expressions agree), sh:in
compared term by term. Anything unusual becomes a candidate, and Python re-checks every
candidate on the rdflib term pySHACL would see, so an odd literal costs a little time, never a
different answer. Counts, sh:hasValue and sh:equals are re-checked on the focus node's values
as pySHACL collects them (rdflib terms, deduplicated).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
import rdflib
from pyshacl.rdfutil.compare import compare_literal
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from kg.shacl.data import DEFAULT, to_ox, to_rdflib

Raw = tuple[str, str, str, str | None, str | None, str, str, str | None]

VALUE = {"nodeKind", "datatype", "minLength", "pattern", "in", "class", "minInclusive",
         "maxInclusive", "minExclusive", "maxExclusive"}  # fmt: skip
COUNT = {"minCount", "maxCount", "hasValue", "equals"}
_OTHER = {"targetClass", "path", "severity", "message", "name", "description", "order",
          "group", "deactivated"}  # fmt: skip
_SH = str(SH)
_RANGE = {"minInclusive": lambda c: c >= 0, "maxInclusive": lambda c: c <= 0,
          "minExclusive": lambda c: c > 0, "maxExclusive": lambda c: c < 0}  # fmt: skip
SMALL = 2000  # focus nodes: fewer, and queries start from them rather than from the path
_RANGE_OP = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}

# Lexical forms rdflib keeps as they are and reads as well-typed values of their datatype.
_CANONICAL = {
    str(XSD.integer): "^(0|-?[1-9][0-9]{0,17})$",
    str(XSD.boolean): "^(true|false)$",
    str(XSD.decimal): "^-?(0|[1-9][0-9]{0,14})([.][0-9]{1,15})?$",
    str(XSD.date): "^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
}
_STRINGS = (XSD.string, RDF.langString)
# Literals whose lexical form is the text pySHACL checks and that rdflib never finds ill-typed
# (xsd:anyURI: rdflib keeps the lexical form as the value, unchecked).
_TEXTS = (str(XSD.string), str(RDF.langString), str(XSD.anyURI))
# pySHACL's sh:datatype check on a value it reads as well-typed (anything else: assume pass).
_PYTHON_TYPES: dict[str, Callable[[Any], bool]] = {
    str(XSD.string): lambda v: isinstance(v, str | bytes),
    str(RDF.langString): lambda v: isinstance(v, str | bytes),
    str(XSD.integer): lambda v: isinstance(v, int),
    str(XSD.float): lambda v: isinstance(v, float),
    str(XSD.decimal): lambda v: isinstance(v, Decimal),
    str(XSD.boolean): lambda v: isinstance(v, bool),
    str(XSD.date): lambda v: isinstance(v, date),
    str(XSD.time): lambda v: isinstance(v, time),
    str(XSD.dateTime): lambda v: isinstance(v, datetime),
}
_KINDS = {
    "IRI": (URIRef,), "Literal": (Literal,), "BlankNode": (BNode,),
    "BlankNodeOrIRI": (BNode, URIRef), "IRIOrLiteral": (URIRef, Literal),
    "BlankNodeOrLiteral": (BNode, Literal),
}  # fmt: skip
_KIND_SPARQL = {
    "IRI": "isIRI(?v)", "Literal": "isLiteral(?v)", "BlankNode": "isBlank(?v)",
    "BlankNodeOrIRI": "!isLiteral(?v)", "IRIOrLiteral": "!isBlank(?v)",
    "BlankNodeOrLiteral": "!isIRI(?v)",
}  # fmt: skip
# Not a pattern both regex dialects read alike: groups with flags or lookaround, escapes other
# than \s, \S and escaped punctuation, possessive quantifiers, nested classes, set operations.
_UNSAFE_PATTERN = re.compile(r"\(\?|\\[^sS\W]|\\S(?=[^\[]*\])|[*+?}]\+|\[[^\]]*\[|&&|--|~~")
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
        return local if str(value).startswith(_SH) and local in _KINDS else None
    if name == "pattern":
        text = str(value)
        usable = isinstance(value, Literal) and not _UNSAFE_PATTERN.search(text)
        return text if usable else None  # (a shape with sh:flags is not compiled)
    if name == "in":
        return frozenset(shapes.items(value))
    if name in ("hasValue", "equals", "class", "datatype"):
        return value if isinstance(value, URIRef) else None
    if name in _RANGE:
        return value if isinstance(value, Literal) else None
    return None  # pragma: no cover


# -- the queries ----------------------------------------------------------------------------


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


def _all_safe(params: list[tuple[str, Any]]) -> str:
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
    if name in _RANGE:
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

    def __init__(self, store: ox.Store) -> None:
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


# -- checking -------------------------------------------------------------------------------


def check(queries: Queries, shape: Shape) -> list[Raw]:
    """Every result pySHACL would report for the shape."""
    out: list[Raw] = []
    params = dict(shape.params)
    if shape.path is None:
        base = f"{queries.focus(shape)} BIND(?f AS ?v)"
    elif queries.from_focus(shape):
        base = f"{queries.focus(shape)} {queries.edge(shape)}"
    else:
        base = queries.edge(shape)
    value_params = [(n, v) for n, v in shape.params if n in VALUE and n != "class"]
    if value_params:
        unsafe = f"!{_all_safe(value_params)}"
        for f, v in queries.pairs(shape, f"{base} FILTER ({unsafe})"):
            term = to_rdflib(v)
            for name, value in value_params:
                if not _conforms(name, value, term):
                    out.append(_raw(shape, name, f, term))
    if "class" in params:
        classes = queries.focus(Shape("", (str(params["class"]),), None, False, "", "", ()))
        inner = f"{base} MINUS {{ {classes.replace('?f', '?v').replace('?c', '?k')} }}"
        out += [_raw(shape, "class", f, to_rdflib(v)) for f, v in queries.pairs(shape, inner)]
    if shape.path is not None:
        out += _check_counts(queries, shape, params)
    return out


def _check_counts(queries: Queries, shape: Shape, params: dict[str, Any]) -> list[Raw]:
    focus, edge = queries.focus(shape), queries.edge(shape)
    select = "SELECT DISTINCT ?f WHERE"
    candidates: dict[str, set[Any]] = {}
    if params.get("minCount", 0) == 1:  # no value at all (merging equal terms keeps one)
        candidates["minCount"] = queries.nodes(f"{select} {{ {focus} MINUS {{ {edge} }} }}")
    elif params.get("minCount", 0) > 1:  # too few terms, or literals rdflib may merge
        count = f"COUNT(DISTINCT ?v) < {params['minCount']}"
        literal = "SUM(IF(BOUND(?v) && isLiteral(?v), 1, 0)) > 0"
        query = f"SELECT ?f WHERE {{ {focus} OPTIONAL {{ {edge} }} }} GROUP BY ?f"
        candidates["minCount"] = queries.nodes(f"{query} HAVING ({count} || {literal})")
    if "maxCount" in params:  # merging only lowers the count
        most = params["maxCount"]
        if queries.from_focus(shape):
            query = f"SELECT ?f WHERE {{ {focus} {edge} }} GROUP BY ?f"
            query += f" HAVING (COUNT(DISTINCT ?v) > {most})"
        else:  # a row per triple: distinct values already (DISTINCT would hash them again)
            inner = f"{{ SELECT ?f WHERE {{ {edge} }} GROUP BY ?f HAVING (COUNT(*) > {most}) }}"
            query = f"{select} {{ {inner} {queries.is_focus(shape)} }}"
        candidates["maxCount"] = queries.nodes(query)
    if "hasValue" in params:
        present = queries.edge(shape, str(to_ox(params["hasValue"])))
        candidates["hasValue"] = queries.nodes(f"{select} {{ {focus} MINUS {{ {present} }} }}")
    if "equals" in params:
        other = queries.edge(shape, predicate=str(params["equals"]))
        both = f"{{ {edge} MINUS {{ {other} }} }} UNION {{ {other} MINUS {{ {edge} }} }}"
        ordered = (
            f"{focus} {{ {both} }}"
            if queries.from_focus(shape)
            else f"{{ SELECT DISTINCT ?f WHERE {{ {both} }} }} {queries.is_focus(shape)}"
        )
        candidates["equals"] = queries.nodes(f"{select} {{ {ordered} }}")
    out: list[Raw] = []
    for name, nodes in sorted(candidates.items()):
        for f in sorted(nodes, key=str):
            values = _values(queries.store, shape, f, None)
            if name == "minCount" and len(values) < params[name]:
                out.append(_raw(shape, name, f, None))
            elif name == "maxCount" and len(values) > params[name]:
                out.append(_raw(shape, name, f, None))
            elif name == "hasValue" and params[name] not in values:
                out.append(_raw(shape, name, f, None))
            elif name == "equals":
                others = _values(queries.store, shape, f, str(params[name]))
                for v in [v for v in values if v not in others] + [
                    v for v in others if v not in values
                ]:
                    out.append(_raw(shape, name, f, v))
    return out


def _values(store: ox.Store, shape: Shape, f: Any, predicate: str | None) -> dict[Any, None]:
    """The focus node's values as pySHACL's data graph gives them: rdflib terms, once each."""
    p = ox.NamedNode(predicate or shape.path or "")
    if shape.inverse and predicate is None:
        found = store.quads_for_pattern(None, p, f, DEFAULT)
        return dict.fromkeys(to_rdflib(q.subject) for q in found)
    if isinstance(f, ox.Literal):
        return {}
    return dict.fromkeys(to_rdflib(q.object) for q in store.quads_for_pattern(f, p, None, DEFAULT))


def _conforms(name: str, param: Any, v: Any) -> bool:
    """pySHACL's rule for one value (pyshacl.constraints.core, 0.40)."""
    if name == "nodeKind":
        return isinstance(v, _KINDS[param])
    if name == "datatype":
        if not isinstance(v, Literal):
            return False
        if v.datatype == param:
            check = _PYTHON_TYPES.get(str(param))
            return v.ill_typed is not True and (check is None or check(v.value))
        if param == RDFS.Literal or (param == RDFS.Datatype and v.datatype):
            return True
        if v.datatype is None and v.language is None and param == XSD.string:
            return isinstance(v.value, str | bytes)
        return param == RDF.langString and bool(v.language) and isinstance(v.value, str | bytes)
    if name in ("minLength", "pattern"):
        if name == "minLength" and param == 0:
            return True
        if isinstance(v, BNode):
            return False
        stable = isinstance(v, Literal) and v.value is not None and v.datatype in (None, *_STRINGS)
        text = str(v.value) if stable else str(v)
        if name == "minLength":
            return bool(len(text) >= param)
        return re.search(param, text) is not None
    if name == "in":
        return v in param
    if name in _RANGE:
        if not isinstance(v, Literal) or isinstance(param.value, str) != isinstance(v.value, str):
            return False
        try:
            return bool(_RANGE[name](compare_literal(v, param)))  # type: ignore[no-untyped-call]
        except (TypeError, NotImplementedError):
            return False
    raise AssertionError(name)  # pragma: no cover


def _raw(shape: Shape, name: str, focus: Any, value: Any) -> Raw:
    focus_text = f"_:{focus.value}" if isinstance(focus, ox.BlankNode) else focus.value
    component = _SH + name[0].upper() + name[1:] + "ConstraintComponent"
    value_text = None if value is None else str(to_ox(value))
    return (shape.severity, shape.iri, focus_text, shape.path_text, value_text, shape.message,
            component, None)  # fmt: skip
