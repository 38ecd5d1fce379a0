"""RDF terms as N-Triples text, written exactly as pyoxigraph prints them (pure).

Building pyoxigraph term objects cost more than everything after it on a big corpus
(PERFORMANCE.md: text ~1 M triples/s, pyoxigraph objects ~190 k/s), so the mapping and the
statistics write terms as text: ``<iri>``, ``"literal"``, ``"literal"^^<datatype>``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from kg.graph.vocab import (
    BIDO,
    DCAT,
    DCTERMS,
    FABIO,
    FOAF,
    KG,
    PROV,
    QB,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    VOID,
    XSD,
)


def node(value: str) -> str:
    """An IRI we minted (percent-encoded parts under a checked base) as N-Triples text."""
    return f"<{value}>"


# N-Triples escapes, exactly as pyoxigraph writes them (so the text equals its output).
_ESCAPES = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"'}
_ESCAPES[0x5C] = "\\\\"
_ESCAPE_TABLE = {
    **{c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F]},
    **_ESCAPES,
}
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\\x7f]')


def lit(value: str) -> str:
    """A plain (xsd:string) literal."""
    if _NEEDS_ESCAPE.search(value):
        value = value.translate(_ESCAPE_TABLE)
    return f'"{value}"'


@lru_cache(maxsize=1 << 16)
def typed(value: object, datatype: str) -> str:
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    if datatype == T_STRING:
        return lit(text)
    return f"{lit(text)}^^<{datatype}>"


A = node(str(RDF.type))
T_STRING, T_DATE, T_YEAR = str(XSD.string), str(XSD.date), str(XSD.gYear)
T_BOOL, T_INT, T_POS, T_DEC = (
    str(XSD.boolean),
    str(XSD.integer),
    str(XSD.positiveInteger),
    str(XSD.decimal),
)
T_URI = str(XSD.anyURI)


def p(term: object) -> str:
    return node(str(term))


class _Terms:
    """A vocabulary's terms as pyoxigraph nodes, looked up once each.

    ``KG_.title`` goes through rdflib's closed namespace the first time (so a term missing
    from the ontology still fails loudly) and is a plain attribute after that: the mapping
    asks for predicates millions of times on a big corpus. Values are ``<iri>`` text.
    """

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> str:
        value = node(str(getattr(self._namespace, name)))
        setattr(self, name, value)
        return value

    def __getitem__(self, name: str) -> str:
        return node(str(self._namespace[name]))


KG_, SCHEMA_, FOAF_, DCTERMS_ = _Terms(KG), _Terms(SCHEMA), _Terms(FOAF), _Terms(DCTERMS)
SKOS_, PROV_, VOID_, DCAT_ = _Terms(SKOS), _Terms(PROV), _Terms(VOID), _Terms(DCAT)
QB_ = _Terms(QB)
FABIO_, BIDO_, RDFS_ = _Terms(FABIO), _Terms(BIDO), _Terms(RDFS)
