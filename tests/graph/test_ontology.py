"""The ontology (kg.ttl) parses, agrees with kg.graph.vocab, and carries what the model promises."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from kg.graph.vocab import DCTERMS, FOAF, KG, PREFIXES, PROV, SCHEMA

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY = ROOT / "ontology"
KG_NS = str(KG)


def _declared_kg_terms(g: Graph) -> set[str]:
    """Local names of kg: IRIs that kg.ttl types (classes, properties, individuals)."""
    return {
        str(s)[len(KG_NS) :]
        for s in set(g.subjects(RDF.type, None))
        if isinstance(s, URIRef) and str(s).startswith(KG_NS)
    }


def _vocab_terms() -> set[str]:
    return {name for name in KG.__annotations__ if not name.startswith("_")}


def _of_type(g: Graph, *types: URIRef) -> set[URIRef]:
    found: set[URIRef] = set()
    for t in types:
        found |= {s for s in g.subjects(RDF.type, t) if isinstance(s, URIRef)}
    return {s for s in found if str(s).startswith(KG_NS)}


def _english(values: list[Any]) -> list[Literal]:
    return [v for v in values if isinstance(v, Literal) and v.language == "en"]


# (a) the files parse


def test_kg_ttl_parses(kg_graph: Graph) -> None:
    assert (URIRef("https://w3id.org/kg/ns"), RDF.type, OWL.Ontology) in kg_graph
    header = URIRef("https://w3id.org/kg/ns")
    assert kg_graph.value(header, OWL.versionInfo) == Literal("0.1.0")
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license):
        assert kg_graph.value(header, prop) is not None, f"ontology header lacks {prop}"


# (b) kg.ttl and kg.graph.vocab.KG declare the same terms


def test_vocab_mirrors_ontology(kg_graph: Graph) -> None:
    declared = _declared_kg_terms(kg_graph)
    in_vocab = _vocab_terms()
    missing = sorted(declared - in_vocab)
    extra = sorted(in_vocab - declared)
    assert not missing and not extra, (
        "kg/vocab.py and ontology/kg.ttl have drifted apart:\n"
        f"  declared in kg.ttl but missing from KG: {', '.join(missing) or '-'}\n"
        f"  in KG but not declared in kg.ttl: {', '.join(extra) or '-'}"
    )


def test_vocab_is_closed() -> None:
    assert KG.Authorship == URIRef(KG_NS + "Authorship")
    with pytest.raises(AttributeError):
        KG.Authorshp  # noqa: B018 - the misspelling is the point


def test_prefixes_are_sorted_and_cover_the_model() -> None:
    assert list(PREFIXES) == sorted(PREFIXES)
    assert PREFIXES["kg"] == KG_NS
    assert PREFIXES["arxiv"] == "https://w3id.org/kg/arxiv/"
    assert PREFIXES["schema"] == str(SCHEMA) == "https://schema.org/"
    expected = {"kg", "arxiv", "schema", "dcterms", "foaf", "skos", "prov", "void", "dcat"}
    assert expected | {"fabio", "pro", "bido", "xsd", "owl", "rdfs"} <= set(PREFIXES)


# (c) every kg: term is documented; every property has a domain and a range


def test_classes_and_properties_are_documented(kg_graph: Graph) -> None:
    terms = _of_type(
        kg_graph, OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual
    )
    assert terms, "no kg: terms found"
    problems = []
    for term in sorted(terms):
        labels = _english(list(kg_graph.objects(term, RDFS.label)))
        comments = _english(list(kg_graph.objects(term, RDFS.comment)))
        if len(labels) != 1:
            problems.append(f"{term}: {len(labels)} English rdfs:label")
        if len(comments) != 1:
            problems.append(f"{term}: {len(comments)} English rdfs:comment")
        if kg_graph.value(term, RDFS.isDefinedBy) != URIRef("https://w3id.org/kg/ns"):
            problems.append(f"{term}: no rdfs:isDefinedBy <https://w3id.org/kg/ns>")
    assert not problems, "\n".join(problems)


def test_properties_have_domain_and_range(kg_graph: Graph) -> None:
    problems = []
    for prop in sorted(_of_type(kg_graph, OWL.ObjectProperty)):
        domains = list(kg_graph.objects(prop, RDFS.domain))
        ranges = list(kg_graph.objects(prop, RDFS.range))
        if len(domains) != 1 or len(ranges) != 1:
            problems.append(f"{prop}: {len(domains)} domains, {len(ranges)} ranges")
        elif str(ranges[0]).startswith(str(XSD)):
            problems.append(f"{prop}: object property with datatype range {ranges[0]}")
    for prop in sorted(_of_type(kg_graph, OWL.DatatypeProperty)):
        domains = list(kg_graph.objects(prop, RDFS.domain))
        ranges = list(kg_graph.objects(prop, RDFS.range))
        if len(domains) != 1 or len(ranges) != 1:
            problems.append(f"{prop}: {len(domains)} domains, {len(ranges)} ranges")
        elif not str(ranges[0]).startswith(str(XSD)):
            problems.append(f"{prop}: datatype property with non-XSD range {ranges[0]}")
    assert not problems, "\n".join(problems)


def test_every_declared_term_is_a_class_property_or_individual(kg_graph: Graph) -> None:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)
    typed = {str(t)[len(KG_NS) :] for t in _of_type(kg_graph, *kinds)}
    assert _declared_kg_terms(kg_graph) == typed


def test_key_alignments(kg_graph: Graph) -> None:
    pro = PREFIXES["pro"]
    bido = PREFIXES["bido"]
    expected = [
        (KG.Authorship, RDFS.subClassOf, URIRef(pro + "RoleInTime")),
        (KG.AmbiguousCreator, RDFS.subClassOf, PROV.Agent),
        (KG.AmbiguousCreator, RDFS.seeAlso, URIRef("https://dblp.org/rdf/schema#AmbiguousCreator")),
        (KG.AmbiguousTopic, RDFS.subClassOf, SKOS.Concept),
        (KG.SourcePage, RDFS.subClassOf, PROV.Entity),
        (KG.SourcePage, RDFS.subClassOf, FOAF.Document),
        (KG.Listing, RDFS.subClassOf, PROV.Entity),
        (KG.MetricsObservation, RDFS.subClassOf, URIRef(bido + "BibliometricDataInTime")),
        (KG.onPage, RDFS.subPropertyOf, PROV.wasDerivedFrom),
        (KG.hasAuthorship, OWL.inverseOf, KG.authorshipOf),
        (KG.hasCodeRepository, OWL.inverseOf, KG.repositoryOf),
        (KG.CodeFlagEvidence, RDF.type, KG.CodeEvidence),
        (KG.AbstractUrlEvidence, RDF.type, KG.CodeEvidence),
    ]
    missing = [t for t in expected if t not in kg_graph]
    assert not missing, "missing alignments:\n" + "\n".join(map(str, missing))
