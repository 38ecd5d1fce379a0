"""Fixtures of the kg.sparql tests: the seeds built once, their store, and a server
holding them."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from kgtest import build
from querytest import SEEDS

DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy


@pytest.fixture(scope="session")
def seed_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds built once: exports and the embedded store (read only: copy to change)."""
    out = tmp_path_factory.mktemp("queries-out")
    return build(SEEDS, out)


@pytest.fixture(scope="session")
def seed_store(seed_out: Path) -> Iterator[ox.Store]:
    yield ox.Store.read_only(str(seed_out / "store"))


@pytest.fixture
def seed_endpoint(request: pytest.FixtureRequest, seed_out: Path) -> str:
    """A fresh Oxigraph server holding the seed dataset, default graph included."""
    try:
        base: str = request.getfixturevalue("oxigraph_server")
    except pytest.FixtureLookupError:
        pytest.skip("no oxigraph_server fixture in tests/conftest.py (the triple-store issue)")
    dump = ox.Store.read_only(str(seed_out / "store")).dump(format=ox.RdfFormat.N_QUADS)
    assert dump
    request_ = urllib.request.Request(
        f"{base}/store",
        data=dump,
        method="POST",
        headers={"Content-Type": "application/n-quads"},
    )
    with DIRECT.open(request_, timeout=30) as response:
        assert response.status in (200, 201, 204)
    return f"{base}/query"
