"""What the writer tests share: the writers' input built from quads, checks that every format
parses back (pyoxigraph, rdflib) to exactly the quads it was given, and random graphs of
awkward literals and IRIs (hypothesis)."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from kg.config import Settings
from kg.export.files import load_context, prefixes_for
from kg.export.jsonld import jsonld_chunks
from kg.export.ntriples import nquads_chunks, ntriples_chunks
from kg.export.turtle import trig_chunks, turtle_chunks

ROOT = Path(__file__).resolve().parents[2]
PREFIXES = prefixes_for(Settings().base_iri)
CONTEXT = load_context(ROOT / "ontology")
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD = "http://www.w3.org/2001/XMLSchema#"
EX = "http://example.org/"
Pairs = list[tuple[str, str]]


def line_key(head: str) -> str:
    return head.replace(f" {RDF_TYPE} ", " \x00 ", 1)  # the documented input order


def sorted_input(quads: list[ox.Quad]) -> tuple[Pairs, list[str]]:
    """Quads -> (sorted pairs, sorted union of heads), the writers' input format."""
    found = {
        (
            str(q.graph_name) if isinstance(q.graph_name, ox.NamedNode) else "",
            f"{q.subject} {q.predicate} {q.object}",
        )
        for q in quads
    }
    pairs = sorted(found, key=lambda pair: (pair[0], line_key(pair[1])))
    return pairs, sorted({head for _, head in pairs}, key=line_key)


def text(chunks: Iterator[str]) -> str:
    return "".join(chunks)


def ox_quads(data: str, fmt: ox.RdfFormat) -> set[ox.Quad]:
    return set(ox.parse(data.encode("utf-8"), format=fmt))


def rdflib_quads(data: str, fmt: str) -> set[tuple[Any, ...]]:
    with warnings.catch_warnings():  # rdflib 7.6 warns about its own default_context
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format=fmt)
        return set(dataset.quads((None, None, None, None)))


def nquads(pairs: Pairs) -> str:
    return "".join(f"{h} {g} .\n" if g else f"{h} .\n" for g, h in pairs)


def check_all_formats(pairs: Pairs, heads: list[str], rdflib_too: bool = True) -> None:
    quads, triples = ox_quads(nquads(pairs), ox.RdfFormat.N_QUADS), {f"{h} ." for h in heads} | {""}
    assert text(nquads_chunks(pairs)) == nquads(pairs)
    assert set(text(ntriples_chunks(heads)).split("\n")) == triples
    turtle = text(turtle_chunks(heads, PREFIXES))
    assert ox_quads(turtle, ox.RdfFormat.TURTLE) == {ox.Quad(*q.triple) for q in quads}
    trig = text(trig_chunks(pairs, PREFIXES))
    assert ox_quads(trig, ox.RdfFormat.TRIG) == quads
    if rdflib_too:  # compare rdflib with itself: it normalises literals ("01" -> "1")
        want = rdflib_quads(nquads(pairs), "nquads")
        assert rdflib_quads(trig, "trig") == want
        graph = rdflib.Graph().parse(data=turtle, format="turtle")
        assert set(graph) == {q[:3] for q in want}


def check_jsonld(pairs: Pairs) -> str:
    document = text(jsonld_chunks(pairs, PREFIXES, CONTEXT))
    json.loads(document)
    assert ox_quads(document, ox.RdfFormat.JSON_LD) == ox_quads(nquads(pairs), ox.RdfFormat.N_QUADS)
    assert rdflib_quads(document, "json-ld") == rdflib_quads(nquads(pairs), "nquads")
    return document


# -- random graphs ------------------------------------------------------------------------

NAMESPACES = [*sorted(set(PREFIXES.values())), "http://example.org/", "urn:x:"]
LOCALS = st.text(alphabet="aZ09_-.~/#:%", max_size=8) | st.sampled_from(
    ["", "a.", "a%41", "%4", "-a", ".a", "a..b", "a/b", "x#y", "type", "integer", "_x"]
)
TYPED = {
    "integer": ["1", "01", "+1", "-0", "1.", "1e3", " 1", "1_0", "١", "9" * 25],
    "boolean": ["true", "false", "true ", "TRUE", "1", "0"],
    "decimal": ["1.5", "1.", ".5", "+.5", "-0.0", "1e3", "1", "1.5 "],
    "date": ["2024-01-02", "x"],
    "string": ["", "x"],
    "double": ["1e3"],
}


def valid(make: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return make(*args, **kwargs)
    except ValueError:
        return None


iris = st.builds(
    lambda ns, local: valid(ox.NamedNode, ns + local), st.sampled_from(NAMESPACES), LOCALS
).filter(bool)
known_predicates = st.sampled_from(
    [RDF_TYPE[1:-1]]
    + [
        f"https://w3id.org/kg/ns#{n}"
        for n in ("ordinal", "hasCode", "score", "author", "capturedOn")
    ]
    + ["http://purl.org/dc/terms/title", "https://schema.org/codeRepository"]
).map(ox.NamedNode)
texts = st.text(max_size=12) | st.sampled_from(
    ['"', "\\", "\u2028", "\x7f", "\x00\n\r", "𝄞", "\\u0041"]
)
datatypes = st.sampled_from([XSD + name for name in TYPED]) | iris.map(lambda iri: iri.value)


@st.composite
def literals(draw: st.DrawFn) -> ox.Literal:
    kind = draw(st.sampled_from(["plain", "lang", "typed"]))
    if kind == "plain":
        return ox.Literal(draw(texts))
    if kind == "lang":
        tag = draw(st.from_regex(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8}){0,2}", fullmatch=True))
        made = valid(ox.Literal, draw(texts), language=tag)  # not every such tag is BCP 47
        return made or ox.Literal(draw(texts), language="en-gb")
    datatype = draw(datatypes)
    odd = TYPED.get(datatype[len(XSD) :], []) if datatype.startswith(XSD) else []
    return ox.Literal(
        draw(st.sampled_from(odd) | texts if odd else texts), datatype=ox.NamedNode(datatype)
    )


def graphs(blank: bool) -> st.SearchStrategy[list[ox.Quad]]:
    nodes = iris | st.sampled_from([ox.BlankNode("b1"), ox.BlankNode("b2")]) if blank else iris
    quad = st.builds(
        ox.Quad,
        nodes,
        known_predicates | iris,
        nodes | literals() | known_predicates,
        st.sampled_from([ox.DefaultGraph(), ox.NamedNode("https://kg.example.org/page/p1.txt")])
        | iris,
    )
    return st.lists(quad, max_size=12)


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
