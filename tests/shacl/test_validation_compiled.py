"""Compiled core shapes report exactly what pySHACL reports (issue 4).

kg.shacl.compile checks most core shapes with SPARQL over the store and decides every
candidate with pySHACL's own rules. Here the compiled validation is compared, result by
result (focus node, path, value, shape, component, severity, message, page and line), with
pySHACL checking every shape: on the seeds, the corrupted seeds, every graph of the shape cases,
a graph of odd literals, and the 1 k benchmark corpus.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from kgtest import load_generator
from shapecases import BASE_TTL, CASES_LIST, KGSH, as_quads, corrupt, parse

from kg.config import Settings
from kg.pipeline import build_from_paths
from kg.shacl.compile import compile_shape
from kg.shacl.plan import targeted_shapes
from kg.shacl.report import Report
from kg.shacl.run import validate

ROOT = Path(__file__).resolve().parents[2]
P = "paper:0123456789ab"
A1 = "<https://kg.example.org/paper/0123456789ab/authorship/1>"
L1 = "<https://kg.example.org/page/p1.txt/L10>"
R = "<https://kg.example.org/repo/github.com/ann/tool>"

# Values where rdflib's view (normalised lexical forms, ill-typed literals) or Python's regular
# expressions differ from SPARQL's: each must come out exactly as pySHACL reports it.
ODD = f"""
{A1} kg:ordinal "01"^^xsd:integer .
{A1} kg:printedName "Ann Lee"@en .
{L1} kg:line "+10"^^xsd:integer , "010"^^xsd:integer .
{L1} kg:codeFlag "1"^^xsd:boolean .
{L1} kg:score "1.50"^^xsd:decimal , "abc"^^xsd:decimal .
{L1} kg:printedDate "2025-03-01\\n" .
{L1} kg:printedCategory "CL\\u00e9" , _:blank .
{L1} kg:recordForm "glued"@en .
{P} dcterms:issued "2025-02-30"^^xsd:date .
{P} rdfs:seeAlso <https://ex\\u00e4mple.org/x> .
{P} kg:shownAuthorCount "2.0"^^xsd:decimal .
{R} schema:codeRepository "https://github.com/ann/tool\\u2028x"^^xsd:anyURI .
{R} schema:codeRepository "https://github.com/ann/to\\u001col"^^xsd:anyURI .
org:pku skos:notation "p\\u001cku" .
"""


def assert_same(compiled: Report, reference: Report) -> None:
    """Equal reports; on failure, the results only one side has."""
    only_compiled = sorted(set(compiled.results) - set(reference.results), key=str)
    only_reference = sorted(set(reference.results) - set(compiled.results), key=str)
    assert not only_compiled and not only_reference, (only_compiled[:5], only_reference[:5])
    assert compiled == reference


def test_the_compiled_subset(shapes: rdflib.Graph) -> None:
    """Every core shape is compiled but those using sh:xone, sh:node, sh:uniqueLang or
    sh:lessThanOrEquals; SPARQL-based shapes run set-at-a-time, as before."""
    targeted = targeted_shapes(shapes)
    left = {
        str(s).removeprefix(KGSH)
        for s in targeted
        if compile_shape(shapes, s) is None and (s, rdflib.SH.sparql, None) not in shapes  # type: ignore[arg-type]
    }
    assert left == {
        "TopicShape",
        "Topic-prefLabel",
        "ConceptScheme-prefLabel",
        "MetricsObservation-hIndexPapers",
        "Dataset-classPartition",
    }
    assert sum(compile_shape(shapes, s) is not None for s in targeted) == 149  # type: ignore[arg-type]


@pytest.mark.parametrize("which", ["base", "good cases", "bad cases", "odd literals"])
def test_case_graphs(which: str, shapes: rdflib.Graph) -> None:
    """The shape cases (each shape broken on its own) and odd literals, against plain pySHACL
    over the whole graph."""
    if which == "base":
        triples = parse(BASE_TTL)
    elif which == "odd literals":
        triples = parse(BASE_TTL) | parse(ODD)
    else:
        triples = set()
        for case in CASES_LIST:
            triples |= case.graph(good=which == "good cases")
    compiled = validate(as_quads(triples), shapes=shapes)
    assert_same(compiled, validate(as_quads(triples), shapes=shapes, sharded=False))
    if which != "good cases":
        assert compiled.results


def test_seeds_and_corrupted_seeds(seed_quads: list[ox.Quad], shapes: rdflib.Graph) -> None:
    for quads in (seed_quads, corrupt(seed_quads)):
        compiled = validate(quads, shapes=shapes)
        assert_same(compiled, validate(quads, shapes=shapes, compiled=False))
        assert_same(compiled, validate(quads, shapes=shapes, sharded=False))


PAGE_COPY = ox.NamedNode("https://kg.example.org/page/copy.txt")


def test_a_store_folder_is_validated_in_place(
    seed_quads: list[ox.Quad], shapes: rdflib.Graph, tmp_path: Path
) -> None:
    """kg validate's path: a store as kg build writes it (named graphs that do not overlap,
    read as their union), read-only, each forked worker with its own handle."""
    quads = corrupt(seed_quads)
    store = ox.Store(str(tmp_path / "store"))
    store.bulk_extend(quads)
    store.flush()
    del store  # closed before it is opened read-only
    assert_same(validate(tmp_path / "store", shapes=shapes), validate(quads, shapes=shapes))


def test_a_store_folder_of_the_old_layout_is_validated_through_its_default_graph(
    seed_quads: list[ox.Quad], shapes: rdflib.Graph, tmp_path: Path
) -> None:
    """Before issue #17 a store held overlapping page graphs and their union in its default
    graph: it is still read through the default graph, each triple once."""
    quads = corrupt(seed_quads)
    store = ox.Store(str(tmp_path / "store"))
    store.bulk_extend(quads)
    store.bulk_extend([ox.Quad(q.subject, q.predicate, q.object) for q in quads])
    # an overlap the union view would count twice
    store.bulk_extend([ox.Quad(q.subject, q.predicate, q.object, PAGE_COPY) for q in quads])
    store.flush()
    del store
    assert_same(validate(tmp_path / "store", shapes=shapes), validate(quads, shapes=shapes))


@pytest.fixture(scope="module")
def corpus_quads(tmp_path_factory: pytest.TempPathFactory) -> list[ox.Quad]:
    """The 1 k benchmark corpus (benchmarks/corpus/1k-seed7, generated when absent)."""
    corpus = ROOT / "benchmarks" / "corpus" / "1k-seed7"
    if not corpus.is_dir():
        generate = load_generator()
        corpus = tmp_path_factory.mktemp("1k-seed7")
        generate.generate(generate.Knobs(papers=1000, seed=7), corpus, truth=False)
    return build_from_paths([corpus], Settings()).quads


def test_the_1k_corpus(corpus_quads: list[ox.Quad], shapes: rdflib.Graph) -> None:
    compiled = validate(corpus_quads, shapes=shapes)
    assert_same(compiled, validate(corpus_quads, shapes=shapes, compiled=False))
    assert len(compiled.results) > 50
