"""Fixtures of the export tests: the seed graph as the writers' input."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from writercheck import Pairs, nquads, sorted_input

from kg.config import Settings
from kg.pipeline import build_from_paths


@pytest.fixture(scope="session")
def seed_input(seeds_dir: Path) -> tuple[Pairs, list[str]]:
    """The sorted pairs and union kg build writes the seeds' exports from."""
    graph = build_from_paths([seeds_dir], Settings()).graph
    pairs, union = list(graph.pairs), list(graph.union)
    assert (pairs, union) == sorted_input(
        list(ox.parse(nquads(pairs).encode(), format=ox.RdfFormat.N_QUADS))
    )
    return pairs, union
