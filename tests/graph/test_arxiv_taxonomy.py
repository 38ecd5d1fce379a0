"""The reference data: the arXiv taxonomy (arxiv.ttl) and the organisation names."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from kg.graph.vocab import ARXIV, KG

ROOT = Path(__file__).resolve().parents[2]
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
def arxiv_graph() -> Graph:
    return Graph().parse(ONTOLOGY / "arxiv.ttl", format="turtle")


# (d) the arXiv taxonomy


def _english(values: list[Any]) -> list[Literal]:
    return [v for v in values if isinstance(v, Literal) and v.language == "en"]


def test_arxiv_ttl_parses(arxiv_graph: Graph) -> None:
    assert (URIRef(str(ARXIV)), RDF.type, SKOS.ConceptScheme) in arxiv_graph


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
