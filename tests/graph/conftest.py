"""Fixtures the graph tests share."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from kgtest import load_generator
from rdflib import Graph

from kg.config import Settings
from kg.graph.identity import Iris
from kg.pipeline import build_from_paths

ONTOLOGY = Path(__file__).resolve().parents[2] / "ontology"


@pytest.fixture(scope="module")
def kg_graph() -> Graph:
    """Our ontology, ontology/kg.ttl, parsed by rdflib."""
    return Graph().parse(ONTOLOGY / "kg.ttl", format="turtle")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated corpus with every layout, truncation, ambiguity and code flag."""
    generate = load_generator()
    folder = tmp_path_factory.mktemp("corpus")
    generate.generate(generate.Knobs(papers=400, seed=11), folder, truth=False)
    return folder


@pytest.fixture(scope="module", params=["seeds", "generated"])
def graph(request: pytest.FixtureRequest, seeds_dir: Path) -> tuple[ox.Store, ox.Store]:
    """The union of the data graphs the build's statistics and tables are made from, and
    that union with the statistics graph added (what the saved queries read), each in the
    default graph of an in-memory store; built from the seeds, then the generated corpus."""
    folder = seeds_dir if request.param == "seeds" else request.getfixturevalue("generated")
    quads = build_from_paths([folder], Settings()).quads
    iris = Iris(Settings().base_iri)
    statistics, dataset = ox.NamedNode(iris.statistics_graph), ox.NamedNode(iris.dataset_graph)
    data, everything = ox.Store(), ox.Store()
    data.extend(
        ox.Quad(q.subject, q.predicate, q.object)
        for q in quads
        if q.graph_name not in (statistics, dataset)
    )
    everything.extend(
        ox.Quad(q.subject, q.predicate, q.object) for q in quads if q.graph_name != dataset
    )
    return data, everything
