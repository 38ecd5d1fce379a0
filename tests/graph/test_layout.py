"""The named graphs do not overlap (issue #17): each triple is in one graph, their union is
graph.nt, a page graph says only what its page says, and the store read as one graph
counts each triple once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from kgtest import load_generator

from kg.config import Settings
from kg.graph.identity import Iris
from kg.graph.layout import UnionView, as_one_graph, holds_union_copy, union_heads
from kg.pipeline import build
from kg.store.embedded import open_store, store_path

IRIS = Iris(Settings().base_iri)
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module", params=["seeds", "generated"])
def out(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    pages = Path(__file__).resolve().parents[2] / "seeds"
    if request.param == "generated":
        pages = tmp_path_factory.mktemp("pages")
        generate = load_generator()
        generate.generate(generate.Knobs(papers=300, seed=3), pages, truth=False)
    folder = tmp_path_factory.mktemp("out")
    build([pages], Settings(out_dir=folder), validate=False)
    return folder


def quads(out: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS))


def test_each_triple_is_in_one_graph_and_their_union_is_graph_nt(out: Path) -> None:
    every = quads(out)
    per_triple = Counter(q.triple for q in every)
    assert max(per_triple.values()) == 1
    union = {q.triple for q in ox.parse(path=str(out / "graph.nt"), format=ox.RdfFormat.N_TRIPLES)}
    assert set(per_triple) == union


def test_page_graphs_say_only_what_their_page_says(out: Path) -> None:
    """Papers, people and the rest are described once, in the entities graph; a page graph
    only points at them (its listings' kg:listedPaper, its owner)."""
    entities = ox.NamedNode(IRIS.entities_graph)
    by_graph: dict[ox.NamedNode, set[str]] = {}
    for q in quads(out):
        assert isinstance(q.graph_name, ox.NamedNode)
        by_graph.setdefault(q.graph_name, set()).add(q.subject.value)
    pages = [g for g in by_graph if g.value.startswith(IRIS.page(""))]
    assert pages
    described = by_graph[entities]
    assert any(s.startswith(f"{IRIS.base}paper/") for s in described)
    for page in pages:
        outside = {s for s in by_graph[page] if not s.startswith(page.value)}
        # the only subjects not minted under the page: people holding its observation
        assert all(s.startswith(f"{IRIS.base}person/") for s in outside), outside


def test_the_store_read_as_one_graph_counts_each_triple_once(out: Path) -> None:
    triples = sum(1 for _ in ox.parse(path=str(out / "graph.nt"), format=ox.RdfFormat.N_TRIPLES))
    with open_store(store_path(out)) as store:
        assert isinstance(store, UnionView)
        (row,) = store.query(COUNT)
        assert int(row[0].value) == triples
        assert len(union_heads(store)) == triples
        raw = ox.Store.read_only(str(store_path(out)))
        assert not list(raw.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def test_a_store_of_the_old_layout_is_read_through_its_default_graph(
    out: Path, tmp_path: Path
) -> None:
    """Before issue #17 the default graph held the union and page graphs overlapped: read
    as one graph it must not count the overlap twice."""
    every = quads(out)
    store = ox.Store(str(tmp_path / "old"))
    store.bulk_extend(every)
    store.bulk_extend([ox.Quad(q.subject, q.predicate, q.object) for q in every])
    copy = ox.NamedNode(IRIS.page("copy.txt"))
    store.bulk_extend([ox.Quad(q.subject, q.predicate, q.object, copy) for q in every[:50]])
    assert holds_union_copy(store)
    graph = as_one_graph(store)
    assert graph is store
    (row,) = graph.query(COUNT)  # type: ignore[misc]
    assert int(row[0].value) == len({q.triple for q in every})
