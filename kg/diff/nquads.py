"""One line of a kg ``graph.nq`` as bytes: its graph, its place in the file's order and its
terms (pure).

A line is ``<s> <p> o <g> .\\n`` exactly as kg writes it (kg.export.ntriples): subject,
predicate and graph hold no spaces, so the graph is the last word and the subject and
predicate are the first two. Bytes compare in the same order as the text they encode
(UTF-8 keeps code-point order), so the file's order can be checked without decoding.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from kg.graph.terms import A

TYPE_SEAM = f" {A} ".encode()
_END = b" .\n"


class Quad(NamedTuple):
    """A line's four terms as N-Triples text (``<iri>``, ``"literal"^^<type>``)."""

    subject: str
    predicate: str
    object: str
    graph: str


def graph_of(line: bytes) -> bytes:
    """``<g>`` of ``<s> <p> o <g> .\\n``; ``b""`` when the line names no graph."""
    end = len(line) - len(_END)
    start = line.rfind(b" ", 0, end) + 1
    graph = line[start:end]
    if not line.endswith(_END) or not graph.startswith(b"<") or line.count(b" ", 0, start) < 3:
        return b""
    return graph


def in_graph_key(line: bytes) -> bytes:
    """The order of lines inside one graph: the line with rdf:type sorting first in its
    subject (kg.graph.ntriples.line_key does the same to the line's triple)."""
    return line.replace(TYPE_SEAM, b" \x00 ", 1)


def file_key(line: bytes) -> bytes:
    """The order of the whole file: graph, then ``in_graph_key``. A graph ends in ``>``,
    which no IRI holds inside, so no graph is a prefix of another and the two can simply be
    joined."""
    graph = graph_of(line)
    return graph + in_graph_key(line[: len(line) - len(graph) - len(_END) - 1])


def subject_key(graph: bytes, subject_prefix: str) -> bytes:
    """The ``file_key`` prefix of every line in ``graph`` whose subject starts with
    ``subject_prefix`` (``<s> `` for one subject, ``<s> <p> `` for one of its properties)."""
    return graph + subject_prefix.encode("utf-8")


def parse(line: bytes) -> Quad:
    text = line.decode("utf-8")
    subject, predicate, rest = text.split(" ", 2)
    obj, graph = rest[: -len(_END)].rsplit(" ", 1)
    return Quad(subject, predicate, obj, graph)


def iri(term: str) -> str:
    """``<x>`` -> ``x``; any other term as it is."""
    return term[1:-1] if term.startswith("<") else term


_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_ECHAR = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "'": "'", "\\": "\\"}


def _unescape(match: re.Match[str]) -> str:
    code = match[1] or match[2]
    return chr(int(code, 16)) if code else _ECHAR.get(match[3], match[3])


def value(term: str) -> str:
    """What a term says, for people: a literal's text (its escapes undone, without its
    datatype or language), an IRI without its angle brackets."""
    if not term.startswith('"'):
        return iri(term)
    text = term[1 : term.rfind('"')]
    return _ESCAPE.sub(_unescape, text) if "\\" in text else text


def local_name(term: str) -> str:
    """The last segment of an IRI: ``<https://w3id.org/kg/ns#hIndex>`` -> ``hIndex``."""
    text = iri(term)
    return text[max(text.rfind("#"), text.rfind("/")) + 1 :]
