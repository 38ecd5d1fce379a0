"""The terms ``kg why`` is asked about, read from the command line (pure).

A term is written as in N-Triples (``<iri>``, ``"text"``, ``"3"^^<...#integer>``, ``"x"@en``)
or as in Turtle where that is shorter: a prefixed name with kg's prefixes (``paper:...``,
``dcterms:title``; the local part is taken as it is, so ``page:p.txt/L19`` works), ``a``
for ``rdf:type``, a bare number or ``true``/``false``. An IRI may also be given bare
(``https://...``). Every term is checked by pyoxigraph's N-Triples parser.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import UsageError

Term = ox.NamedNode | ox.Literal

_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_TOKEN = re.compile(
    r"""\s*(
        <[^<>\s]*>                                              # an IRI
      | "(?:[^"\\]|\\.)*"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^\S+)?  # a literal
      | [^\s"<]\S*                                              # anything else, bare
    )""",
    re.X | re.S,
)
_SHORTHAND = [
    (re.compile(r"[+-]?\d+"), "integer"),
    (re.compile(r"[+-]?\d*\.\d+"), "decimal"),
    (re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+"), "double"),
    (re.compile(r"true|false"), "boolean"),
]


@dataclass(frozen=True)
class Query:
    """One IRI (an entity), or a triple (a fact)."""

    subject: ox.NamedNode
    predicate: ox.NamedNode | None = None
    object: Term | None = None

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(t for t in (self.subject, self.predicate, self.object) if t is not None)


def parse_query(arguments: Sequence[str], prefixes: Mapping[str, str]) -> Query:
    """The query the arguments state: one IRI, one argument holding ``S P O`` (a trailing
    `` .`` is allowed), or three arguments of one term each."""
    if len(arguments) == 1:
        texts = tokens(arguments[0])
    elif len(arguments) == 3:
        texts = [_one_token(argument) for argument in arguments]
    else:
        raise UsageError(
            f"give one IRI or one fact 'S P O', got {len(arguments)} arguments; "
            """quote a fact as one argument: kg why 'paper:... dcterms:title "A title"'"""
        )
    if len(texts) == 1:
        subject = term(texts[0], prefixes)
        if not isinstance(subject, ox.NamedNode):
            raise UsageError(f"ask about an IRI or a fact 'S P O', not the literal {texts[0]}")
        return Query(subject)
    if len(texts) != 3:
        raise UsageError(
            f"a fact is three terms 'S P O', got {len(texts)} in {' '.join(texts)!r}; "
            """write a literal in double quotes: '"A title"'"""
        )
    s, p, o = (term(text, prefixes) for text in texts)
    if not isinstance(s, ox.NamedNode) or not isinstance(p, ox.NamedNode):
        raise UsageError("the subject and predicate of a fact are IRIs (kg writes no blank nodes)")
    return Query(s, p, o)


def tokens(text: str) -> list[str]:
    """The terms in ``text``, as written; a final ``.`` (N-Triples' end) is dropped."""
    found: list[str] = []
    position, text = 0, text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise UsageError(
                f"cannot read a term at {text[position:].strip()!r}: write <IRI> (no spaces "
                """inside), prefix:name, or a literal in double quotes: '"A title"'"""
            )
        found.append(match.group(1))
        position = match.end()
    if found and found[-1] == ".":
        found.pop()
    elif found and len(found) == 3 and found[-1].endswith(".") and found[-1][0] != '"':
        found[-1] = found[-1][:-1]  # "S P O." as people type it
    return found


def _one_token(argument: str) -> str:
    found = tokens(argument)
    if len(found) != 1:
        raise UsageError(
            f"{argument!r} is not one term; write a literal in double quotes: "
            """'"A title"', or give the fact as one argument 'S P O'"""
        )
    return found[0]


def term(text: str, prefixes: Mapping[str, str]) -> Term:
    """One term from its text: N-Triples, a prefixed name, ``a``, a number or a boolean."""
    written = ntriples_term(text, prefixes)
    try:
        quads = list(ox.parse(input=f"<x:s> <x:p> {written} .", format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as exc:
        raise UsageError(f"{text!r} is not an RDF term: {exc}") from exc
    found = quads[0].object
    if not isinstance(found, ox.NamedNode | ox.Literal):
        raise UsageError(f"{text!r}: kg writes no blank nodes; ask about an IRI")
    return found


def ntriples_term(text: str, prefixes: Mapping[str, str]) -> str:
    """The N-Triples text of a term written in any of the forms this module reads."""
    if text.startswith("<"):
        return text
    if text.startswith('"'):
        body, marker, datatype = text.rpartition('"^^')
        if marker and not datatype.startswith("<"):
            return f'{body}"^^{ntriples_term(datatype, prefixes)}'
        return text
    if text.startswith("_:"):
        raise UsageError(f"{text!r}: kg writes no blank nodes; ask about an IRI")
    if text == "a":
        return f"<{_RDF_TYPE}>"
    for pattern, datatype in _SHORTHAND:
        if pattern.fullmatch(text):
            return f'"{text}"^^<{_XSD}{datatype}>'
    prefix, colon, local = text.partition(":")
    if colon and prefix in prefixes:
        return f"<{prefixes[prefix]}{local}>"
    if colon and (local.startswith("//") or prefix == "urn"):
        return f"<{text}>"  # a bare IRI: https://..., urn:...
    known = ", ".join(f"{name}:" for name in sorted(prefixes))
    if colon:
        raise UsageError(f"unknown prefix {prefix + ':'!r} in {text!r} (known: {known})")
    raise UsageError(
        f"{text!r} is not an RDF term: write <IRI>, a prefixed name ({known}) or a "
        """literal in double quotes: '"A title"'"""
    )


def compact(term: Term | str, prefixes: Mapping[str, str]) -> str:
    """A term as a person reads it: IRIs and datatypes as prefixed names where one fits."""
    text = str(term)
    if text.startswith("<"):
        return _compact_iri(text[1:-1], prefixes)
    body, marker, datatype = text.rpartition('"^^<')
    if marker:
        return f'{body}"^^{_compact_iri(datatype[:-1], prefixes)}'
    return text


def _compact_iri(iri: str, prefixes: Mapping[str, str]) -> str:
    best = max(
        (name for name, ns in prefixes.items() if iri.startswith(ns) and len(iri) > len(ns)),
        key=lambda name: len(prefixes[name]),
        default=None,
    )
    if best is None or any(c in iri for c in " <>\"'{}|\\^`"):
        return f"<{iri}>"
    return f"{best}:{iri[len(prefixes[best]) :]}"
