"""The JSON-LD context agrees with the ontology and round-trips a graph, offline."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from kg.graph.vocab import ARXIV, DCTERMS, FOAF, KG, PREFIXES, SCHEMA

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY = ROOT / "ontology"
KG_NS = str(KG)


@pytest.fixture(scope="module")
def context() -> dict[str, Any]:
    with (ONTOLOGY / "context.jsonld").open(encoding="utf-8") as f:
        loaded: dict[str, Any] = json.load(f)
    return loaded


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the test tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _vocab_terms() -> set[str]:
    return {name for name in KG.__annotations__ if not name.startswith("_")}


# (e) the JSON-LD context


def _sample_graph() -> Graph:
    base = "https://kg.example.org/"
    paper = URIRef(base + "paper/0123456789ab")
    authorship = URIRef(base + "paper/0123456789ab/authorship/1")
    person = URIRef(base + "person/Ning_Ding")
    page = URIRef(base + "page/001.txt")
    listing = URIRef(base + "page/001.txt/L12")
    metrics = URIRef(base + "page/001.txt/metrics")
    g = Graph()
    triples = [
        (paper, RDF.type, SCHEMA.ScholarlyArticle),
        (paper, RDF.type, URIRef(PREFIXES["fabio"] + "Preprint")),
        (paper, DCTERMS.title, Literal("Sparse Low-rank Adaptation")),
        (paper, DCTERMS.issued, Literal("2023-11-20", datatype=XSD.date)),
        (paper, KG.issuedYearInferred, Literal(False)),
        (paper, DCTERMS.subject, ARXIV["cs.CL"]),
        (paper, KG.authorListComplete, Literal(False)),
        (paper, KG.shownAuthorCount, Literal(3)),
        (paper, KG.hasAuthorship, authorship),
        (paper, KG.hasCode, Literal(True)),
        (paper, KG.codeEvidence, KG.CodeFlagEvidence),
        (paper, DCTERMS.creator, person),
        (authorship, RDF.type, KG.Authorship),
        (authorship, KG.authorshipOf, paper),
        (authorship, KG.author, person),
        (authorship, KG.ordinal, Literal(1, datatype=XSD.integer)),
        (authorship, KG.printedName, Literal("Ning Ding")),
        (person, RDF.type, SCHEMA.Person),
        (person, FOAF.name, Literal("Ning Ding")),
        (page, RDF.type, KG.SourcePage),
        (page, KG.capturedOn, Literal("2025-06-01", datatype=XSD.date)),
        (page, KG.sha256, Literal("ab" * 32)),
        (listing, RDF.type, KG.Listing),
        (listing, KG.onPage, page),
        (listing, KG.line, Literal(12, datatype=XSD.integer)),
        (listing, KG.score, Literal("7.5", datatype=XSD.decimal)),
        (listing, KG.codeFlag, Literal(True)),
        (listing, KG.printedDate, Literal("2023-11-20")),
        (metrics, RDF.type, KG.MetricsObservation),
        (metrics, KG.hIndex, Literal(35)),
        (metrics, KG.noveltyPercent, Literal("44", datatype=XSD.decimal)),
        (metrics, KG.primaryCategory, ARXIV["cs.CL"]),
        (ARXIV["cs.CL"], SKOS.prefLabel, Literal("Computation and Language", lang="en")),
        # a year-only date and a literal whose datatype differs from the term's coercion
        (URIRef(base + "paper/ffffffffffff"), DCTERMS.issued, Literal("2021", datatype=XSD.gYear)),
        (metrics, KG.paperCount, Literal("17.0", datatype=XSD.decimal)),
        (BNode("b0"), RDFS.label, Literal("blank nodes still round-trip")),
    ]
    for triple in triples:
        g.add(triple)
    return g


def test_context_is_jsonld(context: dict[str, Any]) -> None:
    assert set(context) == {"@context"}
    ctx = context["@context"]
    for prefix in ("kg", "arxiv", "schema", "dcterms", "foaf", "skos", "prov", "void", "dcat"):
        assert ctx[prefix] == PREFIXES[prefix]
    for prefix in ("fabio", "pro", "bido", "xsd", "rdfs", "owl"):
        assert ctx[prefix] == PREFIXES[prefix]
    assert ctx["issued"] == "dcterms:issued", "dcterms:issued may be xsd:date or xsd:gYear"


def test_context_agrees_with_ontology(context: dict[str, Any], kg_graph: Graph) -> None:
    """kg: terms in the context exist, and their coercions match kg.ttl's ranges."""
    problems = []
    for name, definition in context["@context"].items():
        iri = definition["@id"] if isinstance(definition, dict) else definition
        if not isinstance(iri, str) or not iri.startswith("kg:"):
            continue
        term = URIRef(KG_NS + iri[3:])
        if iri[3:] not in _vocab_terms():
            problems.append(f"{name}: {iri} is not a kg: term")
            continue
        coercion = definition.get("@type") if isinstance(definition, dict) else None
        if coercion == "@id":
            if (term, RDF.type, OWL.ObjectProperty) not in kg_graph:
                problems.append(f"{name}: coerced to @id but not an owl:ObjectProperty")
        elif coercion is not None:
            expected = URIRef(PREFIXES["xsd"] + coercion.removeprefix("xsd:"))
            if kg_graph.value(term, RDFS.range) != expected:
                problems.append(f"{name}: coerced to {coercion}, range differs")
        elif (term, RDF.type, OWL.DatatypeProperty) in kg_graph:
            if kg_graph.value(term, RDFS.range) != XSD.string:
                problems.append(f"{name}: datatype property without coercion")
    assert not problems, "\n".join(problems)


# rdflib 7.6's JSON-LD parser wraps a plain Graph sink in a ConjunctiveGraph internally and
# so warns on every parse; the warning is rdflib's, not ours.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.usefixtures("no_network")
def test_jsonld_round_trip(context: dict[str, Any]) -> None:
    original = _sample_graph()
    text = original.serialize(format="json-ld", context=context["@context"], sort_keys=True)
    assert '"hasAuthorship"' in text and '"capturedOn"' in text  # short terms are used
    parsed = Graph().parse(data=text, format="json-ld")
    if not isomorphic(original, parsed):
        _, only_original, only_parsed = graph_diff(to_isomorphic(original), to_isomorphic(parsed))
        pytest.fail(
            "JSON-LD round trip changed the graph:\n"
            f"lost: {sorted(only_original)}\ngained: {sorted(only_parsed)}"
        )
