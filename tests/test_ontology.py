"""The ontology assets parse, agree with kg.graph.vocab, and carry what the model promises."""

from __future__ import annotations

import json
import socket
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from kg.graph.vocab import ARXIV, DCTERMS, FOAF, KG, PREFIXES, PROV, SCHEMA

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
KG_NS = str(KG)

ARCHIVE_SIZES = {
    "cs": 40,
    "math": 32,
    "stat": 6,
    "eess": 4,
    "econ": 3,
    "q-bio": 10,
    "q-fin": 9,
    "physics": 22,
    "astro-ph": 6,
    "cond-mat": 9,
    "nlin": 5,
}
SINGLE_CATEGORY_ARCHIVES = {
    "gr-qc",
    "hep-ex",
    "hep-lat",
    "hep-ph",
    "hep-th",
    "math-ph",
    "nucl-ex",
    "nucl-th",
    "quant-ph",
}


@pytest.fixture(scope="module")
def kg_graph() -> Graph:
    return Graph().parse(ONTOLOGY / "kg.ttl", format="turtle")


@pytest.fixture(scope="module")
def arxiv_graph() -> Graph:
    return Graph().parse(ONTOLOGY / "arxiv.ttl", format="turtle")


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


def test_arxiv_ttl_parses(arxiv_graph: Graph) -> None:
    assert (URIRef(str(ARXIV)), RDF.type, SKOS.ConceptScheme) in arxiv_graph


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


# (d) the arXiv taxonomy


def _concepts(g: Graph) -> set[URIRef]:
    return {c for c in g.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef)}


def test_arxiv_concepts_are_well_formed(arxiv_graph: Graph) -> None:
    g = arxiv_graph
    scheme = URIRef(str(ARXIV))
    tops = {c for c in g.objects(scheme, SKOS.hasTopConcept) if isinstance(c, URIRef)}
    assert tops == set(g.subjects(SKOS.topConceptOf, scheme))
    problems = []
    for concept in sorted(_concepts(g)):
        notations = list(g.objects(concept, SKOS.notation))
        labels = _english(list(g.objects(concept, SKOS.prefLabel)))
        broader = list(g.objects(concept, SKOS.broader))
        if len(notations) != 1:
            problems.append(f"{concept}: {len(notations)} notations")
            continue
        code = str(notations[0])
        if concept != ARXIV[code]:
            problems.append(f"{concept}: IRI does not match notation {code!r}")
        if len(labels) != 1 or len(list(g.objects(concept, SKOS.prefLabel))) != 1:
            problems.append(f"{concept}: needs exactly one prefLabel, in English")
        if (concept, SKOS.inScheme, scheme) not in g:
            problems.append(f"{concept}: not skos:inScheme arxiv:")
        if concept in tops:
            if broader:
                problems.append(f"{concept}: a top concept with a broader concept")
        elif len(broader) != 1 or broader[0] not in tops:
            problems.append(f"{concept}: broader {broader} is not exactly one top concept")
        elif not code.startswith(str(g.value(broader[0], SKOS.notation)) + "."):
            problems.append(f"{concept}: notation does not start with its archive's")
    assert not problems, "\n".join(problems)


def test_arxiv_covers_all_categories(arxiv_graph: Graph) -> None:
    g = arxiv_graph
    concepts = _concepts(g)
    assert len(concepts) >= 150
    notations = [str(n) for c in concepts for n in g.objects(c, SKOS.notation)]
    duplicates = sorted(n for n, k in Counter(notations).items() if k > 1)
    assert not duplicates, f"duplicate notations: {duplicates}"
    sizes = Counter(n.split(".", 1)[0] for n in notations if "." in n)
    assert dict(sizes) == ARCHIVE_SIZES
    tops = {str(g.value(c, SKOS.notation)) for c in g.subjects(SKOS.topConceptOf, ARXIV[""])}
    assert tops == set(ARCHIVE_SIZES) | SINGLE_CATEGORY_ARCHIVES
    for single in SINGLE_CATEGORY_ARCHIVES:
        assert (ARXIV[single], SKOS.narrower, None) not in g
        assert (None, SKOS.broader, ARXIV[single]) not in g


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("cs.CL", "Computation and Language"),
        ("cs.LG", "Machine Learning"),
        ("cs.NE", "Neural and Evolutionary Computing"),
        ("cs.SI", "Social and Information Networks"),
        ("stat.ML", "Machine Learning"),
        ("stat.CO", "Computation"),
        ("math.ST", "Statistics Theory"),
        ("math.CV", "Complex Variables"),
        ("q-fin.CP", "Computational Finance"),
        ("q-fin.ST", "Statistical Finance"),
        ("astro-ph.CO", "Cosmology and Nongalactic Astrophysics"),
        ("nlin.SI", "Exactly Solvable and Integrable Systems"),
        ("hep-th", "High Energy Physics - Theory"),
        ("cs", "Computer Science"),
    ],
)
def test_arxiv_labels(arxiv_graph: Graph, code: str, label: str) -> None:
    assert arxiv_graph.value(ARXIV[code], SKOS.prefLabel) == Literal(label, lang="en")


def test_site_codes_ambiguity(arxiv_graph: Graph) -> None:
    """The bare codes the site prints: some name one category, others several."""
    suffixes = Counter(
        str(n).split(".", 1)[1] for n in arxiv_graph.objects(None, SKOS.notation) if "." in str(n)
    )
    for code in ("CL", "LG", "AI", "NE"):
        assert suffixes[code] == 1, f"{code} should name exactly one category"
    for code in ("CO", "ST", "SI", "CV"):
        assert suffixes[code] > 1, f"{code} should be ambiguous"


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


# (f) organisation names


def test_organisations() -> None:
    with (ONTOLOGY / "organisations.json").open(encoding="utf-8") as f:
        organisations = json.load(f)
    assert isinstance(organisations, dict)
    assert organisations["pku"] == "Peking University"
    assert organisations["tsinghua"] == "Tsinghua University"
    assert organisations["stanford"] == "Stanford University"
    assert len(organisations) >= 40
    assert list(organisations) == sorted(organisations)
    bad = [k for k in organisations if k != k.lower() or not k.strip() or " " in k]
    assert not bad, f"organisation codes must be lowercase, without spaces: {bad}"
    assert all(isinstance(v, str) and v.strip() == v and v for v in organisations.values())
