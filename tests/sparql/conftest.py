"""Fixtures of the kg.sparql tests: the seeds built once, their store, and a server
holding them."""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from kgtest import build
from querytest import SEEDS

from kg.config import DEFAULT_BASE_IRI
from kg.graph.identity import Iris
from kg.graph.layout import Graph, as_one_graph

UNION = Iris(DEFAULT_BASE_IRI).union_graph  # where `kg load` puts the deduplicated union

DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy


@pytest.fixture(scope="session")
def seed_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds built once: exports and the embedded store (read only: copy to change)."""
    out = tmp_path_factory.mktemp("queries-out")
    return build(SEEDS, out)


@pytest.fixture(scope="session")
def seed_store(seed_out: Path) -> Iterator[Graph]:
    yield as_one_graph(ox.Store.read_only(str(seed_out / "store")))


@pytest.fixture
def seed_endpoint(request: pytest.FixtureRequest, seed_out: Path) -> str:
    """A fresh Oxigraph server holding the seed dataset, default graph included, and the
    default graph again as <base>graph/union, as `kg load` leaves it (issue 20)."""
    try:
        base: str = request.getfixturevalue("oxigraph_server")
    except pytest.FixtureLookupError:
        pytest.skip("no oxigraph_server fixture in tests/conftest.py (the triple-store issue)")
    store = ox.Store.read_only(str(seed_out / "store"))
    dump = store.dump(format=ox.RdfFormat.N_QUADS)
    union = (seed_out / "graph.nt").read_bytes()  # the union, as kg load sends it
    assert dump and union
    graph = urllib.parse.quote(UNION, safe="")
    for url, data, media_type in (
        (f"{base}/store", dump, "application/n-quads"),
        (f"{base}/store?default", union, "application/n-triples"),
        (f"{base}/store?graph={graph}", union, "application/n-triples"),
    ):
        request_ = urllib.request.Request(
            url, data=data, method="POST", headers={"Content-Type": media_type}
        )
        with DIRECT.open(request_, timeout=30) as response:
            assert response.status in (200, 201, 204)
    return f"{base}/query"
