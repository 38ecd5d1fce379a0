"""Compiled shapes checked set-at-a-time on the store: every result pySHACL would report
(issue 4).

The candidates ``kg.shacl.queries`` finds are decided here on the rdflib term pySHACL would
see, with pySHACL's own rules (pyshacl.constraints.core, 0.40). Counts, sh:hasValue and
sh:equals are re-checked on the focus node's values as pySHACL collects them (rdflib terms,
deduplicated).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
from pyshacl.rdfutil.compare import compare_literal
from rdflib import BNode, Literal
from rdflib.namespace import RDF, RDFS, SH, XSD

from kg.graph.layout import Graph
from kg.shacl.compile import KINDS, RANGE, VALUE, Shape
from kg.shacl.data import DEFAULT, to_ox, to_rdflib
from kg.shacl.queries import Queries, all_safe
from kg.shacl.raw import Raw

_SH = str(SH)
_STRINGS = (XSD.string, RDF.langString)
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
        unsafe = f"!{all_safe(value_params)}"
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


def _values(store: Graph, shape: Shape, f: Any, predicate: str | None) -> dict[Any, None]:
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
        return isinstance(v, KINDS[param])
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
    if name in RANGE:
        if not isinstance(v, Literal) or isinstance(param.value, str) != isinstance(v.value, str):
            return False
        try:
            return bool(RANGE[name](compare_literal(v, param)))  # type: ignore[no-untyped-call]
        except (TypeError, NotImplementedError):
            return False
    raise AssertionError(name)  # pragma: no cover


def _raw(shape: Shape, name: str, focus: Any, value: Any) -> Raw:
    focus_text = f"_:{focus.value}" if isinstance(focus, ox.BlankNode) else focus.value
    component = _SH + name[0].upper() + name[1:] + "ConstraintComponent"
    value_text = None if value is None else str(to_ox(value))
    return Raw(
        shape.severity, shape.iri, focus_text, shape.path_text, value_text, shape.message,
        component, None,
    )  # fmt: skip
